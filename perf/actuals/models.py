"""Actual values (实际完成值), kept per indicator and date and parsed like targets, so ``96%``,
``7人`` and ``27.5万元`` compare with ``≥95%``, ``7人`` and ``≤28万元``."""

from datetime import date
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankString, BlankText, Moment, utcnow
from perf.extensions import db
from perf.projects.models import Indicator


class ActualValue(db.Model):
    """The 实际完成值 of one indicator as of a date."""

    __tablename__ = "actual_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "as_of"),
        CheckConstraint("kind IN ('quantitative', 'qualitative')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indexed by the unique (indicator_id, as_of).
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    as_of: Mapped[date]
    #: As typed, e.g. "96%".
    value_text: Mapped[str] = mapped_column(String(200))
    number: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    unit: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: 偏差原因 given with the value.
    reason: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    entered_by: Mapped[str] = mapped_column(BlankString(64), default="", nullable=True)
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    #: Moved on by each edit a person saves (perf/versions.py): a save from an older read is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    indicator: Mapped[Indicator] = relationship()
