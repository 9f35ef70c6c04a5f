"""Progress and lag rules: exhaustive tables and properties, no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.spending.lag import DEFAULT_RULES, classify, parse_rules, ratio, worse
from perf.spending.progress import (
    Checkpoint,
    actual_pct,
    latest_checkpoint,
    next_checkpoint,
    planned_pct,
    reminder_due,
    time_pct,
)

PLAN = [
    Checkpoint(date(2024, 3, 31), "3月底", D(15)),
    Checkpoint(date(2024, 6, 30), "6月底", D(30)),
    Checkpoint(date(2024, 10, 31), "10月底", D(85)),
    Checkpoint(date(2024, 12, 31), "12月底", D(100)),
]


@pytest.mark.parametrize(
    ("paid", "budget", "expected"),
    [
        (D("98000"), D("28.00"), D("35.00")),  # 9.8万元 of 28万元
        (D("0"), D("28.00"), D("0.00")),
        (D("280000"), D("28.00"), D("100.00")),
        (D("300000"), D("28.00"), D("107.14")),  # overspent: 107.142857…
        (D("1"), D("3.71"), D("0.00")),  # 0.0027 -> 0.00
        (D("185.5"), D("3.71"), D("0.50")),  # exactly 0.5: stays
        (D("1854.5"), D("3.71"), D("5.00")),  # 4.99865 -> 5.00 half up
        (D("-5000"), D("28.00"), D("-1.79")),  # a refund larger than the payments so far
        (D("10000"), D("0"), None),  # zero budget: no percent
    ],
)
def test_actual_pct(paid, budget, expected):
    assert actual_pct(paid, budget) == expected


def test_actual_pct_rounds_half_up_not_to_even():
    # 0.125% of 1万元 is 12.5元: half up gives 0.13, banker's rounding would give 0.12
    assert actual_pct(D("12.5"), D("1")) == D("0.13")


@pytest.mark.parametrize(
    ("as_of", "planned", "latest", "coming"),
    [
        (date(2024, 1, 1), D(0), None, "3月底"),  # before the first checkpoint
        (date(2024, 3, 30), D(0), None, "3月底"),
        (date(2024, 3, 31), D(15), "3月底", "6月底"),  # exactly on a checkpoint
        (date(2024, 5, 15), D(15), "3月底", "6月底"),  # between checkpoints
        (date(2024, 6, 30), D(30), "6月底", "10月底"),
        (date(2024, 7, 1), D(30), "6月底", "10月底"),
        (date(2024, 12, 31), D(100), "12月底", None),
        (date(2025, 2, 1), D(100), "12月底", None),  # after year end
    ],
)
def test_plan_is_a_step_function(as_of, planned, latest, coming):
    assert planned_pct(PLAN, as_of) == planned
    assert getattr(latest_checkpoint(PLAN, as_of), "label", None) == latest
    assert getattr(next_checkpoint(PLAN, as_of), "label", None) == coming


def test_no_plan_expects_nothing():
    assert planned_pct([], date(2024, 7, 1)) == D(0)
    assert latest_checkpoint([], date(2024, 7, 1)) is None


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2023, 12, 31), D("0")),
        (date(2024, 1, 15), D("0.00")),
        (date(2024, 1, 31), D("8.33")),
        (date(2024, 6, 30), D("50.00")),  # 时间过半
        (date(2024, 7, 31), D("58.33")),  # 56.47% here is "1.86 points below"
        (date(2024, 8, 1), D("58.33")),
        (date(2024, 2, 29), D("16.67")),  # leap year month end
        (date(2024, 12, 31), D("100.00")),
        (date(2025, 1, 1), D("100")),
    ],
)
def test_time_pct(as_of, expected):
    assert time_pct(as_of, 2024) == expected


@pytest.mark.parametrize(
    ("planned", "actual", "level", "r", "gap"),
    [
        (D(50), D(35), "yellow", D("70.00"), D("15.00")),  # the example
        (D(30), D(0), "red", D("0.00"), D("30.00")),
        (D(0), D(0), "green", None, D("0.00")),  # nothing planned yet
        (D(0), D(5), "green", None, D("-5.00")),
        (D(50), D(30), "yellow", D("60.00"), D("20.00")),  # exactly 60 is not red
        (D(50), D("29.99"), "red", D("59.98"), D("20.01")),
        (D(50), D(40), "green", D("80.00"), D("10.00")),  # exactly 80 is green
        (D(50), D("39.99"), "yellow", D("79.98"), D("10.01")),
        (D(30), D(45), "green", D("150.00"), D("-15.00")),  # ahead of plan
        (D(100), D(100), "green", D("100.00"), D("0.00")),
    ],
)
def test_default_lag_rules(planned, actual, level, r, gap):
    assert classify(planned, actual) == type(classify(D(1), D(1)))(level, r, gap)


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=-50, max_value=200, places=2),
)
def test_lag_levels_follow_the_ratio(planned, actual):
    lag = classify(planned, actual)
    if planned == 0:
        assert lag.level == "green" and lag.ratio is None
    else:
        expected = "red" if lag.ratio < 60 else "yellow" if lag.ratio < 80 else "green"
        assert lag.level == expected
    assert lag.gap_pp == planned - actual


@given(st.decimals(min_value="0.01", max_value=100, places=2), st.decimals(min_value=0, max_value=100, places=2))
def test_spending_more_never_makes_the_level_worse(planned, actual):
    more = classify(planned, actual + 1)
    assert not worse(more.level, classify(planned, actual).level)


def test_configured_rules_replace_the_default():
    strict = parse_rules([["planned_zero", None, "green"], ["ratio_below", "90", "red"], ["always", None, "green"]])
    assert classify(D(50), D(40), strict).level == "red"
    assert classify(D(50), D(40), DEFAULT_RULES).level == "green"


@pytest.mark.parametrize(
    "config",
    [
        [],
        [["ratio_below", "60", "red"]],  # no catch-all
        [["ratio_above", "60", "red"], ["always", None, "green"]],
        [["always", None, "purple"]],
    ],
)
def test_bad_rule_configuration_is_refused(config):
    with pytest.raises(ValueError):
        parse_rules(config)


def test_ratio_rounds_half_up():
    assert ratio(D(3), D(1)) == D("33.33")
    assert ratio(D(8), D(1)) == D("12.50")


@pytest.mark.parametrize(
    ("as_of", "actual", "due"),
    [
        (date(2024, 6, 14), D(10), None),  # 16 days before 6月底: too early
        (date(2024, 6, 15), D(10), "6月底"),  # 15 days before, below 30%
        (date(2024, 6, 15), D(30), None),  # already at the planned 30%
        (date(2024, 6, 30), D(10), None),  # on a checkpoint, the next one is months away
        (date(2024, 10, 20), D(50), "10月底"),
        (date(2024, 12, 31), D(50), None),  # no checkpoint left
        (date(2024, 6, 20), None, None),  # zero budget: nothing to compare
    ],
)
def test_reminder_before_a_checkpoint(as_of, actual, due):
    coming = reminder_due(PLAN, as_of, actual, days_before=15)
    assert getattr(coming, "label", None) == due
