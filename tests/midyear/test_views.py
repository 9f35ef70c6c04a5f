"""The mid-year pages through the test client: who sees and saves what, messages, the XLSX read back."""

from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from perf.actuals.models import ActualValue
from perf.actuals.services import set_actual
from perf.audit.models import AuditEntry
from perf.midyear.models import MonitoringEntry
from tests.factories import posted_fields
from tests.midyear.conftest import indicator_of


def url(project) -> str:
    return f"/projects/{project.id}/midyear"


def form_data(project, **rows) -> dict:
    """Every indicator's row, blank unless given: ``rows[name] = {field: value}``."""
    data = {}
    for index, indicator in enumerate(project.indicators):
        data[f"entries-{index}-indicator_id"] = str(indicator.id)
        for field, value in rows.get(indicator.name, {}).items():
            data[f"entries-{index}-{field}"] = value
    return data


RED_ROW = {"forecast": "80%", "likelihood": "possible", "causes": ["staffing", "hardware"], "measures": "增派人员"}


def stored(session) -> list[MonitoringEntry]:
    session.expire_all()
    return session.scalars(sa.select(MonitoringEntry)).all()


def test_owner_sees_the_form_with_lights(client, login, users, network):
    login(users["owner"])
    page = client.get(url(network)).get_data(as_text=True)
    assert 'id="midyear-form"' in page
    assert 'name="entries-0-indicator_id"' in page and 'value="30%"' in page  # the latest actual, pre-filled
    assert 'data-light="red"' in page and 'data-light="blue"' in page
    assert "截至 2024 年 7 月 31 日（1–7月）" in page
    assert 'id="execution-rate">60.00%' in page


def test_reviewer_reads_without_a_form(client, login, users, network):
    login(users["reviewer"])
    response = client.get(url(network))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="midyear-form"' not in page and 'name="entries-' not in page
    assert "红灯" in page and "待填写" in page  # the red row lacks its explanation


def test_owner_saves_and_the_audit_records_it(client, login, users, network, session):
    login(users["owner"])
    response = client.post(url(network), data=form_data(network, 网上审批及时率=RED_ROW))
    assert response.status_code == 302 and response.headers["Location"].endswith(url(network))
    (entry,) = stored(session)
    assert (entry.indicator_id, entry.likelihood, entry.causes) == (
        indicator_of(network, "网上审批及时率").id,
        "possible",
        ["staffing", "hardware"],
    )
    assert entry.updated_by == "t-owner"
    (audit,) = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "midyear.set")).all()
    assert (audit.actor, audit.object_type, audit.object_id) == ("t-owner", "project", str(network.id))
    assert audit.changes["网上审批及时率纠偏措施"] == ["", "增派人员"]
    page = client.get(url(network)).get_data(as_text=True)
    assert "已保存 1 个指标的监控情况" in page


@pytest.mark.parametrize("role", ["other_owner", "reviewer", "admin"])
def test_others_may_not_save(client, login, users, network, session, role):
    login(users[role])
    assert client.post(url(network), data=form_data(network, 网上审批及时率=RED_ROW)).status_code == 403
    assert stored(session) == []


def test_other_owner_may_not_look_either(client, login, users, network):
    login(users["other_owner"])
    assert client.get(url(network)).status_code == 403
    assert client.get(f"{url(network)}.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, network):
    assert client.get(url(network)).status_code == 302
    assert client.post(url(network), data={}).status_code == 401


def test_bad_input_shows_messages_keeps_what_was_typed_and_writes_nothing(client, login, users, network, session):
    login(users["owner"])
    rows = {
        "网上审批及时率": {"forecast": "80%", "likelihood": "certain"},  # red, no explanation
        "平台使用率": {"forecast": "很高的比例", "likelihood": "certain"},
        "办理结果电子化率": dict(RED_ROW, forecast="96%"),  # fine on its own, but all or nothing
    }
    response = client.post(url(network), data=form_data(network, **rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "未保存：3 处问题" in page  # causes and measures of the red row, the unreadable forecast
    assert "该指标为红灯，请选择偏差原因" in page and "该指标为红灯，请填写纠偏措施" in page
    assert "全年预计完成情况应为一个数" in page
    assert 'value="很高的比例"' in page and "增派人员" in page
    assert stored(session) == []
    assert session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "midyear.set")).all() == []


def test_an_empty_post_changes_nothing(client, login, users, network, session):
    login(users["owner"])
    response = client.post(url(network), data={})
    assert response.status_code == 302
    assert stored(session) == []


def test_unknown_project_is_404(client, login, users, demo):
    login(users["admin"])
    assert client.get("/projects/999999/midyear").status_code == 404
    assert client.get("/projects/999999/midyear.xlsx").status_code == 404


def test_department_overview(client, login, users, network):
    login(users["reviewer"])
    page = client.get("/departments/306/2024/midyear").get_data(as_text=True)
    assert page.count('<tr data-project="') == 7
    assert f'<tr data-project="{network.id}" data-light="red">' in page
    login(users["other_owner"])
    page = client.get("/departments/306/2024/midyear").get_data(as_text=True)
    assert 'data-project="' not in page and "没有可查看的项目" in page
    assert client.get("/departments/306/1999/midyear").status_code == 404


def test_xlsx_of_one_project(client, login, users, network, session):
    login(users["owner"])
    client.post(url(network), data=form_data(network, 网上审批及时率=RED_ROW))
    response = client.get(f"{url(network)}.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(response.data)).active
    assert ws.title == network.code
    assert ws["A1"].value == "2024年度项目绩效运行监控表"
    assert "截至2024年7月31日（1–7月）" in ws["A2"].value
    assert (ws["B3"].value, ws["I3"].value) == (network.name, network.code)
    assert (ws["B5"].value, ws["D5"].value, ws["F5"].value) == (28, 16.8, 0.6)
    # money (万元) is a number: the budget as stored (#,##0.00####), 执行数 #,##0.00; rates keep percents
    assert (ws["B5"].number_format, ws["D5"].number_format) == ("#,##0.00####", "#,##0.00")
    assert (ws["F5"].number_format, ws["N5"].number_format) == ("0.00%", "0.00%")
    assert (ws["P5"].value, ws["Q5"].value) == ("支出灯", "绿灯")
    assert ws["B6"].value == "红" and ws["B6"].fill.fgColor.rgb.endswith("D92D20")
    # two header rows: 完成目标可能性 and 偏差原因分析 over their options
    heads = ["一级指标", "1–7月执行情况", "完成目标可能性", "偏差原因分析", "纠偏措施"]
    assert [ws.cell(7, c).value for c in (1, 5, 9, 12, 17)] == heads
    assert [ws.cell(8, c).value for c in range(9, 17)] == [
        "确定能", "有可能", "完全不可能", "经费保障", "制度保障", "人员保障", "硬件条件保障", "其他",
    ]  # fmt: skip
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:Q1", "A7:A8", "I7:K7", "L7:P7", "A9:A12", "A13:A15", "B3:F3", "I3:Q3"} <= merged
    assert "A16:A16" not in merged and "B9:B10" not in merged
    # row 11: 网上审批及时率, red, 有可能, 人员保障 + 硬件条件保障
    row = [ws.cell(11, c).value for c in range(1, 18)]
    assert row[2:8] == ["网上审批及时率", "≥95%", "50%", 52.63, "红", "80%"]
    assert row[8:16] == [None, "√", None, None, None, "√", "√", None]
    assert row[16] == "增派人员"
    assert ws.cell(11, 7).fill.fgColor.rgb.endswith("D92D20")
    assert ws.cell(16, 7).value == "蓝" and ws.cell(16, 6).number_format == "0.00"
    assert ws.cell(14, 7).value == "未填"  # 网上审批率 has no actual
    assert ws.cell(11, 3).border.left.style == "thin" and ws["A15"].border.bottom.style == "thin"
    assert ws["K7"].border.right.style == "thin"  # the edge of a merged header
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$7:$8"
    assert ws.column_dimensions["Q"].width == 26


def test_a_1_7_value_typed_over_one_another_person_changed_meanwhile_is_refused(client, login, users, network, session):
    login(users["owner"])
    page = client.get(url(network)).get_data(as_text=True)
    opened = {k: v for k, v in posted_fields(page, "midyear-form").items() if k != "csrf_token"}
    index = next(i for i, ind in enumerate(network.indicators) if ind.name == "网上审批及时率")
    indicator = indicator_of(network, "网上审批及时率")
    shown_before = opened[f"entries-{index}-actual"]
    set_actual(indicator, "85%", date(2024, 7, 31), "t-other")  # corrected on the actuals page meanwhile
    session.commit()
    row = {f"entries-{index}-{key}": value for key, value in RED_ROW.items()}
    typed = {**opened, **row, f"entries-{index}-actual": "31%"}
    refused = client.post(url(network), data=typed)
    shown = refused.get_data(as_text=True)
    assert "“网上审批及时率”的实际完成值在您打开后已被他人改为“85%”" in shown and 'value="31%"' in shown
    session.expire_all()
    values = session.scalars(sa.select(ActualValue.value_text).where(ActualValue.indicator_id == indicator.id)).all()
    assert "31%" not in values and "85%" in values and shown_before != "31%"
    again = {**{k: v for k, v in posted_fields(shown, "midyear-form").items() if k != "csrf_token"}, **row}
    assert client.post(url(network), data=again).status_code == 302  # saving again is a deliberate overwrite
    session.expire_all()
    assert "31%" in session.scalars(sa.select(ActualValue.value_text).where(ActualValue.indicator_id == indicator.id))
