"""The department self-evaluation summary (自评汇总表): its numbers, the page, the XLSX, the PDF, who sees what.

Data: the sample department (7 projects of 2024, 298.45 万元) with ``scored`` of test_self_eval_cli
(13020724P00X4BL10005W: 266000 元 paid, total 89.36, 良, green) and these payments:

    13020724P00EL6T100050  32.90   200000.00 元 on 6-15          -> 20.00, 60.79%, score 6.08, 差, yellow
    13020724P00J22H100076 129.00   500000 on 3-20 + 790000 on 9-20 -> 129.00, 100.00%, 10.00, 差, green
    13020724P00P8L210007E  40.00   123456.78 on 10-10            -> 12.35 (12.345678), 30.86%, 3.09, 差, yellow
    the other three         3.71 / 14.84 / 50.00, nothing paid   -> 0.00, 0.00%, 0.00, 差, yellow

Totals: 预算 298.45, 执行 26.60 + 20.00 + 129.00 + 12.35 = 187.95, 执行率 187.95 ÷ 298.45 = 62.98%;
simple average (89.36 + 6.08 + 10.00 + 3.09) ÷ 7 = 108.53 ÷ 7 = 15.50; budget-weighted
(89.36 × 28 + 6.08 × 32.9 + 10 × 129 + 3.09 × 40) ÷ 298.45 = 4115.712 ÷ 298.45 = 13.79.
"""

import shutil
import subprocess
from datetime import date
from decimal import Decimal as D
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from perf.evaluation.reports.summary import (
    SummaryRow,
    checkpoint_progress,
    summary_for,
    totals_of,
)
from perf.projects.models import PlanEntry, Project
from perf.spending.models import Payment
from perf.spending.progress import Checkpoint
from tests.evaluation.test_reports import needs_pdf, pdf_ready  # noqa: F401  (the fixture behind needs_pdf)
from tests.evaluation.test_self_eval_cli import CODE, scored  # noqa: F401  (the fixture)

URL = "/departments/306/2024/self-evaluations"
PAYMENTS = {
    "13020724P00EL6T100050": [(date(2024, 6, 15), D("200000.00"))],
    "13020724P00J22H100076": [(date(2024, 3, 20), D("500000")), (date(2024, 9, 20), D("790000"))],
    "13020724P00P8L210007E": [(date(2024, 10, 10), D("123456.78"))],
}
BUSINESS = "13020724P00P8L210007E"  # 业务经费, 40.00


@pytest.fixture
def paid(scored, session):  # noqa: F811
    by_code = {p.code: p for p in session.scalars(sa.select(Project))}
    for code, items in PAYMENTS.items():
        for n, (on, amount) in enumerate(items):
            session.add(Payment(project_id=by_code[code].id, paid_on=on, amount=amount, voucher_no=f"S{n}"))
    session.commit()
    return by_code


def rows_by_code(summary) -> dict[str, SummaryRow]:
    return {row.code: row for row in summary.rows}


# --- the numbers ------------------------------------------------------------------------------


def test_rows_are_the_self_evaluation_figures(paid, users):
    summary = summary_for("306", 2024, users["reviewer"])
    assert (summary.department_name, summary.year) == ("唐山市丰南区行政审批局", 2024)
    assert summary.as_of == date(2024, 12, 31)
    assert summary.title == "2024年度项目支出绩效自评汇总表"
    rows = rows_by_code(summary)
    assert len(rows) == 7
    figures = {code: (r.budget, r.spent, r.rate, r.planned, r.score, r.grade, r.warning) for code, r in rows.items()}
    assert figures[CODE] == (D("28.00"), D("26.60"), D("95.00"), D("100.00"), D("89.36"), "良", "green")
    assert figures["13020724P00EL6T100050"] == (D("32.90"), D("20.00"), D("60.79"), D(100), D("6.08"), "差", "yellow")
    assert figures["13020724P00J22H100076"] == (D("129.00"), D(129), D("100.00"), D(100), D("10.00"), "差", "green")
    assert figures[BUSINESS] == (D("40.00"), D("12.35"), D("30.86"), D(100), D("3.09"), "差", "yellow")
    assert figures["13020724P00F484100083"] == (D("14.84"), D(0), D("0.00"), D(100), D("0.00"), "差", "yellow")
    assert rows[CODE].status_label == "填报中"  # scored stores a draft SelfEvaluation
    assert rows[BUSINESS].status_label == "未开始"  # no SelfEvaluation row
    assert rows[CODE].warning_label == "绿灯" and rows[CODE].unit == "唐山市丰南区行政审批局本级"
    for row in summary.rows:  # two places (every sample budget is exact at two), Decimal only
        for value in (row.budget, row.spent, row.rate, row.planned, row.score):
            assert isinstance(value, D) and value.as_tuple().exponent == -2


def test_totals(paid, users):
    totals = summary_for("306", 2024, users["reviewer"]).totals
    assert (totals.count, totals.budget, totals.spent, totals.rate) == (7, D("298.45"), D("187.95"), D("62.98"))
    assert (totals.average_score, totals.weighted_score, totals.planned) == (D("15.50"), D("13.79"), D("100.00"))
    assert totals.grades == {"优": 0, "良": 1, "中": 0, "差": 6}
    assert totals.lights == {"red": 0, "yellow": 5, "green": 2}
    assert totals.light_labels == {"红灯": 0, "黄灯": 5, "绿灯": 2}


def test_department_checkpoints(paid, users):
    points = summary_for("306", 2024, users["reviewer"]).checkpoints
    # planned: Σ budget × plan ÷ 298.45, e.g. 3月底 (28 × 15 + 230.45 × 25 + 40 × 30) ÷ 298.45 = 24.73
    assert [(p.label, p.planned, p.actual) for p in points] == [
        ("3月底", D("24.73"), D("16.75")),  # 50.00 ÷ 298.45
        ("6月底", D("49.46"), D("23.45")),  # + 20.00
        ("10月底", D("87.76"), D("54.06")),  # + 79.00 + 12.35
        ("12月底", D("100.00"), D("62.98")),  # + 26.60: the totals row's 执行率
    ]


def test_mid_year_uses_the_plan_at_the_last_checkpoint(paid, users):
    summary = summary_for("306", 2024, users["reviewer"], as_of=date(2024, 7, 31))
    rows = rows_by_code(summary)
    assert rows[CODE].planned == D("30.00") and rows[BUSINESS].planned == D("60.00")  # their 6月底 entries
    assert rows[CODE].spent == D("0.00")  # paid on 11-30
    assert [p.actual for p in summary.checkpoints][2:] == [None, None]  # 10月底, 12月底 not reached
    assert summary.totals.planned == D("49.46")


def test_a_project_without_a_plan_falls_back_to_time_progress(paid, users, session):
    project = paid[BUSINESS]
    # the entries are chained by foreign keys: deleting the first cascades to the rest
    session.execute(sa.delete(PlanEntry).where(PlanEntry.project_id == project.id, PlanEntry.seq == 1))
    session.expire(project)
    rows = rows_by_code(summary_for("306", 2024, users["reviewer"], as_of=date(2024, 7, 31)))
    assert rows[BUSINESS].planned == D("58.33") and rows[BUSINESS].planned_by_time  # 7 ÷ 12


def test_totals_of_rounds_once_and_weighs_by_budget():
    def row(budget, spent, score, grade="中", warning="green"):
        return SummaryRow(0, "c", "n", "u", D(budget), D(spent), None, D(100), False, D(score), grade, warning, "draft")

    totals = totals_of([row("1.00", "0.50", "90.00", "优"), row("2.00", "2.00", "60.01")], ["优", "良", "中", "差"])
    assert totals.rate == D("83.33")  # 2.50 ÷ 3.00
    assert totals.average_score == D("75.01")  # 150.01 ÷ 2 = 75.005, half up
    assert totals.weighted_score == D("70.01")  # (90 + 120.02) ÷ 3 = 70.0066…
    assert totals.grades == {"优": 1, "良": 0, "中": 1, "差": 0}
    empty = totals_of([], ["优", "差"])
    assert (empty.rate, empty.average_score, empty.weighted_score, empty.planned) == (None, None, None, None)


def test_checkpoint_progress_without_budget_or_payments():
    class Point:
        def __init__(self, seq, on, label):
            self.seq, self.on_date, self.label = seq, on, label

    points = [Point(1, date(2024, 6, 30), "6月底"), Point(2, date(2024, 12, 31), "12月底")]
    plan = [Checkpoint(date(2024, 6, 30), "6月底", D(40)), Checkpoint(date(2024, 12, 31), "12月底", D(100))]
    result = checkpoint_progress(points, [plan, []], [D(3), D(1)], [{}, {date(2024, 5, 1): D("0.5")}], date(2024, 9, 1))
    # 6月底: (3 × 40 + 1 × 50 (序时进度)) ÷ 4 = 42.50; paid 0.50 ÷ 4 = 12.50
    assert [(p.planned, p.actual) for p in result] == [(D("42.50"), D("12.50")), (D("100.00"), None)]
    assert [(p.planned, p.actual) for p in checkpoint_progress(points, [], [], [], date(2024, 12, 31))] == [
        (None, None),
        (None, None),
    ]


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_table_and_the_charts(paid, users, login):
    response = login(users["reviewer"]).get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    wanted = ("唐山市丰南区行政审批局2024年度项目支出绩效自评汇总表", "业务经费", "合计（7个项目）", "298.45", "187.95")
    wanted += ("62.98", "15.50", "13.79", "良 1 个", "黄灯 5 个", "下载 Excel", "data-print", "js/print.js")
    for text in wanted:
        assert text in html, text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert html.count('class="bar" data-series="0"') == 7 + 7 + 4  # scores, planned per project, per checkpoint
    assert 'class="topbar"' not in html  # no site navigation on the printed page
    assert "/departments/306/2024" in html  # back to the department page


def test_unknown_department_or_year_is_404(paid, users, login):
    client = login(users["admin"])
    assert client.get("/departments/999/2024/self-evaluations").status_code == 404
    assert client.get("/departments/306/1999/self-evaluations.xlsx").status_code == 404
    assert client.get("/departments/306/1999/self-evaluations.pdf").status_code == 404


# --- who sees what ----------------------------------------------------------------------------


def test_owners_see_only_their_units_projects(paid, users, login, session):
    other_unit = users["other_owner"].units[0]
    paid[BUSINESS].unit_id = other_unit.id  # 业务经费 moves to the other unit
    session.commit()
    own = summary_for("306", 2024, users["owner"])
    assert len(own.rows) == 6 and BUSINESS not in rows_by_code(own)
    assert (own.totals.budget, own.totals.spent) == (D("258.45"), D("175.60"))
    other = summary_for("306", 2024, users["other_owner"])
    assert [row.code for row in other.rows] == [BUSINESS] and other.totals.budget == D("40.00")
    html = login(users["other_owner"]).get(URL).get_data(as_text=True)
    assert "合计（1个项目）" in html and "劳务派遣人员经费" not in html
    assert len(summary_for("306", 2024, users["reviewer"]).rows) == 7


def test_anonymous_is_sent_to_sign_in(paid, login):
    client = login(None)
    for suffix in ("", ".xlsx", ".pdf"):
        response = client.get(URL + suffix)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_user_who_sees_nothing_gets_an_empty_summary(paid, users, login):
    response = login(users["other_owner"]).get(URL)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "暂无可查看的项目" in html and "合计（0个项目）" in html and "<svg" not in html
    book = load_workbook(BytesIO(login(users["other_owner"]).get(URL + ".xlsx").data))
    assert book.sheetnames == ["自评汇总"]


# --- the XLSX ---------------------------------------------------------------------------------


def row_of(sheet, key: str) -> list:
    """The values of the row whose first or second cell (a label or a 项目编码) is ``key``."""
    for row in sheet.iter_rows(values_only=True):
        if key in row[:2]:
            return list(row)
    raise AssertionError(key)


def test_xlsx_download(paid, users, login):
    response = login(users["reviewer"]).get(URL + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["自评汇总", "图表"]
    sheet = book["自评汇总"]
    assert sheet["A1"].value == "唐山市丰南区行政审批局2024年度项目支出绩效自评汇总表"
    assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[3]] == [
        "序号", "项目编码", "项目名称", "实施单位", "全年预算数", "全年执行数", "执行率(%)", "计划进度(%)",
        "自评得分", "等级", "自评预警", "自评状态",
    ]  # fmt: skip
    business = row_of(sheet, BUSINESS)
    assert business[2:4] == ["业务经费", "唐山市丰南区行政审批局本级"]
    assert business[4:] == [40, 12.35, 30.86, 100, 3.09, "差", "黄灯", "未开始"]
    totals = row_of(sheet, "合计（7个项目）")
    assert totals[4:8] == [298.45, 187.95, 62.98, 100]
    assert row_of(sheet, "平均得分（简单平均）")[8] == 15.5
    assert row_of(sheet, "平均得分（按预算加权）")[8] == 13.79
    assert row_of(sheet, "等级分布")[4] == "优 0 个，良 1 个，中 0 个，差 6 个"
    assert row_of(sheet, "自评预警")[4] == "红灯 0 个，黄灯 5 个，绿灯 2 个"
    number_cell = sheet.cell(row=4, column=5)
    assert number_cell.number_format == "#,##0.00####" and number_cell.border.left.style == "thin"
    # money (全年预算数, 全年执行数) is #,##0.00, percents and scores 0.00; every one a number
    for row in range(4, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value is None or not str(sheet.cell(row=row, column=1).value).isdigit():
            continue
        for col, wanted in ((5, "#,##0.00####"), (6, "#,##0.00"), (8, "0.00"), (9, "0.00")):
            cell = sheet.cell(row=row, column=col)
            assert isinstance(cell.value, int | float) and cell.number_format == wanted, cell.coordinate
    total_row = next(r[0].row for r in sheet.iter_rows() if r[0].value == "合计（7个项目）")
    assert [sheet.cell(row=total_row, column=c).number_format for c in (5, 6, 7, 8)] == [
        "#,##0.00####", "#,##0.00", "0.00", "0.00",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape" and str(sheet.page_setup.paperSize) == "9"
    assert sheet.print_area.endswith(f"$A$1:$L${sheet.max_row}")
    charts = book["图表"]._charts
    assert len(charts) == 2 and all(chart.tagname == "barChart" for chart in charts)
    assert len(charts[1].series) == 2  # 计划进度 beside 执行率


# --- the PDF ----------------------------------------------------------------------------------


def test_pdf_missing_support_is_a_503_in_chinese(paid, users, login, monkeypatch):
    from perf.evaluation.reports import pdf

    monkeypatch.setattr(pdf, "has_cjk_font", lambda: False)
    response = login(users["reviewer"]).get(URL + ".pdf")
    assert response.status_code == 503 and "中文字体" in response.get_data(as_text=True)


def poppler(tool: str, path, *args) -> str:
    """Run a poppler-utils tool (installed with the PDF set-up); a missing one fails the test."""
    assert shutil.which(tool), f"{tool} (poppler-utils) is missing"
    return subprocess.run([tool, *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_pdf
@pytest.mark.slow
def test_pdf_shows_chinese_with_an_embedded_font(paid, users, login, tmp_path):
    response = login(users["reviewer"]).get(URL + ".pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.data)
    text = poppler("pdftotext", path).replace(" ", "").replace("\n", "")
    for word in ("项目支出绩效自评汇总表", "劳务派遣人员经费（劳务费）", "各项目自评得分", "62.98", "13.79"):
        assert word in text, word
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    cjk = [line for line in fonts[2:] if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts  # the emb column


def test_the_summary_takes_a_fixed_handful_of_queries(paid, users, session, count_queries):
    """Department, year, the projects with plans and indicators, their self-evaluations with rows,
    latest actual values, payments, statuses and payments per day: each one query for all projects
    (tests/test_list_pages.py shows the count is the same for 7 and for 70 projects)."""
    with count_queries() as counted:
        summary_for("306", 2024, users["reviewer"])
    assert len(counted) <= 14, counted
