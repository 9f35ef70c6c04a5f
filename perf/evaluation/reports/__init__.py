"""Reports of the year-end self-evaluation: the 项目支出绩效自评表 as XLSX, PDF and a print page.

``layout_of(project)`` scores the project once and lays the table out as a grid
(``layout.Layout``); ``xlsx``, ``pdf`` and the print page only draw that grid.
"""

from sqlalchemy import select

from perf.db import among
from perf.evaluation.models import SelfEvaluation
from perf.evaluation.reports.layout import Layout, build
from perf.evaluation.services import evaluations_of
from perf.extensions import db

__all__ = ["Layout", "layout_of", "layouts_of"]


def layout_of(project) -> Layout:
    """The project's 自评表 as of its year end."""
    return layouts_of([project])[0]


def layouts_of(projects) -> list[Layout]:
    """The projects' 自评表 as of their year ends, in a fixed number of queries."""
    projects = list(projects)
    ids = [project.id for project in projects]
    query = select(SelfEvaluation).where(among(db.session, SelfEvaluation.project_id, ids))
    stored = {e.project_id: e for e in db.session.scalars(query)}
    scored = evaluations_of(projects)
    return [build(project, scored[project.id], stored.get(project.id)) for project in projects]
