"""Build a small 部门预算公开 document as .docx bytes (python-docx) and as its text export.

The layout mirrors the seed document: a department header table, the 部门预算支出总表
(its 功能分类科目 header merged over two columns), the 机构设置 table, and for each
project a header table (预算规模及资金用途 merged down over the purpose row, the purpose
merged across, 资金支出计划 merged down over the percent row) and an indicator table whose
一级/二级 cells are merged down. Every value is a parameter so tests can inject faults.

Layouts other offices use are options: header lines as paragraphs above the tables
(``Spec.header``), a project's 单位 line as a paragraph (``Project.unit_as``), amounts in 元
(``Project.unit``), and a table continued after a page break (``Project.split``: the second
part repeats the header row, as Word documents hold it).

A table is a grid of strings; ``LEFT`` marks a grid cell merged into its left neighbour,
``UP`` one merged into the cell above. ``to_docx`` merges with ``_Cell.merge``;
``to_text`` writes what Word's plain-text export shows (a merged cell once, a vertical
continuation as an empty cell).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import docx

LEFT = "\x00left"
UP = "\x00up"
#: An element between two tables: a page break (docx: a paragraph holding one; text: a form feed line).
PAGE_BREAK = "\x00page"

INDICATORS = [
    ("产出指标", "数量指标", "提供材料比例", "材料减少的比例", "≥40%", "工作台账"),
    ("产出指标", "质量指标", "办理结果电子化率", "电子结果占比", "≥90%", "工作台账"),
    ("产出指标", "成本指标", "项目预算控制数", "项目预算控制数", "≤28万元", "服务合同"),
    ("效益指标", "社会效益指标", "网上审批率", "网上审批比率", "≥98%", "工作台账"),
    ("效益指标", "可持续影响指标", "长期使用性", "长期促进", "长期使用", "合作协议"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "满意度", "≥98%", "调查问卷"),
]


@dataclass
class Project:
    title: str = "网络维护费"
    code: str = "13020724P00X4BL10005W"
    name: str | None = None  # defaults to the title
    total: str = "28.00"
    fiscal: str = "28.00"
    other: str = ""
    purpose: str = "2024年共需支付28万元，主要用于平台分摊和设备维护。"
    goal: str = "1.整合政务资源，优化服务流程。"
    checkpoints: tuple[str, ...] = ("3月底", "6月底", "10月底", "12月底")
    percents: tuple[str, ...] = ("15%", "30%", "85%", "100%")
    indicators: list[tuple[str, ...]] = field(default_factory=lambda: list(INDICATORS))
    #: The header table's 单位: "万元" or "元" (the amounts above are then written in 元).
    unit: str = "万元"
    #: "cell": the 单位 line is the header table's first row; "paragraph": a line under the heading.
    unit_as: str = "cell"
    #: ("header" | "indicators", grid row index): that table continues after a page break before
    #: the row, the continuation repeating the table's first row; None: no split.
    split: tuple[str, int] | None = None
    #: A line between the two parts of a split table ("续表"), or "" for none.
    split_mark: str = ""


@dataclass
class Spec:
    code: str = "306"
    department: str = "唐山市丰南区行政审批局"
    year: str = "2024"
    #: 合计/基本支出/项目支出 of the 支出总表; None leaves the table out
    stated: tuple[str, str, str] | None = ("1169.46", "1141.46", "28.00")
    units: list[tuple[str, str, str, str]] = field(
        default_factory=lambda: [
            ("唐山市丰南区行政审批局本级", "行政", "正科级", "财政拨款"),
            ("唐山市丰南区公交资源交易中心", "事业", "副科级", "其他"),
        ]
    )
    projects: list[Project] = field(default_factory=lambda: [Project()])
    #: "cells": the department header is a one-row table (the sample); "paragraphs": lines above the tables.
    header: str = "cells"
    #: The unit the department header states for the 支出总表 ("单位：万元" or "单位：元").
    summary_unit: str = "万元"


def header_lines(spec: Spec) -> list[str]:
    """The department header as paragraphs, as offices type them above the first table."""
    return [
        f"部门名称：{spec.department}",
        f"部门编码：{spec.code}",
        f"预算年度：{spec.year}\u3000\u3000单位：{spec.summary_unit}",
    ]


Grid = list[list[str]]
Element = str | Grid  # a paragraph's text, or a table


def department_table(spec: Spec) -> Grid:
    return [[f"{spec.code}{spec.department}", f"预算年度：{spec.year}", f"单位：{spec.summary_unit}"]]


def summary_table(spec: Spec) -> Grid:
    labels = ["合计", "基本支出", "项目支出", "经营支出", "上解上级支出", "对附属单位补助支出"]
    total, basic, project = spec.stated or ("", "", "")
    return [
        ["序号", "功能分类科目", LEFT, *labels],
        [UP, "科目    编码", "科目名称", *[UP] * len(labels)],
        ["栏次", *[str(n) for n in range(1, 9)]],
        ["1", "", "合计", total, basic, project, "", "", ""],
        ["2", "201", "一般公共服务支出", total, basic, project, "", "", ""],
    ]


def units_table(spec: Spec) -> Grid:
    return [["单位名称", "单位性质", "单位规格", "经费保障形式"], *map(list, spec.units)]


def project_header_table(project: Project) -> Grid:
    width = 7
    name = project.title if project.name is None else project.name
    checkpoints = list(project.checkpoints)
    pad = [LEFT] * (width - 1 - len(checkpoints))
    unit = [["单位：万元" if project.unit == "万元" else "金额单位：元", *[LEFT] * (width - 1)]]
    return [
        *(unit if project.unit_as == "cell" else []),
        ["项目编码", project.code, LEFT, "项目名称", name, LEFT, LEFT],
        [
            "预算规模及资金用途",
            "预算数",
            project.total,
            "其中：财政    资金",
            project.fiscal,
            "其他资金",
            project.other,
        ],
        [UP, project.purpose, *[LEFT] * (width - 2)],
        ["资金支出计划（%）", *checkpoints, *pad],
        [UP, *project.percents, *pad],
        ["绩效目标", project.goal, *[LEFT] * (width - 2)],
    ]


def indicator_table(project: Project) -> Grid:
    grid = [["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]]
    previous: tuple[str, ...] = ()
    for row in project.indicators:
        cells = list(row)
        same1 = bool(previous) and row[0] == previous[0] and row[0] != ""
        if same1:
            cells[0] = UP
            if row[1] == previous[1] and row[1] != "":
                cells[1] = UP
        grid.append(cells)
        previous = row
    return grid


def elements(spec: Spec) -> list[Element]:
    """The document in order: paragraphs (str) and tables (grids)."""
    result: list[Element] = ["部门预算支出总表"]
    result += [department_table(spec)] if spec.header == "cells" else header_lines(spec)
    if spec.stated is not None:
        result.append(summary_table(spec))
    result += ["一、部门职责及机构设置情况", "机构设置：", units_table(spec)]
    result.append("七、部门项目预算安排情况及绩效目标")
    for number, project in enumerate(spec.projects, start=1):
        result.append(f"{number}、{project.title}绩效目标表")
        if project.unit_as == "paragraph":
            result.append("单位：万元" if project.unit == "万元" else "金额单位：元")
        for part, grid in (("header", project_header_table(project)), ("indicators", indicator_table(project))):
            result += _split(grid, project) if project.split and project.split[0] == part else [grid]
    result.append("八、政府采购预算情况")
    return result


def _split(grid: Grid, project: Project) -> list[Element]:
    """The grid as two tables across a page break, the second repeating the first row.

    A cell merged down across the break starts afresh, empty, in the second table.
    """
    assert project.split is not None
    at = project.split[1]
    rest = [["" if cell == UP else cell for cell in grid[at]], *grid[at + 1 :]]
    mark = [project.split_mark] if project.split_mark else []
    return [grid[:at], PAGE_BREAK, *mark, [grid[0], *rest]]


# -- rendering --------------------------------------------------------------------------------


def _extent(grid: Grid, r: int, c: int) -> tuple[int, int]:
    """The last row and column covered by the merged cell whose origin is (r, c)."""
    right = c
    while right + 1 < len(grid[r]) and grid[r][right + 1] == LEFT:
        right += 1
    bottom = r
    while bottom + 1 < len(grid) and grid[bottom + 1][c] == UP:
        bottom += 1
    return bottom, right


def _add_table(document: docx.document.Document, grid: Grid) -> None:
    table = document.add_table(rows=len(grid), cols=max(len(row) for row in grid))
    origins = [(r, c) for r, row in enumerate(grid) for c, text in enumerate(row) if text not in (LEFT, UP)]
    for r, c in origins:
        if grid[r][c]:
            table.cell(r, c).text = grid[r][c]
    for r, c in origins:
        bottom, right = _extent(grid, r, c)
        if (bottom, right) != (r, c):
            table.cell(r, c).merge(table.cell(bottom, right))


def to_docx(spec: Spec) -> bytes:
    document = docx.Document()
    previous_was_table = False
    for element in elements(spec):
        if element == PAGE_BREAK:
            document.add_page_break()
        elif isinstance(element, str):
            document.add_paragraph(element)
        else:
            if previous_was_table:
                document.add_paragraph("")  # Word keeps adjacent tables apart with a paragraph
            _add_table(document, element)
        previous_was_table = not isinstance(element, str)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_text(spec: Spec) -> str:
    """The plain-text export: TAB-led cell lines, one blank line between rows."""
    return render_text(spec)[0]


def render_text(spec: Spec) -> tuple[str, dict[tuple[int, int], int]]:
    """The text export, and the line of each row's first cell keyed by (table, row), 1-based."""
    lines: list[str] = []
    rows: dict[tuple[int, int], int] = {}
    previous_was_table = False
    tables = 0
    for element in elements(spec):
        if element == PAGE_BREAK:
            lines.append("\f")  # Word's text export writes a page break as a form feed
            previous_was_table = False
            continue
        if isinstance(element, str):
            lines.append(element)
            previous_was_table = False
            continue
        if previous_was_table:
            lines += ["", ""]  # the empty paragraph between two tables
        tables += 1
        for i, row in enumerate(element):
            if i:
                lines.append("")
            rows[tables, i + 1] = len(lines) + 1
            lines += ["\t" + ("" if cell == UP else cell) for cell in row if cell != LEFT]
        previous_was_table = True
    return "\n".join(lines) + "\n", rows


def where(spec: Spec, kind: str, table: int, row: int) -> str:
    """The location the reader gives row ``row`` of document table ``table`` (both 1-based)."""
    if kind == "docx":
        return f"第{table}个表格第{row}行"
    return f"第{render_text(spec)[1][table, row]}行"


def project_table(spec: Spec, number: int, part: str, piece: int = 1) -> int:
    """Ordinal of project ``number``'s "header" or "indicators" table in the document.

    ``piece`` 2 is the continuation of a table split across a page break.
    """
    ordinal = (1 if spec.header == "cells" else 0) + (1 if spec.stated is not None else 0) + 1
    for n, project in enumerate(spec.projects, start=1):
        for name in ("header", "indicators"):
            pieces = 2 if project.split and project.split[0] == name else 1
            if (n, name) == (number, part):
                return ordinal + min(piece, pieces)
            ordinal += pieces
    raise AssertionError(f"no {part} table for project {number}")


def render(spec: Spec, kind: str) -> tuple[bytes, str]:
    """(data, filename) of the document in ``kind`` "docx" or "txt"."""
    if kind == "docx":
        return to_docx(spec), "部门预算.docx"
    return to_text(spec).encode("utf-8"), "部门预算.txt"


def line_of(text: str, needle: str, start: int = 1) -> int:
    """1-based number of the first line at or after ``start`` that equals ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if number >= start and line == needle:
            return number
    raise AssertionError(f"{needle!r} not found")
