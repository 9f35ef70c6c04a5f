"""The PostgreSQL family is told by the dialect's class, not its name; other engines are refused, never half-served."""

from types import SimpleNamespace

import pytest
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from perf.alerts.models import InboxItem
from perf.db import UnsupportedEngine, family, insert_ignoring_duplicates, transaction_lock


class KingbaseDialect(PGDialect_psycopg):
    """As a KingbaseES, openGauss or HighGo dialect is made: PostgreSQL's, under another name."""

    name = "kingbase"


class Recorder:
    """A session that records what it would run on a given dialect."""

    def __init__(self, dialect):
        self.dialect, self.statements = dialect, []

    def get_bind(self):
        return SimpleNamespace(dialect=self.dialect)

    def execute(self, statement, *args):
        self.statements.append(str(statement.compile(dialect=self.dialect)))


def test_the_family_is_the_dialects_class():
    assert family(KingbaseDialect()) == "postgresql"
    assert family(PGDialect_psycopg()) == "postgresql"
    assert family(sqlite.dialect()) == "sqlite"


def test_another_engine_is_refused_by_name():
    with pytest.raises(UnsupportedEngine, match="not on mysql"):
        family(mysql.dialect())
    with pytest.raises(UnsupportedEngine):
        insert_ignoring_duplicates(Recorder(mysql.dialect()), InboxItem, [{"user_id": 1}], ["user_id"])


def test_a_postgresql_family_engine_gets_on_conflict_and_the_advisory_lock():
    session = Recorder(KingbaseDialect())
    rows = [{"user_id": 1, "alert_id": 2, "event": "opened", "level": "red", "text": "预警"}]
    insert_ignoring_duplicates(session, InboxItem, rows, ["user_id", "alert_id", "event", "level"])
    transaction_lock(session, 7)
    assert "ON CONFLICT (user_id, alert_id, event, level) DO NOTHING" in session.statements[0]
    assert session.statements[1] == "SELECT pg_advisory_xact_lock(%(key)s)"


def test_sqlite_needs_no_lock():
    session = Recorder(sqlite.dialect())
    transaction_lock(session, 7)
    assert session.statements == []
