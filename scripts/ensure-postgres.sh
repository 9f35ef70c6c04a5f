#!/usr/bin/env bash
# Make sure the local PostgreSQL answers on 127.0.0.1:5432, starting the cluster if it is down.
set -euo pipefail
ready() { pg_isready -q -h 127.0.0.1 -p 5432; }
ready && exit 0
if [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
fi
for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
echo "PostgreSQL is not answering on 127.0.0.1:5432; the PostgreSQL half of the suite cannot run." >&2
exit 1
