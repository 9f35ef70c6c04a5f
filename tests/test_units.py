"""The one money-unit table: which units are money, how they convert, and when two units do not compare."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.units import MONEY_UNITS, UnitMismatch, in_wan, is_money_unit, to_target_unit, unit_mismatch


@pytest.mark.parametrize(
    ("unit", "money", "wan"),
    [
        ("万元", True, D(50)),
        ("元", True, D("0.005")),
        ("亿元", True, D(500000)),
        ("千元", True, D(5)),
        ("百万元", True, D(5000)),
        ("元/月", True, None),
        ("元/套", True, None),
        ("万元/年", True, None),
        ("%", False, None),
        ("人", False, None),
        (None, False, None),
    ],
)
def test_money_units(unit, money, wan):
    assert is_money_unit(unit) is money
    assert in_wan(D(50), unit) == wan


@pytest.mark.parametrize(
    ("target_unit", "actual_unit", "message"),
    [
        ("万元", "万元", None),
        ("万元", "元", None),  # money converts
        ("元", "亿元", None),
        ("元/月", "万元/月", None),
        ("%", None, None),  # a bare number is in the target's unit
        (None, "人", None),
        ("万元", "人", "实际完成值的单位“人”与年度指标值的单位“万元”不一致"),
        ("元/月", "元/套", "实际完成值的单位“元/套”与年度指标值的单位“元/月”不一致"),
        ("%", "人", "实际完成值的单位“人”与年度指标值的单位“%”不一致"),
    ],
)
def test_unit_mismatch(target_unit, actual_unit, message):
    assert unit_mismatch(target_unit, actual_unit) == message


@pytest.mark.parametrize(
    ("actual", "actual_unit", "target_unit", "expected"),
    [
        ("275000", "元", "万元", "27.5"),
        ("27.5", "万元", "元", "275000"),
        ("2200", "元/月", "万元/月", "0.22"),
        ("96", None, "%", "96"),
        ("96", "%", "%", "96"),
        ("1.2", "亿元", "万元", "12000"),
    ],
)
def test_to_target_unit(actual, actual_unit, target_unit, expected):
    assert to_target_unit(D(actual), actual_unit, target_unit) == D(expected)


def test_to_target_unit_refuses_a_mismatch():
    with pytest.raises(UnitMismatch, match="不一致"):
        to_target_unit(D(7), "人", "%")


@pytest.mark.parametrize(
    ("value", "unit", "target_unit", "expected"),
    [
        ("3.309840", "百万元", "万元", "330.984"),  # 3,309,840.00 元
        ("330.984", "万元", "元", "3309840"),
        ("1", "亿元", "百万元", "100"),
        ("5", "千元", "万元", "0.5"),
    ],
)
def test_every_money_unit_converts(value, unit, target_unit, expected):
    assert to_target_unit(D(value), unit, target_unit) == D(expected)
    assert unit_mismatch(target_unit, unit) is None


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(sorted(MONEY_UNITS)),
    st.sampled_from(sorted(MONEY_UNITS)),
)
def test_converting_there_and_back_is_exact(value, unit, other):
    assert to_target_unit(to_target_unit(value, unit, other), other, unit) == value
    assert in_wan(value, unit) == to_target_unit(value, unit, "万元")
