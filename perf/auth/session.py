"""Flask-Login wiring: load the signed-in user, send anonymous visitors to the sign-in page."""

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user

from perf.auth.models import User
from perf.db import MAX_ID
from perf.extensions import db, login_manager


def init_login(app: Flask) -> None:
    """Bind Flask-Login to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "error"
    login_manager.session_protection = "basic"
    app.after_request(_restart_idle_time)
    app.before_request(_demand_password_change)


#: The session key set when a demo account signed in with its published password outside development.
MUST_CHANGE_PASSWORD = "perf_must_change_password"
#: What such a session may still open: the account page (to change it), signing out, static files.
_WHILE_CHANGING = frozenset({"auth.account", "auth.logout", "auth.login", "auth.favicon", "static"})


def _demand_password_change():
    """Until a demo password is changed, every page leads to the account page (the API answers 403)."""
    if not session.get(MUST_CHANGE_PASSWORD) or request.endpoint in _WHILE_CHANGING:
        return None
    if not current_user.is_authenticated:
        return None
    if request.path.startswith("/api/"):
        return {"code": 403, "message": "请先在“我的账户”修改演示账户的默认密码", "errors": {}}, 403
    return redirect(url_for("auth.account"))


def _restart_idle_time(response):
    """Each page the user opens restarts the session's idle lifetime; a page's background requests do not.

    Browsers say which is which (``Sec-Fetch-Mode``: ``navigate`` for a page, ``cors``/``same-origin`` for
    fetch); a client that says nothing is treated as opening a page.
    """
    if session.permanent and request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate":
        session.modified = True
    return response


@login_manager.user_loader
def load_user(user_id: str):
    """The active user a session names (``User.get_id``: id and session version), or None.

    A session begun before the user's last sign-out or password change carries an older session
    version and signs in no one.
    """
    number, _, version = (user_id or "").partition(":")
    if not (number.isascii() and number.isdigit() and version.isascii() and version.isdigit()):
        return None
    if int(number) > MAX_ID:
        return None
    user = db.session.get(User, int(number))
    if user is None or not user.active or int(version) != (user.session_version or 1):
        return None
    return user
