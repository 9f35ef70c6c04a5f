"""The year-end self-evaluation (绩效自评) rules, one pure function each, on exact decimals.

Everything here follows docs/domain.md#year-end-self-evaluation; the decisions it leaves open
are listed in ``perf.evaluation.scoring`` (the public face of this module). Scores are
computed exactly and rounded once, half up, by ``perf.numbers.round2`` when returned.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from perf.evaluation.settings import (  # noqa: F401 (re-exported for perf.evaluation.scoring)
    DEFAULT_BANDS,
    DEFAULT_GRADES,
    DEFAULT_SETTINGS,
    POINTS_2020,
    POINTS_2021,
    ZERO,
    Band,
    ScoringError,
    Settings,
    level1_key,
    number,
    scheme_of,
    settings_from_config,
)
from perf.numbers import HUNDRED, plain, round2
from perf.projects.indicator_value import Comparator, Direction, Kind
from perf.projects.indicators import effective_direction

# --- execution --------------------------------------------------------------------------------


def execution_score(
    budget: Decimal, spent: Decimal, settings: Settings = DEFAULT_SETTINGS
) -> tuple[Decimal | None, Decimal]:
    """(预算执行率 in percent, score) = (spent ÷ budget × 100, min(spent ÷ budget × weight, weight)).

    A budget of 0 has no rate (None) and earns 0: nothing was shown to be executed.
    """
    budget, spent = number(budget, "全年预算数"), number(spent, "全年执行数")
    if budget < 0 or spent < 0:
        raise ScoringError("全年预算数和全年执行数不能为负数")
    if budget == 0:
        return None, round2(ZERO)
    weight = settings.execution_weight
    return round2(spent * HUNDRED / budget), round2(min(spent * weight / budget, weight))


# --- one indicator ----------------------------------------------------------------------------


class TargetLike(Protocol):
    """What scoring reads from a ``ParsedValue``."""

    comparator: Comparator | None
    number: Decimal | None
    unit: str | None
    kind: Kind
    direction: Direction | None


@dataclass(frozen=True)
class IndicatorScore:
    """The score of one indicator row; ``met`` is None when nothing could be judged (``rule_used`` "missing")."""

    score: Decimal
    rule_used: str
    completion_pct: Decimal | None
    needs_reason: bool
    met: bool | None = None


RULE_LABELS = {
    "higher_met": "正向指标，已达成，得满分",
    "higher_unmet": "正向指标，实际值÷指标值×分值",
    "lower_met": "反向指标，已达成，得满分",
    "lower_linear": "反向指标，(1−(实际值−指标值)÷指标值)×分值",
    "lower_ratio": "反向指标，指标值÷实际值×分值",
    "equal_zero_met": "等于0的指标，实际值≤0，得满分",
    "equal_zero_unmet": "等于0的指标，实际值>0，得0分",
    "qualitative": "定性指标，按评价档次打分",
    "missing": "未填写实际完成值或评价档次",
    "invalid": "实际完成值或评价得分与指标不符，计0分",
}


def indicator_score(
    target: TargetLike,
    actual: Decimal | None,
    points: Decimal,
    level1: str,
    level2: str,
    settings: Settings = DEFAULT_SETTINGS,
    band: str | None = None,
    band_score: Decimal | None = None,
) -> IndicatorScore:
    """Score one indicator worth ``points``; ``actual`` must already be in the target's unit.

    Quantitative targets use ``actual`` (None -> rule "missing", 0); qualitative ones use
    ``band`` (key or label) and ``band_score`` (points, within the band's range).
    """
    points = number(points, "分值")
    if points < 0:
        raise ScoringError("分值不能为负数")
    if target.kind is Kind.QUALITATIVE:
        return _qualitative(points, band, band_score, settings)
    if actual is None:
        return IndicatorScore(round2(ZERO), "missing", None, False)
    actual, goal = number(actual, "实际完成值"), number(target.number, "年度指标值")
    direction = effective_direction(target, level1, level2)
    strict = target.comparator in (Comparator.GT, Comparator.LT)
    if direction is Direction.EQUAL and goal == 0:
        met = actual <= 0
        raw, rule = (points, "equal_zero_met") if met else (ZERO, "equal_zero_unmet")
    elif direction is Direction.LOWER_BETTER:
        met, raw, rule = _lower(goal, actual, points, strict, settings.reverse_formula)
    else:  # 正向, no comparator outside 成本, and = with a non-zero target
        met, raw, rule = _higher(goal, actual, points, strict)
    completion = None if goal == 0 else round2(actual * HUNDRED / goal)
    needs = (settings.reason_for_unmet and not met) or _over_achieved(direction, goal, actual, settings)
    return IndicatorScore(round2(min(max(raw, ZERO), points)), rule, completion, needs, met)


def _higher(goal: Decimal, actual: Decimal, points: Decimal, strict: bool) -> tuple[bool, Decimal, str]:
    met = actual > goal if strict else actual >= goal
    if met:
        return True, points, "higher_met"
    if goal <= 0:  # actual ÷ target means nothing for a target ≤ 0
        return False, ZERO, "higher_unmet"
    return False, actual * points / goal, "higher_unmet"


def _lower(goal: Decimal, actual: Decimal, points: Decimal, strict: bool, formula: str) -> tuple[bool, Decimal, str]:
    met = actual < goal if strict else actual <= goal
    if met:
        return True, points, "lower_met"
    if goal <= 0:  # neither formula means anything for a ceiling ≤ 0
        return False, ZERO, f"lower_{formula}"
    if formula == "ratio":
        return False, goal * points / actual, "lower_ratio"
    return False, (2 * goal - actual) * points / goal, "lower_linear"  # (1 − (a − t) ÷ t) × points


def _over_achieved(direction: Direction | None, goal: Decimal, actual: Decimal, settings: Settings) -> bool:
    """正向/等于: actual ≥ 130% of target; 反向 (mirrored): actual ≤ 70% of target. Targets ≤ 0 never."""
    if goal <= 0:
        return False
    if direction is Direction.LOWER_BETTER:
        mirrored = 2 * HUNDRED - settings.over_achievement_pct  # 70% for 130%
        return settings.reverse_over_achievement and actual * HUNDRED <= goal * mirrored
    return actual * HUNDRED >= goal * settings.over_achievement_pct


def find_band(band: str, settings: Settings = DEFAULT_SETTINGS) -> Band:
    """The band named by key or label; ScoringError if there is none."""
    for candidate in settings.bands:
        if band in (candidate.key, candidate.label):
            return candidate
    labels = "、".join(candidate.label for candidate in settings.bands)
    raise ScoringError(f"未知的定性评价档次“{band}”（应为{labels}）")


def band_range(band: Band, points: Decimal) -> tuple[Decimal, Decimal]:
    """The band's score range in points (exact, not rounded)."""
    return band.low_pct * points / HUNDRED, band.high_pct * points / HUNDRED


def _qualitative(points: Decimal, band: str | None, band_score: Decimal | None, settings: Settings) -> IndicatorScore:
    if band is None or band_score is None:
        return IndicatorScore(round2(ZERO), "missing", None, False)
    chosen = find_band(band, settings)
    score = number(band_score, "定性指标得分")
    if score != round2(score):
        raise ScoringError(f"定性指标得分最多保留两位小数，现为{plain(score)}")
    low, high = band_range(chosen, points)
    top = chosen.includes_high
    if score < low or score > high or (score == high and not top):
        upper = f"不超过{plain(high)}分" if top else f"低于{plain(high)}分"
        raise ScoringError(f"“{chosen.label}”档次的得分应不低于{plain(low)}分且{upper}，现为{plain(score)}分")
    met = chosen == settings.bands[0]
    return IndicatorScore(score, "qualitative", None, settings.reason_for_unmet and not met, met)


# --- totals -----------------------------------------------------------------------------------


def total_score(execution: Decimal, indicator_scores: Iterable[Decimal]) -> Decimal:
    """自评得分 = execution score + the indicator scores, as shown (each already two places)."""
    return round2(number(execution, "预算执行率得分") + sum((number(s, "得分") for s in indicator_scores), ZERO))


def capped_total(total: Decimal, rate: Decimal | None, settings: Settings = DEFAULT_SETTINGS) -> Decimal:
    """The total under the caps by 预算执行率 (``score_caps``): the lowest cap whose rate the execution
    rate falls below, if any (a rate of exactly 80 is not below 80). No rate (a budget of 0): no cap."""
    total = number(total, "自评得分")
    if rate is None:
        return total
    caps = [cap for below, cap in settings.score_caps if number(rate, "预算执行率") < below]
    return min([total, *caps])


def grade(total: Decimal, settings: Settings = DEFAULT_SETTINGS) -> str:
    """优/良/中/差 of the total as shown (two places): the first band whose threshold it reaches."""
    shown = round2(number(total, "自评得分"))
    for threshold, label in settings.grade_bands:
        if shown >= threshold:
            return label
    return settings.grade_bands[-1][1]


def warning_light(
    indicator_total: Decimal,
    execution: Decimal,
    budget: Decimal,
    spent: Decimal,
    settings: Settings = DEFAULT_SETTINGS,
) -> str:
    """自评预警: "red", "yellow" or "green".

    red: (I ÷ P − E ÷ W) ÷ (I ÷ P) > 5%, with I the indicator total, P the indicator points (90),
    E the execution score and W its weight (10); never when I = 0. yellow: more than 20% of the
    budget unspent (never for a budget of 0). Exact comparisons, no rounding.
    """
    claimed, execution = number(indicator_total, "指标得分"), number(execution, "预算执行率得分")
    budget, spent = number(budget, "全年预算数"), number(spent, "全年执行数")
    weight, points = settings.execution_weight, settings.indicator_points
    # (I/P − E/W) ÷ (I/P) > r/100  ⇔  (W·I − E·P) × 100 > r × W·I, for I > 0
    if claimed > 0 and (weight * claimed - execution * points) * HUNDRED > settings.red_gap_pct * weight * claimed:
        return "red"
    if budget > 0 and (budget - spent) * HUNDRED > settings.yellow_unspent_pct * budget:
        return "yellow"
    return "green"


def grade_light_note(grade_label: str, light: str, settings: Settings = DEFAULT_SETTINGS) -> str | None:
    """One Chinese sentence when the grade and the 自评预警 light seem to contradict each other, else None.

    They measure different things: the grade reads the total score (how well the targets were
    met, plus the execution score); the light compares the claimed performance with the money
    spent (red: the indicators far ahead of the spending; yellow: much of the budget unspent).
    A grade in the upper half of the bands (优, 良) with a red or yellow light, or the lowest
    grade (差) with a green light, gets the sentence; every other pair reads as it looks.
    """
    labels = [label for _, label in settings.grade_bands]
    if grade_label not in labels:
        return None
    position = labels.index(grade_label)
    good, poor = position < len(labels) // 2, position == len(labels) - 1 and len(labels) > 1
    if good and light == "red":
        return (
            f"等级“{grade_label}”按自评得分评定，红灯衡量的是绩效与支出是否相称：指标得分比预算执行得分"
            f"超前 {plain(settings.red_gap_pct)}% 以上，所报完成情况明显快于实际支出，请核实实际完成值和支付记录。"
        )
    if good and light == "yellow":
        return (
            f"等级“{grade_label}”按自评得分评定，黄灯衡量的是预算执行：全年预算有超过 "
            f"{plain(settings.yellow_unspent_pct)}% 尚未支出，所以得分较高也会亮黄灯。"
        )
    if poor and light == "green":
        threshold = settings.grade_bands[-2][0]
        return (
            f"绿灯只说明支出与指标完成情况相称、没有大量预算未支出，并不衡量绩效好坏；"
            f"等级“{grade_label}”是因为自评得分低于 {plain(threshold)} 分。"
        )
    return None
