"""The indicator library (指标库): rows of imported and approved tables, offered as suggestions."""

from sqlalchemy import func, select

from perf.auth.permissions import can_view, visible
from perf.extensions import db
from perf.org.models import BudgetYear
from perf.projects.models import Indicator, Project


def suggestions(level2: str, typed: str = "", limit: int = 12) -> list[dict]:
    """Names (with their most used value, description and basis) under ``level2``, most used first."""
    pattern = f"%{typed.strip()}%"
    rows = db.session.execute(
        select(
            Indicator.name,
            Indicator.value_text,
            func.max(Indicator.description),
            func.max(Indicator.basis),
            func.count(Indicator.id).label("uses"),
        )
        .join(Project, Project.id == Indicator.project_id)
        .where(Project.status == "approved", Indicator.level2 == level2, Indicator.name.like(pattern))
        .group_by(Indicator.name, Indicator.value_text)
        .order_by(func.count(Indicator.id).desc(), Indicator.name)
        .limit(limit)
    )
    return [
        {"name": name, "value": value, "description": description, "basis": basis, "uses": uses}
        for name, value, description, basis, uses in rows
    ]


def copy_candidates(user, year: BudgetYear) -> list[Project]:
    """Projects of earlier years the user may see, newest first, to start a new table from."""
    query = (
        select(Project)
        .join(BudgetYear)
        .where(BudgetYear.year < year.year)
        .order_by(BudgetYear.year.desc(), Project.code)
    )
    return list(db.session.scalars(visible(query, user, Project)))


def copy_source(user, project_id: int | None) -> Project | None:
    """The project to copy from, if the user may see it."""
    if project_id is None:
        return None
    project = db.session.get(Project, project_id)
    return project if project is not None and can_view(user, project) else None
