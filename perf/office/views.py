"""The 待办 on the home page and its count in the top bar (each page asks once per request); 催办."""

from flask import Blueprint, flash, has_request_context, redirect, request, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, require
from perf.auth.views import safe_next
from perf.boundary import refusal
from perf.forms import ticked_ids
from perf.office import messages, reminders, services  # noqa: F401  (messages and reminders register themselves)
from perf.office.todo import COUNT_CAP, KINDS, LIST_LIMIT, count, todo

bp = Blueprint("office", __name__)


def _once(name: str, compute):
    """Computed once per request (kept on the request: an app context, and so ``g``, may outlive one
    request, as in a test or a command that renders pages)."""
    if not current_user.is_authenticated:
        return compute(None)
    if not has_request_context():
        return compute(current_user)
    cache = request.__dict__.setdefault("perf_todo", {})
    if name not in cache:
        cache[name] = compute(current_user)
    return cache[name]


def _items(kind: str | None = None) -> list:
    """The signed-in user's most urgent 待办 (at most LIST_LIMIT), of one kind or all."""
    kinds = KINDS if kind is None else (kind,)
    return _once(f"items:{kind}", lambda user: todo(user, limit=LIST_LIMIT, kinds=kinds) if user else [])


def _count() -> int:
    """How many items wait for the signed-in user (SQL counts, whatever the number of projects)."""
    return _once("count", lambda user: count(user) if user else 0)


@bp.app_context_processor
def todo_helpers() -> dict:
    """``todo_items()``, ``todo_count()`` (up to ``todo_cap``) and ``todo_limit`` for the home page and the top bar."""
    return {"todo_items": _items, "todo_count": _count, "todo_limit": LIST_LIMIT, "todo_cap": COUNT_CAP}


@bp.post("/nudge")
@require(Perm.PROJECT_REVIEW)
def nudge():
    """催办: the reviewer's message to the owners of the selected projects."""
    ids = ticked_ids("project_id")
    with refusal(keep="nudge-form", fields=("message", "project_id")):
        told = services.nudge(ids, current_user._get_current_object(), request.form.get("message", ""))
        flash(f"已催办 {len(set(ids))} 个项目，通知 {told} 位项目负责人", "success")
    return redirect(safe_next(request.form.get("next")) or url_for("projects.index"))
