"""Flask-Login wiring: load the signed-in user, send anonymous visitors to the sign-in page."""

from flask import Flask

from perf.auth.models import User
from perf.extensions import db, login_manager


def init_login(app: Flask) -> None:
    """Bind Flask-Login to the app."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "error"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str):
    """The active user with this id, or None."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
