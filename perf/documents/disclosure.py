"""Parse a 部门预算公开 document into a pure data structure (no database, no Flask).

``problems`` are errors (the importer writes nothing if there is any); ``warnings`` are
reported, not fatal. Each Chinese message names the table and the row or line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from perf.documents import _headers as h
from perf.documents import _tables as t
from perf.documents._tables import IndicatorRow, Problem, UnitRow
from perf.documents.budget_checks import CheckRun, check_budget_tables
from perf.documents.budget_tables import EXPENDITURE, BudgetTable, read_budget_tables
from perf.documents.reader import Block, DocumentError, Paragraph, Row, read_document
from perf.numbers import wan_text
from perf.projects.plan import plan_problems
from perf.projects.taxonomy import scheme_of_table

FILE = "文件"
_PROJECT_HEADING = re.compile(r"(\d+)\s*[、.．]\s*(.+?)\s*绩效目标表")
_CHAPTER = re.compile(r"[一二三四五六七八九十]+、")
_SHORT = 12  # a label cell is short; long cells are free text
_NO_INDICATORS = "未找到绩效指标表（表头为一级指标/二级指标/三级指标/绩效指标描述/指标值/指标值确定依据）"
Plan = tuple[date, str, Decimal]  # (checkpoint date, label such as "3月底", cumulative percent)


@dataclass
class ProjectTable:
    title: str
    code: str
    name: str
    total: Decimal
    fiscal: Decimal
    other: Decimal
    purpose: str
    goal: str
    plan: list[Plan]
    indicators: list[IndicatorRow]
    location: str
    #: The unit the project belongs to (a flat file names one per project); empty: the department's own.
    unit: str = ""


@dataclass
class Disclosure:
    department_code: str
    department_name: str
    year: int
    units: list[UnitRow] = field(default_factory=list)
    projects: list[ProjectTable] = field(default_factory=list)
    stated_total: Decimal | None = None
    stated_basic: Decimal | None = None
    stated_project: Decimal | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: The 部门预算 tables the document holds (收支总表 … 三公经费) and the checks run on them.
    budget_tables: list[BudgetTable] = field(default_factory=list)
    budget_checks: list[CheckRun] = field(default_factory=list)

    @property
    def scheme(self) -> str | None:
        """The indicator scheme the tables follow ("2021": 成本指标 a 一级), None when no row shows it."""
        return scheme_of_table((i.level1, i.level2) for p in self.projects for i in p.indicators)


def load_disclosure(data: bytes, filename: str) -> Disclosure:
    """Read and parse a file; a file that cannot be read yields only problems."""
    try:
        blocks = read_document(data, filename)
    except DocumentError as error:
        problems = [Problem(where, message) for where, message in error.problems]
        return Disclosure("", "", 0, problems=problems)
    return parse_disclosure(blocks)


def parse_disclosure(blocks: Sequence[Block]) -> Disclosure:
    result = Disclosure("", "", 0)
    _read_header(blocks, result)
    tables = t.split_tables(blocks)
    units = t.unit_rows(tables)
    if units is None:
        message = "未找到部门机构设置表（表头为单位名称/单位性质/单位规格/经费保障形式）"
        result.warnings.append(Problem(FILE, message))
    result.units = units or []
    _read_projects(blocks, result)
    result.budget_tables = read_budget_tables(blocks)
    expenditure = next((b for b in result.budget_tables if b.kind == EXPENDITURE), None)
    stated = t.stated_in_wan(t.expenditure_summary(tables), expenditure.unit if expenditure else "万元")
    if stated is not None:
        result.stated_total, result.stated_basic = stated.total, stated.basic
        result.stated_project = stated.project
    projects = sum((p.total for p in result.projects), Decimal(0)) if result.projects else None
    result.warnings.extend(t.total_warnings(stated, projects))
    result.budget_checks = check_budget_tables(result.budget_tables, projects, stated)
    result.warnings.extend(w for table in result.budget_tables for w in table.warnings)
    result.warnings.extend(w for run in result.budget_checks for w in run.warnings)
    return result


def _read_header(blocks: Sequence[Block], result: Disclosure) -> None:
    headers = h.department_headers(blocks)
    first = next((header for header in headers if header.code), None)
    if first is None:
        message = "未找到部门表头（部门编码和名称，如“306唐山市丰南区行政审批局”）"
        result.problems.append(Problem(FILE, message))
    else:
        result.department_code, result.department_name = first.code, first.name
    dated = [header for header in headers if header.year]
    if not dated:
        result.problems.append(Problem(FILE, "未找到预算年度（如“预算年度：2024”）"))
        return
    result.year = dated[0].year
    for header in dated:
        if header.year != result.year:
            message = f"表头的预算年度 {header.year} 与第一张表的 {result.year} 不一致"
            result.problems.append(Problem(header.where, message))


# -- project tables ---------------------------------------------------------------------------


@dataclass
class _Section:
    """A project heading ("1、…绩效目标表"), its table rows up to the next heading, and its 单位 lines."""

    heading: Paragraph
    match: re.Match[str]
    rows: list[Row] = field(default_factory=list)
    #: (元 or 万元, where) of a "单位：元" line just above or below the heading, before the first table.
    units: list[tuple[str, str]] = field(default_factory=list)
    #: The same of a 单位 line under the chapter heading: it holds for every project that states none.
    chapter: list[tuple[str, str]] = field(default_factory=list)


def _sections(blocks: Sequence[Block]) -> list[_Section]:
    """Each project heading with the table rows up to the next heading (a new chapter ends the last)."""
    sections: list[_Section] = []
    section: _Section | None = None
    chapter: list[tuple[str, str]] = []
    pending: list[tuple[str, str]] = []  # a 单位 line after a project's tables: the next project's
    for block in blocks:
        if isinstance(block, Paragraph):
            text = t.heading_text(block.text)
            match = _PROJECT_HEADING.fullmatch(text)
            unit = h.money_unit(block)
            if match:
                section = _Section(block, match, units=pending, chapter=chapter)
                sections.append(section)
                pending = []
            elif _CHAPTER.match(text) or "[bookmark:" in block.text:
                section, chapter, pending = None, [], []  # the next chapter ("八、…") ends the last project
            elif unit and section is None:
                chapter = [(unit, block.where)]
            elif unit and not section.rows:
                section.units.append((unit, block.where))
            elif unit:
                pending = [(unit, block.where)]
        elif isinstance(block, Row) and section is not None:
            section.rows.append(block)
    return sections


class _ProjectReader:
    """Reads one project: its header table, then its indicator table."""

    def __init__(self, section: _Section, year: int):
        heading, match, rows = section.heading, section.match, section.rows
        self.title = match[2]
        self.table = f"绩效目标表{match[1]}《{self.title}》"
        self.heading = heading
        self.year = year
        self.problems: list[Problem] = []
        split = next((i for i, row in enumerate(rows) if t.indicator_columns(row)), None)
        self.head = rows if split is None else rows[:split]
        self.body = [] if split is None else rows[split:]
        self.code_where = f"{self.table}，{heading.where}"
        self.plan_where = heading.where
        self.plan_labels: tuple[str, ...] = ()
        self.unit = self.money_unit(section)

    def money_unit(self, section: _Section) -> str:
        """元 or 万元: a 单位 cell of the header table or a 单位 line by the heading, else the chapter's;
        万元 when none says (the layout of the sample). Two different units are a problem."""
        cells = [(unit, row.where) for row in self.head if (unit := h.money_unit(row))]
        stated = [*section.units, *cells] or section.chapter
        units = list(dict.fromkeys(unit for unit, _ in stated))
        if len(units) > 1:
            where = "、".join(dict.fromkeys(where for _, where in stated))
            self.problem(stated[0][1], f"金额单位前后不一致：{'、'.join(units)}（{where}）")
        return stated[0][0] if stated else "万元"

    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(f"{self.table}，{where}", message))

    def value(self, match: Callable[[str], bool]) -> tuple[str, Row] | None:
        """The text of the cell right after the first label cell satisfying ``match``."""
        found = self.labelled(match)
        return None if found is None else found[:2]

    def labelled(self, match: Callable[[str], bool]) -> tuple[str, Row, str | None] | None:
        """(value text, row, unit the label names: "预算数（元）") of the first label cell satisfying ``match``."""
        found = t.find_cell(self.head, lambda text: len(text) <= _SHORT and match(h.unit_in_label(text)[0]))
        if found is None:
            return None
        row = self.head[found[0]]
        following = row.cells[found[1] + 1 :]
        unit = h.unit_in_label(t.label(row.cells[found[1]]))[1]
        return (following[0].strip() if following else ""), row, unit

    def read(self) -> ProjectTable:
        code = self.value(lambda text: text == "项目编码")
        if code is None:
            self.problem(self.heading.where, "未找到项目编码")
        elif not code[0]:
            self.problem(code[1].where, "项目编码为空")
        if code is not None:
            self.code_where = f"{self.table}，{code[1].where}"
        name = self.value(lambda text: text == "项目名称")
        total, fiscal, other = self.budget()
        goal = self.value(lambda text: text.endswith("绩效目标"))
        unit = self.value(lambda text: text == "实施单位")  # the national template's (and perf's export) row
        return ProjectTable(
            title=self.title,
            code=code[0] if code else "",
            name=(name[0] if name else "") or self.title,
            total=total,
            fiscal=fiscal,
            other=other,
            purpose=self.purpose(),
            goal=goal[0] if goal else "",
            plan=self.plan(),
            indicators=self.indicators(),
            location=f"{self.table}，{self.heading.where}",
            unit=unit[0] if unit else "",
        )

    def budget(self) -> tuple[Decimal, Decimal, Decimal]:
        # 预算数 as the seed publishes it; 年度资金总额 as the national template (and perf's download) label it
        total, where = self.amount("预算数", lambda text: text.endswith(("预算数", "年度资金总额")))
        fiscal, _ = self.amount("财政资金", lambda text: text.endswith(("财政资金", "财政拨款")))
        other, _ = self.amount("其他资金", lambda text: text.endswith("其他资金"), Decimal(0))
        if total is not None and fiscal is not None and other is not None:
            parts = fiscal + other
            message = f"财政资金 {wan_text(fiscal)} 万元 + 其他资金 {wan_text(other)} 万元 = {wan_text(parts)} 万元"
            if parts != total:
                self.problem(where, f"{message}，与预算数 {wan_text(total)} 万元不一致")
        return total or Decimal(0), fiscal or Decimal(0), other or Decimal(0)

    def amount(
        self, name: str, match: Callable[[str], bool], blank: Decimal | None = None
    ) -> tuple[Decimal | None, str]:
        """An amount cell; ``blank`` is the value of a blank or absent optional cell."""
        found = self.labelled(match)
        if found is None:
            if blank is None:
                self.problem(self.heading.where, f"未找到{name}")
            return blank, self.heading.where
        text, row, unit = found
        if not text and blank is not None:
            return blank, row.where
        value, error = h.amount_in(text, name, unit or self.unit)
        if error:
            self.problem(row.where, error)
        return value, row.where

    def purpose(self) -> str:
        """The cell after a 资金用途 label, else the free text in the row after the 预算数 row
        (the seed's merged 资金用途 cell under 预算规模及资金用途)."""
        labelled = self.value(lambda text: text == "资金用途")
        if labelled is not None:
            return labelled[0]
        found = t.find_cell(self.head, lambda text: text.endswith("预算数"))
        rows = self.head[found[0] + 1 : found[0] + 2] if found else []
        cells = [cell.strip() for row in rows for cell in row.cells if cell.strip()]
        if any(t.label(cell).startswith(("资金支出计划", "绩效目标")) for cell in cells):
            return ""  # no purpose row
        return "\n".join(cell for cell in cells if not t.label(cell).endswith("资金用途"))

    def plan(self) -> list[Plan]:
        found = t.find_cell(self.head, lambda text: text.startswith("资金支出计划"))
        if found is None:
            self.problem(self.heading.where, "未找到资金支出计划（%）")
            return []
        i, k = found
        row = self.head[i]
        self.plan_where = row.where
        indices = [j for j in range(k + 1, len(row.cells)) if row.cells[j].strip()]
        self.plan_labels = tuple(row.cells[j].strip() for j in indices)
        if not indices:
            self.problem(row.where, "资金支出计划没有时间节点（如“3月底”）")
            return []
        values = self.head[i + 1] if i + 1 < len(self.head) else None
        if values is None or len(values.cells) < len(indices):
            self.problem(row.where, "资金支出计划缺少各时间节点的累计支出百分比")
            return []
        shift = len(values.cells) - len(row.cells)
        texts = [values.cells[j + shift] if j + shift >= 0 else "" for j in indices]
        return self.checkpoints(row, values, texts)

    def checkpoints(self, row: Row, values: Row, texts: list[str]) -> list[Plan]:
        months = [t.month_of(checkpoint) for checkpoint in self.plan_labels]
        percents = [t.percent(text) for text in texts]
        for checkpoint, month in zip(self.plan_labels, months, strict=True):
            if month is None:
                message = f"资金支出计划的时间节点“{checkpoint}”无法识别，应为“3月底”这样的月份"
                self.problem(row.where, message)
        for checkpoint, text, value in zip(self.plan_labels, texts, percents, strict=True):
            if value is None:
                shown = f"的值“{text.strip()}”不是数字" if text.strip() else "的累计支出百分比为空"
                self.problem(values.where, f"资金支出计划中{checkpoint}{shown}")
        known_months = [month for month in months if month is not None]
        entries = [(c, p) for c, p in zip(self.plan_labels, percents, strict=True) if p is not None]
        if len(known_months) < len(months) or len(entries) < len(percents):
            return []
        if any(a >= b for a, b in pairwise(known_months)):
            self.problem(row.where, "资金支出计划的时间节点应按月份先后排列")
        for message in plan_problems(entries):
            self.problem(values.where, message)
        if not self.year:
            return []
        return [(t.month_end(self.year, m), c, p) for m, (c, p) in zip(known_months, entries, strict=True)]

    def indicators(self) -> list[IndicatorRow]:
        if not self.body:
            self.problem(self.heading.where, _NO_INDICATORS)
            return []
        cols = t.indicator_columns(self.body[0]) or {}
        reader = t.IndicatorReader(self.table, cols)
        for row in self.body[1:]:
            reader.read(row)
        self.problems.extend(reader.problems)
        if not reader.rows and not reader.problems:
            self.problem(self.body[0].where, "绩效指标表没有指标行")
        return reader.rows


def _read_projects(blocks: Sequence[Block], result: Disclosure) -> None:
    sections = _sections(blocks)
    if not sections:
        result.problems.append(Problem(FILE, "未找到项目绩效目标表（如“1、…绩效目标表”）"))
    codes: dict[str, str] = {}
    first: _ProjectReader | None = None  # the first project with a plan sets the checkpoints
    for section in sections:
        reader = _ProjectReader(section, result.year)
        result.projects.append(reader.read())
        result.problems.extend(reader.problems)
        code = result.projects[-1].code
        if code in codes:
            message = f"项目编码 {code} 与{codes[code]}重复"
            result.problems.append(Problem(reader.code_where, message))
        elif code:
            codes[code] = reader.table
        first = first or (reader if reader.plan_labels else None)
        result.problems.extend(_checkpoint_problems(reader, first))


def _checkpoint_problems(reader: _ProjectReader, first: _ProjectReader | None) -> list[Problem]:
    """Every project must plan at the checkpoints of the first project that has a plan."""
    if first is None or not reader.plan_labels:
        return []
    if [t.label(text) for text in reader.plan_labels] == [t.label(x) for x in first.plan_labels]:
        return []
    mine, theirs = "、".join(reader.plan_labels), "、".join(first.plan_labels)
    message = f"资金支出计划的时间节点为 {mine}，与{first.table}的 {theirs} 不一致"
    return [Problem(f"{reader.table}，{reader.plan_where}", message)]
