"""Budget years with their checkpoints, departments, units and a department's stated totals."""

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankString, Moment, Wan, utcnow
from perf.extensions import db


class BudgetYear(db.Model):
    """A budget year (预算年度) and the checkpoint set its spending plans use."""

    __tablename__ = "budget_year"
    __table_args__ = (CheckConstraint("year BETWEEN 2000 AND 2999", name="year_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Calendar year, e.g. 2024.
    year: Mapped[int] = mapped_column(unique=True)
    #: Indicator scheme: "2020" (成本指标 under 产出指标) or "2021" (成本指标 as 一级).
    scheme: Mapped[str] = mapped_column(String(4), default="2020")

    checkpoints: Mapped[list["Checkpoint"]] = relationship(
        back_populates="budget_year", order_by="Checkpoint.seq", cascade="all, delete-orphan"
    )


class Checkpoint(db.Model):
    """One 资金支出计划 checkpoint of a year (3月底 …); the last one is the year end."""

    __tablename__ = "checkpoint"
    __table_args__ = (
        UniqueConstraint("year_id", "seq", "is_final", name="seq_final"),
        UniqueConstraint("year_id", "on_date"),
        CheckConstraint("seq >= 1", name="seq_positive"),
    )

    #: Owning year.
    year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id"), primary_key=True)
    #: 1-based order within the year.
    seq: Mapped[int] = mapped_column(primary_key=True)
    #: The date the planned cumulative percent is due.
    on_date: Mapped[date]
    #: Short label as published, e.g. "3月底".
    label: Mapped[str] = mapped_column(String(20))
    #: True for the year-end checkpoint, whose planned percent must be 100.
    is_final: Mapped[bool] = mapped_column(default=False)

    budget_year: Mapped[BudgetYear] = relationship(back_populates="checkpoints")


class Department(db.Model):
    """A spending department (部门), e.g. 306 唐山市丰南区行政审批局."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Department code as published, e.g. "306".
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    units: Mapped[list["Unit"]] = relationship(back_populates="department", order_by="Unit.id")


class Unit(db.Model):
    """A budget unit (单位) of a department, as listed under 机构设置."""

    __tablename__ = "unit"
    __table_args__ = (UniqueConstraint("department_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    name: Mapped[str] = mapped_column(String(200))
    #: The unit's code in the budget system (820001), where a file gave one.
    code: Mapped[str] = mapped_column(BlankString(30), default="", nullable=True)
    #: 单位性质, e.g. 行政 / 事业.
    nature: Mapped[str] = mapped_column(BlankString(50), default="", nullable=True)
    #: 单位规格, e.g. 正科级.
    rank: Mapped[str] = mapped_column(BlankString(50), default="", nullable=True)
    #: 经费保障形式, e.g. 财政拨款.
    funding: Mapped[str] = mapped_column(BlankString(50), default="", nullable=True)

    department: Mapped[Department] = relationship(back_populates="units")


class DepartmentBudget(db.Model):
    """A department's totals for a year as stated in its published 支出总表 (万元)."""

    __tablename__ = "department_budget"
    __table_args__ = (UniqueConstraint("department_id", "year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id"))
    total: Mapped[Wan | None]
    basic: Mapped[Wan | None]
    project: Mapped[Wan | None]
    #: SHA-256 of the imported document, to tell a re-import of the same file.
    source_sha256: Mapped[str] = mapped_column(BlankString(64), default="", nullable=True)
    imported_at: Mapped[Moment] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship()
    budget_year: Mapped[BudgetYear] = relationship()


__all__ = ["BudgetYear", "Checkpoint", "Department", "DepartmentBudget", "Unit"]
