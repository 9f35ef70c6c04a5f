"""API tokens: made and revoked on the account page, stored hashed, Bearer-only for /api/, CSRF only for sessions."""

import hashlib
import re

import flask
import sqlalchemy as sa

from perf.audit.models import AuditEntry
from perf.auth.models import ApiToken
from perf.auth.tokens import SECRET_PREFIX, create_token, find_active


def test_the_secret_is_never_stored_only_its_sha256(session, users):
    token, secret = create_token(users["owner"], "国库对接")
    assert secret.startswith(SECRET_PREFIX) and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = session.execute(sa.text("SELECT * FROM api_token")).mappings().all()
    assert not any(secret in str(value) for row in stored for value in row.values())
    assert find_active(secret) is token
    assert find_active(secret + "x") is None


def test_missing_malformed_unknown_and_revoked_tokens_get_401(api, client, tokens, users, session):
    for headers in (
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer perf_nope"},
    ):
        response = client.get("/api/v1/projects", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="perf"'
        assert set(response.get_json()) == {"code", "message", "errors"}
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users["owner"].id))
    token.revoked_at = sa.func.now()
    session.commit()
    response = api("GET", "/api/v1/me", "owner")
    assert response.status_code == 401 and response.get_json()["message"] == "API 令牌无效或已吊销"


def test_a_token_of_an_inactive_user_is_refused(api, users, session):
    users["owner"].active = False
    session.commit()
    assert api("GET", "/api/v1/me", "owner").status_code == 401


def test_a_token_opens_the_api_only(api, client, tokens):
    assert api("GET", "/api/v1/me", "owner").get_json()["username"] == "t-owner"
    flask.g.pop("_login_user", None)  # requests share the test's app context
    page = client.get("/", headers={"Authorization": f"Bearer {tokens['owner']}"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_last_used_is_noted(api, users, session):
    api("GET", "/api/v1/me", "owner")
    session.expire_all()
    token = session.scalar(sa.select(ApiToken).where(ApiToken.user_id == users["owner"].id))
    assert token.last_used_at is not None


def test_token_writes_need_no_csrf_but_session_writes_do(app, api, client, users, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    body = {"reason": "合同推迟", "measures": "集中支付", "catch_up_on": "2024-09-30"}
    url = f"/api/v1/alerts/{world.alert}/answer"
    assert api("POST", url, "owner", json=body).status_code == 200
    login(users["owner"])
    refused = client.post(url, json=body)
    assert refused.status_code == 400 and "X-CSRFToken" in refused.get_json()["message"]
    assert client.get(f"/api/v1/alerts/{world.alert}").status_code == 200  # reads need no token
    page = client.get("/account").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(url, json=body, headers={"X-CSRFToken": csrf}).status_code == 200


def test_account_page_creates_shows_once_lists_and_revokes(client, users, login, session):
    login(users["reviewer"])
    created = client.post("/account/tokens", data={"name": "预算系统"})
    page = created.get_data(as_text=True)
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="new-token-secret">([^<]+)<', page).group(1)
    token = session.scalar(sa.select(ApiToken).where(ApiToken.name == "预算系统"))
    assert token.prefix in page and secret.startswith(token.prefix)
    listing = client.get("/account").get_data(as_text=True)
    assert "预算系统" in listing and secret not in listing
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    login(users["reviewer"])
    revoked = client.post(f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 302
    session.expire_all()
    assert token.revoked_at is not None
    login(None)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    actions = session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("api_token.%"))).all()
    assert actions[-2:] == ["api_token.create", "api_token.revoke"]


def test_nobody_revokes_anothers_token(client, users, login, session):
    token, _ = create_token(users["owner"], "本人的")
    session.commit()
    login(users["admin"])
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    session.expire_all()
    assert token.revoked_at is None


def test_a_token_needs_a_name(client, users, login):
    login(users["owner"])
    page = client.post("/account/tokens", data={"name": ""}).get_data(as_text=True)
    assert "请填写令牌名称" in page
