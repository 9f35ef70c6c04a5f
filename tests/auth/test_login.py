"""Signing in and out through the pages: credentials, redirects, session lifetime, CSRF."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import render_template_string
from flask_login import login_user

from perf.auth.permissions import PUBLIC, Perm
from perf.auth.views import LOGIN_FAILED, bp, safe_next
from tests.conftest import PASSWORD


def sign_in(client, username, password=PASSWORD, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def signed_in_id(client) -> str | None:
    """The user id the session names (it keeps "id:session version", ``User.get_id``)."""
    with client.session_transaction() as flask_session:
        kept = flask_session.get("_user_id")
    return kept.partition(":")[0] if kept else None


def test_login_page_is_a_chinese_card(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "perf 预算绩效目标管理" in page and "用户名" in page and "密码" in page
    assert 'class="login-card"' in page


def test_good_credentials_sign_in_and_go_home(client, users, audit):
    response = sign_in(client, "t-owner")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert signed_in_id(client) == str(users["owner"].id)
    assert users["owner"].last_login_at is not None
    assert audit("user.login", users["owner"].id)[-1].actor == "t-owner"


@pytest.mark.parametrize(
    ("username", "password"),
    [("t-owner", "wrong-password"), ("nobody", PASSWORD), ("t-owner", ""), ("", "")],
)
def test_bad_credentials_show_one_generic_message(client, users, username, password):
    response = sign_in(client, username, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if username and password:
        assert LOGIN_FAILED in page
    else:
        assert "请输入" in page
    assert f'value="{username}"' in page or not username
    assert signed_in_id(client) is None


def test_inactive_user_gets_the_same_message(client, users, session):
    users["owner"].active = False
    session.flush()
    response = sign_in(client, "t-owner")
    assert response.status_code == 200
    assert LOGIN_FAILED in response.get_data(as_text=True)
    assert signed_in_id(client) is None


def test_session_is_permanent_with_the_configured_lifetime(app, client, users):
    assert app.permanent_session_lifetime == timedelta(hours=8)
    before = datetime.now(UTC)
    sign_in(client, "t-owner")
    with client.session_transaction() as flask_session:
        assert flask_session.permanent
    expires = client.get_cookie("session").expires
    assert expires is not None
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    assert timedelta(hours=7, minutes=59) < expires - before <= timedelta(hours=8, minutes=1)


def test_opening_a_page_restarts_the_idle_lifetime_but_a_background_request_writes_no_cookie(client, users):
    sign_in(client, "t-owner")
    page = client.get("/", headers={"Sec-Fetch-Mode": "navigate"})
    assert "session=" in page.headers.get("Set-Cookie", "")
    background = client.get("/projects/parse-value?value=%E2%89%A540%25", headers={"Sec-Fetch-Mode": "cors"})
    assert background.status_code == 200
    assert "Set-Cookie" not in background.headers


def test_a_background_request_that_ends_after_a_save_keeps_the_saves_message(app, client, users):
    """A fetch sent with the cookie from before a save must not write that old cookie back after it."""
    sign_in(client, "t-owner")
    client.get("/")
    stale = client.get_cookie("session").value
    with client.session_transaction() as flask_session:  # a save answers with a cookie holding its message
        flask_session["_flashes"] = [("success", "已保存")]
    fresh = client.get_cookie("session").value
    client.set_cookie("session", stale)
    late = client.get("/projects/parse-value?value=7%E4%BA%BA", headers={"Sec-Fetch-Mode": "cors"})
    assert "Set-Cookie" not in late.headers  # so the browser keeps the cookie the save wrote
    client.set_cookie("session", fresh)
    with client.session_transaction() as flask_session:
        assert flask_session.get("_flashes")


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/admin/users", "/admin/users"),
        ("/departments/306/2024?x=1", "/departments/306/2024?x=1"),
        ("//evil.example", "/"),
        ("https://evil.example", "/"),
        ("https://evil.example/admin/users", "/"),
        ("/\\evil.example", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_only_goes_to_this_site(client, users, target, location):
    by_query = sign_in(client, "t-admin", query_string={"next": target})
    assert by_query.headers["Location"] == location
    client.post("/logout")
    by_form = client.post("/login", data={"username": "t-admin", "password": PASSWORD, "next": target})
    assert by_form.headers["Location"] == location


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example", None, ""],
)
def test_safe_next_refuses_other_sites(target):
    assert safe_next(target) is None


def test_the_next_from_a_protected_page_survives_the_login_form(client, users):
    response = client.get("/admin/users")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")
    page = client.get(login_url).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/admin/users' in page
    target = re.search(r'name="next" type="hidden" value="([^"]*)"', page).group(1)
    response = client.post("/login", data={"username": "t-admin", "password": PASSWORD, "next": target})
    assert response.headers["Location"].startswith("/admin/users")


def test_signed_in_visitors_skip_the_login_page(client, users, login):
    login(users["owner"])
    assert client.get("/login").headers["Location"] == "/"


def test_logout_ends_the_session(client, users, login, audit):
    login(users["owner"])
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert signed_in_id(client) is None
    assert audit("user.logout", users["owner"].id)
    assert client.get("/account").status_code == 302


def test_logout_needs_a_signed_in_user(client, users):
    assert client.post("/logout").status_code == 401


def test_login_without_csrf_token_is_refused(app, client, users, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = sign_in(client, "t-owner")
    assert response.status_code == 400
    assert signed_in_id(client) is None


def test_login_with_csrf_token_works(app, client, users, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"username": "t-owner", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert signed_in_id(client) == str(users["owner"].id)


def test_logout_without_csrf_token_is_refused(app, client, users, login, monkeypatch):
    login(users["owner"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/logout").status_code == 400
    assert signed_in_id(client) == str(users["owner"].id)


def test_every_auth_route_declares_one_permission(app):
    endpoints = [rule.endpoint for rule in app.url_map.iter_rules()]
    ours = [e for e in endpoints if e.startswith(f"{bp.name}.")]
    assert sorted(ours) == [
        "auth.account",
        "auth.favicon",
        "auth.login",
        "auth.logout",
        "auth.notices",
        "auth.user_edit",
        "auth.user_new",
        "auth.users",
    ]
    declared = {e: getattr(app.view_functions[e], "permission", None) for e in ours}
    assert declared == {
        "auth.favicon": PUBLIC,
        "auth.login": PUBLIC,
        "auth.logout": Perm.ACCOUNT,
        "auth.account": Perm.ACCOUNT,
        "auth.notices": Perm.ACCOUNT,
        "auth.users": Perm.USER_ADMIN,
        "auth.user_new": Perm.USER_ADMIN,
        "auth.user_edit": Perm.USER_ADMIN,
    }


# The top-bar snippet (base.html includes it) ---------------------------------------------


def render_nav(app, user=None) -> str:
    with app.test_request_context("/"):
        if user is not None:
            login_user(user)
        return render_template_string('{% include "auth/_nav.html" %}')


def test_nav_for_an_admin(app, users):
    html = render_nav(app, users["admin"])
    assert "管理员" in html and "账户" in html and "用户管理" in html
    assert 'action="/logout"' in html and 'name="csrf_token"' in html and "退出" in html


def test_nav_for_an_owner_has_no_user_admin(app, users):
    html = render_nav(app, users["owner"])
    assert "本级负责人" in html and "项目负责人" in html
    assert "用户管理" not in html and "退出" in html


def test_nav_for_anonymous_visitors_links_to_login(app, session):
    html = render_nav(app)
    assert 'href="/login"' in html and "退出" not in html
