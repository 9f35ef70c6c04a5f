"""The writes of a 绩效目标表: create, update or overwrite a project's header, 资金支出计划 and indicator rows.

Every table comes in as entered (a form's strings, an API body, a document's rows) and is loaded
through the one schema (``schemas.load_table``), which holds the table's rules; only what needs
the database (项目编码 unique in the year, someone else's save in between) is checked here.
Services flush, never commit: the boundary (view, CLI command, job) commits once.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import delete, insert, select

from perf import tunables
from perf.audit.services import record, record_many
from perf.db import utcnow
from perf.errors import RuleError
from perf.extensions import db
from perf.org.models import BudgetYear, Unit
from perf.projects.history import diff, snapshot
from perf.projects.indicators import value_fields
from perf.projects.matching import reconcile
from perf.projects.models import Indicator, PlanEntry, Project
from perf.projects.schemas import IndicatorRowSchema, entered, load_table, table_loader

#: The row fields a person enters, by model attribute (what a replace compares).
ROW_ATTRIBUTES = tuple(attribute for _, attribute, _ in entered(IndicatorRowSchema))
#: What a stale save says; the form keeps what was typed.
STALE = (
    "该项目已被他人修改，您的保存未生效。您填写的内容仍保留在下方；请先在新窗口打开项目核对他人的修改，"
    "确认后再次保存将以您填写的内容为准。"
)


def create_project(
    year: BudgetYear,
    unit: Unit,
    raw: Mapping,
    actor: str,
    status: str = "draft",
    action: str = "project.create",
    published: bool = False,
) -> Project:
    """Add a project with its plan and indicators; RuleError (every problem, by path) on a broken rule."""
    table = load_table(raw, year, published)
    _check_code_free(year, table["code"])
    project = Project(budget_year=year, unit=unit, status=status, **header(table))
    db.session.add(project)
    db.session.flush()
    replace_plan(project, table["plan"])
    replace_indicators(project, table["indicators"])
    record(actor, action, "project", project.id, f"新建项目 {table['code']} {table['name']}", {})
    return project


def create_projects(
    year: BudgetYear, entries: Sequence[tuple[Unit, Mapping]], actor: str, status: str, action: str, published: bool
) -> list[Project]:
    """Add many projects whose codes the caller knows are free in ``year`` (an import looked them all up),
    each with its plan and indicator rows: one flush for all (multi-row INSERTs), one audit entry each
    (one INSERT). RuleError (by path) on a broken rule, nothing added."""
    units, projects, load = tunables.get("extra_units"), [], table_loader(year, published)
    for unit, raw in entries:
        table = load(raw)
        project = Project(budget_year=year, unit=unit, status=status, **header(table))
        project.plan = [PlanEntry(**row) for row in _plan_rows(year, table["plan"])]
        project.indicators = [Indicator(**_row_fields(j + 1, row, units)) for j, row in enumerate(table["indicators"])]
        projects.append(project)
    db.session.add_all(projects)
    db.session.flush()
    record_many(actor, action, "project", [(p.id, f"新建项目 {p.code} {p.name}", {}) for p in projects])
    return projects


def update_project(project: Project, raw: Mapping, actor: str, expected_version: int | None) -> dict:
    """Replace a draft table's header, plan and rows; return the audited changes.

    ``expected_version`` is the lock version the editor started from: a different
    current version means someone saved in between, and nothing is written.
    """
    if project.locked:
        raise RuleError(f"项目当前为“{project.status_label}”状态，不能直接修改", "conflict")
    if expected_version is not None and expected_version != project.lock_version:
        raise RuleError(STALE, "stale")
    table = load_table(raw, project.budget_year)
    if table["code"] != project.code:
        _check_code_free(project.budget_year, table["code"])
    return replace_table(project, table, actor, "project.update", f"修改项目 {table['code']}")


def overwrite_project(
    project: Project, raw: Mapping, actor: str, action: str, summary: str, noted: Mapping | None = None
) -> dict:
    """Replace a table with a published one whatever its state (an explicit --replace); return the changes.

    ``noted``: more before/after entries for the audit log (what became of the rows).
    """
    table = load_table(raw, project.budget_year, published=True)
    return replace_table(project, table, actor, action, summary, noted)


def same_table(project: Project, table: Mapping) -> bool:
    """True when the stored project already holds a loaded ``table``: header, plan and every row as entered."""
    if any(getattr(project, name) != value for name, value in header(table).items()):
        return False
    if [entry.cumulative_pct for entry in project.plan] != list(table["plan"]):
        return False
    stored = [[getattr(row, a) for a in ROW_ATTRIBUTES] for row in project.indicators]
    return stored == [[row[a] for a in ROW_ATTRIBUTES] for row in table["indicators"]]


def header(table: Mapping) -> dict:
    """The table's header columns (everything but the plan and the rows)."""
    return {key: value for key, value in table.items() if key not in ("plan", "indicators")}


def replace_table(
    project: Project, table: Mapping, actor: str, action: str, summary: str, noted: Mapping | None = None
) -> dict:
    """Overwrite header, plan and rows with a loaded ``table``; audit what changed (and ``noted``)."""
    before = snapshot(project)
    for name, value in header(table).items():
        setattr(project, name, value)
    replace_plan(project, table["plan"])
    replace_indicators(project, table["indicators"])
    project.updated_at = utcnow()  # always an UPDATE, so the lock version moves on
    db.session.flush()
    changes = diff(before, snapshot(project))
    if changes:
        record(actor, action, "project", project.id, summary, {**changes, **(noted or {})})
    return changes


def replace_plan(project: Project, percents: Sequence[Decimal]) -> None:
    """Store the plan: one cumulative percent per checkpoint of the project's year (checked by the schema).

    An empty sequence removes the plan. The database enforces the plan rule again.
    """
    db.session.execute(delete(PlanEntry).where(PlanEntry.project_id == project.id))
    db.session.expire(project, ["plan"])
    entries = [{"project_id": project.id, **row} for row in _plan_rows(project.budget_year, percents)]
    if entries:  # in checkpoint order: each entry's foreign key names the one before it
        db.session.execute(insert(PlanEntry), entries)


def _plan_rows(year: BudgetYear, percents: Sequence[Decimal]) -> list[dict]:
    """The plan entries of ``percents`` (one per checkpoint of ``year``), each chained to the one before."""
    previous, rows = Decimal(0), []
    for checkpoint, pct in zip(year.checkpoints, percents, strict=True) if percents else ():
        rows.append(
            {
                "year_id": year.id,
                "seq": checkpoint.seq,
                "cumulative_pct": pct,
                "prev_seq": checkpoint.seq - 1 if checkpoint.seq > 1 else None,
                "prev_pct": previous,
                "is_final": checkpoint.is_final,
            }
        )
        previous = pct
    return rows


def replace_indicators(project: Project, rows: Sequence[Mapping]) -> None:
    """Store the indicator rows in order, each with its parsed target.

    A row matching a stored one by (一级, 二级, 三级) (``perf.projects.matching``) updates it in place,
    so its id and everything recorded against it (actual values, mid-year entries, self-evaluation
    rows) stay; stored rows left over are deleted, and the database deletes what they carry.
    """
    stored = list(project.indicators)
    plan = reconcile([stored_row(row) for row in stored], rows, ROW_ATTRIBUTES)
    for i in plan.dropped:
        project.indicators.remove(stored[i])
    for i, _ in plan.pairs:  # out of the way of the new positions first: (project, position) is unique
        stored[i].position = -1 - i
    db.session.flush()
    units = tunables.get("extra_units")
    for i, j in plan.pairs:
        for name, value in _row_fields(j + 1, rows[j], units).items():
            setattr(stored[i], name, value)
    for j in plan.added:
        project.indicators.append(Indicator(**_row_fields(j + 1, rows[j], units)))
    db.session.flush()
    db.session.expire(project, ["indicators"])  # read back in the new order


def stored_row(indicator: Indicator) -> dict:
    """A stored row as the one schema loads it (entered fields by model attribute)."""
    return {name: getattr(indicator, name) for name in ROW_ATTRIBUTES}


def _row_fields(position: int, row: Mapping, units) -> dict:
    """The model columns of a loaded row at ``position``: as entered, and the parsed target."""
    typed = {key: value for key, value in row.items() if key != "unit_hint"}
    parsed = value_fields(row["value_text"], row["level1"], row["level2"], row.get("unit_hint"), units)
    return {"position": position, **typed, **parsed}


def _check_code_free(year: BudgetYear, code: str) -> None:
    """项目编码 is unique within a year."""
    taken = db.session.scalar(select(Project.id).where(Project.year_id == year.id, Project.code == code))
    if taken is not None:
        raise RuleError({"code": [f"{year.year} 年度已有项目编码为 {code} 的项目"]})
