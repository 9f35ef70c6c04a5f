"""Properties of the self-evaluation scoring that must hold for every input."""

import math
from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from perf.evaluation.scoring import (
    DEFAULT_SETTINGS,
    EvaluationInput,
    IndicatorInput,
    Settings,
    band_range,
    default_weights,
    evaluate,
    execution_score,
    grade,
    indicator_score,
)
from perf.numbers import plain, round2
from perf.projects.indicator_value import parse_value

FORMULAS = st.sampled_from([DEFAULT_SETTINGS, Settings(reverse_formula="ratio")])
AMOUNTS = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)
ACTUALS = st.decimals(min_value=-100, max_value=5000, places=3, allow_nan=False, allow_infinity=False)
TARGETS = st.decimals(min_value=-10, max_value=2000, places=2, allow_nan=False, allow_infinity=False)
POINTS = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False, allow_infinity=False)
LEVELS = st.sampled_from(
    [("产出指标", "数量指标"), ("产出指标", "成本指标"), ("成本指标", "经济成本指标"), ("效益指标", "")]
)
COMPARATORS = st.sampled_from(["≥", "≤", ">", "<", "=", ""])


def target(comparator: str, number: D, unit: str = "万元"):
    return parse_value(f"{comparator}{plain(number)}{unit}")


@given(COMPARATORS, TARGETS, ACTUALS, POINTS, LEVELS, FORMULAS)
def test_a_score_is_within_zero_and_the_points(comparator, goal, actual, points, levels, settings):
    result = indicator_score(target(comparator, goal), actual, points, *levels, settings)
    assert D(0) <= result.score <= points
    assert result.score == round2(result.score)


@given(st.sampled_from(["≥", ">", "", "="]), TARGETS, ACTUALS, ACTUALS, POINTS)
def test_more_actual_never_lowers_a_higher_better_score(comparator, goal, a, b, points):
    if comparator == "=" and goal == 0:
        goal = D(1)  # = 0 is its own rule; = with another target is scored as 正向
    low, high = sorted([a, b])
    parsed = target(comparator, goal, "人")
    scores = [indicator_score(parsed, actual, points, "产出指标", "数量指标").score for actual in (low, high)]
    assert scores[0] <= scores[1]


@given(
    st.sampled_from([("≤", "数量指标"), ("<", "质量指标"), ("", "成本指标")]),
    TARGETS,
    ACTUALS,
    ACTUALS,
    POINTS,
    FORMULAS,
)
def test_more_actual_never_raises_a_lower_better_score(form, goal, a, b, points, settings):
    comparator, level2 = form
    low, high = sorted([a, b])
    parsed = target(comparator, goal)
    scores = [indicator_score(parsed, actual, points, "产出指标", level2, settings).score for actual in (low, high)]
    assert scores[0] >= scores[1]


@given(st.data())
def test_default_weights_sum_exactly_to_the_configured_points(data):
    # any execution weight and any split of the remaining points, in cents, adding up to 100.00
    execution = data.draw(st.integers(min_value=1, max_value=9999))
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=10000 - execution), min_size=2, max_size=2)))
    cents = (cuts[0], cuts[1] - cuts[0], 10000 - execution - cuts[1])
    names = ("产出指标", "效益指标", "满意度指标")
    split = tuple((name, D(c).scaleb(-2)) for name, c in zip(names, cents, strict=True))
    settings = Settings(
        execution_weight=D(execution).scaleb(-2), points_2020=split, points_2021=(*split[:2], ("成本指标", split[2][1]))
    )
    counts = data.draw(st.lists(st.integers(min_value=1, max_value=13), min_size=3, max_size=3))
    order = data.draw(st.permutations([name for name, count in zip(names, counts, strict=True) for _ in range(count)]))
    weights = default_weights(order, settings)
    for name, points in split:
        mine = [w for w, level1 in zip(weights, order, strict=True) if level1 == name]
        assert sum(mine) == points
        assert max(mine) - min(mine) <= D("0.01")
        assert mine == sorted(mine, reverse=True)  # the leftover cents went to the first rows
    assert sum(weights) == settings.indicator_points
    assert all(w == round2(w) and w >= 0 for w in weights)


def _indicator(draw) -> IndicatorInput:
    level1, level2 = draw(LEVELS)
    if level1 == "成本指标":
        level1 = "产出指标"  # keep the 2020 scheme: every row's 一级 is known
    if draw(st.booleans()):
        parsed = target(draw(COMPARATORS), draw(TARGETS), "%")
        return IndicatorInput(level1, level2, "定量", parsed, draw(st.one_of(st.none(), ACTUALS)), "%")
    return IndicatorInput(level1, level2, "定性", parse_value("服务提升"), band=None)


@given(st.data(), AMOUNTS, AMOUNTS, FORMULAS)
def test_total_is_within_zero_and_a_hundred(data, budget, spent, settings):
    rows = [_indicator(data.draw) for _ in range(data.draw(st.integers(min_value=1, max_value=10)))]
    weights = default_weights(rows, settings)
    filled = []
    for row, weight in zip(rows, weights, strict=True):
        if row.name == "定性" and data.draw(st.booleans()):
            band = data.draw(st.sampled_from(settings.bands))
            low, high = band_range(band, weight)
            top = math.floor(high * 100) if band.high_pct == 100 else math.ceil(high * 100) - 1
            cents = data.draw(st.integers(min_value=math.ceil(low * 100), max_value=max(top, math.ceil(low * 100))))
            if cents <= top:  # an empty band (0 points) stays unscored
                row = replace(row, band=band.key, band_score=D(cents).scaleb(-2))
        filled.append(row)
    result = evaluate(EvaluationInput(budget, spent, tuple(filled)), settings)
    assert D(0) <= result.total <= D(100)
    assert result.total == result.execution.score + sum(row.score for row in result.rows)
    assert result.grade == grade(result.total)
    assert result.warning in ("red", "yellow", "green")


@given(AMOUNTS, AMOUNTS, AMOUNTS)
def test_execution_score_is_capped_and_monotone(budget, a, b):
    low, high = sorted([a, b])
    (rate, first), (_, second) = execution_score(budget, low), execution_score(budget, high)
    assert D(0) <= first <= second <= D(10)
    assert (rate is None) is (budget == 0)
