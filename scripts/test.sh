#!/usr/bin/env bash
# Set up and run the whole suite: lint, then every test on SQLite and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure-postgres.sh
.venv/bin/ruff check .
echo "== tests on SQLite =="
PERF_TEST_DATABASE=sqlite .venv/bin/python -m pytest -q "$@"
echo "== tests on PostgreSQL =="
PERF_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q "$@"
