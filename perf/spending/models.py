"""Payments recorded against a project (entry and import come with spending progress)."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankText, Moment, Yuan, utcnow
from perf.extensions import db

SOURCES = ("fiscal", "other")
SOURCE_LABELS = {"fiscal": "财政资金", "other": "其他资金"}


class Payment(db.Model):
    """One payment (支付) in 元; a negative amount is a refund of ``refund_of``."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("project_id", "voucher_no"),
        #: Payments up to a date, per project: the scan, the summary, the curve.
        Index("ix_payment_project_paid_on", "project_id", "paid_on", postgresql_include=["amount"]),
        CheckConstraint(f"source IN {SOURCES}", name="source_known"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("amount > 0 OR refund_of IS NOT NULL", name="refund_names_voucher"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    #: 支付日期.
    paid_on: Mapped[date]
    #: 金额（元）; negative for a refund (退款).
    amount: Mapped[Yuan]
    #: 资金来源: fiscal (财政资金) or other (其他资金).
    source: Mapped[str] = mapped_column(String(10), default="fiscal")
    #: 凭证号, unique per project.
    voucher_no: Mapped[str] = mapped_column(String(64))
    #: The voucher a refund reverses.
    refund_of: Mapped[str | None] = mapped_column(String(64))
    #: 摘要.
    note: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: Saved, with the payer's confirmation, although it took the project's paid total past its budget (超预算).
    over_budget: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    #: Moved on by each edit a person saves (perf/versions.py): a save from an older read is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    project = relationship("Project", viewonly=True)


class StoredStatus(db.Model):
    """A project's spending status as the last scan computed it (``perf.spending.status.store``).

    The dashboard pages, sorts, filters and counts its lights from these rows in SQL, so the page
    costs the same for 100 or 100,000 projects; ``as_of`` says which date the figures are for.
    """

    __tablename__ = "project_status"
    __table_args__ = (
        #: The dashboard's counts per light and its light filter, per year.
        Index("ix_project_status_year_light", "year_id", "light"),
    )

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    #: green / yellow / red, or "over" (超支) when more than the budget is paid (``Status.light``).
    light: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(8))
    paid: Mapped[Yuan]
    checkpoint_seq: Mapped[int | None]
    planned_pct: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    actual_pct: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    gap_pp: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    ratio: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    time_pct: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    has_plan: Mapped[bool]
    reminder_seq: Mapped[int | None]
    reminder_pct: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    forecast_pct: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    forecast_short: Mapped[bool]
    over_budget: Mapped[bool]
