"""Error pages in Chinese, and a JSON envelope for API paths."""

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


def init_app(app: Flask) -> None:
    """Register the HTTP error handler."""
    app.register_error_handler(HTTPException, _http_error)


def _http_error(error: HTTPException):
    """Answer with the envelope for the API and a page for people."""
    code = error.code or 500
    message = MESSAGES.get(code, error.name)
    if request.path.startswith("/api/"):
        return {"code": code, "message": message, "errors": {}}, code
    return render_template("error.html", code=code, message=message), code
