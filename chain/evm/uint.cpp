#include "chain/evm/uint.hpp"

#include <algorithm>
#include <limits>

namespace clearway::chain::evm {

word word_from_u64(std::uint64_t v) noexcept { return word_from_u128(v); }

word word_from_u128(u128 v) noexcept {
  word w;
  for (int i = 31; i >= 16; --i) {
    w.bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
  return w;
}

std::optional<u128> u128_from_word(const word& w) noexcept {
  for (std::size_t i = 0; i < 16; ++i) {
    if (w.bytes[i] != 0) return std::nullopt;
  }
  u128 v = 0;
  for (std::size_t i = 16; i < 32; ++i) v = (v << 8) | w.bytes[i];
  return v;
}

std::optional<std::uint64_t> u64_from_word(const word& w) noexcept {
  auto v = u128_from_word(w);
  if (!v || *v > std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

std::string to_quantity(u128 v) {
  if (v == 0) return "0x0";
  std::string digits;
  while (v != 0) {
    digits.push_back("0123456789abcdef"[static_cast<unsigned>(v & 0xf)]);
    v >>= 4;
  }
  std::reverse(digits.begin(), digits.end());
  return "0x" + digits;
}

std::optional<u128> u128_from_quantity(std::string_view q) noexcept {
  if (q.size() < 3 || q[0] != '0' || (q[1] != 'x' && q[1] != 'X')) return std::nullopt;
  u128 v = 0;
  for (char c : q.substr(2)) {
    unsigned d = 0;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    if (v >> 124 != 0) return std::nullopt;  // one more digit would overflow
    v = (v << 4) | d;
  }
  return v;
}

std::optional<std::uint64_t> u64_from_quantity(std::string_view q) noexcept {
  auto v = u128_from_quantity(q);
  if (!v || *v > std::numeric_limits<std::uint64_t>::max()) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

byte_vector minimal_big_endian(u128 v) {
  byte_vector out;
  while (v != 0) {
    out.push_back(static_cast<std::uint8_t>(v));
    v >>= 8;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string to_decimal(u128 v) {
  if (v == 0) return "0";
  std::string digits;
  while (v != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

}  // namespace clearway::chain::evm
