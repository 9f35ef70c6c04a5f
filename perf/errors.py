"""The one error contract: services raise ``RuleError``; one adapter each shows it on a form, in the API and on a CLI.

A ``RuleError`` maps a field path to its Chinese messages. Paths are dotted and name the
service's own data: ``total``, ``spend_plan.1``, ``indicators.3.value``, ``payments.17.amount_yuan``;
the empty path is the object as a whole. Its ``kind`` says why the write was refused and so
which HTTP status the API answers:

========== ====== ===========================================================
kind       status meaning
========== ====== ===========================================================
invalid    422    what was given breaks a rule (the default)
conflict   409    the object's state does not allow this now (submitted, locked …)
stale      412    someone else saved the object after it was read
forbidden  403    the caller may not do this to this object
throttled  429    too many failed attempts: wait, then try again
========== ====== ===========================================================

No code reads a message to decide where it goes: the path says it. Under /api/ every error,
a ``RuleError`` or an HTTP error, answers ``{"code", "message", "errors": {path: [messages]}}``
(the whole object's messages under ``_schema``). People get Chinese error pages.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

import click
from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError
from wtforms.fields import FieldList, FormField, HiddenField

from perf.db import is_busy
from perf.extensions import db
from perf.fields import visible
from perf.numbers import plain, round2
from perf.security import UPLOAD_ENDPOINTS

#: What a write that met another at the same moment says (the database let only one of them through).
BUSY = "另一项保存正在同时进行，本次未保存。请稍后重试。"
#: What a write that lost a race against another save says (its own rules name the object when they can).
STALE = "数据已被他人修改，您的保存未生效。请刷新页面查看最新内容后再修改。"
KINDS = {"invalid": 422, "conflict": 409, "stale": 412, "forbidden": 403, "throttled": 429}
#: The API's key for messages about the whole object.
WHOLE = "_schema"

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限访问此页面",
    404: "页面不存在",
    405: "不支持此操作",
    409: "数据已被他人修改，请刷新后重试",
    412: "数据已被他人修改，请刷新后重试",
    500: "服务器内部错误",
}
#: Where the API says it differently from the pages.
API_MESSAGES = {
    **MESSAGES,
    401: "请提供有效的 API 令牌（Authorization: Bearer …）或先登录",
    403: "没有权限执行此操作",
    404: "资源不存在",
    405: "该资源不支持此 HTTP 方法",
    412: "数据已被他人修改（ETag 不匹配），请重新获取后再修改",
    413: "请求体过大",
    415: "请以 application/json 提交",
    422: "提交的数据有误",
    428: "修改须在 If-Match 请求头中给出先前 GET 取得的 ETag",
}


class RuleError(ValueError):
    """A write refused by a rule: ``errors`` maps a field path ("" = the whole object) to Chinese messages."""

    def __init__(
        self,
        errors: Mapping[str, Iterable[str]] | Iterable[str] | str,
        kind: str = "invalid",
        message: str | None = None,
    ):
        if isinstance(errors, str):
            errors = {"": [errors]}
        elif not isinstance(errors, Mapping):
            errors = {"": list(errors)}
        self.errors = {str(path): list(found) for path, found in errors.items() if found}
        if kind not in KINDS:
            raise ValueError(f"unknown rule-error kind {kind!r}")
        self.kind = kind
        self.message = message
        super().__init__(self.headline)

    @classmethod
    def from_marshmallow(cls, messages, kind: str = "invalid") -> "RuleError":
        """A schema's ValidationError messages (nested by field and index) as a RuleError of dotted paths."""
        flat = flatten(messages)
        return cls({("" if path == WHOLE else path): found for path, found in flat.items()}, kind)

    @property
    def messages(self) -> list[str]:
        """Every message, whole-object ones first, then by path as given."""
        whole = self.errors.get("", [])
        return whole + [m for path, found in self.errors.items() if path for m in found]

    @property
    def headline(self) -> str:
        """One line for the API's ``message`` and for logs."""
        return self.message or "；".join(self.messages)

    @property
    def status(self) -> int:
        """The HTTP status the API answers with."""
        return KINDS[self.kind]

    def under(self, prefix: str) -> "RuleError":
        """The same error with every path moved under ``prefix`` (``payments.3`` + ``amount`` …)."""
        return RuleError({_join(prefix, path): found for path, found in self.errors.items()}, self.kind, self.message)


class Problems:
    """Collects messages by path, then raises them all at once (so a form shows every problem together)."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, path: str, *messages: str) -> None:
        """Note ``messages`` at ``path``."""
        if messages:
            self.errors.setdefault(path, []).extend(messages)

    def merge(self, error: RuleError, prefix: str = "") -> None:
        """Take every message of ``error``, its paths under ``prefix``."""
        for path, found in error.errors.items():
            self.add(_join(prefix, path), *found)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, kind: str = "invalid", message: str | None = None) -> None:
        """Raise a RuleError with everything collected, if anything was."""
        if self.errors:
            raise RuleError(self.errors, kind, message)


def _join(prefix: str, path: str) -> str:
    return ".".join(part for part in (prefix, path) if part)


# --- adapter 1: a form -----------------------------------------------------------------------


def show_on_form(form, error: RuleError, aliases: Mapping[str, str] | None = None) -> list[str]:
    """Put each message at the form field its path names; return the messages that belong to no field.

    A path walks the form: a name picks a field (``aliases`` renames the first step, e.g.
    ``spend_plan`` -> ``plan``), a number picks an entry of a FieldList, and a FormField's
    sub-form is entered. Messages that fit no field also go to ``form.form_errors``.
    """
    unplaced: list[str] = []
    for path, messages in error.errors.items():
        field = _field_at(form, path, aliases or {})
        if field is None:
            unplaced.extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    form.form_errors.extend(m for m in unplaced if m not in form.form_errors)
    _refresh_list_errors(form)
    return unplaced


def _field_at(form, path: str, aliases: Mapping[str, str]):
    if not path:
        return None
    steps = path.split(".")
    steps[0] = aliases.get(steps[0], steps[0])
    node = form
    for step in steps:
        if isinstance(node, FormField):
            node = node.form
        if isinstance(node, FieldList):
            if not step.isdigit() or int(step) >= len(node.entries):
                return None
            node = node.entries[int(step)]
        else:
            fields = getattr(node, "_fields", None)
            if fields is None or step not in fields:
                return None
            node = fields[step]
    # a hidden input (an id, a version) shows no message: its messages go above the form
    return None if isinstance(node, FieldList | FormField | HiddenField) else node


def _refresh_list_errors(form) -> None:
    """FieldList keeps the errors it found when validating; let it see the ones placed afterwards."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    _refresh_list_errors(entry.form)
            found = [entry.errors for entry in field.entries]
            field.errors = found if any(found) else []


# --- adapter 2: the API ----------------------------------------------------------------------


def api_errors(errors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Paths as the API names them: the whole object under ``_schema``."""
    return {path or WHOLE: list(found) for path, found in errors.items()}


def rule_error_response(error: RuleError):
    """The envelope of a RuleError under /api/; a page that let one escape gets an error page."""
    if request.path.startswith("/api/"):
        body = {"code": error.status, "message": error.headline, "errors": api_errors(error.errors)}
        return body, error.status
    return render_template("error.html", code=error.status, message=error.headline), error.status


# --- adapter 3: the command line ----------------------------------------------------------------


def fail_cli(error: RuleError, labels: Mapping[str, str] | None = None) -> None:
    """Print each message in Chinese, naming its field by ``labels`` (or its row), and exit with status 1."""
    for path, messages in error.errors.items():
        where = place(path, labels or {})
        for message in messages:
            click.echo(visible(f"错误 {where}：{message}" if where else f"错误 {message}"), err=True)
    raise click.exceptions.Exit(1)


def fail_file(problems, nothing: str, hint: str = "") -> None:
    """A refused file import: each problem with its table, row or line, then how many and ``nothing``
    (未导入任何记录), then ``hint`` if any; exit with status 1, so the command's boundary rolls back."""
    for problem in problems:
        click.echo(visible(str(problem)), err=True)
    click.echo(f"共 {len(problems)} 个问题，{nothing}。", err=True)
    if hint:
        click.echo(hint, err=True)
    raise click.exceptions.Exit(1)


def place(path: str, labels: Mapping[str, str]) -> str:
    """A path as people read it: ``unit_ids`` -> 单位; ``indicators.3.value`` -> 绩效指标 第4行 指标值."""
    parts = []
    for step in path.split(".") if path else []:
        parts.append(f"第{int(step) + 1}行" if step.isdigit() else labels.get(step, step))
    return " ".join(parts)


# --- HTTP errors -------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Register the handlers: HTTP errors, escaped RuleErrors, and a write that lost a race at flush time."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(RuleError, rule_error_response)
    app.register_error_handler(StaleDataError, lambda _error: rule_error_response(RuleError(STALE, "stale")))
    app.register_error_handler(OperationalError, _database_error)


def _database_error(error: OperationalError):
    """A write that met another at the same moment (locked, deadlock) is refused as a conflict (409), in
    Chinese; any other database failure is a 500. Both roll back first, so the answer's own queries run."""
    db.session.rollback()
    if is_busy(error):
        return rule_error_response(RuleError(BUSY, "conflict"))
    current_app.logger.error("database error", exc_info=error)
    return http_error(InternalServerError(original_exception=error))


def http_error(error: HTTPException):
    """Answer with the envelope for the API and a page for people."""
    code = error.code or 500
    if code == 413:
        return too_large(error)
    if request.path.startswith("/api/"):
        return api_envelope(error, code)
    message = MESSAGES.get(code, error.name)
    return render_template("error.html", code=code, message=message), code


#: A body larger than the limit is read (and dropped) up to this many times the limit, so the
#: browser gets the answer instead of a reset connection; a larger one is cut off.
_DRAIN_FACTOR = 10


def too_large(error: HTTPException):
    """413: the body is over this request's limit (an upload's ``MAX_CONTENT_LENGTH``, any other request's
    ``MAX_REQUEST_KB``), said in Chinese with the limit."""
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    _drain(request.environ.get("wsgi.input"), request.content_length or 0, limit * _DRAIN_FACTOR)
    field_limit = request.max_form_memory_size or 0
    if request.content_length is not None and request.content_length <= limit and field_limit:
        # the body was within its limit: one field of the form was over Flask's per-field limit
        message = f"填写的内容过长：每项最多 {plain(round2(Decimal(field_limit) / 1024))} KB，请减少内容后重新提交"
    elif request.endpoint not in UPLOAD_ENDPOINTS:
        message = f"提交的内容过大：最多 {plain(round2(Decimal(limit) / 1024))} KB，请减少内容后重新提交"
    else:
        most = plain(round2(Decimal(limit) / 1024 / 1024))
        message = f"上传的文件过大：最大 {most} MB，请拆分文件或删去多余的工作表后重新上传"
    if request.path.startswith("/api/"):
        error.data = {"message": message, "errors": {"file": [message]}}
        return api_envelope(error, 413)
    return render_template("error.html", code=413, message=message), 413


def _drain(stream, length: int, most: int) -> None:
    """Read what the client sends (so it reads our answer), at most ``most`` bytes."""
    if stream is None or length <= 0 or length > most:
        return
    left = length
    while left > 0:
        chunk = stream.read(min(left, 64 * 1024))
        if not chunk:
            return
        left -= len(chunk)


def api_envelope(error: HTTPException, code: int):
    """``({code, message, errors}, code, headers)`` for an HTTP error under /api/."""
    data = getattr(error, "data", None) or {}
    errors = flatten(data.get("errors", data.get("messages", {})))
    message = data.get("message") or API_MESSAGES.get(code, "请求有误")
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="perf"'
    return {"code": code, "message": message, "errors": errors}, code, headers


#: webargs nests messages under the location they were read from; that level is dropped.
_LOCATIONS = ("json", "query", "querystring", "path", "view_args", "headers", "form")


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs messages as ``{"dotted.path": [messages]}`` (their fields give them in Chinese)."""
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if not prefix and name in _LOCATIONS:
                path = "" if isinstance(value, dict) else WHOLE
            else:
                path = f"{prefix}.{name}" if prefix else name
            for field, texts in flatten(value, path).items():
                found.setdefault(field, []).extend(texts)
        return found
    texts = messages if isinstance(messages, list | tuple) else [messages]
    field = (prefix.removesuffix(f".{WHOLE}") if prefix != WHOLE else prefix) or WHOLE
    for text in texts:
        if isinstance(text, dict | list | tuple):
            for key, more in flatten(text, prefix).items():
                found.setdefault(key, []).extend(more)
        else:
            found.setdefault(field, []).append(str(text))
    return found
