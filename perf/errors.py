"""Error pages in Chinese, and a JSON envelope for API paths.

Under /api/ every error answers ``{"code", "message", "errors": {field: [messages]}}``:
``message`` says what went wrong in Chinese, ``errors`` names each field at fault (nested
fields as dotted paths, ``payments.3.amount_yuan``). Validation errors from webargs and
flask-smorest (422), a missing or stale ETag (428, 412) and unexpected failures (500) all
take this form.
"""

import re

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

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
#: The English messages of marshmallow and webargs that can reach a client, in Chinese.
TRANSLATIONS = (
    (re.compile(r"^Missing data for required field\.$"), "必填"),
    (re.compile(r"^Field may not be null\.$"), "不能为空（null）"),
    (re.compile(r"^Unknown field\.$"), "未知字段"),
    (re.compile(r"^Invalid JSON body\.$"), "请求体不是有效的 JSON"),
    (re.compile(r"^Invalid input type\.$"), "应为一个对象（键值对）"),
    (re.compile(r"^Not a valid integer\.$"), "应为整数"),
    (re.compile(r"^Not a valid (string|utf-8 string)\.$"), "应为文本"),
    (re.compile(r"^Not a valid boolean\.$"), "应为 true 或 false"),
    (re.compile(r"^Not a valid date\.$"), "日期格式应为 YYYY-MM-DD（如 2024-07-01）"),
    (re.compile(r"^Not a valid list\.$"), "应为数组（列表）"),
    (re.compile(r"^Not a valid mapping type\.$"), "应为一个对象（键值对）"),
    (re.compile(r"^Must be greater than or equal to (.+) and less than or equal to (.+)\.$"), r"应在 \1 到 \2 之间"),
    (re.compile(r"^Must be greater than or equal to (.+)\.$"), r"不能小于 \1"),
    (re.compile(r"^Must be less than or equal to (.+)\.$"), r"不能大于 \1"),
    (re.compile(r"^Must be one of: (.+)\.$"), r"应为以下之一：\1"),
    (re.compile(r"^Longer than maximum length (.+)\.$"), r"最多 \1 个字符"),
    (re.compile(r"^Shorter than minimum length (.+)\.$"), r"至少 \1 个字符"),
)
CJK = re.compile(r"[\u3400-\u9fff]")


def init_app(app: Flask) -> None:
    """Register the HTTP error handler."""
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    """Answer with the envelope for the API and a page for people."""
    code = error.code or 500
    if request.path.startswith("/api/"):
        return api_envelope(error, code)
    message = MESSAGES.get(code, error.name)
    return render_template("error.html", code=code, message=message), code


def api_envelope(error: HTTPException, code: int):
    """``({code, message, errors}, code, headers)`` for an error under /api/."""
    data = getattr(error, "data", None) or {}
    errors = flatten(data.get("errors", data.get("messages", {})))
    message = data.get("message") or API_MESSAGES.get(code, "请求有误")
    headers = dict(data.get("headers") or {})
    if code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="perf"'
    return {"code": code, "message": message, "errors": errors}, code, headers


def flatten(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow/webargs messages as ``{"dotted.path": [Chinese messages]}``.

    webargs nests them under the location (``json``, ``query``); that level is dropped.
    """
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = str(key)
            if not prefix and name in ("json", "query", "querystring", "path", "view_args", "headers", "form"):
                path = "" if isinstance(value, dict) else "_schema"
            else:
                path = f"{prefix}.{name}" if prefix else name
            for field, texts in flatten(value, path).items():
                found.setdefault(field, []).extend(texts)
        return found
    texts = messages if isinstance(messages, list | tuple) else [messages]
    field = (prefix.removesuffix("._schema") if prefix != "_schema" else prefix) or "_schema"
    for text in texts:
        if isinstance(text, dict | list | tuple):
            for key, more in flatten(text, prefix).items():
                found.setdefault(key, []).extend(more)
        else:
            found.setdefault(field, []).append(chinese(str(text)))
    return found


def chinese(text: str) -> str:
    """A message in Chinese: perf's own as they are, marshmallow's translated."""
    if CJK.search(text):
        return text
    for pattern, replacement in TRANSLATIONS:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return "取值无效"
