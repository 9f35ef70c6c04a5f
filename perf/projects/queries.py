"""Read-side queries for the project pages and exports: a few queries a page, not one a row."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from perf.auth.permissions import visible
from perf.db import among, page_of
from perf.extensions import db
from perf.org.models import BudgetYear, Department, DepartmentBudget, Unit
from perf.paging import ListArgs, Page, Window
from perf.projects.models import Indicator, PlanEntry, Project


@dataclass
class DepartmentPage:
    """What the department page shows: one page of the projects, and the count and 预算数 of all of them."""

    department: Department
    year: BudgetYear
    projects: Page
    total: Decimal
    stated: DepartmentBudget | None

    @property
    def count(self) -> int:
        return self.projects.total


def budget_years() -> list[int]:
    """Every budget year that exists, newest first (the year switcher's choices)."""
    return list(db.session.scalars(select(BudgetYear.year).order_by(BudgetYear.year.desc())))


def department_years(user, year: int | None, text: str, window: Window) -> Page:
    """(department, year, project count, budget sum) for the department-years the user sees, newest first.

    ``year`` None: every year; ``text`` matches the department's code or name.
    """
    query = (
        select(Department, BudgetYear.year, func.count(Project.id), func.sum(Project.total))
        .join(Unit, Unit.department_id == Department.id)
        .join(Project, Project.unit_id == Unit.id)
        .join(BudgetYear, BudgetYear.id == Project.year_id)
        .group_by(Department.id, BudgetYear.year)
        .order_by(BudgetYear.year.desc(), Department.code)
    )
    if year is not None:
        query = query.where(BudgetYear.year == year)
    if text:
        named = or_(Department.code.icontains(text, autoescape=True), Department.name.icontains(text, autoescape=True))
        query = query.where(named)
    return page_of(db.session, visible(query, user, Project), window, scalars=False)


def department_page(code: str, year: int, user, window: Window | None = None) -> DepartmentPage | None:
    """The department's projects of ``year`` the user may see (one page, by 项目编码, with their plans), with
    their count and total in SQL; None if the department or the year is unknown."""
    department = db.session.scalar(select(Department).where(Department.code == code))
    budget_year = db.session.scalar(
        select(BudgetYear).options(selectinload(BudgetYear.checkpoints)).where(BudgetYear.year == year)
    )
    if department is None or budget_year is None:
        return None
    mine = (Unit.department_id == department.id, Project.year_id == budget_year.id)
    query = (
        select(Project)
        .join(Unit)
        .options(selectinload(Project.plan), joinedload(Project.unit))
        .where(*mine)
        .order_by(Project.code, Project.id)
    )
    projects = page_of(db.session, visible(query, user, Project), window or Window())
    summed = select(func.coalesce(func.sum(Project.total), 0)).join(Unit).where(*mine)
    total = Decimal(db.session.scalar(visible(summed, user, Project)))
    stated = db.session.scalar(
        select(DepartmentBudget).where(
            DepartmentBudget.department_id == department.id,
            DepartmentBudget.year_id == budget_year.id,
        )
    )
    return DepartmentPage(department, budget_year, projects, total, stated)


def with_tables(projects: list[Project], plan: bool = True, indicators: bool = True) -> list[Project]:
    """Load the plans and the indicator rows of many projects in one query each, whatever their number
    (``selectinload`` sends one query per 500 projects: 400 for a province's year); returns ``projects``."""
    ids = [project.id for project in projects]
    wanted = [(plan, "plan", PlanEntry, (PlanEntry.project_id, PlanEntry.seq))]
    wanted.append((indicators, "indicators", Indicator, (Indicator.project_id, Indicator.position)))
    for asked, key, model, order in wanted:
        if not asked:
            continue
        found: dict[int, list] = {}
        for row in db.session.scalars(select(model).where(among(db.session, model.project_id, ids)).order_by(*order)):
            found.setdefault(row.project_id, []).append(row)
        for project in projects:
            set_committed_value(project, key, found.get(project.id, []))
    return projects


#: What a project looked up by its code comes with (the table, its plan and indicators).
BY_CODE_OPTIONS = (
    joinedload(Project.unit).joinedload(Unit.department),
    joinedload(Project.budget_year).selectinload(BudgetYear.checkpoints),
    selectinload(Project.plan),
    selectinload(Project.indicators),
)


def project_by_code(code: str, year: int | None = None) -> Project | None:
    """The project with 项目编码 ``code`` in ``year`` (the latest year holding it if None)."""
    query = (
        select(Project)
        .join(BudgetYear)
        .options(*BY_CODE_OPTIONS)
        .where(Project.code == code)
        .order_by(BudgetYear.year.desc())
        .limit(1)
    )
    if year is not None:
        query = query.where(BudgetYear.year == year)
    return db.session.scalar(query)


@dataclass
class TableRow:
    """One indicator row with the row spans of its merged 一级 / 二级 cells (0: covered)."""

    indicator: Indicator
    level1_span: int
    level2_span: int


def table_rows(project: Project) -> list[TableRow]:
    """Indicator rows with spans, merging equal consecutive 一级 (and 二级 within a 一级)."""
    indicators = project.indicators
    rows = [TableRow(ind, 0, 0) for ind in indicators]
    for i, ind in enumerate(indicators):
        prev = indicators[i - 1] if i else None
        if prev is None or prev.level1 != ind.level1:
            rows[i].level1_span = _run_length(indicators, i, lambda x: x.level1)
        if prev is None or (prev.level1, prev.level2) != (ind.level1, ind.level2):
            rows[i].level2_span = _run_length(indicators, i, lambda x: (x.level1, x.level2))
    return rows


def _run_length(items, start, key) -> int:
    """How many items from ``start`` share ``key`` with it."""
    value, n = key(items[start]), 0
    while start + n < len(items) and key(items[start + n]) == value:
        n += 1
    return n


def _with_table(query):
    """Eager-load everything the table page shows."""
    return query.options(
        joinedload(Project.unit).joinedload(Unit.department),
        joinedload(Project.budget_year).selectinload(BudgetYear.checkpoints),
        selectinload(Project.plan),
        selectinload(Project.indicators),
    )


def project_by_id(project_id: int) -> Project | None:
    """One project with its table loaded."""
    return db.session.scalar(_with_table(select(Project)).where(Project.id == project_id))


def year_or_latest(year: int | None) -> BudgetYear | None:
    """The given budget year, or the latest one."""
    query = select(BudgetYear).order_by(BudgetYear.year.desc()).limit(1)
    if year is not None:
        query = select(BudgetYear).where(BudgetYear.year == year)
    return db.session.scalar(query)


class ProjectsByCode:
    """项目编码 -> project of a batch, each looked up once (in ``year``, or the latest year holding the code).

    ``prefetch`` looks a batch's codes up in a few set-based queries, with only what ``options`` load
    (a payments import needs the budget year, not the indicators).
    """

    #: Codes per query (SQLite binds at most 32,766 parameters; PostgreSQL plans a short IN list best).
    CHUNK = 1000

    def __init__(self, year: int | None, options=BY_CODE_OPTIONS):
        self.year, self.options, self.found = year, options, {}

    def get(self, code: str) -> Project | None:
        if code not in self.found:
            self.prefetch([code])
        return self.found[code]

    def prefetch(self, codes) -> None:
        """Look up every code not looked up yet."""
        wanted = sorted({code for code in codes if code not in self.found})
        for start in range(0, len(wanted), self.CHUNK):
            chunk = wanted[start : start + self.CHUNK]
            query = select(Project, BudgetYear.year).join(BudgetYear).options(*self.options)
            query = query.where(Project.code.in_(chunk))
            if self.year is not None:
                query = query.where(BudgetYear.year == self.year)
            latest: dict[str, tuple[int, Project]] = {}
            for project, year in db.session.execute(query).unique():
                if project.code not in latest or latest[project.code][0] < year:
                    latest[project.code] = (year, project)
            for code in chunk:
                self.found[code] = latest[code][1] if code in latest else None

    def missing(self, code: str) -> str:
        """Why a code names no project."""
        where = f"{self.year} 年度" if self.year else "系统中"
        return f"{where}没有项目编码为 {code} 的项目"


def projects_matching(query, args: ListArgs):
    """``query`` (joined to Project and BudgetYear) narrowed to a list's year and its search text (编码 or 名称)."""
    if args.year is not None:
        query = query.where(BudgetYear.year == args.year)
    if args.text:
        text = args.text
        query = query.where(
            or_(Project.code.icontains(text, autoescape=True), Project.name.icontains(text, autoescape=True))
        )
    return query
