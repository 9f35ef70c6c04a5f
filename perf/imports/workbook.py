"""The downloadable XLSX template of each kind: its import's headers (from the one row schema) and one example row."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from perf import clock
from perf.actuals.importer import SCHEMA as ACTUALS
from perf.documents.flat_columns import ROW as FLAT
from perf.documents.tabular import columns_of
from perf.numbers import MONEY_FORMAT
from perf.spending.importer import SCHEMA as PAYMENTS

#: Kinds that are tables (a disclosure is the published document itself).
EXAMPLES: dict[str, tuple[object, dict]] = {
    "targets": (
        FLAT,
        {
            "unit": "001001-某某局本级",
            "code": "13020725P00000000001A",
            "name": "某某信息系统运行维护费",
            "total": Decimal("280000.00"),
            "fiscal": Decimal("280000.00"),
            "other": Decimal("0.00"),
            "goal": "全年保障信息系统稳定运行，故障修复不超过4小时。",
            "purpose": "信息系统软硬件维护",
            "level1": "产出指标",
            "level2": "数量指标",
            "indicator": "维护系统数量",
            "nature": "≥",
            "value": "3",
            "measure": "套",
            "weight": Decimal("10"),
            "direction": "正向指标",
            "description": "年内维护的信息系统数量",
            "basis": "运维合同",
        },
    ),
    "payments": (
        PAYMENTS,
        {
            "project_code": "13020724P00X4BL10005W",
            "date": date(2024, 7, 1),
            "amount_yuan": Decimal("12345.60"),
            "voucher_no": "PZ2024-0001",
            "note": "网络维护费（第一期）",
            "source": "财政资金",
            "refund_of": None,
            "confirmed": None,
        },
    ),
    "actuals": (
        ACTUALS,
        {
            "project_code": "13020724P00X4BL10005W",
            "indicator": "系统正常运行率",
            "actual": "96%",
            "reason": None,
            "note": None,
            "level1": "产出指标",
            "as_of": date(2024, 6, 30),
        },
    ),
}
#: Columns that hold money (元), formatted as finance staff write it.
MONEY_COLUMNS = frozenset({"amount_yuan", "total", "fiscal", "other"})
#: Rows a kind's file has above its header: a flat target table's title (its year) and 金额单位.
ABOVE = {"targets": ("部门预算项目绩效目标申报表（{year}年度）", "金额单位：元")}
#: Rows between the header and the example: a flat table's department row.
BELOW = {"targets": ("001-某某局部门",)}


def template_bytes(kind: str) -> bytes:
    """The template workbook of ``kind`` (a key of EXAMPLES)."""
    schema, example = EXAMPLES[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = "导入模板"
    year = clock.today().year + 1
    for text in ABOVE.get(kind, ()):
        sheet.append([text.format(year=year)])
    top = sheet.max_row + 1 if kind in ABOVE else 1
    for offset, text in enumerate(BELOW.get(kind, ()), start=1):
        sheet.cell(row=top + offset, column=1, value=text)
    example_row = top + 1 + len(BELOW.get(kind, ()))
    for index, column in enumerate(columns_of(schema), start=1):
        head = sheet.cell(row=top, column=index, value=column.label)
        head.font = Font(bold=True)
        value = sheet.cell(row=example_row, column=index, value=example.get(column.name))
        if column.name in MONEY_COLUMNS:
            value.number_format = MONEY_FORMAT
        elif column.takes_dates:
            value.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[head.column_letter].width = max(12, 2 * len(column.label) + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
