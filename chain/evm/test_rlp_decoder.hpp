// Test-only: a small RLP decoder, to read back what rlp.cpp and transaction.cpp encode.
#pragma once

#include <optional>
#include <vector>

#include "base/bytes.hpp"

namespace clearway::chain::evm::testing {

struct rlp_item {
  bool is_list = false;
  byte_vector bytes;            // a string item
  std::vector<rlp_item> items;  // a list item
  friend bool operator==(const rlp_item&, const rlp_item&) = default;
};

// Decodes one item that spans all of `in`; nullopt on any malformed or non-canonical input.
inline std::optional<rlp_item> rlp_decode_one(byte_span in, std::size_t& used) {
  if (in.empty()) return std::nullopt;
  const std::uint8_t b = in[0];
  auto read_len = [&](std::size_t n, std::size_t& len) {
    if (n == 0 || n > 8 || in.size() < 1 + n || in[1] == 0) return false;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[1 + i];
    return len >= 56;
  };
  rlp_item item;
  std::size_t header = 1;
  std::size_t len = 0;
  if (b < 0x80) {
    item.bytes = {b};
    used = 1;
    return item;
  }
  if (b <= 0xb7) {
    len = b - 0x80;
    if (len == 1 && in.size() > 1 && in[1] < 0x80) return std::nullopt;  // should be a single byte
  } else if (b <= 0xbf) {
    header += b - 0xb7;
    if (!read_len(b - 0xb7, len)) return std::nullopt;
  } else if (b <= 0xf7) {
    item.is_list = true;
    len = b - 0xc0;
  } else {
    item.is_list = true;
    header += b - 0xf7;
    if (!read_len(b - 0xf7, len)) return std::nullopt;
  }
  if (in.size() < header || in.size() - header < len) return std::nullopt;
  byte_span payload = in.subspan(header, len);
  used = header + len;
  if (!item.is_list) {
    item.bytes.assign(payload.begin(), payload.end());
    return item;
  }
  while (!payload.empty()) {
    std::size_t n = 0;
    auto child = rlp_decode_one(payload, n);
    if (!child) return std::nullopt;
    item.items.push_back(std::move(*child));
    payload = payload.subspan(n);
  }
  return item;
}

inline std::optional<rlp_item> rlp_decode(byte_span in) {
  std::size_t used = 0;
  auto item = rlp_decode_one(in, used);
  if (!item || used != in.size()) return std::nullopt;
  return item;
}

}  // namespace clearway::chain::evm::testing
