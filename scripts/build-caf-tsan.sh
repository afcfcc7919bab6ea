#!/usr/bin/env bash
# Builds CAF 0.17.6 (Debian's own source package) with ThreadSanitizer into build/caf-tsan/install,
# which the `tsan` preset prefers over the system library. Debian's libcaf_core is not instrumented,
# so TSan cannot see its atomics (reference counts, mailboxes, job queues) and reports every
# hand-off between workers as a race; with an instrumented CAF the actor tests mean something.
# Safe to run again: does nothing when the library is already there. Takes ~15 min on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD/build/caf-tsan"
if [[ -f "$root/install/lib/libcaf_core.so" ]]; then
  echo "build-caf-tsan: already built in $root/install"
  exit 0
fi
mkdir -p "$root"
cd "$root"
if ! ls actor-framework_0.17.6.orig.tar.gz >/dev/null 2>&1; then
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  if ! apt-cache showsrc libcaf-dev >/dev/null 2>&1 || ! apt-cache showsrc libcaf-dev | grep -q '^Package:'; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
      "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/clearway-deb-src.sources >/dev/null
    "${sudo_cmd[@]}" apt-get update -qq
  fi
  # Only the upstream tarball is needed (Debian's patches do not touch the library code).
  apt-get source --download-only actor-framework || true
  [[ -f actor-framework_0.17.6.orig.tar.gz ]] || { echo "build-caf-tsan: could not fetch the CAF source" >&2; exit 1; }
fi
rm -rf actor-framework-0.17.6
tar xzf actor-framework_0.17.6.orig.tar.gz
# g++ 12 no longer pulls <limits> in through other headers; CAF 0.17.6's receive_buffer.hpp uses
# std::numeric_limits without including it.
rb=actor-framework-0.17.6/libcaf_io/caf/io/network/receive_buffer.hpp
grep -q '#include <limits>' "$rb" || sed -i 's|#include <cstring>|#include <cstring>\n#include <limits>|' "$rb"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S actor-framework-0.17.6 -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -O1 -g" "${launcher[@]}" \
  -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_OPENCL=yes -DCAF_NO_OPENSSL=yes \
  -DCAF_NO_PYTHON=yes -DCAF_NO_TOOLS=yes -DCAF_NO_COMPILER_CHECK=yes \
  -DCMAKE_INSTALL_PREFIX="$root/install"
cmake --build build -j2
cmake --install build
echo "build-caf-tsan: installed in $root/install"
