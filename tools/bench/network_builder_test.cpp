// Topology -> engine: deposits from the balances, policies per direction, zero sides topped up.
#include "tools/bench/network_builder.hpp"

#include <gtest/gtest.h>

#include "tools/bench/topology_source.hpp"

namespace clearway::tools::bench {
namespace {

using protocol::amount;

routing::channel_spec channel(std::uint32_t a, std::uint32_t b, std::uint64_t bal_a, std::uint64_t bal_b) {
  routing::channel_spec c;
  c.ends = {routing::node_index{a}, routing::node_index{b}};
  c.capacity = amount::from_base_units(bal_a + bal_b);
  c.direction[0].balance_hint = amount::from_base_units(bal_a);
  c.direction[1].balance_hint = amount::from_base_units(bal_b);
  c.direction[0].fee_base = amount::from_base_units(1000);
  c.direction[0].fee_ppm = 7;
  c.direction[0].min_htlc = amount::from_base_units(1000);
  c.direction[0].max_htlc = c.capacity;
  c.direction[0].time_lock_delta_s = 40 * 600;
  c.direction[1].fee_base = amount::from_base_units(0);
  c.direction[1].fee_ppm = 250;
  c.direction[1].min_htlc = amount::from_base_units(1);
  c.direction[1].max_htlc = c.capacity;
  c.direction[1].time_lock_delta_s = 144 * 600;
  return c;
}

TEST(network_builder, node1_is_party_a_with_direction_0) {
  const auto p = plan_channel(channel(3, 8, 700, 300));
  EXPECT_EQ(p.spec.a, 3u);
  EXPECT_EQ(p.spec.b, 8u);
  EXPECT_EQ(p.spec.deposit_a, 700u);
  EXPECT_EQ(p.spec.deposit_b, 300u);
  EXPECT_EQ(p.topped_up_sides, 0u);
  EXPECT_EQ(p.spec.a_to_b.fee_base, 1000u);
  EXPECT_EQ(p.spec.a_to_b.fee_ppm, 7u);
  EXPECT_EQ(p.spec.a_to_b.min_htlc, 1000u);
  EXPECT_EQ(p.spec.a_to_b.max_htlc, 1000u);
  EXPECT_EQ(p.spec.a_to_b.time_lock_delta_s, 40u * 600u);
  EXPECT_EQ(p.spec.b_to_a.fee_base, 0u);
  EXPECT_EQ(p.spec.b_to_a.fee_ppm, 250u);
  EXPECT_EQ(p.spec.b_to_a.time_lock_delta_s, 144u * 600u);
}

TEST(network_builder, zero_sides_get_one_base_unit) {
  auto one = plan_channel(channel(0, 1, 500, 0));
  EXPECT_EQ(one.spec.deposit_a, 500u);
  EXPECT_EQ(one.spec.deposit_b, 1u);
  EXPECT_EQ(one.topped_up_sides, 1u);
  auto both = plan_channel(channel(0, 1, 0, 0));
  EXPECT_EQ(both.spec.deposit_a, 1u);
  EXPECT_EQ(both.spec.deposit_b, 1u);
  EXPECT_EQ(both.topped_up_sides, 2u);
}

TEST(network_builder, builds_the_diamond_fixture) {
  topology_spec spec;
  spec.what = topology_spec::kind::directory;
  spec.directory = std::filesystem::path(CLEARWAY_BENCH_TESTDATA) / "diamond";
  auto topo = load_topology(spec, {}, 1);
  ASSERT_TRUE(topo) << topo.error().message;
  actors::engine_config cfg;
  cfg.worker_threads = 1;
  cfg.route_workers = 1;
  cfg.verifier_workers = 1;
  actors::engine e(cfg);
  const auto s = build_network(e, topo->network);
  EXPECT_EQ(s.nodes, 5u);
  EXPECT_EQ(e.node_count(), 5u);
  EXPECT_EQ(s.channels_in_topology, 6u);
  EXPECT_EQ(s.channels_opened, 6u);
  EXPECT_EQ(s.channels_refused, 0u);
  EXPECT_EQ(e.channel_count(), 6u);
  EXPECT_EQ(s.zero_sides_topped_up, 1u);  // node 4's side of channel 5
  // Capacities from the fixture, plus the one unit given to node 4.
  const std::uint64_t total =
      2'000'000'000ull + 1'000'000'000ull + 1'500'000'000ull + 3'000'000'000ull + 500'000'000ull + 800'000'000ull + 1;
  EXPECT_EQ(s.total_deposits, total);
  EXPECT_EQ(s.node_capacity[4], 800'000'001u);
  EXPECT_EQ(s.node_deposits[4], 1u);
  EXPECT_EQ(s.node_capacity[0], 3'000'000'000u);
  std::uint64_t deposits = 0;
  for (auto d : s.node_deposits) deposits += d;
  EXPECT_EQ(deposits, total);
}

}  // namespace
}  // namespace clearway::tools::bench
