// Network properties over seeded random networks and workloads (PROTOCOL.md §10), through the
// public engine API: every payment atomic; money conserved on every channel and network-wide; no
// honest forwarder poorer; every route's time locks decrease towards the payee by at least each
// forwarder's delta, and amounts by at least its fee. Replay a failure with CLEARWAY_SEED=<seed>.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "actors/engine.hpp"
#include "base/test_seed.hpp"

namespace clearway::actors {
namespace {

__extension__ using u128 = unsigned __int128;

struct random_network {
  std::vector<node_id> nodes;
  std::vector<channel_spec> channels;
};

std::uint64_t log_uniform(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
  std::uniform_real_distribution<double> d(std::log(static_cast<double>(lo)), std::log(static_cast<double>(hi)));
  return static_cast<std::uint64_t>(std::exp(d(rng)));
}

direction_policy random_policy(std::mt19937_64& rng) {
  direction_policy p;
  p.fee_base = rng() % 50;
  p.fee_ppm = static_cast<std::uint32_t>(rng() % 5'000);
  p.time_lock_delta_s = static_cast<std::uint32_t>((10 + rng() % 50) * 600);
  p.min_htlc = 1 + rng() % 100;
  p.max_htlc = rng() % 4 == 0 ? 20'000 + rng() % 50'000 : UINT64_MAX;
  return p;
}

// A connected random graph: a random spanning tree plus extra channels.
random_network build(engine& e, std::mt19937_64& rng) {
  random_network net;
  const std::size_t n = 4 + rng() % 9;
  for (std::size_t i = 0; i < n; ++i) net.nodes.push_back(e.add_node());
  std::set<std::pair<node_id, node_id>> used;
  auto add = [&](node_id a, node_id b) {
    if (a == b || used.contains({std::min(a, b), std::max(a, b)})) return;
    used.insert({std::min(a, b), std::max(a, b)});
    channel_spec s;
    s.a = a;
    s.b = b;
    s.deposit_a = log_uniform(rng, 10'000, 300'000);
    s.deposit_b = log_uniform(rng, 10'000, 300'000);
    s.a_to_b = random_policy(rng);
    s.b_to_a = random_policy(rng);
    ASSERT_TRUE(e.add_channel(s));
    net.channels.push_back(s);
  };
  for (std::size_t i = 1; i < n; ++i) add(net.nodes[i], net.nodes[rng() % i]);
  const std::size_t extra = rng() % (n + 1);
  for (std::size_t k = 0; k < extra; ++k) add(net.nodes[rng() % n], net.nodes[rng() % n]);
  return net;
}

engine_config config_for(std::uint64_t seed) {
  engine_config c;
  c.worker_threads = 2;
  c.route_workers = 2;
  c.verifier_workers = 2;
  c.freeze_time_s = 3'600;
  c.seed = seed;
  c.max_attempts = 3;
  c.verify_on_pool = seed % 2 == 0;  // both verification paths
  c.commit_batch_size = seed % 3 == 0 ? 4 : 483;  // also rounds started by a full batch
  c.rest_idle_ends = seed / 2 % 2 == 0;           // ends also rest between rounds, HTLCs pending
  return c;
}

// Time locks decrease towards the payee by at least each forwarder's delta; amounts by at least
// its fee; the payee's lock leaves at least the final delta from the start.
void check_route(const payment_result& r, const random_network& net, std::uint64_t final_delta_s) {
  ASSERT_FALSE(r.route.empty());
  for (std::size_t i = 0; i + 1 < r.route.size(); ++i) {
    const hop_view& in = r.route[i];
    const hop_view& out = r.route[i + 1];
    ASSERT_EQ(in.to, out.from);
    const channel_spec& c = net.channels[out.channel];
    const direction_policy& p = out.from == c.a ? c.a_to_b : c.b_to_a;
    EXPECT_GE(in.time_lock_s, out.time_lock_s + p.time_lock_delta_s) << "payment " << r.id << " hop " << i;
    EXPECT_EQ(out.time_lock_delta_s, p.time_lock_delta_s);
    const std::uint64_t fee = p.fee_base + static_cast<std::uint64_t>(
                                               static_cast<u128>(out.amount) * p.fee_ppm / 1'000'000);
    EXPECT_GE(in.amount, out.amount + fee) << "payment " << r.id << " hop " << i;
  }
  EXPECT_GE(r.route.back().time_lock_s, r.start_ms / 1000 + final_delta_s);
  EXPECT_EQ(r.route.back().amount, r.amount);
  EXPECT_EQ(r.route.front().amount, r.amount + r.fee);
}

void check_network(std::uint64_t seed, bool with_holds) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  engine e(config_for(seed));
  const random_network net = build(e, rng);
  const std::size_t n = net.nodes.size();
  std::vector<std::uint64_t> initial(n);
  e.run_until(e.now_ms());
  for (std::size_t i = 0; i < n; ++i) initial[i] = e.wealth_of(net.nodes[i]);

  const std::size_t payments = 30 + rng() % 120;
  std::vector<invoice> holds;
  std::vector<payment_id> ids;
  const std::uint64_t t0 = e.now_ms();
  for (std::size_t k = 0; k < payments; ++k) {
    const node_id payer = net.nodes[rng() % n];
    node_id payee = net.nodes[rng() % n];
    if (payee == payer) payee = net.nodes[(payee + 1) % n];
    const bool hold = with_holds && rng() % 4 == 0;
    auto inv = e.create_invoice(payee, log_uniform(rng, 100, 60'000), hold);
    ASSERT_TRUE(inv);
    if (rng() % 20 == 0) {
      inv->payment_hash[5] ^= 1;  // an invoice the payee never issued
    } else if (hold) {
      holds.push_back(*inv);
    }
    auto id = e.submit_payment(payer, *inv, t0 + (rng() % 30) * e.config().tick_ms);
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  e.run_until_idle();
  // Half the holds are released, half cancelled.
  for (std::size_t h = 0; h < holds.size(); ++h) {
    auto st = h % 2 == 0 ? e.release_hold(holds[h]) : e.cancel_hold(holds[h]);
    EXPECT_TRUE(st);
  }
  e.run_until_idle();

  const engine_metrics m = e.metrics();
  EXPECT_EQ(m.protocol_errors, 0u);
  std::vector<std::int64_t> explained(n, 0);
  std::size_t succeeded = 0;
  for (payment_id id : ids) {
    const payment_result r = *e.result_of(id);
    ASSERT_NE(r.status, payment_status::pending) << "payment " << id;
    EXPECT_TRUE(r.atomic) << "payment " << id;
    EXPECT_NE(r.reason == failure_reason::none, r.status == payment_status::failed);
    if (r.status != payment_status::succeeded) continue;
    ++succeeded;
    check_route(r, net, e.config().final_time_lock_delta_s);
    explained[r.payee] += static_cast<std::int64_t>(r.amount);
    explained[r.payer] -= static_cast<std::int64_t>(r.amount + r.fee);
  }
  EXPECT_GT(succeeded, 0u);
  const audit_report audit = e.audit();
  EXPECT_TRUE(audit.conservation_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_TRUE(audit.atomicity_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_TRUE(audit.forwarders_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_TRUE(audit.settled);
  // Every node: what it has now is what it had, plus what its own payments explain, plus the fees
  // it earned forwarding (never negative).
  std::uint64_t total_before = 0;
  std::uint64_t total_after = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t now = e.wealth_of(net.nodes[i]);
    total_before += initial[i];
    total_after += now;
    EXPECT_GE(static_cast<std::int64_t>(now), static_cast<std::int64_t>(initial[i]) + explained[i]) << "node " << i;
  }
  EXPECT_EQ(total_before, total_after);
  const close_report closed = e.close_all();
  EXPECT_EQ(closed.closed, net.channels.size());
  EXPECT_TRUE(closed.bank_ok);
  EXPECT_TRUE(closed.balances_ok);
}

TEST(engine_properties, random_networks_and_workloads) {
  const std::uint64_t seed = test_seed("engine_properties");
  for (std::uint64_t k = 0; k < 6; ++k) check_network(seed + k, /*with_holds=*/k % 2 == 1);
}

// A node crashes mid-workload: its peers settle on the bank when their locks come; every online
// party still ends with at least what its own payments explain, and all money is accounted for.
TEST(engine_properties, crash_mid_workload_settles_on_the_bank) {
  const std::uint64_t seed = test_seed("engine_properties.crash");
  std::mt19937_64 rng(seed);
  engine_config cfg = config_for(seed);
  engine e(cfg);
  const random_network net = build(e, rng);
  const std::size_t n = net.nodes.size();
  e.run_until(e.now_ms());
  std::vector<std::uint64_t> initial(n);
  for (std::size_t i = 0; i < n; ++i) initial[i] = e.wealth_of(net.nodes[i]);
  std::vector<payment_id> ids;
  for (std::size_t k = 0; k < 60; ++k) {
    const node_id payer = net.nodes[rng() % n];
    node_id payee = net.nodes[rng() % n];
    if (payee == payer) payee = net.nodes[(payee + 1) % n];
    auto inv = e.create_invoice(payee, log_uniform(rng, 100, 30'000), /*hold=*/rng() % 3 == 0);
    ASSERT_TRUE(inv);
    ids.push_back(*e.submit_payment(payer, *inv, e.now_ms() + (rng() % 10) * cfg.tick_ms));
  }
  e.run_until(e.now_ms() + 3 * cfg.tick_ms);
  const node_id crashed = net.nodes[rng() % n];
  e.set_offline(crashed);
  // Long enough for every lock (max total lock) and every freeze to pass; hold invoices that are
  // never released are given up by their payees before their locks.
  e.advance_by((cfg.max_total_time_lock_s + 4 * cfg.freeze_time_s) * 1000);
  const audit_report audit = e.audit();
  EXPECT_TRUE(audit.conservation_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_TRUE(audit.atomicity_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_TRUE(audit.forwarders_ok) << (audit.problems.empty() ? "" : audit.problems.front());
  EXPECT_EQ(e.metrics().protocol_errors, 0u);
  std::vector<std::int64_t> explained(n, 0);
  for (payment_id id : ids) {
    const payment_result r = *e.result_of(id);
    if (r.payer == crashed) continue;
    EXPECT_NE(r.status, payment_status::pending) << "payment " << id;
    if (r.status != payment_status::succeeded) continue;
    explained[r.payee] += static_cast<std::int64_t>(r.amount);
    explained[r.payer] -= static_cast<std::int64_t>(r.amount + r.fee);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (net.nodes[i] == crashed) continue;
    EXPECT_GE(static_cast<std::int64_t>(e.wealth_of(net.nodes[i])), static_cast<std::int64_t>(initial[i]) + explained[i])
        << "node " << i << " (crashed: " << crashed << ")";
  }
}

}  // namespace
}  // namespace clearway::actors
