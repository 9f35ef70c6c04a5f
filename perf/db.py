"""Declarative base, naming convention, column types and SQLite foreign-key enforcement."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import DateTime, MetaData, Numeric, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Money in 万元 as published: two decimal places.
Wan = Annotated[Decimal, mapped_column(Numeric(14, 2))]
#: Money in 元 (payments): two decimal places.
Yuan = Annotated[Decimal, mapped_column(Numeric(16, 2))]
#: A moment, stored with its time zone (always UTC when perf writes it).
Moment = Annotated[datetime, mapped_column(DateTime(timezone=True))]
#: A percent such as 15.00 (meaning 15%).
Pct = Annotated[Decimal, mapped_column(Numeric(5, 2))]


class Base(DeclarativeBase):
    """Base for every model; constraint names follow NAMING_CONVENTION."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Aware UTC now, as a callable column default."""
    return datetime.now(UTC)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlite3")


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """Enforce foreign keys, and let SQLAlchemy (not pysqlite) open transactions.

    pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL; this is
    the fix SQLAlchemy documents ("Serializable isolation / Savepoints / Transactional DDL").
    """
    if _is_sqlite(dbapi_connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """Emit BEGIN ourselves on SQLite (see ``_sqlite_connect``)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")


def insert_ignoring_duplicates(session, model, rows: list[dict], keys: list[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO NOTHING, in one statement, on PostgreSQL and SQLite alike."""
    if not rows:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(model).on_conflict_do_nothing(index_elements=keys), rows)
