// Turns a topology into an engine network: one engine node per topology node, one channel per
// topology channel with the topology's two balances as the deposits and its per-direction
// policies. The bank requires both deposits > 0, so a side with balance 0 is given 1 base unit
// (counted in `zero_sides_topped_up`; the LN 2020-12 snapshot has one such side).
#pragma once

#include <cstdint>
#include <vector>

#include "actors/engine.hpp"
#include "routing/topology.hpp"

namespace clearway::tools::bench {

struct planned_channel {
  actors::channel_spec spec;
  std::uint32_t topped_up_sides = 0;  // 0, 1 or 2 sides raised from 0 to 1 base unit
};

// Pure: the engine channel for topology channel `c` (node ids are the topology's).
[[nodiscard]] planned_channel plan_channel(const routing::channel_spec& c);

struct network_stats {
  std::uint32_t nodes = 0;
  std::uint64_t channels_in_topology = 0;
  std::uint64_t channels_opened = 0;   // accepted by the engine
  std::uint64_t channels_refused = 0;  // refused by the engine (bank_refused, ...): left out
  std::uint64_t zero_sides_topped_up = 0;
  std::uint64_t total_deposits = 0;          // base units, of the opened channels (saturating)
  std::vector<std::uint64_t> node_capacity;  // per node: total capacity of its opened channels (saturating)
  std::vector<std::uint64_t> node_deposits;  // per node: its own deposits (saturating)
};

// Adds the nodes and channels to `e` (which must be empty: engine node i is topology node i).
// Channels open at the engine's next run.
[[nodiscard]] network_stats build_network(actors::engine& e, const routing::topology& topo);

}  // namespace clearway::tools::bench
