"""Many payments in one all-or-nothing request, by the same rules as the entry form and the file import.

Every item loads through ``PaymentSchema`` and is checked against the stored payments and
the other items (voucher unique per project, refunds, the date window); problems are keyed
``payments.<index>.<field>``. Only a clean batch is written. An item identical to a stored
payment counts as unchanged, so a client may safely send a batch again after a timeout.
Flushes; the caller commits.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import ValidationError

from perf.api.common import api_abort, keyed
from perf.auth.permissions import can_edit
from perf.extensions import db
from perf.projects.models import Project
from perf.projects.queries import project_by_code
from perf.spending.schemas import PaymentData, PaymentSchema
from perf.spending.services import Ledger, differences, payments_of, rule_messages, same_content, write_payment

MAX_ITEMS = 10_000


@dataclass
class BulkResult:
    """What a clean batch wrote."""

    created: int = 0
    unchanged: int = 0
    total: Decimal = Decimal(0)
    ids: list[int] = field(default_factory=list)


@dataclass
class Item:
    index: int
    data: PaymentData
    project: Project


def add_payments(raw_items: list, year: int | None, user) -> BulkResult:
    """Check every item, then write them all (422 or 403 with per-item problems, nothing written)."""
    problems: dict[str, list[str]] = {}
    items = _load(raw_items, year, user, problems)
    stored = payments_of({item.project.id for item in items})
    new, unchanged = _sort_out(items, stored, problems)
    _check_rules(new, stored, problems)
    if problems:
        api_abort(422, f"{_count(problems)} 条支付记录有误，全部未保存", problems)
    written = [write_payment(item.project, item.data, user.username, "payment.import") for item in new]
    db.session.flush()
    total = sum((item.data.amount for item in new + unchanged), Decimal(0))
    return BulkResult(len(new), len(unchanged), total, [payment.id for payment in written])


def _count(problems: dict) -> int:
    return len({key.split(".")[1] for key in problems if key.count(".") >= 1})


def _load(raw_items: list, year: int | None, user, problems: dict) -> list[Item]:
    """Each item through the schema and the project look-up; the caller must be the project's owner."""
    schema, projects, loaded, refused = PaymentSchema(), {}, [], []
    for index, raw in enumerate(raw_items):
        try:
            data = schema.load(raw)
        except ValidationError as error:
            keyed(problems, f"payments.{index}", error.messages)
            continue
        if data.project_code not in projects:
            projects[data.project_code] = project_by_code(data.project_code, year)
        project = projects[data.project_code]
        if project is None:
            where = f"{year} 年度" if year else "系统中"
            problems[f"payments.{index}.project_code"] = [f"{where}没有项目编码为 {data.project_code} 的项目"]
        elif not can_edit(user, project):
            refused.append(index)
            problems[f"payments.{index}.project_code"] = [f"无权为项目 {project.code} 录入支付（不是本单位的项目）"]
        else:
            loaded.append(Item(index, data, project))
    if refused:
        api_abort(403, f"有 {len(refused)} 条支付记录的项目不是本单位的，全部未保存", problems)
    return loaded


def _sort_out(items: list[Item], payments: list, problems: dict) -> tuple[list[Item], list[Item]]:
    """New items; items equal to a stored payment are unchanged; repeats and conflicts are problems."""
    stored = {(p.project_id, p.voucher_no): p for p in payments}
    seen: dict[tuple[int, str], int] = {}
    new, unchanged = [], []
    for item in items:
        key = (item.project.id, item.data.voucher_no)
        where = f"payments.{item.index}.voucher_no"
        if key in seen:
            problems[where] = [f"凭证号 {item.data.voucher_no} 与第 {seen[key]} 条重复（项目 {item.project.code}）"]
            continue
        seen[key] = item.index
        payment = stored.get(key)
        if payment is None:
            new.append(item)
        elif same_content(payment, item.data):
            unchanged.append(item)
        else:
            problems[where] = [f"凭证号 {item.data.voucher_no} 已存在且内容不同：{differences(payment, item.data)}"]
    return new, unchanged


def _check_rules(new: list[Item], stored: list, problems: dict) -> None:
    """The entry form's rules, each project's ledger holding its stored payments and the batch's new items."""
    ledgers: dict[int, Ledger] = {}
    for payment in stored:
        ledgers.setdefault(payment.project_id, Ledger()).add(payment.voucher_no, payment.amount, payment.refund_of)
    for item in new:
        ledgers.setdefault(item.project.id, Ledger()).add(item.data.voucher_no, item.data.amount, item.data.refund_of)
    for item in new:
        messages = rule_messages(item.project.budget_year.year, item.data, ledgers[item.project.id])
        keyed(problems, f"payments.{item.index}", messages)
