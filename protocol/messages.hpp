// The channel's wire messages (PROTOCOL.md §5-§6) as plain values. protocol/codec.hpp turns them
// into bytes and back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "protocol/amount.hpp"

namespace clearway::protocol {

using crypto::address;
using crypto::signature;

// Proposals are numbered per sender, 1, 2, 3, ... (proposal_id). An HTLC is named by its offerer
// and the proposal_id of the add_htlc that offered it (htlc_id).
using proposal_id = std::uint64_t;
using htlc_id = std::uint64_t;

// Opening: the bank, the parties' signing addresses, deposits, the freeze time both sign into
// commitments, and the sender's revocation-lock addresses for sequences 0 .. K-1 (K >= 2).
struct open_channel {
  address bank;
  std::array<address, 2> parties;
  std::array<amount, 2> deposits;
  std::uint64_t freeze_time_s = 0;
  std::vector<address> first_locks;
  friend bool operator==(const open_channel&, const open_channel&) = default;
};

// The reply: the acceptor's own first K lock addresses.
struct accept_channel {
  address bank;
  std::vector<address> first_locks;
  friend bool operator==(const accept_channel&, const accept_channel&) = default;
};

struct add_htlc {
  proposal_id id = 0;
  amount value;
  bytes32 hash_lock;
  std::uint64_t time_lock_s = 0;
  friend bool operator==(const add_htlc&, const add_htlc&) = default;
};

// Settles an HTLC the *receiver of this message* offered.
struct fulfill_htlc {
  proposal_id id = 0;
  htlc_id htlc = 0;
  bytes32 preimage;
  friend bool operator==(const fulfill_htlc&, const fulfill_htlc&) = default;
};

enum class fail_reason : std::uint16_t {
  unknown_payment_hash = 1,  // the payee has no invoice for it
  insufficient_balance,      // the next hop could not carry it
  time_lock_too_close,       // the next hop's lock would be too near or too far
  fee_insufficient,
  peer_unreachable,          // the next hop is offline or does not answer
  too_many_htlcs,
  expired,                   // the time lock came too close while waiting
  incorrect_details,         // amount or lock does not match the invoice
  temporary_failure,
};

struct fail_htlc {
  proposal_id id = 0;
  htlc_id htlc = 0;
  fail_reason reason = fail_reason::temporary_failure;
  friend bool operator==(const fail_htlc&, const fail_htlc&) = default;
};

// A plain payment of `value` from the sender to the receiver (the article's RSMC update).
struct pay {
  proposal_id id = 0;
  amount value;
  friend bool operator==(const pay&, const pay&) = default;
};

enum class commit_kind : std::uint8_t { initiate = 0, countersign = 1 };

// commit(n+1): the commitment #sequence covering the initiator's proposals up to initiator_upto and
// the responder's up to responder_upto; sig is over the *receiver's* copy.
struct commit {
  std::uint32_t sequence = 0;
  commit_kind kind = commit_kind::initiate;
  proposal_id initiator_upto = 0;
  proposal_id responder_upto = 0;
  signature sig;
  friend bool operator==(const commit&, const commit&) = default;
};

// revoke(n): the shachain secret of the sender's copy #sequence, and its lock for the next unsent
// sequence.
struct revoke {
  std::uint32_t sequence = 0;
  bytes32 secret;
  address next_lock;
  friend bool operator==(const revoke&, const revoke&) = default;
};

// Cooperative close: the sender's signature over close_message_hash(bank, a0, a1).
struct close_request {
  std::array<amount, 2> balances;
  signature sig;
  friend bool operator==(const close_request&, const close_request&) = default;
};

struct error_message {
  std::uint16_t code = 0;
  std::string text;  // for people; never parsed
  friend bool operator==(const error_message&, const error_message&) = default;
};

// reestablish: the first message on every new connection (after a lost connection or a restart),
// like BOLT 2's channel_reestablish. It states what the sender durably holds of what the receiver
// sent, so the receiver can resend exactly what was lost (channel::on_reestablish; the rules are
// in docs/reestablish.md). Every field is a claim the receiver checks against its own state.
struct reestablish {
  proposal_id received_upto = 0;        // id of the receiver's last proposal the sender holds (0: none)
  std::uint32_t held_sequence = 0;      // the sender's latest commitment that has the receiver's signature
  bool holds_signature = false;         // false only while the receiver's signature on #0 is missing
  std::uint32_t initiated_sequence = 0; // the #held+1 the sender initiated, not yet countersigned; 0: none
  std::uint32_t revoked_count = 0;      // receiver's commitments the sender holds the secret of (0..count-1)
  bool holds_close_signature = false;   // whether the sender holds the receiver's close_request
  friend bool operator==(const reestablish&, const reestablish&) = default;
};

using message = std::variant<open_channel, accept_channel, add_htlc, fulfill_htlc, fail_htlc, pay,
                             commit, revoke, close_request, error_message, reestablish>;

}  // namespace clearway::protocol
