"""Deleting a draft that never went anywhere: never submitted, never imported, nothing paid
(``perf.projects.keepers``: rooms that record against a project say what must be kept).

Anything a reviewer has seen or a payment recorded against stays; such a project can only be
changed through its workflow. Flushes; the boundary commits. Audited with the deleted table.
"""

from sqlalchemy import exists, select

from perf.audit.services import record
from perf.auth.permissions import can_edit
from perf.errors import RuleError
from perf.extensions import db
from perf.projects.history import snapshot
from perf.projects.keepers import kept_by
from perf.projects.models import Project
from perf.review.workflow import TARGET
from perf.workflow.models import KeptVersion, StepEvent


def deletable(project: Project) -> bool:
    """A draft with no step taken, no version kept and nothing another room keeps (payments)."""
    if project.status != "draft":
        return False
    traces = (
        exists().where(StepEvent.project_id == project.id),
        exists().where(KeptVersion.workflow == TARGET.name, KeptVersion.subject_id == project.id),
    )
    return not any(db.session.scalar(select(trace)) for trace in traces) and kept_by(project) is None


def delete_draft(project: Project, user) -> str:
    """Delete the owner's never-submitted draft; what it was called (for the message)."""
    if not can_edit(user, project):
        raise RuleError("只有本单位的项目负责人可以删除草稿", "forbidden")
    if not deletable(project):
        raise RuleError("只有从未提交、没有支付记录的草稿可以删除", "conflict")
    name = f"{project.code} {project.name}"
    record(
        user.username,
        "project.delete",
        "project",
        project.id,
        f"删除草稿 {name}",
        {"绩效目标表": [snapshot(project), None]},
    )
    db.session.expire(project, ["plan", "indicators"])  # the database's ON DELETE CASCADE removes them
    db.session.delete(project)
    db.session.flush()
    return name
