"""The 绩效目标表 workflow: 草稿 → 已提交 → 已批复, or back to 草稿 with the reviewer's comments.

An approved table is locked; changing it needs an adjustment (调整) with a reason, which
reopens it as a draft and is then reviewed like the original. Every step is audited,
commented and, on submission and approval, kept as a version. Services flush only.
"""

from perf.audit.services import record
from perf.auth.permissions import can_edit, can_review
from perf.extensions import db
from perf.review.models import ReviewComment
from perf.review.versions import keep_version


class WorkflowError(ValueError):
    """A workflow step that is not allowed now; ``messages`` are in Chinese."""

    def __init__(self, *messages: str):
        super().__init__("；".join(messages))
        self.messages = list(messages)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise WorkflowError(message)


def _step(project, user, action: str, text: str, summary: str, before: str) -> None:
    """Comment, audit and flush one step."""
    db.session.add(ReviewComment(project_id=project.id, author_id=user.id, action=action, text=text))
    record(user.username, f"project.{action}", "project", project.id, summary, {"状态": [before, project.status_label]})
    db.session.flush()


def submit(project, user, comment: str = "") -> None:
    """Owner submits a draft; error findings of the automatic review block it."""
    from perf.review.rules import blocking, review, table_input

    _require(can_edit(user, project), "只有本单位的项目负责人可以提交")
    _require(project.status == "draft", f"项目当前为“{project.status_label}”，不能提交")
    findings = review(table_input(project))
    if blocking(findings):
        errors = [f.message for f in findings if f.severity == "error"]
        raise WorkflowError("目标审核发现错误，请修改后再提交：", *errors)
    before = project.status_label
    project.status = "submitted"
    keep_version(project, "submitted", user, project.adjustment_reason or "")
    _step(project, user, "submit", comment.strip(), f"提交项目 {project.code} 审核", before)


def return_for_changes(project, user, comment: str) -> None:
    """Reviewer sends a submitted table back to its owner with comments (退回)."""
    _require(can_review(user, project), "只有本部门的财务审核可以退回")
    _require(project.status == "submitted", f"项目当前为“{project.status_label}”，不能退回")
    _require(bool(comment.strip()), "退回时必须填写审核意见")
    before = project.status_label
    project.status = "draft"
    _step(project, user, "return", comment.strip(), f"退回项目 {project.code}", before)


def approve(project, user, comment: str = "") -> None:
    """Reviewer approves a submitted table (批复); it is locked from now on."""
    _require(can_review(user, project), "只有本部门的财务审核可以批复")
    _require(project.status == "submitted", f"项目当前为“{project.status_label}”，不能批复")
    before = project.status_label
    reason = project.adjustment_reason or ""
    project.status = "approved"
    project.adjustment_reason = None
    keep_version(project, "approved", user, reason)
    _step(project, user, "approve", comment.strip(), f"批复项目 {project.code}", before)


def request_adjustment(project, user, reason: str) -> None:
    """Owner asks to change an approved table (调整): it reopens as a draft of an adjustment."""
    _require(can_edit(user, project), "只有本单位的项目负责人可以申请调整")
    _require(project.status == "approved", f"项目当前为“{project.status_label}”，无需申请调整")
    _require(bool(reason.strip()), "申请调整必须填写调整原因")
    before = project.status_label
    project.status = "draft"
    project.adjustment_reason = reason.strip()
    _step(project, user, "adjust", reason.strip(), f"申请调整项目 {project.code}", before)


def comments_of(project) -> list[ReviewComment]:
    """The project's workflow history, oldest first."""
    from sqlalchemy import select

    return list(
        db.session.scalars(
            select(ReviewComment).where(ReviewComment.project_id == project.id).order_by(ReviewComment.id)
        )
    )
