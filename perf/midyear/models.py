"""The owner's entries of the mid-year 绩效运行监控 round, one per indicator and round date, and their labels."""

from datetime import date

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankString, BlankText, Moment, utcnow
from perf.extensions import db
from perf.projects.models import Indicator

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


class MonitoringEntry(db.Model):
    """One indicator in a 绩效运行监控 round (default 7月31日)."""

    __tablename__ = "monitoring_entry"
    __table_args__ = (
        UniqueConstraint("indicator_id", "round_on"),
        CheckConstraint(f"likelihood IS NULL OR likelihood IN {LIKELIHOODS}", name="likelihood_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique (indicator_id, round_on).
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    #: The round's date, e.g. 2024-07-31 (1–7月执行情况).
    round_on: Mapped[date]
    #: 全年预计完成情况, parsed like a target.
    forecast_text: Mapped[str] = mapped_column(BlankString(200), default="", nullable=True)
    #: 完成目标可能性: certain 确定能 / possible 有可能 / impossible 完全不可能.
    likelihood: Mapped[str | None] = mapped_column(String(12))
    #: 偏差原因: any of funding, rules, staffing, hardware, other.
    causes: Mapped[list] = mapped_column(JSON, default=list)
    #: 纠偏措施.
    measures: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    updated_by: Mapped[str] = mapped_column(BlankString(64), default="", nullable=True)
    updated_at: Mapped[Moment] = mapped_column(default=utcnow, onupdate=utcnow)

    indicator: Mapped[Indicator] = relationship()
