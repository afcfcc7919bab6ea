// Solidity abi.encodePacked for the few types the protocol hashes.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"

namespace clearway::crypto {

class abi_packed {
 public:
  abi_packed& add_address(const address& a) { return append(a.span()); }
  abi_packed& add_bytes32(const bytes32& b) { return append(b.span()); }
  abi_packed& add_uint8(std::uint8_t v) {
    out_.push_back(v);
    return *this;
  }
  abi_packed& add_uint32(std::uint32_t v) { return add_big_endian(v, 4); }
  // uint256 from a uint64 (zero-extended).
  abi_packed& add_uint256(std::uint64_t v) {
    out_.insert(out_.end(), 24, 0);
    return add_big_endian(v, 8);
  }
  abi_packed& add_string(std::string_view s) {
    out_.insert(out_.end(), s.begin(), s.end());
    return *this;
  }
  abi_packed& append(byte_span raw) {
    out_.insert(out_.end(), raw.begin(), raw.end());
    return *this;
  }
  [[nodiscard]] const byte_vector& bytes() const noexcept { return out_; }

 private:
  abi_packed& add_big_endian(std::uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return *this;
  }
  byte_vector out_;
};

}  // namespace clearway::crypto
