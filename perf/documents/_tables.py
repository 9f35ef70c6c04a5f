"""Helpers for disclosure.py: find cells by normalised label, never by fixed position."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from perf.documents.reader import Block, Paragraph, Row
from perf.numbers import WAN_INTEGER_DIGITS, WAN_PLACES, wan_text

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_WHITESPACE = re.compile(r"\s+")
_PUNCTUATION = str.maketrans({":": "：", "(": "（", ")": "）"})
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
#: A header line above a table ("预算年度：2025", "单位：元"; perf/documents/_headers.py): not a caption.
_HEADER_LINE = re.compile(r"(?:预算年度|部门名称|部门编码|部门代码|主管部门|预算部门|编制单位|部门|金额单位|单位)：")
_MONTH = re.compile(r"(\d{1,2})月(?:底|末|份|末前|底前)?")

SUMMARY = "部门预算支出总表"
UNITS = "部门机构设置表"
UNIT_LABELS = ("单位名称", "单位性质", "单位规格", "经费保障形式")
INDICATOR_LABELS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
_INDICATOR_REQUIRED = ("一级指标", "二级指标", "三级指标", "指标值")
_SUMMARY_LABELS = ("功能分类科目", "合计", "基本支出", "项目支出")


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}：{self.message}"


@dataclass
class UnitRow:
    name: str
    nature: str
    rank: str
    funding: str
    location: str
    #: The unit's code where the file gives one ("820001-井研县马踏镇人民政府").
    code: str = ""


@dataclass
class IndicatorRow:
    level1: str
    level2: str
    name: str
    description: str
    value: str
    basis: str
    location: str
    #: A separate 度量单位 column's unit (a flat table), trusted even when perf's unit list lacks it.
    unit_hint: str | None = None


# -- text -------------------------------------------------------------------------------------


def label(text: str) -> str:
    """A cell or heading as a label: bookmarks and all whitespace removed, ASCII :() widened."""
    return _WHITESPACE.sub("", _BOOKMARK.sub("", text)).translate(_PUNCTUATION)


def heading_text(text: str) -> str:
    """A paragraph's text without the ``[bookmark: …]`` markers of the text export."""
    return _BOOKMARK.sub("", text).strip()


def number(text: str) -> Decimal | None:
    """A plain decimal such as ``28.00`` or ``-3`` (thousands separators allowed), else None."""
    cleaned = label(text).replace(",", "").replace("，", "")
    return Decimal(cleaned) if _NUMBER.fullmatch(cleaned) else None


def amount(text: str, name: str) -> tuple[Decimal | None, str | None]:
    """An amount in 万元, exact to the 分 (up to six places): (value, None) or (None, a message naming ``name``)."""
    cleaned = label(text).removesuffix("万元")
    if not cleaned:
        return None, f"{name}为空"
    value = number(cleaned)
    if value is None:
        return None, f"{name}“{text}”不是有效的金额"
    if value < 0:
        return None, f"{name} {text} 不能为负数"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -WAN_PLACES:
        return None, f"{name} {text} 超过 {WAN_PLACES} 位小数（以万元计应精确到分）"
    if value >= Decimal(10) ** WAN_INTEGER_DIGITS:
        return None, f"{name} {text} 过大（整数部分最多 {WAN_INTEGER_DIGITS} 位）"
    return value, None


def percent(text: str) -> Decimal | None:
    """``15%``, ``15％`` or ``15`` -> Decimal('15'); None if it is not a number."""
    return number(label(text).removesuffix("%").removesuffix("％"))


def month_of(checkpoint: str) -> int | None:
    """The month of a checkpoint label such as ``3月底``; None if it names no month."""
    match = _MONTH.fullmatch(label(checkpoint))
    month = int(match[1]) if match else 0
    return month if 1 <= month <= 12 else None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# -- tables -----------------------------------------------------------------------------------


@dataclass
class Table:
    rows: list[Row]
    caption: str  # label of the last paragraph before the table, "" if none


def split_tables(blocks: Iterable[Block]) -> list[Table]:
    """Group consecutive rows into tables (a TableBreak or a paragraph ends one).

    A table's caption is the last paragraph before it that is not a header line ("预算年度：2025").
    """
    result: list[Table] = []
    rows: list[Row] = []
    caption = ""
    for block in blocks:
        if isinstance(block, Row):
            rows.append(block)
            continue
        if rows:
            result.append(Table(rows, caption))
            rows = []
        if isinstance(block, Paragraph) and not _HEADER_LINE.match(label(block.text)):
            caption = label(block.text)
    if rows:
        result.append(Table(rows, caption))
    return result


def columns(row: Row, names: Sequence[str]) -> dict[str, int]:
    """Index of the first cell carrying each of ``names`` (absent names are left out)."""
    labels = [label(cell) for cell in row.cells]
    return {name: labels.index(name) for name in names if name in labels}


def find_cell(rows: Sequence[Row], match: Callable[[str], bool]) -> tuple[int, int] | None:
    """(row index, cell index) of the first cell whose label satisfies ``match``."""
    for i, row in enumerate(rows):
        for j, cell in enumerate(row.cells):
            if match(label(cell)):
                return i, j
    return None


# -- 部门预算支出总表 ------------------------------------------------------------------------


@dataclass
class Stated:
    """The 合计 row of the 支出总表; a value is None when absent or not an amount."""

    total: Decimal | None = None
    basic: Decimal | None = None
    project: Decimal | None = None
    where: str = SUMMARY


def _summary_header(table: Table) -> int | None:
    full = (i for i, row in enumerate(table.rows) if len(columns(row, _SUMMARY_LABELS)) == 4)
    return next(full, None)


def expenditure_summary(tables: Sequence[Table]) -> Stated | None:
    """The 合计 row of the 部门预算支出总表; None when no such table exists.

    Its header merges 功能分类科目 over two columns, so the labels after 功能分类科目
    are mapped to the cells after the "合计" label cell of the total row.
    """
    found = [(t, i) for t in tables if (i := _summary_header(t)) is not None]
    if not found:
        return None
    named = [(t, i) for t, i in found if t.caption.endswith("支出总表") and "收支" not in t.caption]
    table, start = (named or found)[0]
    labels = [label(cell) for cell in table.rows[start].cells]
    labels = labels[labels.index("功能分类科目") + 1 :]
    for row in table.rows[start + 1 :]:
        cells = [label(cell) for cell in row.cells]
        if "合计" in cells:
            values = dict(zip(labels, row.cells[cells.index("合计") + 1 :], strict=False))
            stated = [_stated(values.get(name)) for name in ("合计", "基本支出", "项目支出")]
            return Stated(*stated, where=f"{SUMMARY}，{row.where}")
    return Stated(where=f"{SUMMARY}，{table.rows[start].where}")


def _stated(text: str | None) -> Decimal | None:
    """A figure of the 合计 row in the table's own unit; a blank cell is 0, an absent or unparseable one None."""
    if text is None:
        return None
    return number(label(text).removesuffix("万元").removesuffix("元")) if text.strip() else Decimal(0)


def stated_in_wan(stated: Stated | None, unit: str) -> Stated | None:
    """The 合计 row's figures in 万元, from a table stated in ``unit`` (元 or 万元)."""
    if stated is None or unit != "元":
        return stated
    wan = (None if v is None else v.scaleb(-4) for v in (stated.total, stated.basic, stated.project))
    return Stated(*wan, where=stated.where)


def total_warnings(stated: Stated | None, projects: Decimal | None) -> list[Problem]:
    """Cross-checks against the 支出总表; ``projects`` is the sum of the project budgets."""
    if stated is None:
        return [Problem("文件", f"未找到{SUMMARY}，无法核对各项目预算数合计与项目支出")]
    warnings = []
    if stated.project is None:
        message = f"未找到{SUMMARY}中的项目支出，无法核对各项目预算数合计"
        warnings.append(Problem(stated.where, message))
    elif projects is not None and projects != stated.project:
        message = (
            f"各项目预算数合计 {wan_text(projects)} 万元，与{SUMMARY}中的项目支出 {wan_text(stated.project)} 万元不一致"
        )
        warnings.append(Problem(stated.where, message))
    if stated.total is not None and stated.basic is not None and stated.project is not None:
        parts = stated.basic + stated.project
        if parts != stated.total:
            message = (
                f"{SUMMARY}中合计 {wan_text(stated.total)} 万元，与基本支出 {wan_text(stated.basic)} 万元"
                f" + 项目支出 {wan_text(stated.project)} 万元 = {wan_text(parts)} 万元不一致"
            )
            warnings.append(Problem(stated.where, message))
    return warnings


# -- 部门机构设置 -----------------------------------------------------------------------------


def unit_rows(tables: Sequence[Table]) -> list[UnitRow] | None:
    """Rows of the 机构设置 table; None when no table has its header."""
    for table in tables:
        for i, row in enumerate(table.rows):
            cols = columns(row, UNIT_LABELS)
            if "单位名称" in cols and len(cols) >= 2:
                return [_unit(r, cols) for r in table.rows[i + 1 :] if any(c.strip() for c in r.cells)]
    return None


def _unit(row: Row, cols: dict[str, int]) -> UnitRow:
    cells = [*(cell.strip() for cell in row.cells), *[""] * len(UNIT_LABELS)]
    values = (cells[cols[name]] if name in cols else "" for name in UNIT_LABELS)
    return UnitRow(*values, location=f"{UNITS}，{row.where}")


# -- indicator table --------------------------------------------------------------------------


def indicator_columns(row: Row) -> dict[str, int] | None:
    cols = columns(row, INDICATOR_LABELS)
    return cols if all(name in cols for name in _INDICATOR_REQUIRED) else None


class IndicatorReader:
    """Reads indicator rows, filling blank (merged) 一级/二级 cells down from the row above."""

    def __init__(self, table: str, cols: dict[str, int]):
        self.table = table
        self.cols = cols
        self.width = max(cols.values()) + 1
        self.level1 = self.level2 = ""
        self.rows: list[IndicatorRow] = []
        self.problems: list[Problem] = []

    def _problem(self, row: Row, message: str) -> None:
        self.problems.append(Problem(f"{self.table}，{row.where}", message))

    def read(self, row: Row) -> None:
        if not any(cell.strip() for cell in row.cells) or indicator_columns(row):
            return  # a blank row, or the header repeated where the table was split
        if len(row.cells) < self.width:
            expected = f"绩效指标表每行应有 {self.width} 个（{'/'.join(INDICATOR_LABELS)}）"
            self._problem(row, f"该行只有 {len(row.cells)} 个单元格，{expected}，表格可能被截断")
            return

        def cell(name: str) -> str:
            return row.cells[self.cols[name]].strip() if name in self.cols else ""

        level1, level2 = self._fill(row, cell("一级指标"), cell("二级指标"))
        name, value = cell("三级指标"), cell("指标值")
        if not name:
            self._problem(row, "三级指标为空")
        elif not value:
            self._problem(row, f"三级指标“{name}”的指标值为空")
        description, basis = cell("绩效指标描述"), cell("指标值确定依据")
        where = f"{self.table}，{row.where}"
        self.rows.append(IndicatorRow(level1, level2, name, description, value, basis, where))

    def _fill(self, row: Row, level1: str, level2: str) -> tuple[str, str]:
        new_level1 = bool(level1) and level1 != self.level1
        if not level1:
            if not self.level1:
                self._problem(row, "一级指标为空，上方没有可沿用的一级指标")
            level1 = self.level1
        if not level2:
            if new_level1 and self.level2:
                message = f"一级指标“{level1}”与上一行不同，不能沿用上一行的二级指标"
                self._problem(row, f"二级指标为空，{message}")
            elif not self.level2:
                self._problem(row, "二级指标为空，上方没有可沿用的二级指标")
            level2 = "" if new_level1 else self.level2
        self.level1, self.level2 = level1, level2
        return level1, level2
