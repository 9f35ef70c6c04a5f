"""What the department page shows of the budget tables: each table by side, its cells in the document's unit."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from perf.budgets.models import BudgetCheck, BudgetRow, BudgetSet, BudgetTable
from perf.extensions import db

YUAN_PER_WAN = Decimal(10000)


@dataclass
class ShownSide:
    side: str  # 收入 / 支出, "" for a one-sided table
    headers: list[str]
    #: (code, name, amounts in the document's unit, None for a blank cell)
    rows: list[tuple[str, str, list[Decimal | None]]]

    @property
    def coded(self) -> bool:
        """True when the rows carry 科目编码 (a 功能分类 or 经济分类 table)."""
        return any(code for code, _, _ in self.rows)


@dataclass
class ShownTable:
    title: str
    unit: str
    sides: list[ShownSide]
    findings: int


@dataclass
class BudgetPanel:
    tables: list[ShownTable]
    checks: list[BudgetCheck]

    @property
    def findings(self) -> int:
        return sum(check.failed for check in self.checks)


def budget_panel(department_id: int, year_id: int) -> BudgetPanel | None:
    """The stored tables of a department-year with the checks of their import; None if none were imported."""
    found = db.session.scalar(
        select(BudgetSet)
        .options(
            selectinload(BudgetSet.tables).selectinload(BudgetTable.columns),
            selectinload(BudgetSet.tables).selectinload(BudgetTable.rows).selectinload(BudgetRow.amounts),
            selectinload(BudgetSet.checks).selectinload(BudgetCheck.findings),
        )
        .where(BudgetSet.department_id == department_id, BudgetSet.year_id == year_id)
    )
    if found is None:
        return None
    findings = [f for check in found.checks for f in check.findings]
    return BudgetPanel([_shown(t, findings) for t in found.tables], list(found.checks))


def _shown(table: BudgetTable, findings) -> ShownTable:
    sides = []
    for side in dict.fromkeys(c.side or "" for c in table.columns) or [""]:
        columns = [c for c in table.columns if (c.side or "") == side]
        rows = []
        for row in table.rows:
            if (row.side or "") != side:
                continue
            cells = {a.column_position: a.amount for a in row.amounts}
            values = [_in_unit(cells.get(c.position), table.source_unit) for c in columns]
            rows.append((row.code or "", row.name or "", values))
        sides.append(ShownSide(side, [c.path for c in columns], rows))
    mine = sum(1 for f in findings if f.location.startswith(f"{table.title}，"))
    return ShownTable(table.title, table.source_unit, sides, mine)


def _in_unit(amount: Decimal | None, unit: str) -> Decimal | None:
    """A stored 万元 amount in the unit the document stated it in."""
    if amount is None:
        return None
    return amount * YUAN_PER_WAN if unit == "元" else amount
