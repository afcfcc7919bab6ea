// Named reasons why the channel state machine refused a call or a peer's message. A refusal never
// changes the channel's state (PROTOCOL.md §6).
#pragma once

#include <string_view>

#include "protocol/messages.hpp"

namespace clearway::protocol {

enum class channel_error {
  // Setup.
  config_bad_bank = 1,       // the bank address is zero
  config_bad_parties,        // a party address is zero or both are the same
  config_key_mismatch,       // a public key does not give its party's address, or is not on the curve
  config_zero_deposit,       // each party must deposit something (the bank requires amounts > 0)
  config_deposit_overflow,   // deposit0 + deposit1 does not fit in uint64
  config_bad_freeze_time,    // freeze time must be > 0
  config_bad_lock_batch,     // K must be in [2, max_lock_batch]
  config_bad_limits,         // a limit is zero or the time-lock window is empty
  own_key_mismatch,          // our key pair is not the configured key of our party
  wrong_lock_count,          // the peer's first locks are not exactly K non-zero addresses
  open_mismatch,             // an open_channel/accept_channel does not match the agreed config

  // Lifecycle.
  channel_not_open,          // the commitment #0 exchange is not complete
  channel_closing,           // a cooperative close is under way: no more updates
  channel_closed,

  // Proposals.
  unexpected_proposal_id,    // a peer proposal's id is not exactly the next expected one
  proposal_id_exhausted,
  zero_amount,               // a pay or HTLC of 0
  below_min_htlc,            // HTLC value under the configured minimum
  insufficient_balance,      // the sender cannot cover it, counting its pending proposals
  amount_overflow,           // a checked sum overflowed
  too_many_htlcs,            // the offerer would exceed max_accepted_htlcs
  max_in_flight_exceeded,    // the offerer would exceed max_htlc_value_in_flight
  time_lock_too_close,       // time_lock_s <= now_s + min_time_lock_margin_s
  time_lock_too_far,         // time_lock_s > now_s + max_time_lock_delta_s
  unknown_htlc,              // no such HTLC offered by the party that must have offered it
  htlc_not_committed,        // the HTLC is not yet irrevocably committed, so it cannot be resolved
  htlc_already_resolving,    // a fulfill or fail for this HTLC was already proposed
  wrong_preimage,            // sha256(preimage) != hash_lock

  // Rounds.
  round_in_progress,         // one round at a time
  nothing_to_commit,         // initiate with no uncovered proposal
  unexpected_commit,         // a commit message this state does not expect
  wrong_sequence,            // commit/revoke for another sequence than the expected one
  wrong_coverage,            // the covered proposal ranges are impossible or do not match
  empty_commit,              // an initiate that covers nothing new
  sequence_exhausted,        // no sequence number left
  bad_signature,             // the signature is not the peer's over the expected message
  stale_check,               // apply_* got a check made against an older round state
  conservation_violated,     // base + HTLCs != deposits (never for honest inputs)
  unexpected_revoke,         // a revoke this state does not expect
  wrong_revocation_secret,   // the secret's key is not the lock of that sequence
  shachain_mismatch,         // the secret is inconsistent with the secrets revealed before
  bad_next_lock,             // the next lock address is zero

  // Cooperative close.
  close_not_allowed,         // HTLCs, proposals or a round are still pending, or already closing
  wrong_close_balances,      // the close_request's balances are not the latest commitment's
  unexpected_close,          // a second close_request from the peer

  // Reestablish after a lost connection or a restart (docs/reestablish.md).
  awaiting_reestablish,      // connection_lost() was called: nothing else until on_reestablish succeeds
  unexpected_reestablish,    // a reestablish while none is awaited (connection_lost() was not called)
  impossible_reestablish,    // the peer's claims contradict each other (no honest state looks like this)
  peer_claims_unsent,        // the peer claims a proposal, signature or secret we never sent
  peer_lost_state,           // the peer lacks what it provably had (it signed or revoked past it)
};

[[nodiscard]] std::string_view to_string(channel_error e) noexcept;

// Why an HTLC that a channel refused to carry on is failed back (the reason the payer hears).
[[nodiscard]] fail_reason fail_reason_of(channel_error e) noexcept;

}  // namespace clearway::protocol
