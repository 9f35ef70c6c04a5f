"""What every API resource uses: the error envelope, object look-ups, permissions and pagination."""

from copy import deepcopy
from functools import wraps
from typing import NoReturn

import flask_smorest
from flask import request
from flask_smorest import abort
from marshmallow import ValidationError
from sqlalchemy import Select, func, select
from webargs.flaskparser import FlaskParser

from perf.auth.permissions import Perm, require
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import Int, Items, Obj, PerfSchema
from perf.versions import read_version


class ChineseParser(FlaskParser):
    """webargs' parser, saying in Chinese that a body is not JSON (its other messages are the fields' own)."""

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, exc=error, messages={"json": ["请求体不是有效的 JSON"]})


class Blueprint(flask_smorest.Blueprint):
    """Every API resource's blueprint: arguments read by the Chinese parser."""

    ARGUMENTS_PARSER = ChineseParser()


def json_body() -> dict:
    """The request's JSON object as sent: 400 when it is not JSON, 422 when it is not an object ({} when empty)."""
    if not request.get_data():
        return {}
    body = request.get_json(force=True, silent=True)
    if body is None:
        api_abort(400, "请求体不是有效的 JSON", {"_schema": ["请求体不是有效的 JSON"]})
    if not isinstance(body, dict):
        api_abort(422, "提交的数据有误", {"_schema": ["应为一个对象（键值对）"]})
    return body


def raw_body(schema: type, example: dict | None = None):
    """Document ``schema`` as the request body and hand the view the body as sent.

    For bodies a service loads itself, with rules that need the database or the object at hand
    (the budget year of a 绩效目标表): every problem comes back at once, from one load.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(json_body(), *args, **kwargs)

        content = {"schema": schema, **({"example": example} if example is not None else {})}
        wrapped._apidoc = deepcopy(getattr(view, "_apidoc", {}))
        manual = wrapped._apidoc.setdefault("manual_doc", {})
        manual["requestBody"] = {"required": True, "content": {"application/json": content}}
        manual.setdefault("responses", {})["422"] = {"$ref": "#/components/responses/UNPROCESSABLE_ENTITY"}
        return wrapped

    return decorator


def load_or_refuse(schema, data: dict) -> dict:
    """``data`` loaded by ``schema``, or a 422 naming every field at fault."""
    try:
        return schema.load(data)
    except ValidationError as error:
        raise RuleError.from_marshmallow(error.messages) from None


def api_abort(code: int, message: str, errors: dict[str, list[str]] | None = None) -> NoReturn:
    """Stop with the JSON envelope ``{code, message, errors}`` (perf/errors.py renders it)."""
    abort(code, message=message, errors=errors or {})


def refuse_star_if_match() -> None:
    """``If-Match: *`` would overwrite whatever is there now: an update must name the version it changes."""
    from flask import request

    if request.if_match.star_tag:
        api_abort(428, "If-Match 须为先前 GET 取得的 ETag，不接受 *（以免覆盖他人的修改）")


def if_match_parameter(description: str, required: bool = False) -> dict:
    """The documented ``If-Match`` header of an update (OpenAPI parameter)."""
    return {
        "name": "If-Match",
        "in": "header",
        "required": required,
        "schema": {"type": "string"},
        "description": description,
    }


#: The If-Match header of an update that may name the version it was read at (a step on an alert).
IF_MATCH_VERSION = if_match_parameter('可选：先前 GET 取得的 ETag（版本号，如 "3"）；其间已被他人处理时返回 412')


def version_in_if_match() -> int | None:
    """The version an update names in ``If-Match`` (a GET's ETag, ``"3"``); None without the header.

    ``*`` is refused (428); a header naming no version perf gave out answers 412, as a stale one does.
    """
    refuse_star_if_match()
    if not request.if_match:
        return None
    found = {read_version(tag) for tag in request.if_match.as_set(include_weak=True)} - {None}
    if len(found) != 1:
        api_abort(412, "If-Match 中的 ETag 不是本资源的版本，请重新获取后再修改")
    return found.pop()


def version_etag(obj) -> dict[str, str]:
    """The response header naming ``obj``'s version, for the next update's If-Match."""
    return {"ETag": f'"{obj.lock_version}"'}


def not_found(what: str) -> NoReturn:
    """404 naming what was not found."""
    api_abort(404, f"{what}不存在")


def allow(perm: Perm):
    """Declare and enforce an operation's permission (401 anonymous, 403 wrong role); documented as x-permission.

    The view's name becomes the operation's ``operationId``.

    Put it right under the route decorator, so the caller is known before the body is read.
    """

    def decorator(view):
        guarded = require(perm)(view)
        guarded._apidoc = deepcopy(getattr(guarded, "_apidoc", {}))
        manual = guarded._apidoc.setdefault("manual_doc", {})
        manual["x-permission"] = perm.value
        manual["operationId"] = view.__name__  # unique across the API (tests/api/test_api_matrix.py)
        return guarded

    return decorator


class PageArgs(PerfSchema):
    """?page=1&per_page=20"""

    page = Int(minimum=1, maximum=100_000, load_default=1, metadata={"description": "页码，从 1 开始"})
    per_page = Int(minimum=1, maximum=200, load_default=20, metadata={"description": "每页条数（最多 200）"})


_PAGE_SCHEMAS: dict[str, type] = {}


def page_of(item_schema: type) -> type:
    """The envelope of a page of ``item_schema``: ``{items, total, page, per_page}``."""
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    if name not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[name] = type(
            name,
            (PerfSchema,),
            {
                "__doc__": "一页数据及总条数",
                "items": Items(Obj(item_schema), required=True),
                "total": Int(required=True, metadata={"description": "符合条件的总条数"}),
                "page": Int(required=True),
                "per_page": Int(required=True),
            },
        )
    return _PAGE_SCHEMAS[name]


def paginate(query: Select, args: dict, scalars: bool = True) -> dict:
    """One page of ``query`` and the total count (two queries)."""
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    paged = query.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.scalars(paged)) if scalars else list(db.session.execute(paged))
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def page_list(items: list, args: dict) -> dict:
    """One page of an already computed list."""
    page, per_page = args["page"], args["per_page"]
    start = (page - 1) * per_page
    return {"items": items[start : start + per_page], "total": len(items), "page": page, "per_page": per_page}
