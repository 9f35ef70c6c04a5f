"""Read a flat 绩效目标 table (one row per indicator, as 预算管理一体化 systems export it) into a Disclosure.

A pure reader: no database, no Flask. The file is a CSV (UTF-8, GBK …) or the first sheet of an XLSX, read
by the tabular reader (perf.documents.tabular). The header row is found by name or synonym (the columns
of ``FlatRow``, perf/documents/flat_columns.py) wherever it is, after a title row
("部门预算项目绩效目标申报表(2023年度)") and a "金额单位：元" line, columns in any order; unknown
columns are ignored and named. Below the header:

- a department row ("820-马踏镇部门 | 8,827,620.53": no project, no indicator) names the department;
  later such rows (a unit's subtotal, 合计) are skipped;
- project cells merged down over their indicator rows (or left blank in a CSV) carry down; a project
  starts where its 项目编码 or 项目名称 is written;
- "820001-井研县马踏镇人民政府" gives a unit its code; a project without 项目编码 gets a local code
  (``LOCAL`` + a digest of unit and name: the same on every import of the file) until its real one is set;
- 指标性质 (≥ ≤ = > < or 定性) + 指标值 + 度量单位 make the 指标值 perf parses; 指标方向性 against the
  comparator is a warning, never a guess; 权重 become the self-evaluation weights (a project whose
  weights do not sum to 90 gets a warning);
- amounts are in the stated 金额单位 (元 by default, as these exports are), converted to 万元 exactly.

The result is a ``Disclosure`` (without the 部门预算 tables, which flat tables do not hold; with a
资金支出计划 only where the file has checkpoint columns, as perf's own export writes: perf.documents.flat_plan),
so the one importer writes it: all or nothing, problems by row.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import ValidationError

from perf.documents._headers import yuan_to_wan
from perf.documents._tables import IndicatorRow, Problem, UnitRow
from perf.documents.disclosure import Disclosure, ProjectTable
from perf.documents.flat_columns import COLUMNS, DIRECTIONS, NATURES, ROW
from perf.documents.flat_plan import PlanColumn, is_plan_header, plan_columns, read_plan
from perf.documents.tabular import (
    HEADER_SEARCH,
    ImportFileError,
    Table,
    filled,
    find_header,
    read_rows,
)
from perf.fields import Number, WanAmount
from perf.numbers import FULL_WIDTH, WAN_INTEGER_DIGITS
from perf.projects.models import LOCAL_CODE_PREFIX

FILE = "文件"
#: The prefix of a local project code (a file without 项目编码); ``is_local_code`` tells one.
LOCAL_PREFIX = LOCAL_CODE_PREFIX
#: The self-evaluation weights of a project's indicators add up to this (100 less 预算执行率's 10).
WEIGHT_TOTAL = Decimal(90)
_YEAR = re.compile(r"(\d{4})\s*年")
_CODED = re.compile(r"^\s*([0-9A-Za-z]+)\s*[-－—_]\s*(\S.*?)\s*$")
_UNIT_LINE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元)")
_HEADER_UNIT = re.compile(r"[(（]\s*(万元|元)\s*[)）]")
_PROJECT_FIELDS = ("unit", "code", "name", "total", "fiscal", "other", "goal", "purpose")
_INDICATOR_FIELDS = ("level1", "level2", "indicator", "value")
#: An amount in 元 is exact to the 分 and, in 万元, within what perf holds (perf.numbers.WAN_INTEGER_DIGITS).
_YUAN = Number(places=2, integer_digits=WAN_INTEGER_DIGITS + 4)
_WAN = WanAmount()
#: A weight (分值) as the self-evaluation holds it: Numeric(6, 2).
_WEIGHT = Number(places=2, integer_digits=4)


@dataclass
class FlatProject:
    """A project as the rows give it, while reading: its header cells and its indicator rows."""

    line: int
    cells: dict
    indicators: list[IndicatorRow] = field(default_factory=list)
    weights: list[Decimal | None] = field(default_factory=list)
    #: The raw cells of the project's first row (its 资金支出计划 columns are read from them).
    raw: list = field(default_factory=list)


@dataclass
class FlatTargets(Disclosure):
    """A flat file read: the Disclosure the importer writes, and what only a flat file has."""

    #: Columns the file has that perf does not read.
    ignored_columns: list[str] = field(default_factory=list)
    #: 元 or 万元: how the file's amounts were read.
    amount_unit: str = "元"
    #: project code -> the self-evaluation weights of its indicators, in order (None where blank).
    weights: dict[str, list[Decimal | None]] = field(default_factory=dict)


def is_local_code(code: str) -> bool:
    """True for a code perf gave a project its file did not code."""
    return code.startswith(LOCAL_PREFIX)


def local_code(unit: str, name: str) -> str:
    """The local code of a project without 项目编码: the same for the same unit and name, always."""
    digest = hashlib.sha256(f"{unit}\n{name}".encode()).hexdigest().upper()
    return f"{LOCAL_PREFIX}{digest[:15]}"


def looked_for() -> str:
    """The headers the reader knows, for a message about an unknown layout."""
    return "、".join(f"{c.label}{'（必需）' if c.required else ''}" for c in COLUMNS)


def load_targets(data: bytes, filename: str, year: int | None = None) -> FlatTargets:
    """Read a flat table; problems (nothing may be written) and warnings by row, never an exception."""
    result = FlatTargets("", "", 0)
    try:
        rows = read_rows(data, filename, "绩效指标")
        at, columns, ignored = _header(rows)
    except ImportFileError as error:
        result.problems.append(Problem(error.problem.location, error.problem.message))
        return result
    above = [(line, " ".join(str(c).strip() for c in cells if filled(c))) for line, cells in rows[:at]]
    table = Table(rows[at][0], columns, rows[at + 1 :], ignored, above)
    plan = plan_columns(rows[at][1])
    result.ignored_columns = [header for header in ignored if not is_plan_header(header)]
    _year(table, year, result)
    _amount_unit(table, rows[at][1], result)
    projects = _projects(table, result)
    for project in projects:
        _project(project, result, plan)
    if not result.projects and not result.problems:
        result.problems.append(Problem(FILE, "文件中没有项目（表头之下没有带项目名称和三级指标的行）"))
    if not result.department_code and result.units:
        first = result.units[0]
        if first.code:
            result.department_code, result.department_name = first.code, first.name
            result.warnings.append(Problem(FILE, f"文件中没有部门行（如“820-某某部门”），以单位“{first.name}”作为部门"))
        else:
            result.problems.append(
                Problem(FILE, "无法确定部门：文件中没有部门行（如“820-某某部门 | 金额”），单位名称前也没有编码")
            )
    return result


def _header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int], list[str]]:
    """The header row; an unknown layout says which headers perf looked for and which it found."""
    try:
        return find_header(rows, COLUMNS)
    except ImportFileError as error:
        candidates = [cells for _, cells in rows[:HEADER_SEARCH]]
        best = max(candidates, key=lambda cells: sum(1 for c in cells if filled(c)))
        found = "、".join(str(c).strip() for c in best if filled(c)) or "（无）"
        message = (
            f"无法识别表格格式：{error.problem.message}。perf 查找的表头有：{looked_for()}；文件中的表头为：{found}"
        )
        raise ImportFileError(message, error.problem.line) from None


def _year(table: Table, year: int | None, result: FlatTargets) -> None:
    titled = next((int(m.group(1)) for _, text in table.above for m in [_YEAR.search(text)] if m), None)
    if year is not None and titled is not None and year != titled:
        result.problems.append(Problem(FILE, f"标题为 {titled} 年度，与指定的 {year} 年度不一致"))
    result.year = year or titled or 0
    if not result.year:
        result.problems.append(Problem(FILE, "无法确定预算年度：请在表头上方的标题中写明年度，如“（2025年度）”"))
    elif not 2000 <= result.year <= 2999:
        result.problems.append(Problem(FILE, f"预算年度 {result.year} 不在 2000 到 2999 之间"))


def _amount_unit(table: Table, header: list, result: FlatTargets) -> None:
    """元 unless the file says 万元: a "金额单位：万元" line above the header, or 预算数（万元） in it."""
    stated = [m.group(1) for _, text in table.above for m in [_UNIT_LINE.search(_nfkc(text))] if m]
    index = table.columns.get("total")
    in_header = _HEADER_UNIT.search(_nfkc(str(header[index]))) if index is not None else None
    if in_header:
        stated.append(in_header.group(1))
    if len(set(stated)) > 1:
        result.problems.append(Problem(FILE, f"金额单位前后不一致：{'、'.join(dict.fromkeys(stated))}"))
    result.amount_unit = stated[0] if stated else "元"
    if not stated:
        result.warnings.append(Problem(FILE, "文件未注明金额单位，按“元”读取"))


def _projects(table: Table, result: FlatTargets) -> list[FlatProject]:
    """The file's projects with their rows; header cells carry down; department and total rows set aside."""
    projects: list[FlatProject] = []
    carried: dict = {}
    for line, record, cells in table.records(COLUMNS):
        try:
            row = ROW.load({key: value for key, value in record.items() if value is not None})
        except ValidationError as error:
            result.problems += [Problem(f"第{line}行", m) for m in _flat(error.messages)]
            continue
        if not any(row.get(key) for key in (*_INDICATOR_FIELDS, "name", "code")):
            _summary_row(line, row, cells, projects, result)
            continue
        starts = any(row.get(key) and row[key] != carried.get(key) for key in ("code", "name"))
        if starts or not projects:
            carried = {key: row.get(key) or (carried.get(key) if key == "unit" else None) for key in _PROJECT_FIELDS}
            projects.append(FlatProject(line, carried, raw=cells))
        else:
            for key in _PROJECT_FIELDS:  # a cell written again on a later row must say the same
                if row.get(key) and carried.get(key) and row[key] != carried[key]:
                    result.problems.append(Problem(f"第{line}行", _differs(key, row[key], carried[key])))
                elif row.get(key):
                    carried[key] = row[key]
        _indicator(line, row, projects[-1], result)
    return projects


def _summary_row(line: int, row: dict, cells: list, projects: list, result: FlatTargets) -> None:
    """A row without project or indicator: the department row (the first, before any project) or a subtotal."""
    text = row.get("unit") or next((str(c).strip() for c in cells if filled(c)), "")
    match = _CODED.match(text)
    if not projects and not result.department_code and match and "合计" not in text:
        result.department_code, result.department_name = match.group(1), match.group(2)


def _differs(key: str, written: str, before: str) -> str:
    label = ROW.fields[key].metadata["label"]
    return f"{label}“{written}”与本项目上方的“{before}”不同（同一项目的各行应相同，或留空）"


def _indicator(line: int, row: dict, project: FlatProject, result: FlatTargets) -> None:
    missing = [ROW.fields[key].metadata["label"] for key in _INDICATOR_FIELDS if not row.get(key)]
    if missing:
        result.problems.append(Problem(f"第{line}行", f"请填写{'、'.join(missing)}"))
        return
    value, message = _value_text(row)
    if message:
        result.problems.append(Problem(f"第{line}行", message))
        return
    warning = _direction_warning(row, value)
    if warning:
        result.warnings.append(Problem(f"第{line}行", warning))
    weight = None
    if row.get("weight"):
        try:
            weight = _WEIGHT.deserialize(row["weight"])
        except ValidationError as error:
            result.problems.append(Problem(f"第{line}行", f"权重：{_flat(error.messages)[0]}"))
            return
    project.indicators.append(
        IndicatorRow(
            row["level1"],
            row["level2"],
            row["indicator"],
            row.get("description") or "",
            value,
            row.get("basis") or "",
            f"第{line}行",
            unit_hint=None if (row.get("nature") or "").strip() == "定性" else (row.get("measure") or None),
        )
    )
    project.weights.append(weight)


def _value_text(row: dict) -> tuple[str, str | None]:
    """The 指标值 perf parses, from 指标性质 + 指标值 + 度量单位 (定性: the 指标值 as written)."""
    value = row["value"]
    nature_text = _nfkc(row.get("nature") or "").replace(" ", "")
    nature = NATURES.get(nature_text) if nature_text else None
    if nature_text and nature is None:
        return "", f"指标性质“{row['nature']}”应为 ≥、≤、=、>、< 或 定性"
    if nature == "定性":
        return value, None
    prefix = "" if nature is None or _nfkc(value).startswith(("≥", "≤", "=", ">", "<")) else nature
    measure = (row.get("measure") or "").strip()
    suffix = "" if not measure or value.endswith(measure) else measure  # "40%" already carries its unit
    return f"{prefix}{value}{suffix}", None


def _direction_warning(row: dict, value: str) -> str | None:
    """指标方向性 that contradicts the comparator: said, not guessed (the value is kept as written)."""
    stated = DIRECTIONS.get((row.get("direction") or "").strip())
    if stated is None:
        return None
    if (stated == "反向" and value.startswith(("≥", ">"))) or (stated == "正向" and value.startswith(("≤", "<"))):
        return f"“{row['indicator']}”的指标方向性为{row['direction']}，但指标值“{value}”的比较符方向相反，请核对"
    return None


def _project(project: FlatProject, result: FlatTargets, plan: list[PlanColumn]) -> None:
    """A project's rows as one ProjectTable (amounts to 万元), or its problems."""
    cells, where = project.cells, f"第{project.line}行"
    unit_text = cells.get("unit")
    if not unit_text:
        result.problems.append(Problem(where, "请填写单位名称"))
        return
    unit_code, unit = _coded(unit_text)
    known = next((u for u in result.units if u.name == unit), None)
    if known is None:
        result.units.append(UnitRow(unit, "", "", "", where, code=unit_code))
    elif unit_code and not known.code:
        known.code = unit_code
    name = cells.get("name")
    if not name:
        result.problems.append(Problem(where, "请填写项目名称"))
        return
    amounts = _budget(cells, name, where, result)
    if amounts is None:
        return
    total, fiscal, other = amounts
    code = cells.get("code") or local_code(unit, name)
    if code in {p.code for p in result.projects}:
        result.problems.append(Problem(where, f"项目 {code} 在文件中出现了两次（应在相邻的行中）"))
        return
    result.projects.append(
        ProjectTable(
            title=name,
            code=code,
            name=name,
            total=total,
            fiscal=fiscal,
            other=other,
            purpose=cells.get("purpose") or "",
            goal=cells.get("goal") or "",
            plan=read_plan(project.raw, plan, result.year, where, result.problems),
            indicators=project.indicators,
            location=where,
            unit=unit,
        )
    )
    result.weights[code] = project.weights
    given = [w for w in project.weights if w is not None]
    if given and sum(given) != WEIGHT_TOTAL:
        result.warnings.append(Problem(where, f"项目“{name}”的指标权重合计为 {sum(given)}，不是 {WEIGHT_TOTAL}"))


def _budget(cells: dict, name: str, where: str, result: FlatTargets) -> tuple[Decimal, Decimal, Decimal] | None:
    """(预算数, 财政资金, 其他资金) in 万元; without a split all of it is 财政资金; None after a problem."""
    total, fiscal, other = (_amount(cells.get(key), key, where, result) for key in ("total", "fiscal", "other"))
    if total is None:
        if not cells.get("total"):
            result.problems.append(Problem(where, f"项目“{name}”：请填写预算数"))
        return None
    if fiscal is None and other is None:
        return total, total, Decimal(0)
    if fiscal is None:
        return total, total - other, other
    return total, fiscal, total - fiscal if other is None else other


def _amount(text: str | None, key: str, where: str, result: FlatTargets) -> Decimal | None:
    """An amount cell in 万元 (the file's 元 divided exactly); None when blank or after a problem."""
    if not text:
        return None
    try:
        in_yuan = result.amount_unit == "元"
        number = (_YUAN if in_yuan else _WAN).deserialize(_nfkc(text).translate(FULL_WIDTH))
    except ValidationError as error:
        label = ROW.fields[key].metadata["label"]
        result.problems.append(Problem(where, f"{label}“{text}”：{_flat(error.messages)[0]}"))
        return None
    return yuan_to_wan(number) if in_yuan else number


def _coded(text: str) -> tuple[str, str]:
    """("820001", "井研县马踏镇人民政府") from "820001-井研县马踏镇人民政府"; ("", text) without a code."""
    match = _CODED.match(text)
    return (match.group(1), match.group(2)) if match else ("", text.strip())


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _flat(messages) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flat(value)]
    return [str(messages)]
