"""Workflow steps, the work queues, kept versions side by side and the audit log of a project."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from perf.audit.models import AuditEntry
from perf.auth.permissions import Perm, can_edit, can_review, can_view, ensure, require
from perf.extensions import db
from perf.projects import queries
from perf.projects.history import compare
from perf.review import workflow
from perf.review.versions import version, versions_of

bp = Blueprint("review", __name__)

#: step -> (service, who may take it, what to tell the user afterwards)
STEPS = {
    "submit": (workflow.submit, can_edit, "已提交审核"),
    "return": (workflow.return_for_changes, can_review, "已退回项目负责人修改"),
    "approve": (workflow.approve, can_review, "已批复，项目已锁定"),
    "adjust": (workflow.request_adjustment, can_edit, "已申请调整，项目重新进入草稿状态"),
}


def _project_or_404(project_id: int):
    project = queries.project_by_id(project_id) or abort(404)
    ensure(can_view(current_user, project))
    return project


def _page(project):
    return url_for("projects.project", year=project.budget_year.year, code=project.code)


@bp.post("/projects/<int:project_id>/<any(submit, return, approve, adjust):step>")
@require(Perm.PROJECT_VIEW)
def take_step(project_id: int, step: str):
    """Submit, return (退回), approve (批复) or ask for an adjustment (调整); the service checks who may."""
    project = _project_or_404(project_id)
    action, allowed, done = STEPS[step]
    ensure(allowed(current_user, project))
    try:
        action(project, current_user, request.form.get("comment", ""))
    except workflow.WorkflowError as error:
        db.session.rollback()
        for message in error.messages:
            flash(message, "error")
        return redirect(_page(project))
    db.session.commit()
    flash(done, "success")
    return redirect(_page(project))


@bp.get("/queue")
@require(Perm.PROJECT_VIEW)
def queue():
    """Owners: 我的项目. Reviewers: 待审核."""
    return render_template("review/queue.html", projects=queries.queue(current_user))


@bp.get("/projects/<int:project_id>/versions")
@require(Perm.PROJECT_VIEW)
def versions(project_id: int):
    """Kept versions; pick two to compare side by side."""
    project = _project_or_404(project_id)
    kept = versions_of(project)
    left = version(project, request.args.get("a", type=int) or 0)
    right = version(project, request.args.get("b", type=int) or 0)
    rows = compare(left.snapshot, right.snapshot) if left and right else []
    return render_template("review/versions.html", project=project, versions=kept, left=left, right=right, rows=rows)


@bp.get("/projects/<int:project_id>/audit")
@require(Perm.AUDIT_VIEW)
def audit(project_id: int):
    """Every recorded change to the project, newest first."""
    project = _project_or_404(project_id)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == "project", AuditEntry.object_id == str(project.id))
        .order_by(AuditEntry.id.desc())
    )
    return render_template("review/audit.html", project=project, entries=list(entries))
