#!/usr/bin/env bash
# Installs the EVM build/test tools (solc-js and anvil, pinned by chain/evm/package-lock.json) with
# `npm ci` into PREFIX/node_modules (default: chain/evm). Safe to run again: it does nothing when
# PREFIX already holds exactly the locked versions. Prints the anvil binary's path last.
#   scripts/install-evm-tools.sh [PREFIX]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$here/chain/evm"
prefix="${1:-$src}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
command -v npm >/dev/null 2>&1 || { echo "install-evm-tools: npm not found (run scripts/install-deps.sh)" >&2; exit 1; }

lock_sum="$(sha256sum "$src/package-lock.json" "$src/package.json" | sha256sum | cut -d' ' -f1)"
stamp="$prefix/node_modules/.clearway-evm-tools"
anvil="$prefix/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$lock_sum" && -x "$anvil" && -f "$prefix/node_modules/solc/package.json" ]]; then
  touch "$stamp"  # a build system comparing times sees it up to date
  echo "$anvil"
  exit 0
fi

if [[ "$prefix" != "$src" ]]; then
  cp "$src/package.json" "$src/package-lock.json" "$prefix/"
fi
echo "install-evm-tools: npm ci in $prefix" >&2
(cd "$prefix" && npm ci --no-audit --no-fund --loglevel=error >&2)
[[ -x "$anvil" ]] || { echo "install-evm-tools: anvil binary missing at $anvil" >&2; exit 1; }
"$anvil" --version >/dev/null || { echo "install-evm-tools: $anvil does not run" >&2; exit 1; }
echo "$lock_sum" >"$stamp"
echo "$anvil"
