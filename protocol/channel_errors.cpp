#include "protocol/channel_errors.hpp"

namespace clearway::protocol {

std::string_view to_string(channel_error e) noexcept {
  switch (e) {
    case channel_error::config_bad_bank:
      return "config_bad_bank";
    case channel_error::config_bad_parties:
      return "config_bad_parties";
    case channel_error::config_key_mismatch:
      return "config_key_mismatch";
    case channel_error::config_zero_deposit:
      return "config_zero_deposit";
    case channel_error::config_deposit_overflow:
      return "config_deposit_overflow";
    case channel_error::config_bad_freeze_time:
      return "config_bad_freeze_time";
    case channel_error::config_bad_lock_batch:
      return "config_bad_lock_batch";
    case channel_error::config_bad_limits:
      return "config_bad_limits";
    case channel_error::own_key_mismatch:
      return "own_key_mismatch";
    case channel_error::wrong_lock_count:
      return "wrong_lock_count";
    case channel_error::open_mismatch:
      return "open_mismatch";
    case channel_error::channel_not_open:
      return "channel_not_open";
    case channel_error::channel_closing:
      return "channel_closing";
    case channel_error::channel_closed:
      return "channel_closed";
    case channel_error::unexpected_proposal_id:
      return "unexpected_proposal_id";
    case channel_error::proposal_id_exhausted:
      return "proposal_id_exhausted";
    case channel_error::zero_amount:
      return "zero_amount";
    case channel_error::below_min_htlc:
      return "below_min_htlc";
    case channel_error::insufficient_balance:
      return "insufficient_balance";
    case channel_error::amount_overflow:
      return "amount_overflow";
    case channel_error::too_many_htlcs:
      return "too_many_htlcs";
    case channel_error::max_in_flight_exceeded:
      return "max_in_flight_exceeded";
    case channel_error::time_lock_too_close:
      return "time_lock_too_close";
    case channel_error::time_lock_too_far:
      return "time_lock_too_far";
    case channel_error::unknown_htlc:
      return "unknown_htlc";
    case channel_error::htlc_not_committed:
      return "htlc_not_committed";
    case channel_error::htlc_already_resolving:
      return "htlc_already_resolving";
    case channel_error::wrong_preimage:
      return "wrong_preimage";
    case channel_error::round_in_progress:
      return "round_in_progress";
    case channel_error::nothing_to_commit:
      return "nothing_to_commit";
    case channel_error::unexpected_commit:
      return "unexpected_commit";
    case channel_error::wrong_sequence:
      return "wrong_sequence";
    case channel_error::wrong_coverage:
      return "wrong_coverage";
    case channel_error::empty_commit:
      return "empty_commit";
    case channel_error::sequence_exhausted:
      return "sequence_exhausted";
    case channel_error::bad_signature:
      return "bad_signature";
    case channel_error::stale_check:
      return "stale_check";
    case channel_error::conservation_violated:
      return "conservation_violated";
    case channel_error::unexpected_revoke:
      return "unexpected_revoke";
    case channel_error::wrong_revocation_secret:
      return "wrong_revocation_secret";
    case channel_error::shachain_mismatch:
      return "shachain_mismatch";
    case channel_error::bad_next_lock:
      return "bad_next_lock";
    case channel_error::close_not_allowed:
      return "close_not_allowed";
    case channel_error::wrong_close_balances:
      return "wrong_close_balances";
    case channel_error::unexpected_close:
      return "unexpected_close";
    case channel_error::awaiting_reestablish:
      return "awaiting_reestablish";
    case channel_error::unexpected_reestablish:
      return "unexpected_reestablish";
    case channel_error::impossible_reestablish:
      return "impossible_reestablish";
    case channel_error::peer_claims_unsent:
      return "peer_claims_unsent";
    case channel_error::peer_lost_state:
      return "peer_lost_state";
  }
  return "unknown channel error";
}

fail_reason fail_reason_of(channel_error e) noexcept {
  switch (e) {
    case channel_error::insufficient_balance:
    case channel_error::max_in_flight_exceeded: return fail_reason::insufficient_balance;
    case channel_error::too_many_htlcs: return fail_reason::too_many_htlcs;
    case channel_error::time_lock_too_close:
    case channel_error::time_lock_too_far: return fail_reason::time_lock_too_close;
    case channel_error::channel_not_open:
    case channel_error::channel_closing:
    case channel_error::channel_closed:
    case channel_error::awaiting_reestablish: return fail_reason::peer_unreachable;
    default: return fail_reason::temporary_failure;
  }
}

}  // namespace clearway::protocol
