"""The 自评表 as an XLSX workbook (openpyxl): one sheet per project, ready to print on A4.

Every table cell has a thin border (merged ranges too), text wraps, numbers are numbers with
their format (0.00, 0.00%), the print area is the table, and the page is A4 portrait scaled to
one page wide. Row heights are estimated from the text, since neither Excel nor LibreOffice
grows a row for a merged, wrapped cell by itself.
"""

import math
from collections.abc import Iterable
from copy import copy

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from perf.evaluation.reports.layout import CENTER, COLUMNS, HEAD, LABEL, NOTE, NUM, TITLE, Cell, Layout
from perf.sheets import fit_to_a4, workbook_bytes

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
LINE_HEIGHT = 14.5  # points per line of 10.5 pt text
FONTS = {
    TITLE: Font(name=FONT, size=16, bold=True),
    NOTE: Font(name=FONT, size=10),
    HEAD: Font(name=FONT, size=10.5, bold=True),
    LABEL: Font(name=FONT, size=10.5, bold=True),
}
ALIGN = {
    TITLE: Alignment(horizontal="center", vertical="center"),
    NUM: Alignment(horizontal="right", vertical="center", wrap_text=True),
    HEAD: Alignment(horizontal="center", vertical="center", wrap_text=True),
    LABEL: Alignment(horizontal="center", vertical="center", wrap_text=True),
    CENTER: Alignment(horizontal="center", vertical="center", wrap_text=True),
}
TEXT_ALIGN = Alignment(horizontal="left", vertical="center", wrap_text=True)
BODY_FONT = Font(name=FONT, size=10.5)


#: The Chinese names of the workbook's cell styles (Excel's 单元格样式 shows them), by cell kind.
STYLE_NAMES = {TITLE: "自评表标题", NOTE: "自评表说明", HEAD: "自评表表头", LABEL: "自评表栏目", NUM: "自评表数字"}
STYLE_NAMES |= {CENTER: "自评表居中", None: "自评表文字"}


def workbook(layouts: Iterable[Layout]) -> Workbook:
    """A workbook with one sheet per layout, named by 项目编码; each kind of cell has one named style."""
    book = Workbook()
    book.remove(book.active)
    styles = _Styles(book)
    for layout in layouts:
        write_sheet(book.create_sheet(_sheet_title(book, layout.code)), layout, styles)
    if not book.worksheets:
        book.create_sheet("自评表")
    return book


class _Styles:
    """The workbook's named styles, each registered the first time a cell needs it (one per kind of cell:
    its font, alignment, border, fill and number format), so a cell takes its style by name."""

    def __init__(self, book: Workbook):
        self.book, self.names, self.arrays = book, set(), {}

    def apply(self, target, name: str) -> None:
        """Give ``target`` the named style: the first cell of each style looks it up by name (openpyxl), the
        others copy that cell's style array, which is what openpyxl would build for them (and much cheaper)."""
        array = self.arrays.get(name)
        if array is None:
            target.style = name
            self.arrays[name] = copy(target._style)
        else:
            target._style = copy(array)

    def of(self, cell: Cell) -> str:
        kind = cell.kind if cell.kind in STYLE_NAMES else None
        name = STYLE_NAMES[kind]
        if cell.kind == NOTE:
            name += "（右）" if cell.col else "（左）"
        if cell.value is not None and cell.number_format:
            name += f" {cell.number_format}"
        if name not in self.names:
            alignment = ALIGN.get(cell.kind, TEXT_ALIGN)
            if cell.kind == NOTE:
                alignment = Alignment(horizontal="right" if cell.col else "left", vertical="center")
            style = NamedStyle(name, font=FONTS.get(cell.kind, BODY_FONT), alignment=alignment)
            if cell.bordered:
                style.border = BORDER
            if cell.kind == HEAD:
                style.fill = HEAD_FILL
            if cell.value is not None:
                style.number_format = cell.number_format or "General"
            self.add(style)
        return name

    def covered(self, cell: Cell) -> str:
        """A cell a merged range covers: the range's border (and a header's fill)."""
        name = "自评表表头边框" if cell.kind == HEAD else "自评表边框"
        if name not in self.names:
            self.add(NamedStyle(name, border=BORDER, fill=HEAD_FILL if cell.kind == HEAD else PatternFill()))
        return name

    def add(self, style: NamedStyle) -> None:
        self.book.add_named_style(style)
        self.names.add(style.name)


def to_bytes(layouts: Iterable[Layout]) -> bytes:
    return workbook_bytes(workbook(layouts))


def _sheet_title(book: Workbook, code: str) -> str:
    base = "".join(ch for ch in code if ch not in "[]:*?/\\")[:28] or "自评表"
    title, n = base, 1
    while title in book.sheetnames:
        n += 1
        title = f"{base}-{n}"
    return title


def write_sheet(sheet: Worksheet, layout: Layout, styles: _Styles | None = None) -> None:
    styles = styles or _Styles(sheet.parent)
    for index, width in enumerate(layout.widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in layout.cells:
        _write_cell(sheet, cell, styles)
    _row_heights(sheet, layout)
    _page_setup(sheet, layout)


def _write_cell(sheet: Worksheet, cell: Cell, styles: _Styles) -> None:
    row, col = cell.row + 1, cell.col + 1
    target = sheet.cell(row=row, column=col, value=cell.value if cell.value is not None else (cell.text or None))
    if cell.merged:  # before the style: openpyxl copies a bordered top-left cell's edges onto the range, slowly
        sheet.merge_cells(
            start_row=row, start_column=col, end_row=row + cell.rowspan - 1, end_column=col + cell.colspan - 1
        )
    styles.apply(target, styles.of(cell))
    if not cell.bordered:
        return
    for r in range(row, row + cell.rowspan):  # a merged range shows the borders of all its cells
        for c in range(col, col + cell.colspan):
            if (r, c) != (row, col):
                styles.apply(sheet.cell(row=r, column=c), styles.covered(cell))


def _text_width(text: str) -> int:
    """Display width in spreadsheet characters: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _lines(cell: Cell, widths: tuple[int, ...]) -> float:
    """Lines the cell needs, shared among the rows it spans."""
    width = max(sum(widths[cell.col : cell.col + cell.colspan]) - 1, 1)
    lines = sum(max(1, math.ceil(_text_width(part) / width)) for part in (cell.text or "").split("\n"))
    return lines / cell.rowspan


def _row_heights(sheet: Worksheet, layout: Layout) -> None:
    lines = [1.0] * layout.n_rows
    for cell in layout.cells:
        if cell.kind not in (TITLE, NOTE):
            for row in range(cell.row, cell.row + cell.rowspan):
                lines[row] = max(lines[row], _lines(cell, layout.widths))
    for row, count in enumerate(lines):
        sheet.row_dimensions[row + 1].height = max(math.ceil(count) * LINE_HEIGHT + 6, 20)
    sheet.row_dimensions[1].height = 32


def _page_setup(sheet: Worksheet, layout: Layout) -> None:
    fit_to_a4(sheet, COLUMNS, layout.n_rows, landscape=False)
