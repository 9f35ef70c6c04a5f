#!/usr/bin/env bash
# Set up and run the whole suite: lint, then every test on SQLite and again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure-postgres.sh
# The browser tests (tests/browser) drive Debian's chromium; fonts-noto-cjk so screenshots show Chinese.
if [ -z "${PERF_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "== installing chromium for the browser tests =="
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk
  else
    echo "/usr/bin/chromium is missing: the browser tests need it. Install it as root:" >&2
    echo "  apt-get install chromium fonts-noto-cjk   (or set PERF_CHROMIUM to a chromium binary)" >&2
    exit 1
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Let Python and pytest keep compiled modules (__pycache__, git-ignored): otherwise every xdist
# worker, and every perf subprocess, compiles perf and rewrites the test modules anew (~5 s each).
unset PYTHONDONTWRITEBYTECODE
# Each half runs in parallel (pytest-xdist: one worker per CPU); --dist loadgroup keeps the tests
# that share a live server in one worker, in order (XDIST_GROUPS in tests/parallel.py).
# PERF_TEST_WORKERS overrides the worker count (0: no workers, one process as before).
parallel=(-n "${PERF_TEST_WORKERS:-auto}" --dist loadgroup)
echo "== tests on SQLite =="
PERF_TEST_DATABASE=sqlite .venv/bin/python -m pytest -q "${parallel[@]}" "$@"
echo "== tests on PostgreSQL =="
PERF_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q "${parallel[@]}" "$@"
