#!/usr/bin/env bash
# Builds Clearway (release) and runs the main job, `clearway-bench simulate` with its defaults
# (docs/simulate.md). Extra arguments go to it, e.g. scripts/run.sh --payments 20000 --json out.json
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target clearway-bench
exec build/release/tools/bench/clearway-bench simulate "$@"
