// The BOLT 1 codec: a 2-byte big-endian type, then the message's fields, then an optional TLV
// extension stream. Rules (BOLT 1):
//  - an unknown odd message type is ignored (ignored_wire); an unknown even type is an error;
//  - TLV records: BigSize type and length (minimally encoded), types strictly increasing, an
//    unknown even TLV type is an error, an unknown odd one is kept and re-encoded unchanged;
//  - bytes after a message's fields are its TLV extension stream, never silently dropped.
// Canonical: encode(decode(b)) == b for every accepted b that is not ignored_wire. Decoding never
// allocates more than the input's length justifies.
//
// Types: 1 warning, 16 init, 17 error, 18 ping, 19 pong, 32768 channel_wire, 32770 route_wire
// (Clearway's range starts at 32768; 32769-32799 are reserved for it). route_wire has no TLV
// stream: u16 type, channel (32), htlc (u64), u8 hop count (1..20), then per hop next_channel (32),
// amount (u64), time_lock_s (u64). 32772 policy_wire: u16 type, channel (32), fee_base (u64),
// fee_ppm (u32), time_lock_delta_s (u64), nothing after.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "node/transport/wire_messages.hpp"
#include "protocol/codec.hpp"

namespace clearway::node::transport {

enum class wire_type : std::uint16_t {
  warning = 1,
  init = 16,
  error = 17,
  ping = 18,
  pong = 19,
  channel = 32768,
  route = 32770,
  policy = 32772,
};
inline constexpr std::uint16_t clearway_type_range_first = 32768;
inline constexpr std::uint16_t clearway_type_range_last = 32799;
// BOLT 1: a ping asking for this many pong bytes or more gets no pong.
inline constexpr std::uint16_t pong_suppressed_from = 65'532;

enum class wire_error {
  missing_type = 1,          // fewer than 2 bytes: no message type
  unknown_even_type,         // an even message type this node does not know
  truncated,                 // the input ends inside a field or a TLV record
  non_minimal_bigsize,       // a BigSize not in its shortest form
  tlv_not_increasing,        // TLV types repeated or out of order
  unknown_even_tlv,          // an even TLV type this node does not know
  bad_tlv_length,            // a known TLV with a length its type forbids
  channel_message_invalid,   // the wrapped protocol/ message fails its codec
  field_too_long,            // encode: a field longer than its u16 length prefix allows
  message_too_large,         // encode: the message exceeds 65535 bytes
  cannot_encode_ignored,     // encode: ignored_wire has no bytes
  invalid_tlv_record,        // encode: an unknown TLV that is even or not strictly increasing
  invalid_route,             // route_wire: no hop, more than max_route_hops, or bytes after the last hop
  invalid_policy,            // policy_wire: bytes after its last field
};

[[nodiscard]] std::string_view to_string(wire_error e) noexcept;

// Why decoding failed, and for channel_message_invalid the wrapped codec's own error.
struct wire_decode_failure {
  wire_error error;
  std::optional<protocol::codec_error> channel_error;
};

[[nodiscard]] result<wire_message, wire_error> decode_wire(byte_span bytes);
// Like decode_wire, but also names the inner protocol codec error of a bad channel_wire.
[[nodiscard]] result<wire_message, wire_decode_failure> decode_wire_detailed(byte_span bytes);
[[nodiscard]] result<byte_vector, wire_error> encode_wire(const wire_message& m);

[[nodiscard]] std::string_view wire_message_name(const wire_message& m) noexcept;

// BigSize (BOLT 1): exposed for tests and the fuzzer.
void put_bigsize(byte_vector& out, std::uint64_t v);
// Reads a minimal BigSize at `pos`, advancing it; nullopt-like errors via result.
[[nodiscard]] result<std::uint64_t, wire_error> read_bigsize(byte_span in, std::size_t& pos);

// Feature negotiation (BOLT 9 "it's OK to be odd"): the lowest even ("required") bit set in
// `features` that `known` does not also have, if any. A node must refuse a peer with one.
[[nodiscard]] std::optional<std::size_t> unknown_required_feature(byte_span features, byte_span known) noexcept;
// Sets bit `bit` in a big-endian feature bit string, growing it as needed.
void set_feature_bit(byte_vector& features, std::size_t bit);
[[nodiscard]] bool has_feature_bit(byte_span features, std::size_t bit) noexcept;

}  // namespace clearway::node::transport
