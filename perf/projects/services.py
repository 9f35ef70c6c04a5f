"""The rules and writes for projects: header, 资金支出计划 and indicator rows.

Services flush, never commit: the boundary (view, CLI command, job) commits once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete

from perf.extensions import db
from perf.org.models import BudgetYear, Unit
from perf.projects.indicators import value_fields
from perf.projects.models import Indicator, PlanEntry, Project
from perf.projects.plan import plan_problems


class ProjectRuleError(ValueError):
    """A project write broke a rule; ``messages`` are in Chinese."""

    def __init__(self, messages: Sequence[str]):
        super().__init__("；".join(messages))
        self.messages = list(messages)


@dataclass
class IndicatorData:
    """One indicator row as entered or published."""

    level1: str
    level2: str
    name: str
    value: str
    description: str = ""
    basis: str = ""
    unit_hint: str | None = None


@dataclass
class ProjectData:
    """A whole 绩效目标表: header, plan percents (in checkpoint order) and indicator rows."""

    code: str
    name: str
    total: Decimal
    fiscal: Decimal
    other: Decimal
    purpose: str = ""
    goal: str = ""
    plan: list[Decimal] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)


def create_project(
    year: BudgetYear, unit: Unit, data: ProjectData, status: str = "draft"
) -> Project:
    """Add a project with its plan and indicators; raise ProjectRuleError on a broken rule."""
    _check_amounts(data)
    project = Project(
        budget_year=year,
        unit=unit,
        code=data.code,
        name=data.name,
        total=data.total,
        fiscal=data.fiscal,
        other=data.other,
        purpose=data.purpose,
        goal=data.goal,
        status=status,
    )
    db.session.add(project)
    db.session.flush()
    replace_plan(project, data.plan)
    replace_indicators(project, data.indicators)
    return project


def replace_plan(project: Project, percents: Sequence[Decimal]) -> None:
    """Store the plan: one cumulative percent per checkpoint of the project's year.

    An empty sequence removes the plan. The database enforces the same rule again.
    """
    checkpoints = project.budget_year.checkpoints
    if percents and len(percents) != len(checkpoints):
        raise ProjectRuleError(
            [f"资金支出计划应有 {len(checkpoints)} 个节点，实为 {len(percents)} 个"]
        )
    problems = plan_problems(
        [(cp.label, pct) for cp, pct in zip(checkpoints, percents, strict=False)]
    )
    if problems:
        raise ProjectRuleError(problems)
    db.session.execute(delete(PlanEntry).where(PlanEntry.project_id == project.id))
    db.session.expire(project, ["plan"])
    if not percents:
        return
    previous = Decimal(0)
    for checkpoint, pct in zip(checkpoints, percents, strict=True):
        db.session.add(
            PlanEntry(
                project_id=project.id,
                year_id=project.year_id,
                seq=checkpoint.seq,
                cumulative_pct=pct,
                prev_seq=checkpoint.seq - 1 if checkpoint.seq > 1 else None,
                prev_pct=previous,
                is_final=checkpoint.is_final,
            )
        )
        db.session.flush()  # the chain's foreign key needs the previous entry first
        previous = pct


def replace_indicators(project: Project, rows: Sequence[IndicatorData]) -> None:
    """Store the indicator rows in order, each with its parsed target."""
    project.indicators.clear()
    db.session.flush()
    for position, row in enumerate(rows, start=1):
        project.indicators.append(
            Indicator(
                position=position,
                level1=row.level1,
                level2=row.level2,
                name=row.name,
                description=row.description,
                basis=row.basis,
                **value_fields(row.value, row.level1, row.level2, row.unit_hint),
            )
        )
    db.session.flush()


def _check_amounts(data: ProjectData) -> None:
    """财政资金 + 其他资金 must equal 预算数, none negative."""
    problems = []
    if min(data.total, data.fiscal, data.other) < 0:
        problems.append("预算数、财政资金、其他资金不能为负数")
    if data.fiscal + data.other != data.total:
        problems.append(
            f"财政资金 {data.fiscal} 万元 + 其他资金 {data.other} 万元 ≠ 预算数 {data.total} 万元"
        )
    if problems:
        raise ProjectRuleError(problems)
