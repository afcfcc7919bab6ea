// Appends big-endian integers and raw bytes to a byte_vector (the wire's byte order).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"

namespace clearway::protocol {

class byte_writer {
 public:
  // Writes into `out` (appending); the caller reserves, so a message costs one allocation.
  explicit byte_writer(byte_vector& out) noexcept : out_(out) {}

  void put_u8(std::uint8_t v) { out_.push_back(v); }
  void put_u16(std::uint16_t v) { put_be(v, 2); }
  void put_u32(std::uint32_t v) { put_be(v, 4); }
  void put_u64(std::uint64_t v) { put_be(v, 8); }
  void put_bytes(const std::uint8_t* data, std::size_t size) { out_.insert(out_.end(), data, data + size); }

 private:
  void put_be(std::uint64_t v, int width) {
    for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) out_.push_back(static_cast<std::uint8_t>(v >> shift));
  }
  byte_vector& out_;
};

}  // namespace clearway::protocol
