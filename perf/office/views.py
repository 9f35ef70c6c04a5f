"""The 待办 on the home page and its count in the top bar (each page asks once per request); 催办."""

from flask import Blueprint, flash, has_request_context, redirect, request, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, require
from perf.auth.views import safe_next
from perf.boundary import refusal
from perf.forms import ticked_ids
from perf.office import messages, reminders, services  # noqa: F401  (messages and reminders register themselves)
from perf.office.todo import todo

bp = Blueprint("office", __name__)


def _items() -> list:
    """The signed-in user's 待办, computed once per request (kept on the request: an app context, and so
    ``g``, may outlive one request, as in a test or a command that renders pages)."""
    if has_request_context():
        if not hasattr(request, "perf_todo"):
            request.perf_todo = todo(current_user) if current_user.is_authenticated else []
        return request.perf_todo
    return todo(current_user) if current_user.is_authenticated else []


@bp.app_context_processor
def todo_helpers() -> dict:
    """``todo_items()`` and ``todo_count()`` for the home page and the top bar."""
    return {"todo_items": _items, "todo_count": lambda: len(_items())}


@bp.post("/nudge")
@require(Perm.PROJECT_REVIEW)
def nudge():
    """催办: the reviewer's message to the owners of the selected projects."""
    ids = ticked_ids("project_id")
    with refusal(keep="nudge-form", fields=("message", "project_id")):
        told = services.nudge(ids, current_user._get_current_object(), request.form.get("message", ""))
        flash(f"已催办 {len(set(ids))} 个项目，通知 {told} 位项目负责人", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("projects.index"))
