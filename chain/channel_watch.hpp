// The watcher's record of one channel end, taken from the channel state machine: what a party must
// keep to defend itself on chain (PROTOCOL.md §8).
#pragma once

#include <map>

#include "chain/watcher.hpp"
#include "protocol/channel.hpp"

namespace clearway::chain {

// `extra_preimages` adds preimages the party knows from elsewhere (its invoices, or a downstream
// fulfil) for HTLCs the peer offered it.
[[nodiscard]] watch_record make_watch_record(const protocol::channel& channel,
                                             const std::map<bytes32, bytes32>& extra_preimages = {});

}  // namespace clearway::chain
