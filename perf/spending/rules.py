"""Payments: the rules of one write, pure over a ``Ledger`` (the project's payments as they would be
after it), so the entry form, the API and a file import decide alike; what must be confirmed (past
the budget, outside the budget year) and the reasons a correction or deletion takes.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from perf.fields import unsavable
from perf.numbers import fmt2, grouped
from perf.spending.models import Payment
from perf.spending.schemas import MAX_REASON, PaymentData
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
FLAG_OF = {"amount_yuan": "over_budget", "date": "outside_year"}


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
    refused = unsavable(text, label)
    return {"reason": [refused]} if refused else {}


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
