// Between node_channels and node/store: write what changed in one batch (one fsync), and rebuild
// a node_channels from the database after a restart. The daemon calls persist() after handling a
// batch of inputs and sends the outbox only once it returned ok: every state change is durable
// before a message that depends on it leaves (issue 6, PROTOCOL.md §7 across kill -9).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "node/channels/node_channels.hpp"
#include "node/store/store.hpp"

namespace clearway::node::channels {

enum class restore_error {
  store_failed = 1,   // a read failed (see the store error in the log)
  bad_channel_state,  // a stored channel state does not decode or check (protocol/channel_state_codec)
  channel_refused,    // the channel is not ours or its bank is unknown to the chain backend
};
[[nodiscard]] std::string_view to_string(restore_error e) noexcept;

// One batch with every changed channel, invoice, payment and forward; committed before it returns.
[[nodiscard]] status<store_error> persist(store& db, const node_channels& node, const node_changes& changes);

// Loads the channels, live invoices, in-flight payments and open forwards into an empty node.
[[nodiscard]] status<restore_error> restore(const store& db, const crypto::key_pair& identity, node_channels& node,
                                            std::uint64_t now_s);

}  // namespace clearway::node::channels
