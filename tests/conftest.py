"""Test fixtures: two databases per run (SQLite or PostgreSQL), built by the migrations,
and a rollback after every test.

One database stays empty; the other holds the sample department, loaded once per run by
``perf demo`` into a template that is then copied (a SQLite file copy, PostgreSQL's
``CREATE DATABASE … TEMPLATE``). A test that requests ``demo`` (directly or through
another fixture) runs on the sample copy, every other test on the empty database; either
way inside a transaction rolled back afterwards. The live servers (tests/api,
tests/browser) get copies of the same template.

PERF_TEST_DATABASE selects the engine: ``sqlite`` (default) or ``postgresql``. The
PostgreSQL run creates throwaway databases next to PERF_TEST_PG_URL's and fails the
whole run, never skips, when the server cannot be reached. Under pytest-xdist every
worker builds its own databases (their names are unique, SQLite files live in the
worker's own tmp folder).
"""

import os
import shutil
import time
import uuid
from contextlib import contextmanager
from types import SimpleNamespace

import flask
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from hypothesis import settings as hypothesis_settings

from perf import create_app
from perf.extensions import db
from perf.jobs.queue import queue_of

#: pytest-xdist's side of the suite (tests/parallel.py: which tests share a worker, unique ids) and the
#: suite's one query counter (tests/queries.py).
pytest_plugins = ["tests.parallel", "tests.queries"]

#: Hypothesis checks properties, not speed: no per-example deadline (a busy machine or CI runner made
#: a 0.1 ms example take 346 ms once and fail as "flaky"); speed is measured in bench/, never in tests.
hypothesis_settings.register_profile("perf", deadline=None)
hypothesis_settings.load_profile("perf")

ENGINE = os.environ.get("PERF_TEST_DATABASE", "sqlite")
PG_URL = os.environ.get("PERF_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

#: The configuration every test app shares (the live servers add real CSRF and their own key).
TEST_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; tests/auth checks the scrypt default
}


def pytest_report_header(config):
    return f"perf test database: {ENGINE}"


def pytest_sessionstart(session):
    """Fail the run at once (never skip) on a wrong engine name or an unreachable PostgreSQL.

    Under pytest-xdist this runs in the controller before any worker starts, so the run
    stops with one message instead of one per worker.
    """
    if ENGINE not in ("sqlite", "postgresql"):
        pytest.exit(f"PERF_TEST_DATABASE must be sqlite or postgresql, not {ENGINE!r}", 2)
    if ENGINE == "postgresql":
        admin = sa.create_engine(PG_URL)
        try:
            with admin.connect():
                pass
        except sa.exc.OperationalError as exc:
            pytest.exit(f"PostgreSQL is not reachable at {PG_URL}: {exc}", 3)
        finally:
            admin.dispose()


@contextmanager
def throwaway_database(prefix: str, folder, engine: str = ENGINE, template: str | None = None):
    """A new database, dropped afterwards: a SQLite file in ``folder`` or a PostgreSQL database.

    Empty, or a copy of ``template`` (a database URL of the same engine that nobody is
    connected to): a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL.
    The run fails, never skips, when PostgreSQL cannot be reached.
    """
    if engine == "sqlite":
        path = folder / f"{prefix}.sqlite"
        if template is not None:
            shutil.copyfile(sa.engine.make_url(template).database, path)
        yield f"sqlite:///{path}"
        return
    if engine != "postgresql":
        pytest.exit(f"PERF_TEST_DATABASE must be sqlite or postgresql, not {engine!r}", 2)
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    create = f'CREATE DATABASE "{name}"'
    if template is not None:
        create += f' TEMPLATE "{sa.engine.make_url(template).database}"'
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            _create_database(conn, create)
    except sa.exc.OperationalError as exc:
        pytest.exit(f"PostgreSQL is not reachable at {PG_URL}: {exc}", 3)
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _create_database(conn, statement: str, attempts: int = 50) -> None:
    """Run CREATE DATABASE; a template whose last connection is still closing is retried briefly."""
    for attempt in range(attempts):
        try:
            conn.exec_driver_sql(statement)
            return
        except sa.exc.OperationalError as exc:
            if "is being accessed by other users" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.1)


def make_app(url: str, **config):
    """An app of the suite's configuration on the database at ``url``."""
    return create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


def cli_runner(app):
    """A CLI runner that keeps stderr apart where click lets it (click 8.1; 8.2 always does)."""
    return app.test_cli_runner(mix_stderr=False) if _runner_takes_mix_stderr() else app.test_cli_runner()


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory):
    """A database built by the migrations and loaded by ``perf demo``, committed: built once per run
    (per xdist worker) and only ever copied, never connected to afterwards.

    Yields its URL and the click Result of that ``perf demo`` (the ``demo`` fixture returns it).
    """
    with throwaway_database("perf_sample_template", tmp_path_factory.mktemp("sample-template")) as url:
        app = make_app(url)
        with app.app_context():
            upgrade()
        result = cli_runner(app).invoke(args=["perf", "demo"])
        with app.app_context():
            db.engine.dispose()
        assert result.exit_code == 0, result.output + (result.stderr or "") + repr(result.exception)
        yield SimpleNamespace(url=url, result=result)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A new, empty database for this run."""
    with throwaway_database("perf_test", tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The app on the run's (empty) database, its schema built by the migrations; job files in a tmp folder."""
    app = make_app(database_url, JOBS_FOLDER=str(tmp_path_factory.mktemp("jobs")))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def sample_engine(sample_template, tmp_path_factory):
    """An engine on this run's copy of the sample template: the ``session`` of a ``demo`` test binds to it."""
    with throwaway_database("perf_sample", tmp_path_factory.mktemp("sample-db"), template=sample_template.url) as url:
        with make_app(url).app_context():
            engine = db.engine  # made by Flask-SQLAlchemy with the app's engine options
        yield engine
        engine.dispose()


#: Whether the test's ``session`` is bound to the sample database (see ``demo``).
ON_SAMPLE = pytest.StashKey[bool]()


@pytest.fixture
def session(request, app):
    """db.session inside a transaction that is rolled back after the test.

    Every session the app opens during the test (requests, CLI commands) joins the same
    connection; their commits only release savepoints. The connection is to the sample
    database when the test requests ``demo`` (directly or through another fixture), else
    to the empty one.
    """
    on_sample = "demo" in request.fixturenames
    request.node.stash[ON_SAMPLE] = on_sample
    with app.app_context():
        engine = request.getfixturevalue("sample_engine") if on_sample else db.engine
        connection = engine.connect()
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
    return cli_runner(app)


def _runner_takes_mix_stderr() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


@pytest.fixture
def demo(request, session, sample_template):
    """The bundled sample department, imported through the CLI: the test's ``session`` sees a copy of
    the sample template, which ``perf demo`` loaded once per run. Returns the click Result of that
    ``perf demo`` (its output says what was imported)."""
    if not request.node.stash.get(ON_SAMPLE, False):
        pytest.fail("request `demo` as a fixture argument: the session was bound before it", pytrace=False)
    return sample_template.result


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
        "leader": User(username="t-leader", display_name="部门领导", role="leader", department=department),
    }
    for user in people.values():
        user.password_hash = hashed
        session.add(user)
    session.commit()  # a request that rolls back must not take the users with it
    return people


@pytest.fixture
def queue_file(app, tmp_path, monkeypatch):
    """Jobs wait on a huey queue file of the test's own (not run at once); yields the app's queue.

    The app builds its queue on first use, so the one built here is dropped afterwards: the next
    test builds the immediate one again from the restored config.
    """
    monkeypatch.setitem(app.config, "JOBS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "JOBS_QUEUE_URL", f"sqlite:///{tmp_path / 'queue.sqlite'}")
    for key in ("perf_jobs_queue", "perf_jobs_task"):
        app.extensions.pop(key, None)
    yield queue_of(app)
    for key in ("perf_jobs_queue", "perf_jobs_task"):
        app.extensions.pop(key, None)


@pytest.fixture
def login(client):
    """login(user) signs the test client in as ``user`` (None signs out)."""

    def sign_in(user):
        # Requests reuse the test's app context, so Flask-Login's cached user in ``g`` must go.
        flask.g.pop("_login_user", None)
        with client.session_transaction() as flask_session:
            flask_session.clear()
            if user is not None:
                flask_session["_user_id"] = user.get_id()
                flask_session["_fresh"] = True
        return client

    return sign_in
