"""A department-year's budget tables as imported: one set per department and year, replaced whole."""

from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perf.db import BlankString, Moment, utcnow
from perf.extensions import db
from perf.org.models import BudgetYear, Department


class BudgetSet(db.Model):
    """The budget tables of one department and year, from one imported document."""

    __tablename__ = "budget_set"
    __table_args__ = (UniqueConstraint("department_id", "year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    year_id: Mapped[int] = mapped_column(ForeignKey("budget_year.id"))
    #: SHA-256 of what was stored (tables, checks, findings): a re-import of the same content writes nothing.
    content_sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the imported document.
    source_sha256: Mapped[str] = mapped_column(BlankString(64), default="", nullable=True)
    imported_at: Mapped[Moment] = mapped_column(default=utcnow)

    department: Mapped[Department] = relationship()
    budget_year: Mapped[BudgetYear] = relationship()
    tables: Mapped[list["BudgetTable"]] = relationship(
        back_populates="budget_set", order_by="BudgetTable.position", cascade="all, delete-orphan"
    )
    checks: Mapped[list["BudgetCheck"]] = relationship(
        back_populates="budget_set", order_by="BudgetCheck.position", cascade="all, delete-orphan"
    )


class BudgetTable(db.Model):
    """One table as the document titles it (部门预算收支总表 …)."""

    __tablename__ = "budget_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("budget_set.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: Which of the nine tables (perf.documents.budget_tables.KINDS), never shown.
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: The unit the document stated (万元 or 元); amounts are stored in 万元.
    source_unit: Mapped[str] = mapped_column(String(4))
    location: Mapped[str] = mapped_column(String(100))

    budget_set: Mapped[BudgetSet] = relationship(back_populates="tables")
    columns: Mapped[list["BudgetColumn"]] = relationship(
        back_populates="table", order_by="BudgetColumn.position", cascade="all, delete-orphan"
    )
    rows: Mapped[list["BudgetRow"]] = relationship(
        back_populates="table", order_by="BudgetRow.position", cascade="all, delete-orphan"
    )


class BudgetColumn(db.Model):
    """An amount column: its side (收入/支出 of a 收支 table, else "") and its header path (本年收入／小计)."""

    __tablename__ = "budget_column"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("budget_table.id", ondelete="CASCADE"))
    position: Mapped[int]
    side: Mapped[str] = mapped_column(BlankString(4), default="", nullable=True)
    #: The header labels from the top, joined by "／".
    path: Mapped[str] = mapped_column(String(300))
    label: Mapped[str] = mapped_column(String(100))

    table: Mapped[BudgetTable] = relationship(back_populates="columns")


class BudgetRow(db.Model):
    """A row of a table (one side of a 收支 row)."""

    __tablename__ = "budget_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("budget_table.id", ondelete="CASCADE"))
    position: Mapped[int]
    side: Mapped[str] = mapped_column(BlankString(4), default="", nullable=True)
    #: 功能分类 or 经济分类 code (2010301, 30101), "" for a 合计 or a named row.
    code: Mapped[str] = mapped_column(BlankString(20), default="", nullable=True)
    name: Mapped[str] = mapped_column(BlankString(200), default="", nullable=True)
    location: Mapped[str] = mapped_column(String(100))

    table: Mapped[BudgetTable] = relationship(back_populates="rows")
    amounts: Mapped[list["BudgetAmount"]] = relationship(
        back_populates="row", order_by="BudgetAmount.column_position", cascade="all, delete-orphan"
    )


class BudgetAmount(db.Model):
    """A non-blank amount cell, in 万元 (exact: a 元 table's 1,234.56 元 is 0.123456 万元)."""

    __tablename__ = "budget_amount"

    row_id: Mapped[int] = mapped_column(ForeignKey("budget_row.id", ondelete="CASCADE"), primary_key=True)
    #: The column's position in its table.
    column_position: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 6))

    row: Mapped[BudgetRow] = relationship(back_populates="amounts")


class BudgetCheck(db.Model):
    """One cross-check as it ran on the import: how many figures it compared, and what it found."""

    __tablename__ = "budget_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("budget_set.id", ondelete="CASCADE"))
    position: Mapped[int]
    #: The check's Chinese name (基本支出 = 人员经费 + 公用经费 …).
    name: Mapped[str] = mapped_column(String(100))
    compared: Mapped[int]
    failed: Mapped[int]

    budget_set: Mapped[BudgetSet] = relationship(back_populates="checks")
    findings: Mapped[list["BudgetFinding"]] = relationship(
        back_populates="check", order_by="BudgetFinding.position", cascade="all, delete-orphan"
    )


class BudgetFinding(db.Model):
    """A failed comparison: where (table and row) and the Chinese message with both figures."""

    __tablename__ = "budget_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("budget_check.id", ondelete="CASCADE"))
    position: Mapped[int]
    location: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)

    check: Mapped[BudgetCheck] = relationship(back_populates="findings")


__all__ = ["BudgetAmount", "BudgetCheck", "BudgetColumn", "BudgetFinding", "BudgetRow", "BudgetSet", "BudgetTable"]
