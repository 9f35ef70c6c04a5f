"""The department self-evaluation summary (部门项目支出绩效自评汇总表): one row per project, totals, charts' data.

``summary_for(code, year, user)`` loads what the user may see and calls ``department_summary``,
which scores every project at once (``evaluations_of``: a fixed number of queries) and does the
arithmetic; the page, the XLSX and the PDF only draw the ``Summary``. Decisions (each is tested):

Rows
    budget, spent, rate and score are the project's 自评表 figures (``Evaluation``): 全年预算数,
    全年执行数, 执行率 and 自评得分, two places half up. 计划进度 is the project's own 资金支出计划
    at ``as_of`` (the latest checkpoint passed; at the year end always 100); a project without a
    plan falls back to 序时进度 and is marked (``planned_by_time``).
Totals
    预算数 and 执行数 are sums of the two-place row figures, so they equal what a reviewer adds
    up by hand; the overall 执行率 = total 执行数 ÷ total 预算数. 计划进度 of the department is the
    budget-weighted mean of the rows' plans. Two average scores are shown: the simple mean (每个
    项目同等权重, what provincial summaries usually print) and the budget-weighted mean (a 129 万元
    project weighs more than a 3.71 万元 one, which is what the money says). Counts per grade
    (bands from the scoring settings, best first) and per 自评预警 light.
Checkpoints
    For the department trajectory chart: at each checkpoint of the year, the budget-weighted
    planned percent and the cumulative payments of the same projects ÷ their total budget (each
    project's payments rounded to two places first, as in the rows, so the year-end checkpoint
    equals the totals row's 执行率). A checkpoint after ``as_of`` has no actual value yet.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from perf.auth.permissions import visible
from perf.db import among
from perf.evaluation.models import EVALUATION_STATUS_LABELS, SelfEvaluation
from perf.evaluation.reports.layout import WARNING_LABELS
from perf.evaluation.scoring import Evaluation
from perf.evaluation.services import evaluations_of, scoring_settings
from perf.extensions import db
from perf.numbers import HUNDRED, round2, wan_value
from perf.org.models import BudgetYear, Department, Unit
from perf.projects.models import Project
from perf.projects.queries import with_tables
from perf.spending.models import Payment
from perf.spending.progress import Checkpoint, planned_pct, time_pct
from perf.units import YUAN_PER_WAN

ZERO = Decimal(0)
NOT_STARTED = "not_started"
STATUS_LABELS = {**EVALUATION_STATUS_LABELS, NOT_STARTED: "未开始"}
LIGHTS = ("red", "yellow", "green")


@dataclass(frozen=True)
class SummaryRow:
    """One project of the summary; money in 万元, percents as 95.00 (meaning 95%)."""

    project_id: int
    code: str
    name: str
    unit: str
    budget: Decimal
    spent: Decimal
    rate: Decimal | None
    planned: Decimal
    planned_by_time: bool
    score: Decimal
    grade: str
    warning: str
    status: str

    @property
    def warning_label(self) -> str:
        return WARNING_LABELS.get(self.warning, self.warning)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class Totals:
    """The totals row and the counts under it."""

    count: int
    budget: Decimal
    spent: Decimal
    rate: Decimal | None
    planned: Decimal | None
    average_score: Decimal | None
    weighted_score: Decimal | None
    #: grade label -> number of projects, best grade first (every configured grade, also at 0).
    grades: dict[str, int]
    #: red / yellow / green -> number of projects.
    lights: dict[str, int]

    @property
    def light_labels(self) -> dict[str, int]:
        """红灯 / 黄灯 / 绿灯 -> number of projects."""
        return {WARNING_LABELS.get(light, light): n for light, n in self.lights.items()}

    @property
    def light_rows(self) -> list[tuple[str, str, int]]:
        """(light, its label, number of projects), red first."""
        return [(light, WARNING_LABELS.get(light, light), n) for light, n in self.lights.items()]


@dataclass(frozen=True)
class CheckpointProgress:
    """The department at one checkpoint: planned and actual cumulative percent of the budget."""

    label: str
    on_date: date
    planned: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class Summary:
    """What the summary page, XLSX and PDF show."""

    department_code: str
    department_name: str
    year: int
    as_of: date
    rows: list[SummaryRow]
    totals: Totals
    checkpoints: list[CheckpointProgress] = field(default_factory=list)
    #: (lowest total, grade), best first: the guide lines of the score chart.
    grade_bands: tuple[tuple[Decimal, str], ...] = ()

    @property
    def title(self) -> str:
        return f"{self.year}年度项目支出绩效自评汇总表"

    @property
    def as_of_label(self) -> str:
        return f"{self.as_of.year}年{self.as_of.month}月{self.as_of.day}日"

    @property
    def any_planned_by_time(self) -> bool:
        return any(row.planned_by_time for row in self.rows)


# --- loading ----------------------------------------------------------------------------------


def summary_for(code: str, year: int, user, as_of: date | None = None) -> Summary | None:
    """The summary of department ``code`` in ``year`` over the projects ``user`` sees; None if either is unknown."""
    department = db.session.scalar(select(Department).where(Department.code == code))
    budget_year = db.session.scalar(
        select(BudgetYear).options(selectinload(BudgetYear.checkpoints)).where(BudgetYear.year == year)
    )
    if department is None or budget_year is None:
        return None
    query = (
        select(Project)
        .join(Unit)
        .options(joinedload(Project.unit))
        .where(Unit.department_id == department.id, Project.year_id == budget_year.id)
        .order_by(Project.id)
    )
    projects = with_tables(list(db.session.scalars(visible(query, user, Project))))
    return department_summary(department, budget_year, projects, as_of=as_of)


def department_summary(department, year: BudgetYear, projects: Sequence[Project], as_of: date | None = None) -> Summary:
    """Score ``projects`` (of ``department`` in ``year``) as of ``as_of`` (default the year end) and total them."""
    as_of = as_of or date(year.year, 12, 31)
    settings = scoring_settings()
    statuses = _statuses(projects)
    scored = evaluations_of(projects, as_of)
    evaluations = [scored[project.id] for project in projects]
    plans = [plan_of(project, year.checkpoints) for project in projects]
    rows = [
        summary_row(project, evaluation, plan, statuses.get(project.id, NOT_STARTED), as_of, year.year)
        for project, evaluation, plan in zip(projects, evaluations, plans, strict=True)
    ]
    budgets = [evaluation.execution.budget for evaluation in evaluations]
    return Summary(
        department_code=department.code,
        department_name=department.name,
        year=year.year,
        as_of=as_of,
        rows=rows,
        totals=totals_of(rows, [label for _, label in settings.grade_bands]),
        checkpoints=checkpoint_progress(year.checkpoints, plans, budgets, _payments_by_date(projects, as_of), as_of),
        grade_bands=settings.grade_bands,
    )


def _statuses(projects: Sequence[Project]) -> dict[int, str]:
    if not projects:
        return {}
    ids = [project.id for project in projects]
    query = select(SelfEvaluation.project_id, SelfEvaluation.status)
    found = db.session.execute(query.where(among(db.session, SelfEvaluation.project_id, ids)))
    return {project_id: status for project_id, status in found}


def _payments_by_date(projects: Sequence[Project], as_of: date) -> list[dict[date, Decimal]]:
    """Per project (in order), its payments up to ``as_of`` summed per day, in 万元 (one query)."""
    if not projects:
        return []
    query = (
        select(Payment.project_id, Payment.paid_on, func.sum(Payment.amount))
        .where(among(db.session, Payment.project_id, [project.id for project in projects]), Payment.paid_on <= as_of)
        .group_by(Payment.project_id, Payment.paid_on)
    )
    by_project: dict[int, dict[date, Decimal]] = {}
    for project_id, paid_on, amount in db.session.execute(query):
        by_project.setdefault(project_id, {})[paid_on] = Decimal(amount) / YUAN_PER_WAN
    return [by_project.get(project.id, {}) for project in projects]


# --- pure arithmetic --------------------------------------------------------------------------


def plan_of(project: Project, checkpoints: Sequence) -> list[Checkpoint]:
    """The project's 资金支出计划 as progress checkpoints (dates from the year's checkpoints); [] without a plan."""
    by_seq = {checkpoint.seq: checkpoint for checkpoint in checkpoints}
    return [
        Checkpoint(by_seq[entry.seq].on_date, by_seq[entry.seq].label, entry.cumulative_pct)
        for entry in project.plan
        if entry.seq in by_seq
    ]


def planned_at(plan: list[Checkpoint], on_date: date, year: int) -> Decimal:
    """The plan's cumulative percent at ``on_date``; 序时进度 for a project without a plan."""
    return planned_pct(plan, on_date) if plan else time_pct(on_date, year)


def summary_row(
    project: Project, evaluation: Evaluation, plan: list[Checkpoint], status: str, as_of: date, year: int
) -> SummaryRow:
    """One row: the 自评表 figures of ``evaluation`` and the plan's percent at ``as_of`` (序时进度 without a plan)."""
    execution = evaluation.execution
    return SummaryRow(
        project_id=project.id,
        code=project.code,
        name=project.name,
        unit=project.unit.name,
        budget=wan_value(execution.budget),
        spent=round2(execution.spent),
        rate=None if execution.rate is None else round2(execution.rate),
        planned=round2(planned_at(plan, as_of, year)),
        planned_by_time=not plan,
        score=round2(evaluation.total),
        grade=evaluation.grade,
        warning=evaluation.warning,
        status=status,
    )


def _weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ value × weight ÷ Σ weight, two places half up; None when the weights sum to 0."""
    pairs = list(pairs)
    weights = sum((weight for _, weight in pairs), ZERO)
    if weights == 0:
        return None
    return round2(sum((value * weight for value, weight in pairs), ZERO) / weights)


def totals_of(rows: Sequence[SummaryRow], grade_labels: Sequence[str]) -> Totals:
    """Sums of the two-place row figures, the overall rate, both average scores and the counts."""
    budget = sum((row.budget for row in rows), ZERO)
    spent = sum((row.spent for row in rows), ZERO)
    grades = {label: 0 for label in grade_labels}
    lights = {light: 0 for light in LIGHTS}
    for row in rows:
        grades[row.grade] = grades.get(row.grade, 0) + 1
        lights[row.warning] = lights.get(row.warning, 0) + 1
    return Totals(
        count=len(rows),
        budget=budget,
        spent=spent,
        rate=round2(spent * HUNDRED / budget) if budget else None,
        planned=_weighted_mean((row.planned, row.budget) for row in rows),
        average_score=round2(sum((row.score for row in rows), ZERO) / len(rows)) if rows else None,
        weighted_score=_weighted_mean((row.score, row.budget) for row in rows),
        grades=grades,
        lights=lights,
    )


def _paid_until(paid_by_day: dict[date, Decimal], on_date: date) -> Decimal:
    """One project's cumulative payments up to ``on_date``, two places half up (as its row shows them)."""
    return round2(sum((amount for day, amount in paid_by_day.items() if day <= on_date), ZERO))


def checkpoint_progress(
    checkpoints: Sequence,
    plans: Sequence[list[Checkpoint]],
    budgets: Sequence[Decimal],
    payments: Sequence[dict[date, Decimal]],
    as_of: date,
) -> list[CheckpointProgress]:
    """Department-wide planned vs actual cumulative percent at each checkpoint (budget-weighted).

    ``payments`` are per project (aligned with ``plans`` and ``budgets``) 万元 per day. Each project's
    cumulative payments are rounded to two places before they are added, as the rows are, so the
    year-end checkpoint equals the totals row's 执行率.
    """
    total_budget = sum(budgets, ZERO)
    result = []
    for checkpoint in checkpoints:
        on_date = checkpoint.on_date
        if total_budget == 0:
            result.append(CheckpointProgress(checkpoint.label, on_date, None, None))
            continue
        planned = sum(
            (budget * planned_at(plan, on_date, on_date.year) for plan, budget in zip(plans, budgets, strict=True)),
            ZERO,
        )
        actual = None
        if on_date <= as_of:
            actual = round2(sum((_paid_until(paid, on_date) for paid in payments), ZERO) * HUNDRED / total_budget)
        result.append(CheckpointProgress(checkpoint.label, on_date, round2(planned / total_budget), actual))
    return result
