#!/usr/bin/env bash
# Create .venv and install perf with its test tools; reinstall only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "perf needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2
  exit 1
fi
# PDF reports (WeasyPrint) need Pango and a CJK font; poppler-utils lets people look at the result.
pdf_packages="libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk poppler-utils"
if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for package in $pdf_packages; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
  done
  if [ -n "$missing" ]; then
    # PDF is optional: a failed install (no root, apt locked, no network) is reported and setup goes on.
    installed=no
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing the system packages PDF reports need:$missing"
      apt_options=(-qq -o DPkg::Lock::Timeout=0 -o Acquire::Retries=0 -o Acquire::http::Timeout=20)
      if apt-get "${apt_options[@]}" update >/dev/null 2>&1 \
        && DEBIAN_FRONTEND=noninteractive apt-get "${apt_options[@]}" install -y --no-install-recommends $missing; then
        installed=yes
      else
        echo "NOTE: could not install the system packages for PDF (apt-get failed: locked, unreachable or" >&2
        echo "      the packages are unknown); setup goes on without them." >&2
      fi
    fi
    if [ "$installed" = no ]; then
      echo "NOTE: PDF reports need the system packages:$missing" >&2
      echo "      install them as root: apt-get install -y$missing" >&2
      echo "      (perf runs without them; PDF downloads answer 503 with a message until then)" >&2
    fi
  fi
else
  echo "NOTE: PDF reports need Pango and a CJK font (Debian: libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk)" >&2
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.perf-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[test]"
  touch "$stamp"
fi
