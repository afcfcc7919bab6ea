#include "tools/bench/network_builder.hpp"

#include <limits>

namespace clearway::tools::bench {

namespace {
constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<std::uint64_t>::max() : out;
}

actors::direction_policy to_policy(const routing::edge_policy& p) {
  actors::direction_policy out;
  out.fee_base = p.fee_base.base_units();
  out.fee_ppm = p.fee_ppm;
  out.time_lock_delta_s = p.time_lock_delta_s;  // the loader already turned blocks into blocks * 600 s
  out.min_htlc = p.min_htlc.base_units();
  out.max_htlc = p.max_htlc.base_units();
  return out;
}
}  // namespace

planned_channel plan_channel(const routing::channel_spec& c) {
  planned_channel out;
  // direction[0] is node1 -> node2, forwarded by node1: node1 is party `a` and its balance is
  // what it can send.
  out.spec.a = c.ends.node1.value;
  out.spec.b = c.ends.node2.value;
  out.spec.deposit_a = c.direction[0].balance_hint.base_units();
  out.spec.deposit_b = c.direction[1].balance_hint.base_units();
  for (std::uint64_t* d : {&out.spec.deposit_a, &out.spec.deposit_b}) {
    if (*d == 0) {
      *d = 1;
      ++out.topped_up_sides;
    }
  }
  out.spec.a_to_b = to_policy(c.direction[0]);
  out.spec.b_to_a = to_policy(c.direction[1]);
  // A topped-up side may exceed a max_htlc set to the topology's capacity by one unit; harmless.
  return out;
}

network_stats build_network(actors::engine& e, const routing::topology& topo) {
  network_stats s;
  s.nodes = topo.node_count;
  s.channels_in_topology = topo.channels.size();
  s.node_capacity.assign(topo.node_count, 0);
  s.node_deposits.assign(topo.node_count, 0);
  for (std::uint32_t i = 0; i < topo.node_count; ++i) (void)e.add_node();
  for (const auto& c : topo.channels) {
    const planned_channel p = plan_channel(c);
    if (!e.add_channel(p.spec)) {
      ++s.channels_refused;
      continue;
    }
    ++s.channels_opened;
    s.zero_sides_topped_up += p.topped_up_sides;
    const std::uint64_t capacity = saturating_add(p.spec.deposit_a, p.spec.deposit_b);
    s.total_deposits = saturating_add(s.total_deposits, capacity);
    s.node_capacity[p.spec.a] = saturating_add(s.node_capacity[p.spec.a], capacity);
    s.node_capacity[p.spec.b] = saturating_add(s.node_capacity[p.spec.b], capacity);
    s.node_deposits[p.spec.a] = saturating_add(s.node_deposits[p.spec.a], p.spec.deposit_a);
    s.node_deposits[p.spec.b] = saturating_add(s.node_deposits[p.spec.b], p.spec.deposit_b);
  }
  return s;
}

}  // namespace clearway::tools::bench
