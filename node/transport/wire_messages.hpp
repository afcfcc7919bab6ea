// BOLT 1 messages (init, error, warning, ping, pong) and the wrapper that carries a protocol/
// channel message, as plain values. node/transport/wire_codec.hpp turns them into bytes and back.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "protocol/messages.hpp"

namespace clearway::node::transport {

struct channel_id_tag;
// 32 bytes naming a channel between two peers; all zeros in error/warning means "every channel".
using channel_id = fixed_bytes<32, channel_id_tag>;
struct chain_hash_tag;
using chain_hash = fixed_bytes<32, chain_hash_tag>;

// One record of a TLV stream whose type this node does not know. Only odd types are ever kept
// ("it's OK to be odd"); they are carried so that decoding then encoding gives the same bytes.
struct tlv_record {
  std::uint64_t type = 0;
  byte_vector value;
  friend bool operator==(const tlv_record&, const tlv_record&) = default;
};

// type 16. Feature bit fields are big-endian bit strings (bit 0 = least significant bit of the
// last byte); TLV 1 lists the chains the node is interested in, TLV 3 is the address the sender
// sees us at (kept as raw BOLT 7 address descriptor bytes).
struct init_message {
  byte_vector global_features;
  byte_vector features;
  std::optional<std::vector<chain_hash>> networks;
  std::optional<byte_vector> remote_addr;
  std::vector<tlv_record> unknown_tlvs;
  friend bool operator==(const init_message&, const init_message&) = default;
};

// type 17: the sender fails the channel (or every channel when channel is all zeros).
struct error_wire {
  channel_id channel;
  byte_vector data;  // for people; not parsed
  std::vector<tlv_record> unknown_tlvs;
  friend bool operator==(const error_wire&, const error_wire&) = default;
};

// type 1: like error, but nothing is failed.
struct warning_wire {
  channel_id channel;
  byte_vector data;
  std::vector<tlv_record> unknown_tlvs;
  friend bool operator==(const warning_wire&, const warning_wire&) = default;
};

// type 18: asks for a pong with num_pong_bytes ignored bytes (none if num_pong_bytes >= 65532).
struct ping_wire {
  std::uint16_t num_pong_bytes = 0;
  byte_vector ignored;
  std::vector<tlv_record> unknown_tlvs;
  friend bool operator==(const ping_wire&, const ping_wire&) = default;
};

// type 19.
struct pong_wire {
  byte_vector ignored;
  std::vector<tlv_record> unknown_tlvs;
  friend bool operator==(const pong_wire&, const pong_wire&) = default;
};

// type 32768 (Clearway's range in BOLT 1's experimental 32768-65535 space): a channel message of
// protocol/ (its own versioned codec) for the channel `channel`.
struct channel_wire {
  channel_id channel;
  protocol::message message;
  friend bool operator==(const channel_wire&, const channel_wire&) = default;
};

// A message of an odd type this node does not know: BOLT 1 says ignore it. Only the type is kept.
struct ignored_wire {
  std::uint16_t type = 0;
  friend bool operator==(const ignored_wire&, const ignored_wire&) = default;
};

using wire_message = std::variant<init_message, error_wire, warning_wire, ping_wire, pong_wire, channel_wire, ignored_wire>;

}  // namespace clearway::node::transport
