"""Benchmark the payments import against a bare CSV read and ``executemany`` of the same rows, and the
disclosure import of a flat target table against parsing the same file.

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

Then, on a year without projects, a flat 绩效目标 table (one row per indicator, as 预算管理一体化
systems export it, amounts in 元) of ``--disclosure-projects`` projects with 3 indicators each:

d. parse only: ``load_targets`` (what the import reads before it touches the database);
e. ``load_targets`` + ``import_targets`` + commit (``perf import-targets``): every project created
   approved, with its indicators, their self-evaluation weights, a version and an audit
   entry (the year's projects deleted before each run, not timed).

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

from perf.documents.flat import load_targets
from perf.documents.importer import sha256
from perf.extensions import db
from perf.spending.importer import import_payments
from perf.targets.importer import import_targets

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


FLAT_HEADER = ["单位名称", "项目编码", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标"]
FLAT_HEADER += ["指标性质", "指标值", "度量单位", "权重", "指标方向性", "绩效指标描述", "评(扣)分标准"]
FLAT_INDICATORS = [
    ["产出指标", "数量指标", "完成数量", "≥", "{n}", "项", "30", "正向指标", "全年完成数量"],
    ["效益指标", "社会效益指标", "服务覆盖率", "≥", "95", "%", "30", "正向指标", "覆盖的比例"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", "30", "正向指标", ""],
]


def flat_csv(projects: int, seed: int) -> bytes:
    """A flat target table of ``projects`` projects in 10 units (amounts in 元, project cells blank below)."""
    rng = random.Random(seed)
    rows, total = [], 0
    for k in range(1, projects + 1):
        budget = rng.randint(5_000, 20_000_000)
        total += budget
        unit = f"900{k % 10 + 1:03d}-直属事业单位{k % 10}"
        head = [unit, f"51112324R{k:012d}", f"基准项目{k:05d}", f"{budget:,}.00", f"完成基准项目{k}的年度任务。"]
        for index, indicator in enumerate(FLAT_INDICATORS):
            cells = [cell.format(n=k % 97 + 3) for cell in indicator]
            rows.append([*(head if index == 0 else [""] * 5), *cells, "略"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["部门预算项目绩效目标申报表(2024年度)"])
    writer.writerow(["金额单位：元"])
    writer.writerow(FLAT_HEADER)
    writer.writerow(["900-基准测试局", "", "", f"{total:,}.00"] + [""] * (len(FLAT_HEADER) - 4))
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def parse_only(data: bytes) -> int:
    flat = load_targets(data, "targets.csv")
    assert not flat.problems, flat.problems[:5]
    return len(flat.projects)


def disclosure_import(data: bytes) -> int:
    result = import_targets(load_targets(data, "targets.csv"), sha256(data), actor="bench")
    assert not result.problems, result.problems[:5]
    db.session.commit()
    return len(result.created)


def empty_projects() -> None:
    for table in (
        "evaluation_row",
        "self_evaluation",
        "kept_version",
        "step_event",
        "audit_entry",
        "indicator",
        "plan_entry",
        "project",
    ):
        if table in db.metadata.tables:
            db.session.execute(sa.delete(db.metadata.tables[table]))
    db.session.commit()


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
    if "payments" not in args.parts:
        return [*([Figure("(a) skipped", [1.0])] * 3), *disclosure_figures(url, args)]
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
    return figures + (disclosure_figures(url, args) if "disclosure" in args.parts else [])


def disclosure_figures(url: str, args: argparse.Namespace) -> list[Figure]:
    flat = flat_csv(args.disclosure_projects, args.seed)
    generate(url, 0, 0, args.seed)
    app = make_app(url)
    figures = [Figure("(d) flat table: parse only"), Figure("(e) flat table: parse + import + commit")]
    with app.app_context():
        for _ in range(args.repeat):
            timed(figures[0], lambda: parse_only(flat))
            timed(figures[1], lambda: disclosure_import(flat), empty_projects)
        db.engine.dispose()
    return figures


def report(results: dict[str, list[Figure]], args: argparse.Namespace) -> str:
    lines = [
        f"# Imports: {args.payments:,} payments over {args.projects:,} projects; a flat table of "
        f"{args.disclosure_projects:,} projects ({args.repeat} runs, median)",
        "",
        "| engine | figure | seconds | rows or projects | × its floor ((a) or (d)) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for engine, figures in results.items():
        for index, figure in enumerate(figures):
            if "skipped" in figure.label:
                continue
            ratio = figure.median / figures[0 if index < 3 else 3].median
            lines.append(f"| {engine} | {figure.label} | {figure.median:.3f} | {figure.note} | {ratio:.1f}× |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=2_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--disclosure-projects", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--parts", default="payments,disclosure", help="payments, disclosure or both")
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
