"""A project's self-evaluation from what perf knows: budget, payments, targets, actual values, weights.

``evaluations_of`` builds the scoring input of many projects from the database in a fixed number
of queries and runs the pure rules of ``perf.evaluation.scoring``; ``evaluation_of`` is one of
them. The CLI, the pages, the API and the reports all call it.
"""

import json
from datetime import date
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from perf import tunables
from perf.actuals.models import ActualValue
from perf.actuals.services import latest_actuals_of
from perf.db import among
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
from perf.projects.keepers import row_keeper
from perf.projects.models import Project
from perf.spending.models import Payment
from perf.units import YUAN_PER_WAN

ZERO = Decimal(0)


def year_end(project: Project) -> date:
    """31 December of the project's budget year."""
    return date(project.budget_year.year, 12, 31)


def spent_wan(project: Project, as_of: date) -> Decimal:
    """全年执行数: payments (refunds netted) up to ``as_of``, in 万元."""
    return spent_of([project.id], as_of).get(project.id, Decimal(0))


def spent_of(project_ids, as_of: date) -> dict[int, Decimal]:
    """Project id -> its payments (refunds netted) up to ``as_of`` in 万元, for many projects in one query."""
    rows = db.session.execute(
        select(Payment.project_id, func.sum(Payment.amount))
        .where(among(db.session, Payment.project_id, project_ids), Payment.paid_on <= as_of)
        .group_by(Payment.project_id)
    )
    return {project_id: Decimal(paid) / YUAN_PER_WAN for project_id, paid in rows}


def scoring_settings() -> Settings:
    """The scoring settings of the running app (``SELF_EVALUATION``), checked once per distinct setting."""
    return _settings(json.dumps(tunables.get("self_evaluation"), sort_keys=True, default=str))


@lru_cache(maxsize=8)
def _settings(config: str) -> Settings:
    return settings_from_config(json.loads(config))


def evaluation_of(project: Project, as_of: date | None = None) -> Evaluation:
    """Score the project's year as of ``as_of`` (default: its year end)."""
    return evaluations_of([project], as_of)[project.id]


def evaluations_of(projects, as_of: date | None = None) -> dict[int, Evaluation]:
    """Project id -> its scoring as of ``as_of`` (default: each year's end), in a fixed number of queries.

    The projects come with their indicators and budget year loaded (or loadable).
    """
    projects = list(projects)
    ids = [project.id for project in projects]
    stored = {
        evaluation.project_id: evaluation
        for evaluation in db.session.scalars(
            select(SelfEvaluation)
            .options(selectinload(SelfEvaluation.rows))
            .where(among(db.session, SelfEvaluation.project_id, ids))
        )
    }
    settings, scored = scoring_settings(), {}
    for day, group in _by_date(projects, as_of).items():
        group_ids = [project.id for project in group]
        actuals, spent = latest_actuals_of(group_ids, day), spent_of(group_ids, day)
        for project in group:
            evaluation = stored.get(project.id)
            scored[project.id] = evaluate(_input(project, evaluation, actuals, spent.get(project.id, ZERO)), settings)
    return scored


def _by_date(projects, as_of: date | None) -> dict[date, list[Project]]:
    """The projects by the date they are scored at (each year's end unless ``as_of``)."""
    groups: dict[date, list[Project]] = {}
    for project in projects:
        groups.setdefault(as_of or year_end(project), []).append(project)
    return groups


def _input(project: Project, stored: SelfEvaluation | None, actuals: dict, spent: Decimal) -> EvaluationInput:
    rows = {row.indicator_id: row for row in stored.rows} if stored else {}
    indicators = tuple(_indicator_input(ind, actuals.get(ind.id), rows.get(ind.id)) for ind in project.indicators)
    weights = _weights(project, rows)
    budget = stored.full_year_budget if stored and stored.full_year_budget is not None else project.total
    return EvaluationInput(budget, spent, indicators, weights, project.budget_year.scheme)


def _indicator_input(indicator, actual: ActualValue | None, row: EvaluationRow | None) -> IndicatorInput:
    target = parse_value(indicator.value_text, indicator.unit, tunables.get("extra_units"))
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


@row_keeper
def _recorded_rows(indicator_ids) -> dict[int, str]:
    """Indicators with a self-evaluation 分值, 评价档次 or 偏差原因: a replace that drops one asks first."""
    query = select(EvaluationRow).where(EvaluationRow.indicator_id.in_(list(indicator_ids)))
    found = {}
    for row in db.session.scalars(query):
        parts = [
            label
            for label, held in (
                ("分值", row.weight is not None),
                ("评价档次", bool(row.band) or row.band_score is not None),
                ("偏差原因分析", bool(row.reason)),
            )
            if held
        ]
        if parts:
            found[row.indicator_id] = f"绩效自评{'、'.join(parts)}"
    return found
