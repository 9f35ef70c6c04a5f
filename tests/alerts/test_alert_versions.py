"""An answer, send-back or close written against an older view of the alert is refused, with nothing lost."""

import html

import sqlalchemy as sa

from perf.alerts.models import Alert
from perf.extensions import db
from perf.workflow.models import StepEvent
from tests.alerts.test_alert_pages import lagging  # noqa: F401  (the fixture)
from tests.factories import posted_fields

ANSWER = {"reason": "采购合同 7 月签订", "measures": "合同签订后 10 日内支付首付款", "catch_up_on": "2024-08-31"}


def page_of(client, alert) -> str:
    return html.unescape(client.get(f"/alerts/{alert.id}").get_data(as_text=True))


def test_an_answer_from_a_page_opened_before_another_answer_is_refused(client, users, login, lagging):  # noqa: F811
    login(users["owner"])
    mine = posted_fields(page_of(client, lagging), "answer-form")
    theirs = posted_fields(page_of(client, lagging), "answer-form")
    assert client.post(f"/alerts/{lagging.id}", data={**theirs, **ANSWER}).status_code == 302
    typed = {**mine, "reason": "资金 8 月到位", "measures": "到位后一次支付", "catch_up_on": "2024-09-15"}
    refused = client.post(f"/alerts/{lagging.id}", data=typed)
    page = html.unescape(refused.get_data(as_text=True))
    assert "该预警在您打开后已有新的处理（现为“已说明”），您的说明未保存" in page
    assert "资金 8 月到位" in page and "到位后一次支付" in page  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Alert, lagging.id).reason == ANSWER["reason"]
    again = posted_fields(page, "answer-form")
    assert again["reason"] == "资金 8 月到位"
    assert client.post(f"/alerts/{lagging.id}", data=again).status_code == 302  # now a deliberate overwrite
    db.session.expire_all()
    assert db.session.get(Alert, lagging.id).reason == "资金 8 月到位"


def test_a_close_from_a_page_older_than_a_new_answer_is_refused(client, users, login, lagging):  # noqa: F811
    login(users["owner"])
    client.post(f"/alerts/{lagging.id}", data={**posted_fields(page_of(client, lagging), "answer-form"), **ANSWER})
    login(users["reviewer"])
    close_form = page_of(client, lagging).split('action="/alerts/', 2)[-1]
    version = close_form.split('name="lock_version" value="', 1)[1].split('"', 1)[0]
    login(users["owner"])
    better = {**posted_fields(page_of(client, lagging), "answer-form"), **ANSWER, "measures": "改为分两次支付"}
    assert client.post(f"/alerts/{lagging.id}", data=better).status_code == 302
    login(users["reviewer"])
    shown = html.unescape(
        client.post(f"/alerts/{lagging.id}/close", data={"lock_version": version}, follow_redirects=True).get_data(
            as_text=True
        )
    )
    assert "您的关闭未保存" in shown  # the reviewer had not read the new measures
    db.session.expire_all()
    assert db.session.get(Alert, lagging.id).status == "answered"


def test_the_api_takes_the_alert_version_in_if_match(client, users, login, lagging, session):  # noqa: F811
    login(users["owner"])
    etag = client.get(f"/api/v1/alerts/{lagging.id}").headers["ETag"]
    assert etag == '"1"'
    first = client.post(f"/api/v1/alerts/{lagging.id}/answer", json=ANSWER, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] == '"2"' and first.get_json()["lock_version"] == 2
    stale = client.post(f"/api/v1/alerts/{lagging.id}/answer", json=ANSWER, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.is_json
    assert client.post(f"/api/v1/alerts/{lagging.id}/answer", json=ANSWER, headers={"If-Match": "x"}).status_code == 412
    answers = session.scalars(
        sa.select(StepEvent).where(StepEvent.workflow == "alert", StepEvent.subject_id == lagging.id)
    )
    assert len(answers.all()) == 1
