// Recursive Length Prefix encoding (Ethereum yellow paper, appendix B), encode side only: what
// signing and sending a transaction needs.
#pragma once

#include <initializer_list>
#include <span>

#include "base/bytes.hpp"
#include "chain/evm/uint.hpp"

namespace clearway::chain::evm::rlp {

// A byte string item.
[[nodiscard]] byte_vector encode_bytes(byte_span data);
// An integer item: minimal big-endian bytes, zero as the empty string.
[[nodiscard]] byte_vector encode_uint(u128 v);
// A list of already-encoded items.
[[nodiscard]] byte_vector encode_list(std::span<const byte_vector> encoded_items);
[[nodiscard]] byte_vector encode_list(std::initializer_list<byte_vector> encoded_items);

}  // namespace clearway::chain::evm::rlp
