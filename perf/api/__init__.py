"""The REST API under /api/v1: flask-smorest resources over the services the pages use.

Conventions (documented in the OpenAPI document at /api/openapi.json, browsable at /api/docs):

- Auth: ``Authorization: Bearer <token>`` (tokens are made on the 我的账户 page), or the
  browser session with ``X-CSRFToken`` on writes. Same permissions as the pages.
- Errors: ``{"code", "message", "errors": {field: [messages]}}``, messages in Chinese.
- Lists: ``?page=&per_page=`` and ``{"items", "total", "page", "per_page"}``.
- Updates: ``If-Match`` with the ETag of a GET; a stale one gets 412, a missing one 428.
- Decimals are strings ("28.00"); dates and moments ISO 8601.
"""

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import BaseConverter, ValidationError

from perf.api.schemas import ErrorSchema

API_CONFIG = {
    "API_TITLE": "perf 绩效目标管理 API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
}
DESCRIPTION = """\
perf 的 REST API：部门、项目及其绩效目标表、支付记录、支出进度检查、预警、实际完成值、自评和修改记录。

- 认证：在“我的账户”页面创建 API 令牌，以 `Authorization: Bearer <令牌>` 发送；权限与页面相同。
  浏览器会话也可调用，但写操作须带 `X-CSRFToken` 请求头。
- 错误：统一为 `{"code", "message", "errors": {字段: [说明]}}`，说明为中文；
  嵌套字段以点号连接，如 `payments.3.amount_yuan`。
- 分页：`?page=1&per_page=20`，返回 `{"items", "total", "page", "per_page"}`。
- 修改：先 GET 取得 `ETag`，修改时放在 `If-Match` 请求头；数据已被他人修改时返回 412，缺少时返回 428。
- 金额与百分比以字符串表示（如 `"28.00"`），日期为 ISO 8601（如 `2024-07-01`）。
"""


class PerfApi(Api):
    """flask-smorest's Api, leaving error handling to perf/errors.py (one envelope for every error)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """perf.errors already answers every HTTPException under /api/ with the envelope."""


class IsoDateConverter(BaseConverter):
    """``<isodate:as_of>``: 2024-07-01 (404 for anything else)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str):
        from datetime import date

        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValidationError() from None

    def to_url(self, value) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


def init_app(app: Flask) -> None:
    """Mount the API on ``app``: resources, token sign-in, documentation."""
    from perf.api import (
        alerts,
        audit,
        docs,
        evaluation,
        imports,
        org,
        payments,
        projects,
        scans,
        self_evaluation,
        settings,
        workflow,
    )
    from perf.api.auth import authenticate
    from perf.extensions import csrf

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/", "description": "本服务器"}],
            "security": [{"bearerAuth": []}],
        },
    )
    app.url_map.converters["isodate"] = IsoDateConverter
    api = PerfApi(app)
    api.register_converter(IsoDateConverter, lambda _converter: {"type": "string", "format": "date"})
    _document_payment_fields(api)
    api.ma_plugin.converter.add_attribute_function(label_as_description)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "在“我的账户”页面创建的 API 令牌"}
    )
    modules = (org, projects, workflow, payments, scans, alerts, evaluation, self_evaluation, audit, settings, imports)
    for module in modules:
        csrf.exempt(module.blp)  # perf.api.auth checks CSRF itself, for session requests only
        api.register_blueprint(module.blp)
    app.register_blueprint(docs.bp)
    app.before_request(authenticate)
    app.extensions["perf-api"] = api


def label_as_description(_converter, field, ret, **_kwargs) -> dict:
    """A field named in Chinese for its messages (``label``) says so in the document, unless it
    has a description of its own."""
    label = field.metadata.get("label")
    return {"description": label} if label and "description" not in ret else {}


def _document_payment_fields(api: Api) -> None:
    """perf's own reading fields (dates and amounts as people write them) as OpenAPI types."""
    from perf.fields import DateText, Number
    from perf.spending import schemas

    api.register_field(DateText, "string", "date")
    api.register_field(Number, "string", None)
    api.register_field(schemas.Yuan, "string", None)
    api.register_field(schemas.Source, "string", None)
