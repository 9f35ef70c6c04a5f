"""What holds in a sound 部门预算公开: pure cross-checks of the budget tables (budget_tables.py).

Every failed check is a warning (a Problem naming the table and the row, its message both figures);
none stops an import. ``check_budget_tables`` says which checks ran and what each found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perf.documents import budget_tables as bt
from perf.documents._tables import Problem
from perf.documents.budget_tables import BudgetRow, BudgetTable, Column
from perf.numbers import grouped

ZERO = Decimal(0)

#: The checks, in the order they run (their Chinese names are what the summary and page show).
ROW_SUMS = "表内各列合计"
COLUMN_SUMS = "合计行与各类科目"
ROLL_UP = "科目逐级汇总"
BASIC_PARTS = "基本支出 = 人员经费 + 公用经费"
THREE_PARTS = "“三公”经费 = 各分项"
BALANCE = "收支总表各栏合计与收支平衡"
ACROSS = "各表间相同数字"
PROJECTS = "项目预算数合计 = 项目支出"
CHECKS = (ROW_SUMS, COLUMN_SUMS, ROLL_UP, BASIC_PARTS, THREE_PARTS, BALANCE, ACROSS, PROJECTS)


@dataclass
class CheckRun:
    name: str
    #: How many comparisons the check made (0: nothing to compare in this document).
    compared: int = 0
    warnings: list[Problem] = field(default_factory=list)
    #: Failures already reported by another warning of the import (the 支出总表 check of disclosure.py).
    found_elsewhere: int = 0

    @property
    def failed(self) -> int:
        return len(self.warnings) + self.found_elsewhere


def wan(value: Decimal) -> str:
    """An amount as finance staff write it: 1,439.91 万元 (more places only when a 元 table needs them)."""
    text = grouped(value) or "0.00"
    if Decimal(value) != Decimal(text.replace(",", "")):
        text = f"{Decimal(value).normalize():,f}"
    return f"{text} 万元"


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def _row_name(row: BudgetRow) -> str:
    return f"{row.code} {row.name}".strip() or "（无名称）"


class _Checker:
    def __init__(self, tables: Sequence[BudgetTable]):
        self.tables = list(tables)
        self.by_kind = {t.kind: t for t in self.tables}
        self.runs = {name: CheckRun(name) for name in CHECKS}

    def compare(self, check: str, where: str, stated: Decimal, computed: Decimal, message: Callable[[], str]) -> None:
        run = self.runs[check]
        run.compared += 1
        if stated != computed:
            run.warnings.append(Problem(where, message()))

    # -- within a row: 合计 = its parts --------------------------------------------------------

    def row_sums(self, table: BudgetTable) -> None:
        for side in table.sides:
            for total, parts in _column_sums(table.side_columns(side)):
                check = BASIC_PARTS if table.kind == bt.BASIC else ROW_SUMS
                for row in table.side_rows(side):
                    if not row.amounts or (table.kind == bt.EXPENDITURE and _is_total(row)):
                        continue  # the 支出总表's 合计 = 基本支出 + 项目支出 is disclosure.py's own check
                    stated = row.amount(total.label)
                    computed = _sum(row.amount(p.label) for p in parts)

                    def message(row=row, total=total, stated=stated, computed=computed, parts=parts) -> str:
                        terms = " + ".join(f"{p.label} {wan(row.amount(p.label))}" for p in parts)
                        equals = f" = {wan(computed)}" if len(parts) > 1 else ""
                        return f"“{_row_name(row)}”行的{total.label} {wan(stated)}，与{terms}{equals}不一致"

                    self.compare(check, f"{table.title}，{row.where}", stated, computed, message)

    # -- down the columns: the 合计 row and the roll-up of subject codes -------------------------

    def code_sums(self, table: BudgetTable) -> None:
        if not table.coded:
            return
        coded = [r for r in table.rows if r.code]
        parents = parent_codes([r.code for r in coded])
        children: dict[str, list[BudgetRow]] = {}
        for row in coded:
            if parents.get(row.code):
                children.setdefault(parents[row.code], []).append(row)
        top = [r for r in coded if not parents.get(r.code)]
        total = next((r for r in table.rows if not r.code and r.name.replace(" ", "") in ("合计", "总计")), None)
        for column in table.columns:
            if total is not None and top:
                self._column(table, COLUMN_SUMS, total, top, column, "各类科目")
            for row in coded:
                if row.code in children:
                    self._column(table, ROLL_UP, row, children[row.code], column, "其下级科目")

    def _column(self, table, check, row: BudgetRow, parts: list[BudgetRow], column: Column, what: str) -> None:
        stated = row.amount(column.label)
        computed = _sum(p.amount(column.label) for p in parts)
        codes = "、".join(p.code for p in parts)

        def message() -> str:
            return f"“{_row_name(row)}”行的{column.label} {wan(stated)}，与{what}（{codes}）合计 {wan(computed)}不一致"

        self.compare(check, f"{table.title}，{row.where}", stated, computed, message)

    # -- 三公经费 ----------------------------------------------------------------------------------

    def three(self, table: BudgetTable) -> None:
        rows = {_three_part(r.name): r for r in reversed(table.rows) if _three_part(r.name)}
        for column in table.columns:
            if "cars" in rows:
                self._parts(table, rows, "cars", ("purchase", "running"), column)
            whole = "subtotal" if "subtotal" in rows else "total"
            self._parts(table, rows, whole, ("abroad", "cars", "reception"), column)
            others = [r for r in table.rows if not _three_part(r.name)]
            if "subtotal" in rows and "total" in rows and not others:
                self._parts(table, rows, "total", ("subtotal",), column)

    def _parts(self, table, rows: dict, whole: str, parts: tuple[str, ...], column: Column) -> None:
        row = rows.get(whole)
        present = [rows[p] for p in parts if p in rows]
        if row is None or not present:
            return
        stated = row.amount(column.label)
        computed = _sum(r.amount(column.label) for r in present)

        def message() -> str:
            terms = " + ".join(f"{r.name} {wan(r.amount(column.label))}" for r in present)
            return f"“{row.name}”行的{column.label} {wan(stated)}，与{terms} = {wan(computed)}不一致"

        self.compare(THREE_PARTS, f"{table.title}，{row.where}", stated, computed, message)

    # -- 收支总表 / 财政拨款收支总表: 本年合计 = items, 总计 = 本年合计 + 结转, 收入总计 = 支出总计 -------

    def balance(self, table: BudgetTable) -> None:
        totals: dict[str, BudgetRow] = {}
        for side in (bt.INCOME, bt.EXPENSE):
            rows = table.side_rows(side)
            year = next((i for i, r in enumerate(rows) if r.name.startswith("本年") and "合计" in r.name), None)
            grand = next((i for i, r in enumerate(rows) if r.name.endswith("总计")), None)
            if year is None:
                continue
            items = [r for r in rows[:year] if r.name]
            for column in table.side_columns(side):
                self._sum_rows(table, rows[year], items, column, "各项")
            if grand is not None and grand > year:
                carried = [r for r in rows[year + 1 : grand] if "结转" in r.name or "结余" in r.name]
                for column in table.side_columns(side):
                    self._sum_rows(table, rows[grand], [rows[year], *carried], column, "")
                totals[side] = rows[grand]
        if len(totals) == 2:
            income, expense = totals[bt.INCOME], totals[bt.EXPENSE]
            i_col, e_col = table.side_columns(bt.INCOME)[0], table.side_columns(bt.EXPENSE)[0]
            stated, other = income.amount(i_col.label), expense.amount(e_col.label)

            def message() -> str:
                return f"{income.name} {wan(stated)}，与{expense.name} {wan(other)}不一致"

            self.compare(BALANCE, f"{table.title}，{income.where}", stated, other, message)

    def _sum_rows(self, table, row: BudgetRow, parts: list[BudgetRow], column: Column, what: str) -> None:
        stated = row.amount(column.label)
        computed = _sum(p.amount(column.label) for p in parts)

        def message() -> str:
            if what:
                return f"“{row.name}”行的{column.label} {wan(stated)}，与{what}合计 {wan(computed)}不一致"
            terms = " + ".join(f"{p.name} {wan(p.amount(column.label))}" for p in parts)
            return f"“{row.name}”行的{column.label} {wan(stated)}，与{terms} = {wan(computed)}不一致"

        self.compare(BALANCE, f"{table.title}，{row.where}", stated, computed, message)

    # -- the same figure in two tables -----------------------------------------------------------

    def across(self) -> None:
        for first, second in _SAME_FIGURES:
            a, b = self.figure(*first), self.figure(*second)
            if a is None or b is None:
                continue
            (value_a, where_a, what_a), (value_b, where_b, what_b) = a, b

            def message(what_a=what_a, value_a=value_a, where_b=where_b, what_b=what_b, value_b=value_b) -> str:
                return f"{what_a} {wan(value_a)}，与{where_b}的{what_b} {wan(value_b)}不一致"

            self.compare(ACROSS, where_a, value_a, value_b, message)

    def figure(self, kind: str, side: str, row_match, column_match) -> tuple[Decimal, str, str] | None:
        """(amount, where, "“row”行的column") of a stated figure; None when the table or row is absent."""
        table = self.by_kind.get(kind)
        if table is None:
            return None
        column = next((c for c in table.side_columns(side) if column_match(c.label)), None)
        if column is None:
            return None
        rows = table.side_rows(side)
        if not rows:  # an empty table (空表列示) states 0
            return ZERO, f"{table.title}，{table.where}", f"{table.title}的{column.label}"
        row = next((r for r in rows if row_match(r)), None)
        if row is None:
            return None
        return row.amount(column.label), f"{table.title}，{row.where}", f"“{_row_name(row)}”行的{column.label}"

    def projects(self, projects: Decimal | None, stated) -> None:
        """Counted here, warned by disclosure's own 支出总表 check (_tables.total_warnings), never twice."""
        if projects is not None and stated is not None and stated.project is not None:
            self.runs[PROJECTS].compared += 1
            if stated.project != projects:
                self.runs[PROJECTS].found_elsewhere = 1


def _is_total(row: BudgetRow) -> bool:
    return not row.code and row.name.replace(" ", "") in ("合计", "总计")


def _named(*words: str):
    return lambda row: all(w in row.name for w in words)


def _year_total(row: BudgetRow) -> bool:
    return row.name.startswith("本年") and "合计" in row.name


def _grand_total(row: BudgetRow) -> bool:
    return row.name.endswith("总计")


def _is(text: str):
    return lambda label: label == text


def _has(text: str):
    return lambda label: text in label


def _first(_label: str) -> bool:
    return True


#: Figures two tables both state, each (kind, side, row, column).
_SAME_FIGURES = (
    ((bt.SUMMARY, bt.INCOME, _grand_total, _first), (bt.INCOME_TABLE, "", _is_total, _is("合计"))),
    ((bt.SUMMARY, bt.EXPENSE, _year_total, _first), (bt.EXPENDITURE, "", _is_total, _is("合计"))),
    ((bt.SUMMARY, bt.INCOME, _named("一般公共预算"), _first), (bt.FISCAL, bt.INCOME, _named("一般公共预算"), _first)),
    ((bt.INCOME_TABLE, "", _is_total, _is("财政拨款收入")), (bt.FISCAL, bt.INCOME, _year_total, _first)),
    ((bt.FISCAL, bt.EXPENSE, _year_total, _has("一般公共预算")), (bt.GENERAL, "", _is_total, _is("合计"))),
    ((bt.FISCAL, bt.EXPENSE, _year_total, _has("政府性基金")), (bt.FUND, "", _is_total, _is("合计"))),
    ((bt.FISCAL, bt.EXPENSE, _year_total, _has("国有资本")), (bt.CAPITAL, "", _is_total, _is("合计"))),
    ((bt.GENERAL, "", _is_total, _is("基本支出")), (bt.BASIC, "", _is_total, _is("合计"))),
)


def _three_part(name: str) -> str:
    text = name.replace(" ", "")
    if "合计" in text:
        return "total"
    if "小计" in text:
        return "subtotal"
    if "出国" in text:
        return "abroad"
    if "接待" in text:
        return "reception"
    if "公务用车" in text and "购置" in text and "运" in text:
        return "cars"
    if "购置" in text:
        return "purchase"
    if "运行" in text or "运维" in text:
        return "running"
    return ""


def parent_codes(codes: Iterable[str]) -> dict[str, str]:
    """Each code's parent: the longest other listed code it begins with ("" for a top-level code)."""
    present = sorted(set(codes), key=len)
    parents = {}
    for code in present:
        above = [c for c in present if len(c) < len(code) and code.startswith(c)]
        parents[code] = max(above, key=len) if above else ""
    return parents


def _column_sums(columns: list[Column]) -> list[tuple[Column, list[Column]]]:
    """(total column, the columns it adds up) for each 合计/小计 column of a header.

    A 合计 adds up its sibling columns; a sibling that is a group (本年收入 over 小计 …) counts by its
    小计, or by its columns when it has none.
    """
    found = []
    for total in columns:
        if total.label not in (bt.TOTAL, bt.SUBTOTAL):
            continue
        prefix = total.path[:-1]
        parts: list[Column] = []
        groups: dict[str, list[Column]] = {}
        for column in columns:
            if column is total or column.path[: len(prefix)] != prefix:
                continue
            rest = column.path[len(prefix) :]
            if len(rest) == 1:
                parts.append(column)
            else:
                groups.setdefault(rest[0], []).append(column)
        for members in groups.values():
            sub = [c for c in members if c.label in (bt.TOTAL, bt.SUBTOTAL) and len(c.path) == len(prefix) + 2]
            parts.extend(sub[:1] or members)
        if parts:
            found.append((total, parts))
    return found


def check_budget_tables(tables: Sequence[BudgetTable], projects: Decimal | None, stated=None) -> list[CheckRun]:
    """Run every check; ``projects`` is the sum of the project budgets (None: the document has none),
    ``stated`` the 支出总表 figures disclosure.py reads and checks against it itself (_tables.Stated)."""
    checker = _Checker(tables)
    for table in tables:
        checker.row_sums(table)
        checker.code_sums(table)
        if table.kind == bt.THREE:
            checker.three(table)
        if table.kind in (bt.SUMMARY, bt.FISCAL):
            checker.balance(table)
    checker.across()
    checker.projects(projects, stated)
    return list(checker.runs.values())


def warnings_of(runs: Iterable[CheckRun]) -> list[Problem]:
    return [warning for run in runs for warning in run.warnings]


def summary_lines(tables: Sequence[BudgetTable], runs: Iterable[CheckRun]) -> list[str]:
    """Which tables were read and what each check compared and found, for an import's summary."""
    if not tables:
        return []
    lines = [f"部门预算表：{len(tables)} 张（{'、'.join(t.title for t in tables)}）"]
    for run in runs:
        if run.compared:
            found = f"{run.failed} 处不一致" if run.failed else "全部一致"
            lines.append(f"核对 {run.name}：{run.compared} 处，{found}")
    return lines
