#include "chain/evm/rlp.hpp"

namespace clearway::chain::evm::rlp {

namespace {

// Short form: one byte offset + length (payload < 56 bytes); long form: offset + 55 + the
// length of the big-endian length, then the length.
void put_header(byte_vector& out, std::size_t payload_size, std::uint8_t offset) {
  if (payload_size < 56) {
    out.push_back(static_cast<std::uint8_t>(offset + payload_size));
    return;
  }
  const byte_vector len = minimal_big_endian(payload_size);
  out.push_back(static_cast<std::uint8_t>(offset + 55 + len.size()));
  out.insert(out.end(), len.begin(), len.end());
}

byte_vector list_of(const byte_vector* first, std::size_t count) {
  std::size_t payload = 0;
  for (std::size_t i = 0; i < count; ++i) payload += first[i].size();
  byte_vector out;
  out.reserve(payload + 9);
  put_header(out, payload, 0xc0);
  for (std::size_t i = 0; i < count; ++i) out.insert(out.end(), first[i].begin(), first[i].end());
  return out;
}

}  // namespace

byte_vector encode_bytes(byte_span data) {
  byte_vector out;
  // A single byte below 0x80 is its own encoding.
  if (data.size() == 1 && data[0] < 0x80) {
    out.push_back(data[0]);
    return out;
  }
  out.reserve(data.size() + 9);
  put_header(out, data.size(), 0x80);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

byte_vector encode_uint(u128 v) { return encode_bytes(minimal_big_endian(v)); }

byte_vector encode_list(std::span<const byte_vector> encoded_items) {
  return list_of(encoded_items.data(), encoded_items.size());
}

byte_vector encode_list(std::initializer_list<byte_vector> encoded_items) {
  return list_of(encoded_items.begin(), encoded_items.size());
}

}  // namespace clearway::chain::evm::rlp
