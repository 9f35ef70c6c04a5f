"""The rules and writes for projects: header, 资金支出计划 and indicator rows.

Services flush, never commit: the boundary (view, CLI command, job) commits once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import delete, select

from perf.audit.services import record
from perf.db import utcnow
from perf.extensions import db
from perf.org.models import BudgetYear, Unit
from perf.projects.indicators import value_fields
from perf.projects.models import Indicator, PlanEntry, Project
from perf.projects.plan import plan_findings


class ProjectRuleError(ValueError):
    """A project write broke a rule; ``messages`` are in Chinese.

    ``fields`` optionally maps a form field name (``plan-1``, ``other``) to its messages.
    """

    def __init__(self, messages: Sequence[str], fields: dict[str, list[str]] | None = None):
        super().__init__("；".join(messages))
        self.messages = list(messages)
        self.fields = fields or {}


class StaleProjectError(ProjectRuleError):
    """Someone else saved the table after this user opened it."""

    def __init__(self):
        super().__init__(
            ["该项目已被他人修改，您的保存未生效。请刷新页面查看最新内容后再修改；您填写的内容仍保留在下方。"]
        )


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
    year: BudgetYear,
    unit: Unit,
    data: ProjectData,
    actor: str,
    status: str = "draft",
    action: str = "project.create",
) -> Project:
    """Add a project with its plan and indicators; raise ProjectRuleError on a broken rule."""
    check_amounts(data)
    _check_code_free(year, data.code)
    check_plan(year, data.plan)
    check_indicators(data.indicators)
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
    record(actor, action, "project", project.id, f"新建项目 {data.code} {data.name}", {})
    return project


def update_project(project: Project, data: ProjectData, actor: str, expected_version: int | None) -> dict:
    """Replace a draft table's header, plan and rows; return the audited changes.

    ``expected_version`` is the lock version the editor started from: a different
    current version means someone saved in between, and nothing is written.
    """
    if project.locked:
        raise ProjectRuleError([f"项目当前为“{project.status_label}”状态，不能直接修改"])
    if expected_version is not None and expected_version != project.lock_version:
        raise StaleProjectError()
    check_amounts(data)
    if data.code != project.code:
        _check_code_free(project.budget_year, data.code)
    check_plan(project.budget_year, data.plan)
    check_indicators(data.indicators)
    return replace_table(project, data, actor, "project.update", f"修改项目 {data.code}")


def replace_table(project: Project, data: ProjectData, actor: str, action: str, summary: str) -> dict:
    """Overwrite header, plan and rows with ``data`` (rules already checked); audit what changed."""
    from perf.projects.history import diff, snapshot

    before = snapshot(project)
    for name in ("code", "name", "total", "fiscal", "other", "purpose", "goal"):
        setattr(project, name, getattr(data, name))
    replace_plan(project, data.plan)
    replace_indicators(project, data.indicators)
    project.updated_at = utcnow()  # always an UPDATE, so the lock version moves on
    db.session.flush()
    changes = diff(before, snapshot(project))
    if changes:
        record(actor, action, "project", project.id, summary, changes)
    return changes


def check_plan(year: BudgetYear, percents: Sequence[Decimal]) -> None:
    """One cumulative percent per checkpoint of ``year``, by the plan rule (or no plan at all)."""
    checkpoints = year.checkpoints
    if percents and len(percents) != len(checkpoints):
        raise ProjectRuleError([f"资金支出计划应有 {len(checkpoints)} 个节点，实为 {len(percents)} 个"])
    findings = plan_findings([(cp.label, pct) for cp, pct in zip(checkpoints, percents, strict=False)])
    if findings:
        fields: dict[str, list[str]] = {}
        for index, message in findings:
            fields.setdefault(f"plan-{index}", []).append(message)
        raise ProjectRuleError([m for _, m in findings], fields)


def replace_plan(project: Project, percents: Sequence[Decimal]) -> None:
    """Store the plan: one cumulative percent per checkpoint of the project's year.

    An empty sequence removes the plan. The database enforces the same rule again.
    """
    check_plan(project.budget_year, percents)
    checkpoints = project.budget_year.checkpoints
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


#: indicator.target is Numeric(24, 6) and indicator.unit String(20): what the database can hold.
MAX_TARGET_DIGITS = 18
MAX_UNIT = 20


def indicator_value_problem(value: str, level1: str, level2: str, unit_hint: str | None = None) -> str | None:
    """Why a 指标值's parsed number or unit cannot be stored, in Chinese; None when it can."""
    parsed = value_fields(value, level1, level2, unit_hint)
    target = parsed["target"]
    if target is not None and target.adjusted() >= MAX_TARGET_DIGITS:
        return f"指标值中的数字过大（整数部分最多 {MAX_TARGET_DIGITS} 位）"
    if len(parsed["unit"] or "") > MAX_UNIT:
        return f"指标值的计量单位最多 {MAX_UNIT} 个字符"
    return None


def check_indicators(rows: Sequence[IndicatorData]) -> None:
    """Every row's 指标值 fits the database (a form must never end in a 500)."""
    fields: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        message = indicator_value_problem(row.value, row.level1, row.level2, row.unit_hint)
        if message:
            fields[f"indicators-{index}-value"] = [f"第{index + 1}行“{row.name}”：{message}"]
    if fields:
        raise ProjectRuleError([m for found in fields.values() for m in found], fields)


def check_amounts(data: ProjectData) -> None:
    """财政资金 + 其他资金 must equal 预算数, none negative."""
    if min(data.total, data.fiscal, data.other) < 0:
        raise ProjectRuleError(["预算数、财政资金、其他资金不能为负数"])
    if data.fiscal + data.other != data.total:
        message = f"财政资金 {data.fiscal} 万元 + 其他资金 {data.other} 万元 ≠ 预算数 {data.total} 万元"
        raise ProjectRuleError([message], {"total": [message]})


def _check_code_free(year: BudgetYear, code: str) -> None:
    """项目编码 is unique within a year."""
    taken = db.session.scalar(select(Project.id).where(Project.year_id == year.id, Project.code == code))
    if taken is not None:
        message = f"{year.year} 年度已有项目编码为 {code} 的项目"
        raise ProjectRuleError([message], {"code": [message]})
