// Index types and the per-direction forwarding policy of the channel graph.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

#include "protocol/amount.hpp"

namespace clearway::routing {

__extension__ typedef unsigned __int128 uint128;  // NOLINT: 128-bit intermediate products

// A dense index that cannot be mixed up with another kind of index.
template <class Tag>
struct strong_index {
  static constexpr std::uint32_t invalid_value = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t value = invalid_value;

  constexpr strong_index() noexcept = default;
  constexpr explicit strong_index(std::uint32_t v) noexcept : value(v) {}
  [[nodiscard]] constexpr bool valid() const noexcept { return value != invalid_value; }
  friend constexpr auto operator<=>(strong_index, strong_index) noexcept = default;
  friend constexpr bool operator==(strong_index, strong_index) noexcept = default;
};

struct node_tag {};
struct channel_tag {};
struct edge_tag {};
using node_index = strong_index<node_tag>;        // a node of the network (0..node_count-1)
using channel_index = strong_index<channel_tag>;  // a channel (0..channel_count-1), stable across snapshots
// One direction of a channel: edge_index{2*channel + direction}; direction 0 is node1 -> node2.
using edge_index = strong_index<edge_tag>;

[[nodiscard]] constexpr edge_index edge_of(channel_index c, unsigned direction) noexcept {
  return edge_index{2 * c.value + (direction & 1u)};
}
[[nodiscard]] constexpr channel_index channel_of(edge_index e) noexcept { return channel_index{e.value / 2}; }
[[nodiscard]] constexpr unsigned direction_of(edge_index e) noexcept { return e.value & 1u; }
[[nodiscard]] constexpr edge_index counter_edge(edge_index e) noexcept { return edge_index{e.value ^ 1u}; }

// What the forwarding node (the `from` end of a direction) announces for HTLCs it forwards over it,
// plus what the router knows of the channel. All amounts in base units (msat for LN data).
struct edge_policy {
  protocol::amount fee_base;      // charged per forwarded HTLC
  protocol::amount min_htlc;      // smallest HTLC accepted on this direction
  protocol::amount max_htlc;      // largest HTLC accepted on this direction
  protocol::amount balance_hint;  // what the router believes `from` can send (may be stale)
  protocol::amount capacity;      // the channel's total deposit (both directions)
  std::uint32_t fee_ppm = 0;      // proportional fee, millionths of the forwarded amount
  std::uint32_t time_lock_delta_s = 0;  // how much later the incoming lock must be than the outgoing
  bool enabled = true;

  friend bool operator==(const edge_policy&, const edge_policy&) = default;
};

// The two ends of a channel; edge_of(c, 0) goes node1 -> node2.
struct channel_ends {
  node_index node1;
  node_index node2;
  friend bool operator==(const channel_ends&, const channel_ends&) = default;
};

inline constexpr std::uint32_t seconds_per_block = 600;

}  // namespace clearway::routing

template <class Tag>
struct std::hash<clearway::routing::strong_index<Tag>> {
  std::size_t operator()(clearway::routing::strong_index<Tag> i) const noexcept {
    return std::hash<std::uint32_t>{}(i.value);
  }
};
