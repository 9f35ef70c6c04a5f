"""Self-evaluation scoring: every rule and boundary, with the expected values computed by hand.

No database, no Flask: ``perf.evaluation.scoring`` is pure.
"""

from dataclasses import FrozenInstanceError, replace
from decimal import Decimal as D

import pytest

from perf.evaluation import scoring
from perf.evaluation.scoring import (
    DEFAULT_SETTINGS,
    Band,
    EvaluationInput,
    IndicatorInput,
    ScoringError,
    Settings,
    check_weights,
    default_weights,
    evaluate,
    execution_score,
    grade,
    indicator_score,
    missing_reasons,
    scheme_of,
    settings_from_config,
    total_score,
    warning_light,
)
from perf.projects.indicator_value import parse_value

RATIO = Settings(reverse_formula="ratio")
#: A region weighting execution 20: the indicators share 80.
TWENTY = Settings(
    execution_weight=D(20),
    points_2020=(("产出指标", D(40)), ("效益指标", D(30)), ("满意度指标", D(10))),
    points_2021=(("产出指标", D(25)), ("成本指标", D(15)), ("效益指标", D(30)), ("满意度指标", D(10))),
)


def score(text, actual, points="10", level1="产出指标", level2="数量指标", settings=DEFAULT_SETTINGS, **kwargs):
    actual = None if actual is None else D(actual)
    return indicator_score(parse_value(text), actual, D(points), level1, level2, settings, **kwargs)


# --- 预算执行率 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "spent", "rate", "points"),
    [
        ("98", "95", "96.94", "9.69"),  # 95 ÷ 98 × 100 = 96.938… ; 95 ÷ 98 × 10 = 9.6938… → 9.69
        ("28.00", "27.50", "98.21", "9.82"),  # 98.214… ; 9.8214… → 9.82
        ("100", "100", "100.00", "10.00"),
        ("100", "0", "0.00", "0.00"),
        ("28.00", "30.00", "107.14", "10.00"),  # overspent: 107.142… %, min(10.71…, 10) = 10
        ("200", "196.9", "98.45", "9.85"),  # 196.9 ÷ 200 × 10 = 9.845 exactly → 9.85 (half up, not 9.84)
        ("200", "196.89", "98.45", "9.84"),  # 98.445 exactly → 98.45 (half up); 9.8445 → 9.84
        ("3", "1", "33.33", "3.33"),  # 33.333… ; 3.333…
        ("3", "2", "66.67", "6.67"),  # 66.666… ; 6.666…
        ("0", "0", None, "0.00"),  # no budget: no rate, and nothing was shown to be executed
        ("0", "5", None, "0.00"),
    ],
)
def test_execution_score(budget, spent, rate, points):
    assert execution_score(D(budget), D(spent)) == (None if rate is None else D(rate), D(points))


def test_execution_score_with_another_weight():
    assert execution_score(D(100), D(95), TWENTY) == (D("95.00"), D("19.00"))  # 95 ÷ 100 × 20 = 19
    assert execution_score(D(100), D(120), TWENTY) == (D("120.00"), D("20.00"))  # capped at the weight


def test_execution_score_results_have_two_places():
    rate, points = execution_score(D(100), D(100))
    assert (str(rate), str(points)) == ("100.00", "10.00")


@pytest.mark.parametrize(("budget", "spent"), [("-1", "0"), ("10", "-0.01")])
def test_execution_score_refuses_negatives(budget, spent):
    with pytest.raises(ScoringError, match="不能为负数"):
        execution_score(D(budget), D(spent))


def test_floats_are_refused():
    with pytest.raises(TypeError):
        execution_score(98.0, D(95))
    with pytest.raises(TypeError):
        indicator_score(parse_value("≥40%"), 30.0, D(10), "产出指标", "数量指标")
    with pytest.raises(TypeError):
        grade(90.0)


# --- 正向 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "points", "expected", "rule", "met", "completion"),
    [
        ("≥40%", "45", "10", "10.00", "higher_met", True, "112.50"),
        ("≥40%", "40", "10", "10.00", "higher_met", True, "100.00"),  # equal meets ≥
        ("≥40%", "30", "10", "7.50", "higher_unmet", False, "75.00"),  # 30 ÷ 40 × 10 = 7.5
        ("≥95%", "93", "10", "9.79", "higher_unmet", False, "97.89"),  # 93 ÷ 95 × 10 = 9.789… → 9.79
        ("≥95%", "90", "16.67", "15.79", "higher_unmet", False, "94.74"),  # 90 ÷ 95 × 16.67 = 15.7926… → 15.79
        ("≥16", "13", "10", "8.13", "higher_unmet", False, "81.25"),  # 13 ÷ 16 × 10 = 8.125 → 8.13 (half up)
        ("≥16", "15", "10", "9.38", "higher_unmet", False, "93.75"),  # 9.375 → 9.38
        ("≥200人", "180", "12.50", "11.25", "higher_unmet", False, "90.00"),  # 180 ÷ 200 × 12.5
        (">5%", "6", "10", "10.00", "higher_met", True, "120.00"),
        (">5%", "5", "10", "10.00", "higher_unmet", False, "100.00"),  # not met (strict), but 5 ÷ 5 × 10 = 10
        (">5%", "4", "10", "8.00", "higher_unmet", False, "80.00"),  # 4 ÷ 5 × 10
        ("7人", "8", "10", "10.00", "higher_met", True, "114.29"),  # no comparator outside 成本: 正向
        ("7人", "7", "10", "10.00", "higher_met", True, "100.00"),
        ("7人", "6", "10", "8.57", "higher_unmet", False, "85.71"),  # 6 ÷ 7 × 10 = 8.571… → 8.57
        ("100%", "99.5", "5", "4.98", "higher_unmet", False, "99.50"),  # 99.5 ÷ 100 × 5 = 4.975 → 4.98
        ("≥40%", "-5", "10", "0.00", "higher_unmet", False, "-12.50"),  # never below 0
        ("≥40%", "0", "10", "0.00", "higher_unmet", False, "0.00"),
        ("≥0", "0", "10", "10.00", "higher_met", True, None),  # target 0: no completion rate
        ("≥0", "-1", "10", "0.00", "higher_unmet", False, None),  # target ≤ 0 not met: 0
        (">0", "0", "10", "0.00", "higher_unmet", False, None),
        ("≥40%", "30", "0", "0.00", "higher_unmet", False, "75.00"),  # a row worth 0 points
    ],
)
def test_higher_is_better(target, actual, points, expected, rule, met, completion):
    result = score(target, actual, points)
    assert result.score == D(expected)
    assert str(result.score) == expected  # two places, always
    assert (result.rule_used, result.met) == (rule, met)
    assert result.completion_pct == (None if completion is None else D(completion))


# --- 反向 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "linear", "ratio", "met"),
    [
        ("≤28万元", "27.5", "10.00", "10.00", True),
        ("≤28万元", "28", "10.00", "10.00", True),  # equal meets ≤
        ("≤28万元", "30", "9.29", "9.33", False),  # (1 − 2 ÷ 28) × 10 = 9.2857… ; 28 ÷ 30 × 10 = 9.333…
        ("≤28万元", "42", "5.00", "6.67", False),  # (1 − 14 ÷ 28) × 10 = 5 ; 28 ÷ 42 × 10 = 6.666…
        ("≤28万元", "56", "0.00", "5.00", False),  # actual = 2 × target: linear 0 ; 28 ÷ 56 × 10 = 5
        ("≤28万元", "70", "0.00", "4.00", False),  # beyond 2 ×: linear floored at 0 ; 28 ÷ 70 × 10 = 4
        ("≤16", "19", "8.13", "8.42", False),  # (1 − 3 ÷ 16) × 10 = 8.125 → 8.13 (half up) ; 8.421… → 8.42
        ("≤8", "9", "8.75", "8.89", False),  # (1 − 1 ÷ 8) × 10 = 8.75 ; 8 ÷ 9 × 10 = 8.888… → 8.89
        ("<4%", "3.9", "10.00", "10.00", True),
        ("<4%", "4", "10.00", "10.00", False),  # not met (strict), yet both formulas give 10 at actual = target
        ("<4%", "5", "7.50", "8.00", False),  # (1 − 1 ÷ 4) × 10 = 7.5 ; 4 ÷ 5 × 10 = 8
        ("≤0件", "0", "10.00", "10.00", True),
        ("≤0件", "1", "0.00", "0.00", False),  # a ceiling of 0 exceeded: 0 with either formula
        ("<0", "0", "0.00", "0.00", False),
    ],
)
def test_lower_is_better_both_formulas(target, actual, linear, ratio, met):
    by_linear, by_ratio = score(target, actual), score(target, actual, settings=RATIO)
    assert (by_linear.score, by_ratio.score) == (D(linear), D(ratio))
    assert by_linear.met is by_ratio.met is met
    assert by_linear.rule_used == ("lower_met" if met else "lower_linear")
    assert by_ratio.rule_used == ("lower_met" if met else "lower_ratio")


def test_lower_is_better_with_split_points():
    # (1 − (30 − 28) ÷ 28) × 12.5 = 26 ÷ 28 × 12.5 = 11.607… → 11.61 ; 28 ÷ 30 × 12.5 = 11.666… → 11.67
    assert score("≤28万元", "30", "12.50").score == D("11.61")
    assert score("≤28万元", "30", "12.50", settings=RATIO).score == D("11.67")


# --- 等于 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "level2", "expected", "rule", "met"),
    [
        ("=0", "0", "数量指标", "10.00", "equal_zero_met", True),  # target 0, actual ≤ 0: full
        ("=0", "-1", "数量指标", "10.00", "equal_zero_met", True),
        ("=0", "1", "数量指标", "0.00", "equal_zero_unmet", False),  # target 0, actual > 0: 0
        ("=0", "0.01", "数量指标", "0.00", "equal_zero_unmet", False),
        ("=0起", "2", "成本指标", "0.00", "equal_zero_unmet", False),  # = decides even under 成本
        ("=100%", "100", "质量指标", "10.00", "higher_met", True),  # non-zero: scored as 正向
        ("=100%", "105", "质量指标", "10.00", "higher_met", True),
        ("=100%", "98", "质量指标", "9.80", "higher_unmet", False),  # 98 ÷ 100 × 10
        ("=12个月", "11", "时效指标", "9.17", "higher_unmet", False),  # 11 ÷ 12 × 10 = 9.166… → 9.17
    ],
)
def test_equal(target, actual, level2, expected, rule, met):
    result = score(target, actual, level2=level2)
    assert (result.score, result.rule_used, result.met) == (D(expected), rule, met)


# --- no comparator under 成本 --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level1", "level2", "actual", "linear", "ratio"),
    [
        ("产出指标", "成本指标", "30", "9.29", "9.33"),  # 2020: 成本 as 二级 → 反向; (1 − 2 ÷ 28) × 10 ; 28 ÷ 30 × 10
        ("成本指标", "经济成本指标", "30", "9.29", "9.33"),  # 2021: 成本 as 一级 → 反向
        ("成本指标", "社会成本指标", "27", "10.00", "10.00"),  # below the cost: met
        ("产出指标", "成本指标", "28", "10.00", "10.00"),
        ("产出指标", "数量指标", "30", "10.00", "10.00"),  # the same text outside 成本 is 正向: met
        ("产出指标", "数量指标", "21", "7.50", "7.50"),  # 21 ÷ 28 × 10
    ],
)
def test_no_comparator_under_cost_is_lower_better(level1, level2, actual, linear, ratio):
    assert score("28万元", actual, level1=level1, level2=level2).score == D(linear)
    assert score("28万元", actual, level1=level1, level2=level2, settings=RATIO).score == D(ratio)


def test_a_comparator_decides_even_under_cost():
    assert score("≥28万元", "30", level1="成本指标", level2="经济成本指标").rule_used == "higher_met"


# --- 定性 --------------------------------------------------------------------------------------

QUALITATIVE = "服务环境提升、满意度提升"


@pytest.mark.parametrize(
    ("band", "band_score", "points", "met"),
    [
        ("achieved", "10.00", "10", True),  # 达成年度指标: [8, 10] of 10
        ("achieved", "9", "10", True),
        ("achieved", "8.00", "10", True),  # 80% belongs to the upper band
        ("达成年度指标", "13.34", "16.67", True),  # 80% of 16.67 = 13.336
        ("partial", "6.00", "10", False),  # 部分达成并具有一定效果: [6, 8)
        ("partial", "7.99", "10", False),
        ("部分达成并具有一定效果", "10.50", "15", False),  # [9, 12) of 15
        ("missed", "0", "10", False),  # 未达成且效果较差: [0, 6)
        ("missed", "5.99", "10", False),
        ("未达成且效果较差", "3", "10", False),
    ],
)
def test_qualitative_in_band(band, band_score, points, met):
    result = score(
        QUALITATIVE, None, points, level1="效益指标", level2="社会效益指标", band=band, band_score=D(band_score)
    )
    assert (result.score, result.rule_used, result.met) == (D(band_score), "qualitative", met)
    assert result.completion_pct is None and result.needs_reason is False


@pytest.mark.parametrize(
    ("band", "band_score", "points", "message"),
    [
        ("achieved", "7.99", "10", "“达成年度指标”档次的得分应不低于8分且不超过10分，现为7.99分"),
        ("achieved", "10.01", "10", "“达成年度指标”档次的得分应不低于8分且不超过10分，现为10.01分"),
        ("achieved", "13.33", "16.67", "“达成年度指标”档次的得分应不低于13.336分且不超过16.67分，现为13.33分"),
        ("partial", "8.00", "10", "“部分达成并具有一定效果”档次的得分应不低于6分且低于8分，现为8分"),
        ("partial", "5.99", "10", "“部分达成并具有一定效果”档次的得分应不低于6分且低于8分，现为5.99分"),
        ("missed", "6", "10", "“未达成且效果较差”档次的得分应不低于0分且低于6分，现为6分"),
        ("missed", "-0.01", "10", "“未达成且效果较差”档次的得分应不低于0分且低于6分，现为-0.01分"),
        (
            "excellent",
            "9",
            "10",
            "未知的定性评价档次“excellent”（应为达成年度指标、部分达成并具有一定效果、未达成且效果较差）",
        ),
        ("achieved", "9.125", "10", "定性指标得分最多保留两位小数，现为9.125"),
    ],
)
def test_qualitative_out_of_band_is_refused(band, band_score, points, message):
    with pytest.raises(ScoringError) as error:
        score(QUALITATIVE, None, points, band=band, band_score=D(band_score))
    assert str(error.value) == message


@pytest.mark.parametrize(("band", "band_score"), [(None, None), ("achieved", None), (None, D(9))])
def test_qualitative_without_band_or_score_is_missing(band, band_score):
    result = score(QUALITATIVE, None, band=band, band_score=band_score)
    assert (result.score, result.rule_used, result.met, result.needs_reason) == (D("0.00"), "missing", None, False)


def test_quantitative_without_actual_is_missing():
    assert score("≥40%", None).rule_used == "missing"
    assert score("≥40%", None).score == D("0.00")


def test_custom_bands():
    bands = (Band("a", "好", D(90), D(100)), Band("b", "中", D(50), D(90)), Band("c", "差", D(0), D(50)))
    settings = Settings(bands=bands)
    assert score(QUALITATIVE, None, settings=settings, band="中", band_score=D("8.99")).score == D("8.99")
    with pytest.raises(ScoringError):
        score(QUALITATIVE, None, settings=settings, band="b", band_score=D("9"))


# --- 偏差原因: over-achievement and (optionally) under-achievement -------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "level2", "settings", "needs"),
    [
        ("≥40%", "52", "数量指标", DEFAULT_SETTINGS, True),  # 52 = 130% of 40
        ("≥40%", "51.99", "数量指标", DEFAULT_SETTINGS, False),  # 129.975%
        ("≥40%", "60", "数量指标", DEFAULT_SETTINGS, True),
        (">5%", "6.5", "数量指标", DEFAULT_SETTINGS, True),  # 130%
        ("7人", "10", "数量指标", DEFAULT_SETTINGS, True),  # 10 ÷ 7 = 142.9%
        ("7人", "9", "数量指标", DEFAULT_SETTINGS, False),  # 128.6%
        ("=100%", "130", "质量指标", DEFAULT_SETTINGS, True),  # = non-zero is scored as 正向
        ("=0", "0", "质量指标", DEFAULT_SETTINGS, False),  # target 0: never
        ("≥0", "5", "质量指标", DEFAULT_SETTINGS, False),
        ("≥40%", "48", "数量指标", Settings(over_achievement_pct=D(120)), True),  # 120% with a 120% threshold
        ("≤28万元", "19.6", "成本指标", DEFAULT_SETTINGS, True),  # 反向 mirrored: 19.6 = 70% of 28
        ("≤28万元", "19.61", "成本指标", DEFAULT_SETTINGS, False),
        ("28万元", "10", "成本指标", DEFAULT_SETTINGS, True),  # no comparator under 成本: 反向
        ("≤28万元", "19.6", "成本指标", Settings(reverse_over_achievement=False), False),
        ("≤0件", "0", "质量指标", DEFAULT_SETTINGS, False),
        ("≥40%", "30", "数量指标", DEFAULT_SETTINGS, False),  # unmet: no reason by default
        ("≥40%", "30", "数量指标", Settings(reason_for_unmet=True), True),
        ("≥40%", "40", "数量指标", Settings(reason_for_unmet=True), False),
        ("≤28万元", "30", "成本指标", Settings(reason_for_unmet=True), True),
    ],
)
def test_needs_reason(target, actual, level2, settings, needs):
    assert score(target, actual, level2=level2, settings=settings).needs_reason is needs


def test_needs_reason_for_qualitative_only_when_unmet_is_configured():
    unmet = Settings(reason_for_unmet=True)
    assert score(QUALITATIVE, None, settings=unmet, band="partial", band_score=D(7)).needs_reason is True
    assert score(QUALITATIVE, None, settings=unmet, band="achieved", band_score=D(9)).needs_reason is False
    assert score(QUALITATIVE, None, band="partial", band_score=D(7)).needs_reason is False


# --- units -------------------------------------------------------------------------------------


# --- total, grade, warning -----------------------------------------------------------------------


def test_total_score_adds_the_shown_scores():
    # 9.69 + 10.00 + 7.50 + 9.29 = 36.48
    assert total_score(D("9.69"), [D("10.00"), D("7.50"), D("9.29")]) == D("36.48")
    assert total_score(D("0"), []) == D("0.00")


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("100", "优"),
        ("90.00", "优"),
        ("89.99", "良"),
        ("89.995", "优"),  # graded as shown: 89.995 → 90.00 half up
        ("89.994", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_boundaries(total, expected):
    assert grade(D(total)) == expected


def test_grade_bands_are_configurable_per_region():
    region = Settings(grade_bands=((D(85), "优秀"), (D(75), "良好"), (D(60), "合格"), (D(0), "不合格")))
    assert [grade(D(t), region) for t in ("85", "84.99", "75", "74.99", "60", "59.99")] == [
        "优秀",
        "良好",
        "良好",
        "合格",
        "合格",
        "不合格",
    ]


@pytest.mark.parametrize(
    ("indicators", "execution", "budget", "spent", "settings", "light"),
    [
        ("90", "10", "100", "100", DEFAULT_SETTINGS, "green"),
        # (90/90 − 9.5/10) ÷ (90/90) = 5% exactly: not "more than 5%"; 5% unspent: green
        ("90", "9.50", "100", "95", DEFAULT_SETTINGS, "green"),
        # (1 − 0.949) ÷ 1 = 5.1% > 5%: red
        ("90", "9.49", "100", "94.9", DEFAULT_SETTINGS, "red"),
        # (81/90 − 8.5/10) ÷ (81/90) = (0.9 − 0.85) ÷ 0.9 = 5.56%: red
        ("81", "8.50", "100", "85", DEFAULT_SETTINGS, "red"),
        # (72/90 − 7.9/10) ÷ 0.8 = 1.25%: not red; 21% unspent > 20%: yellow
        ("72", "7.90", "100", "79", DEFAULT_SETTINGS, "yellow"),
        # exactly 20% unspent: not "more than 20%"; gap 0: green
        ("72", "8.00", "100", "80", DEFAULT_SETTINGS, "green"),
        # indicators well behind spending: (45/90 − 10/10) < 0, nothing unspent: green
        ("45", "10", "100", "100", DEFAULT_SETTINGS, "green"),
        # red wins over yellow: (0.9 − 0.5) ÷ 0.9 = 44%, 50% unspent
        ("81", "5", "100", "50", DEFAULT_SETTINGS, "red"),
        # no indicator points: red is impossible; 50% unspent: yellow
        ("0", "5", "100", "50", DEFAULT_SETTINGS, "yellow"),
        # budget 0: execution earns 0, so any indicator points claimed light red
        ("45", "0", "0", "0", DEFAULT_SETTINGS, "red"),
        ("0", "0", "0", "0", DEFAULT_SETTINGS, "green"),
        # generalised: 80 indicator points, weight 20: (80/80 − 19/20) = 5% exactly: green; 18.99 → red
        ("80", "19", "100", "95", TWENTY, "green"),
        ("80", "18.99", "100", "94.95", TWENTY, "red"),
    ],
)
def test_warning_light(indicators, execution, budget, spent, settings, light):
    assert warning_light(D(indicators), D(execution), D(budget), D(spent), settings) == light


def test_warning_thresholds_are_configurable():
    loose = Settings(red_gap_pct=D(10), yellow_unspent_pct=D(30))
    # gap (1 − 0.92) = 8% ≤ 10%: not red; 8% unspent ≤ 30%: green
    assert warning_light(D(90), D("9.20"), D(100), D(92), loose) == "green"
    # gap 0 (67.5/90 = 0.75 = 7.5/10); 25% unspent: yellow by default, green with 30%
    assert warning_light(D("67.50"), D("7.50"), D(100), D(75)) == "yellow"
    assert warning_light(D("67.50"), D("7.50"), D(100), D(75), loose) == "green"
    # (72/90 − 7.5/10) ÷ (72/90) = 0.05 ÷ 0.8 = 6.25%: red by default, not with 10%; 25% unspent
    assert warning_light(D(72), D("7.50"), D(100), D(75)) == "red"
    assert warning_light(D(72), D("7.50"), D(100), D(75), loose) == "green"


# --- weights -----------------------------------------------------------------------------------


def rows(*level1s):
    return [IndicatorInput(level1, "", f"指标{index}", parse_value("≥1")) for index, level1 in enumerate(level1s, 1)]


@pytest.mark.parametrize(
    ("level1s", "expected"),
    [
        # 50 over 3 = 16.666…: 5000 cents = 3 × 1666 + 2, the 2 cents go to the first rows
        (["产出指标"] * 3 + ["效益指标", "满意度指标"], ["16.67", "16.67", "16.66", "30.00", "10.00"]),
        # 30 over 7: 3000 cents = 7 × 428 + 4 → four 4.29 and three 4.28 (17.16 + 12.84 = 30)
        (
            ["产出指标", "效益指标"] + ["效益指标"] * 6 + ["满意度指标"],
            ["50.00", "4.29", "4.29", "4.29", "4.29", "4.28", "4.28", "4.28", "10.00"],
        ),
        # interleaved rows: the first 产出 rows in table order take the extra cents
        (["产出指标", "效益指标", "产出指标", "满意度指标", "产出指标"], ["16.67", "30.00", "16.67", "10.00", "16.66"]),
        # 10 over 3 = 3.333…: 1000 = 3 × 333 + 1
        (["产出指标", "效益指标"] + ["满意度指标"] * 3, ["50.00", "30.00", "3.34", "3.33", "3.33"]),
        # names without 指标 match; an unknown 一级 gets 0
        (["产出", "效益", "满意度", "其他指标"], ["50.00", "30.00", "10.00", "0.00"]),
        # 2021 scheme (a 一级 is 成本指标): 产出 30, 成本 20, 效益 30, 满意度 10
        (["产出指标", "产出指标", "成本指标", "效益指标", "满意度指标"], ["15.00", "15.00", "20.00", "30.00", "10.00"]),
        ([], []),
    ],
)
def test_default_weights(level1s, expected):
    weights = default_weights(rows(*level1s))
    assert [str(w) for w in weights] == expected


def test_default_weights_accept_plain_level1_names_and_an_explicit_scheme():
    assert default_weights(["产出指标", "效益指标", "满意度指标"]) == [D(50), D(30), D(10)]
    # a 2021 table without 成本 rows: 产出 keeps only its 30
    assert default_weights(["产出指标", "效益指标", "满意度指标"], scheme="2021") == [D(30), D(30), D(10)]


def test_scheme_of():
    assert scheme_of(["产出指标", "效益指标"]) == "2020"
    assert scheme_of(["产出指标", "成本指标 "]) == "2021"
    assert scheme_of(["产出指标", "成本"]) == "2021"


def test_check_weights_accepts_the_defaults():
    table = rows("产出指标", "产出指标", "产出指标", "效益指标", "满意度指标")
    assert check_weights(table, default_weights(table)) == []
    assert check_weights(table, [D("20"), D("20"), D("10"), D("30"), D("10")]) == []


@pytest.mark.parametrize(
    ("weights", "messages"),
    [
        (
            ["16.67", "16.67", "15.66", "30", "10"],
            ["产出指标的分值合计应为50.00，现为49.00", "指标分值合计应为90.00，现为89.00"],
        ),
        (
            ["60", "-5", "-5", "30", "10"],
            ["第2行“指标2”的分值不能为负数（-5.00）", "第3行“指标3”的分值不能为负数（-5.00）"],
        ),
        (
            ["16.666", "16.667", "16.667", "30", "10"],
            [
                "第1行“指标1”的分值最多保留两位小数（16.666）",
                "第2行“指标2”的分值最多保留两位小数（16.667）",
                "第3行“指标3”的分值最多保留两位小数（16.667）",
            ],
        ),
        (
            [None, "25", "20", "30", "10"],  # a blank counts as 0 in the sums
            [
                "第1行“指标1”未填写分值",
                "产出指标的分值合计应为50.00，现为45.00",
                "指标分值合计应为90.00，现为85.00",
            ],
        ),
        (
            ["20", "20", "20", "20", "10"],  # 一级 sums are fixed by default even when the total is 90
            ["产出指标的分值合计应为50.00，现为60.00", "效益指标的分值合计应为30.00，现为20.00"],
        ),
    ],
)
def test_check_weights_messages(weights, messages):
    table = rows("产出指标", "产出指标", "产出指标", "效益指标", "满意度指标")
    assert check_weights(table, [None if w is None else D(w) for w in weights]) == messages


def test_check_weights_can_let_points_move_between_level1():
    table = rows("产出指标", "产出指标", "产出指标", "效益指标", "满意度指标")
    free = Settings(level1_sums_fixed=False)
    assert check_weights(table, [D(20), D(20), D(20), D(20), D(10)], free) == []
    assert check_weights(table, [D(20), D(20), D(20), D(20), D(9)], free) == ["指标分值合计应为90.00，现为89.00"]


def test_check_weights_missing_and_unknown_level1():
    table = rows("产出指标", "效益指标", "其他指标")
    assert check_weights(table, default_weights(table)) == [
        "第3行“指标3”的一级指标“其他指标”不在评分方案中",
        "缺少满意度指标，其10.00分无法分配",
        "指标分值合计应为90.00，现为80.00",
    ]


def test_check_weights_needs_one_weight_per_row():
    with pytest.raises(ValueError):
        check_weights(rows("产出指标"), [])


# --- settings ----------------------------------------------------------------------------------


def test_default_settings_are_product_md():
    s = DEFAULT_SETTINGS
    assert s.execution_weight == 10 and s.indicator_points == 90
    assert dict(s.points("2020")) == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert dict(s.points("2021")) == {"产出指标": 30, "成本指标": 20, "效益指标": 30, "满意度指标": 10}
    assert [(b.label, b.low_pct, b.high_pct) for b in s.bands] == [
        ("达成年度指标", 80, 100),
        ("部分达成并具有一定效果", 60, 80),
        ("未达成且效果较差", 0, 60),
    ]
    assert s.over_achievement_pct == 130 and s.reverse_formula == "linear"
    assert [(t, g) for t, g in s.grade_bands] == [(90, "优"), (80, "良"), (60, "中"), (0, "差")]
    assert (s.red_gap_pct, s.yellow_unspent_pct) == (5, 20)
    with pytest.raises(FrozenInstanceError):
        s.execution_weight = D(20)


@pytest.mark.parametrize(
    "changes",
    [
        {"execution_weight": D(20)},  # the 一级 points no longer add up to 100
        {"execution_weight": 10.0},
        {"execution_weight": D(0)},
        {"points_2021": (("产出指标", D(50)), ("成本指标", D(20)), ("效益指标", D(30)), ("满意度指标", D(10)))},
        {"points_2020": (("产出指标", D("49.995")), ("效益指标", D("30.005")), ("满意度指标", D(10)))},
        {"points_2020": (("产出指标", D(50)), ("产出", D(30)), ("满意度指标", D(10)))},
        {"reverse_formula": "square"},
        {"bands": ()},
        {"bands": (Band("a", "好", D(80), D(100)), Band("b", "差", D(0), D(70)))},  # a gap 70–80
        {"bands": (Band("a", "好", D(0), D(100)), Band("b", "好", D(0), D(0)))},
        {"grade_bands": ((D(80), "良"), (D(90), "优"), (D(0), "差"))},
        {"grade_bands": ((D(90), "优"), (D(60), "中"))},  # a total under 60 would have no grade
        {"over_achievement_pct": D(100)},
        {"red_gap_pct": D(-1)},
    ],
)
def test_invalid_settings_are_refused(changes):
    with pytest.raises((ValueError, TypeError)):
        replace(DEFAULT_SETTINGS, **changes)


def test_settings_from_config():
    settings = settings_from_config(
        {
            "reverse_formula": "ratio",
            "execution_weight": "10",
            "points_2021": {"产出指标": 40, "成本指标": 10, "效益指标": 30, "满意度指标": 10},
            "grade_bands": [["85", "优"], ["75", "良"], ["60", "中"], ["0", "差"]],
            "bands": [["a", "达成", 80, 100], ["b", "部分达成", 60, 80], ["c", "未达成", 0, 60]],
            "over_achievement_pct": "150",
            "reason_for_unmet": True,
        }
    )
    assert settings.reverse_formula == "ratio"
    assert dict(settings.points("2021"))["成本指标"] == D(10)
    assert grade(D(85), settings) == "优"
    assert settings.bands[1].label == "部分达成"
    assert settings.over_achievement_pct == D(150) and settings.reason_for_unmet is True
    with pytest.raises(ValueError, match="unknown"):
        settings_from_config({"execution_wieght": 10})


# --- the whole evaluation ------------------------------------------------------------------------


def row(level1, level2, name, target, actual=None, unit=None, **kwargs):
    return IndicatorInput(
        level1, level2, name, parse_value(target), None if actual is None else D(actual), unit, **kwargs
    )


SAMPLE = EvaluationInput(
    budget=D("28.00"),
    spent=D("27.50"),
    indicators=(
        # 产出 50 over 4 rows: 12.50 each
        row("产出指标", "数量指标", "培训人数", "≥200人", "180", "人"),  # 180 ÷ 200 × 12.5 = 11.25
        row("产出指标", "质量指标", "评审合格率", "≥95%", "96", "%"),  # met: 12.50
        row("产出指标", "时效指标", "工资发放及时率", "=100%", "100"),  # = non-zero as 正向, met: 12.50
        # 300000元 = 30万元 > 28: (1 − 2 ÷ 28) × 12.5 = 11.607… → 11.61 (ratio: 28 ÷ 30 × 12.5 = 11.666… → 11.67)
        row("产出指标", "成本指标", "项目成本", "≤28万元", "300000", "元"),
        # 效益 30 over 2 rows: 15.00 each; 部分达成 is [9, 12) of 15
        row(
            "效益指标",
            "社会效益指标",
            "服务环境",
            "服务环境提升、满意度提升",
            band="部分达成并具有一定效果",
            band_score=D("10.50"),
        ),
        # (1 − 1 ÷ 4) × 15 = 11.25 (ratio: 4 ÷ 5 × 15 = 12.00)
        row("效益指标", "可持续影响指标", "投诉率", "<4%", "5", "%"),
        # 满意度 10: met; 120 ÷ 90 = 133% ≥ 130%: needs a reason, and has one
        row(
            "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "120", reason="  样本较少，明年扩大调查范围 "
        ),
    ),
)


def test_evaluate_sample_json():
    # indicators: 11.25 + 12.50 + 12.50 + 11.61 + 10.50 + 11.25 + 10.00 = 79.61
    # execution: 27.5 ÷ 28 × 10 = 9.8214… → 9.82 ; total 9.82 + 79.61 = 89.43 → 良
    # warning: 79.61/90 = 0.8846 < 9.82/10 → not red; 0.5 ÷ 28 = 1.8% unspent → green
    result = evaluate(SAMPLE)
    assert result.to_json() == {
        "execution": {"budget": "28.00", "spent": "27.50", "rate": "98.21", "score": "9.82"},
        "indicators": [
            _json("产出指标", "数量指标", "培训人数", "≥200人", "180人", "12.50", "11.25"),
            _json("产出指标", "质量指标", "评审合格率", "≥95%", "96%", "12.50", "12.50"),
            _json("产出指标", "时效指标", "工资发放及时率", "=100%", "100%", "12.50", "12.50"),
            _json("产出指标", "成本指标", "项目成本", "≤28万元", "300000元", "12.50", "11.61"),
            _json(
                "效益指标",
                "社会效益指标",
                "服务环境",
                "服务环境提升、满意度提升",
                "部分达成并具有一定效果",
                "15.00",
                "10.50",
            ),
            _json("效益指标", "可持续影响指标", "投诉率", "<4%", "5%", "15.00", "11.25"),
            _json(
                "满意度指标",
                "服务对象满意度指标",
                "服务对象满意度",
                "≥90%",
                "120%",
                "10.00",
                "10.00",
                "样本较少，明年扩大调查范围",
            ),
        ],
        "total": "89.43",
        "grade": "良",
        "warning": "green",
    }
    assert result.indicator_total == D("79.61")
    assert result.problems == () and result.ready
    assert [r.needs_reason for r in result.rows] == [False] * 6 + [True]


def _json(level1, level2, name, target, actual, weight, points, reason=None):
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "target": target,
        "actual": actual,
        "weight": weight,
        "score": points,
        "reason": reason,
    }


def test_evaluate_sample_with_the_ratio_formula():
    # 成本 28 ÷ 30 × 12.5 = 11.67, 投诉率 4 ÷ 5 × 15 = 12.00
    # indicators 11.25 + 12.50 + 12.50 + 11.67 + 10.50 + 12.00 + 10.00 = 80.42 ; total 9.82 + 80.42 = 90.24 → 优
    result = evaluate(SAMPLE, RATIO)
    assert [r.score for r in result.rows][3:6] == [D("11.67"), D("10.50"), D("12.00")]
    assert (result.total, result.grade) == (D("90.24"), "优")


def test_over_achievement_without_a_reason_is_refused():
    last = replace(SAMPLE.indicators[-1], reason="  ")
    result = evaluate(replace(SAMPLE, indicators=(*SAMPLE.indicators[:-1], last)))
    message = "第7行“服务对象满意度”实际完成值偏离年度指标值较大（完成率133.33%），须填写偏差原因分析及改进措施"
    assert result.problems == (message,)
    assert not result.ready
    assert missing_reasons(result.rows) == [message]
    assert result.to_json()["indicators"][-1]["reason"] is None
    assert result.total == D("89.43")  # a missing reason blocks submission, not the score


def test_unmet_without_a_reason_when_configured():
    result = evaluate(SAMPLE, Settings(reason_for_unmet=True))
    assert missing_reasons(result.rows) == [
        "第1行“培训人数”未完成年度指标值，须填写偏差原因分析及改进措施",
        "第4行“项目成本”未完成年度指标值，须填写偏差原因分析及改进措施",
        "第5行“服务环境”未完成年度指标值，须填写偏差原因分析及改进措施",
        "第6行“投诉率”未完成年度指标值，须填写偏差原因分析及改进措施",
    ]


def test_evaluate_2021_scheme():
    data = EvaluationInput(
        budget=D("50.00"),
        spent=D("55.00"),
        indicators=(
            row("产出指标", "数量指标", "建设数量", "≥10个", "10", "个"),  # 产出 30, met: 30.00
            row("成本指标", "经济成本指标", "建设成本", "50万元", "55", "万元"),  # 成本 20: (1 − 5 ÷ 50) × 20 = 18.00
            row("效益指标", "社会效益指标", "覆盖率", "≥90%", "81", "%"),  # 81 ÷ 90 × 30 = 27.00
            row("满意度指标", "服务对象满意度指标", "满意度", "≥95%", "95", "%"),  # 10.00
        ),
    )
    # overspent 110%: execution capped at 10 ; 30 + 18 + 27 + 10 = 85 ; total 95.00 → 优
    result = evaluate(data).to_json()
    assert result["execution"] == {"budget": "50.00", "spent": "55.00", "rate": "110.00", "score": "10.00"}
    assert [r["weight"] for r in result["indicators"]] == ["30.00", "20.00", "30.00", "10.00"]
    assert [r["score"] for r in result["indicators"]] == ["30.00", "18.00", "27.00", "10.00"]
    assert (result["total"], result["grade"], result["warning"]) == ("95.00", "优", "green")


def test_evaluate_with_edited_weights_and_missing_values():
    data = EvaluationInput(
        budget=D("0"),
        spent=D("0"),
        indicators=(
            row("产出指标", "数量指标", "培训人数", "≥200人", "200"),
            row("产出指标", "质量指标", "合格率", "≥95%"),  # no actual yet
            row("效益指标", "社会效益指标", "服务环境", "服务环境提升"),  # no band yet
            row("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "90"),
        ),
        weights=(D(40), D(10), D(30), D(9)),
    )
    result = evaluate(data)
    # execution: budget 0 → no rate, 0 points ; indicators 40 + 0 + 0 + 9 = 49 → 差 ; 49 claimed, 0 executed → red
    assert result.to_json()["execution"] == {"budget": "0.00", "spent": "0.00", "rate": None, "score": "0.00"}
    assert [str(r.score) for r in result.rows] == ["40.00", "0.00", "0.00", "9.00"]
    assert (result.total, result.grade, result.warning) == (D("49.00"), "差", "red")
    assert result.problems == (
        "满意度指标的分值合计应为10.00，现为9.00",
        "指标分值合计应为90.00，现为89.00",
        "第2行“合格率”未填写实际完成值",
        "第3行“服务环境”未填写评价档次和得分",
    )
    assert result.to_json()["indicators"][1]["actual"] is None


def test_evaluate_scores_unusable_rows_zero_and_lists_why():
    # stored data can go stale (a target's unit adjusted, a weight lowered under a band score): never a crash
    bad_unit = evaluate(EvaluationInput(D(10), D(10), (row("产出指标", "数量指标", "人数", "≥200人", "90", "%"),)))
    assert (bad_unit.rows[0].score, bad_unit.rows[0].result.rule_used) == (D("0.00"), "invalid")
    assert bad_unit.rows[0].actual == "90%"
    assert "第1行“人数”无法评分：实际完成值的单位“%”与年度指标值的单位“人”不一致" in bad_unit.problems
    bad_band = evaluate(
        EvaluationInput(
            D(10), D(10), (row("效益指标", "社会效益指标", "环境", "环境提升", band="achieved", band_score=D(5)),)
        )
    )
    assert (bad_band.rows[0].score, bad_band.rows[0].result.rule_used) == (D("0.00"), "invalid")
    assert any("无法评分：“达成年度指标”档次的得分应不低于24分" in p for p in bad_band.problems), bad_band.problems
    assert not bad_band.ready


def test_evaluate_refuses_bad_arguments():
    negative = EvaluationInput(D(10), D(10), (row("产出指标", "数量指标", "人数", "≥200人", "90"),), weights=(D(-1),))
    with pytest.raises(ScoringError, match="分值不能为负数"):
        evaluate(negative)
    with pytest.raises(ValueError):
        evaluate(replace(SAMPLE, weights=(D(90),)))


def test_actual_text_is_shown_as_entered():
    # a single 2020 row under 效益 carries its 30 points; 达成年度指标 is [24, 30]: 27 is inside
    indicator = row(
        "效益指标", "社会效益指标", "环境", "环境提升", band="achieved", band_score=D(27), actual_text="明显提升"
    )
    shown = evaluate(EvaluationInput(D(10), D(10), (indicator,))).to_json()["indicators"][0]
    assert (shown["actual"], shown["weight"], shown["score"]) == ("明显提升", "30.00", "27.00")


# --- grade and light ---------------------------------------------------------------------------

#: (grade, light) -> whether the page explains them: good grades with a warning, 差 with green.
GRADE_LIGHT_PAIRS = [
    ("优", "red", "红灯"),
    ("优", "yellow", "黄灯"),
    ("优", "green", None),
    ("良", "red", "红灯"),
    ("良", "yellow", "黄灯"),
    ("良", "green", None),
    ("中", "red", None),
    ("中", "yellow", None),
    ("中", "green", None),
    ("差", "red", None),
    ("差", "yellow", None),
    ("差", "green", "绿灯"),
]


@pytest.mark.parametrize(("grade_label", "light", "names"), GRADE_LIGHT_PAIRS)
def test_grade_and_light_explained_only_when_they_disagree(grade_label, light, names):
    note = scoring.grade_light_note(grade_label, light)
    if names is None:
        assert note is None
    else:
        assert names in note and f"“{grade_label}”" in note
        assert note.count("。") == 1 and note.endswith("。")  # one sentence


def test_grade_light_note_names_the_configured_thresholds():
    assert "超前 5% 以上" in scoring.grade_light_note("优", "red")
    assert "超过 20% 尚未支出" in scoring.grade_light_note("良", "yellow")
    assert "低于 60 分" in scoring.grade_light_note("差", "green")
    assert scoring.grade_light_note("未知", "red") is None


def test_a_good_grade_with_little_spent_lights_red_and_is_explained():
    """Indicators 88 of 90 but only half the budget spent: 93 points (优) and a red light."""
    execution = scoring.execution_score(D(100), D(50))[1]
    total = scoring.total_score(execution, [D(88)])
    grade_label, light = scoring.grade(total), scoring.warning_light(D(88), execution, D(100), D(50))
    assert (total, grade_label, light) == (D("93.00"), "优", "red")
    assert "红灯" in scoring.grade_light_note(grade_label, light)


def test_a_poor_grade_fully_spent_lights_green_and_is_explained():
    """Indicators 40 of 90, the budget spent: 50 points (差), and nothing to warn about spending."""
    execution = scoring.execution_score(D(100), D(100))[1]
    total = scoring.total_score(execution, [D(40)])
    grade_label, light = scoring.grade(total), scoring.warning_light(D(40), execution, D(100), D(100))
    assert (total, grade_label, light) == (D("50.00"), "差", "green")
    assert "绿灯只说明" in scoring.grade_light_note(grade_label, light)
