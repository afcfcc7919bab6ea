// Fixed-size byte strings and hex conversion shared by every layer.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clearway {

using byte_span = std::span<const std::uint8_t>;
using byte_vector = std::vector<std::uint8_t>;

// A fixed-size opaque byte string; Tag keeps e.g. addresses and hashes apart.
template <std::size_t N, class Tag = void>
struct fixed_bytes {
  static constexpr std::size_t size_bytes = N;
  std::array<std::uint8_t, N> bytes{};

  [[nodiscard]] constexpr std::uint8_t* data() noexcept { return bytes.data(); }
  [[nodiscard]] constexpr const std::uint8_t* data() const noexcept { return bytes.data(); }
  [[nodiscard]] static constexpr std::size_t size() noexcept { return N; }
  [[nodiscard]] byte_span span() const noexcept { return {bytes.data(), N}; }
  [[nodiscard]] bool is_zero() const noexcept {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
  }
  friend constexpr bool operator==(const fixed_bytes&, const fixed_bytes&) = default;
  friend constexpr auto operator<=>(const fixed_bytes&, const fixed_bytes&) = default;
};

struct bytes32_tag;
using bytes32 = fixed_bytes<32, bytes32_tag>;

[[nodiscard]] std::string to_hex(byte_span data);
template <std::size_t N, class Tag>
[[nodiscard]] std::string to_hex(const fixed_bytes<N, Tag>& b) {
  return to_hex(b.span());
}

// Parses hex (an optional "0x" prefix, even length); nullopt on any bad character.
[[nodiscard]] std::optional<byte_vector> from_hex(std::string_view hex);

template <class Fixed>
[[nodiscard]] std::optional<Fixed> fixed_from_hex(std::string_view hex) {
  auto raw = from_hex(hex);
  if (!raw || raw->size() != Fixed::size()) return std::nullopt;
  Fixed out;
  std::copy(raw->begin(), raw->end(), out.bytes.begin());
  return out;
}

}  // namespace clearway
