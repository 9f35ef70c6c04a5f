"""The 绩效目标表's Excel download: the published layout, numbers as numbers, A4 landscape, and
perf's own document reader reads it back to the same table."""

from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from perf.documents.disclosure import parse_disclosure
from perf.documents.reader import Paragraph, Row, TableBreak
from perf.numbers import fmt2, plain
from perf.projects.models import Project
from perf.projects.services import create_project
from tests.factories import target_table

SAMPLE = "13020724P00X4BL10005W"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Two 数量指标 rows (one merged 二级 cell over both), as the published tables have.
ROWS = [
    ("产出指标", "数量指标", "培训人数", "≥200人"),
    ("产出指标", "数量指标", "培训场次", "≥4场"),
    ("产出指标", "质量指标", "培训合格率", "≥95%"),
    ("产出指标", "时效指标", "按期完成率", "100%"),
    ("产出指标", "成本指标", "培训成本", "≤1234.5万元"),
    ("效益指标", "社会效益指标", "业务能力提升", "有效提升"),
    ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
]


@pytest.fixture
def project(session, users):
    """A table of the owner's unit with 其他资金, a plan with a fraction of a percent and a merged 二级."""
    sample = session.scalar(sa.select(Project).where(Project.code == SAMPLE))
    table = target_table(
        "XLSX1", "业务培训经费", total="1234.50", fiscal="1000", other="234.50", plan=(12.5, 50, 80, 100), rows=ROWS
    )
    table.update(purpose="培训两期\n教材印制", goal="提升业务能力")
    created = create_project(sample.budget_year, users["owner"].units[0], table, actor="test")
    session.commit()
    return created


def download(client, project) -> bytes:
    response = client.get(f"/projects/{project.id}/target-table.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and ".xlsx" in disposition
    return response.data


def sheet_of(data: bytes):
    return load_workbook(BytesIO(data)).active


def test_the_download_is_laid_out_like_the_published_table(client, users, login, project):
    login(users["owner"])
    sheet = sheet_of(download(client, project))
    assert sheet.title == "XLSX1"
    assert sheet["A1"].value == "业务培训经费绩效目标表"
    assert (sheet["A2"].value, sheet["D2"].value) == ("预算年度：2024", "单位：万元")
    assert [sheet[c].value for c in ("A3", "B3", "D3", "E3")] == ["项目编码", "XLSX1", "项目名称", "业务培训经费"]
    assert [sheet[c].value for c in ("A4", "B4", "D4", "E4")] == [
        "主管部门",
        "唐山市丰南区行政审批局",
        "实施单位",
        "唐山市丰南区行政审批局本级",
    ]
    assert sheet["A5"].value == "项目资金（万元）"
    assert [(sheet[f"B{r}"].value, Decimal(str(sheet[f"D{r}"].value))) for r in (5, 6, 7)] == [
        ("年度资金总额", Decimal("1234.50")),
        ("其中：财政拨款", Decimal("1000")),
        ("其他资金", Decimal("234.50")),
    ]
    assert {sheet[f"D{r}"].number_format for r in (5, 6, 7)} == {"#,##0.00####"}
    assert (sheet["A8"].value, sheet["B8"].value) == ("资金用途", "培训两期\n教材印制")
    assert sheet["A9"].value == "资金支出计划（%）"
    assert [sheet.cell(9, c).value for c in range(2, 6)] == ["3月底", "6月底", "10月底", "12月底"]
    fractions = [Decimal(str(sheet.cell(10, c).value)) for c in range(2, 6)]
    assert fractions == [Decimal("0.125"), Decimal("0.5"), Decimal("0.8"), Decimal("1")]
    assert [sheet.cell(10, c).number_format for c in range(2, 6)] == ["0.00%", "0%", "0%", "0%"]
    assert (sheet["A11"].value, sheet["B11"].value) == ("年度绩效目标", "提升业务能力")
    head = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    assert [sheet.cell(12, c).value for c in range(1, 7)] == head
    body = [tuple(sheet.cell(r, c).value for c in (1, 2, 3, 5)) for r in range(13, 20)]
    assert body == [
        ("产出指标", "数量指标", "培训人数", "≥200人"),
        (None, None, "培训场次", "≥4场"),  # merged into the cells above
        (None, "质量指标", "培训合格率", "≥95%"),
        (None, "时效指标", "按期完成率", "100%"),
        (None, "成本指标", "培训成本", "≤1234.5万元"),
        ("效益指标", "社会效益指标", "业务能力提升", "有效提升"),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%"),
    ]
    assert sheet.max_row == 19
    merged = {str(r) for r in sheet.merged_cells.ranges}
    for expected in ("A1:F1", "B3:C3", "E3:F3", "A5:A7", "D5:F5", "B8:F8", "A9:A10", "F9:F10", "B11:F11"):
        assert expected in merged
    assert {"A13:A17", "B13:B14"} <= merged  # 一级 产出 over five rows, 二级 数量 over two
    assert not any(r.startswith(("A18", "A19", "B15")) for r in merged)  # single rows stay single


def test_every_table_cell_is_ruled_and_the_page_is_a4_landscape_one_page_wide(client, users, login, project):
    login(users["owner"])
    sheet = sheet_of(download(client, project))
    ranges = {}
    for merged in sheet.merged_cells.ranges:
        for row, col in merged.cells:
            ranges[row, col] = merged.bounds  # (min_col, min_row, max_col, max_row)
    for row in range(3, sheet.max_row + 1):
        for col in range(1, 7):  # every outer edge of every (merged) cell, or Excel draws holes in the rules
            left, top, right, bottom = ranges.get((row, col), (col, row, col, row))
            border = sheet.cell(row, col).border
            edges = {"left": col == left, "right": col == right, "top": row == top, "bottom": row == bottom}
            for side in (name for name, outer in edges.items() if outer):
                assert getattr(border, side).style == "thin", (sheet.cell(row, col).coordinate, side)
    assert sheet["A1"].border.left.style is None  # the title sits above the table
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_area == "'XLSX1'!$A$1:$F$19"
    widths = [sheet.column_dimensions[c].width for c in "ABCDEF"]
    assert all(w >= 12 for w in widths) and sum(widths) <= 130  # fits the landscape page at about 100%
    assert sheet.row_dimensions[8].height > sheet.row_dimensions[3].height  # two lines of 资金用途


def sheet_blocks(sheet) -> list:
    """The sheet as perf's document reader hands a Word table to the parser: the title as the
    disclosure's numbered heading, a merged cell once across and "" below its first row, and
    numbers as the cells show them (money to two places, percents with %)."""
    merges = {}
    for merged in sheet.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                merges[row, col] = (merged.min_row, merged.min_col)
    blocks = [Paragraph(f"1、{sheet['A1'].value}", "第1行")]
    for row in range(2, sheet.max_row + 1):
        cells = []
        for col in range(1, 7):
            top, left = merges.get((row, col), (row, col))
            if left != col:
                continue  # covered across: the merged cell counts once
            cells.append("" if top != row else _shown(sheet.cell(row, col)))
        blocks.append(Row(tuple(cells), f"第{row}行"))
    blocks.append(TableBreak(f"第{sheet.max_row}行"))
    return blocks


def _shown(cell) -> str:
    if cell.value is None:
        return ""
    if isinstance(cell.value, str):
        return cell.value
    value = Decimal(str(cell.value))
    return f"{plain(value * 100)}%" if cell.number_format.endswith("%") else fmt2(value)


@pytest.mark.parametrize("which", ["made", "sample"])
def test_perfs_document_reader_reads_the_download_back_to_the_same_table(client, users, login, project, session, which):
    if which == "sample":
        project = session.scalar(sa.select(Project).where(Project.code == SAMPLE))
    login(users["reviewer"])
    parsed = parse_disclosure(sheet_blocks(sheet_of(download(client, project))))
    (table,) = parsed.projects
    assert [p.message for p in parsed.problems if "项目" in p.location or "绩效目标表" in p.location] == []
    assert (table.code, table.name) == (project.code, project.name)
    assert (table.total, table.fiscal, table.other) == (project.total, project.fiscal, project.other)
    assert (table.purpose, table.goal) == (project.purpose, project.goal)
    checkpoints = project.budget_year.checkpoints
    assert [(on, pct) for on, _label, pct in table.plan] == [
        (cp.on_date, entry.cumulative_pct) for cp, entry in zip(checkpoints, project.plan, strict=True)
    ]
    assert [(r.level1, r.level2, r.name, r.description, r.value, r.basis) for r in table.indicators] == [
        (i.level1, i.level2, i.name, i.description or "", i.value_text, i.basis or "") for i in project.indicators
    ]


def test_whoever_may_see_the_project_may_download_it(client, users, login, project):
    for role, status in (("reviewer", 200), ("leader", 200), ("other_owner", 403)):
        login(users[role])
        assert client.get(f"/projects/{project.id}/target-table.xlsx").status_code == status, role
    login(None)
    assert client.get(f"/projects/{project.id}/target-table.xlsx").status_code == 302


def test_the_project_page_offers_print_and_excel(client, users, login, project):
    login(users["owner"])
    page = client.get(f"/projects/2024/{project.code}").get_data(as_text=True)
    assert f'href="/projects/{project.id}/target-table.xlsx"' in page and "下载Excel" in page
    assert 'data-print id="print-button">打印</button>' in page
    assert "onclick" not in page
