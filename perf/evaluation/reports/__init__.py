"""Reports of the year-end self-evaluation: the 项目支出绩效自评表 as XLSX, PDF and a print page.

``layout_of(project)`` scores the project once and lays the table out as a grid
(``layout.Layout``); ``xlsx``, ``pdf`` and the print page only draw that grid.
"""

from sqlalchemy import select

from perf.evaluation.models import SelfEvaluation
from perf.evaluation.reports.layout import Layout, build
from perf.evaluation.services import evaluation_of
from perf.extensions import db

__all__ = ["Layout", "layout_of"]


def layout_of(project) -> Layout:
    """The project's 自评表 as of its year end."""
    stored = db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.project_id == project.id))
    return build(project, evaluation_of(project), stored)
