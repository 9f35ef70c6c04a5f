"""A project's self-evaluation from what perf knows: budget, payments, targets, actual values, weights.

``evaluation_of`` builds the scoring input from the database and runs the pure rules of
``perf.evaluation.scoring``; the CLI, the pages and the reports all call it.
"""

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from perf.actuals.models import ActualValue
from perf.actuals.services import latest_actuals
from perf.evaluation.models import EvaluationRow, SelfEvaluation
from perf.evaluation.scoring import (
    Evaluation,
    EvaluationInput,
    IndicatorInput,
    Settings,
    evaluate,
    settings_from_config,
)
from perf.extensions import db
from perf.projects.indicator_value import parse_value
from perf.projects.models import Project
from perf.spending.models import Payment
from perf.units import YUAN_PER_WAN


def year_end(project: Project) -> date:
    """31 December of the project's budget year."""
    return date(project.budget_year.year, 12, 31)


def spent_wan(project: Project, as_of: date) -> Decimal:
    """全年执行数: payments (refunds netted) up to ``as_of``, in 万元."""
    paid = db.session.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(
            Payment.project_id == project.id, Payment.paid_on <= as_of
        )
    )
    return Decimal(paid) / YUAN_PER_WAN


def scoring_settings() -> Settings:
    """The scoring settings of the running app (``SELF_EVALUATION``)."""
    return settings_from_config(current_app.config["SELF_EVALUATION"])


def evaluation_of(project: Project, as_of: date | None = None) -> Evaluation:
    """Score the project's year as of ``as_of`` (default: its year end)."""
    as_of = as_of or year_end(project)
    stored = db.session.scalar(select(SelfEvaluation).where(SelfEvaluation.project_id == project.id))
    rows = {row.indicator_id: row for row in stored.rows} if stored else {}
    actuals = latest_actuals(project, as_of)
    indicators = tuple(_indicator_input(ind, actuals.get(ind.id), rows.get(ind.id)) for ind in project.indicators)
    weights = _weights(project, rows)
    budget = stored.full_year_budget if stored and stored.full_year_budget is not None else project.total
    data = EvaluationInput(budget, spent_wan(project, as_of), indicators, weights, project.budget_year.scheme)
    return evaluate(data, scoring_settings())


def _indicator_input(indicator, actual: ActualValue | None, row: EvaluationRow | None) -> IndicatorInput:
    target = parse_value(indicator.value_text, indicator.unit)
    reason = (row.reason if row and row.reason else None) or (actual.reason if actual else None)
    return IndicatorInput(
        level1=indicator.level1,
        level2=indicator.level2,
        name=indicator.name,
        target=target,
        actual=actual.number if actual else None,
        actual_unit=actual.unit if actual else None,
        band=row.band if row else None,
        band_score=row.band_score if row else None,
        reason=reason,
        actual_text=actual.value_text if actual else None,
    )


def _weights(project: Project, rows: dict[int, EvaluationRow]) -> tuple[Decimal, ...] | None:
    """Edited weights when every row has one; otherwise None (the even split)."""
    weights = [rows[ind.id].weight if ind.id in rows else None for ind in project.indicators]
    return tuple(weights) if weights and all(w is not None for w in weights) else None
