"""Every CSV or XLSX table perf reads (payments, actual values): the file, its header row and its cells.

A file as people export it: UTF-8 with or without BOM, UTF-16 (Excel “Unicode 文本”) or GB18030
(GBK); comma- or tab-separated; or the first sheet of an .xlsx with cells read as Excel shows
them. The header row is the first of the first few non-empty rows that holds every required column
(a title row or two and a 单位 line above it are skipped); a 合计 row at the end is the caller's
to skip (``is_total_line``). A date column takes real date cells, Excel serial numbers and text
dates. Headers map generically onto a marshmallow
schema: each column is a field declared with ``column=`` (perf.fields), headed by its ``label`` (matched
as ``header_key`` normalises it); the field's own name is accepted as the English header. Adding a column
to an import is adding a field to its schema.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from marshmallow import Schema
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from perf.documents.packages import package_problem
from perf.numbers import plain

FILE = "文件"
#: A row that says one of these, and has none of the key columns, is the export's total line.
TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)
#: How many non-empty rows above the header a file may have (its title rows, a 单位 line).
HEADER_SEARCH = 6
#: Excel's day 0 (serial 1 is 1900-01-01; Excel counts a 29 February 1900 that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers read as dates: 1954-10-03 … 2119-01-10 (below, a number is no date anyone writes).
_SERIALS = (20_000, 80_000)
_SERIAL_TEXT = re.compile(r"\d{5}(\.\d+)?")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|元|千元|亿元)")


@dataclass(frozen=True)
class Problem:
    """Where (第3行, 文件) and what; ``line`` orders the report."""

    location: str
    message: str
    line: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.location}：{self.message}"

    @classmethod
    def at(cls, line: int, message: str) -> "Problem":
        """A problem on line ``line`` (0: the whole file)."""
        return cls(f"第{line}行" if line else FILE, message, line)


class ImportFileError(ValueError):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.problem = Problem.at(line, message)


@dataclass
class FileResult:
    """What importing one file found: its problems by line (nothing is written while there is one)
    and the columns it has that perf does not read. Each import's result extends it with what it wrote."""

    problems: list[Problem] = field(default_factory=list)
    #: Columns the file has that perf does not read.
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was clean (and written)."""
        return not self.problems

    def add(self, line: int, message: str) -> None:
        """Report a problem on ``line``."""
        self.problems.append(Problem.at(line, message))

    def read(self, data: bytes, filename: str, schema: Schema, what: str) -> "Table | None":
        """The file's table, its unread columns noted; None, with the problem noted, when it is no table."""
        try:
            table = read_table(data, filename, schema, what)
        except ImportFileError as error:
            self.problems.append(error.problem)
            return None
        self.ignored_columns = table.ignored_columns
        return table


@dataclass(frozen=True)
class Column:
    """One column a schema reads: its key (the field's data key), its Chinese header, whether the file must have it."""

    name: str
    label: str
    required: bool
    takes_dates: bool
    #: Other headers exports give the same column ("预算金额" for 预算数).
    synonyms: tuple[str, ...] = ()

    def headers(self) -> set[str]:
        """Every header (as ``header_key`` normalises it) that names this column."""
        return {header_key(text) for text in (self.label, self.name, *self.synonyms)}


@dataclass
class Table:
    """A file's rows under its header: the columns perf reads (field -> index) and the ones it does not."""

    header_line: int
    columns: dict[str, int]
    rows: list[tuple[int, list]]
    ignored_columns: list[str] = field(default_factory=list)
    #: (line, text) of the rows above the header: the export's title, its 单位 line.
    above: list[tuple[int, str]] = field(default_factory=list)

    def stated_unit(self) -> tuple[int, str] | None:
        """(line, unit) of a 单位 line above the header (“单位：万元”, “金额单位：元”), if the file has one."""
        for line, text in self.above:
            match = _UNIT_LINE.search(unicodedata.normalize("NFKC", text))
            if match:
                return line, match.group(1)
        return None

    def records(self, schema_columns: list[Column]):
        """(line, {field: cell as the schema reads it}, raw cells) for every row under the header."""
        dated = {column.name for column in schema_columns if column.takes_dates}
        for line, cells in self.rows:
            record = {
                name: cell(cells[index] if index < len(cells) else None, name in dated)
                for name, index in self.columns.items()
            }
            yield line, record, cells


def columns_of(schema: Schema) -> list[Column]:
    """The columns of ``schema``: every loadable field declared as a file column (``column=`` in perf.fields)."""
    return [
        Column(
            field_.data_key or name,
            field_.metadata["label"],
            bool(field_.metadata.get("column_required")),
            bool(getattr(field_, "takes_dates", False)),
            tuple(field_.metadata.get("synonyms", ())),
        )
        for name, field_ in schema.load_fields.items()
        if "column_required" in field_.metadata
    ]


def read_table(data: bytes, filename: str, schema: Schema, what: str) -> Table:
    """The file's rows mapped onto ``schema``'s columns; ImportFileError when it is not such a table."""
    rows = read_rows(data, filename, what)
    at, columns, ignored = find_header(rows, columns_of(schema))
    if at == len(rows) - 1:
        raise ImportFileError(f"文件中只有表头，没有{what}", rows[at][0])
    above = [(line, " ".join(str(c).strip() for c in cells if filled(c))) for line, cells in rows[:at]]
    return Table(rows[at][0], columns, rows[at + 1 :], ignored, above)


def find_header(rows: list[tuple[int, list]], columns: list[Column]) -> tuple[int, dict[str, int], list[str]]:
    """(index of the header row, field -> column index, unread headers): the first of the first
    ``HEADER_SEARCH`` rows that maps every required column; else the refusal of the row that came closest."""
    closest: tuple[int, ImportFileError] | None = None
    for index, (line, cells) in enumerate(rows[:HEADER_SEARCH]):
        try:
            found, ignored = map_headers(line, cells, columns)
        except ImportFileError as error:
            known = _known_headers(cells, columns)
            if closest is None or known > closest[0]:
                closest = (known, error)
            continue
        return index, found, ignored
    raise closest[1]


def _known_headers(cells: list, columns: list[Column]) -> int:
    keys = set().union(*(column.headers() for column in columns))
    return sum(1 for text in cells if filled(text) and header_key(text) in keys)


def read_rows(data: bytes, filename: str, what: str) -> list[tuple[int, list]]:
    """The non-empty rows of a CSV or XLSX file as (line number, cells); at least a header and one ``what``."""
    if data.startswith(_OLE) or filename.lower().endswith(".xls"):
        raise ImportFileError("不支持 .xls（Excel 97-2003）格式，请在 Excel 中另存为 .xlsx 或 CSV")
    rows = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    rows = [(line, cells) for line, cells in rows if any(filled(c) for c in cells)]
    if not rows:
        raise ImportFileError("文件为空")
    if len(rows) == 1:
        raise ImportFileError(f"文件中只有表头，没有{what}", rows[0][0])
    return rows


def filled(cell) -> bool:
    """A cell with something in it."""
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel “Unicode 文本”), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("无法识别文件编码，请保存为 UTF-8 或 GB18030（GBK）编码的 CSV")


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    """Comma- or tab-separated, by whichever the first non-empty line holds more of."""
    text = decode(data)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, previous_end = [], 0
    try:
        for cells in reader:
            rows.append((previous_end + 1, cells))  # a quoted cell may span lines: report where the row starts
            previous_end = reader.line_num
    except csv.Error as error:
        raise ImportFileError(f"CSV 格式有误：{error}", previous_end + 1) from None
    return rows


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    """The first sheet's rows; cached values of formulas; dates as Excel typed them."""
    too_large = package_problem(data)
    if too_large:
        raise ImportFileError(too_large)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise ImportFileError(f"无法读取 Excel 文件（{type(error).__name__}），请确认是 .xlsx 格式") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store wrong dimensions; read every row there is
        return [(line, [_shown(cell) for cell in cells]) for line, cells in enumerate(sheet.iter_rows(), start=1)]
    finally:
        workbook.close()


def _shown(cell):
    """A cell's value as Excel shows it where that differs: 0.96 formatted as a percent is "96%"."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return f"{plain(Decimal(format(value, '.15g')) * 100)}%"
    return value


def header_key(text) -> str:
    """'金额（元）', ' 金额 (元) ' and '金额(元)' alike; English lower-cased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).strip("*").lower()


def map_headers(line: int, header: list, columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    """(field -> column index, headers perf does not read); a repeated or missing required column is refused."""
    by_key = {key: column for column in columns for key in column.headers()}
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, text in enumerate(header):
        if not filled(text):
            continue
        column = by_key.get(header_key(text))
        if column is None:
            ignored.append(str(text).strip())
        elif column.name in found:
            first = found[column.name] + 1
            raise ImportFileError(f"“{column.label}”列出现了两次（第 {first} 列和第 {index + 1} 列）", line)
        else:
            found[column.name] = index
    missing = [f"{c.label}（{c.name}）" for c in columns if c.required and c.name not in found]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}（表头应在前几行，标题行之下）", line)
    return found, ignored


def cell(value, takes_dates: bool):
    """A cell as a schema field reads it: text, or a date where the field takes dates; never a float."""
    if takes_dates and is_serial(value):
        return excel_date(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        if takes_dates:
            return value
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as doubles and shows 15 significant digits: read what the user sees
        # (a formula's 1234.5600000000002 is 1234.56), exactly, as text.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def is_serial(value) -> bool:
    """An Excel date serial number: a number cell (or its text, as CSV writes it) in the range of real dates."""
    if isinstance(value, str):
        value = value.strip()
        if not _SERIAL_TEXT.fullmatch(value):
            return False
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return _SERIALS[0] <= value < _SERIALS[1]


def excel_date(serial) -> date:
    """The day an Excel serial number stands for (its time of day dropped)."""
    return _EXCEL_EPOCH + timedelta(days=int(float(serial)))


def is_total_line(record: dict, cells: list, keys: tuple[str, ...]) -> bool:
    """The export's 合计 line: none of the ``keys`` columns filled, and a cell that says 合计 (总计, 小计)."""
    if any(filled(record.get(key)) for key in keys):
        return False
    return any(isinstance(c, str) and c.strip() in TOTAL_WORDS for c in cells)


def messages_of(messages) -> list[str]:
    """marshmallow's ``{field: [message]}`` as a flat list, in field order."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in messages_of(value)]
    return [m for value in messages for m in messages_of(value)]
