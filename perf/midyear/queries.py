"""Read side of the mid-year round: a project's 监控表 and the department overview, a few queries each.

The spending side is the milestone scan's own computation (``perf.spending.status.compute``)
at the round date, so the execution rate and its light are the ones the dashboard shows.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from perf.actuals.models import ActualValue
from perf.actuals.services import latest_actuals, latest_actuals_of
from perf.auth.permissions import visible
from perf.db import among
from perf.extensions import db
from perf.midyear import lights
from perf.midyear.lights import Light, Target
from perf.midyear.models import MonitoringEntry
from perf.org.models import BudgetYear, Department, Unit
from perf.paging import Page, Window
from perf.projects.indicator_value import Comparator, Direction, Kind
from perf.projects.models import Indicator, Project
from perf.projects.queries import table_rows, with_tables
from perf.spending.status import Status, compute
from perf.units import UnitMismatch, to_target_unit


@dataclass
class Row:
    """One indicator of the 监控表: the target, 1–7月执行情况, its light and the owner's entry."""

    indicator: Indicator
    level1_span: int
    level2_span: int
    actual: ActualValue | None
    light: Light
    entry: MonitoringEntry | None
    #: Why a stored actual could not be read against the target (e.g. a unit that no longer fits).
    problem: str | None = None

    @property
    def needs_explanation(self) -> bool:
        """偏差原因 and 纠偏措施 are due for this row."""
        return lights.needs_explanation(self.light.level, self.entry.likelihood if self.entry else None)


@dataclass
class Sheet:
    """A project's 监控表 at the round date."""

    project: Project
    round_on: date
    months: int
    rows: list[Row]
    spending: Status | None
    counts: Counter = field(init=False)

    def __post_init__(self) -> None:
        self.counts = Counter(row.light.level for row in self.rows)

    @property
    def light(self) -> str:
        """The project's light: its worst indicator's."""
        return lights.project_light(row.light.level for row in self.rows)

    @property
    def period(self) -> str:
        """The months the round covers, e.g. "1–7月"."""
        return f"1–{self.months}月" if self.months > 1 else f"{max(self.months, 1)}月"

    @property
    def unfilled(self) -> int:
        """Indicators without 完成目标可能性 yet."""
        return sum(1 for row in self.rows if row.entry is None or not row.entry.likelihood)


def target_of(indicator: Indicator) -> Target:
    """The stored, parsed 指标值 of an indicator (its direction is already the effective one)."""
    return Target(
        kind=Kind(indicator.kind),
        direction=Direction(indicator.direction) if indicator.direction else None,
        comparator=Comparator(indicator.comparator) if indicator.comparator else None,
        number=indicator.target,
        unit=indicator.unit,
    )


def light_of(indicator: Indicator, actual: ActualValue | None, months: int, likelihood: str | None) -> Row:
    """The row's light (and a problem when the stored actual does not compare with the target)."""
    number, problem = None, None
    if actual is not None and actual.number is not None and indicator.kind == Kind.QUANTITATIVE:
        try:
            number = to_target_unit(actual.number, actual.unit, indicator.unit)
        except UnitMismatch as error:
            problem = str(error)
    light = lights.indicator_light(target_of(indicator), number, months, likelihood)
    return Row(indicator, 0, 0, actual, light, None, problem)


def _rows(project: Project, actuals: dict, entries: dict, months: int) -> list[Row]:
    rows = []
    for spans in table_rows(project):
        indicator = spans.indicator
        entry = entries.get(indicator.id)
        row = light_of(indicator, actuals.get(indicator.id), months, entry.likelihood if entry else None)
        row.level1_span, row.level2_span, row.entry = spans.level1_span, spans.level2_span, entry
        rows.append(row)
    return rows


def entries_of(project_ids: list[int], round_on: date) -> dict[int, MonitoringEntry]:
    """Indicator id -> its entry in the round, for all the given projects in one query."""
    query = (
        select(MonitoringEntry)
        .join(Indicator, Indicator.id == MonitoringEntry.indicator_id)
        .where(among(db.session, Indicator.project_id, project_ids), MonitoringEntry.round_on == round_on)
    )
    return {entry.indicator_id: entry for entry in db.session.scalars(query)}


def _spending(budget_year: BudgetYear, round_on: date, project_ids: list[int] | None = None) -> dict[int, Status]:
    return {status.project_id: status for status in compute(round_on, budget_year, project_ids)}


def sheet(project: Project, round_on: date) -> Sheet:
    """The project's 监控表 at ``round_on`` (project loaded with its table, as ``project_by_id`` does)."""
    months = lights.months_elapsed(round_on, project.budget_year.year)
    rows = _rows(project, latest_actuals(project, round_on), entries_of([project.id], round_on), months)
    spending = _spending(project.budget_year, round_on, [project.id]).get(project.id)
    return Sheet(project, round_on, months, rows, spending)


@dataclass
class Overview:
    """The department's projects in the round, with their sheets."""

    department: Department
    budget_year: BudgetYear
    round_on: date
    sheets: list[Sheet]

    @property
    def counts(self) -> Counter:
        """Projects per project light."""
        return Counter(sheet.light for sheet in self.sheets)

    def page(self, window: Window) -> Page:
        """One page of the sheets (worst light first), the counts staying over all of them."""
        window = window.within(len(self.sheets))
        return Page(self.sheets[window.offset : window.offset + window.per_page], len(self.sheets), window)


def overview(code: str, year: int, round_on_of, user) -> Overview | None:
    """Every project of the department and year the user may see, worst light first.

    ``round_on_of(year)`` gives the round date.
    """
    department = db.session.scalar(select(Department).where(Department.code == code))
    budget_year = db.session.scalar(select(BudgetYear).where(BudgetYear.year == year))
    if department is None or budget_year is None:
        return None
    round_on = round_on_of(budget_year.year)
    query = (
        select(Project)
        .join(Unit)
        .options(joinedload(Project.unit))
        .where(Unit.department_id == department.id, Project.year_id == budget_year.id)
        .order_by(Project.code)
    )
    projects = with_tables(list(db.session.scalars(visible(query, user, Project))), plan=False)
    ids = [project.id for project in projects]
    actuals, entries = latest_actuals_of(ids, round_on), entries_of(ids, round_on)
    spending = _spending(budget_year, round_on, ids)
    months = lights.months_elapsed(round_on, budget_year.year)
    sheets = [
        Sheet(project, round_on, months, _rows(project, actuals, entries, months), spending.get(project.id))
        for project in projects
    ]
    sheets.sort(key=lambda sheet: (-lights.SEVERITY[sheet.light], sheet.project.code))  # worst first
    return Overview(department, budget_year, round_on, sheets)
