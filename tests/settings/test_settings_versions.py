"""Two admins saving 系统设置 from two open pages, or two API clients: the older save is refused, nothing lost."""

import html

from perf.extensions import db
from perf.settings.models import Setting
from tests.factories import posted_fields
from tests.settings.test_settings_page import DEFAULT_FORM


def opened(client) -> dict:
    page = client.get("/settings").get_data(as_text=True)
    return {**DEFAULT_FORM, "lock_version": posted_fields(page, "settings-form")["lock_version"]}


def test_a_save_from_a_page_older_than_another_save_is_refused_and_keeps_what_was_typed(client, login, users):
    login(users["admin"])
    mine, theirs = opened(client), opened(client)
    assert client.post("/settings", data={**theirs, "reminder_days": "20"}).status_code == 302
    refused = client.post("/settings", data={**mine, "alert_answer_days": "12"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "系统设置在您打开页面后已被他人修改，您的修改未保存" in page
    assert 'value="12"' in page  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Setting, "reminder_days").value == 20  # the other save is not undone
    assert db.session.get(Setting, "alert_answer_days") is None
    again = posted_fields(page, "settings-form")  # the refused page carries the version it now shows
    assert client.post("/settings", data={**mine, "reminder_days": "20", "alert_answer_days": "12",
                                          "lock_version": again["lock_version"]}).status_code == 302  # fmt: skip
    db.session.expire_all()
    assert db.session.get(Setting, "alert_answer_days").value == 12


def test_the_api_answers_412_to_a_put_with_an_older_etag(client, login, users):
    login(users["admin"])
    etag = client.get("/api/v1/settings").headers["ETag"]
    first = client.put("/api/v1/settings", json={"reminder_days": 20}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    stale = client.put("/api/v1/settings", json={"reminder_days": 25}, headers={"If-Match": etag})
    assert stale.status_code == 412 and "已被他人修改" in stale.get_json()["message"]
    assert client.put("/api/v1/settings", json={"reminder_days": 25}).status_code == 200  # no If-Match: as before
    db.session.expire_all()
    assert db.session.get(Setting, "reminder_days").value == 25


def test_a_save_that_changes_nothing_does_not_move_the_version(client, login, users):
    login(users["admin"])
    etag = client.get("/api/v1/settings").headers["ETag"]
    assert client.put("/api/v1/settings", json={}, headers={"If-Match": etag}).headers["ETag"] == etag
