#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with the service, PostgreSQL and cluster extras
# and its test tools. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[service,postgres,cluster,dev]'
