// Reads big-endian integers and raw bytes from a span, never past its end. Every read either
// succeeds and advances, or fails and leaves the cursor where it was.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/bytes.hpp"

namespace clearway::protocol {

class byte_reader {
 public:
  explicit byte_reader(byte_span input) noexcept : input_(input) {}

  [[nodiscard]] std::size_t remaining() const noexcept { return input_.size() - pos_; }

  [[nodiscard]] bool read_u8(std::uint8_t& out) noexcept { return read_be(out, 1); }
  [[nodiscard]] bool read_u16(std::uint16_t& out) noexcept { return read_be(out, 2); }
  [[nodiscard]] bool read_u32(std::uint32_t& out) noexcept { return read_be(out, 4); }
  [[nodiscard]] bool read_u64(std::uint64_t& out) noexcept { return read_be(out, 8); }

  [[nodiscard]] bool read_bytes(std::uint8_t* out, std::size_t size) noexcept {
    if (size > remaining()) return false;
    if (size != 0) std::memcpy(out, input_.data() + pos_, size);
    pos_ += size;
    return true;
  }

 private:
  template <class T>
  [[nodiscard]] bool read_be(T& out, std::size_t width) noexcept {
    if (width > remaining()) return false;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v = (v << 8) | input_[pos_ + i];
    out = static_cast<T>(v);
    pos_ += width;
    return true;
  }
  byte_span input_;
  std::size_t pos_ = 0;
};

}  // namespace clearway::protocol
