"""Self-evaluation settings: weights, formulas, bands and grades, checked when they are made.

Defaults follow docs/domain.md#year-end-self-evaluation; a region configures its own with
``settings_from_config``.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from perf.numbers import HUNDRED, plain, round2

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

    @property
    def includes_high(self) -> bool:
        """Whether a score at the upper bound is in the band (only the top band's 100%)."""
        return self.high_pct == HUNDRED


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
    """Every configurable number of the scoring, with the defaults of docs/domain.md#weights."""

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
    #: Caps on the total by 预算执行率, as some provinces rule: (rate below, highest total), e.g.
    #: ((80, 89), (70, 79), (60, 69), (50, 59)); empty (the default): no cap.
    score_caps: tuple[tuple[Decimal, Decimal], ...] = ()

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
    _check_caps(s.score_caps)


def _check_caps(caps: tuple[tuple[Decimal, Decimal], ...]) -> None:
    for below, cap in caps:
        _check_amount("score_caps rate", below)
        _check_amount("score_caps total", cap)
        if not ZERO < below <= HUNDRED or cap > TOTAL_POINTS:
            raise ValueError("score_caps: rates must lie in (0, 100] and caps at most 100")
    rates = [below for below, _ in caps]
    if rates != sorted(set(rates), reverse=True):
        raise ValueError("score_caps must have strictly decreasing rates")


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
    if any(not isinstance(band.label, str) or not band.label.strip() or len(band.label) > 20 for band in bands):
        raise ValueError("band labels must be 1 to 20 characters")
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
        elif key == "score_caps":
            values[key] = tuple((_config_decimal(below), _config_decimal(cap)) for below, cap in raw)
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


def live_rules(settings: Settings, scheme: str, level1_names: Iterable[str]) -> dict:
    """The rules the self-evaluation page applies as the user types, as JSON data (static/js/self-evaluation.js).

    The same table the server checks with: each 一级's points, the indicator total and each 定性
    band's share of a row's 分值 (lower bound included, upper excluded except the top band);
    ``row_groups`` names each row's configured 一级 ("" for one the scheme does not know).
    Numbers are exact decimal strings, so the script computes with them exactly.
    """
    split = settings.points(scheme)
    by_key = {level1_key(level1): level1 for level1, _ in split}
    return {
        "groups": [{"level1": level1, "points": plain(points)} for level1, points in split],
        "indicator_points": plain(settings.indicator_points),
        "level1_sums_fixed": settings.level1_sums_fixed,
        "bands": [
            {
                "key": band.key,
                "label": band.label,
                "low_pct": plain(band.low_pct),
                "high_pct": plain(band.high_pct),
                "includes_high": band.includes_high,
            }
            for band in settings.bands
        ],
        "row_groups": [by_key.get(level1_key(name), "") for name in level1_names],
    }
