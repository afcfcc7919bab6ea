#!/usr/bin/env bash
# Installs the EVM build/test tools (solc-js and anvil, pinned by chain/evm/package-lock.json) with
# `npm ci` into PREFIX/node_modules (default: chain/evm). Safe to run again: it does nothing (and
# needs no network) when PREFIX already holds exactly the locked versions, and a fresh install takes
# what npm's cache already holds. Prints the anvil binary's path last. NPM=/path/to/npm overrides npm.
#   scripts/install-evm-tools.sh [PREFIX]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$here/chain/evm"
prefix="${1:-$src}"
mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
npm="${NPM:-npm}"  # CMake passes the npm it found at configure time
command -v "$npm" >/dev/null 2>&1 || { echo "install-evm-tools: npm not found: install Node.js and npm (apt-get install nodejs npm, or scripts/install-deps.sh)" >&2; exit 1; }

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
# --prefer-offline: packages already in npm's cache are used without asking the registry, so a
# second build tree (or a rebuild after `rm -rf node_modules`) needs no network.
if ! (cd "$prefix" && "$npm" ci --prefer-offline --no-audit --no-fund --loglevel=error >&2); then
  echo "install-evm-tools: npm ci failed in $prefix (offline, and npm's cache lacks the locked packages?)" >&2
  exit 1
fi
[[ -x "$anvil" ]] || { echo "install-evm-tools: anvil binary missing at $anvil" >&2; exit 1; }
"$anvil" --version >/dev/null || { echo "install-evm-tools: $anvil does not run" >&2; exit 1; }
echo "$lock_sum" >"$stamp"
echo "$anvil"
