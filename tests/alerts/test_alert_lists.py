"""预警 and 消息 as lists: year, search, status and light filters, paging, bad parameters; batch close."""

import re

import pytest
import sqlalchemy as sa

from perf.alerts.models import Alert
from perf.audit.models import AuditEntry

ANSWER = {"reason": "采购合同 7 月签订", "measures": "合同签订后 10 日内支付首付款", "catch_up_on": "2024-08-31"}


@pytest.fixture
def scanned(runner, demo, users, session):
    """The sample scan on 2024-07-01: one red lag alert per sample project."""
    assert runner.invoke(args=["perf", "scan", "--as-of", "2024-07-01"]).exit_code == 0
    return list(session.scalars(sa.select(Alert).where(Alert.kind == "lag").order_by(Alert.id)))


def listed(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-alert="(\d+)"', page)]


def text(response) -> str:
    return response.get_data(as_text=True)


def answer(client, login, users, alerts):
    login(users["owner"])
    for alert in alerts:
        assert client.post(f"/alerts/{alert.id}", data=ANSWER).status_code == 302


def test_alerts_filter_by_status_light_year_and_search_and_page(client, login, users, scanned):
    answer(client, login, users, scanned[:2])
    login(users["reviewer"])
    everything = text(client.get("/alerts"))
    assert sorted(listed(everything)) == [a.id for a in scanned] and '<option value="2024" selected>' in everything
    assert sorted(listed(text(client.get("/alerts?status=answered")))) == [a.id for a in scanned[:2]]
    assert 'value="answered" selected' in text(client.get("/alerts?status=answered"))
    one = scanned[3].project
    assert listed(text(client.get(f"/alerts?q={one.code}"))) == [scanned[3].id]
    levels = {a.level for a in scanned}
    for level in levels:
        assert sorted(listed(text(client.get(f"/alerts?level={level}")))) == [a.id for a in scanned if a.level == level]
    paged = text(client.get("/alerts?per_page=3&page=2&status="))
    assert f"第 2 页，共 {len(scanned)} 条" in paged and len(listed(paged)) == 3
    following = re.search(r'href="([^"]+)" rel="next"', paged).group(1).replace("&amp;", "&")
    assert sorted(following.split("?", 1)[1].split("&")) == ["page=3", "per_page=3", "status="]
    for query in ("page=abc", "page=99999999999999999999", "year=x", "status=bogus", "level=purple", "q=%25%00"):
        assert client.get(f"/alerts?{query}").status_code == 200, query


def test_batch_close_closes_every_ticked_alert_with_one_comment(client, login, users, session, scanned):
    answer(client, login, users, scanned[:3])
    login(users["reviewer"])
    page = text(client.get("/alerts"))
    assert 'id="batch-close-button" data-confirm=' in page
    assert page.count('name="alert_id"') == 3  # only answered alerts can be ticked
    ids = [a.id for a in scanned[:3]]
    response = client.post("/alerts/close?status=answered", data={"alert_id": ids, "comment": "说明合理"})
    assert response.status_code == 302 and "status=answered" in response.headers["Location"]
    session.expire_all()
    assert [session.get(Alert, i).status for i in ids] == ["closed"] * 3
    closes = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "alert.close")).all()
    assert sorted(int(e.object_id) for e in closes) == sorted(a.project_id for a in scanned[:3])  # per project
    assert {e.changes["意见"][1] for e in closes} == {"说明合理"}


def test_one_alert_that_cannot_be_closed_closes_none(client, login, users, session, scanned):
    answer(client, login, users, scanned[:2])
    login(users["reviewer"])
    ids = [scanned[0].id, scanned[1].id, scanned[2].id]  # the third is unanswered
    response = client.post("/alerts/close", data={"alert_id": ids, "comment": "说明合理"})
    page = text(response)
    third = scanned[2].project
    assert response.status_code == 422 and "均未关闭" in page
    assert f"{third.code} {third.name}（预警 #{scanned[2].id}）：项目负责人填写滞后原因和整改措施后才能关闭预警" in page
    session.expire_all()
    assert [session.get(Alert, i).status for i in ids] == ["answered", "answered", "open"]
    assert session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "alert.close")) == 0
    for alert_id in ids[:2]:
        assert re.search(rf'value="{alert_id}"[^>]*checked', page)
    assert ">说明合理</textarea>" in page


def test_owners_cannot_batch_close(client, login, users, session, scanned):
    answer(client, login, users, scanned[:1])
    assert client.post("/alerts/close", data={"alert_id": [scanned[0].id]}).status_code == 403
    session.expire_all()
    assert session.get(Alert, scanned[0].id).status == "answered"


def test_the_inbox_searches_filters_and_pages(client, login, users, scanned):
    login(users["owner"])
    everything = text(client.get("/inbox"))
    assert everything.count('<li class="unread">') == len(scanned)
    name = scanned[0].project.name
    found = text(client.get(f"/inbox?q={name}"))
    assert found.count('<li class="unread">') == 1 and f'value="{name}"' in found
    client.post("/inbox/read", data={})
    assert "没有符合条件的消息" in text(client.get("/inbox?read=unread"))
    assert text(client.get("/inbox?read=read")).count("<li class=") == len(scanned)
    paged = text(client.get("/inbox?per_page=5&page=2"))
    assert f"第 2 页，共 {len(scanned)} 条" in paged and paged.count("<li class=") == len(scanned) - 5
    for query in ("page=abc", "page=99999999999999999999", "read=bogus", "per_page=-1"):
        assert client.get(f"/inbox?{query}").status_code == 200, query
