"""The year-end forecast: exhaustive tables and properties, no database."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from perf.numbers import round0
from perf.spending.forecast import (
    falls_short,
    forecast_text,
    plan_to_date,
    shortfall_margin,
    shortfall_text,
    year_end_forecast,
)
from perf.spending.progress import Checkpoint

DATES = (date(2024, 3, 31), date(2024, 6, 30), date(2024, 10, 31), date(2024, 12, 31))
LABELS = ("3月底", "6月底", "10月底", "12月底")


def plan(*pcts) -> list[Checkpoint]:
    return [Checkpoint(day, label, D(pct)) for day, label, pct in zip(DATES, LABELS, pcts, strict=True)]


PLAN = plan(15, 30, 85, 100)  # 网络维护费's plan
LATE = plan(0, 0, 60, 100)  # nothing planned before 10月底
BUDGET = D("28.00")  # 万元 = 280,000 元


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 1, 1), None),  # before the first checkpoint: no forecast at all
        (date(2024, 3, 30), None),
        (date(2024, 3, 31), D(15)),  # on a checkpoint: its percent
        (date(2024, 5, 15), D(15) + D(15) * 45 / 91),  # 45 of the 91 days to 6月底
        (date(2024, 6, 30), D(30)),
        (date(2024, 7, 1), D(30) + D(55) / 123),
        (date(2024, 12, 31), D(100)),
        (date(2025, 1, 10), D(100)),  # after the last checkpoint: its percent
    ],
)
def test_plan_to_date_is_a_line_between_checkpoints(as_of, expected):
    assert plan_to_date(PLAN, as_of) == expected


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2024, 3, 31), None),  # the checkpoint plans nothing yet
        (date(2024, 8, 1), None),  # still nothing planned at the latest passed checkpoint
        (date(2024, 10, 31), D(60)),
        (date(2024, 11, 30), D(60) + D(40) * 30 / 61),
    ],
)
def test_no_plan_to_date_while_nothing_is_planned(as_of, expected):
    assert plan_to_date(LATE, as_of) == expected


def test_no_plan_no_forecast():
    assert plan_to_date([], date(2024, 7, 1)) is None
    assert year_end_forecast(D("1000"), BUDGET, [], date(2024, 7, 1)) is None


@pytest.mark.parametrize(
    ("paid", "budget", "the_plan", "as_of", "expected"),
    [
        # before the first checkpoint nothing is forecast, whatever was paid
        (D("0"), BUDGET, PLAN, date(2024, 2, 15), None),
        (D("100000"), BUDGET, PLAN, date(2024, 3, 30), None),
        # on plan at a checkpoint: the whole budget
        (D("42000"), BUDGET, PLAN, date(2024, 3, 31), D(100)),
        (D("84000"), BUDGET, PLAN, date(2024, 6, 30), D(100)),
        # half the planned pace: half the budget
        (D("21000"), BUDGET, PLAN, date(2024, 3, 31), D(50)),
        # nothing paid by a checkpoint with something planned: 0
        (D("0"), BUDGET, PLAN, date(2024, 6, 30), D(0)),
        # time passing after a checkpoint counts: 30 ÷ 30.447… = 98.53 -> 99
        (D("84000"), BUDGET, PLAN, date(2024, 7, 1), D(99)),
        # two months after 6月底 with nothing more paid: 30 ÷ 57.28 = 52.38 -> 52
        (D("84000"), BUDGET, PLAN, date(2024, 8, 30), D(52)),
        # at and after year end the forecast is what was paid
        (D("201600"), BUDGET, PLAN, date(2024, 12, 31), D(72)),
        (D("201600"), BUDGET, PLAN, date(2025, 1, 10), D(72)),
        # ahead of plan: the budget, not more
        (D("140000"), BUDGET, PLAN, date(2024, 3, 31), D(100)),
        (D("280000"), BUDGET, PLAN, date(2024, 6, 30), D(100)),
        # already over the budget: what was paid (107.14 -> 107)
        (D("300000"), BUDGET, PLAN, date(2024, 6, 30), D(107)),
        (D("300000"), BUDGET, PLAN, date(2024, 12, 31), D(107)),
        # refunds larger than the payments so far: never negative
        (D("-5000"), BUDGET, PLAN, date(2024, 6, 30), D(0)),
        # a budget of 0: no percent, no forecast
        (D("10000"), D("0"), PLAN, date(2024, 6, 30), None),
        # nothing planned before 10月底: no forecast until then
        (D("0"), BUDGET, LATE, date(2024, 7, 1), None),
        (D("84000"), BUDGET, LATE, date(2024, 10, 31), D(50)),  # 30 ÷ 60
        # half up, not to even: 29 ÷ 40 = 72.5 -> 73
        (D("81200"), BUDGET, plan(20, 40, 80, 100), date(2024, 6, 30), D(73)),
        # 28.5 ÷ 30 = 95 exactly; just under half a percent stays down: 99.4 -> 99
        (D("79800"), BUDGET, PLAN, date(2024, 6, 30), D(95)),
        (D("83496"), BUDGET, PLAN, date(2024, 6, 30), D(99)),
    ],
)
def test_year_end_forecast(paid, budget, the_plan, as_of, expected):
    result = year_end_forecast(paid, budget, the_plan, as_of)
    assert result == expected
    if result is not None:
        assert isinstance(result, D) and result.as_tuple().exponent == 0


@pytest.mark.parametrize(
    ("forecast", "level", "margin", "short"),
    [
        (None, "green", D(10), False),  # nothing forecast: nothing to warn about
        (D(72), "green", D(10), True),
        (D(89), "green", D(10), True),  # 11 points short
        (D(90), "green", D(10), False),  # exactly the margin is not "more than"
        (D(100), "green", D(10), False),
        (D(107), "green", D(10), False),  # over the budget is not a shortfall
        (D(72), "yellow", D(10), False),  # a lagging project has its alert
        (D(40), "red", D(10), False),
        (D(99), "green", D(0), True),  # margin 0: anything short of 100
        (D(100), "green", D(0), False),
        (D(80), "green", D("20.5"), False),
        (D(79), "green", D("20.5"), True),
    ],
)
def test_falls_short(forecast, level, margin, short):
    assert falls_short(forecast, level, margin) is short


def test_falls_short_uses_ten_points_by_default():
    assert falls_short(D(89), "green") and not falls_short(D(90), "green")


@pytest.mark.parametrize(
    ("setting", "expected"),
    [(10, D("10.00")), ("10", D("10.00")), ("5.5", D("5.50")), (0, D("0.00")), (100, D("100.00"))],
)
def test_shortfall_margin_setting(setting, expected):
    assert shortfall_margin(setting) == expected


@pytest.mark.parametrize("setting", ["abc", "", "-1", 101, "NaN", "Infinity", None])
def test_a_bad_shortfall_margin_is_refused(setting):
    with pytest.raises(ValueError, match="FORECAST_SHORTFALL_MARGIN"):
        shortfall_margin(setting)


@pytest.mark.parametrize(
    ("forecast", "has_plan", "text"),
    [
        (D(72), True, "按目前进度，12月底预计执行 72%"),
        (D(0), True, "按目前进度，12月底预计执行 0%"),
        (D(107), True, "按目前进度，12月底预计执行 107%"),
        (None, True, "首个安排了支出的计划节点之后才作年底预计"),
        (None, False, "没有资金支出计划，不作年底预计"),
    ],
)
def test_forecast_text(forecast, has_plan, text):
    assert forecast_text(forecast, has_plan) == text


def test_shortfall_text():
    assert shortfall_text(D(72)) == "当前进度正常，但按目前进度年底预计只能执行 72%"


@pytest.mark.parametrize(("value", "expected"), [("72.5", 73), ("72.49", 72), ("0.5", 1), ("-0.5", -1), ("98.53", 99)])
def test_round0_is_half_up(value, expected):
    assert round0(D(value)) == D(expected)


# --- properties ------------------------------------------------------------------------------

percents = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def plans(draw):
    """A valid 资金支出计划: four cumulative percents that never go down and end at 100."""
    values = [*sorted(draw(st.lists(percents, min_size=3, max_size=3))), D(100)]
    return plan(*values)


money = st.decimals(min_value=-100_000, max_value=2_000_000, places=2)
budgets = st.decimals(min_value="0.01", max_value=1000, places=2)
days = st.dates(min_value=date(2023, 12, 1), max_value=date(2025, 2, 1))


@given(plans(), budgets, days, money, money)
def test_paying_more_never_lowers_the_forecast(the_plan, budget, as_of, a, b):
    low, high = sorted((a, b))
    first, second = year_end_forecast(low, budget, the_plan, as_of), year_end_forecast(high, budget, the_plan, as_of)
    assert (first is None) == (second is None)
    if first is not None:
        assert first <= second


@given(plans(), budgets, days, money)
def test_the_forecast_is_a_whole_nonnegative_percent_never_below_what_was_paid(the_plan, budget, as_of, paid):
    forecast = year_end_forecast(paid, budget, the_plan, as_of)
    if forecast is None:
        assert plan_to_date(the_plan, as_of) is None
        return
    share = paid / (budget * 10_000) * 100
    assert isinstance(forecast, D) and forecast.as_tuple().exponent == 0
    assert forecast >= 0
    assert forecast >= round0(share)  # never less than already paid
    assert forecast <= max(D(100), round0(share))  # more than the budget only once it is paid


@given(plans(), budgets, money)
def test_at_year_end_the_forecast_is_what_was_paid(the_plan, budget, paid):
    share = paid / (budget * 10_000) * 100
    assert year_end_forecast(paid, budget, the_plan, date(2024, 12, 31)) == max(D(0), round0(share))


@given(plans(), days)
def test_plan_to_date_stays_within_the_plan(the_plan, as_of):
    expected = plan_to_date(the_plan, as_of)
    if expected is None:
        return
    assert 0 < expected <= 100
    passed = [cp.planned_pct for cp in the_plan if cp.on_date <= as_of]
    coming = [cp.planned_pct for cp in the_plan if cp.on_date > as_of]
    assert passed[-1] <= expected <= (coming[0] if coming else passed[-1])


@given(plans(), st.dates(min_value=date(2024, 3, 31), max_value=date(2024, 12, 30)))
def test_plan_to_date_never_goes_down(the_plan, as_of):
    today, tomorrow = plan_to_date(the_plan, as_of), plan_to_date(the_plan, as_of + timedelta(days=1))
    if today is not None:
        assert tomorrow is not None and today <= tomorrow
