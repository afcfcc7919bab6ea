#include "chain/errors.hpp"

namespace clearway::chain {

std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::unknown_bank:
      return "unknown bank";
    case error::not_a_client:
      return "caller is not a client of the bank";
    case error::wrong_state:
      return "call not allowed in the bank's current state";
    case error::invalid_address:
      return "zero address";
    case error::duplicate_address:
      return "both clients have the same address";
    case error::zero_amount:
      return "required deposit is zero";
    case error::zero_min_freeze_time:
      return "minimum freeze time is zero";
    case error::amount_overflow:
      return "amount overflow";
    case error::time_overflow:
      return "time overflow";
    case error::already_deposited:
      return "client already deposited";
    case error::wrong_deposit_amount:
      return "deposit is not exactly the required amount";
    case error::insufficient_funds:
      return "caller cannot pay the deposit";
    case error::funding_timeout_not_reached:
      return "funding timeout not reached";
    case error::bank_mismatch:
      return "commitment names another bank";
    case error::too_many_htlcs:
      return "too many HTLCs in the commitment";
    case error::balances_do_not_add_up:
      return "balances and HTLCs do not add up to the deposits";
    case error::freeze_time_too_short:
      return "freeze time shorter than the bank's minimum";
    case error::invalid_signature:
      return "invalid signature";
    case error::wrong_signer:
      return "signature by the wrong signer";
    case error::htlc_index_out_of_range:
      return "HTLC index out of range";
    case error::htlc_already_resolved:
      return "HTLC already resolved";
    case error::time_lock_expired:
      return "HTLC time lock expired";
    case error::wrong_preimage:
      return "preimage does not match the hash lock";
    case error::freeze_over:
      return "freeze is over: too late to punish";
    case error::freeze_not_over:
      return "freeze is not over";
    case error::nothing_to_withdraw:
      return "nothing to withdraw";
    case error::clock_backwards:
      return "time cannot move backwards";
    case error::events_pruned:
      return "events before the cursor were pruned";
    case error::backend_failure:
      return "backend failure";
  }
  return "unknown chain error";
}

}  // namespace clearway::chain
