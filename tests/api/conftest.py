"""Fixtures for the API tests: tokens per role, a Bearer client, and live servers on their own databases.

The live servers follow tests/browser/conftest.py: the real app (real CSRF, real commits)
on a throwaway copy of the run's sample template (built by the migrations and loaded with
``perf demo``, tests/conftest.py), served by werkzeug in a daemon thread. The HTTP-only
client test and the schemathesis run each get their own copy, so the fuzzer's writes
cannot change what the client test expects.
"""

import logging
import threading
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import flask
import pytest
from werkzeug.serving import make_server

from perf import create_app
from perf.extensions import db
from tests.conftest import throwaway_database

#: Demo user of each role (perf/auth/demo.py): owner looks after 本级, the unit of all 7 sample projects.
DEMO_USERS = {"owner": "owner", "other_owner": "owner2", "reviewer": "reviewer", "admin": "admin"}


@pytest.fixture
def tokens(session, users):
    """role -> secret of a fresh API token of that role's test user (committed, like the users)."""
    from perf.auth.tokens import create_token

    secrets = {role: create_token(user, f"测试 {role}")[1] for role, user in users.items()}
    session.commit()
    return secrets


@pytest.fixture
def api(client, tokens):
    """api(method, url, role=None, **kwargs): a request with the role's Bearer token (None: anonymous)."""

    def call(method: str, url: str, role: str | None = None, headers: dict | None = None, **kwargs):
        # Requests reuse the test's app context: forget the previous request's user (as tests/conftest.py login does).
        flask.g.pop("_login_user", None)
        headers = dict(headers or {})
        if role is not None:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        return client.open(url, method=method, headers=headers, **kwargs)

    return call


@contextmanager
def live_server(prefix: str, folder, sample_template):
    """A live perf on a new copy of the sample template and a token per demo user; yields base URL and tokens.

    ``sample_template`` is the session fixture of tests/conftest.py (migrations, then ``perf demo``).
    """
    with throwaway_database(prefix, folder, template=sample_template.url) as url:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": True,
                "SECRET_KEY": f"api-{uuid.uuid4().hex}",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            }
        )
        secrets = _demo_tokens(app)
        werkzeug_log = logging.getLogger("werkzeug")
        level = werkzeug_log.level
        werkzeug_log.setLevel(logging.WARNING)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name=f"perf-{prefix}", daemon=True)
        thread.start()
        try:
            yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", tokens=secrets, app=app)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            werkzeug_log.setLevel(level)
            with app.app_context():
                db.engine.dispose()


def _demo_tokens(app) -> dict[str, str]:
    """A token for each demo user, made the way the account page makes them."""
    import sqlalchemy as sa

    from perf.auth.models import User
    from perf.auth.tokens import create_token

    with app.app_context():
        secrets = {}
        for role, username in DEMO_USERS.items():
            user = db.session.scalar(sa.select(User).where(User.username == username))
            secrets[role] = create_token(user, "接口测试")[1]
        db.session.commit()
        db.session.remove()
    return secrets


@pytest.fixture(scope="session")
def client_server(tmp_path_factory, sample_template):
    """The live server the HTTP-only client test talks to."""
    with live_server("perf_api_client", tmp_path_factory.mktemp("api-client-db"), sample_template) as server:
        yield server


APPROVED_CODE = "13020724P00X4BL10005W"


@pytest.fixture
def world(session, users, tokens):
    """Objects to act on: a draft and a submitted table of the owner's unit, an approved sample project with a
    payment, an open and an answered alert, an actual value and a scan run; with the ETags an update needs."""
    from datetime import date
    from decimal import Decimal as D

    import sqlalchemy as sa

    from perf.actuals.services import set_actual
    from perf.alerts.models import Alert, ScanRun
    from perf.imports import services as imports
    from perf.projects.models import Project
    from perf.projects.services import create_project
    from perf.spending.schemas import PaymentData
    from perf.spending.services import add_payment
    from tests.factories import target_table

    owner = users["owner"]
    approved = session.scalar(sa.select(Project).where(Project.code == APPROVED_CODE))

    def new(code):
        return create_project(approved.budget_year, owner.units[0], target_table(code), actor="test")

    draft, submitted = new("DRAFT1"), new("SUBMIT1")
    submitted.status = "submitted"
    alerts = [
        Alert(
            project_id=approved.id,
            checkpoint_seq=seq,
            kind="lag",
            level="red",
            status=status,
            planned_pct=D(30),
            actual_pct=D(0),
            as_of=date(2024, 7, 1),
        )
        for seq, status in ((2, "open"), (3, "answered"))
    ]
    session.add_all(alerts)
    session.add(ScanRun(as_of=date(2024, 7, 1), source="cli", projects=7))
    payment = add_payment(approved, PaymentData(approved.code, date(2024, 6, 30), D("1000"), "PZ-WORLD"), "test")
    indicator = approved.indicators[0]
    set_actual(indicator, "41%", date(2024, 6, 30), "test")
    upload = imports.check("payments", "支付.csv", "项目编码\n1\n".encode(), owner)  # the owner's, with a problem
    session.commit()  # requests that roll back must not take the fixture's rows with them
    return SimpleNamespace(
        draft=draft.id,
        submitted=submitted.id,
        approved=approved.id,
        approved_code=approved.code,
        own_unit=owner.units[0].id,
        other_unit=users["other_owner"].units[0].id,
        alert=alerts[0].id,
        answered_alert=alerts[1].id,
        payment=payment.id,
        indicator=indicator.id,
        import_record=upload.id,
    )


def etag_of(api, url: str, role: str = "owner") -> str:
    """The ETag a GET of ``url`` answers with."""
    response = api("GET", url, role)
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"]
