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

// type 32770: how to carry on the HTLC the sender offers next on `channel` (source routing; sent just
// before that add_htlc, whose proposal id is `htlc`). hops[0] is for the receiver: where to forward
// (next_channel), how much (amount) and with which time lock; a next_channel of all zeros means the
// receiver is the payee, and then amount and time lock must equal the HTLC's own. The rest of the
// hops are passed on. In clear text: the payer's route is visible to every hop (no onion yet).
inline constexpr std::size_t max_route_hops = 20;
struct route_hop {
  channel_id next_channel;
  protocol::amount amount;
  std::uint64_t time_lock_s = 0;
  friend bool operator==(const route_hop&, const route_hop&) = default;
};
struct route_wire {
  channel_id channel;
  std::uint64_t htlc = 0;
  std::vector<route_hop> hops;  // 1 .. max_route_hops
  friend bool operator==(const route_wire&, const route_wire&) = default;
};

// type 32772: the sender's forwarding policy for HTLCs it forwards out over `channel` (what a payer
// pays it and the time-lock delta it keeps). Sent when the channel opens and when it changes.
struct policy_wire {
  channel_id channel;
  protocol::amount fee_base;
  std::uint32_t fee_ppm = 0;
  std::uint64_t time_lock_delta_s = 0;
  friend bool operator==(const policy_wire&, const policy_wire&) = default;
};

// A message of an odd type this node does not know: BOLT 1 says ignore it. Only the type is kept.
struct ignored_wire {
  std::uint16_t type = 0;
  friend bool operator==(const ignored_wire&, const ignored_wire&) = default;
};

using wire_message =
    std::variant<init_message, error_wire, warning_wire, ping_wire, pong_wire, channel_wire, route_wire, policy_wire,
                 ignored_wire>;

}  // namespace clearway::node::transport
