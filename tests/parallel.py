"""Running the suite in parallel with pytest-xdist (scripts/test.sh: ``-n auto --dist loadgroup``).

- ``XDIST_GROUPS``: the tests that stay together in one worker, in file order; every other
  test may run in any worker.
- Unique test ids: the xdist scheduler goes by id, and pytest 9.2 gives every schemathesis
  case the same one.
- The schemathesis counts (tests/api/fuzz_report.py) are made in a worker and printed by the
  controller: each worker hands its counts over as it finishes.

Everything else a worker needs of its own already is: its databases (unique PostgreSQL
names, SQLite files in the worker's tmp folder), its live servers (free ports) and its
tmp folders; see tests/conftest.py.
"""

import zlib
from collections import Counter

import pytest

#: Tests that stay together in one worker, in file order, under ``--dist loadgroup``. Each
#: group shares a live server whose database its tests commit to: the browser story's steps
#: build on each other, and schemathesis, with its fixed seed, must meet the same server state
#: on every run. The groups go by path (``_group_scheduler``), not by ``xdist_group`` marks:
#: pytest-xdist 3.8 applies those by rewriting ``item._nodeid``, which pytest 9.2 no longer
#: reads, so on 9.2 the marks are dropped without a word (pytest-xdist issue 1386).
XDIST_GROUPS = {
    # browser stories with a live server (and database) of their own: a group each, so they run beside
    # the shared server's stories instead of after them (first match wins)
    "tests/browser/test_office_year.py": "browser-office-year",
    "tests/browser/test_forecast_pages.py": "browser-forecast",
    "tests/browser/test_uploads.py": "browser-uploads",
    "tests/browser/": "browser",
    "tests/api/test_http_client.py": "api-client",
}
#: schemathesis's operations fall into this many groups, each with a live server of its own
#: (tests/api/test_fuzz.py), so the run spreads over the workers and each group still meets the
#: same server state on every run, whichever worker takes it and whatever else that worker runs.
FUZZ_FILE = "tests/api/test_fuzz.py"
FUZZ_GROUPS = 4


def fuzz_group(nodeid: str) -> str:
    """The group of one schemathesis operation's test, by a stable hash of its id."""
    return f"fuzz-{zlib.crc32(nodeid.encode()) % FUZZ_GROUPS}"


def pytest_configure(config):
    # pytest-xdist's own hooks are unknown to pytest without it: register them only with it.
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistController(), "perf-xdist-controller")


def pytest_collection_modifyitems(items):
    _give_each_test_its_own_id(items)


def _give_each_test_its_own_id(items) -> None:
    """Make the ids of schemathesis's items unique again.

    schemathesis 4 names the item of each operation ``test_…[GET /api/v1/years]`` but gives it
    no parameters, and pytest 9.2 builds an item's id from its original name and parameters
    only: every operation got the id ``tests/api/test_fuzz.py::test_…``. Reports, ``--lf``
    and the xdist scheduler (which would run one case and drop the rest) go by the id, so an
    item whose id is shared gets its full name back as its id, as before pytest 9.2.
    """
    try:
        from _pytest.nodeid import NodeId  # pytest >= 9.2; older ones build ids from the name
    except ImportError:
        return
    counts = Counter(item.nodeid for item in items)
    for item in items:
        wanted = f"{item.parent.nodeid}::{item.name}"
        if counts[item.nodeid] > 1 and item.nodeid != wanted and isinstance(getattr(item, "_id", None), NodeId):
            item._id = NodeId.parse(wanted)


def pytest_sessionfinish(session):
    """An xdist worker hands its schemathesis counts to the controller (tests/api/fuzz_report.py)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.api.fuzz_report import export

        workeroutput["perf_fuzz_counts"] = export()


def pytest_terminal_summary(terminalreporter, config):
    """Print how many cases schemathesis generated per operation (and save them as JSON).

    Here, not in tests/api/conftest.py: an xdist controller collects nothing, so it never
    loads that file; and only the controller (or a run without workers) writes the report.
    """
    from tests.api.fuzz_report import CASES, summary_lines, write_report

    if hasattr(config, "workerinput") or not CASES:
        return
    path = write_report()
    terminalreporter.section("schemathesis: cases per operation")
    for line in summary_lines():
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"(saved to {path})")


class _XdistController:
    """The controller's hooks: the scheduler of ``--dist loadgroup``, and the workers' schemathesis counts."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") == "loadgroup":
            return _group_scheduler(config, log)
        return None

    @pytest.hookimpl
    def pytest_testnodedown(self, node, error):
        from tests.api.fuzz_report import merge

        merge(getattr(node, "workeroutput", {}).get("perf_fuzz_counts", {}))


def _group_scheduler(config, log):
    """xdist's loadgroup scheduler with the groups of XDIST_GROUPS; it stops a run whose tests share ids."""
    from xdist.scheduler import LoadGroupScheduling

    class GroupsByPath(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(FUZZ_FILE):
                return f"group:{fuzz_group(nodeid)}"
            for prefix, name in XDIST_GROUPS.items():
                if nodeid.startswith(prefix):
                    return f"group:{name}"
            return super()._split_scope(nodeid)  # one test per unit, or an xdist_group mark where it works

        def schedule(self) -> None:
            if self.collection is None and self.registered_collections:
                collection = next(iter(self.registered_collections.values()))
                repeated = sorted(nodeid for nodeid, n in Counter(collection).items() if n > 1)
                if repeated:
                    pytest.exit(f"tests share an id, so xdist would run only one of each: {repeated[:5]}", 4)
            super().schedule()

    return GroupsByPath(config, log)
