"""Payments: the rules, the audited writes and the totals a project page shows.

Services flush, never commit: the boundary (view, CLI command) commits once. The rules
that look at a project's other payments are one pure function over a ``Ledger`` (the
project's payments as they would be after the write), so the entry form and a file
import decide alike. A payment that takes the paid total past the budget, or is dated outside
the budget year (but within a year of it), is saved only when confirmed (``PaymentData.confirmed``);
the first save is refused with what there is to confirm (``confirmations``). Correcting and
deleting take a reason. Audit entries are filed under the project, so they appear on its
修改记录 page; ``changes`` holds ``{label: [before, after]}``.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from perf.audit.services import record
from perf.errors import RuleError
from perf.extensions import db
from perf.numbers import fmt2, grouped
from perf.projects.keepers import keeper
from perf.projects.models import Project
from perf.spending.models import SOURCE_LABELS, Payment
from perf.spending.progress import actual_pct
from perf.spending.schemas import LABELS, MAX_REASON, STORED, PaymentData, shown
from perf.units import YUAN_PER_WAN

#: A payment may be dated this many years before or after its project's budget year (confirmed); further is refused.
YEARS_AROUND = 1
#: Said at ``confirmed`` when a save needs confirming (a file import words it for its 确认 column).
CONFIRM = "已核实无误的，请确认后再保存"
ASK = "，请确认后再保存"
#: The marks a payment's row carries in the list and the API: (code, label, explanation).
FLAGS = {
    "over_budget": ("超预算", "保存这笔支出后累计支付超过项目预算，录入人已核实确认"),
    "outside_year": ("跨年度", "支付日期不在项目的预算年度内（跨年度列支），须经录入人核实确认才能保存"),
}
#: The field a confirmation is asked at -> the mark it leaves.
_FLAG_OF = {"amount_yuan": "over_budget", "date": "outside_year"}


@dataclass
class Ledger:
    """A project's payments by voucher, and how much has been refunded against each voucher (as a positive sum)."""

    amounts: dict[str, Decimal] = field(default_factory=dict)
    refunded: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    @classmethod
    def of(cls, entries: Iterable[tuple[str, Decimal, str | None]]) -> "Ledger":
        """Build from (voucher_no, amount, refund_of) triples."""
        ledger = cls()
        for voucher_no, amount, refund_of in entries:
            ledger.add(voucher_no, amount, refund_of)
        return ledger

    def add(self, voucher_no: str, amount: Decimal, refund_of: str | None) -> None:
        """Count one payment in."""
        self.amounts[voucher_no] = amount
        if refund_of:
            self.refunded[refund_of] += -amount

    @property
    def total(self) -> Decimal:
        """累计支付: every payment, refunds netted, in 元."""
        return sum(self.amounts.values(), Decimal(0))


@dataclass(frozen=True)
class Verdict:
    """What the rules say of one write: messages by field (empty: it may be saved) and what was confirmed."""

    messages: dict[str, list[str]]
    #: {field: fact} the payer confirmed, e.g. {"amount_yuan": "这笔支出后累计支付 …"} (recorded in the audit log).
    confirmed: dict[str, str] = field(default_factory=dict)
    #: The payment is (still) marked 超预算.
    over_budget: bool = False


def date_window(year: int) -> tuple[date, date]:
    """The dates a payment of a ``year`` project may carry: the budget year ± YEARS_AROUND."""
    return date(year - YEARS_AROUND, 1, 1), date(year + YEARS_AROUND, 12, 31)


def in_year(year: int, paid_on: date) -> bool:
    """True when ``paid_on`` falls in the budget year ``year``."""
    return paid_on.year == year


def confirmations(
    year: int, budget_wan: Decimal, data: PaymentData, before: Decimal, after: Decimal, correcting: bool = False
) -> dict[str, str]:
    """What saving ``data`` needs confirmed, as ``{field: fact}``: a total past the budget, a date outside the year.

    ``before`` and ``after`` are the project's paid total (元) without and with the write. A
    write that lowers or keeps the total (a refund, a smaller correction) never needs it: only
    one that raises the total past ``budget_wan`` (万元) does; exactly 100% is fine.
    """
    found = {}
    budget = Decimal(budget_wan) * YUAN_PER_WAN
    if after > budget and after > before:
        pct = f"（{fmt2(after / budget * 100)}%）" if budget else ""
        what = "更正后" if correcting else "这笔支出后"
        found["amount_yuan"] = f"{what}累计支付 {grouped(after)} 元，超过预算 {grouped(budget)} 元{pct}"
    if not in_year(year, data.paid_on):
        found["date"] = f"支付日期 {data.paid_on.isoformat()} 不在 {year} 预算年度内"
    return found


def verdict(
    year: int,
    budget_wan: Decimal,
    data: PaymentData,
    ledger: Ledger,
    before: Decimal,
    after: Decimal,
    previous: Payment | None = None,
) -> Verdict:
    """Every rule of one write at once: the hard rules (``rule_messages``) and what must be confirmed.

    ``previous`` is the stored payment a correction changes: a date it already had is not asked
    about again, and its 超预算 mark stays while the total is still past the budget.
    """
    messages = rule_messages(year, data, ledger, previous.voucher_no if previous else None)
    asks = confirmations(year, budget_wan, data, before, after, correcting=previous is not None)
    if "date" in messages or (previous is not None and previous.paid_on == data.paid_on):
        asks.pop("date", None)  # a date refused outright, or one confirmed when it was saved
    if asks and not data.confirmed:
        for name, fact in asks.items():
            messages.setdefault(name, []).append(fact + ASK)
        messages["confirmed"] = [CONFIRM]
    still_over = previous is not None and previous.over_budget and after > Decimal(budget_wan) * YUAN_PER_WAN
    return Verdict(messages, asks if data.confirmed else {}, "amount_yuan" in asks or still_over)


def flags(payment: Payment, year: int) -> list[str]:
    """The marks of a stored payment of a ``year`` project: ``over_budget``, ``outside_year`` (FLAGS)."""
    found = ["over_budget"] if payment.over_budget else []
    return found if in_year(year, payment.paid_on) else [*found, "outside_year"]


def reason_problems(reason: str | None, label: str) -> dict[str, list[str]]:
    """A correction's or deletion's reason is required and at most MAX_REASON characters."""
    text = (reason or "").strip()
    if not text:
        return {"reason": [f"请填写{label}"]}
    if len(text) > MAX_REASON:
        return {"reason": [f"{label}最多 {MAX_REASON} 个字"]}
    return {}


def rule_messages(year: int, data: PaymentData, ledger: Ledger, previous_voucher: str | None = None) -> dict:
    """What is wrong with ``data`` in a project of ``year`` whose payments, ``data`` included, are ``ledger``.

    ``previous_voucher`` is the voucher a corrected payment had before. Voucher uniqueness is
    checked by the caller (a query, or the file's own rows).
    """
    messages: dict[str, list[str]] = {}
    first, last = date_window(year)
    if not first <= data.paid_on <= last:
        messages["date"] = [
            f"支付日期 {data.paid_on.isoformat()} 不在预算年度 {year} 年前后一年内"
            f"（{first.isoformat()} 至 {last.isoformat()}）"
        ]
    if data.refund_of:
        problem = _refund_problem(data, ledger)
        if problem:
            messages["refund_of"] = [problem]
    if previous_voucher:
        for name, problem in _refunded_problems(data, ledger, previous_voucher):
            messages.setdefault(name, []).append(problem)
    return messages


def _refund_problem(data: PaymentData, ledger: Ledger) -> str | None:
    """A refund names an existing positive payment of the project and does not take back more than it paid."""
    original = ledger.amounts.get(data.refund_of)
    if original is None:
        return f"本项目没有凭证号为 {data.refund_of} 的支付记录，无法退款"
    if original < 0:
        return f"凭证号 {data.refund_of} 本身是一笔退款，不能再退"
    refunded = ledger.refunded[data.refund_of]
    if refunded > original:
        return f"凭证号 {data.refund_of} 原支付 {grouped(original)} 元，退款合计 {grouped(refunded)} 元，超过原支付金额"
    return None


def _refunded_problems(data: PaymentData, ledger: Ledger, previous_voucher: str) -> list[tuple[str, str]]:
    """A corrected payment that has refunds keeps its voucher and at least the refunded amount."""
    refunded = ledger.refunded.get(previous_voucher, Decimal(0))
    if not refunded:
        return []
    problems = []
    if data.voucher_no != previous_voucher:
        problems.append(("voucher_no", f"凭证号 {previous_voucher} 已有退款记录，不能修改凭证号"))
    if data.amount < refunded:
        problems.append(("amount_yuan", f"凭证号 {previous_voucher} 已退款 {grouped(refunded)} 元，金额不能少于此数"))
    return problems


def voucher_message(voucher_no: str) -> str:
    """凭证号 is unique within a project."""
    return f"本项目已有凭证号为 {voucher_no} 的支付记录"


#: The ledger's key for a write whose 凭证号 another payment of the project already has.
UNSAVED = "\0unsaved"


def voucher_problems(project_id: int, voucher_no: str | None, previous: str | None = None) -> dict[str, list[str]]:
    """``{"voucher_no": [...]}`` when another payment of the project has ``voucher_no`` (``previous``: the
    corrected payment's own), else ``{}``; pages ask it too when other fields could not be read, so a taken
    voucher is told in the same round."""
    if not voucher_no or voucher_no == previous or not _voucher_taken(project_id, voucher_no):
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
    after = snapshot(payment)
    what = "退款" if data.amount < 0 else "支付"
    record(
        actor,
        action,
        "project",
        project.id,
        f"{'导入' if action == 'payment.import' else '新增'}{what} 凭证号 {data.voucher_no}，{fmt2(data.amount)} 元"
        + _confirmed_note(found),
        {label: [None, value] for label, value in after.items() if value} | _confirmed_change(found),
    )
    return payment


def correct_payment(payment: Payment, data: PaymentData, actor: str, reason: str) -> dict:
    """Correct a payment for ``reason``; audit the fields that changed (before and after) and return them."""
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


def delete_payment(payment: Payment, actor: str, reason: str) -> None:
    """Delete a payment for ``reason`` (audited); refused while another payment refunds it."""
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
    confirmed = [FLAGS[flag][0] for name, flag in _FLAG_OF.items() if name in found.confirmed]
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


def payments_of(project_ids: Iterable[int]) -> list[Payment]:
    """Every payment of the given projects (one query)."""
    ids = list(project_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(Payment).where(Payment.project_id.in_(ids)).order_by(Payment.id)))


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
