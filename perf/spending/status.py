"""Planned vs actual spending: every project's status for a date, in a few set-based queries.

``compute`` is read-only and is what ``perf scan --json`` prints, what the dashboard shows
and what the mid-year round's spending light reads. The alerts room's ``run_scan`` adds the
alert bookkeeping on top of it.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select

from perf import tunables
from perf.db import aggregate_memory, among
from perf.extensions import db
from perf.numbers import HUNDRED
from perf.org.models import BudgetYear
from perf.projects.models import PlanEntry, Project
from perf.spending.forecast import falls_short, shortfall_margin, year_end_forecast
from perf.spending.lag import classify, parse_rules
from perf.spending.models import Payment, StoredStatus
from perf.spending.progress import Checkpoint as PlanPoint
from perf.spending.progress import actual_pct, reminder_due, time_pct
from perf.units import YUAN_PER_WAN


@dataclass(slots=True)
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
    """Every project of ``budget_year`` (or only ``project_ids``): three queries whatever the number of projects.

    Rows are read as plain tuples; what is the same for every project (序时进度, the year's checkpoints,
    the rules) is worked out once per call; of each plan only the passed and the coming checkpoint
    are kept, which is all the light, the forecast and the reminder read.
    """
    query = select(Project.id, Project.code, Project.name, Project.unit_id, Project.total)
    query = query.where(Project.year_id == budget_year.id).order_by(Project.code)
    if project_ids is not None:
        query = query.where(among(db.session, Project.id, project_ids))
    projects = db.session.execute(query).all()
    year = _Year(budget_year, as_of)
    plans = _plans(budget_year, project_ids, year)
    paid = _paid(budget_year, as_of, project_ids)
    zero = Decimal(0)
    return [_status(row, plans.get(row[0]), paid.get(row[0], zero), year) for row in projects]


class _Year:
    """What one computation shares between all projects: the checkpoints, 序时进度 and the settings."""

    def __init__(self, budget_year: BudgetYear, as_of: date):
        self.as_of = as_of
        self.points = {cp.seq: PlanPoint(cp.on_date, cp.label, Decimal(0)) for cp in budget_year.checkpoints}
        self.passed = {seq for seq, point in self.points.items() if point.on_date <= as_of}
        passed = [point for point in self.points.values() if point.on_date <= as_of]
        self.passed_point = passed[-1] if passed else None
        self.passed_seq = max(self.passed) if self.passed else None
        self.time_pct = time_pct(as_of, budget_year.year)
        self.rules = parse_rules(tunables.get("lag_rules"))
        self.reminder_days = tunables.get("reminder_days")
        self.margin = shortfall_margin(tunables.get("forecast_shortfall_margin"))


@dataclass(slots=True)
class _Plan:
    """The part of one project's plan a status reads: its passed and its coming checkpoint."""

    passed_seq: int | None = None
    passed: PlanPoint | None = None
    coming_seq: int | None = None
    coming: PlanPoint | None = None


def _plans(budget_year: BudgetYear, project_ids: Collection[int] | None, year: _Year) -> dict[int, _Plan]:
    """project id -> its passed and coming plan checkpoints (with their planned percents)."""
    query = (
        select(PlanEntry.project_id, PlanEntry.seq, PlanEntry.cumulative_pct)
        .where(PlanEntry.year_id == budget_year.id)
        .order_by(PlanEntry.project_id, PlanEntry.seq)
    )
    if project_ids is not None:
        query = query.where(among(db.session, PlanEntry.project_id, project_ids))
    plans: dict[int, _Plan] = {}
    points, passed = year.points, year.passed
    for project_id, seq, pct in db.session.execute(query):
        point = points.get(seq)
        if point is None:
            continue
        plan = plans.get(project_id)
        if plan is None:
            plan = plans[project_id] = _Plan()
        if seq in passed:
            plan.passed_seq, plan.passed = seq, PlanPoint(point.on_date, point.label, pct)
        elif plan.coming is None:
            plan.coming_seq, plan.coming = seq, PlanPoint(point.on_date, point.label, pct)
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
        query = query.where(among(db.session, Payment.project_id, project_ids))
    else:
        aggregate_memory(db.session)  # a year's every payment: hashed in memory, not spilled to disk
    rows = db.session.execute(query)
    return {project_id: Decimal(total) for project_id, total in rows}


def _status(row, plan: _Plan | None, paid: Decimal, year: _Year) -> Status:
    """Combine one project's numbers into its status."""
    project_id, code, name, unit_id, total = row
    as_of = year.as_of
    if plan is not None:
        points = [point for point in (plan.passed, plan.coming) if point is not None]
        passed, passed_seq = plan.passed, plan.passed_seq
        planned = passed.planned_pct if passed else Decimal(0)
    else:
        points = []
        passed, passed_seq = year.passed_point, year.passed_seq
        planned = Decimal(0)
    actual = actual_pct(paid, total)
    lag = classify(planned, actual, year.rules) if actual is not None else None
    level = lag.level if lag else "green"
    forecast = year_end_forecast(paid, total, points, as_of) if points else None
    coming = reminder_due(points, as_of, actual, year.reminder_days) if points else None
    return Status(
        project_id=project_id,
        code=code,
        name=name,
        unit_id=unit_id,
        budget=total,
        paid=paid,
        checkpoint=passed.on_date if passed else None,
        checkpoint_label=passed.label if passed else None,
        checkpoint_seq=passed_seq if passed else None,
        planned_pct=planned,
        actual_pct=actual,
        gap_pp=lag.gap_pp if lag else None,
        ratio=lag.ratio if lag else None,
        level=level,
        time_pct=year.time_pct,
        has_plan=plan is not None,
        reminder_seq=plan.coming_seq if coming is not None else None,
        reminder_pct=coming.planned_pct if coming else None,
        forecast_pct=forecast,
        forecast_short=falls_short(forecast, level, year.margin),
        over_budget=actual is not None and actual > HUNDRED,
    )


#: Stored statuses per executemany batch (bounds the memory a scan of 100,000 projects needs).
STORE_BATCH = 5000


def store(statuses: Sequence[Status], budget_year: BudgetYear, as_of: date) -> None:
    """Keep ``statuses`` as the year's last scan (``StoredStatus``): the year's rows replaced, in batches."""
    db.session.execute(delete(StoredStatus).where(StoredStatus.year_id == budget_year.id))
    table = StoredStatus.__table__
    for start in range(0, len(statuses), STORE_BATCH):
        rows = [_stored(s, budget_year.id, as_of) for s in statuses[start : start + STORE_BATCH]]
        db.session.execute(table.insert(), rows)


def _stored(s: Status, year_id: int, as_of: date) -> dict:
    return {
        "project_id": s.project_id,
        "year_id": year_id,
        "as_of": as_of,
        "light": s.light,
        "level": s.level,
        "paid": s.paid,
        "checkpoint_seq": s.checkpoint_seq,
        "planned_pct": s.planned_pct,
        "actual_pct": s.actual_pct,
        "gap_pp": s.gap_pp,
        "ratio": s.ratio,
        "time_pct": s.time_pct,
        "has_plan": s.has_plan,
        "reminder_seq": s.reminder_seq,
        "reminder_pct": s.reminder_pct,
        "forecast_pct": s.forecast_pct,
        "forecast_short": s.forecast_short,
        "over_budget": s.over_budget,
    }


def restored(row: StoredStatus, code: str, name: str, unit_id: int, budget: Decimal, labels: dict) -> Status:
    """A stored status back as the ``Status`` it was (``labels``: checkpoint seq -> (date, label))."""
    on_date, label = labels.get(row.checkpoint_seq, (None, None))
    return Status(
        project_id=row.project_id,
        code=code,
        name=name,
        unit_id=unit_id,
        budget=budget,
        paid=row.paid,
        checkpoint=on_date,
        checkpoint_label=label,
        checkpoint_seq=row.checkpoint_seq,
        planned_pct=row.planned_pct,
        actual_pct=row.actual_pct,
        gap_pp=row.gap_pp,
        ratio=row.ratio,
        level=row.level,
        time_pct=row.time_pct,
        has_plan=row.has_plan,
        reminder_seq=row.reminder_seq,
        reminder_pct=row.reminder_pct,
        forecast_pct=row.forecast_pct,
        forecast_short=row.forecast_short,
        over_budget=row.over_budget,
    )
