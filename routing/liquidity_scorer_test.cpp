#include "routing/liquidity_scorer.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"
#include "routing/route_searcher.hpp"
#include "routing/test_topologies.hpp"

namespace clearway::routing {
namespace {

using testing::channel;
using testing::policy;
using testing::units;

constexpr std::uint64_t cap = 1'000'000;
const edge_index fwd = edge_of(channel_index{7}, 0);
const edge_index rev = edge_of(channel_index{7}, 1);

TEST(LiquidityScorer, NothingLearnedMeansWholeCapacity) {
  liquidity_scorer scorer;
  const scorer_view view = scorer.view(0);
  EXPECT_EQ(view.bounds(fwd, cap), (liquidity_bounds{0, cap}));
  EXPECT_EQ(scorer_view(scorer_params{.capacity_prior = false}).penalty_msat(fwd, 999'999, cap), 0u);
  // The prior: small amounts are (nearly) free, large ones cost more, above capacity impossible.
  EXPECT_EQ(view.penalty_msat(fwd, 1, cap), 0u);
  EXPECT_GT(view.penalty_msat(fwd, 900'000, cap), view.penalty_msat(fwd, 500'000, cap));
  EXPECT_EQ(view.penalty_msat(fwd, cap + 1, cap), scorer_view::unusable);
  // p = 1/2 at half the capacity: 30000 * log10(2) + 192 * (500000 / 2^20) * log10(2).
  EXPECT_NEAR(static_cast<double>(view.penalty_msat(fwd, 500'001, cap)), 30000 * 0.30103 + 192 * 0.47684 * 0.30103, 2.0);
}

TEST(LiquidityScorer, FailureBoundsTheFailedHopAndItsReverse) {
  liquidity_scorer scorer;
  scorer.record_refused(fwd, cap, 400'000, 100);
  const scorer_view view = scorer.view(100);
  EXPECT_EQ(view.bounds(fwd, cap), (liquidity_bounds{0, 399'999}));
  EXPECT_EQ(view.bounds(rev, cap), (liquidity_bounds{600'001, cap}));
  EXPECT_EQ(view.penalty_msat(fwd, 400'000, cap), scorer_view::unusable);
  EXPECT_LT(view.penalty_msat(fwd, 399'999, cap), scorer_view::unusable);
  EXPECT_EQ(view.penalty_msat(rev, 600'001, cap), 0u);  // surely there
  EXPECT_EQ(scorer.learned_channels(), 1u);
}

TEST(LiquidityScorer, RouteSuccessAndFailureUpdateEveryHop) {
  topology t;
  t.node_count = 3;
  t.channels.push_back(channel(0, 1, cap, policy(0, 0, 0, cap / 2), policy(0, 0, 0, cap / 2)));
  t.channels.push_back(channel(2, 1, cap, policy(0, 0, 0, cap / 2), policy(0, 0, 0, cap / 2)));
  auto snap = testing::build(t);
  route r;
  r.hops.push_back(route_hop{edge_of(channel_index{0}, 0), channel_index{0}, node_index{0}, node_index{1}, units(300), 0});
  r.hops.push_back(route_hop{edge_of(channel_index{1}, 1), channel_index{1}, node_index{1}, node_index{2}, units(200), 0});

  liquidity_scorer scorer;
  scorer.record_failure(*snap, r, 1, 50);  // hop 0 carried 300, hop 1 refused 200
  scorer_view view = scorer.view(50);
  EXPECT_EQ(view.bounds(r.hops[0].edge, cap), (liquidity_bounds{300, cap}));
  EXPECT_EQ(view.bounds(r.hops[1].edge, cap), (liquidity_bounds{0, 199}));

  liquidity_scorer fresh;
  fresh.record_success(*snap, r, 50);  // liquidity moved along the route
  view = fresh.view(50);
  EXPECT_EQ(view.bounds(r.hops[0].edge, cap), (liquidity_bounds{0, cap - 300}));
  EXPECT_EQ(view.bounds(counter_edge(r.hops[0].edge), cap), (liquidity_bounds{300, cap}));
  EXPECT_EQ(view.bounds(r.hops[1].edge, cap), (liquidity_bounds{0, cap - 200}));
}

TEST(LiquidityScorer, LearnedBoundsDecayWithHalfLife) {
  liquidity_scorer scorer(scorer_params{.half_life_s = 1000});
  scorer.record_carried(fwd, cap, 600'000, 0);
  scorer.record_refused(fwd, cap, 800'001, 0);
  EXPECT_EQ(scorer.view(0).bounds(fwd, cap), (liquidity_bounds{600'000, 800'000}));
  EXPECT_EQ(scorer.view(1000).bounds(fwd, cap), (liquidity_bounds{300'000, 900'000}));
  EXPECT_EQ(scorer.view(2000).bounds(fwd, cap), (liquidity_bounds{150'000, 950'000}));
  EXPECT_EQ(scorer.view(200'000).bounds(fwd, cap), (liquidity_bounds{0, cap}));
  // A newer observation that contradicts the decayed bounds wins.
  scorer.record_refused(fwd, cap, 100'000, 1000);
  EXPECT_EQ(scorer.view(1000).bounds(fwd, cap), (liquidity_bounds{99'999, 99'999}));
}

// The search relies on the penalty never decreasing as the amount grows.
TEST(LiquidityScorer, PenaltyIsMonotoneInAmount) {
  std::mt19937_64 rng(test_seed("LiquidityScorer.Monotone"));
  for (int round = 0; round < 300; ++round) {
    scorer_params params;
    params.liquidity_penalty_multiplier_msat = rng() % 100'000;
    params.liquidity_penalty_amount_multiplier_msat = rng() % 1000;
    const scorer_view view(params);
    const std::uint64_t hi = 1 + rng() % 10'000'000;
    const std::uint64_t lo = rng() % (hi + 1);
    std::uint64_t previous = 0;
    for (std::uint64_t a = 0; a <= hi + 1; a += 1 + rng() % (hi / 50 + 1)) {
      const std::uint64_t p = view.penalty_for(a, lo, hi);
      ASSERT_GE(p, previous) << "a=" << a << " lo=" << lo << " hi=" << hi;
      previous = p;
    }
    EXPECT_EQ(view.penalty_for(hi + 1, lo, hi), scorer_view::unusable);
    EXPECT_EQ(view.penalty_for(lo, lo, hi), 0u);
  }
}

// After a failure is recorded, the router goes another way.
TEST(LiquidityScorer, SearchAvoidsWhatFailed) {
  topology t;
  t.node_count = 4;
  const edge_policy cheap = policy(0, 0, 600, cap / 2);
  const edge_policy dear = policy(100, 0, 600, cap / 2);
  t.channels.push_back(channel(0, 1, cap, cheap, cheap));
  t.channels.push_back(channel(1, 3, cap, cheap, cheap));
  t.channels.push_back(channel(0, 2, cap, cheap, cheap));
  t.channels.push_back(channel(2, 3, cap, dear, dear));
  auto snap = testing::build(t);
  route_request req;
  req.source = node_index{0};
  req.target = node_index{3};
  req.amount = units(10'000);
  liquidity_scorer scorer;
  route_searcher searcher;
  auto first = searcher.find_route(*snap, scorer.view(0), req);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->hops[0].to, node_index{1});
  scorer.record_failure(*snap, *first, 1, 0);
  auto second = searcher.find_route(*snap, scorer.view(1), req);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->hops[0].to, node_index{2});
  // Much later the failure has decayed away and the cheap way is back.
  auto later = searcher.find_route(*snap, scorer.view(30 * 24 * 3600), req);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->hops[0].to, node_index{1});
}

}  // namespace
}  // namespace clearway::routing
