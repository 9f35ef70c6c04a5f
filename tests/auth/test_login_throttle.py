"""Sign-in throttling: five wrong passwords lock the account for 15 minutes (the right one included), twenty
failures from one address lock the address; each lock is in the audit log, the page says it in Chinese (429)."""

from datetime import timedelta

import sqlalchemy as sa
import time_machine

from perf.audit.models import AuditEntry
from perf.auth import throttle
from perf.db import utcnow
from tests.conftest import PASSWORD


def sign_in(client, username, password, address="10.0.0.7"):
    """A sign-in from ``address`` (the tests' forms need no CSRF token); signed out again after a success."""
    data = {"username": username, "password": password}
    answer = client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})
    if answer.status_code == 302:
        with client.session_transaction() as kept:
            kept.clear()
    return answer


def actions(session, action):
    return session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, users, session):
    reviewer = users["reviewer"]
    for _ in range(throttle.ACCOUNT_FAILURES):
        answer = sign_in(client, reviewer.username, "wrong-password")
        assert answer.status_code == 200 and "用户名或密码错误" in answer.get_data(as_text=True)
    assert actions(session, "user.login_locked") == 1
    locked = sign_in(client, reviewer.username, PASSWORD)
    assert locked.status_code == 429 and "该账户登录失败次数过多，已暂时锁定" in locked.get_data(as_text=True)
    assert actions(session, "user.login") == 0
    with time_machine.travel(utcnow() + timedelta(minutes=throttle.LOCK_MINUTES, seconds=5), tick=False):
        assert sign_in(client, reviewer.username, PASSWORD).status_code == 302  # the lock has run out
    assert actions(session, "user.login") == 1


def test_twenty_failures_from_one_address_lock_it_whatever_the_names(client, users, session):
    for n in range(throttle.ADDRESS_FAILURES):
        assert sign_in(client, f"nobody-{n}", "x", address="10.0.0.9").status_code == 200
    assert actions(session, "address.login_locked") == 1
    locked = sign_in(client, users["owner"].username, PASSWORD, address="10.0.0.9")
    assert locked.status_code == 429 and "从这台电脑登录失败的次数过多" in locked.get_data(as_text=True)
    assert sign_in(client, users["owner"].username, PASSWORD, address="10.0.0.10").status_code == 302


def test_a_control_character_in_the_user_name_is_a_failed_sign_in_not_an_error(client, users, session):
    answer = sign_in(client, "reviewer\x00", PASSWORD, address="10.0.0.11")
    assert answer.status_code == 200 and "用户名或密码错误" in answer.get_data(as_text=True)
    actors = session.scalars(sa.select(AuditEntry.actor).where(AuditEntry.action == "address.login_failed")).all()
    assert actors == ["reviewer"]


def test_twenty_wrong_api_tokens_from_one_address_lock_it_out_of_the_api(client, users, session):
    wrong = {"Authorization": "Bearer not-a-token"}
    for _ in range(throttle.TOKEN_FAILURES):
        answer = client.get("/api/v1/me", headers=wrong, environ_base={"REMOTE_ADDR": "10.0.0.12"})
        assert answer.status_code == 401
    assert actions(session, "address.token_locked") == 1
    locked = client.get("/api/v1/me", headers=wrong, environ_base={"REMOTE_ADDR": "10.0.0.12"})
    assert locked.status_code == 429 and "无效 API 令牌过多" in locked.get_json()["message"]
    elsewhere = client.get("/api/v1/me", headers=wrong, environ_base={"REMOTE_ADDR": "10.0.0.13"})
    assert elsewhere.status_code == 401
