#include "routing/scale_free_generator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

#include "base/test_seed.hpp"
#include "routing/graph_snapshot.hpp"

namespace clearway::routing {
namespace {

bool same(const topology& a, const topology& b) {
  if (a.node_count != b.node_count || a.channels.size() != b.channels.size()) return false;
  for (std::size_t i = 0; i < a.channels.size(); ++i) {
    const channel_spec& x = a.channels[i];
    const channel_spec& y = b.channels[i];
    if (!(x.ends == y.ends) || x.capacity != y.capacity || !(x.direction == y.direction)) return false;
  }
  return true;
}

TEST(ScaleFreeGenerator, SameSeedSameNetworkOtherSeedOtherNetwork) {
  scale_free_params p;
  p.node_count = 2000;
  p.seed = test_seed("ScaleFreeGenerator.Seed");
  auto a = generate_scale_free(p);
  auto b = generate_scale_free(p);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_TRUE(same(*a, *b));
  p.seed += 1;
  auto c = generate_scale_free(p);
  ASSERT_TRUE(c);
  EXPECT_FALSE(same(*a, *c));
}

// Pinned: a fixed seed must keep producing this network (our distributions, not the library's).
TEST(ScaleFreeGenerator, FixedSeedIsStable) {
  scale_free_params p;
  p.node_count = 50;
  p.channels_per_node = 2;
  p.seed = 42;
  auto t = generate_scale_free(p);
  ASSERT_TRUE(t);
  std::uint64_t digest = 1469598103934665603ull;  // FNV-1a over the fields
  auto mix = [&](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) digest = (digest ^ ((v >> (8 * i)) & 0xff)) * 1099511628211ull;
  };
  for (const channel_spec& c : t->channels) {
    mix(c.ends.node1.value);
    mix(c.ends.node2.value);
    mix(c.capacity.base_units());
    for (const edge_policy& e : c.direction) {
      mix(e.fee_ppm);
      mix(e.time_lock_delta_s);
      mix(e.balance_hint.base_units());
    }
  }
  EXPECT_EQ(digest, 9981211598595242128ull);
}

TEST(ScaleFreeGenerator, ShapeAndPolicies) {
  scale_free_params p;
  p.node_count = 5000;
  p.channel_count = 19'764;  // ~3.95 per node, the article's ratio
  p.seed = test_seed("ScaleFreeGenerator.Shape");
  auto t = generate_scale_free(p);
  ASSERT_TRUE(t) << to_string(t.error());
  EXPECT_EQ(t->node_count, 5000u);
  EXPECT_EQ(t->channels.size(), 19'764u);
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  std::vector<std::uint32_t> degree(p.node_count, 0);
  for (const channel_spec& c : t->channels) {
    ASSERT_NE(c.ends.node1, c.ends.node2);
    const auto key = std::minmax(c.ends.node1.value, c.ends.node2.value);
    EXPECT_TRUE(pairs.insert(key).second) << "parallel channel";
    ++degree[c.ends.node1.value];
    ++degree[c.ends.node2.value];
    EXPECT_GE(c.capacity.base_units(), p.capacity_min_msat);
    EXPECT_LE(c.capacity.base_units(), p.capacity_max_msat);
    EXPECT_EQ(c.capacity.base_units() % 1000, 0u);
    EXPECT_EQ(c.direction[0].balance_hint.base_units() + c.direction[1].balance_hint.base_units(),
              c.capacity.base_units());
    for (const edge_policy& e : c.direction) {
      EXPECT_EQ(e.fee_base.base_units(), 1000u);
      EXPECT_GE(e.fee_ppm, 1u);
      EXPECT_LE(e.fee_ppm, 1000u);
      EXPECT_GE(e.time_lock_delta_s, 40u * 600u);
      EXPECT_LE(e.time_lock_delta_s, 144u * 600u);
      EXPECT_EQ(e.time_lock_delta_s % 600u, 0u);
      EXPECT_EQ(e.max_htlc, c.capacity);
    }
  }
  // Scale-free: hubs far above the mean degree (~7.9); every node joined with at least one channel.
  EXPECT_GT(*std::max_element(degree.begin(), degree.end()), 100u);
  EXPECT_GE(*std::min_element(degree.begin(), degree.end()), 1u);
  // Connected.
  auto snap = graph_snapshot::build(*t);
  ASSERT_TRUE(snap);
  std::vector<bool> seen(p.node_count, false);
  std::deque<node_index> queue{node_index{0}};
  seen[0] = true;
  std::size_t reached = 1;
  while (!queue.empty()) {
    const node_index v = queue.front();
    queue.pop_front();
    for (edge_index e : (*snap)->out_edges(v)) {
      const node_index u = (*snap)->to(e);
      if (!seen[u.value]) {
        seen[u.value] = true;
        ++reached;
        queue.push_back(u);
      }
    }
  }
  EXPECT_EQ(reached, p.node_count);
  // Median capacity near the requested median (log-normal, clamped).
  std::vector<std::uint64_t> caps;
  for (const channel_spec& c : t->channels) caps.push_back(c.capacity.base_units());
  std::nth_element(caps.begin(), caps.begin() + caps.size() / 2, caps.end());
  EXPECT_NEAR(static_cast<double>(caps[caps.size() / 2]) / 1e9, 1.0, 0.1);
}

TEST(ScaleFreeGenerator, ClassicCountAndErrors) {
  scale_free_params p;
  p.node_count = 100;
  p.channels_per_node = 3;
  auto t = generate_scale_free(p);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->channels.size(), 3u * (100 - 4) + 6);
  p.node_count = 1;
  EXPECT_EQ(generate_scale_free(p).error(), generator_error::too_few_nodes);
  p.node_count = 100;
  p.channel_count = 98;
  EXPECT_EQ(generate_scale_free(p).error(), generator_error::too_few_channels);
  p.channel_count = 99;  // a tree
  EXPECT_EQ(generate_scale_free(p)->channels.size(), 99u);
  p.channel_count = 100 * 99 / 2;  // complete graph
  EXPECT_EQ(generate_scale_free(p)->channels.size(), 4950u);
  p.channel_count = 100 * 99 / 2 + 1;
  EXPECT_EQ(generate_scale_free(p).error(), generator_error::too_many_channels);
  p.channel_count = 0;
  p.fee_ppm_min = 5;
  p.fee_ppm_max = 4;
  EXPECT_EQ(generate_scale_free(p).error(), generator_error::bad_range);
}

}  // namespace
}  // namespace clearway::routing
