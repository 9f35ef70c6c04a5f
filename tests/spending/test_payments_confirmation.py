"""Payments people can trust: past the budget or outside the budget year needs a confirmation, and is marked;
correcting and deleting take a reason that goes into the audit log."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.projects.queries import project_by_code
from perf.spending.models import Payment
from perf.spending.rules import CONFIRM, confirmations, flags, reason_problems
from perf.spending.schemas import PaymentData, load_payment
from perf.spending.services import add_payment, correct_payment, delete_payment

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元 = 280,000.00 元
BUDGET = D("28.00")
IN_YEAR = date(2024, 6, 30)


def data(voucher="PZ001", amount="98000", paid_on=IN_YEAR, **kwargs) -> PaymentData:
    return PaymentData(CODE, paid_on, D(amount), voucher, **kwargs)


# --- the pure rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "asked"),
    [
        ("0", "98000", None),
        ("182000", "280000", None),  # exactly 100% is the budget, not past it
        ("182000", "280000.01", "这笔支出后累计支付 280,000.01 元，超过预算 280,000.00 元（100.00%）"),
        ("182000", "280028", "这笔支出后累计支付 280,028.00 元，超过预算 280,000.00 元（100.01%）"),
        ("280000", "345678.9", "这笔支出后累计支付 345,678.90 元，超过预算 280,000.00 元（123.46%）"),
        ("300000", "290000", None),  # a refund lowers the total: nothing to confirm though still past
        ("300000", "270000", None),  # a refund that brings it back under
        ("270000", "280000", None),  # paying up to the budget again after a refund
        ("290000", "290000", None),  # a correction that keeps the total (a note, a voucher)
    ],
)
def test_past_the_budget_is_asked_only_when_the_write_raises_the_total_past_it(before, after, asked):
    found = confirmations(2024, BUDGET, data(), D(before), D(after))
    assert found.get("amount_yuan") == asked
    assert "date" not in found


@pytest.mark.parametrize(
    ("paid_on", "asked"),
    [
        (date(2023, 12, 31), "支付日期 2023-12-31 不在 2024 预算年度内"),  # one day early
        (date(2024, 1, 1), None),
        (date(2024, 12, 31), None),
        (date(2025, 1, 1), "支付日期 2025-01-01 不在 2024 预算年度内"),  # one day late
    ],
)
def test_a_date_outside_the_budget_year_is_asked(paid_on, asked):
    assert confirmations(2024, BUDGET, data(paid_on=paid_on), D(0), D(98000)).get("date") == asked


def test_a_correction_says_so_and_a_zero_budget_has_no_percent():
    found = confirmations(2024, BUDGET, data(), D("280000"), D("280001"), correcting=True)
    assert found["amount_yuan"] == "更正后累计支付 280,001.00 元，超过预算 280,000.00 元（100.00%）"
    zero = confirmations(2024, D(0), data(), D(0), D(1))
    assert zero["amount_yuan"] == "这笔支出后累计支付 1.00 元，超过预算 0.00 元"


cents = st.integers(min_value=-(10**9), max_value=10**9).map(lambda n: D(n) / 100)


@given(before=cents, after=cents)
def test_asked_exactly_when_the_total_rises_past_the_budget(before, after):
    asked = "amount_yuan" in confirmations(2024, BUDGET, data(), before, after)
    assert asked == (after > D(280000) and after > before)


@pytest.mark.parametrize(
    ("reason", "problems"),
    [
        ("金额录错", {}),
        ("", {"reason": ["请填写更正原因"]}),
        ("   ", {"reason": ["请填写更正原因"]}),
        (None, {"reason": ["请填写更正原因"]}),
        ("字" * 2000, {}),
        ("字" * 2001, {"reason": ["更正原因最多 2000 个字"]}),
    ],
)
def test_a_reason_is_required_and_at_most_2000_characters(reason, problems):
    assert reason_problems(reason, "更正原因") == problems


@pytest.mark.parametrize(
    ("given", "read"),
    [("是", True), ("确认", True), ("√", True), ("TRUE", True), (True, True), ("", False), ("否", False)],
)
def test_the_confirmation_reads_as_people_write_it(given, read):
    raw = {"project_code": CODE, "date": "2024-06-30", "amount_yuan": "1", "voucher_no": "X", "confirmed": given}
    assert load_payment(raw).confirmed is read


def test_a_confirmation_cell_that_says_something_else_is_refused():
    raw = {"project_code": CODE, "date": "2024-06-30", "amount_yuan": "1", "voucher_no": "X", "confirmed": "可能"}
    with pytest.raises(RuleError) as caught:
        load_payment(raw)
    assert caught.value.errors == {"confirmed": ["确认应填“是”（我已核实，仍要保存）或留空"]}


# --- the services -------------------------------------------------------------------------------


@pytest.fixture
def project(demo):
    return project_by_code(CODE, 2024)


def refused(call, *args) -> dict:
    with pytest.raises(RuleError) as caught:
        call(*args)
    return caught.value.errors


def entries(session, action) -> list[AuditEntry]:
    return list(session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_a_payment_past_the_budget_is_saved_only_when_confirmed_and_is_marked(session, project):
    first = add_payment(project, data(amount="280000"), "t-owner")  # exactly 100%
    assert first.over_budget is False and flags(first, 2024) == []
    assert refused(add_payment, project, data("PZ002", "28"), "t-owner") == {
        "amount_yuan": ["这笔支出后累计支付 280,028.00 元，超过预算 280,000.00 元（100.01%），请确认后再保存"],
        "confirmed": [CONFIRM],
    }
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    second = add_payment(project, data("PZ002", "28", confirmed=True), "t-owner")
    assert second.over_budget is True and flags(second, 2024) == ["over_budget"]
    entry = entries(session, "payment.add")[-1]
    assert entry.summary == "新增支付 凭证号 PZ002，28.00 元（已确认超预算）"
    assert entry.changes["核实确认"] == [
        None,
        "我已核实，仍要保存：这笔支出后累计支付 280,028.00 元，超过预算 280,000.00 元（100.01%）",
    ]


def test_a_refund_of_a_project_past_its_budget_needs_no_confirmation(session, project):
    add_payment(project, data(amount="300000", confirmed=True), "t-owner")
    refund = add_payment(project, data("PZ002", "-10000", refund_of="PZ001"), "t-owner")  # still past: lowers it
    assert refund.over_budget is False
    add_payment(project, data("PZ003", "-20000", refund_of="PZ001"), "t-owner")  # back at 270,000.00
    assert add_payment(project, data("PZ004", "10000"), "t-owner").over_budget is False  # 280,000.00 again


def test_a_date_one_day_outside_the_year_needs_confirmation(session, project):
    for voucher, paid_on in (("PZ-EARLY", date(2023, 12, 31)), ("PZ-LATE", date(2025, 1, 1))):
        assert refused(add_payment, project, data(voucher, "100", paid_on), "t-owner") == {
            "date": [f"支付日期 {paid_on.isoformat()} 不在 2024 预算年度内，请确认后再保存"],
            "confirmed": [CONFIRM],
        }
        payment = add_payment(project, data(voucher, "100", paid_on, confirmed=True), "t-owner")
        assert flags(payment, 2024) == ["outside_year"]
        assert entries(session, "payment.add")[-1].summary.endswith("（已确认跨年度）")
    for voucher, paid_on in (("PZ-FIRST", date(2024, 1, 1)), ("PZ-LAST", date(2024, 12, 31))):
        assert flags(add_payment(project, data(voucher, "100", paid_on), "t-owner"), 2024) == []


def test_both_at_once_are_asked_together_and_both_marked(session, project):
    errors = refused(add_payment, project, data(amount="300000", paid_on=date(2025, 1, 1)), "t-owner")
    assert sorted(errors) == ["amount_yuan", "confirmed", "date"]
    payment = add_payment(project, data(amount="300000", paid_on=date(2025, 1, 1), confirmed=True), "t-owner")
    assert flags(payment, 2024) == ["over_budget", "outside_year"]
    assert entries(session, "payment.add")[-1].summary.endswith("（已确认超预算、跨年度）")


def test_a_correction_asks_when_it_raises_the_total_past_the_budget_and_keeps_what_was_confirmed(session, project):
    payment = add_payment(project, data(amount="280000"), "t-owner")
    assert refused(correct_payment, payment, data(amount="280001"), "t-owner", "按凭证更正") == {
        "amount_yuan": ["更正后累计支付 280,001.00 元，超过预算 280,000.00 元（100.00%），请确认后再保存"],
        "confirmed": [CONFIRM],
    }
    correct_payment(payment, data(amount="280001", confirmed=True), "t-owner", "按凭证更正")
    assert payment.over_budget is True
    assert entries(session, "payment.correct")[-1].summary == "更正支付 凭证号 PZ001（已确认超预算）。原因：按凭证更正"
    correct_payment(payment, data(amount="280001", note="补摘要"), "t-owner", "补摘要")  # not asked again
    assert payment.over_budget is True
    correct_payment(payment, data(amount="250000", note="补摘要"), "t-owner", "金额录错")  # within the budget now
    assert payment.over_budget is False


def test_a_correction_keeping_an_outside_date_is_not_asked_again(session, project):
    payment = add_payment(project, data(paid_on=date(2025, 1, 5), confirmed=True), "t-owner")
    correct_payment(payment, data(paid_on=date(2025, 1, 5), note="结转"), "t-owner", "补摘要")
    assert "date" in refused(correct_payment, payment, data(paid_on=date(2025, 1, 6)), "t-owner", "改日期")


def test_a_correction_without_reason_is_refused_with_every_other_problem_at_once(session, project):
    add_payment(project, data("PZ002", "1"), "t-owner")
    payment = add_payment(project, data(), "t-owner")
    assert refused(correct_payment, payment, data(amount="300000"), "t-owner", " ") == {
        "reason": ["请填写更正原因"],
        "amount_yuan": ["更正后累计支付 300,001.00 元，超过预算 280,000.00 元（107.14%），请确认后再保存"],
        "confirmed": [CONFIRM],
    }
    assert refused(correct_payment, payment, data("PZ002"), "t-owner", "") == {
        "reason": ["请填写更正原因"],
        "voucher_no": ["本项目已有凭证号为 PZ002 的支付记录"],
    }
    assert session.get(Payment, payment.id).amount == D("98000.00")
    assert entries(session, "payment.correct") == []


def test_a_deletion_without_reason_is_refused_and_nothing_is_deleted(session, project):
    payment = add_payment(project, data(), "t-owner")
    assert refused(delete_payment, payment, "t-owner", "") == {"reason": ["请填写删除原因"]}
    assert refused(delete_payment, payment, "t-owner", "字" * 2001) == {"reason": ["删除原因最多 2000 个字"]}
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 1
    assert entries(session, "payment.delete") == []
