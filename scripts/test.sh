#!/usr/bin/env bash
# Sets everything up, then runs the linter and the whole test suite (slow cases included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check optimizer api tests benchmarks
.venv/bin/python -m pytest -q "$@"
