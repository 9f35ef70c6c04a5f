"""Import payments exported by a treasury payment system (CSV or XLSX): all or nothing, idempotent.

The header row is the first non-empty row; headers are matched in Chinese or English,
ignoring spaces and full-/half-width brackets. Every row loads through ``PaymentSchema``,
its project is found by 项目编码, and the whole file is checked against itself and the
stored payments by the same rules as the entry form. Only a clean file is written; a row
identical to a stored payment is "unchanged", so re-importing a file changes nothing.
The service flushes; the caller commits.
"""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from marshmallow import ValidationError
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from perf.extensions import db
from perf.numbers import plain
from perf.projects.models import Project
from perf.projects.queries import project_by_code
from perf.spending.schemas import PaymentData, PaymentSchema
from perf.spending.services import Ledger, differences, payments_of, rule_messages, same_content, write_payment

#: Normalised header (NFKC, no spaces, lower case) -> schema field.
HEADERS = {
    "项目编码": "project_code",
    "project_code": "project_code",
    "支付日期": "date",
    "date": "date",
    "金额(元)": "amount_yuan",
    "amount_yuan": "amount_yuan",
    "凭证号": "voucher_no",
    "voucher_no": "voucher_no",
    "摘要": "note",
    "note": "note",
    "资金来源": "source",
    "source": "source",
    "原凭证号": "refund_of",
    "refund_of": "refund_of",
}
REQUIRED = ("project_code", "date", "amount_yuan", "voucher_no", "note")
LABELS = {
    "project_code": "项目编码",
    "date": "支付日期",
    "amount_yuan": "金额（元）",
    "voucher_no": "凭证号",
    "note": "摘要",
    "source": "资金来源",
    "refund_of": "原凭证号",
}
#: A row without 支付日期 and 凭证号 that says one of these is the export's total line, not a payment.
TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
FILE = "文件"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003)


@dataclass(frozen=True)
class Problem:
    """Where (第3行, 文件) and what; ``line`` orders the report."""

    location: str
    message: str
    line: int = field(default=0, compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.location}：{self.message}"


class ImportFileError(ValueError):
    """The file cannot be read as a table of payments at all."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.problem = Problem(f"第{line}行" if line else FILE, message, line)


@dataclass
class ImportResult:
    """What an import wrote, or why it wrote nothing."""

    created: list[PaymentData] = field(default_factory=list)
    unchanged: list[PaymentData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Columns the file has that perf does not read.
    ignored_columns: list[str] = field(default_factory=list)
    #: Lines skipped as the export's 合计 line.
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was clean (and written)."""
        return not self.problems

    @property
    def total(self) -> Decimal:
        """合计金额 of the file's payments (new and unchanged), refunds netted, in 元."""
        return sum((d.amount for d in self.created + self.unchanged), Decimal(0))

    def add(self, line: int, message: str) -> None:
        """Report a problem on ``line``."""
        self.problems.append(Problem(f"第{line}行", message, line))


@dataclass
class Row:
    """A row that loaded, with its project."""

    line: int
    data: PaymentData
    project: Project


def import_payments(data: bytes, filename: str, actor: str, year: int | None = None) -> ImportResult:
    """Import a payments file; on any problem write nothing and return the problems.

    ``year`` picks the budget year of the 项目编码; without it, the latest year holding the code.
    """
    result = ImportResult()
    try:
        rows = read_rows(data, filename)
        header_line, header = rows[0]
        columns = map_headers(header_line, header, result)
    except ImportFileError as error:
        result.problems.append(error.problem)
        return result
    loaded = _load(rows[1:], columns, year, result)
    new, stored = _sort_out(loaded, result)
    _check_rules(new, stored, result)
    result.problems.sort(key=lambda p: p.line)
    if result.problems:
        return result
    for row in new:
        write_payment(row.project, row.data, actor, "payment.import")
    result.created = [row.data for row in new]
    db.session.flush()
    return result


# --- reading -------------------------------------------------------------------------


def read_rows(data: bytes, filename: str, what: str = "支付记录") -> list[tuple[int, list]]:
    """The non-empty rows of a CSV or XLSX file as (line number, cells); at least a header and one ``what``."""
    if data.startswith(_OLE) or filename.lower().endswith(".xls"):
        raise ImportFileError("不支持 .xls（Excel 97-2003）格式，请在 Excel 中另存为 .xlsx 或 CSV")
    rows = _read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data)
    rows = [(line, cells) for line, cells in rows if any(_filled(c) for c in cells)]
    if not rows:
        raise ImportFileError("文件为空")
    if len(rows) == 1:
        raise ImportFileError(f"文件中只有表头，没有{what}", rows[0][0])
    return rows


def _filled(cell) -> bool:
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


def map_headers(
    line: int,
    header: list,
    result,
    headers: dict[str, str] = HEADERS,
    labels: dict[str, str] = LABELS,
    required: tuple[str, ...] = REQUIRED,
) -> dict[str, int]:
    """Schema field -> column index; unknown headers go to ``result.ignored_columns``, repeated or missing
    required ones are refused. ``headers`` (normalised header -> field), ``labels`` and ``required``
    default to the payments file's; the actual-values import passes its own.
    """
    columns: dict[str, int] = {}
    for index, text in enumerate(header):
        if not _filled(text):
            continue
        name = headers.get(header_key(text))
        if name is None:
            result.ignored_columns.append(str(text).strip())
        elif name in columns:
            raise ImportFileError(f"“{labels[name]}”列出现了两次（第 {columns[name] + 1} 列和第 {index + 1} 列）", line)
        else:
            columns[name] = index
    missing = [f"{labels[n]}（{n}）" for n in required if n not in columns]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}（表头应为第一个非空行）", line)
    return columns


def _cell(value, name: str):
    """A cell as the schema reads it: text, or a date for 支付日期; never a float."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        if name == "date":
            return value
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float):
        # Excel keeps numbers as doubles and shows 15 significant digits: read what the user sees
        # (a formula's 1234.5600000000002 is 1234.56), exactly, as text.
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


# --- checking ------------------------------------------------------------------------


def _load(rows: list[tuple[int, list]], columns: dict[str, int], year: int | None, result: ImportResult) -> list[Row]:
    """Each row through the schema and the project lookup."""
    schema, projects, loaded = PaymentSchema(), {}, []
    for line, cells in rows:
        record = {name: _cell(cells[i] if i < len(cells) else None, name) for name, i in columns.items()}
        if _is_total(record, cells):
            result.skipped_lines.append(line)
            continue
        try:
            data = schema.load(record)
        except ValidationError as error:
            for message in _flatten(error.messages):
                result.add(line, message)
            continue
        if data.project_code not in projects:
            projects[data.project_code] = project_by_code(data.project_code, year)
        project = projects[data.project_code]
        if project is None:
            where = f"{year} 年度" if year else "系统中"
            result.add(line, f"{where}没有项目编码为 {data.project_code} 的项目")
            continue
        loaded.append(Row(line, data, project))
    return loaded


def _is_total(record: dict, cells: list) -> bool:
    """The export's 合计 line: no 支付日期, no 凭证号, and a cell that says 合计 (总计, 小计)."""
    if _filled(record.get("date")) or _filled(record.get("voucher_no")):
        return False
    return any(isinstance(c, str) and c.strip() in TOTAL_WORDS for c in cells)


def _flatten(messages) -> list[str]:
    """marshmallow's {field: [message]} as a flat list, in field order."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


def _sort_out(rows: list[Row], result: ImportResult) -> tuple[list[Row], list]:
    """New rows; rows equal to a stored payment count as unchanged; repeats and conflicts are problems."""
    stored = payments_of({row.project.id for row in rows})
    by_key = {(p.project_id, p.voucher_no): p for p in stored}
    seen: dict[tuple[int, str], int] = {}
    new = []
    for row in rows:
        key = (row.project.id, row.data.voucher_no)
        voucher = row.data.voucher_no
        if key in seen:
            result.add(row.line, f"凭证号 {voucher} 在第{seen[key]}行和第{row.line}行重复（项目 {row.project.code}）")
            continue
        seen[key] = row.line
        payment = by_key.get(key)
        if payment is None:
            new.append(row)
        elif same_content(payment, row.data):
            result.unchanged.append(row.data)
        else:
            result.add(row.line, f"凭证号 {voucher} 已存在且内容不同：{differences(payment, row.data)}")
    return new, stored


def _check_rules(new: list[Row], stored: list, result: ImportResult) -> None:
    """The entry form's rules, with each project's ledger holding its stored payments and the file's new rows."""
    ledgers: dict[int, Ledger] = {}
    for payment in stored:
        ledgers.setdefault(payment.project_id, Ledger()).add(payment.voucher_no, payment.amount, payment.refund_of)
    for row in new:
        ledgers.setdefault(row.project.id, Ledger()).add(row.data.voucher_no, row.data.amount, row.data.refund_of)
    for row in new:
        messages = rule_messages(row.project.budget_year.year, row.data, ledgers[row.project.id])
        for message in _flatten(messages):
            result.add(row.line, message)
