"""Import payments exported by a treasury payment system (CSV or XLSX): all or nothing, idempotent.

The file is read by the tabular reader (``perf.documents.tabular``), its headers mapped onto
``PaymentSchema``'s columns; every row loads through that schema, its project is found by
项目编码, and the whole file is checked against itself and the stored payments by the same
rules as the entry form and the API's bulk request (``services.check_batch``). Only a clean
file is written; a row identical to a stored payment is "unchanged", so re-importing a file
changes nothing. The service flushes; the caller commits.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import ValidationError

from perf.documents.tabular import ImportFileError, Problem, Table, columns_of, is_total_line, messages_of, read_table
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.queries import project_by_code
from perf.spending.schemas import PaymentData, PaymentSchema
from perf.spending.services import Ledger, differences, payments_of, rule_messages, same_content, write_payment

#: Every row loads through the one payment schema; its fields' labels are the file's headers.
SCHEMA = PaymentSchema()
#: Key columns: a row with neither of them that says 合计 is the export's total line.
KEYS = ("date", "voucher_no")


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
        self.problems.append(Problem.at(line, message))


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
        table = read_table(data, filename, SCHEMA, "支付记录")
    except ImportFileError as error:
        result.problems.append(error.problem)
        return result
    result.ignored_columns = table.ignored_columns
    loaded = _load(table, year, result)
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


def _load(table: Table, year: int | None, result: ImportResult) -> list[Row]:
    """Each row through the schema and the project lookup."""
    projects, loaded = {}, []
    for line, record, cells in table.records(columns_of(SCHEMA)):
        if is_total_line(record, cells, KEYS):
            result.skipped_lines.append(line)
            continue
        try:
            data = SCHEMA.load(record)
        except ValidationError as error:
            for message in messages_of(error.messages):
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
        for message in messages_of(messages):
            result.add(row.line, message)
