"""Payments: the audited writes and the totals a project page shows (the rules of one write: spending/rules.py).

Services flush, never commit: the boundary (view, CLI command) commits once. The rules
that look at a project's other payments are one pure function over a ``Ledger`` (the
project's payments as they would be after the write), so the entry form and a file
import decide alike. A payment that takes the paid total past the budget, or is dated outside
the budget year (but within a year of it), is saved only when confirmed (``PaymentData.confirmed``);
the first save is refused with what there is to confirm (``confirmations``). Correcting and
deleting take a reason. Audit entries are filed under the project, so they appear on its
修改记录 page; ``changes`` holds ``{label: [before, after]}``.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from perf.audit.services import record, record_many
from perf.db import among
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import unsavable
from perf.numbers import fmt2, grouped
from perf.projects.keepers import keeper
from perf.projects.models import Project
from perf.spending.models import SOURCE_LABELS, Payment
from perf.spending.progress import actual_pct
from perf.spending.rules import FLAG_OF, FLAGS, Ledger, Verdict, flags, reason_problems, verdict, voucher_message
from perf.spending.schemas import LABELS, STORED, PaymentData, shown
from perf.versions import claim

#: The ledger's key for a write whose 凭证号 another payment of the project already has.
UNSAVED = "\0unsaved"


def voucher_problems(project_id: int, voucher_no: str | None, previous: str | None = None) -> dict[str, list[str]]:
    """``{"voucher_no": [...]}`` when another payment of the project has ``voucher_no`` (``previous``: the
    corrected payment's own), else ``{}``; pages ask it too when other fields could not be read, so a taken
    voucher is told in the same round."""
    if not voucher_no or voucher_no == previous or unsavable(voucher_no):  # a NUL is no 凭证号 to look up
        return {}
    if not _voucher_taken(project_id, voucher_no):
        return {}
    return {"voucher_no": [voucher_message(voucher_no)]}


def add_payment(project: Project, data: PaymentData, actor: str) -> Payment:
    """Record a payment (or refund) for ``project``; RuleError when a rule is broken or a confirmation is missing."""
    taken = voucher_problems(project.id, data.voucher_no)
    ledger = _ledger(project.id)
    before = ledger.total
    # a taken voucher is counted apart, so that the other rules are still checked in the same round
    ledger.add(UNSAVED if taken else data.voucher_no, data.amount, data.refund_of)
    found = verdict(project.budget_year.year, project.total, data, ledger, before, ledger.total)
    _raise_if({**taken, **found.messages})
    try:
        with db.session.begin_nested():  # another save of the same voucher may have won the race
            payment = write_payment(project, data, actor, found=found)
            db.session.flush()
    except IntegrityError as error:
        raise RuleError({"voucher_no": [voucher_message(data.voucher_no)]}) from error
    return payment


def write_payment(
    project: Project, data: PaymentData, actor: str, action: str = "payment.add", found: Verdict | None = None
) -> Payment:
    """Add ``data`` (its rules already checked, ``found`` their verdict) and audit it, with what was confirmed."""
    found = found or Verdict({})
    payment = Payment(
        project_id=project.id, over_budget=found.over_budget, **{name: getattr(data, name) for name in STORED}
    )
    db.session.add(payment)
    record(actor, action, "project", project.id, *_added(data, found, action))
    return payment


def write_payments(
    entries: list[tuple[Project, PaymentData, Verdict]], actor: str, action: str, ids: bool = False
) -> list[int]:
    """Add many checked payments, each audited as ``write_payment`` audits one, in two multi-row INSERTs
    (the payments, then their audit entries); with ``ids``, their ids in order (RETURNING, which costs)."""
    if not entries:
        return []
    rows = [
        {"project_id": project.id, "over_budget": found.over_budget, **{name: getattr(data, name) for name in STORED}}
        for project, data, found in entries
    ]
    table = Payment.__table__
    if ids:
        written = list(db.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows))
    else:
        db.session.execute(insert(table), rows)
        written = []
    audits = [(project.id, *_added(data, found, action)) for project, data, found in entries]
    record_many(actor, action, "project", audits)
    return written


def _added(data: PaymentData, found: Verdict, action: str) -> tuple[str, dict]:
    """An added payment's audit summary and changes (every value it was given, and what was confirmed)."""
    what = "退款" if data.amount < 0 else "支付"
    summary = (
        f"{'导入' if action == 'payment.import' else '新增'}{what} 凭证号 {data.voucher_no}，{fmt2(data.amount)} 元"
        + _confirmed_note(found)
    )
    changes = {label: [None, value] for label, value in snapshot(data).items() if value} | _confirmed_change(found)
    return summary, changes


def stale_message(payment: Payment, what: str) -> str:
    """What a correction or deletion from an older read is told: the payment as it is now."""
    shown = snapshot(payment) | {LABELS["amount"]: f"{grouped(payment.amount)}"}  # as finance staff write it
    now = "，".join(f"{label} {value}" for label, value in shown.items() if value)
    return (
        f"凭证号 {payment.voucher_no} 的支付记录在您打开后已被他人修改，您的{what}未保存。"
        f"现在的内容：{now}。请核对后再决定是否{what}。"
    )


def correct_payment(
    payment: Payment, data: PaymentData, actor: str, reason: str, expected_version: int | None = None
) -> dict:
    """Correct a payment for ``reason``; audit the fields that changed (before and after) and return them.

    ``expected_version`` is the payment's version the correction was typed against (None: as loaded):
    another save in between refuses this one (stale), by compare-and-set.
    """
    if same_content(payment, data) and not data.confirmed:
        return {}  # already stored as typed: no write, and the version stays (nobody else's page goes stale)
    claim(payment, expected_version, stale_message(payment, "更正"))
    problems = reason_problems(reason, "更正原因")
    taken = voucher_problems(payment.project_id, data.voucher_no, payment.voucher_no)
    problems.update(taken)
    project = db.session.get(Project, payment.project_id)
    ledger = _ledger(payment.project_id, excluding=payment.id)
    before = ledger.total + payment.amount
    ledger.add(UNSAVED if taken else data.voucher_no, data.amount, data.refund_of)  # never mixed with the taken one
    found = verdict(project.budget_year.year, project.total, data, ledger, before, ledger.total, previous=payment)
    for name, messages in found.messages.items():
        problems.setdefault(name, []).extend(messages)
    _raise_if(problems)
    before_values, payment_voucher = snapshot(payment), payment.voucher_no
    for name in STORED:
        setattr(payment, name, getattr(data, name))
    payment.over_budget = found.over_budget
    db.session.flush()
    after = snapshot(payment)
    changes = {label: [before_values[label], after[label]] for label in after if before_values[label] != after[label]}
    if changes:
        reason = reason.strip()
        what = f"更正支付 凭证号 {payment_voucher}{_confirmed_note(found)}。原因：{reason}"
        record(
            actor,
            "payment.correct",
            "project",
            payment.project_id,
            what,
            changes | _confirmed_change(found) | {"更正原因": [None, reason]},
        )
    return changes


def delete_payment(payment: Payment, actor: str, reason: str, expected_version: int | None = None) -> None:
    """Delete a payment for ``reason`` (audited); refused while another payment refunds it, or when it
    changed after ``expected_version`` was read (stale)."""
    claim(payment, expected_version, stale_message(payment, "删除"))
    _raise_if(reason_problems(reason, "删除原因"))
    refunds = db.session.scalars(
        select(Payment.voucher_no).where(
            Payment.project_id == payment.project_id, Payment.refund_of == payment.voucher_no
        )
    ).all()
    if refunds:
        message = f"凭证号 {payment.voucher_no} 已有退款记录（凭证号 {'、'.join(refunds)}），请先删除退款"
        raise RuleError(message, "conflict")
    before = snapshot(payment)
    reason = reason.strip()
    record(
        actor,
        "payment.delete",
        "project",
        payment.project_id,
        f"删除支付 凭证号 {payment.voucher_no}，{fmt2(payment.amount)} 元。原因：{reason}",
        {label: [value, None] for label, value in before.items() if value} | {"删除原因": [None, reason]},
    )
    db.session.delete(payment)
    db.session.flush()


def _confirmed_note(found: Verdict) -> str:
    """（已确认超预算、跨年度） after a summary, when something was confirmed."""
    confirmed = [FLAGS[flag][0] for name, flag in FLAG_OF.items() if name in found.confirmed]
    return f"（已确认{'、'.join(confirmed)}）" if confirmed else ""


def _confirmed_change(found: Verdict) -> dict[str, list]:
    """What the payer confirmed, as an audit change: 核实确认 -> the facts."""
    if not found.confirmed:
        return {}
    return {"核实确认": [None, "我已核实，仍要保存：" + "；".join(found.confirmed.values())]}


def snapshot(payment: Payment | PaymentData) -> dict[str, str | None]:
    """A payment (stored, or as given) as audit values: JSON-safe strings by Chinese label."""
    return {LABELS[name]: shown(name, getattr(payment, name)) for name in STORED}


def same_content(payment: Payment, data: PaymentData) -> bool:
    """True when a stored payment already holds exactly ``data``."""
    return _differences(payment, data) == []


def differences(payment: Payment, data: PaymentData) -> str:
    """What differs between a stored payment and ``data``, e.g. '金额（元）已存 98000.00，现为 97000.00'."""
    pairs = _differences(payment, data)
    return "；".join(f"{label}已存 {old or '（空）'}，现为 {new or '（空）'}" for label, old, new in pairs)


def _differences(payment: Payment, data: PaymentData) -> list[tuple[str, str | None, str | None]]:
    stored, given = snapshot(payment), snapshot(data)
    return [(label, stored[label], given[label]) for label in stored if stored[label] != given[label]]


def payment_by_id(payment_id: int) -> Payment | None:
    """One payment."""
    return db.session.get(Payment, payment_id)


def payments_of(project_ids: Iterable[int]) -> list:
    """Every payment of the given projects as read-only rows (``project_id`` and the stored fields; one query)."""
    columns = [Payment.id, Payment.project_id, *(getattr(Payment, name) for name in STORED)]
    query = select(*columns).where(among(db.session, Payment.project_id, sorted(set(project_ids))))
    return list(db.session.execute(query.order_by(Payment.id)))


@dataclass
class PaymentSummary:
    """What the project page shows: the payments, 累计支付 (元, refunds netted) and 执行率 against 预算数."""

    payments: list[Payment]
    total: Decimal
    #: 执行率 in percent, two places half up; None when the budget is 0.
    pct: Decimal | None
    #: 预算数 in 万元.
    budget: Decimal
    #: The project's budget year (a payment dated outside it is marked 跨年度).
    year: int

    def source_label(self, payment: Payment) -> str:
        """财政资金 / 其他资金."""
        return SOURCE_LABELS.get(payment.source, payment.source)

    def marks(self, payment: Payment) -> list[tuple[str, str, str]]:
        """The payment's marks as the list shows them: (code, 超预算/跨年度, explanation)."""
        return [(code, *FLAGS[code]) for code in flags(payment, self.year)]


def payment_summary(project: Project) -> PaymentSummary:
    """The project's payments by date, their net total and the execution rate (one query)."""
    payments = list(
        db.session.scalars(
            select(Payment).where(Payment.project_id == project.id).order_by(Payment.paid_on, Payment.id)
        )
    )
    total = sum((p.amount for p in payments), Decimal(0))
    return PaymentSummary(payments, total, actual_pct(total, project.total), project.total, project.budget_year.year)


def _voucher_taken(project_id: int, voucher_no: str) -> bool:
    found = db.session.scalar(
        select(Payment.id).where(Payment.project_id == project_id, Payment.voucher_no == voucher_no)
    )
    return found is not None


def _ledger(project_id: int, excluding: int | None = None) -> Ledger:
    """The project's stored payments (but ``excluding``)."""
    query = select(Payment.id, Payment.voucher_no, Payment.amount, Payment.refund_of).where(
        Payment.project_id == project_id
    )
    return Ledger.of((v, a, r) for pid, v, a, r in db.session.execute(query) if pid != excluding)


def _raise_if(messages: dict[str, list[str]]) -> None:
    if messages:
        raise RuleError(messages)


@keeper
def _has_payments(project: Project) -> str | None:
    """A project with payments keeps them: it cannot be deleted."""
    paid = db.session.scalar(select(Payment.id).where(Payment.project_id == project.id).limit(1))
    return "项目已有支付记录" if paid is not None else None
