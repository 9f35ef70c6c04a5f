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
echo
echo "perf is running at http://$HOST:$PORT/  (Ctrl+C to stop)"
exec .venv/bin/flask run --host "$HOST" --port "$PORT"
