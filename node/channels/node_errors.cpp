#include "node/channels/node_errors.hpp"

namespace clearway::node::channels {

std::string_view to_string(node_error e) noexcept {
  switch (e) {
    case node_error::invalid_peer: return "invalid_peer";
    case node_error::chain_refused: return "chain_refused";
    case node_error::unknown_channel: return "unknown_channel";
    case node_error::channel_not_open: return "channel_not_open";
    case node_error::open_mismatch: return "open_mismatch";
    case node_error::deposit_refused: return "deposit_refused";
    case node_error::protocol_refused: return "protocol_refused";
    case node_error::unexpected_message: return "unexpected_message";
    case node_error::bad_route: return "bad_route";
    case node_error::no_route: return "no_route";
    case node_error::unknown_invoice: return "unknown_invoice";
    case node_error::duplicate_invoice: return "duplicate_invoice";
    case node_error::duplicate_payment: return "duplicate_payment";
    case node_error::invoice_not_held: return "invoice_not_held";
    case node_error::amount_overflow: return "amount_overflow";
    case node_error::invalid_amount: return "invalid_amount";
    case node_error::invoice_expired: return "invoice_expired";
    case node_error::fee_too_high: return "fee_too_high";
    case node_error::peer_unavailable: return "peer_unavailable";
  }
  return "unknown_node_error";
}

std::string describe(const node_failure& f) {
  std::string out(to_string(f.error));
  if (f.channel) out += " (" + std::string(protocol::to_string(*f.channel)) + ")";
  if (f.chain) out += " (" + std::string(chain::to_string(*f.chain)) + ")";
  return out;
}

std::string_view to_string(protocol::fail_reason r) noexcept {
  using protocol::fail_reason;
  switch (r) {
    case fail_reason::unknown_payment_hash: return "unknown_payment_hash";
    case fail_reason::insufficient_balance: return "insufficient_balance";
    case fail_reason::time_lock_too_close: return "time_lock_too_close";
    case fail_reason::fee_insufficient: return "fee_insufficient";
    case fail_reason::peer_unreachable: return "peer_unreachable";
    case fail_reason::too_many_htlcs: return "too_many_htlcs";
    case fail_reason::expired: return "expired";
    case fail_reason::incorrect_details: return "incorrect_details";
    case fail_reason::temporary_failure: return "temporary_failure";
  }
  return "unknown_fail_reason";
}

}  // namespace clearway::node::channels
