// A network description as plain data: what the loader and the generator produce, and what a
// graph_snapshot is built from.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "routing/types.hpp"

namespace clearway::routing {

struct channel_spec {
  channel_ends ends;
  protocol::amount capacity;
  // direction[0]: node1 -> node2 (forwarded by node1); direction[1]: node2 -> node1.
  // Each policy's `capacity` field is filled from `capacity` when the snapshot is built.
  std::array<edge_policy, 2> direction;
};

// Channel i of `channels` becomes channel_index{i}.
struct topology {
  std::uint32_t node_count = 0;
  std::vector<channel_spec> channels;
};

}  // namespace clearway::routing
