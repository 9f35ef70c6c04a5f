"""Benchmark the payments import against a bare CSV read and ``executemany`` of the same rows.

For each engine, generate a year of projects without payments (``bench/generate.py``), write a
CSV of M payments (the generator's, in 元, refunds included) in the treasury layout perf reads
(项目编码, 支付日期, 金额（元）, 凭证号, 资金来源, 原凭证号, 摘要), then time, ``--repeat``
times each, the payment and audit tables emptied before each run (not timed):

a. the floor: ``csv.reader`` over the decoded file, every row's project id from one
   ``code -> id`` query, ``Decimal`` and ``date`` parsed, one ``executemany`` INSERT of every
   row into ``payment``, commit;
b. ``import_payments`` + commit: what ``perf import-payments`` and the upload page run (every
   row through the payment schema and the rules, an audit entry per payment);
c. the same file again: every row "unchanged", nothing written.

The report goes to bench/out/import-report.md and to standard output.
"""

import argparse
import csv
import io
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from generate import absolute_url, generate, make_app, payment_rows, plan_rows, project_rows  # bench/ on sys.path

from perf.extensions import db
from perf.spending.importer import import_payments

OUT = Path(__file__).resolve().parent / "out"
URLS = {
    "sqlite": f"sqlite:///{OUT / 'perf_bench_import.sqlite'}",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench_import",
}
HEADER = ["项目编码", "支付日期", "金额（元）", "凭证号", "资金来源", "原凭证号", "摘要"]
SOURCES = {"fiscal": "财政资金", "other": "其他资金"}


@dataclass
class Figure:
    label: str
    seconds: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def payments_csv(projects: int, payments: int, seed: int) -> bytes:
    """The generator's payments for its projects (same seed, same rows), as a treasury CSV in 元."""
    rng = random.Random(seed)
    rows, budgets = project_rows(rng, projects)
    codes = {row[0]: row[3] for row in rows}
    plan_rows(rng, projects)  # keeps the generator's random sequence in step
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for _id, pid, paid_on, amount, source, voucher, refund_of, _note, _at in payment_rows(rng, budgets, payments):
        amount_text, refund = f"{amount:.2f}", refund_of or ""
        writer.writerow([codes[pid], paid_on.isoformat(), amount_text, voucher, SOURCES[source], refund, ""])
    return out.getvalue().encode("utf-8")


def empty_payments() -> None:
    db.session.execute(sa.delete(db.metadata.tables["payment"]))
    db.session.execute(sa.delete(db.metadata.tables["audit_entry"]))
    db.session.commit()


def floor(data: bytes) -> int:
    """Read the CSV bare and insert every row with one executemany."""
    ids = dict(db.session.execute(sa.text("SELECT code, id FROM project")).all())
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    next(reader)
    rows = [
        {
            "project_id": ids[code],
            "paid_on": date.fromisoformat(on),
            "amount": Decimal(amount),
            "voucher_no": voucher,
            "source": "other" if source == "其他资金" else "fiscal",
            "refund_of": refund or None,
            "note": note,
            "over_budget": False,
        }
        for code, on, amount, voucher, source, refund, note in reader
    ]
    db.session.execute(sa.insert(db.metadata.tables["payment"]), rows)
    db.session.commit()
    return len(rows)


def perf_import(data: bytes) -> int:
    result = import_payments(data, "payments.csv", actor="bench")
    assert result.ok, result.problems[:5]
    db.session.commit()
    return len(result.created)


def timed(figure: Figure, run: Callable[[], object], before: Callable[[], None] | None = None) -> None:
    if before:
        before()
    db.session.remove()
    started = time.perf_counter()
    figure.note = str(run())
    figure.seconds.append(time.perf_counter() - started)
    db.session.remove()


def bench_engine(engine: str, args: argparse.Namespace) -> list[Figure]:
    url = absolute_url(args.sqlite_url if engine == "sqlite" else args.postgresql_url)
    generate(url, args.projects, 0, args.seed)
    data = payments_csv(args.projects, args.payments, args.seed)
    app = make_app(url)
    figures = [
        Figure("(a) bare csv + executemany"),
        Figure("(b) import_payments + commit"),
        Figure("(c) the same file again (all unchanged)"),
    ]
    with app.app_context():
        for _ in range(args.repeat):
            timed(figures[0], lambda: floor(data), empty_payments)
            timed(figures[1], lambda: perf_import(data), empty_payments)
            timed(figures[2], lambda: import_payments(data, "payments.csv", actor="bench").unchanged.__len__())
        db.engine.dispose()
    return figures


def report(results: dict[str, list[Figure]], args: argparse.Namespace) -> str:
    lines = [
        f"# Payments import: {args.payments:,} rows over {args.projects:,} projects ({args.repeat} runs, median)",
        "",
        "| engine | figure | seconds | rows | × (a) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for engine, figures in results.items():
        base = figures[0].median
        for figure in figures:
            ratio = figure.median / base
            lines.append(f"| {engine} | {figure.label} | {figure.median:.3f} | {figure.note} | {ratio:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--sqlite-url", default=URLS["sqlite"])
    parser.add_argument("--postgresql-url", default=URLS["postgresql"])
    parser.add_argument("--out", type=Path, default=OUT / "import-report.md")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    results = {engine: bench_engine(engine, args) for engine in args.engines.split(",")}
    text = report(results, args)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
