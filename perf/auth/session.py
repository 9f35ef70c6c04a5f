"""Flask-Login wiring: load the signed-in user, send anonymous visitors to the sign-in page."""

from flask import Flask, request, session

from perf.auth.models import User
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
    """The active user with this id, or None."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
