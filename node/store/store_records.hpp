// The rows node/store keeps besides channel states: forwarding circuits, invoices and payments,
// plus the read-side views of channels and HTLCs. Plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"
#include "protocol/amount.hpp"
#include "protocol/channel_events.hpp"
#include "protocol/messages.hpp"
#include "protocol/party.hpp"

namespace clearway::node {

// Our key for a channel end (e.g. keccak of the funding config and our party); opaque here.
using channel_id = bytes32;

// A channel as stored: the indexed columns and the state blob (protocol/channel_state_codec).
struct stored_channel {
  channel_id id;
  protocol::party self = protocol::party::zero;
  crypto::address peer;
  crypto::address bank;
  protocol::channel_phase phase = protocol::channel_phase::opening;
  std::uint32_t sequence = 0;
  std::array<protocol::amount, 2> balances{};  // base balances of the held commitment, party 0 then 1
  std::uint64_t revision = 0;                  // 1 on first write, +1 on every later write
  byte_vector state;
};

// One HTLC of a stored channel (kept in step with the channel state, for queries).
struct stored_htlc {
  channel_id channel;
  protocol::party offerer = protocol::party::zero;
  protocol::htlc_id id = 0;
  protocol::amount value;
  bytes32 hash_lock;
  std::uint64_t time_lock_s = 0;
  protocol::htlc_state state = protocol::htlc_state::proposed;
  protocol::removal_kind removal = protocol::removal_kind::none;
};

// A forward through this node: the incoming HTLC (offered to us) and the outgoing one we offered.
enum class circuit_state : std::uint8_t {
  incoming_locked = 0,  // the incoming HTLC is irrevocably committed; no outgoing HTLC sent yet
  forwarded = 1,        // the outgoing HTLC was proposed on the outgoing channel
  settled = 2,          // the preimage came back and the incoming HTLC is being fulfilled
  failed = 3,           // failed back (or never forwarded)
};
[[nodiscard]] constexpr bool is_resolved(circuit_state s) noexcept { return s == circuit_state::settled || s == circuit_state::failed; }

struct circuit {
  channel_id incoming_channel;
  protocol::htlc_id incoming_htlc = 0;
  std::optional<channel_id> outgoing_channel;  // set once forwarded
  std::optional<protocol::htlc_id> outgoing_htlc;
  bytes32 hash_lock;
  protocol::amount amount_in;
  protocol::amount amount_out;
  circuit_state state = circuit_state::incoming_locked;
  std::optional<bytes32> preimage;                 // once settled
  std::optional<protocol::fail_reason> failure;    // once failed
  std::uint64_t updated_s = 0;
  friend bool operator==(const circuit&, const circuit&) = default;
};

enum class invoice_state : std::uint8_t {
  open = 0,      // waiting for an HTLC
  accepted = 1,  // hold invoice: an HTLC is locked in, waiting for settle or cancel
  settled = 2,
  canceled = 3,
};

struct invoice {
  bytes32 payment_hash;
  std::optional<bytes32> preimage;  // absent for a hold invoice until the operator settles it
  protocol::amount value;
  std::uint64_t created_s = 0;
  std::uint64_t expiry_s = 0;
  bool hold = false;
  invoice_state state = invoice_state::open;
  std::string description;
  friend bool operator==(const invoice&, const invoice&) = default;
};

enum class payment_state : std::uint8_t { in_flight = 0, succeeded = 1, failed = 2 };

struct payment {
  bytes32 payment_hash;
  protocol::amount value;
  protocol::amount fee;
  payment_state state = payment_state::in_flight;
  std::optional<bytes32> preimage;
  std::optional<protocol::fail_reason> failure;
  std::uint32_t attempts = 0;
  std::uint64_t created_s = 0;
  std::uint64_t updated_s = 0;
  friend bool operator==(const payment&, const payment&) = default;
};

// Where we reached a peer (an outbound connect that succeeded): dialled again after a restart.
struct peer_endpoint {
  std::array<std::uint8_t, 33> node_id{};  // compressed public key
  std::string host;                          // IPv4 literal or "localhost"
  std::uint16_t port = 0;
  std::uint64_t updated_s = 0;
  friend bool operator==(const peer_endpoint&, const peer_endpoint&) = default;
};

}  // namespace clearway::node
