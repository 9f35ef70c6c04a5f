"""Year-end self-evaluation (绩效自评) scoring: pure functions, exact decimals, no database.

The rules are docs/domain.md#year-end-self-evaluation (财预〔2020〕10号 and provincial
practice); the single rules live in ``scoring_rules`` and are re-exported here. Where
the rules are silent, perf decides as follows (each is tested):

Numbers
    Decimal (or int) only, floats raise TypeError. Scores are computed exactly and rounded
    once, half up, to two places (``perf.numbers.round2``). The total is the sum of the rows'
    two-place scores, so it equals the sum of the 得分 column a person adds up by hand; the
    grade is taken from that two-place total.
Execution
    budget and spent are in the same unit (万元). Budget 0 -> rate None, score 0 (nothing was
    shown to be executed; with indicator points claimed this lights red). Negative -> ScoringError.
    Overspending shows a rate above 100 and the capped score.
Weights
    2020 scheme 产出 50 / 效益 30 / 满意度 10; 2021 scheme (成本指标 is a 一级, detected from the
    rows) 产出 30 / 成本 20 / 效益 30 / 满意度 10, because 成本 was part of 产出's 50 and 效益 and
    满意度 keep the points 财预〔2020〕10号 gives them. The execution weight plus each scheme's points
    must be 100. Default weights split a 一级's points evenly in cents; the leftover cents go
    one each to its first rows (50 over 3 -> 16.67, 16.67, 16.66). Rows under a 一级 the scheme
    does not know get 0 and a message. check_weights requires: a total of 90 (100 − execution
    weight), no negatives, at most two decimals, and (``level1_sums_fixed``, default on, as
    "within a 一级 the unit distributes the points") each 一级 keeps its configured points.
Indicators
    Strict comparators (> and <) are met only strictly; at actual = target both formulas give
    the full points anyway, so strictness changes ``met`` (and the reason rule), not the score.
    A target ≤ 0 that is not met scores 0 (ratios to it mean nothing), except = 0 (docs/domain.md#indicator-scores).
    = with a non-zero target is scored as ≥. A missing actual value or 定性 band scores 0 with
    rule "missing" and is listed in ``Evaluation.problems``.
定性 bands
    Lower bound included, upper excluded, except the top band which includes 100% (as the
    grade bands: 80% belongs to 达成年度指标, 60% to 部分达成). The score is in points, at most
    two decimals; the band is named by key or label. The first band counts as "met".
Over-achievement
    正向 and 等于: actual ≥ 130% of target. 反向, mirrored (``reverse_over_achievement``, default
    on): actual ≤ 70% (200% − 130%) of target — a ceiling beaten that far was set too loosely.
    Never for a target ≤ 0. ``reason_for_unmet`` (default off) also requires a reason for every
    unmet indicator, as some provinces do.
Units
    The actual must be in the target's unit (else the row scores 0 and is a problem, like a 定性
    band score outside its band: stored data never makes ``evaluate`` raise); money units
    元/千元/万元/亿元 convert (also inside compound units: 元/月 vs 万元/月); a missing unit on either
    side is taken as the other side's.
Warning light
    red first, then yellow, else green. The 90 and 10 of the rule are the configured indicator
    points and execution weight; red is impossible when the indicator total is 0; yellow never for
    a budget of 0; both thresholds are "more than" (exactly 5% / 20% is not enough).
Grade and light
    They measure different things (the score; performance against spending), so a good grade
    can carry a red or yellow light and a 差 a green one: ``grade_light_note`` says why in one
    sentence on the self-evaluation page.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from perf.evaluation.scoring_rules import (
    DEFAULT_BANDS,
    DEFAULT_GRADES,
    DEFAULT_SETTINGS,
    POINTS_2020,
    POINTS_2021,
    RULE_LABELS,
    ZERO,
    Band,
    IndicatorScore,
    ScoringError,
    Settings,
    band_range,
    capped_total,
    execution_score,
    find_band,
    grade,
    grade_light_note,
    indicator_score,
    level1_key,
    number,
    scheme_of,
    settings_from_config,
    total_score,
    warning_light,
)
from perf.numbers import fmt2, plain, round2
from perf.projects.indicator_value import Kind, ParsedValue
from perf.units import to_target_unit, unit_mismatch

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_GRADES",
    "DEFAULT_SETTINGS",
    "POINTS_2020",
    "POINTS_2021",
    "RULE_LABELS",
    "Band",
    "Evaluation",
    "EvaluationInput",
    "Execution",
    "IndicatorInput",
    "IndicatorScore",
    "ScoredRow",
    "ScoringError",
    "Settings",
    "band_range",
    "capped_total",
    "check_weights",
    "default_weights",
    "evaluate",
    "execution_score",
    "find_band",
    "grade",
    "grade_light_note",
    "indicator_score",
    "missing_reasons",
    "scheme_of",
    "settings_from_config",
    "total_score",
    "warning_light",
]


class Level1Row(Protocol):
    """Anything with a 一级 name (an ``IndicatorInput``, a model row); a plain string also works."""

    level1: str


def _level1(row: "Level1Row | str") -> str:
    return row if isinstance(row, str) else row.level1


def _shown(value: Decimal) -> str:
    """Two places when they hold the value exactly (49 -> "49.00"), else every digit (16.666)."""
    return fmt2(value) if value == round2(value) else plain(value)


def _label(index: int, row: "Level1Row | str") -> str:
    name = getattr(row, "name", "")
    return f"第{index}行“{name}”" if name else f"第{index}行"


# --- weights ----------------------------------------------------------------------------------


def _groups(rows: Sequence, settings: Settings, scheme: str | None) -> tuple[dict[str, list[int]], list[int]]:
    """Row indexes per configured 一级 (in configuration order), and the indexes of unknown 一级."""
    split = settings.points(scheme or scheme_of(_level1(row) for row in rows))
    groups: dict[str, list[int]] = {level1: [] for level1, _ in split}
    by_key = {level1_key(level1): level1 for level1, _ in split}
    unknown = []
    for index, row in enumerate(rows):
        level1 = by_key.get(level1_key(_level1(row)))
        if level1 is None:
            unknown.append(index)
        else:
            groups[level1].append(index)
    return groups, unknown


def default_weights(rows: Sequence, settings: Settings = DEFAULT_SETTINGS, scheme: str | None = None) -> list[Decimal]:
    """Each 一级's points split evenly among its rows, leftover cents to its first rows; unknown 一级 get 0."""
    scheme = scheme or scheme_of(_level1(row) for row in rows)
    split = dict(settings.points(scheme))
    groups, _ = _groups(rows, settings, scheme)
    weights = [Decimal("0.00")] * len(rows)
    for level1, indexes in groups.items():
        if not indexes:
            continue
        base, extra = divmod(int(split[level1] * 100), len(indexes))
        for position, index in enumerate(indexes):
            weights[index] = Decimal(base + (position < extra)).scaleb(-2)  # cents -> two places
    return weights


def check_weights(
    rows: Sequence, weights: Sequence[Decimal | None], settings: Settings = DEFAULT_SETTINGS, scheme: str | None = None
) -> list[str]:
    """Why ``weights`` cannot be submitted, in Chinese; empty when they can."""
    if len(rows) != len(weights):
        raise ValueError(f"{len(rows)} rows but {len(weights)} weights")
    scheme = scheme or scheme_of(_level1(row) for row in rows)
    problems = [m for i, (row, w) in enumerate(zip(rows, weights, strict=True), 1) if (m := _weight_problem(i, row, w))]
    groups, unknown = _groups(rows, settings, scheme)
    problems += [f"{_label(i + 1, rows[i])}的一级指标“{_level1(rows[i])}”不在评分方案中" for i in unknown]
    valid = [w if isinstance(w, Decimal | int) else ZERO for w in weights]
    for level1, points in settings.points(scheme):
        problems += _level1_problems(level1, points, [valid[i] for i in groups[level1]], settings)
    total = sum(valid, ZERO)
    if total != settings.indicator_points:
        problems.append(f"指标分值合计应为{fmt2(settings.indicator_points)}，现为{_shown(total)}")
    return problems


def _weight_problem(index: int, row: "Level1Row | str", weight: Decimal | None) -> str | None:
    label = _label(index, row)
    if weight is None:
        return f"{label}未填写分值"
    if not isinstance(weight, Decimal | int) or not Decimal(weight).is_finite():
        return f"{label}的分值不是有效数字"
    if weight < 0:
        return f"{label}的分值不能为负数（{_shown(weight)}）"
    if Decimal(weight) != round2(Decimal(weight)):
        return f"{label}的分值最多保留两位小数（{plain(weight)}）"
    return None


def _level1_problems(level1: str, points: Decimal, weights: list[Decimal], settings: Settings) -> list[str]:
    if not weights:
        return [f"缺少{level1}，其{fmt2(points)}分无法分配"] if points > 0 else []
    total = sum(weights, ZERO)
    if settings.level1_sums_fixed and total != points:
        return [f"{level1}的分值合计应为{fmt2(points)}，现为{_shown(total)}"]
    return []


# --- the whole evaluation ---------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInput:
    """One indicator row as entered: its target, the actual value (in ``actual_unit``) or the 定性 band."""

    level1: str
    level2: str
    name: str
    target: ParsedValue
    actual: Decimal | None = None
    actual_unit: str | None = None
    band: str | None = None
    band_score: Decimal | None = None
    reason: str | None = None
    actual_text: str | None = None  # shown instead of the number (e.g. a 定性 description)


@dataclass(frozen=True)
class EvaluationInput:
    """A project's year: budget and spending (same unit, 万元), its indicators, optional edited weights."""

    budget: Decimal
    spent: Decimal
    indicators: tuple[IndicatorInput, ...]
    weights: tuple[Decimal, ...] | None = None  # None: default_weights
    scheme: str | None = None  # None: "2021" if a 一级 is 成本指标, else "2020"


@dataclass(frozen=True)
class Execution:
    budget: Decimal
    spent: Decimal
    rate: Decimal | None
    score: Decimal
    #: 预算执行率's 分值 (settings.execution_weight, 10 by default).
    weight: Decimal = Decimal(10)


@dataclass(frozen=True)
class ScoredRow:
    indicator: IndicatorInput
    weight: Decimal
    result: IndicatorScore
    actual: str | None  # the actual as shown
    error: str | None = None  # why the row could not be scored (rule "invalid")

    @property
    def score(self) -> Decimal:
        return self.result.score

    @property
    def needs_reason(self) -> bool:
        return self.result.needs_reason

    @property
    def reason(self) -> str | None:
        text = (self.indicator.reason or "").strip()
        return text or None


@dataclass(frozen=True)
class Evaluation:
    execution: Execution
    rows: tuple[ScoredRow, ...]
    indicator_total: Decimal
    total: Decimal
    grade: str
    warning: str
    problems: tuple[str, ...]  # why it cannot be submitted yet (weights, missing values, missing reasons)
    #: The total before the caps by 预算执行率, when a cap lowered it (``score_caps``), else None.
    uncapped_total: Decimal | None = None

    @property
    def ready(self) -> bool:
        return not self.problems

    def to_json(self) -> dict:
        """The shape ``perf self-eval CODE --json`` prints; decimals as strings with two places."""
        return {
            "execution": {
                "budget": fmt2(self.execution.budget),
                "spent": fmt2(self.execution.spent),
                "rate": fmt2(self.execution.rate),
                "score": fmt2(self.execution.score),
            },
            "indicators": [_row_json(row) for row in self.rows],
            "total": fmt2(self.total),
            "grade": self.grade,
            "warning": self.warning,
        }


def _row_json(row: ScoredRow) -> dict:
    indicator = row.indicator
    return {
        "level1": indicator.level1,
        "level2": indicator.level2,
        "name": indicator.name,
        "target": indicator.target.text,
        "actual": row.actual,
        "weight": fmt2(row.weight),
        "score": fmt2(row.score),
        "reason": row.reason,
    }


def missing_reasons(scored_rows: Sequence[ScoredRow]) -> list[str]:
    """Rows that need 偏差原因分析及改进措施 but have none, as Chinese messages."""
    problems = []
    for index, row in enumerate(scored_rows, 1):
        if not row.needs_reason or row.reason:
            continue
        label = _label(index, row.indicator)
        if row.result.met:
            pct = f"（完成率{fmt2(row.result.completion_pct)}%）" if row.result.completion_pct is not None else ""
            problems.append(f"{label}实际完成值偏离年度指标值较大{pct}，须填写偏差原因分析及改进措施")
        else:
            problems.append(f"{label}未完成年度指标值，须填写偏差原因分析及改进措施")
    return problems


def _score_row(indicator: IndicatorInput, weight: Decimal, settings: Settings) -> ScoredRow:
    if weight < 0:  # an argument error, not stale data (the database refuses negative weights)
        raise ScoringError("分值不能为负数")
    target, actual, shown = indicator.target, indicator.actual, indicator.actual_text
    if target.kind is Kind.QUANTITATIVE and actual is not None:
        shown = shown or f"{plain(indicator.actual)}{indicator.actual_unit or target.unit or ''}"
        mismatch = unit_mismatch(target.unit, indicator.actual_unit)
        if mismatch:
            return ScoredRow(indicator, weight, IndicatorScore(round2(ZERO), "invalid", None, False), shown, mismatch)
        actual = to_target_unit(actual, indicator.actual_unit, target.unit)
    elif target.kind is Kind.QUALITATIVE and indicator.band is not None:
        shown = shown or find_band(indicator.band, settings).label
    try:
        result = indicator_score(
            target, actual, weight, indicator.level1, indicator.level2, settings, indicator.band, indicator.band_score
        )
    except ScoringError as error:  # e.g. a band score outside the band once its weight changed: 0 and a problem
        return ScoredRow(indicator, weight, IndicatorScore(round2(ZERO), "invalid", None, False), shown, str(error))
    return ScoredRow(indicator, weight, result, shown)


def _missing_values(rows: Sequence[ScoredRow]) -> list[str]:
    problems = []
    for index, row in enumerate(rows, 1):
        if row.result.rule_used == "missing":
            what = "实际完成值" if row.indicator.target.kind is Kind.QUANTITATIVE else "评价档次和得分"
            problems.append(f"{_label(index, row.indicator)}未填写{what}")
        elif row.error:
            problems.append(f"{_label(index, row.indicator)}无法评分：{row.error}")
    return problems


def evaluate(data: EvaluationInput, settings: Settings = DEFAULT_SETTINGS) -> Evaluation:
    """Score a project's year: execution, every indicator, total, grade, warning light and what blocks submission."""
    rows = data.indicators
    scheme = data.scheme or scheme_of(row.level1 for row in rows)
    weights = list(data.weights) if data.weights is not None else default_weights(rows, settings, scheme)
    problems = check_weights(rows, weights, settings, scheme)
    rate, execution = execution_score(data.budget, data.spent, settings)
    scored = tuple(_score_row(row, number(weight, "分值"), settings) for row, weight in zip(rows, weights, strict=True))
    indicator_total = total_score(ZERO, (row.score for row in scored))
    uncapped = total_score(execution, (row.score for row in scored))
    total = capped_total(uncapped, rate, settings)
    return Evaluation(
        execution=Execution(
            number(data.budget, "全年预算数"),
            number(data.spent, "全年执行数"),
            rate,
            execution,
            settings.execution_weight,
        ),
        rows=scored,
        indicator_total=indicator_total,
        total=total,
        grade=grade(total, settings),
        warning=warning_light(indicator_total, execution, data.budget, data.spent, settings),
        problems=tuple(problems + _missing_values(scored) + missing_reasons(scored)),
        uncapped_total=uncapped if total != uncapped else None,
    )
