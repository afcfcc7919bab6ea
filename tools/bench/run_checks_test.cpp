// The tool's own checks on hand-made payment results: each rule caught, sound payments pass.
#include "tools/bench/run_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace clearway::tools::bench {
namespace {

using actors::payment_result;
using actors::payment_status;

// 0 -> 1 -> 2 -> 3, 1,000 delivered; forwarders 1 and 2 take 10 each; deltas 40 blocks.
payment_result sound_payment() {
  payment_result r;
  r.id = 1;
  r.payer = 0;
  r.payee = 3;
  r.amount = 1000;
  r.status = payment_status::succeeded;
  r.hops = 3;
  r.fee = 20;
  r.route = {
      {10, 0, 1, 1020, 1'000'000 + 2 * 24'000 + 24'000, 0},
      {11, 1, 2, 1010, 1'000'000 + 24'000 + 24'000, 24'000},
      {12, 2, 3, 1000, 1'000'000 + 24'000, 24'000},
  };
  return r;
}

TEST(run_checks, a_sound_payment_passes) {
  const std::vector<payment_result> rs = {sound_payment()};
  const auto c = check_payments(rs);
  EXPECT_EQ(c.unfinished, 0u);
  EXPECT_EQ(c.not_atomic, 0u);
  EXPECT_EQ(c.bad_routes, 0u);
  EXPECT_TRUE(c.problems.empty());
}

TEST(run_checks, each_route_rule_is_enforced) {
  std::vector<payment_result> bad;
  auto wrong_start = sound_payment();
  wrong_start.route[0].from = 9;
  bad.push_back(wrong_start);
  auto wrong_end = sound_payment();
  wrong_end.route[2].to = 9;
  bad.push_back(wrong_end);
  auto gap = sound_payment();
  gap.route[1].from = 5;
  bad.push_back(gap);
  auto grows = sound_payment();
  grows.route[1].amount = 1030;
  bad.push_back(grows);
  auto short_delivery = sound_payment();
  short_delivery.route[2].amount = 999;
  bad.push_back(short_delivery);
  auto lock_too_close = sound_payment();
  lock_too_close.route[1].time_lock_s = lock_too_close.route[2].time_lock_s + 23'999;
  bad.push_back(lock_too_close);
  auto lock_increases = sound_payment();
  lock_increases.route[0].time_lock_s = lock_increases.route[1].time_lock_s - 1;
  bad.push_back(lock_increases);
  auto empty = sound_payment();
  empty.route.clear();
  bad.push_back(empty);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::vector<payment_result> one = {bad[i]};
    EXPECT_EQ(check_payments(one).bad_routes, 1u) << "case " << i;
  }
  // A failed payment's route is not judged.
  auto failed = empty;
  failed.status = payment_status::failed;
  const std::vector<payment_result> f = {failed};
  EXPECT_EQ(check_payments(f).bad_routes, 0u);
}

TEST(run_checks, unfinished_and_non_atomic_are_counted) {
  auto pending = sound_payment();
  pending.status = payment_status::pending;
  auto torn = sound_payment();
  torn.atomic = false;
  auto torn_failure = sound_payment();
  torn_failure.status = payment_status::failed;
  torn_failure.atomic = false;
  const std::vector<payment_result> rs = {pending, torn, torn_failure, sound_payment()};
  const auto c = check_payments(rs);
  EXPECT_EQ(c.unfinished, 1u);
  EXPECT_EQ(c.not_atomic, 2u);
  EXPECT_EQ(c.problems.size(), 3u);
}

TEST(run_checks, expected_wealth_moves_amounts_and_fees) {
  const std::vector<std::uint64_t> deposits = {5000, 5000, 5000, 5000, 5000};
  auto failed = sound_payment();
  failed.status = payment_status::failed;  // moves nothing
  const std::vector<payment_result> rs = {sound_payment(), failed};
  const auto w = expected_wealth(deposits, rs);
  ASSERT_EQ(w.size(), 5u);
  EXPECT_TRUE(w[0] == 5000 - 1020);
  EXPECT_TRUE(w[1] == 5000 + 10);
  EXPECT_TRUE(w[2] == 5000 + 10);
  EXPECT_TRUE(w[3] == 5000 + 1000);
  EXPECT_TRUE(w[4] == 5000);
  wide_int total = 0;
  for (auto v : w) total += v;
  EXPECT_TRUE(total == 25000);  // money only moves
}

TEST(run_checks, wealth_sample_takes_all_small_networks_and_the_busiest_nodes_of_large_ones) {
  const std::vector<payment_result> rs = {sound_payment(), sound_payment()};
  EXPECT_EQ(wealth_sample(rs, 5, 5), (std::vector<actors::node_id>{0, 1, 2, 3, 4}));
  EXPECT_EQ(wealth_sample(rs, 5, 100).size(), 5u);
  // 100 nodes, 8 checked: the 4 busiest (0..3, all on the route) and 4 spread (0, 25, 50, 75).
  const auto s = wealth_sample(rs, 100, 8);
  EXPECT_EQ(s, (std::vector<actors::node_id>{0, 1, 2, 3, 25, 50, 75}));
  auto busy_elsewhere = sound_payment();
  for (auto& hop : busy_elsewhere.route) {
    hop.from += 60;
    hop.to += 60;
  }
  const std::vector<payment_result> others = {busy_elsewhere};
  const auto t = wealth_sample(others, 100, 8);
  for (actors::node_id n : {60u, 61u, 62u, 63u}) EXPECT_NE(std::find(t.begin(), t.end(), n), t.end()) << n;
  EXPECT_TRUE(wealth_sample(rs, 100, 0).empty());
}

}  // namespace
}  // namespace clearway::tools::bench
