"""The 绩效目标表's workflow steps (made from its transition table), the work queues, kept versions side by side
and the audit log of a project."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf.auth.permissions import Perm, can_edit, can_view, has, loads, require
from perf.boundary import refusal
from perf.db import bounded_id
from perf.forms import ticked_ids
from perf.projects import queries
from perf.projects.history import compare
from perf.projects.pages import notes_of
from perf.review import drafts, lists, pages  # noqa: F401  (pages registers the project page's review panel)
from perf.review.workflow import TARGET
from perf.workflow import engine
from perf.workflow.pages import add_step_routes

bp = Blueprint("review", __name__)


def _page(project):
    return url_for("projects.project", year=project.budget_year.year, code=project.code)


add_step_routes(bp, TARGET, "/projects/<int:project_id>", queries.project_by_id, _page)


@bp.get("/queue")
@require(Perm.PROJECT_VIEW)
def queue():
    """Owners: 我的项目. Reviewers: 待审核 (what was submitted, until they pick another status)."""
    return _queue_page()


@bp.post("/queue/approve")
@require(Perm.PROJECT_REVIEW)
def approve_many():
    """Batch 批复: every ticked table, or none (each refused one named with its reason, the ticks kept)."""
    ids = ticked_ids("project_id")
    comment = request.form.get("comment", "")
    with refusal(flash_messages=True):
        approved = lists.approve_many(ids, current_user._get_current_object(), comment)
        flash(f"已批复 {len(approved)} 个绩效目标表", "success")
        return redirect(url_for("review.queue", **request.args))
    return _queue_page(ids, comment), 422


def _queue_page(selected=(), comment: str = ""):
    user = current_user._get_current_object()
    years = queries.budget_years()
    filters = lists.QueueFilters.parse(request.args, years, user.role == "reviewer")
    page = lists.queue(user, filters)
    return render_template(
        "review/queue.html",
        projects=page,
        filters=filters,
        years=years,
        units=lists.unit_choices(user),
        statuses=list(lists.STATUS_FILTERS.items()),
        notes=notes_of(page.items),
        may_approve=has(user, Perm.PROJECT_REVIEW),
        selected=set(selected),
        comment=comment,
    )


@bp.get("/projects/<int:project_id>/versions")
@require(Perm.PROJECT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def versions(project):
    """Kept versions; pick two to compare side by side."""
    kept = engine.versions(TARGET, project)
    left = engine.version(TARGET, project, bounded_id(request.args.get("a")) or 0)
    right = engine.version(TARGET, project, bounded_id(request.args.get("b")) or 0)
    rows = compare(left.snapshot, right.snapshot) if left and right else []
    return render_template("review/versions.html", project=project, versions=kept, left=left, right=right, rows=rows)


@bp.get("/projects/<int:project_id>/audit")
@require(Perm.AUDIT_VIEW)
@loads("project_id", queries.project_by_id, can_view, "项目")
def audit(project):
    """Every recorded change to the project, newest first: by kind of change, person and date range, paged."""
    filters = lists.AuditFilters.parse(request.args)
    return render_template(
        "review/audit.html",
        project=project,
        entries=lists.audit_page(project, filters),
        filters=filters,
        kinds=list(lists.AUDIT_KINDS.items()),
        actors=lists.audit_actors(project),
    )


@bp.post("/projects/<int:project_id>/delete")
@require(Perm.PROJECT_EDIT)
@loads("project_id", queries.project_by_id, can_edit, "项目")
def delete_draft(project):
    """The owner deletes a draft that was never submitted."""
    back = _page(project)
    with refusal(flash_messages=True):
        name = drafts.delete_draft(project, current_user._get_current_object())
        flash(f"草稿 {name} 已删除", "success")
        return redirect(url_for("review.queue"))
    return redirect(back)
