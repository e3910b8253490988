#!/usr/bin/env bash
# Sets everything up, then starts the service on the embedded SQLite database (rotation.db) with the
# demo county loaded; prints the URL, a new admin key and an example curl. Ctrl-C stops it.
# Arguments go to `rotation serve` (e.g. --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/rotation serve --demo "$@"
