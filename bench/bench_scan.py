"""Benchmark the milestone scan against the bare SQL aggregate that computes the same numbers.

For each engine (a SQLite file under bench/out/, a PostgreSQL database ``perf_bench``
dropped and recreated), generate the data (``bench/generate.py``) or reuse it, then time,
``--repeat`` times each, as of 2024-07-01:

a. one hand-written SQL statement computing every project's checkpoint, planned and actual
   percent, ratio and level, all rows fetched;
b. ``scan_year`` + ``compute``: the read-only scan (what ``perf scan --json`` computes);
c. ``run_scan`` + commit on empty alert tables: the scan with alert bookkeeping and outbox;
d. ``run_scan`` + commit again right after (c): the steady state, every alert already exists.

(a) and (b) must agree on every project; the run fails otherwise. The report goes to
bench/out/scan-report.md and to standard output.
"""

import argparse
import json
import os
import platform
import resource
import sqlite3
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from generate import YEAR, absolute_url, generate, make_app  # bench/ is on sys.path: this script's folder

from perf.alerts.bookkeeping import run_scan
from perf.extensions import db
from perf.spending.status import compute, scan_year

AS_OF = date(YEAR, 7, 1)
OUT = Path(__file__).resolve().parent / "out"
URLS = {
    "sqlite": f"sqlite:///{OUT / 'perf_bench.sqlite'}",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench",
}
#: Tables the full scan writes; emptied before every repetition of (c).
ALERT_TABLES = ("inbox_item", "notification", "alert", "scan_run")

# Money is exact in integers: with paid in 分 (元 × 100) and the budget in 分 of 万元 (万元 × 100),
# actual % = paid / (budget × 10000) × 100 is, in hundredths of a percent, exactly paid / budget;
# rounding half up (away from zero) is then integer arithmetic, identical on PostgreSQL and on
# SQLite (which has no decimal type: NUMERIC is stored as REAL). Every plan has an entry at every
# checkpoint (the plan form and the importer require it), so the latest passed checkpoint of the
# year is the latest of each plan. The level follows the default LAG_RULES.
BARE_SQL = sa.text(
    """
WITH passed AS (
    SELECT MAX(seq) AS seq FROM checkpoint WHERE year_id = :year_id AND on_date <= :as_of
),
paid AS (
    SELECT pay.project_id, SUM(pay.amount) AS paid
    FROM payment pay JOIN project p ON p.id = pay.project_id
    WHERE p.year_id = :year_id AND pay.paid_on <= :as_of
    GROUP BY pay.project_id
),
cents AS (
    SELECT p.code,
           passed.seq AS checkpoint_seq,
           CAST(ROUND(COALESCE(pe.cumulative_pct, 0) * 100) AS BIGINT) AS planned,
           CAST(ROUND(p.total * 100) AS BIGINT) AS budget,
           CAST(ROUND(COALESCE(paid.paid, 0) * 100) AS BIGINT) AS paid
    FROM project p
    CROSS JOIN passed
    LEFT JOIN plan_entry pe ON pe.project_id = p.id AND pe.seq = passed.seq
    LEFT JOIN paid ON paid.project_id = p.id
    WHERE p.year_id = :year_id
),
actual AS (
    SELECT code, checkpoint_seq, planned,
           CASE WHEN budget = 0 THEN NULL
                WHEN paid >= 0 THEN (2 * paid + budget) / (2 * budget)
                ELSE -((budget - 2 * paid) / (2 * budget)) END AS actual
    FROM cents
),
rated AS (
    SELECT code, checkpoint_seq, planned, actual,
           CASE WHEN planned = 0 OR actual IS NULL THEN NULL
                WHEN actual >= 0 THEN (20000 * actual + planned) / (2 * planned)
                ELSE -((planned - 20000 * actual) / (2 * planned)) END AS ratio
    FROM actual
)
SELECT code, checkpoint_seq, planned, actual, ratio,
       CASE WHEN ratio IS NULL THEN 'green'
            WHEN ratio < 6000 THEN 'red'
            WHEN ratio < 8000 THEN 'yellow'
            ELSE 'green' END AS level
FROM rated
ORDER BY code
"""
).bindparams(sa.bindparam("as_of", type_=sa.Date), sa.bindparam("year_id", type_=sa.Integer))

FIGURES = {
    "a": "(a) bare SQL aggregate, all rows fetched",
    "b": "(b) `compute` (read-only scan)",
    "c": "(c) `run_scan` + commit, alert tables empty",
    "d": "(d) `run_scan` + commit again (steady state)",
}


@dataclass
class Figure:
    """The timings of one measured operation, and what its last run did."""

    times: list[float] = field(default_factory=list)
    statements: Counter = field(default_factory=Counter)  # of the last run, by first SQL keyword
    last: object = None

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


@dataclass
class EngineResult:
    """Everything measured on one engine."""

    engine: str
    server: str
    projects: int
    payments: int
    generation: float | None
    figures: dict[str, Figure]
    levels: Counter
    alerts: dict[str, int]


class StatementCounter:
    """Counts the statements sent to the database while active, by first keyword (SELECT, UPDATE …).

    An executemany is one statement carrying many parameter sets; "<KEYWORD>#rows" counts those,
    so a row-by-row write hidden in one executemany still shows.
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.counts: Counter = Counter()

    def _count(self, _conn, _cursor, statement, parameters, _context, executemany) -> None:
        keyword = statement.lstrip().split(None, 1)[0].upper()
        self.counts[keyword] += 1
        self.counts[f"{keyword}#rows"] += len(parameters) if executemany else 1

    def __enter__(self) -> Counter:
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self.counts

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._count)


def timed(figure: Figure, run: Callable[[], object]) -> None:
    """Run once on a fresh session, adding the wall time (perf_counter) and statements to ``figure``."""
    db.session.remove()
    with StatementCounter(db.engine) as counts:
        started = time.perf_counter()
        figure.last = run()
        figure.times.append(time.perf_counter() - started)
    figure.statements = counts


def bare_sql(year_id: int) -> list:
    """(a): the one statement, every row fetched; on PostgreSQL its CTEs ``MATERIALIZED``, each computed once
    as the scan's queries are (PostgreSQL would otherwise inline them into one plan the scan cannot have)."""
    statement = BARE_SQL
    if db.engine.dialect.name == "postgresql":
        statement = sa.text(BARE_SQL.text.replace(" AS (\n", " AS MATERIALIZED (\n"))
    with db.engine.connect() as conn:
        return conn.execute(statement, {"as_of": AS_OF, "year_id": year_id}).all()


def read_only_scan():
    """(b): what ``perf scan --json`` computes, without the alert bookkeeping."""
    return compute(AS_OF, scan_year(AS_OF, YEAR))


def full_scan():
    """(c) and (d): the scan with alerts, inbox and outbox, committed as the CLI and scheduler do."""
    result = run_scan(AS_OF, "bench")
    db.session.commit()
    return result


def clear_alerts() -> None:
    """Empty the tables the full scan writes, so that (c) opens every alert again."""
    db.session.remove()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"TRUNCATE {', '.join(ALERT_TABLES)}")
        else:
            for table in ALERT_TABLES:
                conn.exec_driver_sql(f"DELETE FROM {table}")


def _hundredths(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-2)


def check_same(rows: Sequence, statuses: Sequence) -> Counter:
    """Fail unless (a) and (b) give the same figures for every project; the number of projects per level."""
    sql = {r.code: (r.checkpoint_seq, _hundredths(r.planned), _hundredths(r.actual), _hundredths(r.ratio), r.level)
           for r in rows}  # fmt: skip
    scan = {s.code: (s.checkpoint_seq, s.planned_pct, s.actual_pct, s.ratio, s.level) for s in statuses}
    differences = [(code, sql.get(code), scan.get(code)) for code in sorted(sql.keys() | scan.keys())
                   if sql.get(code) != scan.get(code)]  # fmt: skip
    if differences or len(rows) != len(statuses):
        shown = "\n".join(f"  {code}: SQL {a} != compute {b}" for code, a, b in differences[:10])
        raise AssertionError(f"(a) and (b) differ on {len(differences)} projects:\n{shown}")
    return Counter(s.level for s in statuses)


def dataset_size(url: str) -> tuple[int, int] | None:
    """(projects, payments) already in the database at ``url``, or None when it has no benchmark data."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return (conn.scalar(sa.text("SELECT COUNT(*) FROM project")),
                    conn.scalar(sa.text("SELECT COUNT(*) FROM payment")))  # fmt: skip
    except sa.exc.DBAPIError:
        return None
    finally:
        engine.dispose()


def prepare(engine: str, url: str, args: argparse.Namespace) -> float | None:
    """Generate the data unless ``--reuse`` finds a database of the asked size; the generation time."""
    if args.reuse:
        found = dataset_size(url)
        if found == (args.projects, args.payments):
            print(f"[{engine}] reusing {found[0]:,} projects and {found[1]:,} payments")
            return None
        print(f"[{engine}] --reuse: found {found}, not ({args.projects}, {args.payments}): generating")
    return generate(url, args.projects, args.payments, args.seed)["timings"]["total"]


def measure_reads(repeat: int) -> dict[str, Figure]:
    """(a) and (b), ``repeat`` times each."""
    year_id = scan_year(AS_OF, YEAR).id
    figures = {"a": Figure(), "b": Figure()}
    for _ in range(repeat):
        timed(figures["a"], lambda: bare_sql(year_id))
        timed(figures["b"], read_only_scan)
    return figures


def measure_scans(repeat: int, scan_repeat: int) -> dict[str, Figure]:
    """(c) on empty alert tables then (d) right after; (c) ``scan_repeat`` times, (d) ``repeat`` times.

    (d) repeated without a new (c) is still the steady state: a scan after a scan changes nothing.
    """
    figures = {"c": Figure(), "d": Figure()}
    for rep in range(max(repeat, scan_repeat)):
        if rep < scan_repeat:
            clear_alerts()
            timed(figures["c"], full_scan)
            print(f"    (c) {figures['c'].times[-1]:.3f} s", flush=True)
        if rep < repeat:
            timed(figures["d"], full_scan)
    return figures


def alert_counts(first) -> dict[str, int]:
    """What the scan with bookkeeping wrote (after the last (d))."""
    counts = {table: db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {table}")) for table in ALERT_TABLES[:3]}
    counts.update(opened=first.opened, escalated=first.escalated, resolved=first.resolved, reminders=first.reminders)
    return counts


def bench_engine(engine: str, args: argparse.Namespace) -> EngineResult:
    """Prepare one engine's database and take the four figures."""
    url = absolute_url(getattr(args, f"{engine}_url"))
    generation = prepare(engine, url, args)
    app = make_app(url)
    with app.app_context():
        print(f"[{engine}] measuring, {args.repeat} repetitions each …", flush=True)
        figures = measure_reads(args.repeat)
        levels = check_same(figures["a"].last, figures["b"].last)
        print(f"[{engine}] (a) and (b) agree on all {len(figures['b'].last):,} projects: {dict(levels)}", flush=True)
        figures.update(measure_scans(args.repeat, args.scan_repeat or args.repeat))
        alerts = alert_counts(figures["c"].last)
        server = db.session.scalar(sa.text("SELECT version()" if engine == "postgresql" else "SELECT sqlite_version()"))
        db.session.remove()
        db.engine.dispose()
    for figure in figures.values():
        figure.last = None  # let the rows go before the next engine
    return EngineResult(engine, server.split(" on ")[0], args.projects, args.payments, generation, figures, levels,
                        alerts)  # fmt: skip


def _statements(counts: Counter) -> str:
    """E.g. "9 SELECT, 2 INSERT (42,367 param sets)": statements by keyword, and the parameter sets of executemany."""
    parts = []
    for keyword, n in counts.most_common():
        if not keyword.endswith("#rows"):
            rows = counts.get(f"{keyword}#rows", n)
            parts.append(f"{n:,} {keyword}" + (f" ({rows:,} param sets)" if rows != n else ""))
    return ", ".join(parts)


def engine_section(result: EngineResult) -> list[str]:
    """The markdown section of one engine."""
    figures = result.figures
    generated = "reused" if result.generation is None else f"{result.generation:.1f} s"
    lines = [
        f"## {result.engine} ({result.server})",
        "",
        f"{result.projects:,} projects, {result.payments:,} payments; generation: {generated}.",
        "",
        "| figure | runs | min s | median s | statements (last run) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for key, label in FIGURES.items():
        fig = figures[key]
        lines.append(
            f"| {label} | {len(fig.times)} | {fig.best:.3f} | {fig.median:.3f} | {_statements(fig.statements)} |"
        )
    ratio_min, ratio_median = figures["b"].best / figures["a"].best, figures["b"].median / figures["a"].median
    levels = ", ".join(f"{level} {result.levels[level]:,}" for level in ("red", "yellow", "green"))
    alerts = result.alerts
    return [
        *lines,
        "",
        f"- (b)/(a): {ratio_min:.1f}× (min), {ratio_median:.1f}× (median); (a) and (b) agree on every project.",
        f"- Projects per level: {levels}.",
        f"- (c) opened {alerts['opened']:,} alerts ({alerts['reminders']:,} reminders); tables after (d): "
        f"alert {alerts['alert']:,}, inbox_item {alerts['inbox_item']:,}, notification {alerts['notification']:,}.",
        "",
    ]


def report(results: list[EngineResult]) -> str:
    """The whole markdown report."""
    head = [
        f"# Milestone scan benchmark, as of {AS_OF.isoformat()}",
        "",
        f"Python {platform.python_version()}, SQLAlchemy {sa.__version__}, sqlite3 library {sqlite3.sqlite_version}; "
        f"{os.cpu_count()} CPUs; wall time (time.perf_counter), min and median over the runs listed per engine.",
        "",
        "| engine | projects | payments | generation s | (a) s | (b) s | (c) s | (d) s | (b)/(a) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        f = r.figures
        generated = "reused" if r.generation is None else f"{r.generation:.1f}"
        head.append(
            f"| {r.engine} | {r.projects:,} | {r.payments:,} | {generated} | {f['a'].median:.3f} | {f['b'].median:.3f} "
            f"| {f['c'].median:.3f} | {f['d'].median:.3f} | {f['b'].median / f['a'].median:.1f}× |"
        )
    head += ["", "Medians in the summary; min and median per engine below.", ""]
    return "\n".join(head + [line for r in results for line in engine_section(r)])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already has this many rows")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sqlite-url", default=URLS["sqlite"])
    parser.add_argument("--postgresql-url", default=URLS["postgresql"])
    parser.add_argument("--scan-repeat", type=int, help="repetitions of (c) (default: --repeat); it can take hours")
    parser.add_argument("--out", type=Path, default=OUT / "scan-report.md")
    parser.add_argument(
        "--report-only", action="store_true", help="measure nothing: write the report from the engines' saved results"
    )
    parser.add_argument(
        "--memory", action="store_true", help="only the first and a steady scan, printing this process's peak memory"
    )
    args = parser.parse_args(argv)
    args.engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    unknown = set(args.engines) - URLS.keys()
    if unknown:
        parser.error(f"unknown engines {sorted(unknown)}")
    if args.repeat < 1 or (args.scan_repeat is not None and args.scan_repeat < 1):
        parser.error("--repeat and --scan-repeat must be at least 1")
    return args


def save(result: EngineResult) -> None:
    """Keep one engine's figures in bench/out/scan-<engine>.json (for ``--report-only``)."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = {**vars(result), "levels": dict(result.levels)}
    data["figures"] = {key: {"times": f.times, "statements": dict(f.statements)} for key, f in result.figures.items()}
    (OUT / f"scan-{result.engine}.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def load(engine: str) -> EngineResult:
    """An engine's figures saved by an earlier run."""
    data = json.loads((OUT / f"scan-{engine}.json").read_text(encoding="utf-8"))
    figures = {key: Figure(f["times"], Counter(f["statements"])) for key, f in data.pop("figures").items()}
    return EngineResult(**{**data, "figures": figures, "levels": Counter(data["levels"])})


def scan_memory(engine: str, args: argparse.Namespace) -> dict:
    """(c) then (d) alone in this process, on a database generated before: the scan's own peak memory."""
    app = make_app(absolute_url(getattr(args, f"{engine}_url")))
    with app.app_context():
        clear_alerts()
        full_scan()
        db.session.remove()
        full_scan()
        db.session.remove()
        db.engine.dispose()
    return {"engine": engine, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark on each engine, then write and print the report."""
    args = parse_args(argv)
    if args.memory:
        print(json.dumps([scan_memory(engine, args) for engine in args.engines]))
        return
    if args.report_only:
        results = [load(engine) for engine in args.engines]
    else:
        results = [bench_engine(engine, args) for engine in args.engines]
        for result in results:
            save(result)
    text = report(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
