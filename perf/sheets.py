"""What every workbook perf writes shares: text stays text, and the A4 page set-up.

- ``workbook_bytes``: perf writes no formulas, so a cell whose text starts with ``=`` (a project
  name, an indicator, a reason someone typed: ``=HYPERLINK("http://…")``) is written as text and
  never runs in Excel (OWASP "CSV injection"; in XLSX the cell's type decides, so no quote is added).
- ``fit_to_a4``: one page wide, centred, "第 N 页，共 M 页"; each writer says only what differs
  (orientation, the last row, the rows repeated on every page, the side margins).

Used by the 绩效目标表 download, the 自评表, the department summary and the 监控表.
"""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

PAGE_FOOTER = "第 &P 页，共 &N 页"


def workbook_bytes(book: Workbook) -> bytes:
    """The .xlsx file of ``book``, every cell that would be a formula written as the text it holds."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fit_to_a4(
    sheet: Worksheet,
    columns: int,
    last_row: int,
    *,
    landscape: bool,
    title_rows: str | None = None,
    side_margin: float = 0.5,
) -> None:
    """Print ``sheet``'s first ``columns`` columns to ``last_row`` on A4: one page wide, as many down as needed."""
    sheet.print_area = f"A1:{get_column_letter(columns)}{last_row}"
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE if landscape else sheet.ORIENTATION_PORTRAIT
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = side_margin
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = PAGE_FOOTER
