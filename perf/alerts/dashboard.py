"""The department dashboard (执行监控): every visible project's light, from the last scan's stored statuses
(paged, sorted, filtered and counted in SQL) or computed for another date."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, or_, select

from perf import tunables
from perf.alerts.models import Alert
from perf.auth.permissions import visible
from perf.db import MAX_ID, page_of
from perf.extensions import db
from perf.org.models import BudgetYear, Department, Unit
from perf.paging import ListArgs, Page, parse_choice, parse_int
from perf.projects.models import Project
from perf.spending.forecast import shortfall_margin
from perf.spending.lag import LIGHT_LABELS
from perf.spending.models import StoredStatus
from perf.spending.progress import time_pct
from perf.spending.status import Status, compute, restored


@dataclass
class DashboardRow:
    """One project on the department dashboard."""

    status: Status
    unit: str
    open_alerts: int


#: The dashboard's sortable columns (``sort``), each with what it sorts by.
DASHBOARD_SORTS = {
    "light": "灯",
    "code": "项目编码",
    "name": "项目名称",
    "unit": "单位",
    "budget": "预算数",
    "planned": "计划%",
    "actual": "实际%",
    "gap": "差额",
    "ratio": "完成比%",
    "forecast": "年底预计%",
}
#: How bad a light is, for sorting by it (超支 first when the worst come first).
LIGHT_ORDER = {"green": 0, "yellow": 1, "red": 2, "over": 3}
#: Projects each 需要关注 list names at most (the rest are counted and reached through the filters).
ATTENTION_LIMIT = 20


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard shows: the date, page, search text, light, unit and sort order."""

    as_of: date | None = None
    args: ListArgs = field(default_factory=ListArgs)
    light: str | None = None
    unit_id: int | None = None
    sort: str = "light"
    descending: bool = True

    @classmethod
    def parse(cls, query_args, as_of: date | None) -> "DashboardFilters":
        unit = parse_int(query_args.get("unit"), 0, 1, MAX_ID) or None
        sort = parse_choice(query_args.get("sort"), DASHBOARD_SORTS, "light")
        descending = query_args.get("order", "desc" if sort == "light" else "asc") != "asc"
        light = parse_choice(query_args.get("level"), LIGHT_LABELS)
        return cls(as_of, ListArgs.parse(query_args), light, unit, sort, descending)


@dataclass
class Dashboard:
    """One page of the department's projects at a date, the counts per light and what needs a word."""

    department: Department
    year: BudgetYear
    rows: Page
    as_of: date
    #: From the last scan's stored statuses (True) or computed for a date no scan stored (False).
    stored: bool
    #: green / yellow / red / over -> projects the user may see (whatever the filters).
    counts: dict[str, int]
    time_pct: Decimal
    units: list[tuple[int, str]]
    falling_short: list[DashboardRow]
    falling_short_total: int
    over_budget: list[DashboardRow]
    #: FORECAST_SHORTFALL_MARGIN, percentage points.
    margin: Decimal

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, light: str) -> int:
        """Projects showing ``light`` (green, yellow, red, over)."""
        return self.counts.get(light, 0)


def last_scan_date(budget_year: BudgetYear) -> date | None:
    """The date the year's statuses were last stored by a scan (None before the first scan)."""
    return db.session.scalar(select(func.max(StoredStatus.as_of)).where(StoredStatus.year_id == budget_year.id))


def dashboard(code: str, year: int, filters: DashboardFilters, user, today: date) -> Dashboard | None:
    """The department's projects the user may see, one page of them with their lights, forecast and open alerts.

    Without a date, or for the date the last scan stored, every figure is read from the stored
    statuses and sorted, filtered, counted and paged in SQL: the page costs the same for 100 or
    100,000 projects. For any other date, or while a project created since the scan has no stored
    status yet, the statuses are computed for that date (the projects the user may see) and paged
    in Python.
    """
    department = db.session.scalar(select(Department).where(Department.code == code))
    budget_year = db.session.scalar(select(BudgetYear).where(BudgetYear.year == year))
    if department is None or budget_year is None:
        return None
    units = db.session.execute(
        select(Unit.id, Unit.name).where(Unit.department_id == department.id).order_by(Unit.name)
    ).all()
    scanned = last_scan_date(budget_year)
    as_of = filters.as_of or scanned or today
    margin = shortfall_margin(tunables.get("forecast_shortfall_margin"))
    parts = (department, budget_year, [tuple(u) for u in units], margin)
    if scanned is not None and as_of == scanned and not _unscanned(department, budget_year):
        return _stored_dashboard(parts, filters, user, as_of)
    return _computed_dashboard(parts, filters, user, as_of)


def _unscanned(department, budget_year) -> bool:
    """True when a project of the department's year came after the last scan (it has no stored status)."""
    query = (
        select(Project.id)
        .join(Unit, Unit.id == Project.unit_id)
        .outerjoin(StoredStatus, StoredStatus.project_id == Project.id)
        .where(Unit.department_id == department.id, Project.year_id == budget_year.id)
        .where(StoredStatus.project_id.is_(None))
    )
    return db.session.scalar(query.limit(1)) is not None


def _department_projects(department, budget_year, user, query):
    query = query.join(Unit, Unit.id == Project.unit_id)
    query = query.where(Unit.department_id == department.id, Project.year_id == budget_year.id)
    return visible(query, user, Project)


def _narrowed(query, filters: DashboardFilters, light_column):
    if filters.args.text:
        text = filters.args.text
        query = query.where(
            or_(Project.code.icontains(text, autoescape=True), Project.name.icontains(text, autoescape=True))
        )
    if filters.unit_id:
        query = query.where(Project.unit_id == filters.unit_id)
    if filters.light:
        query = query.where(light_column == filters.light)
    return query


def _stored_dashboard(parts, filters: DashboardFilters, user, as_of: date) -> Dashboard:
    department, budget_year, units, margin = parts
    labels = {cp.seq: (cp.on_date, cp.label) for cp in budget_year.checkpoints}
    unit_names = dict(units)
    columns = (StoredStatus, Project.code, Project.name, Project.unit_id, Project.total)
    base = _department_projects(department, budget_year, user, select(*columns).join(Project))
    base = base.where(StoredStatus.year_id == budget_year.id)
    counts_query = _department_projects(
        department, budget_year, user, select(StoredStatus.light, func.count()).join(Project)
    ).where(StoredStatus.year_id == budget_year.id)
    counts = dict(db.session.execute(counts_query.group_by(StoredStatus.light)).all())
    sort_columns = {
        "light": case({k: v for k, v in LIGHT_ORDER.items()}, value=StoredStatus.light),
        "code": Project.code,
        "name": Project.name,
        "unit": Unit.name,
        "budget": Project.total,
        "planned": StoredStatus.planned_pct,
        "actual": StoredStatus.actual_pct,
        "gap": StoredStatus.gap_pp,
        "ratio": StoredStatus.ratio,
        "forecast": StoredStatus.forecast_pct,
    }
    column = sort_columns[filters.sort]
    order = column.desc() if filters.descending else column.asc()
    query = _narrowed(base, filters, StoredStatus.light).order_by(order, Project.code)
    page = page_of(db.session, query, filters.args.window, scalars=False)

    def row_of(found) -> DashboardRow:
        stored, code, name, unit_id, total = found
        return DashboardRow(restored(stored, code, name, unit_id, total, labels), unit_names.get(unit_id, ""), 0)

    short = base.where(StoredStatus.forecast_short.is_(True)).order_by(Project.code)
    short_total = db.session.scalar(select(func.count()).select_from(short.order_by(None).subquery())) or 0
    falling = [row_of(r) for r in db.session.execute(short.limit(ATTENTION_LIMIT))]
    over = base.where(StoredStatus.over_budget.is_(True)).order_by(Project.code).limit(ATTENTION_LIMIT)
    over_rows = [row_of(r) for r in db.session.execute(over)]
    rows = [row_of(r) for r in page.items]
    _count_open_alerts(rows)
    time_now = rows[0].status.time_pct if rows else time_pct(as_of, budget_year.year)
    return Dashboard(
        department,
        budget_year,
        Page(rows, page.total, page.window),
        as_of,
        True,
        counts,
        time_now,
        units,
        falling,
        short_total,
        over_rows,
        margin,
    )


def _computed_dashboard(parts, filters: DashboardFilters, user, as_of: date) -> Dashboard:
    department, budget_year, units, margin = parts
    unit_names = dict(units)
    allowed = list(db.session.scalars(_department_projects(department, budget_year, user, select(Project.id))))
    statuses = compute(as_of, budget_year, allowed)  # only the projects the user may see
    counts = dict(Counter(s.light for s in statuses))
    all_rows = [DashboardRow(s, unit_names.get(s.unit_id, ""), 0) for s in statuses]
    text = filters.args.text.casefold()
    shown = [
        row
        for row in all_rows
        if (not text or text in row.status.code.casefold() or text in row.status.name.casefold())
        and (not filters.unit_id or row.status.unit_id == filters.unit_id)
        and (not filters.light or row.status.light == filters.light)
    ]
    shown.sort(key=lambda row: row.status.code)
    shown.sort(key=lambda row: _sort_key(row, filters.sort), reverse=filters.descending)
    window = filters.args.window.within(len(shown))
    page_rows = shown[window.offset : window.offset + window.per_page]
    _count_open_alerts(page_rows)
    falling = [row for row in all_rows if row.status.forecast_short]
    over = [row for row in all_rows if row.status.over_budget]
    return Dashboard(
        department,
        budget_year,
        Page(page_rows, len(shown), window),
        as_of,
        False,
        counts,
        time_pct(as_of, budget_year.year),
        units,
        falling[:ATTENTION_LIMIT],
        len(falling),
        over[:ATTENTION_LIMIT],
        margin,
    )


def _sort_key(row: DashboardRow, sort: str):
    s = row.status
    if sort == "light":
        return LIGHT_ORDER[s.light]
    if sort in ("code", "name"):
        return getattr(s, sort)
    if sort == "unit":
        return row.unit
    value = {"budget": s.budget, "planned": s.planned_pct, "actual": s.actual_pct, "gap": s.gap_pp}.get(sort)
    if sort == "ratio":
        value = s.ratio
    elif sort == "forecast":
        value = s.forecast_pct
    return (value is not None, value if value is not None else Decimal(0))


def _count_open_alerts(rows: list[DashboardRow]) -> None:
    """Each row's open lag alerts, in one query for the page."""
    ids = [row.status.project_id for row in rows]
    open_counts = Counter(
        dict(
            db.session.execute(
                select(Alert.project_id, func.count(Alert.id))
                .where(Alert.project_id.in_(ids or [-1]), Alert.status.in_(("open", "answered")))
                .where(Alert.kind == "lag")
                .group_by(Alert.project_id)
            ).all()
        )
    )
    for row in rows:
        row.open_alerts = open_counts[row.status.project_id]
