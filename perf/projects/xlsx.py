"""The 绩效目标表 as an XLSX workbook (openpyxl), laid out like the published table, ready for A4.

Six columns A–F, as on the project page and in the 部门预算公开 document:

    A                 B              C        D              E         F
    (A:F title)  {项目名称}绩效目标表
    (A:C) 预算年度：2024                        (D:F) 单位：万元
    项目编码          (B:C code)              项目名称       (E:F name)
    主管部门          (B:C department)        实施单位       (E:F unit)
    项目资金（万元）  (B:C) 年度资金总额       (D:F amount)
    (A merged ×3)     (B:C) 其中：财政拨款     (D:F amount)
                      (B:C) 其他资金           (D:F amount)
    资金用途          (B:F text)
    资金支出计划（%） 3月底    6月底    10月底   12月底   (blank)
    (A merged ×2)     15%      30%      85%      100%
    年度绩效目标      (B:F text)
    一级指标          二级指标       三级指标  绩效指标描述   指标值    指标值确定依据
    (merged over its rows) …

Money is numeric in 万元 (``#,##0.00``); a plan percent is the fraction (0.15) shown as
published (``0%``, or ``0.00%`` when it has decimals); 指标值 is the text as written. Every
table cell has a thin border (merged ranges too), text wraps, and the page is A4 landscape
scaled to one page wide. Labels are the published ones the document import reads back
(perf/documents/disclosure.py).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perf.numbers import HUNDRED, WAN_FORMAT, exact_wan
from perf.projects.models import Project
from perf.sheets import fit_to_a4, workbook_bytes

COLUMNS = 6
#: Column widths in spreadsheet characters (A–F); about 120 fit A4 landscape at 100%.
WIDTHS = (14, 14, 22, 30, 16, 24)
#: Checkpoints per row pair of the 资金支出计划 (columns B–F).
PLAN_PER_ROW = COLUMNS - 1
MONEY = "#,##0.00"
INDICATOR_HEAD = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
LINE_HEIGHT = 14.5  # points per line of 10.5 pt text
BODY_FONT = Font(name=FONT, size=10.5)
BOLD_FONT = Font(name=FONT, size=10.5, bold=True)
TITLE_FONT = Font(name=FONT, size=16, bold=True)
NOTE_FONT = Font(name=FONT, size=10)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


@dataclass(frozen=True)
class Spot:
    """Where a cell goes (1-based row and column) and how far it spans."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


class _Sheet:
    """Writes cells row by row and remembers how many lines each row needs."""

    def __init__(self, sheet: Worksheet):
        self.sheet = sheet
        self.row = 0
        self.lines: dict[int, float] = {}

    def next_row(self) -> int:
        self.row += 1
        return self.row

    def put(self, spot: Spot, value, *, head=False, bold=False, align=LEFT, number_format=None, border=True):
        cell = self.sheet.cell(row=spot.row, column=spot.col, value=value if value != "" else None)
        cell.font = BOLD_FONT if head or bold else BODY_FONT
        cell.alignment = align
        if number_format:
            cell.number_format = number_format
        if spot.rowspan > 1 or spot.colspan > 1:
            self.sheet.merge_cells(
                start_row=spot.row,
                start_column=spot.col,
                end_row=spot.row + spot.rowspan - 1,
                end_column=spot.col + spot.colspan - 1,
            )
        if border:
            for r in range(spot.row, spot.row + spot.rowspan):  # a merged range shows every cell's borders
                for c in range(spot.col, spot.col + spot.colspan):
                    covered = self.sheet.cell(row=r, column=c)
                    covered.border = BORDER
                    if head:
                        covered.fill = HEAD_FILL
        if isinstance(value, str) and border:
            share = _lines(value, sum(WIDTHS[spot.col - 1 : spot.col - 1 + spot.colspan])) / spot.rowspan
            for r in range(spot.row, spot.row + spot.rowspan):
                self.lines[r] = max(self.lines.get(r, 1.0), share)
        return cell


def workbook(project: Project, rows: Sequence) -> Workbook:
    """The workbook of one project's table; ``rows`` are its indicator rows with their spans."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(project.code)
    out = _Sheet(sheet)
    _title(out, project)
    _header(out, project)
    _funds(out, project)
    _plan(out, project)
    _indicators(out, rows)
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in range(3, out.row + 1):
        sheet.row_dimensions[row].height = max(math.ceil(out.lines.get(row, 1.0)) * LINE_HEIGHT + 6, 20)
    sheet.row_dimensions[1].height = 32
    _page_setup(sheet, out.row)
    return book


def to_bytes(project: Project, rows: Sequence) -> bytes:
    return workbook_bytes(workbook(project, rows))


def _sheet_title(code: str) -> str:
    return "".join(ch for ch in code if ch not in "[]:*?/\\")[:31] or "绩效目标表"


def _title(out: _Sheet, project: Project) -> None:
    row = out.next_row()
    cell = out.put(Spot(row, 1, colspan=COLUMNS), f"{project.name}绩效目标表", align=CENTER, border=False)
    cell.font = TITLE_FONT
    row = out.next_row()
    year = out.put(Spot(row, 1, colspan=3), f"预算年度：{project.budget_year.year}", border=False)
    unit = out.put(Spot(row, 4, colspan=3), "单位：万元", align=RIGHT, border=False)
    year.font = unit.font = NOTE_FONT


def _header(out: _Sheet, project: Project) -> None:
    for pairs in (
        (("项目编码", project.code), ("项目名称", project.name)),
        (("主管部门", project.unit.department.name), ("实施单位", project.unit.name)),
    ):
        row = out.next_row()
        for (label, text), col in zip(pairs, (1, 4), strict=True):
            out.put(Spot(row, col), label, head=True, align=CENTER)
            out.put(Spot(row, col + 1, colspan=2), text)


def _funds(out: _Sheet, project: Project) -> None:
    first = out.row + 1
    out.put(Spot(first, 1, rowspan=3), "项目资金（万元）", head=True, align=CENTER)
    funds = (("年度资金总额", project.total), ("其中：财政拨款", project.fiscal), ("其他资金", project.other))
    for label, amount in funds:
        row = out.next_row()
        out.put(Spot(row, 2, colspan=2), label, bold=True, align=CENTER)
        out.put(Spot(row, 4, colspan=3), exact_wan(amount), align=RIGHT, number_format=WAN_FORMAT)
    row = out.next_row()
    out.put(Spot(row, 1), "资金用途", head=True, align=CENTER)
    out.put(Spot(row, 2, colspan=COLUMNS - 1), project.purpose or "")


def _plan(out: _Sheet, project: Project) -> None:
    checkpoints = list(project.budget_year.checkpoints)
    planned = {entry.seq: entry.cumulative_pct for entry in project.plan}
    chunks = [checkpoints[i : i + PLAN_PER_ROW] for i in range(0, len(checkpoints), PLAN_PER_ROW)] or [[]]
    out.put(Spot(out.row + 1, 1, rowspan=2 * len(chunks)), "资金支出计划（%）", head=True, align=CENTER)
    for chunk in chunks:
        labels, values = out.next_row(), out.next_row()
        for col, checkpoint in enumerate(chunk, 2):
            out.put(Spot(labels, col), checkpoint.label, bold=True, align=CENTER)
            pct = planned.get(checkpoint.seq)
            if pct is None:
                out.put(Spot(values, col), "—", align=CENTER)
            else:
                out.put(Spot(values, col), Decimal(pct) / HUNDRED, align=CENTER, number_format=_percent_format(pct))
        if len(chunk) < PLAN_PER_ROW:
            out.put(Spot(labels, len(chunk) + 2, rowspan=2, colspan=PLAN_PER_ROW - len(chunk)), "")
    row = out.next_row()
    out.put(Spot(row, 1), "年度绩效目标", head=True, align=CENTER)
    out.put(Spot(row, 2, colspan=COLUMNS - 1), project.goal or "")


def _percent_format(pct: Decimal) -> str:
    """As published: 15% for a whole percent, 12.50% otherwise."""
    return "0%" if Decimal(pct) == Decimal(pct).to_integral_value() else "0.00%"


def _indicators(out: _Sheet, rows: Sequence) -> None:
    head = out.next_row()
    for col, label in enumerate(INDICATOR_HEAD, 1):
        out.put(Spot(head, col), label, head=True, align=CENTER)
    for table_row in rows:
        row = out.next_row()
        ind = table_row.indicator
        if table_row.level1_span:
            out.put(Spot(row, 1, rowspan=table_row.level1_span), ind.level1, bold=True, align=CENTER)
        if table_row.level2_span:
            out.put(Spot(row, 2, rowspan=table_row.level2_span), ind.level2, align=CENTER)
        out.put(Spot(row, 3), ind.name)
        out.put(Spot(row, 4), ind.description or "")
        out.put(Spot(row, 5), ind.value_text, align=CENTER)
        out.put(Spot(row, 6), ind.basis or "")


def _text_width(text: str) -> int:
    """Display width in spreadsheet characters: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _lines(text: str, width: int) -> int:
    width = max(width - 1, 1)
    return sum(max(1, math.ceil(_text_width(part) / width)) for part in text.split("\n"))


def _page_setup(sheet: Worksheet, last_row: int) -> None:
    fit_to_a4(sheet, COLUMNS, last_row, landscape=True)
