"""The schema comes from the migrations: one head, upgrade from empty, no drift from the models."""

from decimal import Decimal
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

import perf.metadata  # noqa: F401
from perf import create_app
from perf.documents.cli import SAMPLE
from perf.extensions import db
from perf.projects.schemas import BUDGET

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def _script() -> ScriptDirectory:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_there_is_a_single_head():
    assert len(_script().get_heads()) == 1


def test_upgrade_from_empty_creates_every_model_table(app):
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(database_url, tmp_path):
    """A second, empty database goes all the way down and up again."""
    url = database_url
    if url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'again.sqlite'}"
    else:
        url = _fresh_pg_database(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    if not url.startswith("sqlite"):
        _drop_pg_database(url)


def _fresh_pg_database(url: str) -> str:
    parsed = sa.engine.make_url(url)
    name = f"{parsed.database}_again"
    admin = sa.create_engine(parsed, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(url: str) -> None:
    parsed = sa.engine.make_url(url)
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    admin.dispose()


def test_the_exact_money_upgrade_keeps_every_row_and_amount(database_url, tmp_path):
    """0017 -> 0018 rebuilds ``project`` on SQLite: its indicators, plan and versions survive (no cascade),
    the amounts read back the same, and afterwards 330.984 万元 (3,309,840.00 元) is held exactly."""
    url = (
        f"sqlite:///{tmp_path / 'money.sqlite'}"
        if database_url.startswith("sqlite")
        else _fresh_pg_database(database_url)
    )
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    tables = ("project", "indicator", "plan_entry", "kept_version", "self_evaluation", "department_budget")
    with app.app_context():
        upgrade(revision="0017")
        # the sample document only: today's models hold columns 0017 has not (the users' versions)
        sample = resources.files("perf.documents").joinpath(SAMPLE)
        with resources.as_file(sample) as path:
            loaded = app.test_cli_runner().invoke(args=["perf", "import-disclosure", str(path)])
        assert loaded.exit_code == 0, loaded.output
        with db.engine.connect() as conn:
            before = {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}
            old = sa.table("project", sa.column("code"), *(sa.column(c, sa.Numeric(14, 2)) for c in BUDGET))
            amounts = conn.execute(sa.select(old).order_by(old.c.code)).all()
        assert before["indicator"] > 0 and before["plan_entry"] > 0
        upgrade()
        with db.engine.begin() as conn:
            assert {t: conn.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables} == before
            project = sa.table("project", sa.column("code"), *(sa.column(c, sa.Numeric(18, 6)) for c in BUDGET))
            read = conn.execute(sa.select(project).order_by(project.c.code)).all()
            assert [tuple(r) for r in read] == [tuple(r) for r in amounts]
            code = amounts[0].code
            values = {"total": Decimal("330.984"), "fiscal": Decimal("330.974321"), "other": Decimal("0.009679")}
            conn.execute(sa.update(project).where(project.c.code == code).values(**values))
            stored = conn.execute(sa.select(project).where(project.c.code == code)).one()
            assert (stored.total, stored.fiscal, stored.other) == tuple(values.values())
            assert conn.scalar(sa.text("PRAGMA foreign_keys")) == 1 if url.startswith("sqlite") else True
        db.engine.dispose()
    if not url.startswith("sqlite"):
        _drop_pg_database(url)
