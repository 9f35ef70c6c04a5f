"""The human side of target review: kept versions of a table and the reviewers' comments."""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import Moment, utcnow
from perf.extensions import db

VERSION_KINDS = ("imported", "submitted", "approved")
VERSION_LABELS = {"imported": "导入", "submitted": "提交", "approved": "批复"}
ACTIONS = ("submit", "return", "approve", "adjust", "comment")
ACTION_LABELS = {
    "submit": "提交审核",
    "return": "退回修改",
    "approve": "批复",
    "adjust": "申请调整",
    "comment": "意见",
}


class ProjectVersion(db.Model):
    """A frozen copy of a whole 绩效目标表, kept at every submission and approval."""

    __tablename__ = "project_version"
    __table_args__ = (
        UniqueConstraint("project_id", "number"),
        CheckConstraint(f"kind IN {VERSION_KINDS}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    #: 1, 2, 3 … per project.
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    #: The table as ProjectTableSchema dumps it.
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: Why an adjustment (调整) was asked for, if this version belongs to one.
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[Moment] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        """The kind in Chinese."""
        return VERSION_LABELS[self.kind]


class ReviewComment(db.Model):
    """A workflow step with its comment: submit, return (退回), approve, adjust (调整)."""

    __tablename__ = "review_comment"
    __table_args__ = (CheckConstraint(f"action IN {ACTIONS}", name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Moment] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        """The step in Chinese."""
        return ACTION_LABELS[self.action]
