"""Time the list pages on a generated year (bench/generate.py), as the reviewer sees them.

Run after ``bench_scan.py`` (whose scans store the statuses), on the same database:

    .venv/bin/python bench/bench_pages.py --url sqlite:///bench/out/perf_bench.sqlite [--repeat 5]

For each page it prints the median wall time of ``--repeat`` requests (Flask test client, signed in as
the generated reviewer), the SQL statements of the last request and the bytes of HTML; next to them
the login page as a bare endpoint.
"""

import argparse
import json
import statistics
import time

import sqlalchemy as sa
from generate import make_app  # bench/ is on sys.path: this script's folder

from perf.auth.models import User
from perf.extensions import db

PAGES = {
    "bare endpoint (/login, redirects when signed in)": "/login",
    "home: 待办 and the departments": "/",
    "department projects": "/departments/900/2024",
    "dashboard, last scan (stored, SQL paging)": "/departments/900/2024/dashboard",
    "dashboard, 红灯 only, by 完成比": "/departments/900/2024/dashboard?level=red&sort=ratio&order=asc",
    "dashboard, another date (computed)": "/departments/900/2024/dashboard?as_of=2024-07-02",
    "self-evaluation summary": "/departments/900/2024/self-evaluations",
    "mid-year overview": "/departments/900/2024/midyear",
    "alerts": "/alerts",
    "inbox": "/inbox",
    "待审核": "/queue",
}
REVIEWER_ID = 2


def measure(url: str, repeat: int) -> list[tuple[str, float, int, int]]:
    app = make_app(url)
    results = []
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(1))
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = db.session.get(User, REVIEWER_ID).get_id()
        for name, path in PAGES.items():
            times, size = [], 0
            failed = None
            for _ in range(repeat):
                statements.clear()
                start = time.perf_counter()
                try:
                    response = client.get(path)
                except Exception as error:  # a page that fails is reported, not hidden
                    failed = type(error).__name__
                    db.session.rollback()
                    break
                times.append(time.perf_counter() - start)
                if response.status_code >= 400:
                    failed = f"HTTP {response.status_code}"
                    break
                size = len(response.data)
            if failed:
                results.append((f"{name} — failed: {failed}", 0.0, len(statements), 0))
                continue
            results.append((name, statistics.median(times), len(statements), size))
    return results


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(measure(args.url, args.repeat), ensure_ascii=False))
        return
    print("| page | median s | SQL statements | HTML bytes |")
    print("|---|---:|---:|---:|")
    for name, seconds, count, size in measure(args.url, args.repeat):
        print(f"| {name} | {seconds:.3f} | {count} | {size:,} |")


if __name__ == "__main__":
    main()
