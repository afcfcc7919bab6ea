#include "routing/graph_snapshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "base/test_seed.hpp"
#include "routing/graph_snapshot_boost.hpp"
#include "routing/test_topologies.hpp"

namespace clearway::routing {
namespace {

using testing::channel;
using testing::policy;
using testing::units;

topology triangle_plus_parallel() {
  topology t;
  t.node_count = 4;  // node 3 has no channel
  t.channels.push_back(channel(0, 1, 100, policy(1, 10, 600, 40), policy(2, 20, 1200, 60)));
  t.channels.push_back(channel(1, 2, 200, policy(3, 30, 1800, 150), policy(4, 40, 2400, 50)));
  t.channels.push_back(channel(2, 0, 300, policy(5, 50, 3000, 0), policy(6, 60, 3600, 300)));
  t.channels.push_back(channel(0, 1, 50, policy(7, 70, 4200, 25), policy(8, 80, 4800, 25)));  // parallel
  return t;
}

TEST(GraphSnapshot, IndexesAndPolicies) {
  auto snap = testing::build(triangle_plus_parallel());
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->node_count(), 4u);
  EXPECT_EQ(snap->channel_count(), 4u);
  EXPECT_EQ(snap->edge_count(), 8u);
  const edge_index e = edge_of(channel_index{1}, 1);  // 2 -> 1
  EXPECT_EQ(e.value, 3u);
  EXPECT_EQ(channel_of(e), channel_index{1});
  EXPECT_EQ(snap->from(e), node_index{2});
  EXPECT_EQ(snap->to(e), node_index{1});
  EXPECT_EQ(snap->policy(e).fee_base, units(4));
  EXPECT_EQ(snap->policy(e).fee_ppm, 40u);
  EXPECT_EQ(snap->policy(e).time_lock_delta_s, 2400u);
  EXPECT_EQ(snap->policy(e).capacity, units(200));  // filled from the channel
  EXPECT_EQ(snap->capacity(channel_index{3}), units(50));
  EXPECT_EQ(counter_edge(e), edge_of(channel_index{1}, 0));
  EXPECT_EQ(snap->max_min_htlc(), units(0));
  EXPECT_EQ(snap->max_time_lock_delta_s(), 4800u);
  EXPECT_TRUE(snap->out_edges(node_index{3}).empty());
  const auto out0 = snap->out_edges(node_index{0});
  // By `to` node, then edge index: 0 -> 1 twice (channels 0 and 3), then 0 -> 2.
  const std::vector<edge_index> expected0{edge_of(channel_index{0}, 0), edge_of(channel_index{3}, 0),
                                          edge_of(channel_index{2}, 1)};
  EXPECT_EQ(std::vector<edge_index>(out0.begin(), out0.end()), expected0);
  EXPECT_GT(snap->memory_bytes(), 8 * sizeof(edge_policy));
}

// The reverse CSR lists every direction exactly once, in the row of its `to` node, with its `from`
// as the column and its policy at the same position; Boost sees the same graph.
TEST(GraphSnapshot, ReverseCsrIsConsistentOnRandomMultigraphs) {
  std::mt19937_64 rng(test_seed("GraphSnapshot.ReverseCsr"));
  for (int round = 0; round < 50; ++round) {
    topology t;
    t.node_count = 2 + static_cast<std::uint32_t>(rng() % 30);
    const std::uint32_t channels = static_cast<std::uint32_t>(rng() % 100);
    for (std::uint32_t c = 0; c < channels; ++c) {
      const auto a = static_cast<std::uint32_t>(rng() % t.node_count);
      auto b = static_cast<std::uint32_t>(rng() % (t.node_count - 1));
      if (b >= a) ++b;
      t.channels.push_back(channel(a, b, 1000, policy(c, c, c, rng() % 500), policy(c + 1, c, c, rng() % 500)));
    }
    auto snap = testing::build(t);
    ASSERT_NE(snap, nullptr);
    std::set<std::uint32_t> seen;
    for (std::uint32_t v = 0; v < t.node_count; ++v) {
      for (std::uint32_t pos = snap->in_begin(node_index{v}); pos < snap->in_end(node_index{v}); ++pos) {
        const edge_index e = snap->in_edge(pos);
        EXPECT_TRUE(seen.insert(e.value).second);
        EXPECT_EQ(snap->to(e), node_index{v});
        EXPECT_EQ(snap->in_from(pos), snap->from(e).value);
        EXPECT_EQ(snap->position_of(e), pos);
        EXPECT_EQ(snap->in_policy(pos), snap->policy(e));
      }
      for (edge_index e : snap->out_edges(node_index{v})) EXPECT_EQ(snap->from(e), node_index{v});
      for (std::uint32_t w = 0; w < t.node_count; ++w) {  // out_range finds exactly the v -> w directions
        const auto [first, last] = snap->out_range(node_index{v}, node_index{w});
        std::size_t expected = 0;
        for (edge_index e : snap->out_edges(node_index{v})) expected += snap->to(e) == node_index{w} ? 1 : 0;
        EXPECT_EQ(last - first, expected);
        for (std::uint32_t i = first; i < last; ++i) EXPECT_EQ(snap->out_to(i), w);
      }
    }
    EXPECT_EQ(seen.size(), 2u * channels);
    const reverse_csr_graph& g = snap->boost_storage().graph;
    EXPECT_EQ(boost::num_vertices(g), t.node_count);
    EXPECT_EQ(boost::num_edges(g), 2u * channels);
    for (auto [it, end] = boost::edges(g); it != end; ++it) {
      const edge_index e{g[*it].edge};
      EXPECT_EQ(boost::source(*it, g), snap->to(e).value);  // reverse orientation
      EXPECT_EQ(boost::target(*it, g), snap->from(e).value);
    }
  }
}

TEST(GraphSnapshot, RejectsBadTopologies) {
  topology t = triangle_plus_parallel();
  t.channels[1].ends.node2 = node_index{4};
  EXPECT_EQ(graph_snapshot::build(t).error(), snapshot_error::node_out_of_range);
  t = triangle_plus_parallel();
  t.channels[2].ends.node2 = t.channels[2].ends.node1;
  EXPECT_EQ(graph_snapshot::build(t).error(), snapshot_error::self_loop);
  t = triangle_plus_parallel();
  t.channels[0].direction[0].balance_hint = units(41);  // 41 + 60 > 100
  EXPECT_EQ(graph_snapshot::build(t).error(), snapshot_error::balance_exceeds_capacity);
  EXPECT_EQ(to_string(snapshot_error::self_loop), "self_loop");
}

TEST(GraphSnapshot, EmptyNetworkBuilds) {
  topology t;
  t.node_count = 3;
  auto snap = testing::build(t);
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->edge_count(), 0u);
  EXPECT_EQ(snap->in_begin(node_index{2}), snap->in_end(node_index{2}));
}

}  // namespace
}  // namespace clearway::routing
