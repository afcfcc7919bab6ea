#!/usr/bin/env bash
# Installs Clearway's build and test dependencies from Debian 12 packages. Safe to run again:
# it installs only what is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev libboost-graph-dev libsecp256k1-dev libmimalloc-dev libcrypto++-dev libssl-dev
  libsqlite3-dev libbenchmark-dev libgtest-dev libgmock-dev
  nlohmann-json3-dev libcurl4-openssl-dev
  liblzma-dev gnuplot-nox xz-utils ccache
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js/npm (for solc and anvil from the npm registry): any installed one will do.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
