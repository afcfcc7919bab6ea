// 32-byte secrets kept as one line of hex in a file (the identity key, the RPC token): read when
// the file exists, otherwise drawn from the kernel CSPRNG (getrandom) and written 0600 atomically
// (temporary file, fsync, rename, fsync of the directory), so a crash never leaves half a key.
// A file that exists but is malformed is an error and is never rewritten.
#pragma once

#include <functional>
#include <string>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "tools/daemon/daemon_errors.hpp"

namespace clearway::daemon {

// Reads `path`: exactly 64 hex digits, optionally followed by one newline. A problem with the
// contents is `malformed` (the detail names the file and what is wrong, never the contents).
[[nodiscard]] result<bytes32, daemon_failure> read_secret_file(const std::string& path, daemon_error malformed);

// 32 bytes from getrandom(2).
[[nodiscard]] result<bytes32, daemon_failure> random_bytes32();

// Writes `secret` as hex + newline to `path` with mode 0600, atomically; fails if `path` exists.
[[nodiscard]] result<void, daemon_failure> write_secret_file(const std::string& path, const bytes32& secret);

// The file's secret, or a new one drawn until `acceptable` holds (e.g. a valid secp256k1 scalar),
// written to `path`. `created` tells which happened.
[[nodiscard]] result<bytes32, daemon_failure> load_or_create_secret(const std::string& path, daemon_error malformed,
                                                                  const std::function<bool(const bytes32&)>& acceptable,
                                                                  bool& created);

}  // namespace clearway::daemon
