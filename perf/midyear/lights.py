"""The lights of the mid-year 绩效运行监控 round, as pure functions on exact decimals.

Decisions (docs/domain.md#mid-year-monitoring-round; the official rules leave them open):

* Months elapsed at the round date are *whole months completed*: a month counts once its last
  day is reached (7月31日 -> 7, 7月15日 -> 6), exactly as 序时进度 (``perf.spending.progress.time_pct``)
  counts them, so the indicator side and the spending side share one clock.
* 正向 (and 等于 with a non-zero target): completion% = actual ÷ baseline × 100, where the
  baseline is target × months ÷ 12 for amounts that accumulate over the year (人, 家, 次, 万元 …)
  and the target itself for rates and levels (%, ‰, 分, 元/月 — any unit with "/" is "per
  something"): 98% satisfaction at 7月 is 98%, not 7/12 of it. The band is decided on the
  completion as displayed (2 places, half up), as the spending light decides on its displayed
  ratio (``perf.spending.lag``): <60 red, 60≤x<80 yellow, 80≤x<120 green, ≥120 blue. A
  baseline ≤ 0 has no completion: met (actual ≥ baseline) is green, else red.
* 反向 (≤, <, and a bare number under 成本): the actual is compared with the *annual* ceiling,
  never prorated; met -> green, else red. A ceiling limits the year's total: a cost already at
  70% of ``≤28万元`` in July is on plan (it is what the spending light asks for), only a ceiling
  already broken is a failure. Percent ceilings (``<4%``) compare directly anyway.
* 等于 0 (``=0``): actual ≤ 0 green, else red (as the year-end scoring reads it).
* 定性: the owner's 完成目标可能性 is the band: 确定能 green, 有可能 yellow, 完全不可能 red.
  (MonitoringEntry has no band column; the likelihood is the owner's own judgement of the
  goal, which is what a band is.)
* No actual (or, for 定性, no likelihood): "missing", shown grey as 未填报.
* 偏差原因 and 纠偏措施 are due for a red or yellow indicator and for any whose 完成目标可能性 is
  有可能 or 完全不可能 (the owner expects to miss or may miss it, whatever the light says now).
* A project's light is its worst indicator's, in the order red > yellow > missing > blue >
  green: blue (over-achievement) is not a failure but asks for a look (the target may be set
  too low), an unreported indicator might hide a failure, and a project with no indicators
  is "missing".
"""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from perf.numbers import HUNDRED, round2
from perf.projects.indicator_value import Comparator, Direction, Kind

RED, YELLOW, GREEN, BLUE, MISSING = "red", "yellow", "green", "blue", "missing"
#: Worst first.
ORDER = (RED, YELLOW, MISSING, BLUE, GREEN)
SEVERITY = {level: len(ORDER) - index for index, level in enumerate(ORDER)}
LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", BLUE: "蓝灯", MISSING: "未填报"}
#: One character, for the spreadsheet.
SHORT = {RED: "红", YELLOW: "黄", GREEN: "绿", BLUE: "蓝", MISSING: "未填"}
#: completion% bands of 正向 indicators: (lower bound, level), highest first.
BANDS = ((Decimal(120), BLUE), (Decimal(80), GREEN), (Decimal(60), YELLOW))
#: Likelihood key -> light of a 定性 indicator.
QUALITATIVE = {"certain": GREEN, "possible": YELLOW, "impossible": RED}
#: Likelihoods that call for 偏差原因 and 纠偏措施 whatever the light.
DOUBTFUL = ("possible", "impossible")
#: Units of a level or a rate, compared without proration.
LEVEL_UNITS = frozenset({"%", "‰", "分", "百分点", "倍", "级", "星"})
MONTHS = 12


@dataclass(frozen=True)
class Target:
    """What a light reads from an indicator: its parsed 指标值 and effective direction."""

    kind: Kind
    direction: Direction | None
    comparator: Comparator | None
    number: Decimal | None
    unit: str | None


@dataclass(frozen=True)
class Light:
    """One indicator's light, the baseline its actual was held against and (正向) the completion%."""

    level: str
    baseline: Decimal | None = None
    completion_pct: Decimal | None = None

    @property
    def label(self) -> str:
        """红灯 / 黄灯 / 绿灯 / 蓝灯 / 未填报."""
        return LABELS[self.level]


def months_elapsed(as_of: date, year: int) -> int:
    """Whole months of ``year`` completed at ``as_of``: 0 before the year, 12 after it."""
    if as_of.year != year:
        return 0 if as_of.year < year else MONTHS
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    return as_of.month if as_of.day == last_day else as_of.month - 1


def prorated(unit: str | None) -> bool:
    """True for an amount that accumulates over the year; False for a rate or a level."""
    return unit is None or (unit not in LEVEL_UNITS and "/" not in unit)


def band(completion_pct: Decimal) -> str:
    """The light of a 正向 completion percent."""
    for bound, level in BANDS:
        if completion_pct >= bound:
            return level
    return RED


def indicator_light(target: Target, actual: Decimal | None, months: int, likelihood: str | None = None) -> Light:
    """The light of one indicator whose actual (in the target's unit) is ``actual`` after ``months``."""
    if target.kind is Kind.QUALITATIVE:
        return Light(QUALITATIVE.get(likelihood or "", MISSING))
    if actual is None or target.number is None:
        return Light(MISSING)
    goal = target.number
    if target.direction is Direction.LOWER_BETTER:
        strict = target.comparator is Comparator.LT
        met = actual < goal if strict else actual <= goal
        return Light(GREEN if met else RED, goal)
    if target.direction is Direction.EQUAL and goal == 0:
        return Light(GREEN if actual <= 0 else RED, goal)
    return _higher(goal, actual, months if prorated(target.unit) else MONTHS)


def _higher(goal: Decimal, actual: Decimal, months: int) -> Light:
    """正向: completion of ``goal × months ÷ 12``, exact until the one rounding to 2 places."""
    with localcontext() as context:
        context.prec = 80  # inputs have at most 24 digits: products and the quotient stay exact enough
        baseline = goal * months / MONTHS
        if goal * months <= 0:
            return Light(GREEN if actual * MONTHS >= goal * months else RED, baseline)
        completion = round2(actual * HUNDRED * MONTHS / (goal * months))
    return Light(band(completion), baseline, completion)


def needs_explanation(level: str, likelihood: str | None) -> bool:
    """偏差原因 and 纠偏措施 are due: a red or yellow light, or a goal not sure to be reached (有可能 / 完全不可能)."""
    return level in (RED, YELLOW) or likelihood in DOUBTFUL


def project_light(levels: Iterable[str]) -> str:
    """The worst of the indicator lights (red > yellow > missing > blue > green); none -> missing."""
    return max(levels, key=SEVERITY.__getitem__, default=MISSING)
