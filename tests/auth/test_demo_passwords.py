"""Outside development a demo account signed in with its published password must change it before anything else."""

import flask
import pytest

from perf import create_app

NEW_PASSWORD = "Budget-year-2025"


@pytest.fixture
def production_like(app, monkeypatch):
    monkeypatch.setitem(app.config, "FORCE_DEMO_PASSWORD_CHANGE", True)


def sign_in(client, username="owner", password="perf-owner-2024"):
    flask.g.pop("_login_user", None)
    return client.post("/login", data={"username": username, "password": password})


def test_the_published_password_leads_to_the_account_page_until_it_is_changed(client, demo, production_like):
    answer = sign_in(client)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account")
    page = client.get("/account").get_data(as_text=True)
    assert "演示账户公开的默认密码" in page
    for path in ("/", "/projects/2024/13020724P00X4BL10005W", "/inbox"):
        moved = client.get(path)
        assert moved.status_code == 302 and moved.headers["Location"].endswith("/account"), path
    assert "演示账户公开的默认密码" in client.get("/account").get_data(as_text=True)  # said again, each time
    api = client.get("/api/v1/years")
    assert api.status_code == 403 and "修改演示账户的默认密码" in api.get_json()["message"]
    typed = {"current_password": "perf-owner-2024", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert client.post("/account", data=typed).status_code == 302
    assert "演示账户公开的默认密码" not in client.get("/account").get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/years").status_code == 200


def test_a_changed_password_signs_in_as_usual(client, demo, production_like):
    sign_in(client)
    typed = {"current_password": "perf-owner-2024", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    client.post("/account", data=typed)
    client.post("/logout")
    answer = sign_in(client, password=NEW_PASSWORD)
    assert answer.status_code == 302 and not answer.headers["Location"].endswith("/account")
    assert client.get("/").status_code == 200


def test_development_lets_the_demo_passwords_in(client, demo):
    answer = sign_in(client)
    assert answer.status_code == 302 and not answer.headers["Location"].endswith("/account")
    assert client.get("/").status_code == 200


def test_production_defaults_to_forcing_the_change(monkeypatch, tmp_path):
    monkeypatch.setenv("PERF_ENV", "production")
    monkeypatch.setenv("PERF_SECRET_KEY", "x" * 32)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite'}"})
    assert app.config["FORCE_DEMO_PASSWORD_CHANGE"] is True
