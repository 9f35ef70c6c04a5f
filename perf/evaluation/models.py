"""Actual values, the mid-year monitoring round and the year-end self-evaluation.

Actual values (实际完成值) are kept per indicator and date, parsed like targets, so
``96%``, ``7人`` and ``27.5万元`` compare with ``≥95%``, ``7人`` and ``≤28万元``.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.auth.models import User
from perf.db import Moment, Wan, utcnow
from perf.extensions import db
from perf.projects.models import Indicator, Project

LIKELIHOODS = ("certain", "possible", "impossible")
LIKELIHOOD_LABELS = {"certain": "确定能", "possible": "有可能", "impossible": "完全不可能"}
CAUSES = ("funding", "rules", "staffing", "hardware", "other")
CAUSE_LABELS = {
    "funding": "经费保障",
    "rules": "制度保障",
    "staffing": "人员保障",
    "hardware": "硬件条件保障",
    "other": "其他",
}
EVALUATION_STATUSES = ("draft", "submitted", "signed")
EVALUATION_STATUS_LABELS = {"draft": "填报中", "submitted": "待审核", "signed": "已审核"}


class ActualValue(db.Model):
    """The 实际完成值 of one indicator as of a date."""

    __tablename__ = "actual_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "as_of"),
        CheckConstraint("kind IN ('quantitative', 'qualitative')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date]
    #: As typed, e.g. "96%".
    value_text: Mapped[str] = mapped_column(String(200))
    number: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    unit: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    #: 偏差原因 given with the value.
    reason: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[Moment] = mapped_column(default=utcnow)

    indicator: Mapped[Indicator] = relationship()


class MonitoringEntry(db.Model):
    """One indicator in a 绩效运行监控 round (default 7月31日)."""

    __tablename__ = "monitoring_entry"
    __table_args__ = (
        UniqueConstraint("indicator_id", "round_on"),
        CheckConstraint(f"likelihood IS NULL OR likelihood IN {LIKELIHOODS}", name="likelihood_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    #: The round's date, e.g. 2024-07-31 (1–7月执行情况).
    round_on: Mapped[date]
    #: 全年预计完成情况, parsed like a target.
    forecast_text: Mapped[str] = mapped_column(String(200), default="")
    #: 完成目标可能性: certain 确定能 / possible 有可能 / impossible 完全不可能.
    likelihood: Mapped[str | None] = mapped_column(String(12))
    #: 偏差原因: any of funding, rules, staffing, hardware, other.
    causes: Mapped[list] = mapped_column(JSON, default=list)
    #: 纠偏措施.
    measures: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[Moment] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()


class SelfEvaluation(db.Model):
    """A project's year-end 绩效自评: filled by the owner, signed off by the reviewer."""

    __tablename__ = "self_evaluation"
    __table_args__ = (CheckConstraint(f"status IN {EVALUATION_STATUSES}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    #: 年度总体目标 实际完成情况.
    outcome: Mapped[str] = mapped_column(Text, default="")
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
    reason: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()


class EvaluationVersion(db.Model):
    """A frozen copy of a self-evaluation, kept at submission and sign-off."""

    __tablename__ = "evaluation_version"
    __table_args__ = (UniqueConstraint("evaluation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("self_evaluation.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    snapshot: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
