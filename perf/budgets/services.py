"""Store a department-year's budget tables: replaced whole by a re-import, nothing written when unchanged.

The tables and checks come from perf.documents (budget_tables.BudgetTable, budget_checks.CheckRun); this
room takes them by their attributes and never imports that room (which imports this one). Flushes only.
"""

import hashlib
import json
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select

from perf.audit.services import record
from perf.budgets.models import (
    BudgetAmount,
    BudgetCheck,
    BudgetColumn,
    BudgetFinding,
    BudgetRow,
    BudgetSet,
    BudgetTable,
)
from perf.extensions import db
from perf.org.models import BudgetYear, Department

PLACES = Decimal("0.000001")  # Numeric(18, 6): 万元 to the 0.01 元
SEPARATOR = "／"


def _content(tables: Sequence, checks: Sequence) -> list:
    """What is stored, as plain data (its hash tells a re-import of the same content)."""
    return [
        [
            [
                t.kind,
                t.title,
                t.unit,
                t.where,
                [[c.side, list(c.path)] for c in t.columns],
                [
                    [r.side, r.code, r.name, r.where, {k: str(v.quantize(PLACES)) for k, v in r.amounts.items()}]
                    for r in t.rows
                ],
            ]
            for t in tables
        ],
        [[c.name, c.compared, c.failed, [[w.location, w.message] for w in c.warnings]] for c in checks],
    ]


def content_sha256(tables: Sequence, checks: Sequence) -> str:
    text = json.dumps(_content(tables, checks), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def stored_set(department: Department, year: BudgetYear) -> BudgetSet | None:
    return db.session.scalar(
        select(BudgetSet).where(BudgetSet.department_id == department.id, BudgetSet.year_id == year.id)
    )


def replace_budget_tables(
    department: Department, year: BudgetYear, tables: Sequence, checks: Sequence, actor: str, digest: str = ""
) -> bool:
    """Store the document's budget tables for the department and year; True if anything was written.

    A document without budget tables leaves what is stored alone; the same content again writes nothing.
    """
    if not tables:
        return False
    signature = content_sha256(tables, checks)
    existing = stored_set(department, year)
    if existing is not None and existing.content_sha256 == signature:
        return False
    replaced = existing is not None
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    budget_set = BudgetSet(department=department, budget_year=year, content_sha256=signature, source_sha256=digest)
    for position, table in enumerate(tables, start=1):
        budget_set.tables.append(_table(position, table))
    for position, run in enumerate(checks, start=1):
        check = BudgetCheck(position=position, name=run.name, compared=run.compared, failed=run.failed)
        for number, warning in enumerate(run.warnings, start=1):
            check.findings.append(BudgetFinding(position=number, location=warning.location, message=warning.message))
        budget_set.checks.append(check)
    db.session.add(budget_set)
    db.session.flush()
    found = sum(run.failed for run in checks)
    titles = "、".join(t.title for t in tables)
    verb = "以文件替换" if replaced else "导入"
    summary = (
        f"{verb} {department.code}{department.name} {year.year} 年度部门预算表 {len(tables)} 张（{titles}），"
        f"核对发现 {found} 处不一致"
    )
    record(actor, "budget.tables.replace" if replaced else "budget.tables.import", "department", department.id, summary)
    return True


def _table(position: int, table) -> BudgetTable:
    stored = BudgetTable(
        position=position, kind=table.kind, title=table.title, source_unit=table.unit, location=table.where
    )
    index = {}
    for number, column in enumerate(table.columns, start=1):
        index[(column.side, column.label)] = number
        path = SEPARATOR.join(p for p in column.path if p != column.side) or column.label
        stored.columns.append(BudgetColumn(position=number, side=column.side, path=path, label=column.label))
    for number, row in enumerate(table.rows, start=1):
        stored_row = BudgetRow(position=number, side=row.side, code=row.code, name=row.name, location=row.where)
        for label, amount in row.amounts.items():
            stored_row.amounts.append(BudgetAmount(column_position=index[(row.side, label)], amount=amount))
        stored.rows.append(stored_row)
    return stored
