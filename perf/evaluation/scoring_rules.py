"""The year-end self-evaluation (绩效自评) rules, one pure function each, on exact decimals.

Everything here follows PRODUCT.md "Year-end self-evaluation"; the decisions it leaves open
are listed in ``perf.evaluation.scoring`` (the public face of this module). Scores are
computed exactly and rounded once, half up, by ``perf.numbers.round2`` when returned.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any, Protocol

from perf.numbers import HUNDRED, plain, round2
from perf.projects.indicator_value import Comparator, Direction, Kind
from perf.projects.indicators import effective_direction

ZERO = Decimal(0)
#: The self-evaluation is out of 100 (预算执行率 + all indicators); grade bands assume it.
TOTAL_POINTS = HUNDRED
REVERSE_FORMULAS = ("linear", "ratio")


class ScoringError(ValueError):
    """Input that cannot be scored; the message is in Chinese and meant for the user."""


def level1_key(name: str) -> str:
    """Compare 一级 names loosely: ``产出指标`` and ``产出`` are the same 一级."""
    return "".join(name.split()).removesuffix("指标")


def scheme_of(level1_names: Iterable[str]) -> str:
    """The scheme of a table: "2021" when any 一级 is 成本指标, else "2020"."""
    return "2021" if any(level1_key(name) == "成本" for name in level1_names) else "2020"


def number(value: object, what: str) -> Decimal:
    """An exact Decimal from a Decimal or int; floats are refused (they cannot hold 0.1)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{what} must be a Decimal or int, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ScoringError(f"{what}不是有效数字")
    return value


@dataclass(frozen=True)
class Band:
    """A 定性 band: the reviewer's score must lie in [low_pct, high_pct) of the points (the top band includes 100%)."""

    key: str
    label: str
    low_pct: Decimal
    high_pct: Decimal


DEFAULT_BANDS = (
    Band("achieved", "达成年度指标", Decimal(80), HUNDRED),
    Band("partial", "部分达成并具有一定效果", Decimal(60), Decimal(80)),
    Band("missed", "未达成且效果较差", ZERO, Decimal(60)),
)
#: 财预〔2020〕10号: 产出 50, 效益 30, 满意度 10 (+ 预算执行率 10).
POINTS_2020 = (("产出指标", Decimal(50)), ("效益指标", Decimal(30)), ("满意度指标", Decimal(10)))
#: 2021 scheme: 成本指标 was part of 产出指标, so its points come out of 产出's 50.
POINTS_2021 = (
    ("产出指标", Decimal(30)),
    ("成本指标", Decimal(20)),
    ("效益指标", Decimal(30)),
    ("满意度指标", Decimal(10)),
)
#: (lowest total, grade), best first: 90 is 优, 80 is 良, 60 is 中.
DEFAULT_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (ZERO, "差"))


@dataclass(frozen=True)
class Settings:
    """Every configurable number of the scoring, with the defaults of PRODUCT.md."""

    execution_weight: Decimal = Decimal(10)
    points_2020: tuple[tuple[str, Decimal], ...] = POINTS_2020
    points_2021: tuple[tuple[str, Decimal], ...] = POINTS_2021
    reverse_formula: str = "linear"
    bands: tuple[Band, ...] = DEFAULT_BANDS
    over_achievement_pct: Decimal = Decimal(130)
    reverse_over_achievement: bool = True
    reason_for_unmet: bool = False
    grade_bands: tuple[tuple[Decimal, str], ...] = DEFAULT_GRADES
    red_gap_pct: Decimal = Decimal(5)
    yellow_unspent_pct: Decimal = Decimal(20)
    level1_sums_fixed: bool = True

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def indicator_points(self) -> Decimal:
        """The points all indicators share (90 by default): 100 − the execution weight."""
        return TOTAL_POINTS - self.execution_weight

    def points(self, scheme: str) -> tuple[tuple[str, Decimal], ...]:
        """The (一级, points) split of ``scheme`` ("2021": 成本指标 is a 一级; anything else: 2020)."""
        return self.points_2021 if scheme == "2021" else self.points_2020


def _validate(s: Settings) -> None:
    _check_amount("execution_weight", s.execution_weight)
    if not ZERO < s.execution_weight < TOTAL_POINTS:
        raise ValueError("execution_weight must be between 0 and 100 (exclusive)")
    for name, split in (("points_2020", s.points_2020), ("points_2021", s.points_2021)):
        _check_split(name, split, s.indicator_points)
    if s.reverse_formula not in REVERSE_FORMULAS:
        raise ValueError(f"reverse_formula must be one of {REVERSE_FORMULAS}, not {s.reverse_formula!r}")
    _check_bands(s.bands)
    _check_grades(s.grade_bands)
    for name in ("over_achievement_pct", "red_gap_pct", "yellow_unspent_pct"):
        _check_amount(name, getattr(s, name), places=None)
    if s.over_achievement_pct <= HUNDRED:
        raise ValueError("over_achievement_pct must be above 100")


def _check_amount(name: str, value: object, places: int | None = 2) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    if not Decimal(value).is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0, not {value}")
    if places is not None and Decimal(value) != round2(Decimal(value)):
        raise ValueError(f"{name} must have at most two decimal places, not {value}")


def _check_split(name: str, split: tuple[tuple[str, Decimal], ...], total: Decimal) -> None:
    keys = [level1_key(level1) for level1, _ in split]
    if not split or len(set(keys)) != len(keys):
        raise ValueError(f"{name} must name each 一级指标 once")
    for level1, points in split:
        _check_amount(f"{name}[{level1}]", points)
    if sum(points for _, points in split) != total:
        raise ValueError(f"{name} must sum to {plain(total)} (100 − execution_weight)")


def _check_bands(bands: tuple[Band, ...]) -> None:
    if not bands or bands[0].high_pct != HUNDRED or bands[-1].low_pct != ZERO:
        raise ValueError("bands must run from 100% (first) down to 0% (last)")
    if len({band.key for band in bands}) != len(bands) or len({band.label for band in bands}) != len(bands):
        raise ValueError("band keys and labels must be unique")
    for upper, lower in pairwise(bands):
        if upper.low_pct != lower.high_pct:
            raise ValueError("bands must be contiguous: each band's low is the next band's high")
    for band in bands:
        _check_amount(f"band {band.key}", band.low_pct, places=None)
        _check_amount(f"band {band.key}", band.high_pct, places=None)
        if band.low_pct >= band.high_pct:
            raise ValueError(f"band {band.key} must have low_pct < high_pct")


def _check_grades(grades: tuple[tuple[Decimal, str], ...]) -> None:
    thresholds = [threshold for threshold, _ in grades]
    if not grades or thresholds != sorted(set(thresholds), reverse=True):
        raise ValueError("grade_bands must have strictly decreasing thresholds")
    if thresholds[-1] > 0:
        raise ValueError("the last grade band must start at 0 so that every total gets a grade")


_DECIMAL_KEYS = ("execution_weight", "over_achievement_pct", "red_gap_pct", "yellow_unspent_pct")
_BOOL_KEYS = ("reverse_over_achievement", "reason_for_unmet", "level1_sums_fixed")


def settings_from_config(config: Mapping[str, Any]) -> Settings:
    """Settings from configuration, e.g. ``{"reverse_formula": "ratio", "points_2021": {"产出指标": 40, ...}}``.

    Numbers may be given as strings or numbers; unknown keys are refused.
    """
    values: dict[str, Any] = {}
    for key, raw in config.items():
        if key in _DECIMAL_KEYS:
            values[key] = _config_decimal(raw)
        elif key in _BOOL_KEYS:
            values[key] = bool(raw)
        elif key == "reverse_formula":
            values[key] = str(raw)
        elif key in ("points_2020", "points_2021"):
            values[key] = tuple((str(name), _config_decimal(points)) for name, points in dict(raw).items())
        elif key == "grade_bands":
            values[key] = tuple((_config_decimal(threshold), str(label)) for threshold, label in raw)
        elif key == "bands":
            values[key] = tuple(
                Band(str(k), str(lb), _config_decimal(lo), _config_decimal(hi)) for k, lb, lo, hi in raw
            )
        else:
            raise ValueError(f"unknown self-evaluation setting {key!r}")
    return Settings(**values)


def _config_decimal(raw: object) -> Decimal:
    return Decimal(str(raw))


DEFAULT_SETTINGS = Settings()


# --- units ----------------------------------------------------------------------------------

#: Money units and their size in 元; ``元/月`` and ``万元/月`` convert, ``元/月`` and ``元/套`` do not.
MONEY_UNITS = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def _money(unit: str) -> tuple[Decimal, str] | None:
    head, slash, rest = unit.partition("/")
    return (MONEY_UNITS[head], slash + rest) if head in MONEY_UNITS else None


def unit_mismatch(target_unit: str | None, actual_unit: str | None) -> str | None:
    """A Chinese message when an actual in ``actual_unit`` cannot be compared with the target, else None.

    A missing unit on either side is taken to be the other side's; money units convert.
    """
    if target_unit is None or actual_unit is None or target_unit == actual_unit:
        return None
    target_money, actual_money = _money(target_unit), _money(actual_unit)
    if target_money and actual_money and target_money[1] == actual_money[1]:
        return None
    return f"实际完成值的单位“{actual_unit}”与年度指标值的单位“{target_unit}”不一致"


def to_target_unit(actual: Decimal, actual_unit: str | None, target_unit: str | None) -> Decimal:
    """``actual`` expressed in the target's unit (27.5万元 ← 275000元); ScoringError on a mismatch."""
    message = unit_mismatch(target_unit, actual_unit)
    if message:
        raise ScoringError(message)
    actual = number(actual, "实际完成值")
    if target_unit is None or actual_unit is None or target_unit == actual_unit:
        return actual
    return actual * _money(actual_unit)[0] / _money(target_unit)[0]


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
    top = chosen.high_pct == HUNDRED
    if score < low or score > high or (score == high and not top):
        upper = f"不超过{plain(high)}分" if top else f"低于{plain(high)}分"
        raise ScoringError(f"“{chosen.label}”档次的得分应不低于{plain(low)}分且{upper}，现为{plain(score)}分")
    met = chosen == settings.bands[0]
    return IndicatorScore(score, "qualitative", None, settings.reason_for_unmet and not met, met)


# --- totals -----------------------------------------------------------------------------------


def total_score(execution: Decimal, indicator_scores: Iterable[Decimal]) -> Decimal:
    """自评得分 = execution score + the indicator scores, as shown (each already two places)."""
    return round2(number(execution, "预算执行率得分") + sum((number(s, "得分") for s in indicator_scores), ZERO))


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
