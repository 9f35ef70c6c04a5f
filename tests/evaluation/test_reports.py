"""The 项目支出绩效自评表 reports: the shared grid, the XLSX read back with openpyxl, the print page, the PDF.

The data is ``scored`` of test_self_eval_cli (project 13020724P00X4BL10005W, 预算 28.00 万元,
266000 元 paid: 95.00%, 9.50; total 89.36, 良).
"""

from decimal import Decimal as D
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from perf.evaluation.reports import layout_of
from perf.evaluation.reports.layout import Layout, _amount_cells
from perf.evaluation.reports.xlsx import to_bytes
from perf.numbers import wan_grouped
from perf.projects.models import Project
from tests.evaluation.test_self_eval_cli import CODE, scored  # noqa: F401  (the fixture)


@pytest.fixture
def project(scored, session):  # noqa: F811
    return session.scalar(sa.select(Project).where(Project.code == CODE))


def shown(cell) -> str:
    """A cell's text as Excel shows it with its number format."""
    value = cell.value
    if isinstance(value, int | float | D):
        if cell.number_format == "0.00%":
            return f"{D(str(value)) * 100:.2f}%"
        if cell.number_format == "0.00":
            return f"{D(str(value)):.2f}"
        if cell.number_format == "#,##0.00":
            return f"{D(str(value)):,.2f}"
        if cell.number_format == "#,##0.00####":  # a stored 万元 amount: two places, or every place it has
            return wan_grouped(D(str(value)))
        return f"{D(str(value)):f}"
    return "" if value is None else str(value)


def right_of(sheet, label: str, steps: int = 1):
    """The cell ``steps`` columns right of the (first) cell holding ``label``."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == label:
                return sheet.cell(row=cell.row, column=cell.column + steps)
    raise AssertionError(f"{label} not found")


def merged_range_of(sheet, coordinate: str):
    return next((r for r in sheet.merged_cells.ranges if coordinate in r), None)


def test_layout_covers_the_grid_once(project):
    layout = layout_of(project)
    seen = set()
    for cell in layout.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                assert (r, c) not in seen, (r, c, cell.text)
                seen.add((r, c))
    assert seen == {(r, c) for r in range(layout.n_rows) for c in range(9)}


def test_xlsx_holds_the_table(project):
    book = load_workbook(BytesIO(to_bytes([layout_of(project)])))
    assert book.sheetnames == [CODE]
    sheet = book[CODE]
    assert sheet["A1"].value == "项目支出绩效自评表（2024年度）"
    assert right_of(sheet, "项目名称").value == project.name
    assert right_of(sheet, "主管部门").value == project.unit.department.name
    assert right_of(sheet, "实施单位").value == project.unit.name
    # 年度资金总额: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分 (B:C hold the label)
    total_row = [shown(right_of(sheet, "年度资金总额", step)) for step in range(2, 8)]
    assert total_row == ["28.00", "28.00", "26.60", "10", "95.00%", "9.50"]
    assert shown(right_of(sheet, "其中：本年财政拨款", 4)) == "26.60"  # the only source of money
    # one indicator row: 三级 | 年度指标值 | 实际完成值 | 分值 | 得分
    values = [shown(right_of(sheet, "项目预算控制数", step)) for step in range(0, 5)]
    assert values == ["项目预算控制数", "≤28万元", "30万元", "12.50", "11.61"]
    assert shown(right_of(sheet, "自评得分")) == "89.36"
    assert right_of(sheet, "等级").value == "良"
    assert right_of(sheet, "自评预警").value == "绿灯"
    # 产出指标 (一级) merged over its 4 rows, 满意度指标 a single row
    output = next(c for row in sheet.iter_rows() for c in row if c.value == "产出指标")
    merged = merged_range_of(sheet, output.coordinate)
    assert (merged.min_col, merged.max_col, merged.max_row - merged.min_row + 1) == (2, 2, 4)


def test_xlsx_money_cells_are_grouped_numbers(project):
    """Money (万元) is a number: budgets as stored, #,##0.00#### (330.984 shows all its places), 执行数
    #,##0.00; the rate keeps 0.00%, points and scores 0.00."""
    sheet = load_workbook(BytesIO(to_bytes([layout_of(project)])))[CODE]
    budgets = [right_of(sheet, "年度资金总额", step) for step in (2, 3)]
    budgets += [right_of(sheet, "其中：本年财政拨款", step) for step in (2, 3)]
    budgets.append(right_of(sheet, "其他资金", 2))
    spent = [right_of(sheet, "年度资金总额", 4), right_of(sheet, "其中：本年财政拨款", 4)]
    for cells, wanted in ((budgets, "#,##0.00####"), (spent, "#,##0.00")):
        for cell in cells:
            assert isinstance(cell.value, int | float), cell.coordinate
            assert cell.number_format == wanted, cell.coordinate
    assert [budgets[0].value, budgets[1].value, spent[0].value] == [28, 28, 26.6]
    rate = right_of(sheet, "年度资金总额", 6)
    assert isinstance(rate.value, float) and rate.number_format == "0.00%"
    for cell in (right_of(sheet, "年度资金总额", 7), right_of(sheet, "自评得分"), right_of(sheet, "项目预算控制数", 4)):
        assert isinstance(cell.value, int | float) and cell.number_format == "0.00", cell.coordinate


def test_layout_text_groups_money():
    """The print page and the PDF draw the layout's text: money there has thousands separators."""
    layout = Layout("t", "c", "n", 2024)
    layout.new_row()
    _amount_cells(layout, D("1231345.6"), D("1330.984"), D("1231345.6"))
    assert [cell.text for cell in layout.cells] == ["1,231,345.60", "1,330.984", "1,231,345.60"]
    assert layout.cells[0].value == D("1231345.60") and layout.cells[0].number_format == "#,##0.00####"
    assert layout.cells[1].value == D("1330.984") and layout.cells[2].number_format == "#,##0.00"


def test_xlsx_is_ready_to_print(project):
    sheet = load_workbook(BytesIO(to_bytes([layout_of(project)])))[CODE]
    last = sheet.max_row
    assert sheet.print_area in (f"'{CODE}'!$A$1:$I${last}", f"{CODE}!$A$1:$I${last}")
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert str(sheet.page_setup.paperSize) == "9"  # A4
    assert sheet.column_dimensions["I"].width > sheet.column_dimensions["G"].width
    for row in sheet.iter_rows(min_row=3, max_row=last):  # every table cell has a border (a merged range: outside)
        for cell in row:
            box = merged_range_of(sheet, cell.coordinate)
            edges = {
                "left": not box or cell.column == box.min_col,
                "right": not box or cell.column == box.max_col,
                "top": not box or cell.row == box.min_row,
                "bottom": not box or cell.row == box.max_row,
            }
            for side, outside in edges.items():
                assert not outside or getattr(cell.border, side).style == "thin", (cell.coordinate, side)
    assert right_of(sheet, "项目预算控制数", 0).alignment.wrap_text


# --- the print page and the downloads ----------------------------------------------------------


@pytest.fixture
def reports_app(app):
    """The app with the ``reports`` blueprint (registered here until perf/__init__.py does it)."""
    if "reports" not in app.blueprints:
        from perf.evaluation.reports.views import bp

        started, app._got_first_request = app._got_first_request, False
        try:
            app.register_blueprint(bp)
        finally:
            app._got_first_request = started
    return app


def test_print_page_shows_the_table(reports_app, project, users, login):
    page = login(users["owner"]).get(f"/projects/{project.id}/self-evaluation/print")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("项目支出绩效自评表（2024年度）", project.name, "95.00%", "9.50", "89.36", "良", "绿灯"):
        assert text in html
    assert 'rowspan="4">产出指标' in html.replace("\n", "")
    assert "css/print.css" in html and "data-print" in html and "js/print.js" in html
    assert 'class="topbar"' not in html  # no site navigation on the page that gets printed


def test_reports_need_a_project_the_user_may_see(reports_app, project, users, login):
    client = login(users["other_owner"])  # owner of the other unit
    for suffix in ("/print", ".xlsx", ".pdf"):
        assert client.get(f"/projects/{project.id}/self-evaluation{suffix}").status_code == 403
    login(None)
    assert client.get(f"/projects/{project.id}/self-evaluation.xlsx").status_code == 302  # to the sign-in page
    assert login(users["reviewer"]).get("/projects/999999/self-evaluation/print").status_code == 404


def test_xlsx_download(reports_app, project, users, login):
    response = login(users["reviewer"]).get(f"/projects/{project.id}/self-evaluation.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.data))[CODE]
    assert shown(right_of(sheet, "自评得分")) == "89.36"


def test_pdf_missing_support_is_a_503_in_chinese(reports_app, project, users, login, monkeypatch):
    from perf.evaluation.reports import pdf

    monkeypatch.setattr(pdf, "has_cjk_font", lambda: False)
    response = login(users["admin"]).get(f"/projects/{project.id}/self-evaluation.pdf")
    assert response.status_code == 503
    shown = response.get_data(as_text=True)
    assert "中文字体" in shown and "请联系系统管理员" in shown
    assert "scripts/setup.sh" not in shown and "libpango" not in shown  # no page tells a user to run a command


def pdf_support() -> bool:
    from perf.evaluation.reports import pdf

    try:
        pdf.check()
    except pdf.PdfUnavailable:
        return False
    return True


@pytest.fixture
def pdf_ready():
    """PDF support is part of the set-up (scripts/setup.sh installs it): missing, the test fails."""
    assert pdf_support(), "WeasyPrint, Pango or a CJK font is missing: run scripts/setup.sh as root"


needs_pdf = pytest.mark.usefixtures("pdf_ready")


def embedded_fonts(data: bytes) -> list[str]:
    """Base names of the fonts embedded in a PDF (with a /FontFile*)."""
    from pypdf import PdfReader

    names = []
    for page in PdfReader(BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.append(str(descendant.get_object()["/BaseFont"]))
    return names


@needs_pdf
@pytest.mark.slow
def test_pdf_download_embeds_a_chinese_font(reports_app, project, users, login):
    import pypdf  # noqa: F401 (a test dependency: a missing one must fail, not skip)
    from pypdf import PdfReader

    response = login(users["owner"]).get(f"/projects/{project.id}/self-evaluation.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    fonts = embedded_fonts(response.data)
    assert any("CJK" in name or "Noto" in name or "Han" in name for name in fonts), fonts
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    for word in ("项目支出绩效自评表", "产出指标", "89.36"):
        assert word in text.replace(" ", "").replace("\n", "")


# --- perf export-self-eval ---------------------------------------------------------------------


def export(runner, *args):
    from perf.evaluation.export_cli import export_self_eval

    return runner.invoke(export_self_eval, args=list(args))


def test_export_all_as_xlsx_has_a_sheet_per_project(runner, scored, session, tmp_path):  # noqa: F811
    out = tmp_path / "all.xlsx"
    result = export(runner, "--all", "--year", "2024", "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output + (result.stderr or "")
    codes = session.scalars(sa.select(Project.code)).all()
    book = load_workbook(out)
    assert sorted(book.sheetnames) == sorted(codes) and len(codes) == 7
    assert shown(right_of(book[CODE], "自评得分")) == "89.36"


def test_export_one_project_and_mistakes(runner, scored, tmp_path):  # noqa: F811
    out = tmp_path / "one.xlsx"
    assert export(runner, CODE, "--format", "xlsx", "--out", str(out)).exit_code == 0
    assert load_workbook(out).sheetnames == [CODE]
    unknown = export(runner, "NOPE", "--year", "2024", "--format", "xlsx", "--out", str(out))
    assert unknown.exit_code == 1 and "没有项目编码为 NOPE 的项目" in (unknown.stderr or unknown.output)
    both = export(runner, CODE, "--all", "--format", "xlsx", "--out", str(out))
    assert both.exit_code == 2


def test_export_pdf_without_support_says_so(runner, scored, tmp_path, monkeypatch):  # noqa: F811
    from perf.evaluation.reports import pdf

    def missing():
        raise pdf.PdfUnavailable("服务器未安装 PDF 组件 WeasyPrint，暂不能生成 PDF。")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    result = export(runner, CODE, "--format", "pdf", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "WeasyPrint" in (result.stderr or result.output)
    assert "scripts/setup.sh" in (result.stderr or result.output)  # the command line says how to fix it
    assert "Traceback" not in (result.stderr or "") + result.output


@needs_pdf
@pytest.mark.slow
def test_export_all_as_pdf_has_a_page_per_project(runner, scored, tmp_path):  # noqa: F811
    import pypdf  # noqa: F401 (a test dependency: a missing one must fail, not skip)
    from pypdf import PdfReader

    out = tmp_path / "all.pdf"
    result = export(runner, "--all", "--format", "pdf", "--out", str(out))
    assert result.exit_code == 0, result.output + (result.stderr or "")
    pages = PdfReader(out).pages
    titles = [page for page in pages if "项目支出绩效自评表" in page.extract_text().replace(" ", "")]
    assert len(titles) == 7 and len(pages) >= 7


def test_the_execution_points_follow_the_settings(project, app, monkeypatch):
    """A region weighting 预算执行率 20 shows 20 in the 分值 cell, not the default 10."""
    monkeypatch.setitem(
        app.config,
        "SELF_EVALUATION",
        {
            "execution_weight": "20",
            "points_2020": {"产出指标": 40, "效益指标": 30, "满意度指标": 10},
            "points_2021": {"产出指标": 25, "成本指标": 15, "效益指标": 30, "满意度指标": 10},
        },
    )
    sheet = load_workbook(BytesIO(to_bytes([layout_of(project)])))[CODE]
    total_row = [shown(right_of(sheet, "年度资金总额", step)) for step in range(5, 8)]
    assert total_row == ["20", "95.00%", "19.00"]


@needs_pdf
@pytest.mark.slow
def test_the_bulk_pdf_is_rendered_in_chunks_with_every_project_in_order(reports_app, scored, session, monkeypatch):  # noqa: F811
    from pypdf import PdfReader

    from perf.evaluation.reports import layouts_of, pdf

    projects = session.scalars(sa.select(Project).order_by(Project.code)).all()
    assert len(projects) == 7
    monkeypatch.setattr(pdf, "CHUNK", 3)
    built, told = [], []

    def layouts_in_chunks(chunk):
        built.append(len(chunk))
        return layouts_of(chunk)

    with reports_app.test_request_context():
        data = pdf.to_bytes_each(projects, layouts_in_chunks, lambda done, total: told.append((done, total)))
        whole = pdf.to_bytes(layouts_of(projects))
    assert built == [3, 3, 1]  # each chunk's layouts built only when it is rendered
    assert told == [(3, 7), (6, 7), (7, 7)]
    pages = PdfReader(BytesIO(data)).pages
    assert len(pages) == len(PdfReader(BytesIO(whole)).pages)
    text = "".join(page.extract_text() for page in pages).replace(" ", "").replace("\n", "")
    at = [text.find(project.name.replace(" ", "")) for project in projects]
    assert -1 not in at and at == sorted(at), at
