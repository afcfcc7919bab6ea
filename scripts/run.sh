#!/usr/bin/env bash
# Builds Clearway (release) and runs the main job. Extra arguments go to the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target clearway-demo
exec build/release/tools/clearway-demo "$@"
