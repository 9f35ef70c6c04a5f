"""Flask-Login wiring: load the signed-in user, send anonymous visitors to the sign-in page."""

from flask import Flask, request, session

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
