"""What every workflow records: each step taken (a step event) and the numbered versions it keeps.

One table each for every workflow (the 绩效目标表, the self-evaluation, later the mid-year round):
a row names its workflow and its subject (the project, the self-evaluation …) and, for
reading by project, the project it belongs to. Empty texts are NULL (``perf.db.BlankText``).
"""

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import BlankString, BlankText, Moment, utcnow
from perf.extensions import db


class StepEvent(db.Model):
    """One workflow step taken: who did what to which subject, when, with which comment."""

    __tablename__ = "step_event"
    __table_args__ = (Index("ix_step_event_subject", "workflow", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The workflow's name: target (绩效目标表), self_evaluation (绩效自评) …
    workflow: Mapped[str] = mapped_column(String(30))
    #: The subject's id (a project's for the 绩效目标表, a self-evaluation's for the 绩效自评).
    subject_id: Mapped[int]
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    #: The transition's step, e.g. submit, return, approve.
    step: Mapped[str] = mapped_column(String(20))
    #: The states before and after (NULL for steps recorded before perf kept them).
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The actor's user name (or "cli").
    actor: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: One line, as the audit log words it, e.g. 提交绩效自评 P1（89.36 分）.
    summary: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    at: Mapped[Moment] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class KeptVersion(db.Model):
    """A frozen copy of a subject, kept by a step (or an import): numbered 1, 2, 3 … per subject."""

    __tablename__ = "kept_version"
    __table_args__ = (UniqueConstraint("workflow", "subject_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int]
    number: Mapped[int]
    #: imported, submitted, approved, signed.
    kind: Mapped[str] = mapped_column(String(20))
    #: The subject as its workflow's snapshot function dumps it.
    snapshot: Mapped[dict] = mapped_column(JSON)
    #: Why an adjustment (调整) was asked for, if this version belongs to one.
    reason: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The user name of who kept it ("" for an import).
    created_by: Mapped[str] = mapped_column(BlankString(64), default="", nullable=True)
    created_at: Mapped[Moment] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()

    @property
    def kind_label(self) -> str:
        """The kind in Chinese."""
        return VERSION_LABELS.get(self.kind, self.kind)


VERSION_LABELS = {"imported": "导入", "submitted": "提交", "approved": "批复", "signed": "审核通过"}
