"""Read the budget tables of a 部门预算公开 (收支总表 … “三公”经费支出表) from document blocks: pure, no database.

Each table is found by its title (the paragraph before it), its columns by the names in its header
rows, never by position: a horizontally merged header cell (功能分类科目 over 科目编码/科目名称, 本年收入
over 小计 … 其他收入) gives its name to the columns under it, a vertically merged one ("" below it) is
one column. Amounts become 万元; a table stated in 元 (单位：元) is divided by 10,000 exactly. A table the
document does not hold is simply absent; a cell that is not an amount is a warning, never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from perf.documents._tables import Problem, heading_text, label, number
from perf.documents.reader import Block, Paragraph, Row, TableBreak

WAN = "万元"
YUAN = "元"
YUAN_PER_WAN = Decimal(10000)
INCOME, EXPENSE = "收入", "支出"
TOTAL, SUBTOTAL = "合计", "小计"
#: Leaf header labels that are not amounts: the row number, the subject code and the row's name.
SEQ_LABELS = ("序号", "栏次")
CODE_LABELS = ("科目编码", "编码", "功能分类科目编码", "经济分类科目编码")
NAME_LABELS = ("科目名称", "项目", "名称", "功能分类科目名称", "经济分类科目名称", "项目名称")
_UNIT = re.compile(r"(?:金额)?单位：(万元|元)")
_CODE = re.compile(r"\d{3,}")
_MAX_TITLE = 40
#: A header line written as a paragraph above its table: "预算年度：2024", "306唐山市丰南区行政审批局".
_HEADER_LINE = re.compile(r"预算年度|(?:部门|单位|主管部门|预算部门|编制单位)(?:名称|编码|代码)?：|\d{2,}[^\d、.．]")

# Kinds, in the order a document publishes them (never shown: the page shows each table's own title).
SUMMARY = "summary"  # 部门预算收支总表
INCOME_TABLE = "income"  # 部门预算收入总表
EXPENDITURE = "expenditure"  # 部门预算支出总表
FISCAL = "fiscal"  # 部门预算财政拨款收支总表
GENERAL = "general"  # 一般公共预算财政拨款支出表 (功能分类)
BASIC = "basic"  # 一般公共预算财政拨款基本支出表 (经济分类)
FUND = "fund"  # 政府性基金预算财政拨款支出表
CAPITAL = "capital"  # 国有资本经营预算财政拨款支出表
THREE = "three"  # 财政拨款“三公”经费支出表
KINDS = (SUMMARY, INCOME_TABLE, EXPENDITURE, FISCAL, GENERAL, BASIC, FUND, CAPITAL, THREE)
#: The usual title of each kind, for a message about a table the document lacks.
TITLES = {
    SUMMARY: "部门预算收支总表",
    INCOME_TABLE: "部门预算收入总表",
    EXPENDITURE: "部门预算支出总表",
    FISCAL: "部门预算财政拨款收支总表",
    GENERAL: "一般公共预算财政拨款支出表",
    BASIC: "一般公共预算财政拨款基本支出表",
    FUND: "政府性基金预算财政拨款支出表",
    CAPITAL: "国有资本经营预算财政拨款支出表",
    THREE: "财政拨款“三公”经费支出表",
}


@dataclass(frozen=True)
class Column:
    """An amount column: its side (收入/支出 in a two-sided 收支 table, else "") and its header path."""

    side: str
    path: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.path[-1]


@dataclass
class BudgetRow:
    side: str
    code: str
    name: str
    #: Amounts in 万元 by column label; a blank cell is absent.
    amounts: dict[str, Decimal]
    where: str

    def amount(self, column: str) -> Decimal:
        return self.amounts.get(column, Decimal(0))


@dataclass
class BudgetTable:
    kind: str
    title: str
    #: The unit the document states the amounts in (万元 or 元); stored amounts are 万元.
    unit: str
    columns: list[Column]
    rows: list[BudgetRow]
    where: str
    #: True when a column holds 科目编码 (功能分类 or 经济分类 subjects).
    coded: bool = False
    #: The header rows as read (a continuation across a page break repeats them).
    header: list[Row] = field(default_factory=list, repr=False)
    warnings: list[Problem] = field(default_factory=list)

    def side_columns(self, side: str) -> list[Column]:
        return [c for c in self.columns if c.side == side]

    def side_rows(self, side: str) -> list[BudgetRow]:
        return [r for r in self.rows if r.side == side]

    @property
    def sides(self) -> tuple[str, ...]:
        found = tuple(dict.fromkeys(c.side for c in self.columns))
        return found or ("",)


def kind_of(title: str) -> str | None:
    """The kind of budget table a title names, None for any other paragraph."""
    text = label(heading_text(title))
    if len(text) > _MAX_TITLE or not text.endswith("表") or "绩效" in text:
        return None
    if "三公" in text:
        return THREE
    if "收支总表" in text or "收支预算总表" in text:
        return FISCAL if "财政拨款" in text else SUMMARY
    if "收入总表" in text or "收入预算总表" in text:
        return INCOME_TABLE
    if "基本支出" in text:
        return BASIC
    if "政府性基金" in text:
        return FUND
    if "国有资本经营" in text:
        return CAPITAL
    if "一般公共预算" in text and "支出" in text:
        return GENERAL
    if "支出总表" in text or "支出预算总表" in text:
        return EXPENDITURE
    return None


def read_budget_tables(blocks: Iterable[Block]) -> list[BudgetTable]:
    """Every budget table of the document, in document order (each kind once: the first).

    A table right after one (no paragraph between) that starts with the same header rows is the
    same table continued across a page break: its rows are added, its repeated header dropped.
    """
    scanner = _Scanner()
    for block in blocks:
        if isinstance(block, Paragraph):
            scanner.paragraph(block)
        elif isinstance(block, Row):
            scanner.rows.append(block)
        elif isinstance(block, TableBreak):
            scanner.finish()
    scanner.finish()
    return scanner.tables


class _Scanner:
    def __init__(self) -> None:
        self.tables: list[BudgetTable] = []
        self.title: Paragraph | None = None
        self.unit = ""
        self.rows: list[Row] = []
        self.seen: set[str] = set()
        self.open: BudgetTable | None = None  # the table a continuation would belong to

    def paragraph(self, block: Paragraph) -> None:
        if self.rows:
            self.finish()
        match = _UNIT.search(label(block.text))
        if kind_of(block.text) is not None:
            self.title, self.unit, self.open = block, "", None
        elif match and len(label(block.text)) <= _MAX_TITLE:
            self.unit = match[1] if self.title is not None else self.unit
        else:
            self.open = None
            if not _HEADER_LINE.match(label(block.text)) or len(label(block.text)) > _MAX_TITLE:
                self.title = None  # any other paragraph (the next chapter) ends the wait for the titled table

    def finish(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        if self.title is not None and all(_is_meta(r) for r in rows):
            self.unit = _unit_of(rows) or self.unit  # the header lines as a table of their own
        elif self.title is not None:
            kind = kind_of(self.title.text)
            self.open = None
            if kind is not None and kind not in self.seen:
                self.seen.add(kind)
                self.open = _parse(kind, heading_text(self.title.text), self.unit, rows, self.title.where)
                self.tables.append(self.open)
            self.title, self.unit = None, ""
        elif self.open is not None and not _continue(self.open, rows):
            self.open = None


# -- one table -------------------------------------------------------------------------------


def _is_meta(row: Row) -> bool:
    """A header line inside the table: "306唐山市…局 | 预算年度：2024 | 单位：万元"."""
    return any(label(c).startswith(("预算年度", "单位：", "金额单位：")) for c in row.cells)


def _is_data(row: Row) -> bool:
    return any(number(c) is not None for c in row.cells if c.strip())


def _unit_of(rows: Iterable[Row]) -> str:
    """The unit a header line states ("单位：元"), "" if none."""
    for row in rows:
        if _is_meta(row):
            for cell in row.cells:
                match = _UNIT.search(label(cell))
                if match:
                    return match[1]
    return ""


def _parse(kind: str, title: str, unit: str, rows: list[Row], where: str) -> BudgetTable:
    unit = _unit_of(rows) or unit
    body = [r for r in rows if not _is_meta(r)]
    split = next((i for i, r in enumerate(body) if _is_data(r)), len(body))
    header, data = body[:split], body[split:]
    if data and label(data[0].cells[0]) == "栏次":
        data = data[1:]
    table = BudgetTable(kind, title, unit or WAN, [], [], where)
    if not header:
        table.warnings.append(Problem(f"{title}，{where}", "未找到表头，未读取该表"))
        return table
    table.header = header
    roles = _roles(_paths(header))
    table.columns = [Column(side, path) for role, side, path in roles if role == "amount"]
    table.coded = any(role == "code" for role, _, _ in roles)
    for row in data:
        _read_row(table, roles, row)
    return table


def _continue(table: BudgetTable, rows: list[Row]) -> bool:
    """Add a continuation's rows (its repeated header dropped); False if ``rows`` do not repeat the header."""
    body = [r for r in rows if not _is_meta(r)]
    cells = [tuple(label(c) for c in r.cells) for r in body[: len(table.header)]]
    if not table.header or cells != [tuple(label(c) for c in r.cells) for r in table.header]:
        return False
    roles = _roles(_paths(table.header))
    for row in body[len(table.header) :]:
        if label(row.cells[0]) != "栏次":
            _read_row(table, roles, row)
    return True


Role = tuple[str, str, tuple[str, ...]]  # (seq | code | name | amount, side, header path)


def _roles(paths: list[tuple[str, ...]]) -> list[Role]:
    roles = []
    for path in paths:
        leaf = path[-1] if path else ""
        side = path[0] if path and path[0] in (INCOME, EXPENSE) else ""
        if not leaf or leaf in SEQ_LABELS:
            role = "seq"
        elif leaf in CODE_LABELS or leaf.endswith("编码"):
            role = "code"
        elif leaf in NAME_LABELS or (side and leaf == side) or leaf.endswith("名称"):
            role = "name"
        else:
            role = "amount"
        roles.append((role, side, path))
    return roles


def _paths(header: Sequence[Row]) -> list[tuple[str, ...]]:
    """The header path of every column (top label first), merging the header rows top-down."""
    paths = [(label(c),) if label(c) else () for c in header[0].cells]
    for row in header[1:]:
        paths = _merge(paths, [label(c) for c in row.cells])
    return [p or ("",) for p in paths]


def _merge(parents: list[tuple[str, ...]], cells: list[str]) -> list[tuple[str, ...]]:
    """Hang one header row under the row above: a "" continues the parent above (vertical merge),
    a run of labels sits under one or more horizontally merged parents."""
    if len(cells) == len(parents):
        return [(*p, c) if c else p for p, c in zip(parents, cells, strict=True)]
    segments: list[list[int]] = []  # [i] for a blank, [i, j, …] for a run of labelled cells
    for i, cell in enumerate(cells):
        if cell and segments and cells[segments[-1][-1]] and segments[-1][-1] == i - 1:
            segments[-1].append(i)
        else:
            segments.append([i])
    runs = [s for s in segments if cells[s[0]]]
    blanks = len(segments) - len(runs)
    wanted = len(parents) - blanks
    pieces = {id(run): _split_run(run, cells) for run in runs}
    if sum(len(p) for p in pieces.values()) != wanted:
        pieces = {id(run): [run] for run in runs}
    result: list[tuple[str, ...]] = [()] * len(cells)
    parent = 0
    for segment in segments:
        for piece in pieces.get(id(segment), [segment]) if cells[segment[0]] else [segment]:
            above = parents[parent] if parent < len(parents) else ()
            for i in piece:
                result[i] = (*above, cells[i]) if cells[i] else above
            parent += 1
    return result


def _split_run(run: list[int], cells: list[str]) -> list[list[int]]:
    """A run under several parents: a repeated label (收入 项目|金额, 支出 项目|合计…) or the end of the
    科目编码/科目名称 pair starts the next parent."""
    pieces: list[list[int]] = [[]]
    for i in run:
        labels = [cells[j] for j in pieces[-1]]
        after_name = bool(labels) and labels[-1].endswith("名称")
        if pieces[-1] and (cells[i] in labels or after_name):
            pieces.append([])
        pieces[-1].append(i)
    return pieces


def _read_row(table: BudgetTable, roles: list[Role], row: Row) -> None:
    cells = [*row.cells, *[""] * max(0, len(roles) - len(row.cells))]
    for side in dict.fromkeys(side for _, side, _ in roles):
        code = name = ""
        amounts: dict[str, Decimal] = {}
        for (role, role_side, path), cell in zip(roles, cells, strict=False):
            if role_side != side or not cell.strip():
                continue
            if role == "code":
                code = label(cell)
            elif role == "name":
                name = cell.strip()
            elif role == "amount":
                value = _amount(cell, table.unit)
                if value is None:
                    message = f"“{path[-1]}”的“{cell.strip()}”不是金额，按空白处理"
                    table.warnings.append(Problem(f"{table.title}，{row.where}", message))
                else:
                    amounts[path[-1]] = value
        if name and not code and _CODE.fullmatch(label(name)):
            code, name = label(name), ""
        if code or name or amounts:
            table.rows.append(BudgetRow(side, code, name, amounts, row.where))


def _amount(text: str, unit: str) -> Decimal | None:
    value = number(label(text).removesuffix(WAN).removesuffix(YUAN))
    if value is None:
        return None
    return value / YUAN_PER_WAN if unit == YUAN else value
