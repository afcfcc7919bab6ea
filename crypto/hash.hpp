// keccak256 (Ethereum's, not NIST SHA3-256) and sha256.
#pragma once

#include "base/bytes.hpp"

namespace clearway::crypto {

[[nodiscard]] bytes32 keccak256(byte_span data) noexcept;
[[nodiscard]] bytes32 sha256(byte_span data) noexcept;

}  // namespace clearway::crypto
