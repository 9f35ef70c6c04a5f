"""Sessions end at sign-out and at a password change; a password change can revoke the API tokens; an
admin's edit of an account from an older page is refused."""

import html

import flask
import pytest

from perf.auth.models import User
from perf.auth.tokens import create_token
from perf.extensions import db
from tests.conftest import PASSWORD
from tests.factories import posted_fields

NEW_PASSWORD = "Budget-year-2025"


def signed_in(app, username: str, password: str = PASSWORD):
    """A client of its own, signed in through the real sign-in page."""
    client = app.test_client()
    flask.g.pop("_login_user", None)
    answer = client.post("/login", data={"username": username, "password": password})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def is_signed_in(client) -> bool:
    flask.g.pop("_login_user", None)  # requests share the test's app context: no user cached from the last one
    return client.get("/account").status_code == 200


@pytest.fixture
def owner(users):
    return users["owner"]


def test_a_session_cookie_copied_before_sign_out_no_longer_signs_in(app, owner):
    client = signed_in(app, owner.username)
    copied = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    flask.g.pop("_login_user", None)
    answer = thief.get("/account")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, owner):
    here, elsewhere = signed_in(app, owner.username), signed_in(app, owner.username)
    assert is_signed_in(here) and is_signed_in(elsewhere)
    typed = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    changed = here.post("/account", data=typed, follow_redirects=True)
    assert "密码已修改，其他已登录的浏览器需重新登录" in changed.get_data(as_text=True)
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(signed_in(app, owner.username, NEW_PASSWORD))


@pytest.mark.parametrize("revoke", [True, False])
def test_a_password_change_asks_whether_to_revoke_the_api_tokens(app, owner, session, revoke):
    _, secret = create_token(owner, "国库支付接口")
    session.commit()
    here = signed_in(app, owner.username)
    page = here.get("/account").get_data(as_text=True)
    assert "同时吊销我的全部 API 令牌" in page  # asked only because there is a token to revoke
    typed = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    here.post("/account", data={**typed, **({"revoke_tokens": "y"} if revoke else {})})
    token_answer = app.test_client().get("/api/v1/years", headers={"Authorization": f"Bearer {secret}"})
    assert token_answer.status_code == (401 if revoke else 200)


def test_an_admin_edit_from_an_older_page_is_refused_and_keeps_what_was_typed(client, users, login):
    login(users["admin"])
    target = users["reviewer"]
    page = html.unescape(client.get(f"/admin/users/{target.id}").get_data(as_text=True))
    mine, theirs = posted_fields(page, "user-form"), posted_fields(page, "user-form")
    assert client.post(f"/admin/users/{target.id}", data={**theirs, "display_name": "王会计"}).status_code == 302
    refused = client.post(f"/admin/users/{target.id}", data={**mine, "display_name": "李会计"})
    shown = html.unescape(refused.get_data(as_text=True))
    assert "该用户在您打开页面后已被他人修改，您的修改未保存" in shown and 'value="李会计"' in shown
    db.session.expire_all()
    assert db.session.get(User, target.id).display_name == "王会计"
    again = posted_fields(shown, "user-form")
    assert client.post(f"/admin/users/{target.id}", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, target.id).display_name == "李会计"


def test_signing_in_does_not_move_the_account_version(app, owner):
    before = owner.lock_version
    signed_in(app, owner.username)
    db.session.expire_all()
    assert db.session.get(User, owner.id).lock_version == before
