// Unsigned integers as the EVM sees them: 32-byte big-endian words, and the 128-bit values the
// C++ side needs for wei (a dev account's 10,000 ether does not fit in 64 bits).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace clearway::chain::evm {

__extension__ using u128 = unsigned __int128;

// A uint256 as the ABI lays it out: 32 bytes, big-endian.
using word = bytes32;

[[nodiscard]] word word_from_u64(std::uint64_t v) noexcept;
[[nodiscard]] word word_from_u128(u128 v) noexcept;
// nullopt when the value does not fit.
[[nodiscard]] std::optional<std::uint64_t> u64_from_word(const word& w) noexcept;
[[nodiscard]] std::optional<u128> u128_from_word(const word& w) noexcept;

// JSON-RPC quantities: "0x" + minimal hex digits ("0x0" for zero).
[[nodiscard]] std::string to_quantity(u128 v);
// Accepts "0x0", "0x1a" (also leading zeros); nullopt on anything else or on overflow.
[[nodiscard]] std::optional<u128> u128_from_quantity(std::string_view q) noexcept;
[[nodiscard]] std::optional<std::uint64_t> u64_from_quantity(std::string_view q) noexcept;

// Minimal big-endian bytes (no leading zeros; empty for zero), as RLP wants integers.
[[nodiscard]] byte_vector minimal_big_endian(u128 v);

// Decimal text, for messages and tables.
[[nodiscard]] std::string to_decimal(u128 v);

}  // namespace clearway::chain::evm
