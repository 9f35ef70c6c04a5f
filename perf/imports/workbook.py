"""The downloadable XLSX template of each kind: its import's headers (from the one row schema) and one example row."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from perf.actuals.importer import SCHEMA as ACTUALS
from perf.documents.tabular import columns_of
from perf.numbers import MONEY_FORMAT
from perf.spending.importer import SCHEMA as PAYMENTS

#: Kinds that are tables (a disclosure is the published document itself; flat target tables come later).
EXAMPLES: dict[str, tuple[object, dict]] = {
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
MONEY_COLUMNS = frozenset({"amount_yuan"})


def template_bytes(kind: str) -> bytes:
    """The template workbook of ``kind`` (a key of EXAMPLES)."""
    schema, example = EXAMPLES[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = "导入模板"
    for index, column in enumerate(columns_of(schema), start=1):
        head = sheet.cell(row=1, column=index, value=column.label)
        head.font = Font(bold=True)
        value = sheet.cell(row=2, column=index, value=example.get(column.name))
        if column.name in MONEY_COLUMNS:
            value.number_format = MONEY_FORMAT
        elif column.takes_dates:
            value.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[head.column_letter].width = max(12, 2 * len(column.label) + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
