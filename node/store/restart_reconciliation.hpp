// What the daemon does first after a restart (crash or not): load every channel end from the
// store and find the forwards that were cut in half, so it can fail them back or finish them
// (PROTOCOL.md §7: an incoming HTLC is never left hanging and an outgoing one is never lost).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "node/store/store.hpp"
#include "protocol/channel.hpp"

namespace clearway::node {

// The signing key for a channel end's configured address, or nullopt if this node has none.
using key_resolver = std::function<std::optional<crypto::key_pair>(const crypto::address&)>;

struct loaded_channel {
  channel_id id;
  std::uint64_t revision = 0;
  protocol::channel state;
};

// A channel row that could not be resumed: its blob is refused, or no key signs for it.
struct unloadable_channel {
  channel_id id;
  std::optional<protocol::channel_state_error> state_error;  // nullopt: no key for our address
};

enum class forward_action : std::uint8_t {
  forward_or_fail_back,  // the incoming HTLC is locked in and nothing went out: forward it now or fail it back
  fail_back,             // the outgoing HTLC never left, or was failed: fail the incoming one back
  settle_back,           // the preimage is known: fulfill the incoming HTLC with it
  wait_outgoing,         // the outgoing HTLC is still pending downstream: keep watching it
  already_resolved,      // the incoming HTLC is no longer in its channel: mark the circuit resolved
  outgoing_unknown,      // the outgoing HTLC was irrevocably removed but its outcome was not saved
  channel_missing,       // a circuit names a channel that did not load
};

struct half_forward {
  circuit circ;
  forward_action action = forward_action::forward_or_fail_back;
  std::optional<bytes32> preimage;  // for settle_back
};

struct reconciliation {
  std::vector<loaded_channel> channels;
  std::vector<unloadable_channel> unloadable;
  std::vector<half_forward> half_forwarded;
};

[[nodiscard]] result<reconciliation, store_error> reconcile_after_restart(const store& db, const key_resolver& keys);

[[nodiscard]] std::string_view to_string(forward_action a) noexcept;

}  // namespace clearway::node
