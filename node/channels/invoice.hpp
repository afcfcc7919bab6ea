// Invoices: what a payee hands a payer out of band (PROTOCOL.md §7: the hash lock, the amount),
// signed by the payee's node key, with route hints — the payee's channels a payer may reach it
// through when it has no channel to the payee itself (the daemon has no gossip yet).
//
// Text form: "cwi1" then lowercase hex of: payee node id (33) | payment hash (32) | amount msat
// (u64) | created_s (u64) | expiry_s (u32) | final_delta_s (u64) | hint count (u8, <= 8) | per hint:
// node id (33), channel id (32), fee_base msat (u64), fee_ppm (u32), time_lock_delta_s (u64) |
// signature (65) by the payee over keccak256 of everything before it (EIP-191, as commitments).
// Integers big-endian. Canonical: decode(encode(i)) == i, and decode accepts nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "node/transport/noise_primitives.hpp"
#include "node/transport/wire_messages.hpp"
#include "protocol/amount.hpp"

namespace clearway::node::channels {

using transport::channel_id;
using transport::node_id;

inline constexpr std::string_view invoice_prefix = "cwi1";
inline constexpr std::size_t max_route_hints = 8;

struct route_hint {
  node_id node;        // the payee's peer
  channel_id channel;  // its channel with the payee
  protocol::amount fee_base;
  std::uint32_t fee_ppm = 0;
  std::uint64_t time_lock_delta_s = 0;
  friend bool operator==(const route_hint&, const route_hint&) = default;
};

struct invoice {
  node_id payee;
  bytes32 payment_hash;
  protocol::amount value;
  std::uint64_t created_s = 0;
  std::uint32_t expiry_s = 0;
  std::uint64_t final_delta_s = 0;  // the time lock the payee wants on its HTLC: now + this
  std::vector<route_hint> hints;
  friend bool operator==(const invoice&, const invoice&) = default;
};

enum class invoice_error {
  bad_prefix = 1,   // does not start with "cwi1"
  bad_hex,          // not lowercase hex of whole bytes
  truncated,        // ends inside a field
  trailing_bytes,   // bytes after the signature
  too_many_hints,   // more than max_route_hints
  invalid_node_id,  // the payee or a hint node is not a point on the curve
  zero_amount,      // an invoice for nothing
  bad_signature,    // not signed by the payee
};
[[nodiscard]] std::string_view to_string(invoice_error e) noexcept;

// Signs with the payee's key (which must be the key of `inv.payee`).
[[nodiscard]] std::string encode_invoice(const invoice& inv, const crypto::secret_key& payee_key);
[[nodiscard]] result<invoice, invoice_error> decode_invoice(std::string_view text);

}  // namespace clearway::node::channels
