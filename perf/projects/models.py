"""Projects, their 资金支出计划 entries and their indicator rows."""

from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankText, Moment, Pct, Wan, utcnow
from perf.extensions import db
from perf.org.models import BudgetYear, Unit

STATUSES = ("draft", "submitted", "approved")
STATUS_LABELS = {"draft": "草稿", "submitted": "已提交", "approved": "已批复"}


#: A code perf gave a project whose file had no 项目编码 (perf.documents.flat), until its real one is set.
LOCAL_CODE_PREFIX = "LOCAL"


class Project(db.Model):
    """A budget project (项目) of one year and its 绩效目标表 header."""

    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("year_id", "code"),
        UniqueConstraint("id", "year_id"),
        CheckConstraint("total >= 0 AND fiscal >= 0 AND other >= 0", name="amounts_not_negative"),
        # Within half a 0.000001 万元: SQLite holds Numeric as REAL, where 0.1 + 0.2 is not 0.3.
        CheckConstraint("abs(total - fiscal - other) < 0.0000005", name="total_is_sum"),
        CheckConstraint(f"status IN {STATUSES}", name="status_known"),
        # the 待办 and the review queue ask for a year's projects in one state (migration 0020)
        Index("ix_project_status_year_id", "status", "year_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id"))
    #: Indexed: every page restricts projects to the units a user may see.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    #: 项目编码, unique within a year, e.g. 13020724P00X4BL10005W.
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    #: 预算数 = 财政资金 + 其他资金, in 万元.
    total: Mapped[Wan]
    fiscal: Mapped[Wan]
    other: Mapped[Wan]
    #: 资金用途 (free text).
    purpose: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: 绩效目标 (free text).
    goal: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    #: Why the approved table is being adjusted (调整); NULL when no adjustment is under way.
    adjustment_reason: Mapped[str | None] = mapped_column(Text)
    #: Optimistic lock: every UPDATE checks and bumps it, so a stale save is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[Moment] = mapped_column(default=utcnow)
    updated_at: Mapped[Moment] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012

    budget_year: Mapped[BudgetYear] = relationship()
    unit: Mapped[Unit] = relationship()
    plan: Mapped[list["PlanEntry"]] = relationship(
        order_by="PlanEntry.seq", cascade="all, delete-orphan", passive_deletes=True
    )
    indicators: Mapped[list["Indicator"]] = relationship(
        order_by="Indicator.position", cascade="all, delete-orphan", passive_deletes=True, back_populates="project"
    )

    @property
    def status_label(self) -> str:
        """The status in Chinese; an adjustment under way says so."""
        if self.adjustment_reason is not None and self.status != "approved":
            return "调整中" if self.status == "draft" else "调整待审"
        return STATUS_LABELS[self.status]

    @property
    def locked(self) -> bool:
        """Only a draft is editable: a submitted table is under review, an approved one needs 调整."""
        return self.status != "draft"

    @property
    def has_local_code(self) -> bool:
        """True while the project carries the local code an import gave it (no 项目编码 in its file)."""
        return self.code.startswith(LOCAL_CODE_PREFIX)


class PlanEntry(db.Model):
    """The cumulative percent of the budget planned as spent by one checkpoint.

    The database itself refuses a plan that goes down: each entry repeats the previous
    entry's percent (``prev_pct``, enforced by a foreign key to that entry) and must not
    be below it. The entry at the year's final checkpoint must be 100.
    """

    __tablename__ = "plan_entry"
    __table_args__ = (
        ForeignKeyConstraint(["project_id", "year_id"], ["project.id", "project.year_id"], ondelete="CASCADE"),
        ForeignKeyConstraint(
            ["year_id", "seq", "is_final"],
            ["checkpoint.year_id", "checkpoint.seq", "checkpoint.is_final"],
        ),
        ForeignKeyConstraint(
            ["project_id", "prev_seq", "prev_pct"],
            ["plan_entry.project_id", "plan_entry.seq", "plan_entry.cumulative_pct"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("project_id", "seq", "cumulative_pct"),
        CheckConstraint("cumulative_pct >= 0 AND cumulative_pct <= 100", name="pct_range"),
        CheckConstraint("cumulative_pct >= prev_pct", name="not_decreasing"),
        CheckConstraint(
            "(seq = 1 AND prev_seq IS NULL AND prev_pct = 0) OR (seq > 1 AND prev_seq = seq - 1)",
            name="chained",
        ),
        CheckConstraint("NOT is_final OR cumulative_pct = 100", name="final_is_100"),
    )

    project_id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int]
    #: Checkpoint order within the year (1 = 3月底 by default).
    seq: Mapped[int] = mapped_column(primary_key=True)
    #: Planned cumulative percent at this checkpoint, e.g. 15.00.
    cumulative_pct: Mapped[Pct]
    #: The previous entry's seq (NULL for the first entry).
    prev_seq: Mapped[int | None]
    #: The previous entry's percent (0 for the first entry).
    prev_pct: Mapped[Pct]
    #: Copied from the checkpoint so the year-end 100% rule is a CHECK.
    is_final: Mapped[bool]

    checkpoint = relationship(
        "Checkpoint",
        primaryjoin="and_(PlanEntry.year_id == Checkpoint.year_id, PlanEntry.seq == Checkpoint.seq)",
        foreign_keys="[PlanEntry.year_id, PlanEntry.seq]",
        viewonly=True,
    )


class Indicator(db.Model):
    """One indicator row: 一级 / 二级 / 三级 and the target, as published and as parsed."""

    __tablename__ = "indicator"
    __table_args__ = (
        UniqueConstraint("project_id", "position"),
        CheckConstraint("kind IN ('quantitative', 'qualitative')", name="kind_known"),
        CheckConstraint("comparator IS NULL OR comparator IN ('≥', '≤', '>', '<', '=')", name="comparator_known"),
        CheckConstraint(
            "direction IS NULL OR direction IN ('higher_better', 'lower_better', 'equal')",
            name="direction_known",
        ),
        CheckConstraint(
            "(kind = 'quantitative' AND target IS NOT NULL)"
            " OR (kind = 'qualitative' AND target IS NULL AND comparator IS NULL)",
            name="kind_matches_target",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    #: Order in the table, from 1.
    position: Mapped[int]
    #: 一级指标, e.g. 产出指标.
    level1: Mapped[str] = mapped_column(String(30))
    #: 二级指标, e.g. 数量指标.
    level2: Mapped[str] = mapped_column(String(30))
    #: 三级指标 (the indicator's name).
    name: Mapped[str] = mapped_column(String(200))
    #: 绩效指标描述.
    description: Mapped[str] = mapped_column(BlankText, default="", nullable=True)
    #: 指标值 exactly as published or typed, e.g. "≥40%".
    value_text: Mapped[str] = mapped_column(String(200))
    comparator: Mapped[str | None] = mapped_column(String(1))
    #: The target number, exact.
    target: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    unit: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12))
    direction: Mapped[str | None] = mapped_column(String(16))
    #: 指标值确定依据.
    basis: Mapped[str] = mapped_column(BlankText, default="", nullable=True)

    project: Mapped[Project] = relationship(back_populates="indicators")
