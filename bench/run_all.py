"""Every benchmark in one run, on SQLite and PostgreSQL, and one table of each figure against its floor.

    .venv/bin/python bench/run_all.py [--sizes 1000,100000] [--engines sqlite,postgresql] [--repeat 3]

For each size N of the year (N projects, 10 × N payments): ``generate.py`` builds the database
(its own process), ``bench_scan.py --reuse`` times the scan against the one-statement floor (its own
process), ``bench_scan.py --memory`` runs the first and a steady scan alone (its peak memory is the
scan's), and ``bench_pages.py`` times every list page as the reviewer against a bare endpoint. Then
``bench_import.py`` (100,000 payments over 2,000 projects; a flat table of 1,000 projects) and
``bench_exports.py`` (1,000 自评表 XLSX; bulk PDF of 10 and 100). The table goes to
bench/out/all-report.md and to standard output; each script's own report stays in bench/out/.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYTHON = sys.executable
URLS = {
    "sqlite": f"sqlite:///{OUT / 'perf_bench.sqlite'}",
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/perf_bench",
}
GOALS = {
    "page": "≤ 1.5× the page at the smallest size; same SQL statements; ≤ 1 MB",
    "payments": "≤ 3× (a)",
    "disclosure": "≤ 3× (d)",
    "scan_steady": "≤ 2× (a)",
    "scan_first": "≤ 3× (a)",
    "scan_memory": "≤ 300 MB",
    "xlsx": "≤ 1.5× (a)",
    "pdf": "peak memory independent of the number of projects",
}


def run(*args: str) -> str:
    """A bench script in its own process; its standard output (it fails loudly)."""
    done = subprocess.run([PYTHON, *args], capture_output=True, text=True, cwd=HERE.parent)
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{args[0]} failed ({done.returncode})")
    return done.stdout


def scan_and_pages(engine: str, size: int, repeat: int) -> dict:
    url = URLS[engine]
    run(str(HERE / "generate.py"), "--url", url, "--projects", str(size), "--payments", str(10 * size))
    run(
        str(HERE / "bench_scan.py"),
        *("--engines", engine, f"--{engine}-url", url, "--projects", str(size), "--payments", str(10 * size)),
        *("--reuse", "--repeat", str(repeat), "--scan-repeat", "1", "--out", str(OUT / f"scan-{engine}-{size}.md")),
    )
    scan = json.loads((OUT / f"scan-{engine}.json").read_text(encoding="utf-8"))
    memory = json.loads(
        run(str(HERE / "bench_scan.py"), "--engines", engine, f"--{engine}-url", url, "--memory").splitlines()[-1]
    )
    medians = {key: sorted(f["times"])[len(f["times"]) // 2] for key, f in scan["figures"].items()}
    pages = json.loads(run(str(HERE / "bench_pages.py"), "--url", url, "--repeat", str(repeat), "--json"))
    return {
        "scan": medians,
        "scan_peak_mib": memory[0]["peak_mib"],  # a process running only (c) then (d)
        "pages": pages,
    }


def imports_and_exports(engines: list[str], repeat: int, smoke: bool) -> tuple[str, str]:
    sizes = ["--projects", "100", "--payments", "2000", "--disclosure-projects", "20"] if smoke else []
    imports = run(str(HERE / "bench_import.py"), "--engines", ",".join(engines), "--repeat", str(repeat), *sizes)
    sizes = ["--tables", "20", "--pdf-projects", "2,4"] if smoke else []
    exports = run(str(HERE / "bench_exports.py"), "--repeat", str(repeat), *sizes)
    return imports, exports


def table(results: dict, sizes: list[int], engines: list[str]) -> list[str]:
    lines = ["## Scan against the one-statement floor (median seconds)", ""]
    lines += ["| engine | projects | (a) floor | (b) compute | (c) first scan | (d) steady | (c)/(a) | (d)/(a) |"]
    lines += ["| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for engine in engines:
        for size in sizes:
            s = results[engine][size]["scan"]
            a = s["a"]
            lines.append(
                f"| {engine} | {size:,} | {a:.3f} | {s['b']:.3f} | {s['c']:.3f} | {s['d']:.3f} | "
                f"{s['c'] / a:.1f}× | {s['d'] / a:.1f}× |"
            )
    lines += ["", f"Goals: steady {GOALS['scan_steady']}, first {GOALS['scan_first']}.", ""]
    lines += ["## List pages as the reviewer (median seconds, SQL statements, HTML bytes)", ""]
    head = " | ".join(f"{size:,} projects" for size in sizes)
    lines += [f"| engine | page | {head} | × |", "| --- | --- | " + " | ".join("---:" for _ in sizes) + " | ---: |"]
    for engine in engines:
        by_size = [results[engine][size]["pages"] for size in sizes]
        for index, (name, *_rest) in enumerate(by_size[0]):
            cells = [f"{p[index][1]:.3f} s · {p[index][2]} · {p[index][3]:,}" for p in by_size]
            ratio = by_size[-1][index][1] / by_size[0][index][1] if by_size[0][index][1] else 0
            lines.append(f"| {engine} | {name} | " + " | ".join(cells) + f" | {ratio:.1f}× |")
    lines += ["", f"Goal: every list page {GOALS['page']}.", ""]
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny imports and exports: checks the scripts run")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    engines = args.engines.split(",")
    OUT.mkdir(exist_ok=True)
    results = {engine: {size: scan_and_pages(engine, size, args.repeat) for size in sizes} for engine in engines}
    imports, exports = imports_and_exports(engines, args.repeat, args.smoke)
    lines = ["# perf benchmarks: every figure against its floor", "", *table(results, sizes, engines)]
    peaks = [f"{e} {n:,}: {results[e][n]['scan_peak_mib']:.0f} MiB" for e in engines for n in sizes]
    lines += [
        f"Scan peak memory (a process running only (c) then (d)): {'; '.join(peaks)}. Goal {GOALS['scan_memory']}.",
        "",
    ]
    lines += [imports, f"Goals: payments {GOALS['payments']}; flat table {GOALS['disclosure']}.", ""]
    lines += [exports, f"Goals: XLSX {GOALS['xlsx']}; PDF {GOALS['pdf']}.", ""]
    text = "\n".join(lines)
    (OUT / "all-report.md").write_text(text, encoding="utf-8")
    (OUT / "all-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
