"""Owners answer alerts, reviewers close them; inboxes count unread messages; dashboard and chart."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from perf.alerts.bookkeeping import run_scan
from perf.alerts.models import Alert, InboxItem
from perf.audit.models import AuditEntry
from perf.projects.models import Project
from perf.projects.services import create_project
from tests.factories import target_table

TRADING = "13020724P00EL6T100050"


@pytest.fixture
def lagging(runner, demo, users, pay, session):
    """Alerts from a scan on 2024-07-01 (公共资源交易中心 at 35%, the others at 0%)."""
    pay(TRADING, "2024-05-10", "115150.00")
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    return session.scalar(sa.select(Alert).join(Project).where(Project.code == TRADING, Alert.kind == "lag"))


def test_owner_answers_and_reviewer_closes(client, users, login, lagging, session):
    login(users["owner"])
    page = client.get(f"/alerts/{lagging.id}").get_data(as_text=True)
    assert "待说明" in page and "50.00%" in page and "35.00%" in page
    bad = client.post(f"/alerts/{lagging.id}", data={"reason": "", "measures": "加快支付", "catch_up_on": "8月底"})
    shown = bad.get_data(as_text=True)
    assert "请填写滞后原因" in shown and "请按 年-月-日 填写日期" in shown and "加快支付" in shown
    good = {"reason": "采购合同 7 月签订", "measures": "合同签订后 10 日内支付首付款", "catch_up_on": "2024-08-31"}
    assert client.post(f"/alerts/{lagging.id}", data=good).status_code == 302
    assert (lagging.status, lagging.catch_up_on.isoformat()) == ("answered", "2024-08-31")
    audit = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "alert.answer"))
    assert audit.changes["滞后原因"] == ["", "采购合同 7 月签订"]

    login(users["reviewer"])
    assert "采购合同 7 月签订" in client.get(f"/alerts/{lagging.id}").get_data(as_text=True)
    assert client.post(f"/alerts/{lagging.id}/close").status_code == 302
    assert lagging.status == "closed"
    owner_items = session.scalars(
        sa.select(InboxItem.event).where(InboxItem.user_id == users["owner"].id, InboxItem.alert_id == lagging.id)
    ).all()
    assert sorted(owner_items) == ["closed", "opened"]


def test_an_unanswered_alert_cannot_be_closed(client, users, login, lagging):
    login(users["reviewer"])
    page = client.post(f"/alerts/{lagging.id}/close", follow_redirects=True).get_data(as_text=True)
    assert "项目负责人填写滞后原因和整改措施后才能关闭预警" in page
    assert lagging.status == "open"


def test_unread_count_and_marking_read(client, users, login, lagging):
    login(users["owner"])
    page = client.get("/inbox").get_data(as_text=True)
    assert re.search(r'id="unread-count">7<', page)  # one opened alert per sample project
    assert "【支出进度滞后预警】公共资源交易中心运转经费 6月底（黄灯）" in page
    client.post("/inbox/read", data={})
    assert 'id="unread-count"' not in client.get("/inbox").get_data(as_text=True)


def test_dashboard_lists_lights_and_open_alerts(client, users, login, lagging):
    login(users["reviewer"])
    page = client.get("/departments/306/2024/dashboard?as_of=2024-07-01").get_data(as_text=True)
    rows = re.findall(r'<tr data-level="(\w+)" data-unit="[^"]*">', page)
    assert sorted(rows) == ["red"] * 6 + ["yellow"]
    trading = page.split(TRADING, 1)[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([\d.—]+)', trading)[:4] == ["32.90", "50.00", "35.00", "15.00"]
    assert "/static/js/autosubmit.js" in page  # served by perf itself, no CDN


def test_progress_chart_page_serves_echarts_locally(client, users, login, lagging, session):
    login(users["owner"])
    project = session.scalar(sa.select(Project).where(Project.code == TRADING))
    page = client.get(f"/projects/{project.id}/progress?as_of=2024-07-01").get_data(as_text=True)
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert '"planned": [["2024-01-01", "0.00"], ["2024-03-31", "25.00"], ["2024-06-30", "50.00"]' in page
    assert '"actual": [["2024-01-01", "0.00"], ["2024-05-10", "35.00"]]' in page
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200


def test_the_reviewer_sends_an_answer_back_and_the_owner_answers_again(client, users, login, lagging, session):
    from perf.alerts.models import InboxItem as Item

    login(users["owner"])
    early = {"reason": "合同未签", "measures": "尽快签订", "catch_up_on": "2024-06-30"}
    refused = client.post(f"/alerts/{lagging.id}", data=early).get_data(as_text=True)
    assert "预计追上进度的日期应在节点（6月底，2024-06-30）之后" in refused and "合同未签" in refused
    first = {"reason": "合同未签", "measures": "尽快签订", "catch_up_on": "2024-08-31"}
    assert client.post(f"/alerts/{lagging.id}", data=first).status_code == 302

    login(users["reviewer"])
    page = client.get(f"/alerts/{lagging.id}").get_data(as_text=True)
    # the percents come with the money: 50% of 32.9万元 planned, 115,150.00 元 (11.515 → 11.52 万元) paid
    assert "164,500.00 元，16.45 万元" in page and "115,150.00 元，11.52 万元" in page
    assert "329,000.00 元（32.90 万元）" in page
    mine = sa.or_(Item.alert_id == lagging.id, sa.func.coalesce(Item.link, "") == f"/alerts/{lagging.id}")
    of_alert = sa.select(Item).where(Item.user_id == users["reviewer"].id, mine)
    assert len(session.scalars(of_alert).all()) == 2  # opened, answered
    assert session.scalars(of_alert.where(Item.read_at.is_(None))).all() == []  # opening the alert read them
    others = sa.select(Item).where(Item.user_id == users["reviewer"].id, ~mine, Item.read_at.is_(None))
    assert len(session.scalars(others).all()) == 6  # the other alerts' messages stay unread
    refused = client.post(f"/alerts/{lagging.id}/send-back", data={"comment": ""}, follow_redirects=True)
    assert "退回说明时必须填写意见" in refused.get_data(as_text=True)
    back = client.post(f"/alerts/{lagging.id}/send-back", data={"comment": "请说明合同签订的具体时间"})
    assert back.status_code == 302 and lagging.status == "open"
    owner_items = session.scalars(sa.select(Item).where(Item.user_id == users["owner"].id, Item.event == "send_back"))
    assert [i.text for i in owner_items] == [f"【预警说明被退回】{TRADING} 公共资源交易中心运转经费"]

    login(users["owner"])
    again = {"reason": "合同 7 月 15 日签订", "measures": "签订后 10 日内支付", "catch_up_on": "2024-08-31"}
    assert client.post(f"/alerts/{lagging.id}", data=again).status_code == 302
    login(users["reviewer"])
    history = client.get(f"/alerts/{lagging.id}").get_data(as_text=True).split('id="conversation"')[1]
    assert history.index("合同未签") < history.index("请说明合同签订的具体时间") < history.index("合同 7 月 15 日签订")
    assert client.post(f"/alerts/{lagging.id}/close").status_code == 302 and lagging.status == "closed"


def test_after_a_scan_the_dashboard_reads_the_stored_statuses_paged_in_sql(client, users, login, lagging, session):
    """A scan stores every status; without a date the dashboard shows that scan, filtered and paged in SQL."""
    login(users["reviewer"])
    computed = client.get("/departments/306/2024/dashboard?as_of=2024-07-02").get_data(as_text=True)
    assert "按检查日期 2024-07-02 即时计算" in computed  # no scan stored for that date
    run_scan(date(2024, 7, 1), "test")  # the fixture's scan, again: the statuses are stored once, not twice
    session.commit()
    stored = client.get("/departments/306/2024/dashboard").get_data(as_text=True)
    assert "2024-07-01 扫描时" in stored
    rows = re.findall(r'<tr data-level="(\w+)" data-unit="[^"]*">', stored)
    assert sorted(rows) == ["red"] * 6 + ["yellow"]
    trading = stored.split(TRADING, 1)[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([\d.—]+)', trading)[:4] == ["32.90", "50.00", "35.00", "15.00"]
    assert "共 7 个项目" in stored
    yellow = client.get("/departments/306/2024/dashboard?level=yellow").get_data(as_text=True)
    assert re.findall(r'<tr data-level="(\w+)"', yellow) == ["yellow"]
    assert "共 7 个项目" in yellow  # the counts stay those of the whole department
    second = client.get("/departments/306/2024/dashboard?per_page=5&page=2&sort=code&order=asc")
    codes = re.findall(r'<td class="code">([^<]+)</td>', second.get_data(as_text=True))
    assert len(codes) == 2 and codes == sorted(codes)
    assert "第 2 页，共 7 条" in second.get_data(as_text=True)


def test_a_project_created_after_the_scan_is_on_the_dashboard_at_once(client, users, login, lagging, session):
    """A project with no stored status yet makes the dashboard compute, so it is never missing from the list."""
    sample = session.scalar(sa.select(Project).where(Project.code == TRADING))
    create_project(sample.budget_year, sample.unit, target_table("NEWAFTERSCAN"), actor="test")
    session.commit()
    login(users["reviewer"])
    page = client.get("/departments/306/2024/dashboard").get_data(as_text=True)
    assert "NEWAFTERSCAN" in page and "共 8 个项目" in page
    assert "即时计算" in page
