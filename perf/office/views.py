"""The 待办 on the home page and its count in the top bar (each page asks once per request)."""

from flask import Blueprint, g
from flask_login import current_user

from perf.office import messages, reminders  # noqa: F401  (steps send messages, the scan reminds, once loaded)
from perf.office.todo import todo

bp = Blueprint("office", __name__)


def _items() -> list:
    if "perf_todo" not in g:
        g.perf_todo = todo(current_user) if current_user.is_authenticated else []
    return g.perf_todo


@bp.app_context_processor
def todo_helpers() -> dict:
    """``todo_items()`` and ``todo_count()`` for the home page and the top bar."""
    return {"todo_items": _items, "todo_count": lambda: len(_items())}
