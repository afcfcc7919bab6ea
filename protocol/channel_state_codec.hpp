// The durable form of a channel end (node/store keeps it): protocol::channel <-> bytes. Pure.
//
// Layout (all integers big-endian, like the wire codec):
//   "CWCS" || u16 state_format_version (= 1) || the channel_snapshot's fields in declaration order.
//   Flags and presence bytes are u8 0/1; enums u8 (fail_reason u16); amounts u64 base units;
//   lists u32 count + items; variants u8 tag (the alternative's index) + fields. The per-proposal
//   caches are not stored (they are recomputed), nor is the signing key (the caller passes it).
//
// Canonical: encode(decode(b)) == b for every accepted b; decode(encode(c)) == c and behaves
// exactly as c. Anything else is refused with a named channel_state_error, including blobs that
// decode but describe a state no channel can be in (channel::from_snapshot checks them).
// Versioning: a new layout gets a new version number; decode keeps reading every older one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_snapshot.hpp"

namespace clearway::protocol {

inline constexpr std::uint16_t state_format_version = 1;
inline constexpr std::size_t max_channel_state_bytes = 64u << 20;

[[nodiscard]] byte_vector encode_snapshot(const channel_snapshot& snap);
[[nodiscard]] result<channel_snapshot, channel_state_error> decode_snapshot(byte_span bytes);

// encode_snapshot(c.snapshot()).
[[nodiscard]] byte_vector encode_channel_state(const channel& c);
// decode_snapshot + channel::from_snapshot(snap, keys).
[[nodiscard]] result<channel, channel_state_error> decode_channel_state(byte_span bytes, const crypto::key_pair& keys);

// The compact in-memory form of an idle channel end (the engine keeps millions of them): the
// fields after the config, without magic and version (352 B for an opened channel against
// 1,208 B as a channel value). Not a storage or wire format: decode_resting_state() rebuilds the
// channel with channel::from_own_snapshot(), which skips the consistency checks, so it must only
// ever see bytes that encode_resting_state() produced in this process, with the same config.
[[nodiscard]] byte_vector encode_resting_state(const channel& c);
[[nodiscard]] result<channel, channel_state_error> decode_resting_state(byte_span bytes, const channel_config& config,
                                                                        const crypto::key_pair& keys);

}  // namespace clearway::protocol
