"""Build a benchmark database: the schema by the migrations, then a large year of projects and payments.

One department with 10 units, budget year 2024 with the default checkpoints (3月底, 6月底,
10月底, 12月底), N projects each with a valid 4-entry 资金支出计划, and M payments in 元
spread over 2024 (some projects have none, a few payments are refunds naming an earlier
voucher of the same project). Rows are written in bulk, never through the ORM: Core
``insert()`` executemany batches on SQLite, ``COPY … FROM STDIN`` on PostgreSQL. The same
seed always gives the same rows.

    .venv/bin/python bench/generate.py --url sqlite:///bench/out/perf_bench.sqlite
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench
"""

import argparse
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from perf import create_app  # noqa: E402
from perf.extensions import db  # noqa: E402

YEAR = 2024
YEAR_ID = 1
DEPARTMENT_ID = 1
UNITS = 10
#: (seq, date, label, is_final): the default checkpoint set of a budget year.
CHECKPOINTS = (
    (1, date(YEAR, 3, 31), "3月底", False),
    (2, date(YEAR, 6, 30), "6月底", False),
    (3, date(YEAR, 10, 31), "10月底", False),
    (4, date(YEAR, 12, 31), "12月底", True),
)
#: Rows per executemany batch on SQLite.
BATCH = 20_000
#: Share of projects with no payment at all (new projects, money not yet released).
NO_PAYMENT_SHARE = 0.03
#: Share of paying projects with one refund (退款) among their payments.
REFUND_SHARE = 0.05
#: Every row is stamped with the same moment so that two runs give the same database.
STAMP = datetime(YEAR, 1, 2, 9, 0, tzinfo=UTC)
DAYS_IN_YEAR = (date(YEAR + 1, 1, 1) - date(YEAR, 1, 1)).days
KINDS = (
    "政务服务大厅运行经费",
    "信息化系统运维",
    "办公场所租赁",
    "专项业务工作经费",
    "办公设备购置",
    "业务培训经费",
    "政策宣传经费",
    "课题研究",
    "网络安全等级保护",
    "档案数字化",
)

#: table -> column names, in the order the generated tuples hold them.
COLUMNS = {
    "department": ("id", "code", "name"),
    "unit": ("id", "department_id", "name", "nature", "rank", "funding"),
    "budget_year": ("id", "year", "scheme"),
    "checkpoint": ("year_id", "seq", "on_date", "label", "is_final"),
    "user_account": (
        "id", "username", "display_name", "email", "password_hash", "role", "department_id", "active", "created_at",
    ),
    "user_unit": ("user_id", "unit_id"),
    "project": (
        "id", "year_id", "unit_id", "code", "name", "total", "fiscal", "other",
        "purpose", "goal", "status", "lock_version", "created_at", "updated_at",
    ),
    "plan_entry": ("project_id", "year_id", "seq", "cumulative_pct", "prev_seq", "prev_pct", "is_final"),
    "payment": (
        "id", "project_id", "paid_on", "amount", "source", "voucher_no", "refund_of", "note", "created_at",
    ),
}  # fmt: skip
#: Tables whose integer id comes from a sequence on PostgreSQL (explicit ids are written here).
SERIAL_TABLES = ("department", "unit", "budget_year", "user_account", "project", "payment")


def absolute_url(url: str) -> str:
    """``url`` with a relative SQLite path made absolute (Flask-SQLAlchemy would read it from instance/)."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return url
    return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)


def make_app(url: str) -> Flask:
    """The perf app on ``url``: development settings (no e-mail), no pool pre-ping (nothing goes stale here)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": {}})


def reset_database(url: str) -> None:
    """Make the database at ``url`` empty: delete the SQLite file, or drop and create the PostgreSQL database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    admin.dispose()


# --- rows -------------------------------------------------------------------------------------------------------


def small_rows() -> dict[str, list[tuple]]:
    """The department, its units, the year and its checkpoints, one owner and one reviewer."""
    units = [(1, DEPARTMENT_ID, "基准测试局本级", "行政", "正处级", "财政拨款")]
    units += [(k, DEPARTMENT_ID, f"直属事业单位{k - 1}", "事业", "正科级", "财政拨款") for k in range(2, UNITS + 1)]
    no_login = "!bench-no-login"  # not a werkzeug hash: nobody can sign in as these users
    return {
        "department": [(DEPARTMENT_ID, "900", "基准测试局")],
        "unit": units,
        "budget_year": [(YEAR_ID, YEAR, "2021")],
        "checkpoint": [(YEAR_ID, seq, on, label, final) for seq, on, label, final in CHECKPOINTS],
        "user_account": [
            (1, "bench-owner", "基准负责人", "", no_login, "owner", None, True, STAMP),
            (2, "bench-reviewer", "基准审核", "", no_login, "reviewer", DEPARTMENT_ID, True, STAMP),
        ],
        "user_unit": [(1, unit[0]) for unit in units],
    }


def budget_fen(rng: random.Random) -> int:
    """A project budget in 分 of 万元 (i.e. 万元 × 100): log-normal around 30 万元, 0.50 to 20,000 万元."""
    wan = rng.lognormvariate(3.4, 1.3)
    return max(50, min(2_000_000, round(wan * 100)))


def split_other(rng: random.Random, total: int) -> int:
    """The 其他资金 part of a budget (分 of 万元): none for most projects."""
    if rng.random() >= 0.2:
        return 0
    other = round(total * rng.uniform(0.05, 0.5))
    # SQLite stores NUMERIC as REAL: keep total = fiscal + other true in binary floating point too.
    return other if (total - other) / 100 + other / 100 == total / 100 else 0


def project_rows(rng: random.Random, count: int) -> tuple[list[tuple], list[int]]:
    """Project rows, and each project's budget in 分 of 万元 (index = id - 1)."""
    rows, budgets = [], []
    for pid in range(1, count + 1):
        unit = rng.randint(1, UNITS)
        total = budget_fen(rng)
        other = split_other(rng, total)
        code = f"130207{unit:02d}P{YEAR % 100}{pid:07d}"
        name = f"{rng.choice(KINDS)}（{pid}）"
        rows.append(
            (pid, YEAR_ID, unit, code, name, _cents(total), _cents(total - other), _cents(other),
             "", "", "approved", 1, STAMP, STAMP)
        )  # fmt: skip
        budgets.append(total)
    return rows, budgets


def plan_pcts(rng: random.Random) -> tuple[Decimal, ...]:
    """A cumulative plan for the four checkpoints: non-decreasing, ending at 100 (in percent)."""
    if rng.random() < 0.02:  # back-loaded: nothing planned before October
        return (Decimal(0), Decimal(0), Decimal(50), Decimal(100))
    if rng.random() < 0.8:  # most plans use round numbers
        q1 = rng.randrange(0, 31, 5)
        q2 = rng.randrange(q1 + 10, min(q1 + 50, 80) + 1, 5)
        q3 = rng.randrange(q2 + 5, 96, 5)
        return (Decimal(q1), Decimal(q2), Decimal(q3), Decimal(100))
    q1 = rng.randint(0, 3000)
    q2 = rng.randint(q1 + 500, 8000)
    q3 = rng.randint(q2, 9900)
    return (_cents(q1), _cents(q2), _cents(q3), Decimal(100))


def plan_rows(rng: random.Random, count: int) -> list[tuple]:
    """Four chained plan entries per project: prev_seq/prev_pct repeat the previous entry."""
    rows = []
    for pid in range(1, count + 1):
        previous = (None, Decimal(0))
        for (seq, _on, _label, final), pct in zip(CHECKPOINTS, plan_pcts(rng), strict=True):
            rows.append((pid, YEAR_ID, seq, pct, previous[0], previous[1], final))
            previous = (seq, pct)
    return rows


def project_payments(rng: random.Random, pid: int, budget: int, count: int) -> list[tuple]:
    """``count`` payments (refund included) of one project, without ids, in date order."""
    spend = budget * 10_000 * rng.uniform(0.55, 1.0)  # 分 (元 × 100) paid over the year
    pace = rng.uniform(0.6, 1.9)  # > 1 pays early in the year, < 1 late
    refund = count >= 2 and rng.random() < REFUND_SHARE
    regular = count - refund
    weights = [rng.random() + 0.05 for _ in range(regular)]
    scale = spend / sum(weights)
    days = sorted(int(DAYS_IN_YEAR * rng.random() ** pace) for _ in range(regular))
    source = "other" if rng.random() < 0.1 else "fiscal"
    rows = [
        (pid, date(YEAR, 1, 1) + timedelta(days=day), max(100, int(w * scale)), source, f"{YEAR}-{k:05d}", None)
        for k, (day, w) in enumerate(zip(days, weights, strict=True), start=1)
    ]
    if refund:
        rows.append(refund_of(rng, rng.choice(rows)))
    return rows


def refund_of(rng: random.Random, original: tuple) -> tuple:
    """A refund (退款) of part or all of ``original``, a few days to two months later, within the year."""
    pid, paid_on, cents, source, voucher, _ = original
    on = min(paid_on + timedelta(days=rng.randint(1, 60)), date(YEAR, 12, 31))
    amount = -max(1, round(cents * rng.uniform(0.05, 1.0)))
    return (pid, on, amount, source, f"TK{YEAR}-{voucher[-5:]}", voucher)


def payment_rows(rng: random.Random, budgets: Sequence[int], count: int) -> list[tuple]:
    """``count`` payments over the projects, in date order with ids from 1 (as a year of entries would be)."""
    paying = [pid for pid in range(1, len(budgets) + 1) if rng.random() >= NO_PAYMENT_SHARE]
    if not paying or not count:
        return []
    weights = [budgets[pid - 1] ** 0.3 * rng.lognormvariate(0, 0.5) for pid in paying]
    per_project = Counter(rng.choices(paying, weights=weights, k=count))
    rows = []
    for pid in paying:
        if per_project[pid]:
            rows.extend(project_payments(rng, pid, budgets[pid - 1], per_project[pid]))
    rows.sort(key=itemgetter(1, 0))
    return [(i, *row[:2], _cents(row[2]), *row[3:], "", STAMP) for i, row in enumerate(rows, start=1)]


def _cents(value: int) -> Decimal:
    """An integer number of hundredths as an exact two-place Decimal."""
    return Decimal(value).scaleb(-2)


# --- loading ----------------------------------------------------------------------------------------------------


def load(conn: sa.Connection, table: str, rows: Iterable[tuple]) -> None:
    """Write ``rows`` into ``table``: COPY on PostgreSQL, Core executemany batches elsewhere."""
    columns = COLUMNS[table]
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.close()
        return
    statement = sa.insert(db.metadata.tables[table])
    rows = list(rows)
    for start in range(0, len(rows), BATCH):
        conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in rows[start : start + BATCH]])


def finish(conn: sa.Connection) -> None:
    """Move PostgreSQL's id sequences past the explicit ids, and refresh the planner's statistics."""
    if conn.dialect.name == "postgresql":
        for table in SERIAL_TABLES:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
    conn.exec_driver_sql("ANALYZE")


def generate(url: str, projects: int = 100_000, payments: int = 1_000_000, seed: int = 2024, echo=print) -> dict:
    """Build the database at ``url`` from empty and fill it; returns row counts and timings (seconds)."""
    started = time.perf_counter()
    url = absolute_url(url)
    reset_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade()
        schema_done = time.perf_counter()
        rng = random.Random(seed)
        tables = small_rows()
        tables["project"], budgets = project_rows(rng, projects)
        tables["plan_entry"] = plan_rows(rng, projects)
        tables["payment"] = payment_rows(rng, budgets, payments)
        rows_done = time.perf_counter()
        with db.engine.begin() as conn:
            for table, rows in tables.items():
                load(conn, table, rows)
            loaded = time.perf_counter()
            finish(conn)
        counts = {table: _count(table) for table in tables}
        db.engine.dispose()
    done = time.perf_counter()
    timings = {
        "schema": schema_done - started,
        "rows": rows_done - schema_done,
        "load": loaded - rows_done,
        "analyze": done - loaded,
        "total": done - started,
    }
    echo(
        f"generated {sa.make_url(url).render_as_string()} in {timings['total']:.1f} s "
        f"(schema {timings['schema']:.1f}, rows in Python {timings['rows']:.1f}, "
        f"load {timings['load']:.1f}, analyze {timings['analyze']:.1f})"
    )
    echo("rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    return {"counts": counts, "timings": timings}


def _count(table: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[table]))


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: generate one database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL; the database is dropped and rebuilt")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args(argv)
    generate(args.url, args.projects, args.payments, args.seed)


if __name__ == "__main__":
    main()
