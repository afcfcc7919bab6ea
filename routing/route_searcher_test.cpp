#include "routing/route_searcher.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>

#include "base/test_seed.hpp"
#include "routing/graph_snapshot_boost.hpp"
#include "routing/scale_free_generator.hpp"
#include "routing/test_topologies.hpp"
#include "routing/topology_files.hpp"
#include "routing/validate_route.hpp"

namespace clearway::routing {
namespace {

using testing::channel;
using testing::policy;
using testing::units;

constexpr std::uint32_t block = seconds_per_block;
const scorer_view no_prior{scorer_params{.capacity_prior = false}};

// BOLT 7 "Recommendations for Routing": A, B, C, D in a square A-B-C-D-A; each node announces the same
// fee and cltv_expiry_delta on every channel it forwards over.
struct bolt7 {
  enum : std::uint32_t { A = 0, B = 1, C = 2, D = 3 };
  static edge_policy of(std::uint32_t node) {
    const std::uint64_t base[] = {100, 200, 300, 400};
    const std::uint32_t ppm[] = {1000, 2000, 3000, 4000};
    const std::uint32_t delta_blocks[] = {10, 20, 30, 40};
    return policy(base[node], ppm[node], delta_blocks[node] * block, 5'000'000'000);
  }
  static topology network() {
    topology t;
    t.node_count = 4;
    t.channels.push_back(channel(A, B, 10'000'000'000, of(A), of(B)));  // channel 0
    t.channels.push_back(channel(B, C, 10'000'000'000, of(B), of(C)));  // channel 1
    t.channels.push_back(channel(C, D, 10'000'000'000, of(C), of(D)));  // channel 2
    t.channels.push_back(channel(D, A, 10'000'000'000, of(D), of(A)));  // channel 3
    return t;
  }
};

route_request request(std::uint32_t source, std::uint32_t target, std::uint64_t amount) {
  route_request r;
  r.source = node_index{source};
  r.target = node_index{target};
  r.amount = units(amount);
  return r;
}

TEST(FindRoute, Bolt7WorkedExample) {
  auto snap = testing::build(bolt7::network());
  ASSERT_NE(snap, nullptr);
  const std::uint64_t now = 700'000 * block;
  route_request req = request(bolt7::A, bolt7::C, 4'999'999);
  req.now_s = now;
  req.final_time_lock_delta_s = (18 + 42) * block;  // min_final_cltv_expiry_delta + shadow route

  // A->B->C: B charges 200 + 4999999 * 2000 / 1e6 = 10199; A adds B's delta (20) to the final 18+42.
  auto r = find_route(*snap, no_prior, req);
  ASSERT_TRUE(r) << to_string(r.error());
  ASSERT_EQ(r->hops.size(), 2u);
  EXPECT_EQ(r->hops[0].from, node_index{bolt7::A});
  EXPECT_EQ(r->hops[0].to, node_index{bolt7::B});
  EXPECT_EQ(r->hops[0].amount, units(5'010'198));
  EXPECT_EQ(r->hops[0].time_lock_s, now + (20 + 18 + 42) * block);
  EXPECT_EQ(r->hops[1].amount, units(4'999'999));
  EXPECT_EQ(r->hops[1].time_lock_s, now + (18 + 42) * block);
  EXPECT_EQ(r->total_fee, units(10'199));
  EXPECT_EQ(r->total_amount, units(5'010'198));
  EXPECT_TRUE(r->proven_optimal);
  EXPECT_TRUE(validate_route(*snap, no_prior, req, *r));

  // A->D->C when B's channel is excluded: D charges 400 + 4999999 * 4000 / 1e6 = 20399.
  const std::vector<channel_index> excluded{channel_index{1}};
  req.excluded_channels = excluded;
  r = find_route(*snap, no_prior, req);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->hops.size(), 2u);
  EXPECT_EQ(r->hops[0].to, node_index{bolt7::D});
  EXPECT_EQ(r->hops[0].amount, units(5'020'398));
  EXPECT_EQ(r->hops[0].time_lock_s, now + (40 + 18 + 42) * block);
  EXPECT_EQ(r->hops[1].amount, units(4'999'999));
  EXPECT_EQ(r->total_fee, units(20'399));

  // B->C directly: no fee, no delta of B's own.
  req = request(bolt7::B, bolt7::C, 4'999'999);
  req.now_s = now;
  req.final_time_lock_delta_s = (18 + 42) * block;
  r = find_route(*snap, no_prior, req);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->hops.size(), 1u);
  EXPECT_EQ(r->hops[0].amount, units(4'999'999));
  EXPECT_EQ(r->hops[0].time_lock_s, now + (18 + 42) * block);
  EXPECT_EQ(r->total_fee, units(0));
}

// Article 3.3.4: one delta T everywhere (final too) over L channels gives the sender's hop L*T and
// the last hop T (Alice-Bob-Carol: 2 h and 1 h).
TEST(FindRoute, UniformDeltaGivesLTimesTDownToT) {
  const std::uint32_t hour = 3600;
  for (std::uint32_t length = 1; length <= 6; ++length) {
    auto snap = testing::build(testing::line(length, hour));
    ASSERT_NE(snap, nullptr);
    route_request req = request(0, length, 1'000'000);
    req.now_s = 1'000'000;
    req.final_time_lock_delta_s = hour;
    req.max_total_time_lock_s = 100 * hour;
    auto r = find_route(*snap, scorer_view{}, req);
    ASSERT_TRUE(r) << to_string(r.error());
    ASSERT_EQ(r->hops.size(), length);
    for (std::uint32_t i = 0; i < length; ++i) {
      EXPECT_EQ(r->hops[i].time_lock_s, req.now_s + std::uint64_t{length - i} * hour) << "hop " << i;
    }
    if (length == 2) {  // the article's figures
      EXPECT_EQ(r->hops[0].time_lock_s - req.now_s, 2u * hour);
      EXPECT_EQ(r->hops[1].time_lock_s - req.now_s, 1u * hour);
    }
  }
}

TEST(FindRoute, FeesAreExactAtEveryHopWithRounding) {
  auto snap = testing::build(testing::line(3, block, /*fee_base=*/1, /*fee_ppm=*/333'333));
  auto r = find_route(*snap, no_prior, request(0, 3, 10));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->hops.size(), 3u);
  // From the payee back: 10; 10 + 1 + floor(3.33333) = 14; 14 + 1 + floor(4.666662) = 19.
  EXPECT_EQ(r->hops[2].amount, units(10));
  EXPECT_EQ(r->hops[1].amount, units(14));
  EXPECT_EQ(r->hops[0].amount, units(19));
  EXPECT_EQ(r->total_fee, units(9));
}

// Two ways from 0 to 3: 0-1-3 (cheap) and 0-2-3 (dear). Each test spoils the cheap one.
topology two_ways(edge_policy cheap_second_hop) {
  topology t;
  t.node_count = 4;
  const edge_policy plain = policy(0, 0, block, 1'000'000);
  const edge_policy dear = policy(500, 0, block, 1'000'000);
  t.channels.push_back(channel(0, 1, 2'000'000, plain, plain));
  t.channels.push_back(channel(1, 3, 2'000'000, cheap_second_hop, plain));
  t.channels.push_back(channel(0, 2, 2'000'000, plain, plain));
  t.channels.push_back(channel(2, 3, 2'000'000, dear, plain));
  return t;
}

node_index second_node(const route& r) { return r.hops.at(0).to; }

TEST(FindRoute, RespectsBalanceMinMaxAndEnabled) {
  const auto cheap = [](auto&& edit) {
    edge_policy p = policy(0, 0, block, 1'000'000);
    edit(p);
    return testing::build(two_ways(p));
  };
  auto ok = cheap([](edge_policy&) {});
  EXPECT_EQ(second_node(*find_route(*ok, no_prior, request(0, 3, 1000))), node_index{1});

  auto low_balance = cheap([](edge_policy& p) { p.balance_hint = units(999); });
  EXPECT_EQ(second_node(*find_route(*low_balance, no_prior, request(0, 3, 1000))), node_index{2});
  EXPECT_EQ(second_node(*find_route(*low_balance, no_prior, request(0, 3, 999))), node_index{1});

  auto high_min = cheap([](edge_policy& p) { p.min_htlc = units(1001); });
  EXPECT_EQ(second_node(*find_route(*high_min, no_prior, request(0, 3, 1000))), node_index{2});
  EXPECT_EQ(second_node(*find_route(*high_min, no_prior, request(0, 3, 1001))), node_index{1});

  auto low_max = cheap([](edge_policy& p) { p.max_htlc = units(999); });
  EXPECT_EQ(second_node(*find_route(*low_max, no_prior, request(0, 3, 1000))), node_index{2});

  auto disabled = cheap([](edge_policy& p) { p.enabled = false; });
  EXPECT_EQ(second_node(*find_route(*disabled, no_prior, request(0, 3, 1000))), node_index{2});
}

TEST(FindRoute, ExcludedEdgesAndChannels) {
  auto snap = testing::build(two_ways(policy(0, 0, block, 1'000'000)));
  route_request req = request(0, 3, 1000);
  const std::vector<edge_index> edges{edge_of(channel_index{1}, 0)};
  req.excluded_edges = edges;
  EXPECT_EQ(second_node(*find_route(*snap, no_prior, req)), node_index{2});
  const std::vector<channel_index> channels{channel_index{1}, channel_index{3}};
  req.excluded_edges = {};
  req.excluded_channels = channels;
  EXPECT_EQ(find_route(*snap, no_prior, req).error(), route_error::no_route);
}

// A cheap long way (0-1-2-3-4, no fees) and a dear short one (0-5-4).
topology long_and_short() {
  topology t;
  t.node_count = 6;
  const edge_policy free = policy(0, 0, block, 1'000'000);
  const edge_policy dear = policy(10'000, 0, 100 * block, 1'000'000);
  for (std::uint32_t i = 0; i < 4; ++i) t.channels.push_back(channel(i, i + 1, 2'000'000, free, free));
  t.channels.push_back(channel(0, 5, 2'000'000, free, free));
  t.channels.push_back(channel(5, 4, 2'000'000, dear, dear));
  return t;
}

TEST(FindRoute, HopAndTimeLockBounds) {
  auto snap = testing::build(long_and_short());
  route_request req = request(0, 4, 1000);
  req.final_time_lock_delta_s = block;
  for (search_mode mode : {search_mode::fast, search_mode::fast_then_exact, search_mode::exact}) {
    req.mode = mode;
    req.max_hops = 20;
    req.max_total_time_lock_s = 1000 * block;
    EXPECT_EQ(find_route(*snap, no_prior, req)->hops.size(), 4u);
    req.max_hops = 3;  // only the short, dear way fits
    EXPECT_EQ(find_route(*snap, no_prior, req)->hops.size(), 2u);
    req.max_hops = 1;
    EXPECT_EQ(find_route(*snap, no_prior, req).error(), route_error::no_route);
    req.max_hops = 20;
    req.max_total_time_lock_s = 50 * block;  // the short way's 101 blocks no longer fit
    EXPECT_EQ(find_route(*snap, no_prior, req)->hops.size(), 4u);
    req.max_total_time_lock_s = 3 * block;  // 4 blocks needed by the long way
    EXPECT_EQ(find_route(*snap, no_prior, req).error(), route_error::no_route);
  }
  // With two hops allowed, the short way is the only one (found by the fast search itself).
  req.mode = search_mode::fast_then_exact;
  req.max_total_time_lock_s = 1000 * block;
  req.max_hops = 2;
  EXPECT_EQ(find_route(*snap, no_prior, req)->hops.size(), 2u);
}

// Regression (RouteExhaustive, seed 17877611077652830252): the lock feeds the risk term of every
// later hop, so a label with a later lock is not dominated even when no lock limit can bind.
// S=0, Y=1, X=2, T=3 (this numbering makes the fast search settle Y before X). At X, "X->Y->T"
// (amount 3, lock +3000 s) and "X->T" (amount 4, lock +1800 s) both cost 2; the first has the
// smaller amount, but S's hop then pays risk 1 on its later lock, so S->X->T (cost 3) beats
// S->X->Y->T (cost 4). The fast search keeps one label at X and must not call its route proven
// optimal unless it is the cheaper one.
TEST(FindRoute, LaterLockIsNotDominatedWhenRiskIsCharged) {
  topology t;
  t.node_count = 4;
  const edge_policy any = policy(0, 0, block, 12, 0, 12);
  t.channels.push_back(channel(0, 2, 24, any, any));                            // S - X
  t.channels.push_back(channel(2, 3, 24, policy(0, 500'000, 2 * block, 4, 0, 12), any));  // X -> T: fee 1 on 3
  t.channels.push_back(channel(2, 1, 24, policy(0, 0, 3 * block, 12, 0, 12), any));       // X -> Y: free, late
  t.channels.push_back(channel(1, 3, 24, policy(0, 250'000, block, 12, 0, 12), any));     // Y -> T: fee 0 on 3
  auto snap = testing::build(t);
  ASSERT_NE(snap, nullptr);
  route_request req = request(0, 3, 3);
  req.now_s = 10'000;
  req.final_time_lock_delta_s = block;
  req.max_total_time_lock_s = std::uint64_t{1} << 40;  // no lock limit can bind
  req.cost.hop_penalty_msat = 1;
  req.cost.risk_ppm_per_year = 4'000'000'000u;
  for (search_mode mode : {search_mode::exact, search_mode::fast, search_mode::fast_then_exact}) {
    req.mode = mode;
    auto r = find_route(*snap, no_prior, req);
    ASSERT_TRUE(r) << to_string(r.error());
    EXPECT_TRUE(validate_route(*snap, no_prior, req, *r));
    if (mode == search_mode::exact || r->proven_optimal) {
      EXPECT_EQ(r->cost, 3u);
      ASSERT_EQ(r->hops.size(), 2u);
      EXPECT_EQ(r->hops[1].from, node_index{2});
      EXPECT_EQ(r->hops[1].to, node_index{3});
    } else {
      EXPECT_GE(r->cost, 3u);
    }
  }
}

// Regression (RouteExhaustive, seed 6814333342077890909): a candidate that closes a cycle through
// a settled node still stands for the labels it dominated. S=0, X=1, Y=2, Z=3, W=4, T=5; amount 1,
// and S -> X takes HTLCs of 2 or more. The only route is S->X->Y->Z->W->T (X charges 1 to forward
// to Y, so S sends 2). At Y, "Y->X->T" (cost 2) beats "Y->Z->W->T" (cost 3) with the same amount,
// so only the first is kept; its extension back to X (amount 2) closes a cycle, and S cannot use
// X's own label (amount 1). The fast search must then not report that no route exists for sure.
TEST(FindRoute, CycleClosingCandidateStillCountsAsPruned) {
  topology t;
  t.node_count = 6;
  auto on = [](std::uint64_t fee_base, std::uint64_t min_htlc = 0) {
    return policy(fee_base, 0, block, 12, min_htlc, 12);
  };
  edge_policy off = on(0);
  off.enabled = false;
  t.channels.push_back(channel(0, 1, 24, on(0, /*min_htlc=*/2), off));  // S -> X
  t.channels.push_back(channel(1, 5, 24, on(0), off));                  // X -> T
  t.channels.push_back(channel(1, 2, 24, on(1), on(0)));                // X -> Y (fee 1), Y -> X
  t.channels.push_back(channel(2, 3, 24, on(0), off));                  // Y -> Z
  t.channels.push_back(channel(3, 4, 24, on(0), off));                  // Z -> W
  t.channels.push_back(channel(4, 5, 24, on(0), off));                  // W -> T
  auto snap = testing::build(t);
  ASSERT_NE(snap, nullptr);
  route_request req = request(0, 5, 1);
  req.now_s = 10'000;
  req.max_total_time_lock_s = std::uint64_t{1} << 40;
  req.cost.hop_penalty_msat = 1;
  req.cost.risk_ppm_per_year = 0;
  route_searcher searcher;
  req.mode = search_mode::exact;
  auto exact = searcher.find_route(*snap, no_prior, req);
  ASSERT_TRUE(exact) << to_string(exact.error());
  EXPECT_EQ(exact->hops.size(), 5u);
  EXPECT_EQ(exact->cost, 6u);  // five hop penalties and X's fee
  req.mode = search_mode::fast;
  auto fast = searcher.find_route(*snap, no_prior, req);
  if (fast) {
    EXPECT_TRUE(validate_route(*snap, no_prior, req, *fast));
    EXPECT_GE(fast->cost, exact->cost);
    if (fast->proven_optimal) EXPECT_EQ(fast->cost, exact->cost);
  } else {
    EXPECT_TRUE(searcher.last_stats().pruned_undominated);
  }
  req.mode = search_mode::fast_then_exact;
  auto fallback = searcher.find_route(*snap, no_prior, req);
  ASSERT_TRUE(fallback) << to_string(fallback.error());
  EXPECT_EQ(fallback->cost, exact->cost);
}

TEST(FindRoute, NamedErrors) {
  auto snap = testing::build(two_ways(policy(0, 0, block, 1'000'000, /*min_htlc=*/10)));
  EXPECT_EQ(find_route(*snap, no_prior, request(0, 9, 1)).error(), route_error::unknown_node);
  EXPECT_EQ(find_route(*snap, no_prior, request(9, 0, 1)).error(), route_error::unknown_node);
  EXPECT_EQ(find_route(*snap, no_prior, request(2, 2, 1)).error(), route_error::source_equals_target);
  EXPECT_EQ(find_route(*snap, no_prior, request(0, 3, 0)).error(), route_error::amount_too_small);
  route_request req = request(0, 3, 100);
  req.max_hops = 0;
  EXPECT_EQ(find_route(*snap, no_prior, req).error(), route_error::hop_limit);
  req = request(0, 3, 100);
  req.final_time_lock_delta_s = req.max_total_time_lock_s + 1;
  EXPECT_EQ(find_route(*snap, no_prior, req).error(), route_error::time_lock_limit);
  EXPECT_EQ(find_route(*snap, no_prior, request(0, 3, 1'000'001)).error(), route_error::amount_too_large);

  topology t;
  t.node_count = 3;
  t.channels.push_back(channel(0, 1, 100, policy(0, 0, 0, 50), policy(0, 0, 0, 50)));
  t.channels.push_back(channel(1, 2, 100, policy(0, 0, 0, 50, /*min_htlc=*/20), policy(0, 0, 0, 50)));
  auto small = testing::build(t);
  EXPECT_EQ(find_route(*small, no_prior, request(0, 2, 19)).error(), route_error::amount_too_small);
  EXPECT_TRUE(find_route(*small, no_prior, request(0, 2, 20)));
  EXPECT_EQ(find_route(*small, no_prior, request(0, 2, 51)).error(), route_error::amount_too_large);
  EXPECT_EQ(to_string(route_error::no_route), "no_route");
}

TEST(FindRoutes, YenGivesDistinctRoutesInCostOrder) {
  auto snap = testing::build(bolt7::network());
  route_searcher searcher;
  route_request req = request(bolt7::A, bolt7::C, 4'999'999);
  auto routes = searcher.find_routes(*snap, no_prior, req, 5);
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->size(), 2u);  // A-B-C and A-D-C: the square has no other simple path
  EXPECT_EQ((*routes)[0].hops[0].to, node_index{bolt7::B});
  EXPECT_EQ((*routes)[1].hops[0].to, node_index{bolt7::D});
  EXPECT_LE((*routes)[0].cost, (*routes)[1].cost);
  for (const route& r : *routes) EXPECT_TRUE(validate_route(*snap, no_prior, req, r));

  auto long_short = testing::build(long_and_short());
  routes = searcher.find_routes(*long_short, no_prior, request(0, 4, 1000), 3);
  ASSERT_TRUE(routes);
  ASSERT_EQ(routes->size(), 2u);
  EXPECT_EQ((*routes)[0].hops.size(), 4u);
  EXPECT_EQ((*routes)[1].hops.size(), 2u);
  EXPECT_EQ(searcher.find_routes(*long_short, no_prior, request(0, 4, 1000), 0)->size(), 0u);
}

// One workspace, many searches over different snapshots: stamps never leak between searches.
TEST(RouteSearcher, ReusedAcrossSnapshotsGivesTheSameAnswers) {
  std::mt19937_64 rng(test_seed("RouteSearcher.Reuse"));
  std::vector<std::shared_ptr<const graph_snapshot>> snaps;
  for (int i = 0; i < 4; ++i) {
    topology t;
    t.node_count = 20 + 5 * static_cast<std::uint32_t>(i);
    for (std::uint32_t c = 0; c < 3 * t.node_count; ++c) {
      const auto a = static_cast<std::uint32_t>(rng() % t.node_count);
      auto b = static_cast<std::uint32_t>(rng() % (t.node_count - 1));
      if (b >= a) ++b;
      t.channels.push_back(channel(a, b, 10'000, policy(rng() % 5, rng() % 3000, block * (1 + rng() % 5), rng() % 5000),
                                   policy(rng() % 5, rng() % 3000, block * (1 + rng() % 5), rng() % 5000)));
    }
    snaps.push_back(testing::build(t));
  }
  route_searcher shared;
  for (int i = 0; i < 400; ++i) {
    const auto& snap = *snaps[rng() % snaps.size()];
    const auto s = static_cast<std::uint32_t>(rng() % snap.node_count());
    const auto t = static_cast<std::uint32_t>(rng() % snap.node_count());
    route_request req = request(s, t, 1 + rng() % 2000);
    const std::vector<channel_index> excluded{channel_index{static_cast<std::uint32_t>(rng() % snap.channel_count())}};
    if (i % 3 == 0) req.excluded_channels = excluded;
    auto a = shared.find_route(snap, scorer_view{}, req);
    auto b = find_route(snap, scorer_view{}, req);
    ASSERT_EQ(a.has_value(), b.has_value());
    if (a) {
      EXPECT_EQ(a->hops, b->hops);
      EXPECT_EQ(a->cost, b->cost);
      EXPECT_TRUE(validate_route(snap, scorer_view{}, req, *a));
    } else {
      EXPECT_EQ(a.error(), b.error());
    }
  }
}

// Larger than the exhaustive test can enumerate: scale-free graphs with hubs (where the search's
// lower-bound pass, its early stop and its look-ups instead of row scans all come into play), tight
// balances, learned liquidity and bounds. The exact mode is the reference: the fast mode's routes are
// valid, never cheaper, and equal when proven optimal; it finds a route whenever one exists.
TEST(RouteSearcher, FastAgreesWithExactOnRandomScaleFreeGraphs) {
  std::mt19937_64 rng(test_seed("RouteSearcher.FastVsExact"));
  route_searcher searcher;
  int compared = 0;
  int found = 0;
  std::uint64_t looked_up = 0;
  for (int graph = 0; graph < 12; ++graph) {
    scale_free_params params;
    params.node_count = 40 + static_cast<std::uint32_t>(rng() % 40);
    params.channels_per_node = 2 + static_cast<std::uint32_t>(rng() % 2);
    params.capacity_median_msat = 50'000;
    params.capacity_min_msat = 1000;
    params.capacity_max_msat = 1'000'000;
    params.fee_base_msat = rng() % 3;
    params.fee_ppm_max = 200'000;
    params.delta_blocks_min = 1;
    params.delta_blocks_max = 6;
    params.min_htlc_msat = rng() % 2 == 0 ? 0 : 2000;
    params.seed = rng();
    auto topo = generate_scale_free(params);
    ASSERT_TRUE(topo);
    auto snap = testing::build(*topo);
    ASSERT_NE(snap, nullptr);
    liquidity_scorer learned(scorer_params{.liquidity_penalty_multiplier_msat = 300,
                                           .liquidity_penalty_amount_multiplier_msat = 1u << 20});
    for (int i = 0; i < 20; ++i) {
      const edge_index e{static_cast<std::uint32_t>(rng() % snap->edge_count())};
      const std::uint64_t cap = snap->capacity(channel_of(e)).base_units();
      if (rng() % 2 == 0) {
        learned.record_refused(e, cap, 1 + rng() % cap, 0);
      } else {
        learned.record_carried(e, cap, rng() % (cap + 1), 0);
      }
    }
    const scorer_view scorer = learned.view(600);
    for (int q = 0; q < 40; ++q) {
      route_request req = request(static_cast<std::uint32_t>(rng() % snap->node_count()),
                                  static_cast<std::uint32_t>(rng() % snap->node_count()), 100 + rng() % 20'000);
      if (req.source == req.target) continue;
      req.now_s = 1000;
      req.final_time_lock_delta_s = block;
      req.max_total_time_lock_s = (2 + rng() % 20) * block;
      req.max_hops = 2 + static_cast<std::uint32_t>(rng() % 6);
      req.cost.hop_penalty_msat = rng() % 100;
      req.cost.risk_ppm_per_year = static_cast<std::uint32_t>(rng() % 2'000'000'000);
      req.mode = search_mode::exact;
      req.exact_label_budget = 1u << 17;
      auto exact = searcher.find_route(*snap, scorer, req);
      if (!exact && exact.error() == route_error::search_budget_exhausted) continue;
      ++compared;
      req.mode = search_mode::fast;
      auto fast = searcher.find_route(*snap, scorer, req);
      const bool fast_pruned = searcher.last_stats().pruned_undominated;
      looked_up += searcher.last_stats().looked_up;
      req.mode = search_mode::fast_then_exact;
      auto fallback = searcher.find_route(*snap, scorer, req);
      ASSERT_EQ(fallback.has_value(), exact.has_value());
      if (!exact) {
        EXPECT_FALSE(fast);
        continue;
      }
      ++found;
      ASSERT_TRUE(validate_route(*snap, scorer, req, *exact));
      if (fast) {
        ASSERT_TRUE(validate_route(*snap, scorer, req, *fast));
        EXPECT_GE(fast->cost, exact->cost);
        if (fast->proven_optimal) {
          EXPECT_EQ(fast->cost, exact->cost);
        }
      } else {
        EXPECT_TRUE(fast_pruned);
      }
      ASSERT_TRUE(validate_route(*snap, scorer, req, *fallback));
      EXPECT_GE(fallback->cost, exact->cost);
    }
  }
  std::printf("compared %d, found %d, look-ups %llu\n", compared, found, static_cast<unsigned long long>(looked_up));
  EXPECT_GT(compared, 300);
  EXPECT_GT(found, 50);
  EXPECT_GT(looked_up, 0u);  // the hub short cut was exercised
}

// The real network: every route found satisfies its request; with fees, penalties and constraints
// neutralised, the route has as few hops as Boost's breadth-first search says it can.
TEST(FindRoute, RealNetworkRoutesAreValidAndMatchBoostBfsWhenCostIsHops) {
  auto topo = load_topology_dir(std::string(CLEARWAY_DATA_DIR) + "/topologies/ln-2020-12");
  ASSERT_TRUE(topo) << to_string(topo.error());
  auto snap = testing::build(*topo);
  ASSERT_NE(snap, nullptr);
  std::mt19937_64 rng(test_seed("FindRoute.RealNetwork"));
  route_searcher searcher;
  int found = 0;
  for (int i = 0; i < 300; ++i) {
    route_request req = request(static_cast<std::uint32_t>(rng() % snap->node_count()),
                                static_cast<std::uint32_t>(rng() % snap->node_count()), 1000 + rng() % 5'000'000);
    req.now_s = 1'600'000'000;
    req.final_time_lock_delta_s = 40 * block;
    auto r = searcher.find_route(*snap, scorer_view{}, req);
    if (!r) continue;
    ++found;
    EXPECT_TRUE(validate_route(*snap, scorer_view{}, req, *r));
  }
  EXPECT_GT(found, 200);

  topology flat = *topo;
  for (channel_spec& c : flat.channels) {
    for (edge_policy& p : c.direction) {
      p = policy(0, 0, p.time_lock_delta_s, c.capacity.base_units() / 2);
    }
  }
  auto flat_snap = testing::build(flat);
  const reverse_csr_graph& g = flat_snap->boost_storage().graph;
  for (int i = 0; i < 30; ++i) {
    const auto target = static_cast<std::uint32_t>(rng() % flat_snap->node_count());
    // BFS on the reverse graph from the target: hops from every node to the target.
    std::vector<std::uint32_t> hops(flat_snap->node_count(), ~0u);
    std::deque<std::uint32_t> queue{target};
    hops[target] = 0;
    while (!queue.empty()) {
      const std::uint32_t v = queue.front();
      queue.pop_front();
      for (auto [it, end] = boost::out_edges(v, g); it != end; ++it) {
        const std::uint32_t u = boost::target(*it, g);
        if (hops[u] == ~0u) {
          hops[u] = hops[v] + 1;
          queue.push_back(u);
        }
      }
    }
    for (int j = 0; j < 10; ++j) {
      const auto source = static_cast<std::uint32_t>(rng() % flat_snap->node_count());
      if (source == target) continue;
      route_request req = request(source, target, 1);
      req.cost.risk_ppm_per_year = 0;
      req.max_total_time_lock_s = ~std::uint64_t{0} / 4;
      auto r = searcher.find_route(*flat_snap, no_prior, req);
      if (hops[source] == ~0u) {
        EXPECT_FALSE(r);
      } else {
        ASSERT_TRUE(r) << to_string(r.error());
        EXPECT_EQ(r->hops.size(), hops[source]);
        EXPECT_EQ(r->cost, hops[source] * req.cost.hop_penalty_msat);
      }
    }
  }
}

}  // namespace
}  // namespace clearway::routing
