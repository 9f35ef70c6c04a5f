"""Write a parsed 部门预算公开 document into the database: all or nothing, idempotent.

The parser (``disclosure.py``) finds everything wrong with the file itself; this service
adds what only the database knows (the year's checkpoint set, projects already there)
and writes only when there is no problem at all. It flushes; the caller commits.
"""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from perf.audit.services import record
from perf.budgets.services import replace_budget_tables
from perf.db import analyze_after_bulk, one_import_at_a_time
from perf.documents.disclosure import Disclosure, Problem, ProjectTable
from perf.documents.flat import FlatTargets, is_local_code
from perf.errors import RuleError, place
from perf.extensions import db
from perf.numbers import wan_text
from perf.org.models import BudgetYear, Department, DepartmentBudget, Unit
from perf.org.services import (
    ensure_department,
    ensure_unit,
    ensure_year,
    find_year,
    main_unit,
)
from perf.projects.history import snapshot
from perf.projects.models import Project
from perf.projects.replacing import DroppedRow, RowChanges, row_changes
from perf.projects.schemas import header_labels, labels, table_loader
from perf.projects.services import create_projects, overwrite_project, same_table
from perf.projects.taxonomy import SCHEME_LABELS
from perf.review.workflow import TARGET
from perf.workflow.engine import keep_first_versions, keep_version


@dataclass
class ImportResult:
    """What an import did, or why it did nothing."""

    disclosure: Disclosure
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: table code -> the project written (or left unchanged) for it.
    projects: dict[str, Project] = field(default_factory=dict)
    #: How many indicators got a self-evaluation weight from the file (flat tables: perf.targets).
    weighted: int = 0
    #: table code -> what replacing the project does to its indicator rows (replaced projects only).
    rows: dict[str, RowChanges] = field(default_factory=dict)
    #: True when the document's budget tables were stored (new, or replacing other content).
    budget_tables_written: bool = False

    @property
    def ok(self) -> bool:
        """True when the document was clean and written."""
        return not self.problems

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.created or self.replaced)

    @property
    def dropped(self) -> list[tuple[ProjectTable, DroppedRow]]:
        """Every indicator the replace drops, with its table, in the file's order."""
        tables = {t.code: t for t in self.disclosure.projects}
        return [(tables[code], row) for code, changes in self.rows.items() for row in changes.dropped]

    def row_counts(self) -> dict[str, int]:
        """Indicators of the replaced projects: kept, changed, dropped, added."""
        counts = {"kept": 0, "changed": 0, "dropped": 0, "added": 0}
        for changes in self.rows.values():
            for key, count in changes.counts().items():
                counts[key] += count
        return counts


def sha256(data: bytes) -> str:
    """Hex SHA-256 of the document bytes."""
    return hashlib.sha256(data).hexdigest()


def import_disclosure(
    disclosure: Disclosure, digest: str, actor: str, replace: bool = False, drop_recorded: bool = False
) -> ImportResult:
    """Import the document; on any problem write nothing and return the problems.

    A replaced project keeps its indicator rows matched by (一级, 二级, 三级) with all recorded against
    them; a row the file no longer has that carries recorded data (actual values, mid-year entries,
    self-evaluation rows) is a problem unless ``drop_recorded`` confirms dropping it.
    """
    result = ImportResult(disclosure, problems=list(disclosure.problems) + _too_long(disclosure))
    if result.problems:
        return result
    one_import_at_a_time(db.session)
    load = table_loader(published=True)
    tables = {table.code: _loaded(load, table, result) for table in disclosure.projects}
    if result.problems:
        return result
    year = find_year(disclosure.year)
    existing = _existing_projects(year, disclosure)
    for code, project in existing.items():
        if is_local_code(code):  # found by unit and name: compared under the code it has now
            tables[code]["code"] = project.code
    result.problems += _conflicts(disclosure, tables, existing, replace)
    if result.problems:
        return result
    result.rows = _row_changes(disclosure, tables, existing)
    if not drop_recorded:
        result.problems += _recorded_drops(result)
    if result.problems:
        return result
    try:
        _write(disclosure, digest, actor, existing, result)
    except RuleError as error:
        result.problems += [Problem("数据库", m) for m in error.messages]
    return result


def _too_long(disclosure: Disclosure) -> list[Problem]:
    """The department's and units' texts longer than their columns hold (the column is the one limit), each
    named where the file has it: no database is asked to store what it would refuse (or, SQLite, silently keep)."""
    checks = [
        ("文件", "部门编码", disclosure.department_code, Department.code),
        ("文件", "部门名称", disclosure.department_name, Department.name),
    ]
    for unit in disclosure.units:
        checks += [(unit.location, "单位名称", unit.name, Unit.name), (unit.location, "单位编码", unit.code, Unit.code)]
        checks += [(unit.location, label, getattr(unit, key), getattr(Unit, key)) for key, label in _UNIT_TEXTS]
    checks += [(table.location, "实施单位", table.unit, Unit.name) for table in disclosure.projects if table.unit]
    found: dict[tuple[str, str], Problem] = {}
    for location, label, text, column in checks:
        most = column.type.length
        if text and len(text) > most:
            message = f"{label}“{text[:20]}…”共 {len(text)} 个字符，最多 {most} 个"
            found.setdefault((location, message), Problem(location, message))
    return list(found.values())


#: A unit's descriptive texts as the 单位 table gives them.
_UNIT_TEXTS = (("nature", "单位性质"), ("rank", "单位级别"), ("funding", "经费形式"))


def table_of(table: ProjectTable) -> dict:
    """A parsed table as entered, for the one table schema."""
    return {
        "code": table.code,
        "name": table.name,
        "total": table.total,
        "fiscal": table.fiscal,
        "other": table.other,
        "purpose": table.purpose,
        "goal": table.goal,
        "spend_plan": [pct for _, _, pct in table.plan],
        "indicators": [
            {
                "level1": r.level1,
                "level2": r.level2,
                "name": r.name,
                "value": r.value,
                "description": r.description,
                "basis": r.basis,
                **({"unit_hint": r.unit_hint} if r.unit_hint else {}),
            }
            for r in table.indicators
        ],
    }


def _loaded(load, table: ProjectTable, result: ImportResult) -> dict | None:
    """The table through the one schema as published; its problems named by the table's location."""
    try:
        return load(table_of(table))
    except RuleError as error:
        for path, messages in error.errors.items():
            where = place(path, labels() if "." in path else header_labels())  # a header's name is 项目名称
            result.problems += [Problem(table.location, f"{where}：{m}" if where else m) for m in messages]
        return None


def _existing_projects(year: BudgetYear | None, disclosure: Disclosure) -> dict[str, Project]:
    """Projects of the document's year that carry one of its codes (by table code).

    A table without a real code (a flat file without 项目编码) is the project of its unit with its
    name, whatever code that project has since been given.
    """
    if year is None:
        return {}
    codes = [t.code for t in disclosure.projects]
    rows = db.session.scalars(select(Project).where(Project.year_id == year.id, Project.code.in_(codes)))
    found = {p.code: p for p in rows}
    for table in disclosure.projects:
        if is_local_code(table.code) and table.code not in found:
            named = db.session.scalars(
                select(Project)
                .join(Unit)
                .join(Department, Unit.department_id == Department.id)
                .where(
                    Project.year_id == year.id,
                    Project.name == table.name,
                    Unit.name == table.unit,
                    Department.code == disclosure.department_code,
                )
            ).first()
            if named is not None:
                found[table.code] = named
    return found


def _conflicts(disclosure: Disclosure, tables: dict, existing: dict[str, Project], replace: bool) -> list[Problem]:
    """Projects already present with other content are refused unless ``replace``."""
    problems = []
    for table in disclosure.projects:
        project = existing.get(table.code)
        if project is None or replace or same_table(project, tables[table.code]):
            continue
        problems.append(
            Problem(
                table.location,
                f"项目 {table.code} 已存在且内容与文件不同；如确需以文件覆盖，请使用 --replace",
            )
        )
    return problems


def _row_changes(disclosure: Disclosure, tables: dict, existing: dict[str, Project]) -> dict[str, RowChanges]:
    """What replacing each existing project that differs does to its rows (read before anything is written)."""
    return {
        table.code: row_changes(existing[table.code], tables[table.code]["indicators"])
        for table in disclosure.projects
        if table.code in existing and not same_table(existing[table.code], tables[table.code])
    }


def _recorded_drops(result: ImportResult) -> list[Problem]:
    """Each row a replace would drop with recorded data on it, named: refused until the drop is confirmed."""
    return [
        Problem(table.location, f"文件中没有指标“{row.label}”，该指标已有{'、'.join(row.recorded)}：覆盖将删除这些数据")
        for table, row in result.dropped
        if row.recorded
    ]


def _write(disclosure, digest, actor, existing, result) -> None:
    """Create or update everything the document holds."""
    planned = next((table.plan for table in disclosure.projects if table.plan), [])  # a flat file's first may have none
    dates = [day for day, _, _ in planned]
    new_year = find_year(disclosure.year) is None
    year = ensure_year(disclosure.year, dates)
    _scheme(year, disclosure, new_year)
    department = ensure_department(disclosure.department_code, disclosure.department_name)
    units = {
        row.name: ensure_unit(department, row.name, row.nature, row.rank, row.funding, row.code)
        for row in disclosure.units
    }
    db.session.refresh(department, ["units"])
    own, new, load = None, [], table_loader(year, published=True)
    for table in disclosure.projects:
        if table.unit:
            unit = units.get(table.unit) or ensure_unit(department, table.unit, "", "", "")
        else:
            own = own or main_unit(department) or ensure_unit(department, f"{department.name}本级", "", "", "")
            unit = own
        raw = table_of(table)
        project = existing.get(table.code)
        if project is not None and is_local_code(table.code):
            raw["code"] = project.code  # the project of this unit and name, under the code it has now
        if project is None:
            new.append((table.code, unit, raw))
            continue
        if same_table(project, load(raw)):
            result.unchanged.append(table.code)
        else:
            rows = result.rows[table.code]
            summary = f"以文件覆盖项目 {project.code}：指标{rows.sentence()}"
            overwrite_project(project, raw, actor, "project.replace", summary, rows.audited())
            keep_version(TARGET, project, "imported", None, "以文件覆盖", snapshot(project))
            result.replaced.append(table.code)
        result.projects[table.code] = project
    _create(year, new, actor, result)
    tables, checks = disclosure.budget_tables, disclosure.budget_checks
    result.budget_tables_written = replace_budget_tables(department, year, tables, checks, actor, digest)
    if result.changed:
        if not isinstance(disclosure, FlatTargets):  # a flat table states no department totals
            _store_totals(disclosure, department, year, digest)
        record(actor, "disclosure.import", "department", department.id, _summary(result))


def _create(year: BudgetYear, new: list[tuple[str, object, dict]], actor: str, result: ImportResult) -> None:
    """The file's new projects, approved, all at once (their codes were looked up: none is taken), each
    with its first kept version."""
    created = create_projects(year, [(unit, raw) for _, unit, raw in new], actor, "approved", "project.import", True)
    keep_first_versions(TARGET, [(project, snapshot(project)) for project in created], "imported")
    rows = sum(len(project.indicators) for project in created)
    analyze_after_bulk(db.session, ["project", "plan_entry", "indicator", "kept_version"], rows)
    for (code, _, _), project in zip(new, created, strict=True):
        result.created.append(code)
        result.projects[code] = project


def _scheme(year: BudgetYear, disclosure: Disclosure, new_year: bool) -> None:
    """A year the document creates takes the document's scheme; an existing year keeps its own (a warning)."""
    scheme = disclosure.scheme
    if scheme is None or scheme == year.scheme:
        return
    if new_year:
        year.scheme = scheme
        return
    message = (
        f"{year.year} 年度按{SCHEME_LABELS.get(year.scheme, year.scheme)}设定，文件中的绩效目标表按"
        f"{SCHEME_LABELS[scheme]}编制；目标审核和自评仍按{SCHEME_LABELS.get(year.scheme, year.scheme)}进行"
    )
    disclosure.warnings.append(Problem("文件", message))


def _store_totals(disclosure, department, year, digest) -> None:
    """Keep the department's stated totals for the year."""
    stated = db.session.scalar(
        select(DepartmentBudget).where(
            DepartmentBudget.department_id == department.id, DepartmentBudget.year_id == year.id
        )
    ) or DepartmentBudget(department=department, budget_year=year)
    stated.total = disclosure.stated_total
    stated.basic = disclosure.stated_basic
    stated.project = disclosure.stated_project
    stated.source_sha256 = digest
    db.session.add(stated)
    db.session.flush()


def _summary(result: ImportResult) -> str:
    """One line for the audit log."""
    d = result.disclosure
    total = sum((t.total for t in d.projects), start=0)
    text = (
        f"导入 {d.department_code}{d.department_name} {d.year} 年度："
        f"新增 {len(result.created)} 个项目，覆盖 {len(result.replaced)} 个，"
        f"未变 {len(result.unchanged)} 个，项目预算合计 {wan_text(total)} 万元"
    )
    if result.replaced:
        counts = result.row_counts()
        text += (
            f"；覆盖项目的指标保留 {counts['kept']} 项、变更 {counts['changed']} 项、"
            f"删除 {counts['dropped']} 项、新增 {counts['added']} 项"
        )
    return text
