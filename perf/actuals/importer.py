"""Import actual values (实际完成值) from CSV or XLSX: all or nothing, idempotent.

Columns: 项目编码, 三级指标, 实际完成值, and optionally 偏差原因, 日期 (default: 12月31日 of the
project's budget year), 一级指标 (to tell apart a 三级 name a table holds twice) and 备注.
The file is read by the tabular reader (``perf.documents.tabular``), its headers mapped onto
``ActualRowSchema``'s columns. Every row loads through ``ActualRowSchema``, finds its indicator, and passes the rules of
``perf.actuals.services``; only a clean file is written. The service flushes; the caller commits.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from marshmallow import RAISE, Schema, ValidationError
from sqlalchemy import select

from perf.actuals.models import ActualValue
from perf.actuals.schemas import MAX_NOTE, MAX_REASON, MAX_VALUE
from perf.actuals.services import check_actual, check_date, same_content, set_actual
from perf.db import one_import_at_a_time
from perf.documents.tabular import FileResult, Table, columns_of, header_key, is_total_line, messages_of
from perf.errors import RuleError
from perf.extensions import db
from perf.fields import DateText, TypedText
from perf.projects.models import Indicator, Project
from perf.projects.queries import ProjectsByCode


class ActualRowSchema(Schema):
    """One imported row of actual values; each field's label is the file's header."""

    class Meta:
        unknown = RAISE

    project_code = TypedText("项目编码", 40, identifier=True, required=True, column="required")
    indicator = TypedText("三级指标", 200, required=True, column="required")
    #: A blank 备注 or 偏差原因 cell keeps what is stored (a file says nothing about it), unlike the page.
    value = TypedText("实际完成值", MAX_VALUE, required=True, data_key="actual", column="required")
    reason = TypedText("偏差原因", MAX_REASON, load_default=None, allow_none=True, column="optional")
    note = TypedText("备注", MAX_NOTE, load_default=None, allow_none=True, column="optional")
    level1 = TypedText("一级指标", 30, load_default=None, allow_none=True, column="optional")
    as_of = DateText("日期", load_default=None, allow_none=True, column="optional")


SCHEMA = ActualRowSchema()
#: Key columns: a row with neither of them that says 合计 is a total line, skipped.
KEYS = ("indicator", "actual")


@dataclass
class ActualsResult(FileResult):
    """What an import wrote (created / updated / unchanged rows), or why it wrote nothing."""

    created: list["Row"] = field(default_factory=list)
    updated: list["Row"] = field(default_factory=list)
    unchanged: list["Row"] = field(default_factory=list)
    #: (created, updated, unchanged) rows without a problem of their own, kept when the file has problems
    #: (the upload preview counts them); a clean file writes exactly these.
    sorted_rows: tuple[list["Row"], list["Row"], list["Row"]] = field(default_factory=lambda: ([], [], []))


@dataclass
class Row:
    """A loaded row with its indicator and date; ``reason``/``note`` None when the file has no such column."""

    line: int
    indicator: Indicator
    project: Project
    as_of: date
    actual: str
    reason: str | None
    note: str | None


#: Who may import a row of this project: None when they may, else why not (the row is refused, named).
Refuse = Callable[[Project], str | None]


def import_actuals(
    data: bytes, filename: str, actor: str, year: int | None = None, refuse: Refuse | None = None
) -> ActualsResult:
    """Import an actual-values file; on any problem write nothing and return the problems.

    ``refuse`` (the upload page's permission check) refuses the rows of projects the uploader may not write.
    """
    result = ActualsResult()
    table = result.read(data, filename, SCHEMA, "实际完成值")
    if table is None:
        return result
    one_import_at_a_time(db.session)
    loaded = _load(table, year, result, refuse)
    _sort_out(loaded, result)
    result.problems.sort(key=lambda p: p.line)
    result.sorted_rows = (result.created, result.updated, result.unchanged)
    if result.problems:
        result.created, result.updated, result.unchanged = [], [], []
        return result
    for row in result.created + result.updated:
        set_actual(row.indicator, row.actual, row.as_of, actor, note=row.note, reason=row.reason)
    db.session.flush()
    return result


# --- checking ------------------------------------------------------------------------


def _load(table: Table, year: int | None, result: ActualsResult, refuse: Refuse | None) -> list[Row]:
    """Each row through the schema, the project and indicator lookup, and the rules of an actual."""
    projects, loaded = ProjectsByCode(year), []
    for line, record, cells in table.records(columns_of(SCHEMA)):
        if is_total_line(record, cells, KEYS):
            continue
        try:
            values = SCHEMA.load(record)
        except ValidationError as error:
            for message in messages_of(error.messages):
                result.add(line, message)
            continue
        row = _row(line, values, projects, result, refuse)
        if row is not None:
            loaded.append(row)
    return loaded


def _row(line: int, values: dict, projects: ProjectsByCode, result: ActualsResult, refuse: Refuse | None) -> Row | None:
    """The row's indicator, date and checked value, or None after reporting why not."""
    project = projects.get(values["project_code"])
    if project is None:
        result.add(line, projects.missing(values["project_code"]))
        return None
    refused = refuse(project) if refuse else None
    if refused:
        result.add(line, refused)
        return None
    try:
        indicator = find_indicator(project, values["indicator"], values["level1"])
        budget_year = project.budget_year.year
        as_of = values["as_of"] or date(budget_year, 12, 31)
        check_date(as_of, budget_year)
        check_actual(indicator, values["value"])
    except RuleError as error:
        for message in error.messages:
            result.add(line, message)
        return None
    return Row(line, indicator, project, as_of, values["value"], values["reason"], values["note"])


def find_indicator(project: Project, name: str, level1: str | None) -> Indicator:
    """The project's indicator with 三级 ``name`` (and 一级 ``level1`` if given); RuleError otherwise."""
    matches = [i for i in project.indicators if header_key(i.name) == header_key(name)]
    if level1:
        wanted = header_key(level1).removesuffix("指标")
        matches = [i for i in matches if header_key(i.level1).removesuffix("指标") == wanted]
    if len(matches) == 1:
        return matches[0]
    where = f"项目 {project.code}（{project.name}）的绩效目标表"
    if not matches:
        under = f"一级指标“{level1}”下" if level1 else ""
        raise RuleError({"indicator": [f"{where}{under}没有三级指标“{name}”"]})
    rows = "、".join(f"第{i.position}行（{i.level1} / {i.level2}）" for i in matches)
    hint = "" if level1 else "，请增加“一级指标”列加以区分"
    raise RuleError({"indicator": [f"三级指标“{name}”在{where}中出现了 {len(matches)} 次：{rows}{hint}"]})


def _sort_out(rows: list[Row], result: ActualsResult) -> None:
    """Created, updated or unchanged against the stored values (one query); a repeated key is a problem."""
    stored = _stored({row.indicator.id for row in rows})
    seen: dict[tuple[int, date], int] = {}
    for row in rows:
        key = (row.indicator.id, row.as_of)
        if key in seen:
            result.add(
                row.line,
                f"与第{seen[key]}行重复：项目 {row.project.code} 的三级指标“{row.indicator.name}”"
                f"（{row.as_of.isoformat()}）在第{seen[key]}行和第{row.line}行都有实际完成值",
            )
            continue
        seen[key] = row.line
        existing = stored.get(key)
        if existing is None:
            result.created.append(row)
        elif same_content(existing, row.actual, row.note, row.reason):
            result.unchanged.append(row)
        else:
            result.updated.append(row)


def _stored(indicator_ids: set[int]) -> dict[tuple[int, date], ActualValue]:
    if not indicator_ids:
        return {}
    query = select(ActualValue).where(ActualValue.indicator_id.in_(indicator_ids))
    return {(a.indicator_id, a.as_of): a for a in db.session.scalars(query)}
