"""The 绩效运行监控表 as an XLSX workbook (openpyxl), laid out like the 财预〔2019〕136号 template.

Title, project and funds rows, a two-row header (完成目标可能性 and 偏差原因 spread over their
options, ticked with √), the indicator rows with merged 一级/二级 cells, thin borders on every
cell (merged ranges too), the light as 红/黄/绿/蓝 on its colour, and A4 landscape printing one
page wide with the header repeated on every page.
"""

import math

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perf.midyear import lights
from perf.midyear.models import CAUSE_LABELS, CAUSES, LIKELIHOOD_LABELS, LIKELIHOODS
from perf.midyear.queries import Row, Sheet
from perf.numbers import HUNDRED, MONEY_FORMAT, WAN_FORMAT, exact_wan, fmt2, round2
from perf.sheets import fit_to_a4, workbook_bytes
from perf.spending.lag import LEVEL_LABELS
from perf.units import YUAN_PER_WAN

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
#: Light -> (fill, font colour).
LIGHT_COLOURS = {
    lights.RED: ("D92D20", "FFFFFF"),
    lights.YELLOW: ("F5B800", "000000"),
    lights.GREEN: ("12B76A", "FFFFFF"),
    lights.BLUE: ("1570EF", "FFFFFF"),
    lights.MISSING: ("D0D5DD", "000000"),
}
#: 一级, 二级, 三级, 年度指标值, 1–7月, 完成进度, 灯, 全年预计, 3 × 可能性, 5 × 偏差原因, 纠偏措施.
WIDTHS = (10, 12, 18, 12, 12, 9, 6, 12, 6, 6, 7, 6, 6, 6, 7, 6, 26)
COLUMNS = len(WIDTHS)
LIKELIHOOD_COL = 9
CAUSE_COL = LIKELIHOOD_COL + len(LIKELIHOODS)
MEASURES_COL = CAUSE_COL + len(CAUSES)
HEADER_ROW = 7
LINE_HEIGHT = 14.5
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
BODY, BOLD = Font(name=FONT, size=10.5), Font(name=FONT, size=10.5, bold=True)


def to_bytes(sheet: Sheet) -> bytes:
    """The workbook of one project's 监控表."""
    book = Workbook()
    write_sheet(book.active, sheet)
    return workbook_bytes(book)


def write_sheet(ws: Worksheet, sheet: Sheet) -> None:
    """Fill ``ws`` with the 监控表 of ``sheet``."""
    ws.title = "".join(ch for ch in sheet.project.code if ch not in "[]:*?/\\")[:31] or "监控表"
    for index, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    _title(ws, sheet)
    _project_rows(ws, sheet)
    _header(ws, sheet.period)
    last = _indicator_rows(ws, sheet)
    note = (
        "注：正向指标按完成进度（执行情况÷序时目标，比率类指标直接与年度指标值比较）亮灯："
        "低于60%红、60%～80%黄、80%～120%绿、120%及以上蓝；"
        "反向指标未超出年度指标值为绿，否则为红；定性指标按完成目标可能性亮灯；项目灯取各指标最差者。"
    )
    _put(ws, last + 1, 1, note, span=COLUMNS, align=LEFT, border=False, font=Font(name=FONT, size=9))
    ws.row_dimensions[last + 1].height = 2 * LINE_HEIGHT + 4
    _page_setup(ws, last + 1)


def _put(ws, row, col, value, *, span=1, rows=1, align=CENTER, font=BODY, border=True, fill=None, fmt=None):
    """Write a cell (merged over ``span`` columns and ``rows`` rows), bordering every covered cell."""
    cell = ws.cell(row=row, column=col, value=value if value != "" else None)
    cell.font, cell.alignment = font, align
    if fmt:
        cell.number_format = fmt
    if span > 1 or rows > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + span - 1)
    for r in range(row, row + rows):
        for c in range(col, col + span):
            covered = ws.cell(row=r, column=c)
            if border:
                covered.border = BORDER
            if fill is not None:
                covered.fill = fill
    return cell


def _light(ws, row, col, level: str, span: int = 1, rows: int = 1) -> None:
    fill, colour = LIGHT_COLOURS[level]
    font = Font(name=FONT, size=10.5, bold=True, color=colour)
    _put(ws, row, col, lights.SHORT[level], span=span, rows=rows, font=font, fill=PatternFill("solid", fgColor=fill))


def _title(ws, sheet: Sheet) -> None:
    year = sheet.project.budget_year.year
    title_font = Font(name=FONT, size=16, bold=True)
    _put(ws, 1, 1, f"{year}年度项目绩效运行监控表", span=COLUMNS, border=False, font=title_font)
    ws.row_dimensions[1].height = 32
    when = f"监控时点：截至{sheet.round_on.year}年{sheet.round_on.month}月{sheet.round_on.day}日（{sheet.period}）"
    _put(ws, 2, 1, when, span=12, align=LEFT, border=False)
    _put(ws, 2, 13, "金额单位：万元", span=COLUMNS - 12, align=RIGHT, border=False)


def _label(ws, row, col, text, span=1) -> None:
    _put(ws, row, col, text, span=span, font=BOLD, fill=HEAD_FILL)


def _project_rows(ws, sheet: Sheet) -> None:
    project, status = sheet.project, sheet.spending
    _label(ws, 3, 1, "项目名称")
    _put(ws, 3, 2, project.name, span=5, align=LEFT)
    _label(ws, 3, 7, "项目编码", span=2)
    _put(ws, 3, 9, project.code, span=COLUMNS - 8, align=LEFT)
    _label(ws, 4, 1, "主管部门")
    _put(ws, 4, 2, project.unit.department.name, span=5, align=LEFT)
    _label(ws, 4, 7, "实施单位", span=2)
    _put(ws, 4, 9, project.unit.name, span=COLUMNS - 8, align=LEFT)
    paid = round2(status.paid / YUAN_PER_WAN) if status else None
    execution = status.actual_pct / HUNDRED if status and status.actual_pct is not None else None
    _label(ws, 5, 1, "年度预算数")
    _put(ws, 5, 2, exact_wan(project.total), align=RIGHT, fmt=WAN_FORMAT)
    _label(ws, 5, 3, f"{sheet.period}执行数")
    _put(ws, 5, 4, paid, align=RIGHT, fmt=MONEY_FORMAT)
    _label(ws, 5, 5, "预算执行率")
    _put(ws, 5, 6, execution, span=2, align=RIGHT, fmt="0.00%")
    _label(ws, 5, 8, "计划支出进度")
    planned = f"{fmt2(status.planned_pct)}%（{status.checkpoint_label}）" if status and status.checkpoint_label else "—"
    _put(ws, 5, 9, planned, span=3)
    _label(ws, 5, 12, "序时进度", span=2)
    _put(ws, 5, 14, status.time_pct / HUNDRED if status else None, span=2, align=RIGHT, fmt="0.00%")
    _label(ws, 5, 16, "支出灯")
    _spending_light(ws, 5, 17, status)
    _label(ws, 6, 1, "项目监控灯")
    _light(ws, 6, 2, sheet.light)
    _label(ws, 6, 3, "指标灯统计")
    counts = "，".join(f"{lights.LABELS[level]} {sheet.counts[level]} 个" for level in lights.ORDER)
    _put(ws, 6, 4, counts, span=COLUMNS - 3, align=LEFT)


def _spending_light(ws, row, col, status) -> None:
    if status is None:
        _put(ws, row, col, "—")
        return
    fill, colour = LIGHT_COLOURS[status.level]
    font = Font(name=FONT, size=10.5, bold=True, color=colour)
    _put(ws, row, col, LEVEL_LABELS[status.level], font=font, fill=PatternFill("solid", fgColor=fill))


def _header(ws, period: str) -> None:
    top, sub = HEADER_ROW, HEADER_ROW + 1
    titles = ("一级指标", "二级指标", "三级指标", "年度指标值", f"{period}执行情况", "完成进度（%）", "监控灯")
    titles += ("全年预计完成情况",)
    for col, text in enumerate(titles, 1):
        _label_rows(ws, top, col, text, rows=2)
    _put(ws, top, LIKELIHOOD_COL, "完成目标可能性", span=len(LIKELIHOODS), font=BOLD, fill=HEAD_FILL)
    for offset, key in enumerate(LIKELIHOODS):
        _label(ws, sub, LIKELIHOOD_COL + offset, LIKELIHOOD_LABELS[key])
    _put(ws, top, CAUSE_COL, "偏差原因分析", span=len(CAUSES), font=BOLD, fill=HEAD_FILL)
    for offset, key in enumerate(CAUSES):
        _label(ws, sub, CAUSE_COL + offset, CAUSE_LABELS[key])
    _label_rows(ws, top, MEASURES_COL, "纠偏措施", rows=2)
    ws.row_dimensions[top].height = 22
    ws.row_dimensions[sub].height = 3 * LINE_HEIGHT + 4


def _label_rows(ws, row, col, text, rows) -> None:
    _put(ws, row, col, text, rows=rows, font=BOLD, fill=HEAD_FILL)


def _indicator_rows(ws, sheet: Sheet) -> int:
    """Write the rows from below the header; returns the last row written."""
    row = HEADER_ROW + 1
    for row, item in enumerate(sheet.rows, HEADER_ROW + 2):
        _indicator_row(ws, row, item)
    return row


def _indicator_row(ws, row: int, item: Row) -> None:
    indicator, entry = item.indicator, item.entry
    if item.level1_span:
        _put(ws, row, 1, indicator.level1, rows=item.level1_span)
    if item.level2_span:
        _put(ws, row, 2, indicator.level2, rows=item.level2_span)
    _put(ws, row, 3, indicator.name, align=LEFT)
    _put(ws, row, 4, indicator.value_text)
    _put(ws, row, 5, item.actual.value_text if item.actual else "")
    _put(ws, row, 6, item.light.completion_pct, align=RIGHT, fmt="0.00")
    _light(ws, row, 7, item.light.level)
    _put(ws, row, 8, entry.forecast_text if entry else "")
    for offset, key in enumerate(LIKELIHOODS):
        _put(ws, row, LIKELIHOOD_COL + offset, "√" if entry and entry.likelihood == key else "")
    for offset, key in enumerate(CAUSES):
        _put(ws, row, CAUSE_COL + offset, "√" if entry and key in (entry.causes or []) else "")
    measures = entry.measures if entry else ""
    _put(ws, row, MEASURES_COL, measures, align=LEFT)
    texts = [(3, indicator.name), (4, indicator.value_text), (8, entry.forecast_text if entry else "")]
    texts += [(5, item.actual.value_text if item.actual else ""), (MEASURES_COL, measures)]
    if item.level2_span == 1:  # a merged 二级 shares its height among its rows
        texts.append((2, indicator.level2))
    lines = max(_lines(text, WIDTHS[col - 1]) for col, text in texts)
    ws.row_dimensions[row].height = max(lines * LINE_HEIGHT + 6, 22)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text needs in a column ``width`` characters wide (CJK counts two)."""
    usable = max(width - 1, 1)
    widths = (sum(2 if ord(ch) > 0x2E80 else 1 for ch in part) for part in text.split("\n"))
    return sum(max(1, math.ceil(width / usable)) for width in widths)


def _page_setup(ws, last_row: int) -> None:
    fit_to_a4(ws, COLUMNS, last_row, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW + 1}", side_margin=0.4)
