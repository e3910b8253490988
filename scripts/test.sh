#!/usr/bin/env bash
# Sets everything up, then runs the linter, the type checker and the whole test suite (slow cases
# included) on SQLite, then the service tests (tests/api) again on a throwaway PostgreSQL cluster
# when one can be installed and started here (scripts/postgres.sh); when it cannot, says so and
# passes on SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check optimizer api tests benchmarks
.venv/bin/mypy optimizer api
# The web page's browser tests (tests/web) drive Debian's Chromium; where it cannot be installed
# they are skipped, and pytest says so.
if [ ! -x /usr/bin/chromium ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  echo "installing Chromium for the web page's browser tests (apt-get install chromium)"
  if ! { timeout 300 "${sudo[@]}" apt-get update -qq \
      && timeout 900 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }; then
    echo "Chromium could not be installed on this machine: the browser tests (tests/web) will be skipped" >&2
  fi
fi
# plan.xlsx's print test (tests/io/test_filing.py) has LibreOffice print it; skipped without it.
if ! command -v soffice >/dev/null; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  echo "installing LibreOffice Calc for plan.xlsx's print test (apt-get install libreoffice-calc-nogui)"
  if ! { timeout 300 "${sudo[@]}" apt-get update -qq \
      && timeout 900 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libreoffice-calc-nogui; }; then
    echo "LibreOffice could not be installed on this machine: plan.xlsx's print test will be skipped" >&2
  fi
fi
.venv/bin/python -m pytest -q "$@"

pg_dir=$(mktemp -d)
trap 'bash scripts/postgres.sh stop "$pg_dir"' EXIT
if url=$(PYTHON=.venv/bin/python bash scripts/postgres.sh start "$pg_dir"); then
  echo "service tests on PostgreSQL ($url)"
  ROTATION_TEST_POSTGRES=$url .venv/bin/python -m pytest -q tests/api
else
  echo "PostgreSQL could not be installed or started on this machine: the service tests ran on SQLite only" >&2
fi
