"""Money exact to the 分 in 万元 (perf.numbers): how a stored amount is written, and 元 ↔ 万元 without loss."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from perf.documents._headers import yuan_to_wan
from perf.fields import WanAmount
from perf.numbers import WAN_INTEGER_DIGITS, exact_wan, wan_grouped, wan_text, wan_to_yuan

D = Decimal


@pytest.mark.parametrize(
    ("value", "text", "grouped"),
    [
        ("28", "28.00", "28.00"),
        ("28.1", "28.10", "28.10"),
        ("28.10", "28.10", "28.10"),
        ("0", "0.00", "0.00"),
        ("330.984", "330.984", "330.984"),
        ("1330.984", "1330.984", "1,330.984"),
        ("1234567.5", "1234567.50", "1,234,567.50"),
        ("0.000001", "0.000001", "0.000001"),
        ("12.500000", "12.50", "12.50"),
        ("999999999.999999", "999999999.999999", "999,999,999.999999"),
        # A sum read back from SQLite's REAL: the float noise past six places goes.
        ("32.89999999999999857891452847979962825775146484375", "32.90", "32.90"),
        ("330.98400000000004", "330.984", "330.984"),
    ],
)
def test_a_wan_amount_is_written_with_two_places_or_every_place_it_has(value, text, grouped):
    assert (wan_text(D(value)), wan_grouped(D(value))) == (text, grouped)


def test_none_stays_none():
    assert (wan_text(None), wan_grouped(None), wan_to_yuan(None)) == (None, None, None)


@pytest.mark.parametrize(
    ("wan", "yuan"),
    [("330.984", "3309840.00"), ("28", "280000.00"), ("0.000001", "0.01"), ("8.82762053", "88276.21")],
)
def test_wan_to_yuan_is_two_places_half_up(wan, yuan):
    assert f"{wan_to_yuan(D(wan)):f}" == yuan


yuan_amounts = st.decimals(min_value=0, max_value=D(10) ** (WAN_INTEGER_DIGITS + 4) - D("0.01"), places=2)


@given(yuan_amounts)
def test_any_amount_in_yuan_to_the_fen_survives_wan_and_back(yuan):
    wan = yuan_to_wan(yuan)
    assert wan_to_yuan(wan) == yuan
    assert exact_wan(wan) == wan
    # What perf writes (export, form input) reads back as the same amount.
    assert WanAmount().deserialize(wan_text(wan)) == wan
    assert D(wan_grouped(wan).replace(",", "")) == wan
    # Fifteen significant digits at most: SQLite's REAL holds it exactly.
    assert float(f"{wan:f}") == float(wan) and exact_wan(D(float(wan))) == wan


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0000001", "以万元计最多 6 位小数（即精确到分）"),
        ("1000000000", "整数部分最多 9 位"),
        ("-1", "不能为负数"),
        ("一百", "请输入数字"),
    ],
)
def test_a_wan_amount_field_refuses_what_is_not_exact_to_the_fen(text, message):
    with pytest.raises(ValidationError) as refused:
        WanAmount("预算数").deserialize(text)
    assert refused.value.messages == [message]


@pytest.mark.parametrize(
    ("text", "value"), [("330.984", "330.984"), ("1,330.984", "1330.984"), ("３３０.９８４", "330.984")]
)
def test_a_wan_amount_field_reads_six_places_as_typed(text, value):
    assert WanAmount("预算数").deserialize(text) == D(value)
