// Named reasons for every bank call that is not allowed (PROTOCOL.md §3). Every backend maps its
// failures onto these, in the check order documented in chain/README.md, so the same call fails
// with the same reason on every backend.
#pragma once

#include <string_view>

namespace clearway::chain {

enum class error {
  unknown_bank = 1,             // no bank with this id
  not_a_client,                 // the caller is neither of the bank's two clients
  wrong_state,                  // the call is not allowed in the bank's current state
  invalid_address,              // a zero address (client or revocation lock)
  duplicate_address,            // both clients have the same address
  zero_amount,                  // a required deposit of 0
  zero_min_freeze_time,         // min_freeze_time_s must be > 0
  amount_overflow,              // a sum of amounts does not fit in uint64
  time_overflow,                // now + a duration does not fit in uint64
  already_deposited,            // this client has deposited already
  wrong_deposit_amount,         // the value sent is not exactly the required deposit
  insufficient_funds,           // the caller's account cannot pay the deposit
  funding_timeout_not_reached,  // cancel() before the funding deadline
  bank_mismatch,                // the commitment names another bank
  too_many_htlcs,               // more than max_htlcs_per_commitment
  balances_do_not_add_up,       // base + HTLCs (or close balances) != the deposits
  freeze_time_too_short,        // commitment.freeze_time_s < min_freeze_time_s
  invalid_signature,            // malformed, high-s, bad v, or nothing recovers from it
  wrong_signer,                 // a valid signature by someone other than the required signer
  htlc_index_out_of_range,      // no HTLC with this index in the cashed commitment
  htlc_already_resolved,        // the HTLC was claimed, refunded or seized already
  time_lock_expired,            // claim at or after the HTLC's time lock
  wrong_preimage,               // sha256(preimage) != hash lock
  freeze_over,                  // punish at or after the freeze end: too late
  freeze_not_over,              // withdraw before the freeze end
  nothing_to_withdraw,          // withdraw would neither pay nor resolve anything
  clock_backwards,              // embedded ledger: advance_to an earlier time
  events_pruned,                // the event cursor points before the oldest kept event
  backend_failure,              // the backend could not complete the call (transport, node)
};

[[nodiscard]] std::string_view to_string(error e) noexcept;

}  // namespace clearway::chain
