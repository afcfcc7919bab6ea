// What the daemon's channel layer refuses, by name. A refused call or message changes nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chain/errors.hpp"
#include "protocol/channel_errors.hpp"
#include "protocol/messages.hpp"

namespace clearway::node::channels {

enum class node_error {
  invalid_peer = 1,     // not a point on the curve, or ourselves
  chain_refused,        // the bank refused a call (see chain)
  unknown_channel,      // no channel with this id (with this peer)
  channel_not_open,     // the channel is still opening or already closing
  open_mismatch,        // open/accept does not match the bank on chain or names someone else
  deposit_refused,      // the peer asks us to deposit more than max_accept_deposit
  protocol_refused,     // the channel state machine refused it (see channel)
  unexpected_message,   // a message this channel cannot take now (e.g. a second open)
  bad_route,            // a route_wire that does not fit its HTLC, or too many waiting
  no_route,             // no open channel can carry the payment
  unknown_invoice,      // no invoice with this payment hash
  duplicate_invoice,    // an invoice with this payment hash exists
  duplicate_payment,    // this invoice is already being paid or was paid
  invoice_not_held,     // release/cancel of an invoice that is not a hold invoice with a held HTLC
  amount_overflow,      // amounts or fees beyond 2^64 - 1 msat
  invalid_amount,       // zero, or outside the node's min/max HTLC
  invoice_expired,      // paying an invoice after created_s + expiry_s
  fee_too_high,         // every route costs more than the payer's max_fee
  peer_unavailable,     // the channel's peer is disconnected or still reconnecting: try again
};
[[nodiscard]] std::string_view to_string(node_error e) noexcept;

struct node_failure {
  node_error error = node_error::invalid_peer;
  std::optional<protocol::channel_error> channel;  // with protocol_refused
  std::optional<chain::error> chain;               // with chain_refused
  node_failure() = default;
  explicit node_failure(node_error e) : error(e) {}
  node_failure(node_error e, protocol::channel_error c) : error(e), channel(c) {}
  node_failure(node_error e, chain::error c) : error(e), chain(c) {}
};
// "protocol_refused (insufficient_balance: ...)".
[[nodiscard]] std::string describe(const node_failure& f);

[[nodiscard]] std::string_view to_string(protocol::fail_reason r) noexcept;

}  // namespace clearway::node::channels
