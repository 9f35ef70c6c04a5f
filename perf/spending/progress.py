"""Spending progress as pure functions: execution percent, the plan's step function, 序时进度.

Money comes in two units: payments in 元, budgets in 万元 (as published). Percents are
rounded to two places, half up, only here at the edge.
See docs/domain.md#spending-progress-and-lag.
"""

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from perf.numbers import HUNDRED, round2
from perf.units import YUAN_PER_WAN


@dataclass(frozen=True)
class Checkpoint:
    """One plan checkpoint: its date, label and the planned cumulative percent."""

    on_date: date
    label: str
    planned_pct: Decimal


def actual_pct(paid_yuan: Decimal, budget_wan: Decimal) -> Decimal | None:
    """Payments as a percent of the budget, 2 places half up; None when the budget is 0."""
    if budget_wan == 0:
        return None
    return round2(Decimal(paid_yuan) / (Decimal(budget_wan) * YUAN_PER_WAN) * HUNDRED)


def latest_checkpoint(plan: Sequence[Checkpoint], as_of: date) -> Checkpoint | None:
    """The latest checkpoint on or before ``as_of`` (None before the first)."""
    passed = [cp for cp in plan if cp.on_date <= as_of]
    return passed[-1] if passed else None


def planned_pct(plan: Sequence[Checkpoint], as_of: date) -> Decimal:
    """The plan's expected cumulative percent at ``as_of``: a step function, 0 before the first."""
    checkpoint = latest_checkpoint(plan, as_of)
    return checkpoint.planned_pct if checkpoint else Decimal(0)


def next_checkpoint(plan: Sequence[Checkpoint], as_of: date) -> Checkpoint | None:
    """The first checkpoint after ``as_of`` (None after the last)."""
    return next((cp for cp in plan if cp.on_date > as_of), None)


def time_pct(as_of: date, year: int) -> Decimal:
    """序时进度: completed months ÷ 12 (7月底 -> 58.33), 0 before the year, 100 after it.

    A month counts once its last day is reached, as finance offices report month-end
    figures (“7月底序时进度 58.33%”).
    """
    if as_of.year < year:
        return Decimal(0)
    if as_of.year > year:
        return HUNDRED
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    months = as_of.month if as_of.day == last_day else as_of.month - 1
    return round2(Decimal(months) / 12 * HUNDRED)


def reminder_due(
    plan: Sequence[Checkpoint], as_of: date, actual: Decimal | None, days_before: int
) -> Checkpoint | None:
    """The coming checkpoint a reminder is due for, or None.

    From ``days_before`` days before the next checkpoint, a project whose actual percent is
    still below that checkpoint's planned percent is reminded.
    """
    coming = next_checkpoint(plan, as_of)
    if coming is None or actual is None or as_of < coming.on_date - timedelta(days=days_before):
        return None
    return coming if actual < coming.planned_pct else None
