"""PaymentSchema and the pure payment rules: every accepted and refused form, no database."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from marshmallow import ValidationError

from perf.spending.rules import Ledger, rule_messages
from perf.spending.schemas import PaymentData, PaymentSchema

BASE = {"project_code": "13020724P00X4BL10005W", "date": "2024-06-30", "amount_yuan": "98000", "voucher_no": "PZ001"}


def load(**changes):
    record = {**BASE, **changes}
    return PaymentSchema().load({k: v for k, v in record.items() if v is not ...})


def errors(**changes) -> dict:
    with pytest.raises(ValidationError) as caught:
        load(**changes)
    return caught.value.messages


def test_a_minimal_row_loads_into_payment_data():
    assert load() == PaymentData(
        project_code="13020724P00X4BL10005W",
        paid_on=date(2024, 6, 30),
        amount=D("98000.00"),
        voucher_no="PZ001",
        source="fiscal",
        note="",
        refund_of=None,
    )


@pytest.mark.parametrize(
    "given",
    [
        "2024-06-30",
        "2024-6-30",
        "2024/6/30",
        "2024/06/30",
        "2024.6.30",
        "20240630",
        "2024年6月30日",
        "2024年06月30日",
        "2024年6月30",
        "２０２４年６月３０日",
        " 2024-06-30 ",
        "2024-06-30 00:00:00",
        "2024/6/30 0:00",
        "2024-06-30T00:00:00",
        date(2024, 6, 30),
        datetime(2024, 6, 30, 0, 0),
    ],
)
def test_accepted_dates(given):
    assert load(date=given).paid_on == date(2024, 6, 30)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "请填写支付日期"),
        ("   ", "请填写支付日期"),
        (None, "请填写支付日期"),
        (..., "请填写支付日期"),
        ("2024-02-30", "支付日期 2024-02-30 不存在"),
        ("2024年13月1日", "支付日期 2024年13月1日 不存在"),
        ("30/06/2024", "支付日期“30/06/2024”格式不正确，应为 2024-06-30、2024/6/30 或 2024年6月30日"),
        ("2024-06/30", "支付日期“2024-06/30”格式不正确，应为 2024-06-30、2024/6/30 或 2024年6月30日"),
        ("六月三十日", "支付日期“六月三十日”格式不正确，应为 2024-06-30、2024/6/30 或 2024年6月30日"),
        (45473, "支付日期格式不正确，应为 2024-06-30、2024/6/30 或 2024年6月30日"),
    ],
)
def test_refused_dates(given, message):
    assert errors(date=given) == {"date": [message]}


@pytest.mark.parametrize(
    ("given", "amount"),
    [
        ("98000", "98000.00"),
        ("98000.5", "98000.50"),
        ("98,000.00", "98000.00"),
        ("1,234,567.89", "1234567.89"),
        ("９８，０００．００", "98000.00"),  # 全角
        ("¥98,000.00", "98000.00"),
        ("98000元", "98000.00"),
        (" 98000 ", "98000.00"),
        ("-5000", "-5000.00"),
        ("－5,000.00", "-5000.00"),
        ("+12.3", "12.30"),
        ("0.01", "0.01"),
        ("1.230", "1.23"),  # a trailing zero is not a third place
        ("99999999999999.99", "99999999999999.99"),
        (98000, "98000.00"),
        (D("12.5"), "12.50"),
    ],
)
def test_accepted_amounts(given, amount):
    changes = {"amount_yuan": given}
    if amount.startswith("-"):
        changes["refund_of"] = "PZ000"
    assert load(**changes).amount == D(amount)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "请填写金额"),
        (None, "请填写金额"),
        (..., "请填写金额"),
        ("0", "金额不能为 0"),
        ("0.00", "金额不能为 0"),
        ("-0", "金额不能为 0"),
        ("1.234", "金额最多 2 位小数（精确到分）"),
        ("100000000000000", "金额超出范围（不超过 14 位整数）"),
        ("abc", "金额“abc”不是有效数字（千分位须每三位一个逗号），如 98000 或 98,000.00"),
        ("1,23", "金额“1,23”不是有效数字（千分位须每三位一个逗号），如 98000 或 98,000.00"),
        ("1e5", "金额“1e5”不是有效数字（千分位须每三位一个逗号），如 98000 或 98,000.00"),
        ("NaN", "金额“NaN”不是有效数字（千分位须每三位一个逗号），如 98000 或 98,000.00"),
        (98000.5, '金额请以文本给出（如 "98000.00"），以免浮点误差'),
        (True, "金额应为数字，如 98000 或 98,000.00"),
    ],
)
def test_refused_amounts(given, message):
    assert errors(amount_yuan=given) == {"amount_yuan": [message]}


@pytest.mark.parametrize(
    ("given", "voucher"),
    [
        ("PZ001", "PZ001"),
        (" PZ001 ", "PZ001"),
        ("ＰＺ００１", "PZ001"),
        ("记-2024-0001", "记-2024-0001"),
        ("x" * 64, "x" * 64),
    ],
)
def test_accepted_vouchers(given, voucher):
    assert load(voucher_no=given).voucher_no == voucher


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "请填写凭证号"),
        (None, "请填写凭证号"),
        (..., "请填写凭证号"),
        ("x" * 65, "凭证号最多 64 个字符"),
        (1, "凭证号应为文本"),
    ],
)
def test_refused_vouchers(given, message):
    assert errors(voucher_no=given) == {"voucher_no": [message]}


@pytest.mark.parametrize(
    ("given", "source"),
    [
        (..., "fiscal"),
        ("", "fiscal"),
        (None, "fiscal"),
        ("财政资金", "fiscal"),
        ("财政", "fiscal"),
        ("fiscal", "fiscal"),
        ("Fiscal", "fiscal"),
        ("其他资金", "other"),
        ("其他", "other"),
        (" other ", "other"),
    ],
)
def test_accepted_sources(given, source):
    assert load(source=given).source == source


@pytest.mark.parametrize("given", ["自筹", "fund", "1"])
def test_refused_sources(given):
    assert errors(source=given) == {"source": [f"资金来源“{given}”应为“财政资金”或“其他资金”"]}


@pytest.mark.parametrize(("given", "note"), [(..., ""), ("", ""), (None, ""), (" 网络维护费 ", "网络维护费")])
def test_notes(given, note):
    assert load(note=given).note == note


def test_a_long_note_is_refused():
    assert errors(note="字" * 501) == {"note": ["摘要最多 500 个字符"]}


def test_project_code_is_required_unless_partial():
    assert errors(project_code=...) == {"project_code": ["请填写项目编码"]}
    assert errors(project_code=" ") == {"project_code": ["请填写项目编码"]}
    data = PaymentSchema().load({k: v for k, v in BASE.items() if k != "project_code"}, partial=("project_code",))
    assert data.project_code is None


@pytest.mark.parametrize(
    ("amount", "refund_of", "expected"),
    [
        ("-100", "PZ000", "PZ000"),
        ("-100", "ＰＺ０００", "PZ000"),
        ("100", "", None),
        ("100", None, None),
    ],
)
def test_refunds_name_a_voucher(amount, refund_of, expected):
    assert load(amount_yuan=amount, refund_of=refund_of).refund_of == expected


@pytest.mark.parametrize(
    ("amount", "refund_of", "message"),
    [
        ("-100", None, "退款（负数金额）须填写原凭证号"),
        ("-100", "  ", "退款（负数金额）须填写原凭证号"),
        ("100", "PZ000", "正数金额不是退款，不应填写原凭证号"),
        ("-100", "PZ001", "退款的原凭证号不能是它自己的凭证号"),
    ],
)
def test_refund_rules(amount, refund_of, message):
    assert errors(amount_yuan=amount, refund_of=refund_of) == {"refund_of": [message]}


def test_unknown_fields_and_wrong_types_are_refused_in_chinese():
    assert errors(payee="某公司") == {"payee": ["未知字段"]}
    with pytest.raises(ValidationError) as caught:
        PaymentSchema().load(["not", "an", "object"])
    assert caught.value.messages == {"_schema": ["应为一个对象（键值对）"]}


def test_every_problem_of_a_row_is_reported_at_once():
    assert errors(date="x", amount_yuan="0", voucher_no="") == {
        "date": ["支付日期“x”格式不正确，应为 2024-06-30、2024/6/30 或 2024年6月30日"],
        "amount_yuan": ["金额不能为 0"],
        "voucher_no": ["请填写凭证号"],
    }


def test_dump_gives_api_shaped_strings():
    assert PaymentSchema().dump(load(amount_yuan="98,000.5", source="其他资金")) == {
        "project_code": "13020724P00X4BL10005W",
        "date": "2024-06-30",
        "amount_yuan": "98000.50",
        "voucher_no": "PZ001",
        "note": "",
        "source": "other",
        "refund_of": None,
    }


# --- the pure rules ---------------------------------------------------------------------


def payment(voucher="PZ009", amount="100", refund_of=None, paid_on=date(2024, 6, 30)) -> PaymentData:
    return PaymentData("X", paid_on, D(amount), voucher, refund_of=refund_of)


def ledger_with(*entries, new: PaymentData | None = None) -> Ledger:
    ledger = Ledger.of((v, D(a), r) for v, a, r in entries)
    if new is not None:
        ledger.add(new.voucher_no, new.amount, new.refund_of)
    return ledger


@pytest.mark.parametrize(
    ("paid_on", "ok"),
    [
        (date(2023, 1, 1), True),
        (date(2024, 6, 30), True),
        (date(2025, 12, 31), True),
        (date(2022, 12, 31), False),
        (date(2026, 1, 1), False),
        (date(2204, 6, 30), False),
    ],
)
def test_payment_dates_lie_within_the_budget_year_plus_minus_one(paid_on, ok):
    data = payment(paid_on=paid_on)
    messages = rule_messages(2024, data, ledger_with(new=data))
    expected = (
        {}
        if ok
        else {"date": [f"支付日期 {paid_on.isoformat()} 不在预算年度 2024 年前后一年内（2023-01-01 至 2025-12-31）"]}
    )
    assert messages == expected


@pytest.mark.parametrize(
    ("stored", "amount", "refund_of", "message"),
    [
        ([("PZ001", "1000", None)], "-1000", "PZ001", None),  # a full refund
        ([("PZ001", "1000", None), ("PZ002", "-400", "PZ001")], "-600", "PZ001", None),  # the rest
        ([], "-1", "PZ404", "本项目没有凭证号为 PZ404 的支付记录，无法退款"),
        (
            [("PZ001", "1000", None)],
            "-1000.01",
            "PZ001",
            "凭证号 PZ001 原支付 1,000.00 元，退款合计 1,000.01 元，超过原支付金额",
        ),
        (
            [("PZ001", "1000", None), ("PZ002", "-400", "PZ001")],
            "-600.01",
            "PZ001",
            "凭证号 PZ001 原支付 1,000.00 元，退款合计 1,000.01 元，超过原支付金额",
        ),
        (
            [("PZ001", "1000", None), ("PZ002", "-400", "PZ001")],
            "-1",
            "PZ002",
            "凭证号 PZ002 本身是一笔退款，不能再退",
        ),
    ],
)
def test_refund_rules_against_the_ledger(stored, amount, refund_of, message):
    data = payment(voucher="PZ009", amount=amount, refund_of=refund_of)
    messages = rule_messages(2024, data, ledger_with(*stored, new=data))
    assert messages == ({} if message is None else {"refund_of": [message]})


@pytest.mark.parametrize(
    ("voucher", "amount", "expected"),
    [
        ("PZ001", "600", {}),
        ("PZ001", "400", {}),  # exactly what was refunded
        ("PZ001", "399.99", {"amount_yuan": ["凭证号 PZ001 已退款 400.00 元，金额不能少于此数"]}),
        ("PZ00X", "600", {"voucher_no": ["凭证号 PZ001 已有退款记录，不能修改凭证号"]}),
    ],
)
def test_a_refunded_payment_keeps_its_voucher_and_enough_amount(voucher, amount, expected):
    data = payment(voucher=voucher, amount=amount)
    ledger = ledger_with(("PZ002", "-400", "PZ001"), new=data)
    assert rule_messages(2024, data, ledger, previous_voucher="PZ001") == expected


def test_every_stored_column_is_read_by_the_schema_and_labelled():
    """A column added to Payment must be added to PaymentSchema too; the services, the audit and the
    form then take it from there (the "one hop" of adding an import column)."""
    from perf.spending.models import Payment
    from perf.spending.schemas import LABELS, STORED

    # over_budget is no input: the services set it when a payment past the budget is confirmed; nor is
    # the version a correction is checked against
    bookkeeping = {"id", "project_id", "created_at", "over_budget", "lock_version"}
    columns = {c.key for c in Payment.__table__.columns} - bookkeeping
    assert set(STORED) == columns
    assert LABELS == {
        "paid_on": "支付日期",
        "amount": "金额（元）",
        "source": "资金来源",
        "voucher_no": "凭证号",
        "refund_of": "原凭证号",
        "note": "摘要",
    }
