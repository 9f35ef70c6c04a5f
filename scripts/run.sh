#!/usr/bin/env bash
# Set up, load the sample department into the SQLite file under instance/, and serve perf.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export FLASK_APP=wsgi
.venv/bin/flask db upgrade
.venv/bin/flask perf demo
HOST=${PERF_HOST:-127.0.0.1}
PORT=${PERF_PORT:-5000}
# exactly one scheduler process: the daily scan and message retries
.venv/bin/flask perf scheduler &
scheduler=$!
# one worker runs the background jobs (exports, scans started from a page); the queue is instance/jobs.sqlite
.venv/bin/flask perf worker &
worker=$!
trap 'kill $scheduler $worker 2>/dev/null' EXIT
echo
echo "perf is running at http://$HOST:$PORT/  (Ctrl+C to stop)"
.venv/bin/flask run --host "$HOST" --port "$PORT"
