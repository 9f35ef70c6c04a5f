"""The mid-year lights, without a database: table-driven cases and properties at the band edges."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from perf.midyear import lights
from perf.midyear.lights import BLUE, GREEN, MISSING, RED, YELLOW, Light, Target
from perf.midyear.settings import RoundSettingError, parse_round, round_date
from perf.numbers import round2
from perf.projects.indicator_value import Comparator, Direction, Kind, parse_value
from perf.projects.indicators import effective_direction


def target(text: str, level1: str = "产出指标", level2: str = "数量指标") -> Target:
    parsed = parse_value(text)
    direction = effective_direction(parsed, level1, level2)
    return Target(parsed.kind, direction, parsed.comparator, parsed.number, parsed.unit)


QUALITATIVE = Target(Kind.QUALITATIVE, None, None, None, None)


# --- months elapsed (the 序时进度 clock) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "year", "months"),
    [
        (date(2024, 7, 31), 2024, 7),
        (date(2024, 7, 30), 2024, 6),
        (date(2024, 7, 1), 2024, 6),
        (date(2024, 1, 30), 2024, 0),
        (date(2024, 1, 31), 2024, 1),
        (date(2024, 2, 28), 2024, 1),  # leap year: the 29th is the month end
        (date(2024, 2, 29), 2024, 2),
        (date(2023, 2, 28), 2023, 2),
        (date(2024, 12, 31), 2024, 12),
        (date(2023, 12, 31), 2024, 0),  # before the budget year
        (date(2025, 3, 1), 2024, 12),  # after it
    ],
)
def test_months_elapsed_counts_whole_months_completed(as_of, year, months):
    assert lights.months_elapsed(as_of, year) == months


def test_months_elapsed_agrees_with_the_spending_time_percent():
    from perf.spending.progress import time_pct

    day = date(2024, 1, 1)
    while day.year == 2024:
        assert round2(D(lights.months_elapsed(day, 2024)) * 100 / 12) == time_pct(day, 2024)
        day = day.fromordinal(day.toordinal() + 1)


# --- 正向 bands, table-driven --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completion", "level"),
    [
        (D("0"), RED),
        (D("59.99"), RED),
        (D("60"), YELLOW),
        (D("60.00"), YELLOW),
        (D("79.99"), YELLOW),
        (D("80"), GREEN),
        (D("119.99"), GREEN),
        (D("120"), BLUE),
        (D("500"), BLUE),
        (D("-5"), RED),
    ],
)
def test_band_bounds(completion, level):
    assert lights.band(completion) == level


@pytest.mark.parametrize(
    ("text", "actual", "months", "level", "completion"),
    [
        # 人: an amount, prorated (7 × 7/12 = 4.0833…)
        ("7人", D("2.44"), 7, RED, D("59.76")),
        ("7人", D("2.45"), 7, YELLOW, D("60.00")),
        ("7人", D("3.26"), 7, YELLOW, D("79.84")),
        ("7人", D("3.27"), 7, GREEN, D("80.08")),
        ("7人", D("4.89"), 7, GREEN, D("119.76")),
        ("7人", D("4.90"), 7, BLUE, D("120.00")),
        ("7人", D("7"), 7, BLUE, D("171.43")),
        ("7人", D("0"), 7, RED, D("0.00")),
        # 12 × 6/12 = 6: exact bounds
        ("12次", D("3.6"), 6, YELLOW, D("60.00")),
        ("12次", D("3.5996"), 6, RED, D("59.99")),
        ("12次", D("4.8"), 6, GREEN, D("80.00")),
        ("12次", D("4.7996"), 6, YELLOW, D("79.99")),
        ("12次", D("7.2"), 6, BLUE, D("120.00")),
        ("12次", D("7.1996"), 6, GREEN, D("119.99")),
        ("12次", D("7.1997"), 6, BLUE, D("120.00")),  # 119.995 -> 120.00
        # rounding: the band is decided on the completion as shown (2 places, half up)
        ("12次", D("3.59970"), 6, YELLOW, D("60.00")),  # 59.995 -> 60.00
        ("12次", D("3.59969"), 6, RED, D("59.99")),  # 59.99483… -> 59.99
        # percent and per-month targets are not prorated
        ("≥95%", D("95"), 7, GREEN, D("100.00")),
        ("≥98%", D("57"), 7, RED, D("58.16")),
        ("≥95%", D("76"), 7, GREEN, D("80.00")),
        ("≥95%", D("75.99"), 7, YELLOW, D("79.99")),
        ("2200元/月", D("2200"), 7, GREEN, D("100.00")),
        (">5%", D("6"), 7, BLUE, D("120.00")),
        ("≥90分", D("90"), 7, GREEN, D("100.00")),
        # = with a non-zero target reads as 正向
        ("=100", D("58.34"), 7, GREEN, D("100.01")),
    ],
)
def test_higher_better(text, actual, months, level, completion):
    light = lights.indicator_light(target(text), actual, months)
    assert (light.level, light.completion_pct) == (level, completion)


def test_prorated_baseline_is_exact_and_the_annual_target_otherwise():
    assert round2(lights.indicator_light(target("7人"), D(3), 7).baseline) == D("4.08")
    assert lights.indicator_light(target("≥95%"), D(3), 7).baseline == D(95)


@pytest.mark.parametrize(
    ("text", "level1", "level2", "actual", "level"),
    [
        ("≤28万元", "产出指标", "成本指标", D("28"), GREEN),  # the annual ceiling, not 7/12 of it
        ("≤28万元", "产出指标", "成本指标", D("20"), GREEN),
        ("≤28万元", "产出指标", "成本指标", D("28.01"), RED),
        ("<4%", "产出指标", "质量指标", D("3.99"), GREEN),
        ("<4%", "产出指标", "质量指标", D("4"), RED),
        ("≤1280家", "产出指标", "数量指标", D("1280"), GREEN),
        ("≤1280家", "产出指标", "数量指标", D("1281"), RED),
        ("2200元/月", "产出指标", "成本指标", D("2200"), GREEN),  # bare number under 成本: 反向
        ("2200元/月", "产出指标", "成本指标", D("2300"), RED),
        ("10万元", "成本指标", "经济成本指标", D("9"), GREEN),  # 2021 scheme
        ("=0", "产出指标", "质量指标", D("0"), GREEN),
        ("=0", "产出指标", "质量指标", D("0.1"), RED),
    ],
)
def test_lower_better_and_equal_zero(text, level1, level2, actual, level):
    light = lights.indicator_light(target(text, level1, level2), actual, 7)
    assert light.level == level
    assert light.completion_pct is None


@pytest.mark.parametrize(
    ("likelihood", "level"),
    [("certain", GREEN), ("possible", YELLOW), ("impossible", RED), (None, MISSING), ("", MISSING)],
)
def test_qualitative_follows_the_likelihood(likelihood, level):
    assert lights.indicator_light(QUALITATIVE, None, 7, likelihood).level == level
    assert lights.indicator_light(QUALITATIVE, D(1), 7, likelihood).level == level


def test_no_actual_is_missing_whatever_the_likelihood():
    for text in ("≥95%", "7人", "≤28万元"):
        assert lights.indicator_light(target(text), None, 7, "certain") == Light(MISSING)


@pytest.mark.parametrize(
    ("text", "actual", "months", "level"),
    [
        ("7人", D(0), 0, GREEN),  # nothing is due before the first month ends
        ("7人", D(-1), 0, RED),
        ("0人", D(0), 7, GREEN),
        ("≥-5%", D(-6), 7, RED),
    ],
)
def test_a_baseline_of_zero_or_less_is_met_or_red(text, actual, months, level):
    light = lights.indicator_light(target(text), actual, months)
    assert (light.level, light.completion_pct) == (level, None)


# --- project light and the explanation rule ----------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "light"),
    [
        ([], MISSING),
        ([GREEN], GREEN),
        ([GREEN, BLUE], BLUE),
        ([GREEN, BLUE, MISSING], MISSING),
        ([GREEN, MISSING, YELLOW], YELLOW),
        ([YELLOW, RED, GREEN, BLUE, MISSING], RED),
    ],
)
def test_project_light_is_the_worst(levels, light):
    assert lights.project_light(levels) == light


@pytest.mark.parametrize(
    ("level", "likelihood", "needed"),
    [
        (RED, "certain", True),
        (YELLOW, None, True),
        (GREEN, "possible", True),
        (BLUE, "impossible", True),
        (GREEN, "certain", False),
        (BLUE, None, False),
        (MISSING, None, False),
    ],
)
def test_needs_explanation(level, likelihood, needed):
    assert lights.needs_explanation(level, likelihood) is needed


# --- the round setting ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("07-31", (7, 31)), ("7-31", (7, 31)), (" 06-30 ", (6, 30))])
def test_round_setting(text, expected):
    assert parse_round(text) == expected
    assert round_date(2024, text) == date(2024, *expected)


@pytest.mark.parametrize("bad", ["07/31", "13-01", "02-29", "02-30", "0731", "", 731, None, "07-31-2024"])
def test_bad_round_setting_names_the_setting(bad):
    with pytest.raises(RoundSettingError, match="MIDYEAR_ROUND"):
        parse_round(bad)


# --- properties -------------------------------------------------------------------------------

cents = st.decimals(min_value=D("0"), max_value=D("100000"), places=2)
positive = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)
months = st.integers(min_value=1, max_value=12)


#: Targets that are multiples of 0.03, so target × months ÷ 12 × p% is a terminating decimal for any p.
thirds = st.integers(min_value=1, max_value=10**7).map(lambda k: D(k) * 3 / 100)
EDGES = (D(60), D(80), D(120))


def amount_target(goal: D) -> Target:
    return Target(Kind.QUANTITATIVE, Direction.HIGHER_BETTER, None, goal, "人")


@given(goal=thirds, month=months, completion=st.integers(min_value=0, max_value=20000))
def test_any_completion_lands_in_its_band(goal, month, completion):
    pct = D(completion) / 100
    light = lights.indicator_light(amount_target(goal), pct * goal * month / 1200, month)
    assert (light.completion_pct, light.level) == (pct, lights.band(pct))


@given(
    goal=thirds,
    month=months,
    edge=st.sampled_from(EDGES),
    delta=st.sampled_from([D("-0.01"), D("-0.0051"), D("-0.005"), D("-0.0001"), D(0), D("0.0001"), D("0.01")]),
)
def test_band_edges(goal, month, edge, delta):
    """At every edge and a hair either side: the band of the completion as shown (half up)."""
    pct = edge + delta
    light = lights.indicator_light(amount_target(goal), pct * goal * month / 1200, month)
    shown = round2(pct)
    assert light.completion_pct == shown
    below = {D(60): RED, D(80): YELLOW, D(120): GREEN}[edge]
    at_or_above = {D(60): YELLOW, D(80): GREEN, D(120): BLUE}[edge]
    assert light.level == (at_or_above if shown >= edge else below)
    assert light.level == (below if delta <= D("-0.0051") else at_or_above)


@given(goal=positive, actual=cents, month=months)
def test_higher_light_matches_the_displayed_completion(goal, actual, month):
    light = lights.indicator_light(Target(Kind.QUANTITATIVE, Direction.HIGHER_BETTER, None, goal, "人"), actual, month)
    assert light.completion_pct == round2(actual * 100 * 12 / (goal * month))
    assert light.level == lights.band(light.completion_pct)


@given(goal=positive, actual=cents, month=months)
def test_rates_ignore_the_months(goal, actual, month):
    rate = Target(Kind.QUANTITATIVE, Direction.HIGHER_BETTER, Comparator.GE, goal, "%")
    assert lights.indicator_light(rate, actual, month) == lights.indicator_light(rate, actual, 12)


@given(goal=positive, low=cents, high=cents, month=months)
def test_more_is_never_worse_for_higher_better(goal, low, high, month):
    assume(low <= high)
    amount = Target(Kind.QUANTITATIVE, Direction.HIGHER_BETTER, None, goal, "万元")
    rank = {RED: 0, YELLOW: 1, GREEN: 2, BLUE: 3}
    assert (
        rank[lights.indicator_light(amount, low, month).level]
        <= rank[lights.indicator_light(amount, high, month).level]
    )


@given(goal=positive, actual=cents, month=months, strict=st.booleans())
def test_lower_better_is_met_or_red_against_the_annual_ceiling(goal, actual, month, strict):
    comparator = Comparator.LT if strict else Comparator.LE
    ceiling = Target(Kind.QUANTITATIVE, Direction.LOWER_BETTER, comparator, goal, "万元")
    met = actual < goal if strict else actual <= goal
    assert lights.indicator_light(ceiling, actual, month).level == (GREEN if met else RED)


@given(st.lists(st.sampled_from(lights.ORDER)))
def test_project_light_is_one_of_its_indicators_and_no_better_than_any(levels):
    light = lights.project_light(levels)
    assert light in levels or (not levels and light == MISSING)
    assert all(lights.SEVERITY[light] >= lights.SEVERITY[level] for level in levels)
