// The scenarios' pure parts: rate and size lists, the knee rule, CLoTH's taxonomy mapping and
// workload, and the plot's data and script.
#include <gtest/gtest.h>

#include <set>

#include "base/test_seed.hpp"
#include "tools/bench/cloth.hpp"
#include "tools/bench/crypto_ceiling.hpp"
#include "tools/bench/routing_scenario.hpp"
#include "tools/bench/throughput.hpp"
#include "tools/bench/xy_plot.hpp"

namespace clearway::tools::bench {
namespace {

TEST(scenario_rates, parses_lists_with_k_suffix) {
  auto r = parse_rates("100,300,1k,3K,10000,2.5k");
  ASSERT_FALSE(r.has_value());  // 2.5k = 2500 < 10000: not increasing
  r = parse_rates("100,300,1k,3K,10000");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, (std::vector<double>{100, 300, 1000, 3000, 10000}));
  EXPECT_TRUE(parse_rates("0.5").has_value());
}

TEST(scenario_rates, rejects_bad_lists) {
  for (const char* bad : {"", ",", "100,", "abc", "0", "-5", "1e8", "100,100", "300,100", "1kk", "nan", "inf"}) {
    EXPECT_FALSE(parse_rates(bad).has_value()) << bad;
  }
}

TEST(scenario_sizes, parses_and_rejects) {
  auto s = parse_sizes("10k,1e5,1m");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(*s, (std::vector<std::uint32_t>{10'000, 100'000, 1'000'000}));
  for (const char* bad : {"", "1", "2.5", "11m", "10k,10k", "1m,10k", "x", "10k,"}) {
    EXPECT_FALSE(parse_sizes(bad).has_value()) << bad;
  }
}

throughput_step step(double offered, double wall_s, std::uint64_t payments, std::uint64_t succeeded) {
  throughput_step s;
  s.offered_per_s = offered;
  s.wall_s = wall_s;
  s.outcome.payments = payments;
  s.outcome.succeeded = succeeded;
  return s;
}

TEST(scenario_knee, keeps_up_then_falls_behind_or_collapses) {
  auto s = step(100, 1.0, 1'000, 950);  // 1,000/s achieved for 100/s offered
  EXPECT_FALSE(past_knee(s, 0.95, 0.5, 0.75));
  EXPECT_TRUE(s.knee_reason.empty());
  s = step(10'000, 1.0, 4'000, 3'800);  // 4,000/s < 0.5 x 10,000/s
  EXPECT_TRUE(past_knee(s, 0.95, 0.5, 0.75));
  EXPECT_NE(s.knee_reason.find("achieved"), std::string::npos);
  s = step(1'000, 1.0, 2'000, 1'000);  // keeps up, but 50 % success < 0.75 x 95 %
  EXPECT_TRUE(past_knee(s, 0.95, 0.5, 0.75));
  EXPECT_NE(s.knee_reason.find("success"), std::string::npos);
}

TEST(scenario_steps, rates_from_counters) {
  throughput_step s = step(1'000, 2.0, 1'000, 900);
  s.outcome.unfinished = 0;
  s.proposals = 8'000;
  s.rounds = 2'000;
  s.signatures_made = 400;
  s.signatures_verified = 200;
  EXPECT_DOUBLE_EQ(s.achieved_per_s(), 500);
  EXPECT_DOUBLE_EQ(s.succeeded_per_s(), 450);
  EXPECT_DOUBLE_EQ(s.hop_updates_per_s(), 4'000);
  EXPECT_DOUBLE_EQ(s.proposals_per_round(), 4);
  crypto_ceiling c;
  c.signs_per_s = 100;
  c.verifies_per_s = 50;
  c.cores = 2;
  EXPECT_DOUBLE_EQ(c.cores_busy(s.made_per_s(), s.verified_per_s()), (200.0 / 100 + 100.0 / 50) / 2);
}

TEST(cloth_taxonomy, maps_every_engine_reason) {
  using actors::failure_reason;
  using actors::payment_status;
  EXPECT_EQ(cloth_category_of(payment_status::succeeded, failure_reason::none), cloth_category::success);
  EXPECT_EQ(cloth_category_of(payment_status::pending, failure_reason::none), cloth_category::unfinished);
  EXPECT_EQ(cloth_category_of(payment_status::failed, failure_reason::no_path), cloth_category::fail_no_path);
  EXPECT_EQ(cloth_category_of(payment_status::failed, failure_reason::insufficient_balance),
            cloth_category::fail_no_balance);
  EXPECT_EQ(cloth_category_of(payment_status::failed, failure_reason::peer_failure),
            cloth_category::fail_offline_node);
  EXPECT_EQ(cloth_category_of(payment_status::failed, failure_reason::timeout), cloth_category::fail_timeout_expired);
  for (auto r : {failure_reason::time_lock, failure_reason::fee_insufficient, failure_reason::incorrect_details,
                 failure_reason::cancelled}) {
    EXPECT_EQ(cloth_category_of(payment_status::failed, r), cloth_category::other);
  }
  EXPECT_EQ(to_string(cloth_category::fail_no_balance), "FailNoBalance");
  EXPECT_EQ(to_string(cloth_category::success), "Success");
}

TEST(cloth_workload, deterministic_uniform_distinct_and_eligible_only) {
  cloth_params p;
  p.seed = test_seed("cloth_workload");
  p.n_payments = 5'000;
  p.payment_rate = 50;
  p.average_payment_amount = 10'000;
  p.variance_payment_amount = 20'000;  // large: |x| folds negative draws
  std::vector<std::uint8_t> eligible(40, 1);
  eligible[3] = 0;
  eligible[17] = 0;
  const auto a = cloth_payments(eligible, p, 1'000);
  const auto b = cloth_payments(eligible, p, 1'000);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(*a, *b);
  ASSERT_EQ(a->size(), p.n_payments);
  std::set<std::uint32_t> payers;
  std::uint64_t last = 1'000;
  double amount_sum = 0;
  for (const auto& r : *a) {
    EXPECT_NE(r.payer, r.payee);
    EXPECT_TRUE(eligible[r.payer] && eligible[r.payee]);
    EXPECT_GE(r.amount, 1u);
    EXPECT_GE(r.arrival_ms, last);
    last = r.arrival_ms;
    payers.insert(r.payer);
    amount_sum += static_cast<double>(r.amount);
  }
  EXPECT_EQ(payers.size(), 38u);  // 5,000 uniform draws over 38 nodes reach them all
  // 5,000 arrivals at 50/s take about 100 s.
  EXPECT_GT(last - 1'000, 80'000u);
  EXPECT_LT(last - 1'000, 120'000u);
  // E|N(10,000, 20,000^2)| ~ 17,900: the folded mean, well above the average.
  EXPECT_GT(amount_sum / 5'000, 15'000);
  EXPECT_LT(amount_sum / 5'000, 21'000);
}

TEST(cloth_workload, named_errors_on_bad_input) {
  cloth_params p;
  std::vector<std::uint8_t> one(10, 0);
  one[4] = 1;
  EXPECT_EQ(cloth_payments(one, p, 0).error(), cloth_error::too_few_nodes);
  std::vector<std::uint8_t> all(10, 1);
  p.payment_rate = 0;
  EXPECT_EQ(cloth_payments(all, p, 0).error(), cloth_error::bad_rate);
  p.payment_rate = 1;
  p.average_payment_amount = 0;
  EXPECT_EQ(cloth_payments(all, p, 0).error(), cloth_error::bad_amount);
  p.average_payment_amount = 10;
  p.faulty_node_prob = 1;
  EXPECT_EQ(cloth_payments(all, p, 0).error(), cloth_error::bad_probability);
}

TEST(cloth_workload, faulty_nodes_follow_the_probability) {
  cloth_params p;
  p.seed = test_seed("cloth_faulty");
  p.faulty_node_prob = 0;
  for (auto f : cloth_faulty_nodes(1'000, p)) EXPECT_EQ(f, 0);
  p.faulty_node_prob = 0.2;
  std::uint64_t n = 0;
  for (auto f : cloth_faulty_nodes(10'000, p)) n += f;
  EXPECT_GT(n, 1'700u);
  EXPECT_LT(n, 2'300u);
  EXPECT_EQ(cloth_faulty_nodes(500, p), cloth_faulty_nodes(500, p));
}

TEST(xy_plot, data_blocks_and_script) {
  xy_chart c;
  c.title = "it's";
  c.x_label = "x";
  c.y_label = "y";
  c.log_y = true;
  c.series = {{"a", {{1, 2}, {3, 0}}, false}, {"b", {{0, 0}}, true}, {"c", {{5, 6}}, true}};
  const std::string data = xy_data_text(c);
  EXPECT_NE(data.find("1\t2\n"), std::string::npos);
  EXPECT_EQ(data.find("3\t0"), std::string::npos);  // y = 0 cannot be drawn on a log axis
  const std::string script = xy_script(c, "d.dat", "out.svg", true);
  EXPECT_NE(script.find("set terminal svg"), std::string::npos);
  EXPECT_NE(script.find("set logscale y"), std::string::npos);
  EXPECT_NE(script.find("'it''s'"), std::string::npos);
  EXPECT_NE(script.find("index 0"), std::string::npos);
  EXPECT_EQ(script.find("index 1"), std::string::npos);  // series b has nothing drawable
  EXPECT_NE(script.find("index 2"), std::string::npos);
}

TEST(xy_plot, named_errors_before_running_gnuplot) {
  xy_chart c;
  c.series = {{"a", {{1, 2}}, false}};
  auto bad = write_xy_plot("/tmp/plot.jpeg", c);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, plot_error::bad_extension);
  xy_chart empty;
  auto none = write_xy_plot("/tmp/plot.svg", empty);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().code, plot_error::nothing_to_plot);
}

}  // namespace
}  // namespace clearway::tools::bench
