"""Test fixtures: one database per run (SQLite or PostgreSQL), built by the migrations,
and a rollback after every test.

PERF_TEST_DATABASE selects the engine: ``sqlite`` (default) or ``postgresql``. The
PostgreSQL run creates a throwaway database next to PERF_TEST_PG_URL's and fails the
whole run, never skips, when the server cannot be reached.
"""

import os
import uuid
from contextlib import contextmanager

import flask
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from perf import create_app
from perf.extensions import db

#: The suite's one query counter (tests/queries.py).
pytest_plugins = ["tests.queries"]

ENGINE = os.environ.get("PERF_TEST_DATABASE", "sqlite")
PG_URL = os.environ.get("PERF_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_report_header(config):
    return f"perf test database: {ENGINE}"


@contextmanager
def throwaway_database(prefix: str, folder, engine: str = ENGINE):
    """A new, empty database, dropped afterwards: a SQLite file in ``folder`` or a PostgreSQL database.

    The run fails, never skips, when PostgreSQL cannot be reached.
    """
    if engine == "sqlite":
        yield f"sqlite:///{folder / f'{prefix}.sqlite'}"
        return
    if engine != "postgresql":
        pytest.exit(f"PERF_TEST_DATABASE must be sqlite or postgresql, not {engine!r}", 2)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.exit(f"PostgreSQL is not reachable at {PG_URL}: {exc}", 3)
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A new, empty database for this run."""
    with throwaway_database("perf_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    """The app on the run's database, its schema built by the migrations."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; tests/auth checks the scrypt default
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app):
    """db.session inside a transaction that is rolled back after the test.

    Every session the app opens during the test (requests, CLI commands) joins the same
    connection; their commits only release savepoints.
    """
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        engines = db.engines
        original = engines[None]
        engines[None] = connection
        factory_kw = dict(db.session.session_factory.kw)
        db.session.remove()
        db.session.session_factory.configure(join_transaction_mode="create_savepoint")
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session.session_factory.kw.clear()
            db.session.session_factory.kw.update(factory_kw)
            engines[None] = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, session):
    """A test client whose requests see the test's data."""
    return app.test_client()


@pytest.fixture
def runner(app, session):
    """A CLI runner whose commands see (and roll back with) the test's data."""
    return app.test_cli_runner(mix_stderr=False) if _runner_takes_mix_stderr() else app.test_cli_runner()


def _runner_takes_mix_stderr() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


@pytest.fixture
def demo(runner):
    """The bundled sample department, imported through the CLI."""
    result = runner.invoke(args=["perf", "demo"])
    assert result.exit_code == 0, result.output + (result.stderr or "")
    return result


PASSWORD = "correct-horse-9"


@pytest.fixture
def users(session, demo):
    """One user per role over the sample department: two owners of different units."""
    from werkzeug.security import generate_password_hash

    from perf.auth.models import User
    from perf.org.models import Department, Unit

    department = session.scalar(sa.select(Department).where(Department.code == "306"))
    own, other = session.scalars(sa.select(Unit).order_by(Unit.id)).all()
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    people = {
        "owner": User(username="t-owner", display_name="本级负责人", role="owner", units=[own]),
        "other_owner": User(username="t-other", display_name="中心负责人", role="owner", units=[other]),
        "reviewer": User(username="t-reviewer", display_name="财务审核", role="reviewer", department=department),
        "admin": User(username="t-admin", display_name="管理员", role="admin"),
    }
    for user in people.values():
        user.password_hash = hashed
        session.add(user)
    session.commit()  # a request that rolls back must not take the users with it
    return people


@pytest.fixture
def login(client):
    """login(user) signs the test client in as ``user`` (None signs out)."""

    def sign_in(user):
        # Requests reuse the test's app context, so Flask-Login's cached user in ``g`` must go.
        flask.g.pop("_login_user", None)
        with client.session_transaction() as flask_session:
            flask_session.clear()
            if user is not None:
                flask_session["_user_id"] = str(user.id)
                flask_session["_fresh"] = True
        return client

    return sign_in
