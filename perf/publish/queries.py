"""The read side of publishing: one department's year as a ``Publication``, in a fixed number of queries."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from perf.auth.permissions import visible
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.extensions import db
from perf.numbers import fmt2
from perf.org.models import BudgetYear, Department, DepartmentBudget, Unit
from perf.projects.models import Project
from perf.projects.schemas import ProjectTableSchema
from perf.publish.model import Publication, PublishedIndicator, PublishedProject, PublishedUnit


def publication(code: str, year: int, user=None) -> Publication | None:
    """Department ``code``'s projects of ``year`` (those ``user`` may see; every one without a user).

    None when the department or the year is unknown, or the user sees none of its projects.
    """
    department = db.session.scalar(
        select(Department).options(selectinload(Department.units)).where(Department.code == code)
    )
    budget_year = db.session.scalar(
        select(BudgetYear).options(selectinload(BudgetYear.checkpoints)).where(BudgetYear.year == year)
    )
    if department is None or budget_year is None:
        return None
    query = (
        select(Project)
        .join(Unit)
        .options(selectinload(Project.plan), selectinload(Project.indicators), joinedload(Project.unit))
        .where(Unit.department_id == department.id, Project.year_id == budget_year.id)
        .order_by(Project.id)
    )
    projects = list(db.session.scalars(query if user is None else visible(query, user, Project)))
    if user is not None and not projects:
        return None
    weights = indicator_weights([p.id for p in projects])
    units = {unit.id: _unit(unit) for unit in sorted(department.units, key=lambda u: u.id)}
    shown = units if user is None else {p.unit_id: units[p.unit_id] for p in projects}
    return Publication(
        department_code=department.code,
        department_name=department.name,
        year=budget_year.year,
        checkpoints=tuple(cp.label for cp in budget_year.checkpoints),
        units=tuple(shown.values()),
        projects=tuple(_project(p, units[p.unit_id], weights) for p in projects),
        stated=_stated(department, budget_year) if user is None or user.role != "owner" else None,
    )


def _unit(unit: Unit) -> PublishedUnit:
    return PublishedUnit(unit.name, unit.code or "", unit.nature or "", unit.rank or "", unit.funding or "")


def indicator_weights(project_ids: list[int]) -> dict[int, Decimal]:
    """indicator id -> its saved self-evaluation weight (indicators without one are absent)."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        select(EvaluationRow.indicator_id, EvaluationRow.weight)
        .join(SelfEvaluation, SelfEvaluation.id == EvaluationRow.evaluation_id)
        .where(SelfEvaluation.project_id.in_(project_ids), EvaluationRow.weight.is_not(None))
    )
    return {indicator_id: weight for indicator_id, weight in rows}


def _project(project: Project, unit: PublishedUnit, weights: dict[int, Decimal]) -> PublishedProject:
    return PublishedProject(
        code=project.code,
        name=project.name,
        unit=unit,
        total=project.total,
        fiscal=project.fiscal,
        other=project.other,
        purpose=project.purpose or "",
        goal=project.goal or "",
        plan=tuple(entry.cumulative_pct for entry in project.plan),
        indicators=tuple(
            PublishedIndicator(
                level1=ind.level1,
                level2=ind.level2,
                name=ind.name,
                description=ind.description or "",
                value=ind.value_text,
                basis=ind.basis or "",
                comparator=ind.comparator,
                target=ind.target,
                unit=ind.unit,
                kind=ind.kind,
                direction=ind.direction,
                weight=weights.get(ind.id),
            )
            for ind in project.indicators
        ),
    )


def _stated(department: Department, year: BudgetYear):
    stated = db.session.scalar(
        select(DepartmentBudget).where(
            DepartmentBudget.department_id == department.id, DepartmentBudget.year_id == year.id
        )
    )
    if stated is None or (stated.total, stated.basic, stated.project) == (None, None, None):
        return None
    return stated.total, stated.basic, stated.project


def project_document(project: Project) -> dict:
    """A project's 绩效目标表 as ``perf export-project`` prints it: the table as kept (``ProjectTableSchema``)
    and each indicator's saved self-evaluation weight ("12.00", or None where none was saved)."""
    document = ProjectTableSchema().dump(project)
    weights = indicator_weights([project.id])
    for row, indicator in zip(document["indicators"], project.indicators, strict=True):
        row["weight"] = fmt2(weights.get(indicator.id))
    return document
