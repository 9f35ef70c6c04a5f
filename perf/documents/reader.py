"""Read a published 部门预算公开 document (Word .docx or its text export) into blocks.

Both formats become the same stream: a :class:`Paragraph` for each non-empty
paragraph, a :class:`Row` for each table row (its cells in order, a horizontally
merged cell once, a vertically merged continuation cell as ``""``), and a
:class:`TableBreak` after the last row of every table.

The text export is what Word writes when a document is saved as plain text: each
table cell is a line starting with a TAB, rows are separated by one blank line,
and two or more blank lines (or a line without a leading TAB) end the table. A page
break (form feed) ends a table too, as it does in Word.

A table continued across a page break is joined back into one, in both formats: Word then
holds two tables, the second repeating the header row(s) of the first. When a TableBreak is
followed directly (empty paragraphs and page breaks are no blocks; a "续表" line may stand
between) by a table whose first rows repeat the first rows of the table just ended, the
TableBreak, the "续表" line and the repeated rows are dropped. Every row keeps its own
location, so a problem still names the Word table (or line) it is in.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import docx
from docx.document import Document as WordDocument
from docx.table import Table, _Cell

from perf.documents.packages import package_problem

ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
FILE = "文件"
NOT_DOCX = "不是有效的 Word（.docx）文件，请用 Word 或 WPS 另存为 .docx 后重新上传，或上传导出的文本文件（.txt）"
NOT_WORD_ZIP = "该压缩文件不是 Word（.docx）文档，请上传部门预算公开的 Word 文档或其文本导出"
OLD_DOC = "这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx 后重新上传"
BINARY = "文件不是文本文件，也不是 Word（.docx）文件，无法读取"
EMPTY = "文件为空"
#: Control characters that may legitimately occur in a text export.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
PAGE_BREAK = "\f"
#: A line between the two parts of a continued table: 续表, （续表）, 续上表, (续).
_CONTINUED = re.compile(r"[(（]?续(?:上?表)?[)）]?")


@dataclass(frozen=True)
class Paragraph:
    text: str
    where: str  # "第12行" (text export, 1-based line) or "第5段" (docx body paragraph)


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    where: str  # "第1740行" (line of the row's first cell) or "第3个表格第2行"


@dataclass(frozen=True)
class TableBreak:
    where: str  # "第1764行" (line of the table's last cell) or "第3个表格末尾"


Block = Paragraph | Row | TableBreak


class DocumentError(Exception):
    """The file cannot be read at all; ``problems`` are (location, Chinese message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("；".join(f"{where}：{message}" for where, message in problems))


def _refuse(message: str) -> DocumentError:
    return DocumentError([(FILE, message)])


def read_document(data: bytes, filename: str) -> list[Block]:
    """Return the blocks of a .docx or text-export document, in document order."""
    if not data.strip():
        raise _refuse(EMPTY)
    if data.startswith(ZIP_SIGNATURE):
        blocks = _read_docx(data)
    elif filename.lower().endswith(".docx"):
        raise _refuse(OLD_DOC if data.startswith(OLE_SIGNATURE) else NOT_DOCX)
    elif data.startswith(OLE_SIGNATURE):
        raise _refuse(OLD_DOC)
    else:
        blocks = list(_text_blocks(_decode(data)))
    blocks = join_continued(blocks)
    if not any(isinstance(block, Paragraph | Row) for block in blocks):
        raise _refuse(EMPTY)
    return blocks


# -- text export ------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """Decode UTF-8 (BOM optional), UTF-16 with a BOM, else GB18030; refuse binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(data, "utf-16")
    elif b"\x00" in data:
        raise _refuse(BINARY)
    else:
        text = _try_decode(data, "utf-8-sig")
        if text is None:
            text = _try_decode(data, "gb18030")
    if text is None or any(ch < " " and ch not in _ALLOWED_CONTROLS for ch in text):
        raise _refuse(BINARY)
    if not text.strip():
        raise _refuse(EMPTY)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


class _TextTables:
    """Collects TAB-prefixed lines into rows and tables while the text is scanned."""

    def __init__(self) -> None:
        self.cells: list[str] = []
        self.row_line = 0
        self.last_line = 0
        self.in_table = False
        self.blank_lines = 0

    def cell(self, number: int, text: str) -> Iterator[Block]:
        if self.in_table and self.blank_lines >= 2:
            yield from self.end_table()
        elif self.blank_lines == 1:
            yield from self.end_row()
        if not self.cells:
            self.row_line = number
        self.cells.append(text)
        self.in_table = True
        self.last_line = number
        self.blank_lines = 0

    def blank(self) -> None:
        self.blank_lines += 1

    def end_row(self) -> Iterator[Block]:
        if self.cells:
            yield Row(tuple(self.cells), f"第{self.row_line}行")
            self.cells = []

    def end_table(self) -> Iterator[Block]:
        yield from self.end_row()
        if self.in_table:
            yield TableBreak(f"第{self.last_line}行")
        self.in_table = False
        self.blank_lines = 0


def _text_blocks(text: str) -> Iterator[Block]:
    tables = _TextTables()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(PAGE_BREAK):  # a page break ends a table, whatever follows it
            yield from tables.end_table()
            line = line.lstrip(PAGE_BREAK)
        if line.startswith("\t"):
            yield from tables.cell(number, line[1:].strip())
        elif not line.strip():
            tables.blank()
        else:
            yield from tables.end_table()
            yield Paragraph(line.strip(), f"第{number}行")
    yield from tables.end_table()


# -- Word .docx -------------------------------------------------------------------------------


def _read_docx(data: bytes) -> list[Block]:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _refuse(NOT_DOCX) from error
    if "word/document.xml" not in names:
        raise _refuse(NOT_WORD_ZIP)
    too_large = package_problem(data)
    if too_large:
        raise _refuse(too_large)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise _refuse(NOT_DOCX) from error
    return list(_docx_blocks(document))


def _docx_blocks(document: WordDocument) -> Iterator[Block]:
    paragraphs = tables = 0
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            tables += 1
            yield from _docx_table(item, tables)
        else:
            paragraphs += 1
            text = item.text.strip()
            if text:
                yield Paragraph(text, f"第{paragraphs}段")


def _docx_table(table: Table, number: int) -> Iterator[Block]:
    """Rows as the text export shows them: a merged cell once, a continuation as ""."""
    rows = 0
    for rows, tr in enumerate(table._tbl.tr_lst, start=1):
        cells = tuple("" if tc.vMerge == "continue" else _Cell(tc, table).text.strip() for tc in tr.tc_lst)
        if cells:
            yield Row(cells, f"第{number}个表格第{rows}行")
    if rows:
        yield TableBreak(f"第{number}个表格末尾")


# -- tables continued across a page break -----------------------------------------------------


def _same(a: Row, b: Row) -> bool:
    """The same row text, whitespace aside."""
    return [_compact(cell) for cell in a.cells] == [_compact(cell) for cell in b.cells]


def _compact(text: str) -> str:
    return "".join(text.split())


def join_continued(blocks: list[Block]) -> list[Block]:
    """Join each table continued after a page break to the table it continues (module docstring)."""
    result: list[Block] = []
    table: list[Row] = []  # the rows of the table being read (joined parts included)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, TableBreak) and table:
            after = _continuation(blocks, i + 1, table)
            if after is not None:
                i = after  # the break, a 续表 line and the repeated header rows go
                continue
            table = []
        elif isinstance(block, Row):
            table.append(block)
        else:
            table = []
        result.append(block)
        i += 1
    return result


def _continuation(blocks: list[Block], start: int, table: list[Row]) -> int | None:
    """Where the rows continuing ``table`` start, its repeated header rows skipped; None if no continuation.

    A "续表" line says so by itself (the header may or may not be repeated after it); without one the
    next table must repeat the first row of ``table`` (and may repeat more of its top rows).
    """
    marked = start < len(blocks) and isinstance(blocks[start], Paragraph)
    if marked:
        if not _CONTINUED.fullmatch(_compact(blocks[start].text)):
            return None
        start += 1
    if start >= len(blocks) or not isinstance(blocks[start], Row):
        return None
    count = 0
    while (
        count < len(table) - 1  # a header repeats the top of a table, never all of it
        and start + count < len(blocks)
        and isinstance(blocks[start + count], Row)
        and _same(blocks[start + count], table[count])
        and any(_compact(cell) for cell in table[count].cells)
    ):
        count += 1
    return start + count if count or marked else None
