"""The year-end self-evaluation (绩效自评): its state and the owner's entries per indicator (versions are the
workflow engine's)."""

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import BlankText, Moment, Wan, utcnow
from perf.extensions import db
from perf.projects.models import Indicator, Project

EVALUATION_STATUSES = ("draft", "submitted", "signed")
EVALUATION_STATUS_LABELS = {"draft": "填报中", "submitted": "待审核", "signed": "已审核"}


class SelfEvaluation(db.Model):
    """A project's year-end 绩效自评: filled by the owner, signed off by the reviewer."""

    __tablename__ = "self_evaluation"
    __table_args__ = (CheckConstraint(f"status IN {EVALUATION_STATUSES}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    #: 年度总体目标 实际完成情况.
    outcome: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: 全年预算数 if it differs from the project's 预算数 (adjusted during the year), in 万元.
    full_year_budget: Mapped[Wan | None]
    #: 上年结转资金, in 万元 (a row of the 自评表).
    carried_over: Mapped[Wan | None]
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[Moment | None]
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    updated_at: Mapped[Moment] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012

    project: Mapped[Project] = relationship()
    signed_by: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return EVALUATION_STATUS_LABELS[self.status]

    @property
    def locked(self) -> bool:
        """Submitted or signed: the rows and the year's actual values are frozen."""
        return self.status in ("submitted", "signed")

    rows: Mapped[list["EvaluationRow"]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class EvaluationRow(db.Model):
    """One indicator of a self-evaluation: its weight, 定性 band and the 偏差原因分析及改进措施."""

    __tablename__ = "evaluation_row"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "indicator_id"),
        CheckConstraint("weight IS NULL OR weight >= 0", name="weight_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("self_evaluation.id", ondelete="CASCADE"))
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    #: 分值; NULL: the even split of its 一级's points.
    weight: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: 定性 only: achieved / partial / missed and the points given inside that band.
    band: Mapped[str | None] = mapped_column(String(12))
    band_score: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    #: 偏差原因分析及改进措施.
    reason: Mapped[str] = mapped_column(BlankText, default="", nullable=True)

    indicator: Mapped[Indicator] = relationship()
