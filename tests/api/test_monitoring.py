"""Scans and alerts over the API: run a scan for a date, read the lagging projects, answer and close alerts."""

import sqlalchemy as sa

from perf.alerts.models import Alert, InboxItem, ScanRun
from perf.audit.models import AuditEntry
from perf.workflow.models import StepEvent


def test_scan_for_a_date_opens_alerts_and_answers_the_lagging(api, world, session):
    response = api("POST", "/api/v1/scans", "admin", json={"as_of": "2024-07-01"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["year"] == 2024 and body["run"]["source"] == "api" and body["run"]["as_of"] == "2024-07-01"
    assert body["counts"]["red"] == len([s for s in body["lagging"] if s["level"] == "red"])
    assert body["opened"] >= 7
    assert {"code", "planned_pct", "actual_pct", "gap_pp", "level", "paid_yuan"} <= set(body["lagging"][0])
    latest = api("GET", "/api/v1/scans/latest", "owner").get_json()
    assert latest["id"] == body["run"]["id"]
    assert session.get(ScanRun, latest["id"]).source == "api"


def test_scan_needs_a_year_and_a_valid_date(api, world):
    assert api("POST", "/api/v1/scans", "admin", json={"as_of": "1999-07-01"}).status_code == 422
    bad = api("POST", "/api/v1/scans", "admin", json={"as_of": "2024-02-30"})
    assert bad.status_code == 422 and bad.get_json()["errors"] == {
        "as_of": ["日期格式应为 YYYY-MM-DD（如 2024-07-01）"]
    }


def test_statuses_of_a_date_are_read_only_and_filterable(api, world, session):
    before = session.scalar(sa.select(sa.func.count(Alert.id)))
    lagging = api("GET", "/api/v1/scans/2024-07-01/projects?lagging=true", "reviewer").get_json()
    assert lagging["total"] >= 7 and all(s["level"] in ("red", "yellow") for s in lagging["items"])
    green = api("GET", "/api/v1/scans/2024-07-01/projects?level=green", "reviewer").get_json()
    assert all(s["level"] == "green" for s in green["items"])
    assert session.scalar(sa.select(sa.func.count(Alert.id))) == before
    everyone = api("GET", "/api/v1/scans/2024-07-01/projects?per_page=100", "reviewer").get_json()["items"]
    approved = next(s for s in everyone if s["code"] == world.approved_code)  # 1,000 元 of 28万元 by 6月30日
    assert (approved["forecast_pct"], approved["forecast_short"], approved["over_budget"]) == ("1.00", False, False)
    assert api("GET", "/api/v1/scans/2024-07-01/projects", "other_owner").get_json()["total"] == 0
    assert api("GET", "/api/v1/scans/1990-01-01/projects", "owner").status_code == 404
    assert api("GET", "/api/v1/scans/2024-13-45/projects", "owner").status_code == 404


def test_alerts_list_filters(api, world):
    body = api("GET", "/api/v1/alerts?status=open", "owner").get_json()
    assert [a["id"] for a in body["items"]] == [world.alert]
    assert body["items"][0]["planned_pct"] == "30.00" and body["items"][0]["project_code"]
    assert api("GET", "/api/v1/alerts", "other_owner").get_json()["total"] == 0
    assert api("GET", "/api/v1/alerts?status=new", "owner").status_code == 422


def test_answer_then_close(api, world, session):
    url = f"/api/v1/alerts/{world.alert}"
    empty = api("POST", f"{url}/answer", "owner", json={"reason": " ", "measures": "x", "catch_up_on": "2024-09-30"})
    assert empty.status_code == 422 and empty.get_json()["errors"] == {"reason": ["不能为空"]}
    assert api("POST", f"{url}/close", "reviewer").status_code == 409
    answer = {"reason": "合同推迟", "measures": "8月集中支付", "catch_up_on": "2024-09-30"}
    answered = api("POST", f"{url}/answer", "owner", json=answer)
    assert answered.status_code == 200 and answered.get_json()["status"] == "answered"
    assert answered.get_json()["catch_up_on"] == "2024-09-30"
    closed = api("POST", f"{url}/close", "reviewer")
    assert closed.status_code == 200 and closed.get_json()["status_label"] == "已关闭"
    again = api("POST", f"{url}/answer", "owner", json=answer)
    assert again.status_code == 409 and "已关闭" in again.get_json()["message"]
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("alert.%"))).all()
    assert actions == ["alert.answer", "alert.close"]


def test_send_back_reopens_the_answer_for_the_owner(api, world, users, session):
    url = f"/api/v1/alerts/{world.answered_alert}/send-back"
    empty = api("POST", url, "reviewer", json={"comment": "  "})
    assert empty.status_code == 422 and empty.get_json()["errors"] == {"comment": ["退回说明时必须填写意见"]}
    missing = api("POST", url, "reviewer", json={})
    assert missing.status_code == 422 and missing.get_json()["errors"] == {"comment": ["退回说明时必须填写意见"]}
    too_long = api("POST", url, "reviewer", json={"comment": "字" * 2001})
    assert too_long.status_code == 422 and too_long.get_json()["errors"] == {"comment": ["最多 2000 个字"]}
    not_text = api("POST", url, "reviewer", json={"comment": 7})
    assert not_text.status_code == 422 and set(not_text.get_json()["errors"]) == {"comment"}
    assert session.get(Alert, world.answered_alert).status == "answered"  # nothing refused changed anything

    sent = api("POST", url, "reviewer", json={"comment": "请说明付款安排"})
    assert sent.status_code == 200, sent.get_json()
    assert (sent.get_json()["status"], sent.get_json()["status_label"]) == ("open", "待说明")
    turns = session.scalars(
        sa.select(StepEvent).where(StepEvent.workflow == "alert", StepEvent.subject_id == world.answered_alert)
    ).all()
    assert [(t.step, t.comment) for t in turns] == [("send_back", "请说明付款安排")]
    told = session.scalars(sa.select(InboxItem.text).where(InboxItem.user_id == users["owner"].id)).all()
    assert any("预警说明被退回" in text for text in told)
    audit = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "alert.send_back"))
    assert audit.changes["意见"] == [None, "请说明付款安排"]

    again = api("POST", url, "reviewer", json={"comment": "再退一次"})
    assert again.status_code == 409 and "待说明" in again.get_json()["message"]
    open_alert = api("POST", f"/api/v1/alerts/{world.alert}/send-back", "reviewer", json={"comment": "x"})
    assert open_alert.status_code == 409


def test_only_a_reviewer_of_the_department_sends_back(api, world, session, client):
    from perf.auth.models import User
    from perf.auth.tokens import create_token
    from perf.org.models import Department

    elsewhere = Department(code="999", name="别的部门")
    stranger = User(username="t-stranger", display_name="别部门审核", role="reviewer", department=elsewhere)
    stranger.password_hash = "x"
    session.add_all([elsewhere, stranger])
    session.flush()
    secret = create_token(stranger, "测试")[1]
    session.commit()
    url = f"/api/v1/alerts/{world.answered_alert}/send-back"
    refused = client.post(url, headers={"Authorization": f"Bearer {secret}"}, json={"comment": "请补充"})
    assert refused.status_code == 403 and set(refused.get_json()) == {"code", "message", "errors"}
    assert session.get(Alert, world.answered_alert).status == "answered"
    assert api("POST", url, "owner", json={"comment": "请补充"}).status_code == 403


def test_unknown_alert_is_a_404(api, world):
    assert api("GET", "/api/v1/alerts/424242", "admin").get_json() == {
        "code": 404,
        "message": "预警不存在",
        "errors": {},
    }
