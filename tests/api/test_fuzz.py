"""schemathesis against the live OpenAPI document of a server loaded with the sample data.

Every operation is called with the token of a role its ``x-permission`` allows (owner for
writes on projects, reviewer for reviews and the audit log, admin for scans), with data
both valid and invalid by the document. Checks: no 5xx, and every response (errors
included) matches the schema documented for its status. The run is bounded by
PERF_FUZZ_EXAMPLES per operation (default 100) plus schemathesis's coverage phase, with a
fixed seed (PERF_FUZZ_SEED) so CI is repeatable; the cases per operation are printed at
the end of the run (and saved as JSON, PERF_FUZZ_REPORT).
"""

import json
import os
from contextlib import ExitStack

import pytest
import requests
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from perf import create_app
from tests.api.conftest import live_server
from tests.api.fuzz_report import CASES, STATUSES
from tests.parallel import fuzz_group

EXAMPLES = int(os.environ.get("PERF_FUZZ_EXAMPLES", "100"))
SEED = int(os.environ.get("PERF_FUZZ_SEED", "20240701"))
#: schemathesis's coverage phase: boundary values of every parameter, undocumented methods.
#: PERF_FUZZ_COVERAGE=0 skips it.
COVERAGE = os.environ.get("PERF_FUZZ_COVERAGE", "1") != "0"
#: A role each permission is granted to (perf/auth/permissions.py).
ROLE_FOR = {
    "project.view": "owner",
    "project.edit": "owner",
    "project.review": "reviewer",
    "audit.view": "reviewer",
    "org.admin": "admin",
    "account": "owner",
    "data.import": "reviewer",
}

pytestmark = pytest.mark.slow


def _document() -> dict:
    """The OpenAPI document as the app builds it (the factory connects to nothing)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return app.extensions["perf-api"].spec.to_dict()


DOCUMENT = _document()
#: (METHOD, path) -> the permission the operation declares.
PERMISSIONS = {
    (method.upper(), path): operation["x-permission"]
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
    if isinstance(operation, dict) and "x-permission" in operation
}
schema = schemathesis.openapi.from_dict(
    DOCUMENT,
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "with-security-parameters": False, "database": "none"},
            "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
            "suppress-health-check": ["all"],
        }
    ),
)


@pytest.fixture(scope="session")
def fuzz_servers(tmp_path_factory, sample_template):
    """A live server per fuzz group (tests/parallel.py), started when the group's first operation
    runs: the fuzzer's writes stay there, and each group meets the same state on every run."""
    servers = {}
    with ExitStack() as stack:

        def server_of(group: str):
            if group not in servers:
                folder, prefix = tmp_path_factory.mktemp(f"api-{group}-db"), f"perf_api_{group.replace('-', '_')}"
                server = stack.enter_context(live_server(prefix, folder, sample_template))
                live = requests.get(f"{server.url}/api/openapi.json", timeout=30).json()
                assert live == json.loads(json.dumps(DOCUMENT)), "the live OpenAPI document differs from the one fuzzed"
                servers[group] = server
            return servers[group]

        yield server_of


@pytest.fixture
def fuzz_server(request, fuzz_servers):
    """The live server of this operation's group."""
    return fuzz_servers(fuzz_group(request.node.nodeid))


@schema.parametrize()
def test_every_operation_survives_fuzzing(case, fuzz_server):
    # the coverage phase also tries methods the document does not list (they must answer 405)
    permission = PERMISSIONS.get((case.method.upper(), case.path), "account")
    token = fuzz_server.tokens[ROLE_FOR[permission]]
    documented = (case.method.upper(), case.path) in PERMISSIONS
    name = f"{case.method.upper()} {case.path}" if documented else "(methods the document does not list)"
    CASES[name] += 1
    response = case.call_and_validate(
        base_url=fuzz_server.url,
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
        timeout=60,
    )
    STATUSES[(name, response.status_code)] += 1
