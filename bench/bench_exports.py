"""Benchmark the self-evaluation exports: 1,000 自评表 to XLSX against bare openpyxl, and the bulk PDF's memory.

The sample department (``perf demo``, 7 projects) is loaded into a SQLite file under bench/out/ and
its 自评表 laid out (``layouts_of``); the layouts are repeated under new 项目编码 up to ``--tables``.

a. bare openpyxl: a sheet per table with the same cells, merges, column widths and row heights, each
   kind of cell taking one prepared style (its ``StyleArray`` copied, the cheapest openpyxl allows),
   then ``save``;
b. ``perf.evaluation.reports.xlsx.to_bytes``: what the export writes (named styles, print set-up,
   formula guard) and ``save``.

Then the bulk PDF as the background job renders it (``pdf.to_bytes_each``) for each of
``--pdf-projects`` (default 10 and 100 tables), each in a fresh process: seconds, seconds per
project and the process's peak resident memory (``ru_maxrss``). The report goes to
bench/out/exports-report.md and to standard output.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from copy import copy
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade
from generate import absolute_url, make_app, reset_database  # bench/ is on sys.path: this script's folder
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from perf.evaluation.reports import layouts_of, pdf, xlsx
from perf.evaluation.reports.layout import HEAD
from perf.extensions import db
from perf.projects.models import Project

OUT = Path(__file__).resolve().parent / "out"
URL = f"sqlite:///{OUT / 'perf_bench_exports.sqlite'}"


def demo_app(url: str):
    """The app on a fresh database holding the sample department."""
    url = absolute_url(url)
    reset_database(url)
    app = make_app(url)
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["perf", "demo"])
    assert result.exit_code == 0, result.output
    return app


def layouts(count: int) -> list:
    """``count`` 自评表: the sample's, repeated under new codes."""
    base = layouts_of(db.session.scalars(sa.select(Project).order_by(Project.code)).all())
    return [replace(base[k % len(base)], code=f"{base[k % len(base)].code[:-4]}{k:04d}") for k in range(count)]


class _Prepared:
    """One openpyxl style per kind of cell, made once on a prototype cell; a cell takes a copy of it."""

    def __init__(self, book: Workbook):
        self.prototype, self.styles = book.create_sheet("styles"), {}

    def of(self, cell, covered: bool = False):
        key = (cell.kind, cell.number_format if cell.value is not None else None, bool(cell.col), covered)
        if key not in self.styles:
            target = self.prototype.cell(row=len(self.styles) + 1, column=1)
            if cell.bordered:
                target.border = xlsx.BORDER
            if not covered:
                target.font = xlsx.FONTS.get(cell.kind, xlsx.BODY_FONT)
                target.alignment = xlsx.ALIGN.get(cell.kind, xlsx.TEXT_ALIGN)
                target.number_format = (cell.number_format or "General") if cell.value is not None else "General"
            if cell.kind == HEAD:
                target.fill = xlsx.HEAD_FILL
            self.styles[key] = target._style
        return copy(self.styles[key])


def bare(tables: list) -> bytes:
    """The same cells, merges and styles with bare openpyxl: each kind's style prepared once, then copied."""
    book = Workbook()
    book.remove(book.active)
    prepared = _Prepared(book)
    for table in tables:
        sheet = book.create_sheet(table.code[-28:])
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for cell in table.cells:
            row, col = cell.row + 1, cell.col + 1
            target = sheet.cell(row=row, column=col, value=cell.value if cell.value is not None else cell.text or None)
            if cell.merged:  # before the style, as the cheapest: openpyxl copies a bordered cell's edges
                end_row, end_col = row + cell.rowspan - 1, col + cell.colspan - 1
                sheet.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)
            target._style = prepared.of(cell)
            covered = [(r, c) for r in range(row, row + cell.rowspan) for c in range(col, col + cell.colspan)]
            for r, c in covered[1:] if cell.bordered else ():
                sheet.cell(row=r, column=c)._style = prepared.of(cell, covered=True)
        for row in range(1, table.n_rows + 1):
            sheet.row_dimensions[row].height = 20
    book.remove(prepared.prototype)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(run, repeat: int) -> tuple[float, int]:
    seconds, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(run())
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), size


def pdf_run(count: int) -> dict:
    """One bulk PDF of ``count`` tables in this process (called in a child process)."""
    app = make_app(absolute_url(URL))
    with app.app_context(), app.test_request_context():
        tables = layouts(count)
        started = time.perf_counter()
        data = pdf.to_bytes_each(tables, lambda chunk: chunk, lambda done, total: None)
        seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"projects": count, "seconds": seconds, "bytes": len(data), "peak_mib": peak_kib / 1024}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf-projects", default="10,100", help="comma-separated sizes of the bulk PDF")
    parser.add_argument("--pdf-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT / "exports-report.md")
    args = parser.parse_args(argv)
    if args.pdf_child:
        print(json.dumps(pdf_run(args.pdf_child)))
        return
    OUT.mkdir(exist_ok=True)
    app = demo_app(URL)
    with app.app_context():
        tables = layouts(args.tables)
        floor, floor_size = timed(lambda: bare(tables), args.repeat)
        perf_xlsx, perf_size = timed(lambda: xlsx.to_bytes(tables), args.repeat)
        db.engine.dispose()
    lines = [
        f"# Exports ({args.repeat} runs, median)",
        "",
        "| figure | seconds | bytes | × (a) |",
        "| --- | ---: | ---: | ---: |",
        f"| (a) {args.tables:,} 自评表, bare openpyxl | {floor:.3f} | {floor_size:,} | 1.0× |",
        f"| (b) {args.tables:,} 自评表, xlsx.to_bytes | {perf_xlsx:.3f} | {perf_size:,} | {perf_xlsx / floor:.2f}× |",
        "",
        "| bulk PDF | seconds | per project | bytes | peak memory (MiB) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for count in (int(n) for n in args.pdf_projects.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--pdf-child", str(count)], capture_output=True, text=True, check=True
        )
        run = json.loads(child.stdout.strip().splitlines()[-1])
        per = run["seconds"] / count
        lines.append(
            f"| {count} projects | {run['seconds']:.2f} | {per:.3f} | {run['bytes']:,} | {run['peak_mib']:.0f} |"
        )
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
