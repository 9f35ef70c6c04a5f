"""Year-end forecast (年底预计执行率) as pure functions: the project's pace against its own plan, carried to 12月底.

forecast = paid share of the budget ÷ plan-to-date × 100, where plan-to-date is the 资金支出计划
read as a line between its checkpoints (so time passing between two checkpoints counts), kept
between 0 and 100 unless more than the budget is already paid, and rounded to a whole percent
(half up). No forecast before the first checkpoint with something planned, without a plan or
with a budget of 0. See docs/domain.md#year-end-forecast.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from perf.numbers import HUNDRED, plain, round0, round2
from perf.spending.progress import Checkpoint, latest_checkpoint, next_checkpoint
from perf.units import YUAN_PER_WAN

#: The default margin (percentage points) a forecast may fall short of 100 before it is a warning.
DEFAULT_SHORTFALL_MARGIN = Decimal(10)


def plan_to_date(plan: Sequence[Checkpoint], as_of: date) -> Decimal | None:
    """The plan's cumulative percent at ``as_of``, linear between checkpoints (exact, not rounded).

    None before the first checkpoint, and while the latest passed checkpoint plans nothing
    (the lag light's "nothing planned yet"); after the last checkpoint, its percent.
    """
    passed = latest_checkpoint(plan, as_of)
    if passed is None or passed.planned_pct <= 0:
        return None
    coming = next_checkpoint(plan, as_of)
    if coming is None:
        return Decimal(passed.planned_pct)
    elapsed = Decimal((as_of - passed.on_date).days)
    span = Decimal((coming.on_date - passed.on_date).days)
    return passed.planned_pct + (coming.planned_pct - passed.planned_pct) * elapsed / span


def year_end_forecast(
    paid_yuan: Decimal, budget_wan: Decimal, plan: Sequence[Checkpoint], as_of: date
) -> Decimal | None:
    """Percent of the budget expected to be spent by year end if the project keeps its pace; whole percent.

    A project ahead of its plan is expected to spend its budget (100), not more; one that has
    already paid more than its budget is forecast at what it has paid. Never negative.
    """
    expected = plan_to_date(plan, as_of)
    if expected is None or budget_wan <= 0:
        return None
    paid_share = Decimal(paid_yuan) / (Decimal(budget_wan) * YUAN_PER_WAN) * HUNDRED
    pace = min(HUNDRED, paid_share / expected * HUNDRED)
    return round0(max(Decimal(0), paid_share, pace))


def falls_short(forecast: Decimal | None, level: str, margin: Decimal = DEFAULT_SHORTFALL_MARGIN) -> bool:
    """True when a green project is forecast to fall more than ``margin`` points short of 100.

    Yellow and red projects already have an alert, which shows the forecast.
    """
    return forecast is not None and level == "green" and HUNDRED - forecast > margin


def shortfall_margin(setting) -> Decimal:
    """``FORECAST_SHORTFALL_MARGIN`` as a Decimal (percentage points, 0–100); refuses anything else."""
    try:
        margin = Decimal(str(setting))
    except ArithmeticError:
        raise ValueError(f"FORECAST_SHORTFALL_MARGIN must be a number, not {setting!r}") from None
    if not margin.is_finite() or not 0 <= margin <= HUNDRED:
        raise ValueError(f"FORECAST_SHORTFALL_MARGIN must lie between 0 and 100, not {setting!r}")
    return round2(margin)


def forecast_text(forecast: Decimal | None, has_plan: bool = True) -> str:
    """The forecast as people read it on the dashboard, the alert page and the alert's message."""
    if forecast is not None:
        return f"按目前进度，12月底预计执行 {plain(forecast)}%"
    if not has_plan:
        return "没有资金支出计划，不作年底预计"
    return "首个安排了支出的计划节点之后才作年底预计"


def shortfall_text(forecast: Decimal) -> str:
    """The warning for a green project forecast to fall short."""
    return f"当前进度正常，但按目前进度年底预计只能执行 {plain(forecast)}%"
