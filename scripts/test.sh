#!/usr/bin/env bash
# Builds Clearway and runs every test. Usage: scripts/test.sh [preset]   (default: debug = ASan+UBSan)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-debug}"
scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
