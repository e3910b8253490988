#!/usr/bin/env bash
# Sets everything up, then plans the shipped demo county and writes the plan to out/demo-county.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/rotation solve scenarios/demo-county --out out/demo-county --time-limit "${TIME_LIMIT:-60}" "$@"
