"""The department summary as an XLSX workbook: the table on sheet 自评汇总, native bar charts on sheet 图表.

The table: title merged over the width, a note row (department, report date, unit), one header
row, one row per project, the 合计 row, then the two average scores, the grade and light counts.
Numbers are numbers (money #,##0.00, scores 0.00; percents as 95.00 under a “(%)” header, so the charts read them on a
0–100 axis), every table cell has a thin border, the header is frozen, the print area is the
table, A4 landscape, one page wide. The charts are openpyxl ``BarChart``s referencing the table,
so they follow any correction a user types into it.
"""

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from perf.evaluation.reports.charts import ACTUAL_COLOR, PLANNED_COLOR, grade_colors
from perf.evaluation.reports.summary import Summary
from perf.numbers import MONEY_FORMAT, WAN_FORMAT
from perf.sheets import fit_to_a4, workbook_bytes

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FILL = PatternFill("solid", fgColor="FAFAFA")
#: Percents and scores: two places; money (万元) is ``MONEY_FORMAT`` (#,##0.00).
NUMBER = "0.00"
#: (header, width in characters, number format or None for text)
COLUMNS = (
    ("序号", 5, "0"),
    ("项目编码", 24, None),
    ("项目名称", 34, None),
    ("实施单位", 22, None),
    ("全年预算数", 12, WAN_FORMAT),
    ("全年执行数", 12, MONEY_FORMAT),
    ("执行率(%)", 10, NUMBER),
    ("计划进度(%)", 11, NUMBER),
    ("自评得分", 9, NUMBER),
    ("等级", 6, None),
    ("自评预警", 8, None),
    ("自评状态", 9, None),
)
FIRST_ROW = 4  # header on row 3
SHEET = "自评汇总"
CHART_SHEET = "图表"
CENTERED = {"序号", "等级", "自评预警", "自评状态"}


def to_bytes(summary: Summary) -> bytes:
    return workbook_bytes(workbook(summary))


def workbook(summary: Summary) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    last = write_table(sheet, summary)
    _page_setup(sheet, last)
    if summary.rows:
        add_charts(book.create_sheet(CHART_SHEET), sheet, summary)
    return book


def _cell(sheet: Worksheet, row: int, col: int, value, number_format: str | None = None, **style):
    cell = sheet.cell(row=row, column=col, value=value)
    cell.font = style.get("font", Font(name=FONT, size=10.5))
    cell.alignment = style.get("alignment", Alignment(vertical="center", wrap_text=True))
    if number_format:
        cell.number_format = number_format
        cell.alignment = Alignment(horizontal="right", vertical="center")
    if style.get("border", True):
        cell.border = BORDER
    if "fill" in style:
        cell.fill = style["fill"]
    return cell


def _merged(sheet: Worksheet, row: int, first: int, last: int, value, **style) -> None:
    _cell(sheet, row, first, value, **style)
    for col in range(first + 1, last + 1):  # a merged range shows the borders of all its cells
        _cell(sheet, row, col, None, **style)
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def write_table(sheet: Worksheet, summary: Summary) -> int:
    """Write the table; returns its last row."""
    width = len(COLUMNS)
    for index, (_, chars, _) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = chars
    title_style = {
        "font": Font(name=FONT, size=16, bold=True),
        "alignment": Alignment(horizontal="center"),
        "border": False,
    }
    _merged(sheet, 1, 1, width, f"{summary.department_name}{summary.title}", **title_style)
    note = {"font": Font(name=FONT, size=10), "border": False}
    _merged(sheet, 2, 1, 4, f"部门：{summary.department_code} {summary.department_name}", **note)
    _merged(
        sheet,
        2,
        5,
        width,
        f"截至{summary.as_of_label}　金额单位：万元",
        **{**note, "alignment": Alignment(horizontal="right")},
    )
    head = {
        "font": Font(name=FONT, size=10.5, bold=True),
        "fill": HEAD_FILL,
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }
    for col, (label, _, _) in enumerate(COLUMNS, 1):
        _cell(sheet, 3, col, label, **head)
    row = FIRST_ROW
    for number, item in enumerate(summary.rows, 1):
        values = (
            number,
            item.code,
            item.name,
            item.unit,
            item.budget,
            item.spent,
            item.rate,
            item.planned,
            item.score,
            item.grade,
            item.warning_label,
            item.status_label,
        )
        _write_row(sheet, row, values)
        row += 1
    return _write_totals(sheet, row, summary)


def _write_row(sheet: Worksheet, row: int, values, **style) -> None:
    for col, ((label, _, number_format), value) in enumerate(zip(COLUMNS, values, strict=True), 1):
        cell = _cell(sheet, row, col, value, number_format if value is not None else None, **style)
        if label in CENTERED:
            cell.alignment = Alignment(horizontal="center", vertical="center")


def _write_totals(sheet: Worksheet, row: int, summary: Summary) -> int:
    totals, width = summary.totals, len(COLUMNS)
    bold = {"font": Font(name=FONT, size=10.5, bold=True), "fill": TOTAL_FILL}
    label = {**bold, "alignment": Alignment(horizontal="center", vertical="center")}
    _merged(sheet, row, 1, 4, f"合计（{totals.count}个项目）", **label)
    for col, value in zip((5, 6, 7, 8), (totals.budget, totals.spent, totals.rate, totals.planned), strict=True):
        _cell(sheet, row, col, value, COLUMNS[col - 1][2] if value is not None else None, **bold)
    _merged(sheet, row, 9, width, "", **bold)
    for text, value in (
        ("平均得分（简单平均）", totals.average_score),
        ("平均得分（按预算加权）", totals.weighted_score),
    ):
        row += 1
        _merged(sheet, row, 1, 8, text, **label)
        _cell(sheet, row, 9, value, NUMBER if value is not None else None, **bold)
        _merged(sheet, row, 10, width, "", **bold)
    grades = "，".join(f"{grade} {n} 个" for grade, n in totals.grades.items())
    lights = "，".join(f"{light} {n} 个" for light, n in totals.light_labels.items())
    for text, value in (("等级分布", grades), ("自评预警", lights)):
        row += 1
        _merged(sheet, row, 1, 4, text, **label)
        _merged(sheet, row, 5, width, value, **bold)
    return row


def _page_setup(sheet: Worksheet, last: int) -> None:
    fit_to_a4(sheet, len(COLUMNS), last, landscape=True, title_rows="3:3")
    sheet.freeze_panes = f"A{FIRST_ROW}"
    sheet.row_dimensions[1].height = 30
    sheet.row_dimensions[3].height = 30


def _bar_chart(title: str, axis_title: str, n_bars: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal: the long project names stay readable
    chart.style = 10
    chart.title = title
    chart.y_axis.title = axis_title
    chart.y_axis.scaling.min = 0
    chart.y_axis.majorGridlines = None
    chart.x_axis.scaling.orientation = "maxMin"  # first project on top, as in the table
    chart.y_axis.crosses = "max"  # ... which would put the value axis on top; keep it at the bottom
    chart.y_axis.number_format = "0"
    chart.y_axis.majorUnit = 20
    chart.gapWidth = 60
    chart.x_axis.delete = False  # openpyxl 3.1 hides axes unless told
    chart.y_axis.delete = False
    chart.height = min(max(8, 3 * n_bars // 4 + 3), 16)  # cm: a landscape A4 page holds one chart
    chart.width = 24
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = chart.dataLabels.showCatName = chart.dataLabels.showLegendKey = False
    return chart


def add_charts(charts: Worksheet, table: Worksheet, summary: Summary) -> None:
    """自评得分 per project, and 计划进度 beside 执行率 per project (both referencing the table)."""
    first, last = FIRST_ROW, FIRST_ROW + len(summary.rows) - 1
    names = Reference(table, min_col=3, min_row=first, max_row=last)

    scores = _bar_chart("各项目自评得分", "自评得分（分）", len(summary.rows))
    scores.y_axis.scaling.max = 100
    scores.add_data(Reference(table, min_col=9, min_row=3, max_row=last), titles_from_data=True)
    scores.set_categories(names)
    scores.legend = None
    colors = grade_colors(summary.grade_bands)
    for index, row in enumerate(summary.rows):  # each bar in its grade's colour, as on the page
        point = DataPoint(idx=index)
        point.graphicalProperties.solidFill = colors.get(row.grade, ACTUAL_COLOR).lstrip("#")
        scores.series[0].dPt.append(point)
    charts.add_chart(scores, "A1")

    execution = _bar_chart(
        f"计划与实际支出进度（截至{summary.as_of_label}）", "占全年预算的百分比（%）", 2 * len(summary.rows)
    )
    execution.add_data(Reference(table, min_col=8, min_row=3, max_row=last), titles_from_data=True)
    execution.add_data(Reference(table, min_col=7, min_row=3, max_row=last), titles_from_data=True)
    execution.set_categories(names)
    for series, color in zip(execution.series, (PLANNED_COLOR, ACTUAL_COLOR), strict=True):
        series.graphicalProperties.solidFill = color.lstrip("#")
        series.graphicalProperties.line.noFill = True
    execution.legend.position = "b"
    second = int(scores.height * 2) + 3  # rows are about 0.5 cm
    charts.add_chart(execution, f"A{second}")
    charts.row_breaks.append(Break(id=second - 1))  # one chart per printed page
    charts.page_setup.paperSize = charts.PAPERSIZE_A4
    charts.page_setup.orientation = charts.ORIENTATION_LANDSCAPE
    charts.sheet_properties.pageSetUpPr.fitToPage = True
    charts.page_setup.fitToWidth = 1
    charts.page_setup.fitToHeight = 0
