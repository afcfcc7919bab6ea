// The two ends of a channel: 0 opens it ("Alice"), 1 is the other ("Bob").
#pragma once

#include <cstdint>

namespace clearway::protocol {

enum class party : std::uint8_t { zero = 0, one = 1 };

[[nodiscard]] constexpr party other(party p) noexcept { return p == party::zero ? party::one : party::zero; }
[[nodiscard]] constexpr std::size_t index_of(party p) noexcept { return static_cast<std::size_t>(p); }

}  // namespace clearway::protocol
