"""Cases the schemathesis run generated per operation, printed at the end of the pytest run.

Under pytest-xdist the counts are made in a worker: it hands them over with ``export`` and
the controller, which prints and saves the report, adds them up with ``merge``.
"""

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

CASES: Counter = Counter()
#: (operation, status code) -> responses.
STATUSES: Counter = Counter()


def export() -> dict[str, list]:
    """The counts as plain lists (what xdist can send from a worker to the controller)."""
    return {
        "cases": [[name, count] for name, count in CASES.items()],
        "statuses": [[name, status, count] for (name, status), count in STATUSES.items()],
    }


def merge(counts: dict[str, list]) -> None:
    """Add counts made by ``export`` (in a worker) to this process's."""
    for name, count in counts.get("cases", []):
        CASES[name] += count
    for name, status, count in counts.get("statuses", []):
        STATUSES[(name, status)] += count


def write_report() -> Path | None:
    """Save the counts as JSON (PERF_FUZZ_REPORT, default <tmp>/perf-fuzz-cases.json)."""
    if not CASES:
        return None
    path = Path(os.environ.get("PERF_FUZZ_REPORT") or Path(tempfile.gettempdir()) / "perf-fuzz-cases.json")
    report = {
        name: {"cases": count, "statuses": {str(s): n for (op, s), n in sorted(STATUSES.items()) if op == name}}
        for name, count in sorted(CASES.items())
    }
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def summary_lines() -> list[str]:
    """One line per operation, then the total."""
    width = max(len(name) for name in CASES)
    lines = [f"{name:<{width}}  {count:>5}  {_statuses(name)}" for name, count in sorted(CASES.items())]
    lines.append(f"{'total (' + str(len(CASES)) + ' operations)':<{width}}  {sum(CASES.values()):>5}")
    return lines


def _statuses(name: str) -> str:
    return " ".join(f"{status}×{n}" for (op, status), n in sorted(STATUSES.items()) if op == name)
