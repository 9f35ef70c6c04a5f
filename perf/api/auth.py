"""Who calls the API: a Bearer token, or a browser session that then needs its CSRF token to write.

Runs before every request under /api/ (and only there: a token opens nothing else). A
request with ``Authorization: Bearer <token>`` acts as the token's user and is exempt
from CSRF, since a browser never adds that header by itself. A request without one falls
back to the signed-in session, whose writes must carry ``X-CSRFToken`` like a form would.
Inputs that no database column can hold (NUL, lone surrogates, non-finite numbers) are
refused here with a 422, before any resource reads them.
"""

import math

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from perf.api.common import api_abort
from perf.auth import throttle, tokens
from perf.extensions import csrf, db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_MISSING = (
    "浏览器会话调用 API 的写操作须在 X-CSRFToken 请求头中带 CSRF 令牌；"
    "程序调用请使用 API 令牌（Authorization: Bearer …）"
)
#: How deep a JSON body may nest before it is refused (the API's own bodies nest 3 levels).
MAX_DEPTH = 20


def authenticate() -> None:
    """before_request: sign in by token, check a session's CSRF token on writes, refuse unstorable input."""
    if not request.path.startswith("/api/"):
        return
    _refuse_unstorable_input()
    header = request.headers.get("Authorization")
    if header is not None:
        _sign_in_with(header)
        return
    if request.method in SAFE_METHODS or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if current_user.is_authenticated:
        try:
            csrf.protect()
        except CSRFError:
            api_abort(400, CSRF_MISSING)


def _sign_in_with(header: str) -> None:
    address = request.remote_addr or ""
    if throttle.token_locked(address):  # too many wrong tokens from here: not even looked up
        api_abort(429, throttle.TOKEN_LOCKED)
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        api_abort(401, "Authorization 请求头应为“Bearer 令牌”")
    token = tokens.find_active(secret.strip())
    if token is None:
        throttle.note_token_failure(address)
        db.session.commit()  # the 401 below rolls the request back: the failure it counts is kept
        api_abort(401, "API 令牌无效或已吊销")
    g._login_user = token.user  # Flask-Login's current_user for this request only (no session cookie)
    g.api_token = token
    tokens.touch(token)  # committed with the request (perf.boundary)


def _refuse_unstorable_input() -> None:
    problems: dict[str, list[str]] = {}
    for name, value in request.args.items(multi=True):
        message = _text_problem(value)
        if message:
            problems.setdefault(name, []).append(message)
    body = request.get_json(silent=True) if request.is_json else None
    if body is not None:
        _walk(body, "", problems, 0)
    if problems:
        api_abort(422, "提交的数据有误", problems)


def _walk(value, path: str, problems: dict, depth: int) -> None:
    """Collect the paths of strings and numbers no column can hold."""
    if depth > MAX_DEPTH:
        problems.setdefault(path or "_schema", []).append("嵌套层次过深")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            key_problem = _text_problem(key)
            if key_problem:
                problems.setdefault(path or "_schema", []).append(f"字段名{key_problem}")
                continue
            _walk(item, f"{path}.{key}" if path else key, problems, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}.{index}" if path else str(index), problems, depth + 1)
    elif isinstance(value, str):
        message = _text_problem(value)
        if message:
            problems.setdefault(path or "_schema", []).append(message)
    elif isinstance(value, float) and not math.isfinite(value):
        problems.setdefault(path or "_schema", []).append("数值无效（不能是 NaN 或无穷大）")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "不能包含 NUL 字符（\\u0000）"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "包含无效的 Unicode 字符（孤立的代理项）"
    return None
