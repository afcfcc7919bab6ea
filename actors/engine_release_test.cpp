// The engine's whole-network reads and batch releases: release_holds() settles many hold invoices
// at once (and changes nothing when one of them is bad); wealth_of_all() agrees with wealth_of().
#include <gtest/gtest.h>

#include <vector>

#include "actors/engine.hpp"
#include "actors/fifo.hpp"

namespace clearway::actors {
namespace {

engine_config small_config() {
  engine_config c;
  c.worker_threads = 2;
  c.route_workers = 1;
  c.verifier_workers = 1;
  c.freeze_time_s = 3600;
  c.seed = 11;
  return c;
}

channel_spec channel(node_id a, node_id b, std::uint64_t deposit) {
  channel_spec s;
  s.a = a;
  s.b = b;
  s.deposit_a = deposit;
  s.deposit_b = deposit;
  s.a_to_b.fee_base = 10;
  s.b_to_a.fee_base = 10;
  return s;
}

// a - b - c, and c - a: hold payments both ways.
struct triangle {
  engine e{small_config()};
  node_id a = e.add_node();
  node_id b = e.add_node();
  node_id c = e.add_node();
  triangle() {
    EXPECT_TRUE(e.add_channel(channel(a, b, 100'000)));
    EXPECT_TRUE(e.add_channel(channel(b, c, 100'000)));
    EXPECT_TRUE(e.add_channel(channel(c, a, 100'000)));
  }
};

TEST(engine_release, release_holds_settles_every_held_payment) {
  triangle t;
  std::vector<invoice> invs;
  std::vector<payment_id> ids;
  for (int i = 0; i < 6; ++i) {
    const node_id payee = i % 2 == 0 ? t.c : t.a;
    const node_id payer = i % 2 == 0 ? t.a : t.b;
    auto inv = t.e.create_invoice(payee, 1'000 + static_cast<std::uint64_t>(i), /*hold=*/true);
    ASSERT_TRUE(inv);
    auto pid = t.e.submit_payment(payer, *inv, t.e.now_ms());
    ASSERT_TRUE(pid);
    invs.push_back(*inv);
    ids.push_back(*pid);
  }
  t.e.run_until_idle();
  EXPECT_EQ(t.e.payments_in_flight(), invs.size());  // all held
  ASSERT_TRUE(t.e.release_holds(invs));
  t.e.run_until_idle();
  EXPECT_EQ(t.e.payments_in_flight(), 0u);
  for (const payment_id id : ids) {
    auto r = t.e.result_of(id);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, payment_status::succeeded) << to_string(r->reason);
    EXPECT_TRUE(r->atomic);
  }
  const auto audit = t.e.audit();
  EXPECT_TRUE(audit.ok() && audit.settled) << (audit.problems.empty() ? "" : audit.problems.front());
}

TEST(engine_release, a_bad_invoice_releases_nothing) {
  triangle t;
  auto held = t.e.create_invoice(t.c, 2'000, /*hold=*/true);
  auto plain = t.e.create_invoice(t.c, 2'000, /*hold=*/false);
  ASSERT_TRUE(held && plain);
  ASSERT_TRUE(t.e.submit_payment(t.a, *held, t.e.now_ms()));
  t.e.run_until_idle();
  ASSERT_EQ(t.e.payments_in_flight(), 1u);

  invoice unknown = *held;
  unknown.payment_hash[0] ^= 0xff;
  const std::vector<invoice> with_unknown = {*held, unknown};
  auto r1 = t.e.release_holds(with_unknown);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error(), engine_error::unknown_invoice);
  const std::vector<invoice> with_plain = {*held, *plain};
  auto r2 = t.e.release_holds(with_plain);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error(), engine_error::invoice_not_held);
  t.e.run_until_idle();
  EXPECT_EQ(t.e.payments_in_flight(), 1u);  // still held: nothing was released

  const std::vector<invoice> good = {*held};
  ASSERT_TRUE(t.e.release_holds(good));
  t.e.run_until_idle();
  EXPECT_EQ(t.e.payments_in_flight(), 0u);
}

TEST(engine_release, wealth_of_all_agrees_with_wealth_of) {
  triangle t;
  auto inv = t.e.create_invoice(t.c, 5'000);
  ASSERT_TRUE(inv);
  ASSERT_TRUE(t.e.submit_payment(t.a, *inv, t.e.now_ms()));
  t.e.run_until_idle();
  const auto all = t.e.wealth_of_all();
  ASSERT_EQ(all.size(), 3u);
  std::uint64_t total = 0;
  for (node_id n = 0; n < 3; ++n) {
    EXPECT_EQ(all[n], t.e.wealth_of(n)) << "node " << n;
    total += all[n];
  }
  EXPECT_EQ(total, 600'000u);
  EXPECT_EQ(all[t.c], 205'000u);  // paid directly or through b (then b earned the fee, a paid it)
}

TEST(fifo, keeps_order_and_frees_when_empty) {
  fifo<int> q;
  EXPECT_TRUE(q.empty());
  for (int i = 0; i < 200; ++i) q.push_back(i);
  for (int i = 0; i < 150; ++i) {
    ASSERT_EQ(q.front(), i);
    q.pop_front();
  }
  EXPECT_EQ(q.size(), 50u);
  for (int i = 200; i < 260; ++i) q.push_back(i);
  for (int i = 150; i < 260; ++i) {
    ASSERT_FALSE(q.empty());
    ASSERT_EQ(q.front(), i);
    q.pop_front();
  }
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  q.push_back(7);
  EXPECT_EQ(q.front(), 7);
}

}  // namespace
}  // namespace clearway::actors
