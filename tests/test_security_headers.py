"""Security headers on every response (perf/security.py, Flask-Talisman), no-store on signed-in pages, and
templates that the Content-Security-Policy lets run (no inline script, no on… handler)."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def assert_secured(response):
    headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy and "script-src 'self' 'unsafe-inline'" not in policy
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/login", "/static/css/perf.css", "/api/v1/me", "/no-such-page"])
def test_every_response_carries_the_headers_signed_out(client, demo, path):
    response = client.get(path)
    assert_secured(response)
    assert response.headers.get("Cache-Control") != "no-store"  # nothing of a signed-in user to keep out


@pytest.mark.parametrize("path", ["/", "/departments/306/2024", "/departments/306/2024/self-evaluations", "/api/docs"])
def test_a_signed_in_page_is_secured_and_never_stored(client, users, login, path):
    response = login(users["reviewer"]).get(path)
    assert response.status_code == 200
    assert_secured(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/static/css/perf.css").headers.get("Cache-Control") != "no-store"


def test_no_template_has_an_inline_script_or_handler_the_policy_would_block():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for pattern in (inline_script, handler)
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_an_https_only_cookie_over_plain_http_is_explained_on_the_login_page(app, client, demo, monkeypatch):
    assert 'id="https-only"' not in client.get("/login").get_data(as_text=True)  # the default: plain HTTP works
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    page = client.get("/login").get_data(as_text=True)
    assert 'id="https-only"' in page and "请改用 https:// 开头的地址访问" in page
    assert "PERF_" not in page  # no setting name reaches a user
    assert 'id="https-only"' not in client.get("/login", base_url="https://localhost").get_data(as_text=True)
    behind_proxy = client.get("/login", headers={"X-Forwarded-Proto": "https"}).get_data(as_text=True)
    assert 'id="https-only"' not in behind_proxy
