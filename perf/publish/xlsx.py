"""A publication as the flat 一体化 table (openpyxl): one row per indicator, the project's cells merged down.

As 预算管理一体化 systems export 绩效目标 and as ``perf import-targets`` (perf/documents/flat.py) reads them:

    部门预算项目绩效目标申报表(2024年度)
    金额单位：元
    单位名称 | 项目编码 | 项目名称 | 预算数 | 年度目标 | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 |
      度量单位 | 权重 | 指标方向性 | 绩效指标描述 | 指标值确定依据 | 财政资金 | 其他资金 | 资金用途 |
      3月底累计支出计划（%） | …
    306-唐山市丰南区行政审批局 |  |  | 2,984,500.00            (the department row: code-name and the total)
    820001-某单位 | 1302… | 项目 | 280,000.00 | … one row per indicator, the project's cells merged down

Amounts are in 元 (万元 × 10000, exact), as numbers with two places. The 指标值 is split the way these
exports write it (指标性质 ≥, 指标值 40, 度量单位 %) only where joining the parts gives back the 指标值 exactly
as written; otherwise 指标值 holds the whole text. 权重 is the saved self-evaluation weight (blank where none).
"""

from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from perf.numbers import MONEY_FORMAT
from perf.publish.model import Publication, PublishedIndicator, PublishedProject
from perf.sheets import workbook_bytes

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEN_THOUSAND = Decimal(10000)
#: (header, width) of the project's own columns, merged down over its indicator rows.
PROJECT_HEAD = (("单位名称", 28), ("项目编码", 24), ("项目名称", 28), ("预算数", 16), ("年度目标", 40))
INDICATOR_HEAD = (
    ("一级指标", 12),
    ("二级指标", 16),
    ("三级指标", 24),
    ("指标性质", 8),
    ("指标值", 14),
    ("度量单位", 8),
    ("权重", 8),
    ("指标方向性", 10),
    ("绩效指标描述", 30),
    ("指标值确定依据", 24),
)
#: Columns perf adds after the 一体化 ones so a re-import gives the same tables (also merged down).
EXTRA_HEAD = (("财政资金", 16), ("其他资金", 16), ("资金用途", 40))
PLAN_HEADER = "{label}累计支出计划（%）"
DIRECTIONS = {"higher_better": "正向指标", "lower_better": "反向指标"}

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
BODY = Font(name=FONT, size=10.5)
BOLD = Font(name=FONT, size=10.5, bold=True)
TITLE = Font(name=FONT, size=16, bold=True)
WRAP = Alignment(vertical="center", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def title(year: int) -> str:
    return f"部门预算项目绩效目标申报表({year}年度)"


def to_bytes(publication: Publication) -> bytes:
    """The .xlsx of ``publication``."""
    return workbook_bytes(workbook(publication))


def workbook(publication: Publication) -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "绩效目标"
    plan_head = tuple((PLAN_HEADER.format(label=label), 12) for label in publication.checkpoints)
    head = (*PROJECT_HEAD, *INDICATOR_HEAD, *EXTRA_HEAD, *plan_head)
    width = len(head)
    sheet.cell(1, 1, title(publication.year)).font = TITLE
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).alignment = CENTER
    sheet.cell(2, 1, "金额单位：元").font = BODY
    for col, (text, column_width) in enumerate(head, 1):
        cell = sheet.cell(3, col, text)
        cell.font, cell.alignment, cell.border, cell.fill = BOLD, CENTER, BORDER, HEAD_FILL
        sheet.column_dimensions[get_column_letter(col)].width = column_width
    department = [f"{publication.department_code}-{publication.department_name}", None, None, _yuan(publication.total)]
    _row(sheet, 4, department + [None] * (width - len(department)), bold=True)
    row = 5
    for project in publication.projects:
        row = _project(sheet, row, project)
    sheet.freeze_panes = "A4"
    return book


def _row(sheet, row: int, values: Sequence, bold=False) -> None:
    for col, value in enumerate(values, 1):
        cell = sheet.cell(row, col, value)
        cell.font, cell.border = (BOLD if bold else BODY), BORDER
        cell.alignment = WRAP
        if isinstance(value, Decimal) and col == 4:
            cell.number_format = MONEY_FORMAT


def _project(sheet, first: int, project: PublishedProject) -> int:
    """Write one project's rows from ``first``; the next free row."""
    unit = f"{project.unit.code}-{project.unit.name}" if project.unit.code else project.unit.name
    own = [unit, project.code, project.name, _yuan(project.total), project.goal]
    extra = [_yuan(project.fiscal), _yuan(project.other), project.purpose, *project.plan]
    own_columns = [*range(1, len(own) + 1)]
    offset = len(own) + len(INDICATOR_HEAD)
    extra_columns = [offset + i for i in range(1, len(extra) + 1)]
    for index, indicator in enumerate(project.indicators):
        values = [*own, *indicator_cells(indicator), *extra] if index == 0 else [None] * 5 + indicator_cells(indicator)
        _row(sheet, first + index, values)
    last = first + len(project.indicators) - 1
    for col, value in zip(own_columns + extra_columns, own + extra, strict=True):
        cell = sheet.cell(first, col)
        if isinstance(value, Decimal) and col != 4:
            cell.number_format = MONEY_FORMAT if col in extra_columns[:2] else "General"
        for row in range(first, last + 1):
            sheet.cell(row, col).border = BORDER
        if last > first:
            sheet.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
    return last + 1


def _yuan(amount: Decimal) -> Decimal:
    """万元 as 元, exactly."""
    return Decimal(amount) * TEN_THOUSAND


def indicator_cells(ind: PublishedIndicator) -> list:
    """一级 … 指标值确定依据 of one indicator row."""
    nature, value, measure = split_value(ind)
    return [
        ind.level1,
        ind.level2,
        ind.name,
        nature,
        value,
        measure,
        ind.weight,
        DIRECTIONS.get(ind.direction or "", ""),
        ind.description,
        ind.basis,
    ]


def split_value(ind: PublishedIndicator) -> tuple[str, str, str]:
    """(指标性质, 指标值, 度量单位) whose joining (perf.documents.flat) gives back ``ind.value`` exactly."""
    if ind.kind != "quantitative":
        return "定性", ind.value, ""
    text, comparator, unit = ind.value, ind.comparator or "", ind.unit or ""
    prefix = comparator if comparator and text.startswith(comparator) else ""
    suffix = unit if unit and text.endswith(unit) else ""
    middle = text[len(prefix) : len(text) - len(suffix)]
    if _is_number(middle):
        return prefix, middle, suffix
    return prefix, text, suffix  # the whole 指标值 as written; its unit (if it ends with it) as the hint


def _is_number(text: str) -> bool:
    digits = text.replace(".", "", 1)
    return bool(digits) and digits.isascii() and digits.isdigit() and not text.startswith(".")
