"""Many payments at once — a file's rows or an API request's items — by the same rules as the entry form.

Each entry loads through ``PaymentSchema`` and finds its project by 项目编码; the batch is then
sorted against the stored payments and against itself (a voucher twice is a problem, a payment
identical to a stored one is "unchanged", a stored voucher with other content is a problem) and
every new entry is checked by the form's rules with its project's ledger holding the stored
payments and the batch's new ones. Whether an entry takes its project past the budget is
decided in the batch's order, as if its entries were saved one after another: the paid total
before it is the stored payments' plus the batch's earlier new ones. An entry that needs
confirming and is not confirmed (``confirmed``; a file's 确认 column) is a problem like any
other. Only a clean batch is written. The payments import and the
API's bulk request are the two callers; each names its entries its own way (第3行, payments.3).
Flushes; the boundary commits.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from perf.auth.permissions import can_edit
from perf.db import is_unique_violation
from perf.errors import Problems, RuleError
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.queries import ProjectsByCode
from perf.spending.models import Payment
from perf.spending.rules import Ledger, Verdict, verdict
from perf.spending.schemas import PaymentData, load_payment
from perf.spending.services import differences, payments_of, same_content, write_payments

#: The most payments one API request may carry.
MAX_ITEMS = 10_000
#: What the loser of two identical batches racing is told when even its second look finds them writing.
BUSY = "另一项操作正在同时写入这些支付记录，本次未保存。请稍后重新提交（已写入的记录再次提交时计为未变）。"
#: What a batch's projects are looked up with: their budget year (the rules need its year, the budget).
LOOKUP = (joinedload(Project.budget_year),)


@dataclass
class Entry:
    """One payment of a batch with its project; ``key`` is where it came from (a file line, an item index)."""

    key: int
    data: PaymentData
    project: Project
    #: What the rules said of it (set by ``sort_out`` for a new entry).
    found: Verdict | None = None


@dataclass
class Sorted:
    """A batch sorted out: what to write, what is stored already, and (key, field, message) problems."""

    new: list[Entry] = field(default_factory=list)
    unchanged: list[Entry] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def sort_out(entries: list[Entry], repeated: Callable[[int, Entry], str]) -> Sorted:
    """Sort the batch against the stored payments and itself, then check every new entry by the form's rules.

    ``repeated(first key, entry)`` words a voucher the batch holds twice.
    """
    result = Sorted()
    stored = payments_of({entry.project.id for entry in entries})
    by_voucher = {(p.project_id, p.voucher_no): p for p in stored}
    seen: dict[tuple[int, str], int] = {}
    for entry in entries:
        voucher = (entry.project.id, entry.data.voucher_no)
        if voucher in seen:
            result.problems.append((entry.key, "voucher_no", repeated(seen[voucher], entry)))
            continue
        seen[voucher] = entry.key
        payment = by_voucher.get(voucher)
        if payment is None:
            result.new.append(entry)
        elif same_content(payment, entry.data):
            result.unchanged.append(entry)
        else:
            message = f"凭证号 {entry.data.voucher_no} 已存在且内容不同：{differences(payment, entry.data)}"
            result.problems.append((entry.key, "voucher_no", message))
    _check_rules(result, stored)
    return result


def _check_rules(result: Sorted, stored: Iterable[Payment]) -> None:
    """The entry form's rules, each project's ledger holding its stored payments and the batch's new entries."""
    ledgers: dict[int, Ledger] = {}
    for payment in stored:
        ledgers.setdefault(payment.project_id, Ledger()).add(payment.voucher_no, payment.amount, payment.refund_of)
    paid = {project_id: ledger.total for project_id, ledger in ledgers.items()}
    for entry in result.new:
        data = entry.data
        ledgers.setdefault(entry.project.id, Ledger()).add(data.voucher_no, data.amount, data.refund_of)
    for entry in result.new:
        project, data = entry.project, entry.data
        before = paid.get(project.id, Decimal(0))
        paid[project.id] = before + data.amount
        entry.found = verdict(
            project.budget_year.year, project.total, data, ledgers[project.id], before, paid[project.id]
        )
        broken = entry.found.messages
        result.problems += [(entry.key, name, message) for name, messages in broken.items() for message in messages]


T = TypeVar("T")


def settled(attempt: Callable[[], T]) -> T:
    """Run ``attempt`` (sort a batch out and write it) in a savepoint, once more if another request wrote
    the same payments first.

    Two identical batches at once both find the vouchers new; the second INSERT then waits for the
    first request to commit and fails on the unique 凭证号. Its second look sees them stored, so the
    batch reads as unchanged (未变), or as differing where it does: one writer, never a 500.
    """
    try:
        with db.session.begin_nested():
            return attempt()
    except IntegrityError as error:
        if not is_unique_violation(error):  # not a race: a bug to report, never a made-up conflict
            raise
    try:
        with db.session.begin_nested():
            return attempt()
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise RuleError(BUSY, "conflict") from error


def write(entries: list[Entry], actor: str, ids: bool = False) -> list[int]:
    """Write a clean batch's new payments in bulk, each audited as imported; with ``ids``, their ids."""
    pairs = [(entry.project, entry.data, entry.found) for entry in entries]
    return write_payments(pairs, actor, "payment.import", ids=ids)


# --- the API's bulk request ---------------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a clean bulk request wrote."""

    created: int = 0
    unchanged: int = 0
    total: Decimal = Decimal(0)
    ids: list[int] = field(default_factory=list)


def add_payments(raw_items: list, year: int | None, user) -> BulkResult:
    """Check every item, then write them all; RuleError (paths ``payments.<index>.<field>``) writes nothing.

    An item of a project the caller may not write to makes the whole request forbidden. The same batch
    sent twice at once is written once; the other request reads it as unchanged (``settled``).
    """
    return settled(lambda: _add_payments(raw_items, year, user))


def _add_payments(raw_items: list, year: int | None, user) -> BulkResult:
    problems, refused = Problems(), 0
    projects, entries, loaded = ProjectsByCode(year, LOOKUP), [], []
    for index, raw in enumerate(raw_items):
        try:
            loaded.append((index, load_payment(raw)))
        except RuleError as error:
            problems.merge(error, f"payments.{index}")
    projects.prefetch(data.project_code for _, data in loaded)
    for index, data in loaded:
        where = f"payments.{index}"
        project = projects.get(data.project_code)
        if project is None:
            problems.add(f"{where}.project_code", projects.missing(data.project_code))
        elif not can_edit(user, project):
            refused += 1
            problems.add(f"{where}.project_code", f"无权为项目 {project.code} 录入支付（不是本单位的项目）")
        else:
            entries.append(Entry(index, data, project))
    if refused:
        problems.raise_if_any("forbidden", f"有 {refused} 条支付记录的项目不是本单位的，全部未保存")
    batch = sort_out(entries, lambda first, entry: _repeated_item(first, entry))
    for index, name, message in batch.problems:
        problems.add(f"payments.{index}.{name}", message)
    items = {path.split(".")[1] for path in problems.errors}
    problems.raise_if_any(message=f"{len(items)} 条支付记录有误，全部未保存")
    written = write(batch.new, user.username, ids=True)
    total = sum((entry.data.amount for entry in batch.new + batch.unchanged), Decimal(0))
    return BulkResult(len(batch.new), len(batch.unchanged), total, written)


def _repeated_item(first: int, entry: Entry) -> str:
    return f"凭证号 {entry.data.voucher_no} 与第 {first} 条重复（项目 {entry.project.code}）"
