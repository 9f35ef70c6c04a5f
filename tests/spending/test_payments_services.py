"""Payment services: the rules against stored payments, the audited writes, the page's totals."""

from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.errors import RuleError
from perf.projects.queries import project_by_code
from perf.spending.models import Payment
from perf.spending.schemas import PaymentData
from perf.spending.services import (
    add_payment,
    correct_payment,
    delete_payment,
    payment_summary,
)

CODE = "13020724P00X4BL10005W"  # 预算数 28.00 万元


@pytest.fixture
def project(demo):
    return project_by_code(CODE, 2024)


@pytest.fixture
def other_project(demo):
    return project_by_code("13020724P00000410001A", 2024)


def data(voucher="PZ001", amount="98000", refund_of=None, paid_on=date(2024, 6, 30), **kwargs) -> PaymentData:
    return PaymentData(CODE, paid_on, D(amount), voucher, refund_of=refund_of, **kwargs)


def audit(session, action=None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).where(AuditEntry.action.like("payment.%")).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def rule_error(call, *args) -> dict:
    with pytest.raises(RuleError) as caught:
        call(*args)
    return caught.value.errors


def test_add_payment_stores_and_audits(session, project):
    payment = add_payment(project, data(note="网络维护费", source="other"), "t-owner")
    stored = session.get(Payment, payment.id)
    assert (stored.paid_on, stored.amount, stored.source, stored.voucher_no, stored.note, stored.refund_of) == (
        date(2024, 6, 30),
        D("98000.00"),
        "other",
        "PZ001",
        "网络维护费",
        None,
    )
    [entry] = audit(session)
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        "t-owner",
        "payment.add",
        "project",
        str(project.id),
    )
    assert entry.summary == "新增支付 凭证号 PZ001，98000.00 元"
    assert entry.changes == {
        "支付日期": [None, "2024-06-30"],
        "金额（元）": [None, "98000.00"],
        "资金来源": [None, "其他资金"],
        "凭证号": [None, "PZ001"],
        "摘要": [None, "网络维护费"],
    }


def test_a_voucher_is_unique_per_project_only(session, project, other_project):
    add_payment(project, data(), "t-owner")
    assert rule_error(add_payment, project, data(amount="1"), "t-owner") == {
        "voucher_no": ["本项目已有凭证号为 PZ001 的支付记录"]
    }
    add_payment(other_project, data(), "t-owner")  # the same voucher number in another project is fine
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 2


def test_refunds_name_an_existing_positive_payment_of_the_same_project(session, project, other_project):
    add_payment(other_project, data(voucher="PZ-OTHER"), "t-owner")
    assert rule_error(add_payment, project, data("PZ002", "-100", "PZ-OTHER"), "t-owner") == {
        "refund_of": ["本项目没有凭证号为 PZ-OTHER 的支付记录，无法退款"]
    }
    add_payment(project, data(), "t-owner")
    add_payment(project, data("PZ002", "-100", "PZ001"), "t-owner")
    assert rule_error(add_payment, project, data("PZ003", "-1", "PZ002"), "t-owner") == {
        "refund_of": ["凭证号 PZ002 本身是一笔退款，不能再退"]
    }


def test_refunds_of_a_voucher_never_exceed_it(session, project):
    add_payment(project, data(amount="1000"), "t-owner")
    add_payment(project, data("PZ002", "-400", "PZ001"), "t-owner")
    assert rule_error(add_payment, project, data("PZ003", "-600.01", "PZ001"), "t-owner") == {
        "refund_of": ["凭证号 PZ001 原支付 1,000.00 元，退款合计 1,000.01 元，超过原支付金额"]
    }
    refund = add_payment(project, data("PZ003", "-600", "PZ001"), "t-owner")
    assert refund.amount == D("-600.00")
    assert audit(session)[-1].summary == "新增退款 凭证号 PZ003，-600.00 元"
    assert payment_summary(project).total == D("0.00")


def test_dates_outside_the_budget_year_plus_minus_one_are_refused(session, project):
    wrong = {"date": ["支付日期 2204-06-30 不在预算年度 2024 年前后一年内（2023-01-01 至 2025-12-31）"]}
    assert rule_error(add_payment, project, data(paid_on=date(2204, 6, 30)), "t-owner") == wrong
    # an absurd date is no question to confirm: it stays refused
    assert rule_error(add_payment, project, data(paid_on=date(2204, 6, 30), confirmed=True), "t-owner") == wrong
    add_payment(project, data(paid_on=date(2025, 3, 1), confirmed=True), "t-owner")  # 结转 into the next year
    add_payment(project, data("PZ002", paid_on=date(2023, 12, 20), confirmed=True), "t-owner")  # paid ahead


def test_nothing_is_written_when_a_rule_is_broken(session, project):
    with pytest.raises(RuleError):
        add_payment(project, data(paid_on=date(2030, 1, 1)), "t-owner")
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 0
    assert audit(session) == []


def test_correct_payment_audits_before_and_after(session, project):
    payment = add_payment(project, data(note="维护费"), "t-owner")
    changes = correct_payment(payment, data(amount="97000", note="网络维护费"), "t-owner", " 金额录错 ")
    assert changes == {"金额（元）": ["98000.00", "97000.00"], "摘要": ["维护费", "网络维护费"]}
    entry = audit(session, "payment.correct")[0]
    assert (entry.actor, entry.object_type, entry.object_id) == ("t-owner", "project", str(project.id))
    assert entry.summary == "更正支付 凭证号 PZ001。原因：金额录错"
    assert entry.changes == {**changes, "更正原因": [None, "金额录错"]}
    assert session.get(Payment, payment.id).amount == D("97000.00")


def test_correcting_without_change_writes_no_audit_entry(session, project):
    payment = add_payment(project, data(), "t-owner")
    assert correct_payment(payment, data(), "t-owner", "核对") == {}
    assert audit(session, "payment.correct") == []


def test_a_correction_may_not_take_another_payments_voucher(session, project):
    add_payment(project, data(), "t-owner")
    second = add_payment(project, data("PZ002", "5"), "t-owner")
    assert rule_error(correct_payment, second, data("PZ001", "5"), "t-owner", "核对") == {
        "voucher_no": ["本项目已有凭证号为 PZ001 的支付记录"]
    }


def test_a_refunded_payment_keeps_its_voucher_and_covers_its_refunds(session, project):
    original = add_payment(project, data(amount="1000"), "t-owner")
    add_payment(project, data("PZ002", "-400", "PZ001"), "t-owner")
    assert rule_error(correct_payment, original, data("PZ001X", "1000"), "t-owner", "核对") == {
        "voucher_no": ["凭证号 PZ001 已有退款记录，不能修改凭证号"]
    }
    assert rule_error(correct_payment, original, data("PZ001", "300"), "t-owner", "核对") == {
        "amount_yuan": ["凭证号 PZ001 已退款 400.00 元，金额不能少于此数"]
    }
    assert correct_payment(original, data("PZ001", "400"), "t-owner", "核对") == {"金额（元）": ["1000.00", "400.00"]}


def test_a_refund_can_be_corrected_within_its_original(session, project):
    add_payment(project, data(amount="1000"), "t-owner")
    refund = add_payment(project, data("PZ002", "-400", "PZ001"), "t-owner")
    assert correct_payment(refund, data("PZ002", "-1000", "PZ001"), "t-owner", "核对") == {
        "金额（元）": ["-400.00", "-1000.00"]
    }
    assert rule_error(correct_payment, refund, data("PZ002", "-1000.01", "PZ001"), "t-owner", "核对") == {
        "refund_of": ["凭证号 PZ001 原支付 1,000.00 元，退款合计 1,000.01 元，超过原支付金额"]
    }


def test_delete_payment_audits_what_was_there(session, project):
    payment = add_payment(project, data(note="维护费"), "t-owner")
    delete_payment(payment, "t-owner", "凭证重复录入")
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 0
    entry = audit(session, "payment.delete")[0]
    assert entry.summary == "删除支付 凭证号 PZ001，98000.00 元。原因：凭证重复录入"
    assert entry.changes == {
        "支付日期": ["2024-06-30", None],
        "金额（元）": ["98000.00", None],
        "资金来源": ["财政资金", None],
        "凭证号": ["PZ001", None],
        "摘要": ["维护费", None],
        "删除原因": [None, "凭证重复录入"],
    }


def test_a_refunded_payment_cannot_be_deleted_before_its_refunds(session, project):
    original = add_payment(project, data(amount="1000"), "t-owner")
    refund = add_payment(project, data("PZ002", "-400", "PZ001"), "t-owner")
    assert rule_error(delete_payment, original, "t-owner", "重复") == {
        "": ["凭证号 PZ001 已有退款记录（凭证号 PZ002），请先删除退款"]  # the payment as a whole
    }
    delete_payment(refund, "t-owner", "重复")
    delete_payment(original, "t-owner", "重复")
    assert session.scalar(sa.select(sa.func.count(Payment.id))) == 0


@pytest.mark.parametrize(
    ("amounts", "total", "pct"),
    [
        ([], "0", "0.00"),
        (["98000"], "98000.00", "35.00"),  # 9.8 万元 of 28.00 万元
        (["50000", "48000.40"], "98000.40", "35.00"),
        (["100000", "-2000"], "98000.00", "35.00"),  # a refund is netted
        (["280000"], "280000.00", "100.00"),
        (["1854.50"], "1854.50", "0.66"),
    ],
)
def test_payment_summary_totals_and_rate(session, project, amounts, total, pct):
    first = None
    for i, amount in enumerate(amounts):
        refund_of = first.voucher_no if amount.startswith("-") else None
        created = add_payment(project, data(f"PZ{i}", amount, refund_of), "t-owner")
        first = first or created
    summary = payment_summary(project)
    assert (summary.total, summary.pct, summary.budget) == (D(total), D(pct), D("28.00"))
    assert [p.voucher_no for p in summary.payments] == [f"PZ{i}" for i in range(len(amounts))]


def test_the_database_still_refuses_an_unnamed_refund(session, project):
    # The CHECK constraint is the last line; the schema and services never get this far.
    session.add(Payment(project_id=project.id, paid_on=date(2024, 6, 30), amount=D("-1"), voucher_no="X"))
    with pytest.raises(sa.exc.IntegrityError):
        session.flush()


def test_a_voucher_saved_twice_at_once_gets_a_message_not_a_crash(session, demo, monkeypatch):
    """The second of two simultaneous saves passes the check, then meets the unique constraint."""
    from perf.spending import services

    project = project_by_code("13020724P00X4BL10005W", 2024)
    data = PaymentData(project.code, date(2024, 6, 30), D("1000"), "RACE-1")
    add_payment(project, data, "test")
    monkeypatch.setattr(services, "_voucher_taken", lambda *args: False)  # as if the first save was not yet visible
    with pytest.raises(RuleError) as caught:
        services.add_payment(project, data, "test")
    assert caught.value.errors == {"voucher_no": ["本项目已有凭证号为 RACE-1 的支付记录"]}
    assert session.scalar(sa.select(sa.func.count()).select_from(Payment)) == 1
