"""Declarative base, naming convention, column types, SQLite foreign-key enforcement and one page of a query."""

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    Select,
    String,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    event,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite.base import SQLiteDialect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column
from werkzeug.routing import IntegerConverter

from perf.paging import Page, Window

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: The largest id an integer primary key holds: a larger id names nothing (and must not reach the database).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number past ``MAX_ID`` (a 20-digit id, a year of 30 digits) names
    nothing, so the route does not match (404) instead of the query failing (500)."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)


def bounded_id(value) -> int | None:
    """A query-string or form id (``?copy=``, ``?a=``, a hidden ``item``) as an int, or None when it names nothing."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


#: Money in 万元, exact to the 分: six decimal places (330.984 万元 is 3,309,840.00 元); the pages show two
#: places where that is exact (``perf.numbers.wan_text``). See docs/domain.md#money-precision.
Wan = Annotated[Decimal, mapped_column(Numeric(18, 6))]
#: Money in 元 (payments): two decimal places.
Yuan = Annotated[Decimal, mapped_column(Numeric(16, 2))]
#: A moment, stored with its time zone (always UTC when perf writes it).
Moment = Annotated[datetime, mapped_column(DateTime(timezone=True))]
#: A percent such as 15.00 (meaning 15%).
Pct = Annotated[Decimal, mapped_column(Numeric(5, 2))]


class BlankText(TypeDecorator):
    """Text that may be empty: stored as NULL when empty, read back as "".

    PostgreSQL-family engines in Oracle compatibility (openGauss, KingbaseES) store '' as NULL;
    keeping "no text" as NULL in a nullable column means every engine holds it alike, while
    Python always sees a string.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return value or None

    def process_result_value(self, value, dialect):
        return value or ""


class BlankString(BlankText):
    """A bounded ``BlankText``: ``BlankString(64)``."""

    impl = String
    cache_ok = True  # not inherited: SQLAlchemy asks each TypeDecorator class itself


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


class UnsupportedEngine(RuntimeError):
    """A database engine perf cannot run on correctly (it would not silently fall back)."""


def family(dialect) -> str:
    """ "postgresql" for PostgreSQL and the engines derived from it, "sqlite" for SQLite.

    KingbaseES, openGauss and HighGo name their dialects otherwise (kingbase, opengauss …) but
    build them on SQLAlchemy's PostgreSQL dialect, so the class decides, not the name. Anything
    else is refused: perf's ON CONFLICT, RETURNING and advisory locks have no silent fallback.
    """
    if isinstance(dialect, PGDialect):
        return "postgresql"
    if isinstance(dialect, SQLiteDialect):
        return "sqlite"
    raise UnsupportedEngine(
        f"perf runs on PostgreSQL (or an engine of its family: KingbaseES, openGauss, HighGo) or SQLite, "
        f"not on {dialect.name}"
    )


#: A bulk write of at least this many rows is followed by ANALYZE of the tables it wrote (PostgreSQL), so
#: the next queries are planned on the new row counts rather than waiting for autovacuum.
ANALYZE_AFTER = 5_000
#: The memory a set-based aggregate over every payment of a year may sort and hash in (PostgreSQL's
#: default 4MB spills the 1,000,000 payments of a province to disk), for that statement's transaction.
AGGREGATE_WORK_MEM = "64MB"


def analyze_after_bulk(session, tables: Iterable[str], rows: int) -> None:
    """ANALYZE ``tables`` (perf's own table names) after a write of ``rows`` rows, on the PostgreSQL family."""
    if rows >= ANALYZE_AFTER and family(session.get_bind().dialect) == "postgresql":
        for table in tables:
            session.execute(text(f"ANALYZE {session.get_bind().dialect.identifier_preparer.quote(table)}"))


def aggregate_memory(session) -> None:
    """Let this transaction's aggregates hash in memory (``SET LOCAL work_mem``) on the PostgreSQL family."""
    if family(session.get_bind().dialect) == "postgresql":
        session.execute(text(f"SET LOCAL work_mem = '{AGGREGATE_WORK_MEM}'"))


#: Up to this many ids a list is written ``IN (…)``, one parameter each; above, as one parameter.
INLINE_IDS = 1000


def among(session, column, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column IN ids`` for a list of ids of any length.

    A department's 100,000 project ids are more bound parameters than either engine takes (PostgreSQL's
    protocol 65,535; SQLite 32,766), so a long list goes as one parameter: ``= ANY(array)`` on the
    PostgreSQL family, ``IN (SELECT value FROM json_each(…))`` on SQLite. An empty list matches nothing.
    """
    ids = list(ids)
    if len(ids) <= INLINE_IDS:
        return column.in_(ids or [-1])
    if family(session.get_bind().dialect) == "postgresql":
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(Integer)))
    listed = select(literal_column("value")).select_from(func.json_each(bindparam(None, json.dumps(ids))))
    return column.in_(listed.scalar_subquery())


def insert_ignoring_duplicates(session, model, rows: list[dict], keys: list[str]) -> None:
    """INSERT … ON CONFLICT (keys) DO NOTHING, in one statement, on the PostgreSQL family and SQLite alike."""
    if not rows:
        return
    insert = postgresql.insert if family(session.get_bind().dialect) == "postgresql" else sqlite.insert
    session.execute(insert(model).on_conflict_do_nothing(index_elements=keys), rows)


#: PostgreSQL SQLSTATEs of a write that met another at the same moment: a lock not granted, a
#: serialization failure, a deadlock (one of the two is rolled back).
BUSY_STATES = frozenset({"55P03", "40001", "40P01"})


def is_busy(error: BaseException) -> bool:
    """True when a database error says another transaction held what this one needed at that moment
    (SQLite's "database is locked", PostgreSQL's lock, serialization and deadlock failures): nothing was
    written, and trying again later works."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return state in BUSY_STATES or "database is locked" in str(original or error)


#: The lock every file import holds until it commits (``one_import_at_a_time``).
IMPORT_LOCK = 7_402_332


def one_import_at_a_time(session) -> None:
    """Wait for any other import to commit before this one reads what is stored.

    The same file imported twice at once would otherwise see the same projects missing and both
    create them (the second failing on the unique 项目编码); in turn, the second reads the first's
    projects and payments as stored and reports them unchanged (未变).
    """
    transaction_lock(session, IMPORT_LOCK)


def is_unique_violation(error: BaseException) -> bool:
    """True when a write failed on a unique key (SQLSTATE 23505; SQLite's "UNIQUE constraint failed"): another
    save stored the same key first. Any other integrity error (NOT NULL, a foreign key) is a bug to report."""
    original = getattr(error, "orig", None)
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    return state == "23505" or "UNIQUE constraint failed" in str(original or error)


def transaction_lock(session, key: int) -> None:
    """Hold a lock named ``key`` until the transaction ends: an advisory lock on the PostgreSQL family.

    SQLite needs none: it lets one writer at a time in any case.
    """
    if family(session.get_bind().dialect) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def page_of(session, query: Select, window: Window, scalars: bool = True) -> Page:
    """One page of ``query``'s rows: one query counts them, one fetches the window (moved back to the last page).

    ``scalars``: rows are single objects (``select(Model)``), else tuples.
    """
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    window = window.within(total)  # an empty list still runs the fetch: the same queries whatever the count
    fetched = query.limit(window.per_page).offset(window.offset)
    rows = list(session.scalars(fetched)) if scalars else [tuple(row) for row in session.execute(fetched)]
    return Page(rows, total, window)
