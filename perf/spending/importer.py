"""Import payments exported by a treasury payment system (CSV or XLSX): all or nothing, idempotent.

The file is read by the tabular reader (``perf.documents.tabular``), its headers mapped onto
``PaymentSchema``'s columns; every row loads through that schema, its project is found by
项目编码, and the whole file is checked against itself and the stored payments by the same
rules as the entry form and the API's bulk request (``perf.spending.batch``); a row past the
budget or outside the budget year needs 是 in its 确认 column. Only a clean
file is written; a row identical to a stored payment is "unchanged", so re-importing a file
changes nothing. The service flushes; the caller commits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from perf.db import analyze_after_bulk, one_import_at_a_time
from perf.documents.tabular import FileResult, Table, columns_of, is_total_line
from perf.errors import RuleError
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.queries import ProjectsByCode
from perf.spending import batch
from perf.spending.schemas import PaymentData, PaymentSchema, load_payment

#: Every row loads through the one payment schema; its fields' labels are the file's headers.
SCHEMA = PaymentSchema()
#: Key columns: a row with neither of them that says 合计 is the export's total line.
KEYS = ("date", "voucher_no")
#: A row that needs confirming (past the budget, outside the budget year) says so in its 确认 column.
CONFIRM_COLUMN = "已核实无误的，请在该行“确认”列填写“是”后重新导入"


@dataclass
class ImportResult(FileResult):
    """What an import wrote, or why it wrote nothing."""

    created: list[PaymentData] = field(default_factory=list)
    unchanged: list[PaymentData] = field(default_factory=list)
    #: New rows without a problem of their own: what a clean file would write (the upload preview's 新增).
    pending: list[PaymentData] = field(default_factory=list)
    #: Lines skipped as the export's 合计 line.
    skipped_lines: list[int] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        """合计金额 of the file's payments (new and unchanged), refunds netted, in 元."""
        return sum((d.amount for d in self.created + self.unchanged), Decimal(0))


#: Who may import a row of this project: None when they may, else why not (the row is refused, named).
Refuse = Callable[[Project], str | None]


def import_payments(
    data: bytes, filename: str, actor: str, year: int | None = None, refuse: Refuse | None = None
) -> ImportResult:
    """Import a payments file; on any problem write nothing and return the problems.

    ``year`` picks the budget year of the 项目编码; without it, the latest year holding the code.
    ``refuse`` (the upload page's permission check) refuses the rows of projects the uploader may not write.
    The same file imported twice at once is written once; the other import finds it unchanged (未变).
    """
    return batch.settled(lambda: _import(data, filename, actor, year, refuse))


def _import(data: bytes, filename: str, actor: str, year: int | None, refuse: Refuse | None) -> ImportResult:
    result = ImportResult()
    table = result.read(data, filename, SCHEMA, "支付记录")
    if table is None:
        return result
    one_import_at_a_time(db.session)
    stated = table.stated_unit()
    if stated and stated[1] != "元":
        result.add(stated[0], f"表头上方注明“单位：{stated[1]}”，但“金额（元）”列按元读取：请把金额换算为元后重新导入")
    sorted_out = batch.sort_out(_load(table, year, result, refuse), _repeated_row)
    for line, name, message in sorted_out.problems:
        result.add(line, CONFIRM_COLUMN if name == "confirmed" else message)
    result.problems.sort(key=lambda p: p.line)
    result.unchanged = [entry.data for entry in sorted_out.unchanged]
    faulty = {line for line, _name, _message in sorted_out.problems}
    result.pending = [entry.data for entry in sorted_out.new if entry.key not in faulty]
    if result.problems:
        return result
    batch.write(sorted_out.new, actor)
    analyze_after_bulk(db.session, ["payment", "audit_entry"], len(sorted_out.new))
    result.created = [entry.data for entry in sorted_out.new]
    return result


def _load(table: Table, year: int | None, result: ImportResult, refuse: Refuse | None) -> list[batch.Entry]:
    """Each row through the schema, then every row's project looked up at once."""
    projects, rows, loaded = ProjectsByCode(year, batch.LOOKUP), [], []
    for line, record, cells in table.records(columns_of(SCHEMA)):
        if is_total_line(record, cells, KEYS):
            result.skipped_lines.append(line)
            continue
        try:
            rows.append((line, load_payment(record)))
        except RuleError as error:
            for message in error.messages:
                result.add(line, message)
    projects.prefetch(data.project_code for _, data in rows)
    for line, data in rows:
        project = projects.get(data.project_code)
        if project is None:
            result.add(line, projects.missing(data.project_code))
            continue
        refused = refuse(project) if refuse else None
        if refused:
            result.add(line, refused)
            continue
        loaded.append(batch.Entry(line, data, project))
    return loaded


def _repeated_row(first: int, entry: batch.Entry) -> str:
    return f"凭证号 {entry.data.voucher_no} 在第{first}行和第{entry.key}行重复（项目 {entry.project.code}）"
