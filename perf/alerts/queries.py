"""Read side of the alerts room: alert lists, inboxes and a project's curve (the dashboard: ``dashboard``)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from perf.alerts.models import Alert, InboxItem
from perf.auth.permissions import visible
from perf.db import page_of
from perf.extensions import db
from perf.numbers import fmt2
from perf.org.models import BudgetYear
from perf.paging import ListArgs, Page, parse_choice
from perf.projects.models import Project
from perf.projects.queries import projects_matching
from perf.spending.forecast import year_end_forecast
from perf.spending.lag import LEVEL_LABELS
from perf.spending.models import Payment
from perf.spending.progress import Checkpoint as PlanPoint
from perf.spending.progress import actual_pct
from perf.units import YUAN_PER_WAN

#: The 预警 list's status filter (an alert not yet told to anyone, ``new``, is never listed).
STATUS_FILTERS = {"open": "待说明", "answered": "已说明", "resolved": "已追上进度", "closed": "已关闭"}


@dataclass(frozen=True)
class AlertFilters:
    """What the 预警 list is narrowed to: year, search (项目编码 or 名称), status, light."""

    args: ListArgs = field(default_factory=ListArgs)
    status: str | None = None
    level: str | None = None

    @classmethod
    def parse(cls, query_args, years) -> "AlertFilters":
        status = parse_choice(query_args.get("status"), STATUS_FILTERS)
        return cls(ListArgs.parse(query_args, years), status, parse_choice(query_args.get("level"), LEVEL_LABELS))


def alerts_for(user, filters: AlertFilters | None = None) -> Page:
    """One page of the alerts on projects the user may see, newest first (a count and one query)."""
    filters = filters or AlertFilters()
    query = (
        select(Alert)
        .join(Project, Project.id == Alert.project_id)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .options(
            joinedload(Alert.project).joinedload(Project.budget_year).selectinload(BudgetYear.checkpoints),
            joinedload(Alert.project).joinedload(Project.unit),
        )
        .where(Alert.status != "new")
        .order_by(Alert.opened_at.desc(), Alert.id.desc())
    )
    args = filters.args
    query = projects_matching(query, args)
    if filters.status:
        query = query.where(Alert.status == filters.status)
    if filters.level:
        query = query.where(Alert.level == filters.level)
    return page_of(db.session, visible(query, user, Project), args.window)


def alerts_by_id(alert_ids) -> list[Alert]:
    """The alerts with these ids, with their projects and units (for a batch)."""
    query = select(Alert).options(
        joinedload(Alert.project).joinedload(Project.unit),
        joinedload(Alert.project).joinedload(Project.budget_year),
    )
    return list(db.session.scalars(query.where(Alert.id.in_(list(alert_ids))).order_by(Alert.id)))


def alert(alert_id: int) -> Alert | None:
    """One alert with its project."""
    return db.session.scalar(
        select(Alert)
        .options(
            joinedload(Alert.project).joinedload(Project.unit),
            joinedload(Alert.project).joinedload(Project.budget_year),
        )
        .where(Alert.id == alert_id)
    )


def alert_amounts(alert: Alert) -> dict:
    """The alert's percents as money: planned and paid by its as-of date, in 元 (and the budget)."""
    project = alert.project
    budget_yuan = project.total * YUAN_PER_WAN
    paid = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.project_id == project.id, Payment.paid_on <= alert.as_of
        )
    )
    planned_yuan = budget_yuan * alert.planned_pct / 100
    checkpoints = {cp.seq: cp for cp in project.budget_year.checkpoints}  # the page reads them anyway
    plan = [PlanPoint(checkpoints[e.seq].on_date, checkpoints[e.seq].label, e.cumulative_pct) for e in project.plan]
    return {
        "forecast_pct": year_end_forecast(Decimal(paid), project.total, plan, alert.as_of),
        "has_plan": bool(plan),
        "budget_yuan": budget_yuan,
        "planned_yuan": planned_yuan,
        "paid_yuan": Decimal(paid),
        "budget_wan": project.total,
        "planned_wan": planned_yuan / YUAN_PER_WAN,
        "paid_wan": Decimal(paid) / YUAN_PER_WAN,
    }


#: The 消息 list's filter: unread or read messages.
READ_FILTERS = {"unread": "未读", "read": "已读"}


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to: a search in the messages' titles and texts, read or unread."""

    args: ListArgs = field(default_factory=ListArgs)
    read: str | None = None

    @classmethod
    def parse(cls, query_args) -> "InboxFilters":
        return cls(ListArgs.parse(query_args), parse_choice(query_args.get("read"), READ_FILTERS))


def inbox_for(user, filters: InboxFilters | None = None) -> Page:
    """One page of the user's inbox, newest first."""
    filters = filters or InboxFilters()
    query = (
        select(InboxItem)
        .options(joinedload(InboxItem.alert))
        .where(InboxItem.user_id == user.id)
        .order_by(InboxItem.id.desc())
    )
    text = filters.args.text
    if text:
        query = query.where(
            or_(InboxItem.text.icontains(text, autoescape=True), InboxItem.body.icontains(text, autoescape=True))
        )
    if filters.read == "unread":
        query = query.where(InboxItem.read_at.is_(None))
    elif filters.read == "read":
        query = query.where(InboxItem.read_at.is_not(None))
    return page_of(db.session, query, filters.args.window)


def curve(project: Project, as_of: date) -> dict:
    """Planned (a step per checkpoint) and actual cumulative percents over the year, for the chart."""
    year = project.budget_year
    start = date(year.year, 1, 1)
    planned = [[start.isoformat(), "0.00"]]
    for entry in project.plan:
        planned.append([entry.checkpoint.on_date.isoformat(), fmt2(entry.cumulative_pct)])
    payments = db.session.execute(
        select(Payment.paid_on, func.sum(Payment.amount))
        .where(Payment.project_id == project.id, Payment.paid_on <= as_of)
        .group_by(Payment.paid_on)
        .order_by(Payment.paid_on)
    ).all()
    actual, total = [[start.isoformat(), "0.00"]], Decimal(0)
    for day, amount in payments:
        total += amount
        actual.append([day.isoformat(), fmt2(actual_pct(total, project.total) or Decimal(0))])
    return {
        "planned": planned,
        "actual": actual,
        "checkpoints": [{"date": cp.on_date.isoformat(), "label": cp.label} for cp in year.checkpoints],
        "paid_yuan": fmt2(total),
        "budget_yuan": fmt2(project.total * YUAN_PER_WAN),
        "year_end": date(year.year, 12, 31).isoformat(),
    }
