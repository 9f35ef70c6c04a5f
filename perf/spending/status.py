"""Planned vs actual spending: every project's status for a date, in a few set-based queries.

``compute`` is read-only and is what ``perf scan --json`` prints, what the dashboard shows
and what the mid-year round's spending light reads. The alerts room's ``run_scan`` adds the
alert bookkeeping on top of it.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from perf import tunables
from perf.extensions import db
from perf.numbers import HUNDRED
from perf.org.models import BudgetYear, Checkpoint
from perf.projects.models import PlanEntry, Project
from perf.spending.forecast import falls_short, shortfall_margin, year_end_forecast
from perf.spending.lag import classify, parse_rules
from perf.spending.models import Payment
from perf.spending.progress import Checkpoint as PlanPoint
from perf.spending.progress import actual_pct, latest_checkpoint, reminder_due, time_pct
from perf.units import YUAN_PER_WAN


@dataclass
class Status:
    """One project's spending status at ``as_of``."""

    project_id: int
    code: str
    name: str
    unit_id: int
    budget: Decimal
    paid: Decimal
    checkpoint: date | None
    checkpoint_label: str | None
    checkpoint_seq: int | None
    planned_pct: Decimal
    actual_pct: Decimal | None
    gap_pp: Decimal | None
    ratio: Decimal | None
    level: str
    time_pct: Decimal
    has_plan: bool
    reminder_seq: int | None  # the coming checkpoint a reminder is due for
    reminder_pct: Decimal | None
    #: 年底预计执行率, whole percent (perf.spending.forecast); None before anything was planned.
    forecast_pct: Decimal | None = None
    #: Green now, but forecast to fall more than FORECAST_SHORTFALL_MARGIN points short of 100.
    forecast_short: bool = False
    #: More than the budget paid (actual above 100.00%): not shown as a plain green light.
    over_budget: bool = False

    @property
    def budget_yuan(self) -> Decimal:
        """The budget (published in 万元) in 元, to set against what was paid."""
        return self.budget * YUAN_PER_WAN

    @property
    def light(self) -> str:
        """What the dashboard shows: the lag level, or "over" (超支) when more than the budget is paid."""
        return "over" if self.over_budget else self.level


def scan_year(as_of: date, year: int | None = None) -> BudgetYear | None:
    """The budget year a scan covers: ``year`` if given, else the as-of date's (or the latest before it)."""
    query = select(BudgetYear)
    if year is not None:
        return db.session.scalar(query.where(BudgetYear.year == year))
    return db.session.scalar(query.where(BudgetYear.year <= as_of.year).order_by(BudgetYear.year.desc()).limit(1))


def compute(as_of: date, budget_year: BudgetYear, project_ids: Collection[int] | None = None) -> list[Status]:
    """Every project of ``budget_year`` (or only ``project_ids``): three queries whatever the number of projects."""
    query = select(Project.id, Project.code, Project.name, Project.unit_id, Project.total)
    query = query.where(Project.year_id == budget_year.id).order_by(Project.code)
    if project_ids is not None:
        query = query.where(Project.id.in_(list(project_ids) or [-1]))
    projects = db.session.execute(query).all()
    plans = _plans(budget_year, project_ids)
    paid = _paid(budget_year, as_of, project_ids)
    year_points = [PlanPoint(cp.on_date, cp.label, Decimal(0)) for cp in budget_year.checkpoints]
    rules = parse_rules(tunables.get("lag_rules"))
    margin = shortfall_margin(tunables.get("forecast_shortfall_margin"))
    settings = (rules, tunables.get("reminder_days"), margin)
    return [
        _status(row, plans.get(row.id, []), year_points, paid.get(row.id, Decimal(0)), as_of, budget_year, settings)
        for row in projects
    ]


def _plans(budget_year: BudgetYear, project_ids: Collection[int] | None) -> dict[int, list[tuple[int, PlanPoint]]]:
    """project id -> [(seq, checkpoint with planned percent)] in order."""
    query = (
        select(PlanEntry.project_id, PlanEntry.seq, Checkpoint.on_date, Checkpoint.label, PlanEntry.cumulative_pct)
        .join(Checkpoint, (Checkpoint.year_id == PlanEntry.year_id) & (Checkpoint.seq == PlanEntry.seq))
        .where(PlanEntry.year_id == budget_year.id)
        .order_by(PlanEntry.project_id, PlanEntry.seq)
    )
    if project_ids is not None:
        query = query.where(PlanEntry.project_id.in_(list(project_ids) or [-1]))
    rows = db.session.execute(query)
    plans: dict[int, list[tuple[int, PlanPoint]]] = defaultdict(list)
    for project_id, seq, on_date, label, pct in rows:
        plans[project_id].append((seq, PlanPoint(on_date, label, pct)))
    return plans


def _paid(budget_year: BudgetYear, as_of: date, project_ids: Collection[int] | None) -> dict[int, Decimal]:
    """project id -> payments dated on or before ``as_of`` (元), refunds included."""
    query = (
        select(Payment.project_id, func.sum(Payment.amount))
        .join(Project, Project.id == Payment.project_id)
        .where(Project.year_id == budget_year.id, Payment.paid_on <= as_of)
        .group_by(Payment.project_id)
    )
    if project_ids is not None:
        query = query.where(Payment.project_id.in_(list(project_ids) or [-1]))
    rows = db.session.execute(query)
    return {project_id: Decimal(total) for project_id, total in rows}


def _status(row, plan, year_points, paid, as_of, budget_year, settings) -> Status:
    """Combine one project's numbers into its status."""
    rules, reminder_days, margin = settings
    points = [point for _, point in plan]
    seq_of = {point.on_date: seq for seq, point in plan}
    passed = latest_checkpoint(points or year_points, as_of)
    planned = passed.planned_pct if passed and points else Decimal(0)
    actual = actual_pct(paid, row.total)
    lag = classify(planned, actual, rules) if actual is not None else None
    level = lag.level if lag else "green"
    forecast = year_end_forecast(paid, row.total, points, as_of)
    coming = reminder_due(points, as_of, actual, reminder_days) if points else None
    return Status(
        project_id=row.id,
        code=row.code,
        name=row.name,
        unit_id=row.unit_id,
        budget=row.total,
        paid=paid,
        checkpoint=passed.on_date if passed else None,
        checkpoint_label=passed.label if passed else None,
        checkpoint_seq=_seq(budget_year, passed.on_date) if passed else None,
        planned_pct=planned,
        actual_pct=actual,
        gap_pp=lag.gap_pp if lag else None,
        ratio=lag.ratio if lag else None,
        level=level,
        time_pct=time_pct(as_of, budget_year.year),
        has_plan=bool(points),
        reminder_seq=seq_of.get(coming.on_date) if coming else None,
        reminder_pct=coming.planned_pct if coming else None,
        forecast_pct=forecast,
        forecast_short=falls_short(forecast, level, margin),
        over_budget=actual is not None and actual > HUNDRED,
    )


def _seq(budget_year: BudgetYear, on_date: date) -> int:
    return next(cp.seq for cp in budget_year.checkpoints if cp.on_date == on_date)
