// Everything a channel end needs to resume exactly where it stopped, as plain values (the
// persistent part of protocol::channel's state; the per-proposal caches are recomputed), and the
// named reasons why a snapshot or its encoding (protocol/channel_state_codec.hpp) is refused.
//
// The node's signing key is NOT part of a snapshot: channel::from_snapshot() takes it from the
// caller and checks it is the configured key of our party. The per-channel shachain seed is.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/shachain.hpp"
#include "crypto/signature.hpp"
#include "protocol/channel_config.hpp"
#include "protocol/channel_content.hpp"
#include "protocol/channel_events.hpp"
#include "protocol/htlc_book.hpp"
#include "protocol/party.hpp"
#include "protocol/proposal_log.hpp"

namespace clearway::protocol {

struct channel_snapshot {
  channel_config config;
  party self = party::zero;
  bytes32 seed;  // our per-channel shachain seed: secret
  channel_phase phase = channel_phase::opening;
  round_state round = round_state::idle;
  bool sent_initial = false;
  bool got_initial = false;
  commitment_content held;  // our latest commitment with the peer's signature
  crypto::signature held_sig;
  std::optional<commitment_content> pending;  // the #n+1 we initiated
  coverage irrevocable{};
  std::array<proposal_log, 2> logs;  // by sender
  htlc_book book;
  lock_ring own_locks;
  lock_ring peer_locks;
  std::optional<std::uint32_t> own_revoked;
  std::optional<std::uint32_t> peer_revoked;
  std::array<std::optional<crypto::signature>, 2> close_sigs;  // by party
  std::vector<channel_event> events;  // not yet drained
  std::uint64_t round_stamp = 0;
  crypto::shachain_store peer_secrets;
};

enum class channel_state_error {
  // Encoding (protocol/channel_state_codec.hpp).
  bad_magic = 1,           // the blob does not start with "CWCS"
  unsupported_version,     // a state format version this build does not read
  truncated,               // the input ends inside a field
  trailing_bytes,          // bytes left after the last field
  invalid_bool,            // a flag or presence byte other than 0 or 1
  invalid_enum,            // party, phase, round, removal kind, proposal/event tag or fail reason out of range
  count_too_large,         // a list longer than its limit or than the input can hold
  state_too_large,         // input longer than max_channel_state_bytes
  // Consistency (channel::from_snapshot).
  bad_config,              // validate_config() refuses the config
  own_key_mismatch,        // the key pair given is not the configured key of our party
  phase_mismatch,          // phase, the #0 flags and the close signatures disagree
  lock_ring_mismatch,      // a lock ring has the wrong size, a zero lock, or sits at the wrong sequence
  own_locks_not_from_seed, // our lock ring is not what our seed derives
  revoked_mismatch,        // highest revoked sequences do not follow from the rings
  pending_mismatch,        // a pending #n+1 without an initiated round, or the reverse, or its content is wrong
  coverage_mismatch,       // coverages out of order or beyond the proposals that exist
  proposal_mismatch,       // a log entry with the wrong id, a zero amount or a removal of no HTLC
  htlc_book_mismatch,      // the HTLC book and the proposal logs disagree
  wrong_preimage,          // a pending fulfill whose preimage does not hash to the HTLC's lock
  commitment_mismatch,     // the held commitment's HTLC digest or conservation is wrong
  bad_held_signature,      // the peer's signature on our held commitment does not verify
  balance_underflow,       // pending proposals spend more than the sender's balance
  shachain_mismatch,       // the peer's secrets are not a store of sequences 0..highest revoked
};

[[nodiscard]] std::string_view to_string(channel_state_error e) noexcept;

}  // namespace clearway::protocol
