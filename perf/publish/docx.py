"""A publication as a Word document: the 部门项目预算安排情况及绩效目标 section of a 部门预算公开 (python-docx).

The layout is the published one (perf/documents/sample, from "七、部门项目预算安排情况及绩效目标"), and
every label is one perf's document import (perf/documents/disclosure.py) reads back:

    部门机构设置情况       单位名称 | 单位性质 | 单位规格 | 经费保障形式        (so units keep their labels)
    部门预算支出总表       功能分类科目 | 合计 | 基本支出 | 项目支出 / 合计 …     (only when totals are stored)
    1、{项目名称}绩效目标表
      306唐山市…局 | 预算年度：2024 | 单位：万元                              (no borders)
      项目编码 | code | 项目名称 | name
      主管部门 | department | 实施单位 | unit
      预算规模及资金用途 (merged down) | 预算数 | … | 其中：财政资金 | … | 其他资金 | …
                                        | 资金用途 (merged across)
      资金支出计划（%） (merged down)   | 3月底 | 6月底 | …
                                        | 15%   | 30%   | …
      绩效目标 | goal
      一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据   (a table of its own)
      产出指标 (merged down over its rows) | 数量指标 (merged down) | …

Every table cell has a single border; text is 仿宋 (set for East Asian text too, w:eastAsia), labels bold.
Amounts are written exactly as stored, never rounded.
"""

import io
from collections.abc import Sequence

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from perf.publish.model import Publication, PublishedIndicator, PublishedProject, exact, percent_text

FONT = "仿宋"
HEADING_FONT = "黑体"
BODY_SIZE = Pt(10.5)
HEADING_SIZE = Pt(14)
#: The header table is at least this many grid columns wide (the 预算数 row's seven cells).
HEADER_COLUMNS = 7
INDICATOR_HEAD = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
UNIT_HEAD = ("单位名称", "单位性质", "单位规格", "经费保障形式")
SUMMARY_HEAD = ("功能分类科目", "合计", "基本支出", "项目支出")
SECTION = "部门项目预算安排情况及绩效目标"
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def to_bytes(publication: Publication) -> bytes:
    """The .docx of ``publication``."""
    document = docx.Document()
    _styles(document)
    _page(document)
    _title(document, f"{publication.department_name}{publication.year}年{SECTION}")
    chapter = 0
    if publication.units:
        chapter += 1
        _heading(document, f"{_NUMERALS[chapter]}、部门机构设置情况")
        _units(document, publication)
    if publication.stated is not None:
        chapter += 1
        _heading(document, f"{_NUMERALS[chapter]}、部门预算支出总表")
        _summary(document, publication)
    chapter += 1
    _heading(document, f"{_NUMERALS[chapter]}、{SECTION}")
    for number, project in enumerate(publication.projects, 1):
        _heading(document, f"{number}、{project.name}绩效目标表", size=Pt(12))
        _project_header(document, publication, project)
        _indicators(document, project.indicators)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_NUMERALS = "〇一二三四五六七八九十"


# -- document setup ---------------------------------------------------------------------------


def _fonts(rpr, name: str) -> None:
    """Set the run properties' fonts for Latin and East Asian text alike."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    _fonts(normal.element.get_or_add_rPr(), FONT)
    normal.paragraph_format.space_after = Pt(0)


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2.2)


def _title(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(16)
    _fonts(run._r.get_or_add_rPr(), HEADING_FONT)


def _heading(document, text: str, size=HEADING_SIZE) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = size
    _fonts(run._r.get_or_add_rPr(), HEADING_FONT)


# -- cells ------------------------------------------------------------------------------------


def _table(document, rows: int, columns: int) -> Table:
    table = document.add_table(rows=rows, cols=columns)
    table.style = document.styles["Table Grid"]  # a single border round every cell
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    return table


def _put(cell: _Cell, text: str, *, bold=False, center=False) -> _Cell:
    """Write ``text`` into a (possibly merged) cell: one paragraph, line breaks kept."""
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return cell


def _span(table: Table, row: int, first: int, last: int, bottom: int | None = None) -> _Cell:
    """The cell covering grid columns ``first``..``last`` of ``row`` (down to ``bottom``), merged once."""
    cell = table.cell(row, first)
    end = table.cell(bottom if bottom is not None else row, last)
    return cell if end._tc is cell._tc else cell.merge(end)


def _label(table: Table, row: int, col: int, text: str, last: int | None = None, bottom: int | None = None):
    return _put(_span(table, row, col, col if last is None else last, bottom), text, bold=True, center=True)


#: What follows w:tcBorders in a cell's properties (CT_TcPr's sequence).
_AFTER_BORDERS = (
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


def _no_borders(row) -> None:
    """A row drawn without borders (the line above a published table: department, year, 单位)."""
    for tc in dict.fromkeys(cell._tc for cell in row.cells):  # a merged cell once
        properties = tc.get_or_add_tcPr()
        borders = OxmlElement("w:tcBorders")
        for side in ("top", "left", "bottom", "right"):
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)
        properties.insert_element_before(borders, *_AFTER_BORDERS)  # the schema's order, or Word complains


def _parts(width: int, count: int) -> list[tuple[int, int]]:
    """``count`` (first, last) column ranges sharing ``width`` columns from column 1, as evenly as can be."""
    base, extra = divmod(width, count)
    ranges, start = [], 1
    for index in range(count):
        size = base + (1 if index < extra else 0)
        ranges.append((start, start + size - 1))
        start += size
    return ranges


# -- the tables -------------------------------------------------------------------------------


def _units(document, publication: Publication) -> None:
    table = _table(document, 1 + len(publication.units), len(UNIT_HEAD))
    for col, text in enumerate(UNIT_HEAD):
        _put(table.cell(0, col), text, bold=True, center=True)
    for row, unit in enumerate(publication.units, 1):
        for col, text in enumerate((unit.name, unit.nature, unit.rank, unit.funding)):
            _put(table.cell(row, col), text, center=col > 0)


def _department_line(table: Table, publication: Publication, last: int) -> None:
    """Row 0: "306唐山市…局 | 预算年度：2024 | 单位：万元", no borders (the importers read the first two)."""
    _put(_span(table, 0, 0, last - 2), f"{publication.department_code}{publication.department_name}")
    _put(table.cell(0, last - 1), f"预算年度：{publication.year}", center=True)
    _put(table.cell(0, last), "单位：万元", center=True)
    _no_borders(table.rows[0])


def _summary(document, publication: Publication) -> None:
    """The 合计 line of the 支出总表 as stored, so a re-import keeps the department's stated totals.

    In the published layout: 功能分类科目 over 科目编码 | 科目名称, each amount column merged down its two
    header rows, as the budget-table reader and the stated-totals reader both expect.
    """
    width = len(SUMMARY_HEAD) + 1
    table = _table(document, 4, width)
    _department_line(table, publication, width - 1)
    _label(table, 1, 0, SUMMARY_HEAD[0], last=1)
    _put(table.cell(2, 0), "科目编码", bold=True, center=True)
    _put(table.cell(2, 1), "科目名称", bold=True, center=True)
    for col, text in enumerate(SUMMARY_HEAD[1:], 2):
        _label(table, 1, col, text, bottom=2)
    _put(table.cell(3, 1), "合计", bold=True, center=True)
    for col, amount in enumerate(publication.stated or (), 2):
        _put(table.cell(3, col), "" if amount is None else exact(amount), center=True)


def _project_header(document, publication: Publication, project: PublishedProject) -> None:
    checkpoints = publication.checkpoints
    width = max(HEADER_COLUMNS, len(checkpoints) + 1)
    last = width - 1
    table = _table(document, 8, width)
    _department_line(table, publication, last)
    _label(table, 1, 0, "项目编码")
    _put(_span(table, 1, 1, 2), project.code)
    _label(table, 1, 3, "项目名称")
    _put(_span(table, 1, 4, last), project.name)
    _label(table, 2, 0, "主管部门")
    _put(_span(table, 2, 1, 2), publication.department_name)
    _label(table, 2, 3, "实施单位")
    _put(_span(table, 2, 4, last), project.unit.name)
    _label(table, 3, 0, "预算规模及资金用途", bottom=4)
    amounts = (
        ("预算数", exact(project.total)),
        ("其中：财政资金", exact(project.fiscal)),
        ("其他资金", exact(project.other) if project.other else ""),
    )
    for index, (text, amount) in enumerate(amounts):
        _label(table, 3, 1 + 2 * index, text)
        _put(_span(table, 3, 2 + 2 * index, last if index == 2 else 2 + 2 * index), amount, center=True)
    _put(_span(table, 4, 1, last), project.purpose)
    _label(table, 5, 0, "资金支出计划（%）", bottom=6)
    ranges = _parts(width - 1, len(checkpoints)) if checkpoints else [(1, last)]
    for index, (first, end) in enumerate(ranges):
        _label(table, 5, first, checkpoints[index] if checkpoints else "", last=end)
        pct = project.plan[index] if index < len(project.plan) else None
        _put(_span(table, 6, first, end), "" if pct is None else percent_text(pct), center=True)
    _label(table, 7, 0, "绩效目标")
    _put(_span(table, 7, 1, last), project.goal)


def spans(indicators: Sequence[PublishedIndicator]) -> list[tuple[int, int]]:
    """(一级 rows, 二级 rows) merged from each row (0: covered by the row above), as on the project page."""
    result = []
    for i, ind in enumerate(indicators):
        prev = indicators[i - 1] if i else None
        level1 = _run(indicators, i, lambda x: x.level1) if prev is None or prev.level1 != ind.level1 else 0
        same2 = prev is not None and (prev.level1, prev.level2) == (ind.level1, ind.level2)
        level2 = 0 if same2 else _run(indicators, i, lambda x: (x.level1, x.level2))
        result.append((level1, level2))
    return result


def _run(items, start, key) -> int:
    value, n = key(items[start]), 0
    while start + n < len(items) and key(items[start + n]) == value:
        n += 1
    return n


def _indicators(document, indicators: Sequence[PublishedIndicator]) -> None:
    table = _table(document, 1 + len(indicators), len(INDICATOR_HEAD))
    for col, text in enumerate(INDICATOR_HEAD):
        _put(table.cell(0, col), text, bold=True, center=True)
    for index, (ind, (level1, level2)) in enumerate(zip(indicators, spans(indicators), strict=True)):
        row = index + 1
        if level1:
            _label(table, row, 0, ind.level1, bottom=row + level1 - 1)
        if level2:
            _put(_span(table, row, 1, 1, row + level2 - 1), ind.level2, center=True)
        _put(table.cell(row, 2), ind.name)
        _put(table.cell(row, 3), ind.description)
        _put(table.cell(row, 4), ind.value, center=True)
        _put(table.cell(row, 5), ind.basis)
