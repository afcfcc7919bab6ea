// The engine through its public API: small networks, one behaviour per test.
#include <gtest/gtest.h>

#include "actors/engine.hpp"

namespace clearway::actors {
namespace {

engine_config small_config() {
  engine_config c;
  c.worker_threads = 2;
  c.route_workers = 1;
  c.verifier_workers = 1;
  c.freeze_time_s = 3600;
  c.seed = 7;
  return c;
}

channel_spec line_channel(node_id a, node_id b, std::uint64_t deposit) {
  channel_spec s;
  s.a = a;
  s.b = b;
  s.deposit_a = deposit;
  s.deposit_b = deposit;
  s.a_to_b.fee_base = 10;
  s.a_to_b.fee_ppm = 1000;
  s.b_to_a.fee_base = 10;
  s.b_to_a.fee_ppm = 1000;
  return s;
}

TEST(engine, pays_over_three_nodes_forward_and_back) {
  engine e(small_config());
  const node_id a = e.add_node();
  const node_id b = e.add_node();
  const node_id c = e.add_node();
  ASSERT_TRUE(e.add_channel(line_channel(a, b, 100'000)));
  ASSERT_TRUE(e.add_channel(line_channel(b, c, 100'000)));
  auto inv = e.create_invoice(c, 10'000);
  ASSERT_TRUE(inv);
  auto pid = e.submit_payment(a, *inv, e.now_ms());
  ASSERT_TRUE(pid);
  e.run_until_idle();
  auto r = e.result_of(*pid);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, payment_status::succeeded) << to_string(r->reason);
  EXPECT_EQ(r->hops, 2u);
  EXPECT_EQ(r->fee, 10u + 10u);  // b's fee: 10 + 10'000 * 1000 / 1e6
  EXPECT_TRUE(r->atomic);
  EXPECT_EQ(e.wealth_of(c), 110'000u);
  EXPECT_EQ(e.wealth_of(b), 100'000u * 2 + 20);
  EXPECT_EQ(e.wealth_of(a), 100'000u - 10'020);
  auto audit = e.audit();
  EXPECT_TRUE(audit.ok()) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_EQ(e.metrics().protocol_errors, 0u);
}

}  // namespace
}  // namespace clearway::actors
