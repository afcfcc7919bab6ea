// Small hand-made networks for the routing tests (test-only header).
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "routing/graph_snapshot.hpp"
#include "routing/topology.hpp"

namespace clearway::routing::testing {

inline protocol::amount units(std::uint64_t v) { return protocol::amount::from_base_units(v); }

// A direction with the given fee and delta, able to carry anything up to `balance`.
inline edge_policy policy(std::uint64_t fee_base, std::uint32_t fee_ppm, std::uint32_t delta_s,
                          std::uint64_t balance, std::uint64_t min_htlc = 0,
                          std::uint64_t max_htlc = ~std::uint64_t{0}) {
  edge_policy p;
  p.fee_base = units(fee_base);
  p.fee_ppm = fee_ppm;
  p.time_lock_delta_s = delta_s;
  p.balance_hint = units(balance);
  p.min_htlc = units(min_htlc);
  p.max_htlc = units(max_htlc);
  p.enabled = true;
  return p;
}

inline channel_spec channel(std::uint32_t a, std::uint32_t b, std::uint64_t capacity, edge_policy a_to_b,
                            edge_policy b_to_a) {
  channel_spec c;
  c.ends = channel_ends{node_index{a}, node_index{b}};
  c.capacity = units(capacity);
  c.direction = {a_to_b, b_to_a};
  return c;
}

inline std::shared_ptr<const graph_snapshot> build(const topology& t) {
  auto snap = graph_snapshot::build(t);
  return snap ? std::move(*snap) : nullptr;
}

// 0 - 1 - 2 - ... - L, every direction with fee 0, delta `delta_s`, plenty of balance.
inline topology line(std::uint32_t channels, std::uint32_t delta_s, std::uint64_t fee_base = 0,
                     std::uint32_t fee_ppm = 0) {
  topology t;
  t.node_count = channels + 1;
  for (std::uint32_t i = 0; i < channels; ++i) {
    const edge_policy p = policy(fee_base, fee_ppm, delta_s, 1'000'000'000);
    t.channels.push_back(channel(i, i + 1, 2'000'000'000, p, p));
  }
  return t;
}

}  // namespace clearway::routing::testing
