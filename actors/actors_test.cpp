// Deterministic actor tests on CAF's test coordinator: every message of the whole network is run
// by one thread in a reproducible order, and the first steps of a payment are checked message by
// message. Virtual time and the bank are the engine's own (network.hpp).
#define CAF_SUITE actors
#include <caf/test/unit_test_impl.hpp>

#include <caf/test/dsl.hpp>

#include <caf/actor_system_config.hpp>

#include <atomic>
#include <thread>

#include "actors/network.hpp"
#include "chain/embedded/ledger.hpp"

using namespace clearway;
using namespace clearway::actors;

namespace {

engine_config test_config() {
  engine_config c;
  c.worker_threads = 1;
  c.route_workers = 1;
  c.verifier_workers = 1;
  c.freeze_time_s = 3'600;
  c.final_time_lock_delta_s = 40 * 600;
  c.claim_margin_s = 3'600;
  c.seed = 11;
  return c;
}

channel_spec spec(node_id a, node_id b, std::uint64_t deposit_a, std::uint64_t deposit_b) {
  channel_spec s;
  s.a = a;
  s.b = b;
  s.deposit_a = deposit_a;
  s.deposit_b = deposit_b;
  for (direction_policy* p : {&s.a_to_b, &s.b_to_a}) {
    p->fee_base = 10;
    p->fee_ppm = 1'000;
    p->time_lock_delta_s = 40 * 600;
  }
  return s;
}

struct fixture : test_coordinator_fixture<> {
  explicit fixture(engine_config config = test_config()) {
    net = std::make_unique<network>(sys, config, [this] {
      if (!manual) sched.run();
    });
  }
  ~fixture() override {
    manual = false;
    net->shutdown();
    run();
  }

  // A line a - b - c - ... of `n` nodes, each channel funded 100'000 on both sides.
  void line(std::size_t n, std::uint64_t deposit = 100'000) {
    for (std::size_t i = 0; i < n; ++i) nodes.push_back(net->add_node());
    for (std::size_t i = 0; i + 1 < n; ++i) {
      auto c = net->add_channel(spec(nodes[i], nodes[i + 1], deposit, deposit));
      CAF_REQUIRE(c.has_value());
    }
    net->start_pending();
  }

  channel_actor end(std::uint32_t channel, int side) {
    return net->end_actor(channel, side == 0 ? protocol::party::zero : protocol::party::one);
  }

  channel_report report(std::uint32_t channel, int side) {
    auto all = net->inspect_all();
    CAF_REQUIRE(all[channel][side].has_value());
    return *all[channel][side];
  }

  payment_result result(payment_id id) {
    auto r = net->result_of(id);
    CAF_REQUIRE(r.has_value());
    return *r;
  }

  std::uint64_t wealth(node_id n) { return net->wealth_of(n); }
  const chain::bank_view& bank(std::uint32_t channel) {
    return *net->ledger().find(net->context().channel(channel).bank);
  }
  std::uint64_t account(node_id n) { return net->ledger().balance_of(net->context().nodes[n]->keys.addr).base_units(); }

  std::unique_ptr<network> net;
  std::vector<node_id> nodes;
  bool manual = false;
};

}  // namespace

CAF_TEST_FIXTURE_SCOPE(actor_tests, fixture)

// Forward: the payer's HTLC goes out as one peer batch, is committed by one round at the next
// tick, and only then (irrevocably committed) does the forwarder's htlc actor offer the next hop.
CAF_TEST(forward_phase_message_by_message) {
  line(3);
  for (std::uint32_t c = 0; c < 2; ++c) {
    CAF_CHECK(report(c, 0).open);
    CAF_CHECK(report(c, 1).open);
  }
  auto inv = net->create_invoice(nodes[2], 10'000, /*hold=*/true);
  CAF_REQUIRE(inv.has_value());
  auto pid = net->submit_payment(nodes[0], *inv, net->now_ms());
  CAF_REQUIRE(pid.has_value());

  manual = true;
  net->tick_at(net->now_ms());  // spawns the payment actor
  auto& ctx = net->context();
  sched.run_once();  // the payment actor starts and asks a route worker
  expect((route_atom, route_query), to(ctx.route_workers[0]));
  sched.run_once();  // the route answer reaches the payment actor, which offers the first HTLC
  expect((offer_atom, htlc_offer), to(end(0, 0)));
  expect((flush_atom), from(end(0, 0)).to(end(0, 0)));
  expect((peer_atom, peer_batch), from(end(0, 0)).to(end(0, 1)));
  CAF_CHECK(!sched.has_job());  // nothing more until the tick: the proposal waits for the batch
  CAF_CHECK(!ctx.ticks.empty());

  net->tick_at(net->now_ms() + ctx.config.tick_ms);
  expect((tick_atom), to(end(0, 0)));                           // commit(initiate)
  expect((peer_atom, peer_batch), from(end(0, 0)).to(end(0, 1)));  // commit(countersign) + revoke
  expect((peer_atom, peer_batch), from(end(0, 1)).to(end(0, 0)));  // revoke: a's round is complete
  expect((peer_atom, peer_batch), from(end(0, 0)).to(end(0, 1)));  // b's round completes: htlc actor spawned
  manual = false;
  sched.run();
  // b forwarded only now: its offer on channel 1 is proposed and waits for the next tick.
  const channel_report b_out = report(1, 0);
  CAF_REQUIRE_EQUAL(b_out.htlcs.size(), 1u);
  CAF_CHECK(b_out.htlcs[0].state == protocol::htlc_state::proposed);
  const channel_report a_out = report(0, 0);
  CAF_REQUIRE_EQUAL(a_out.htlcs.size(), 1u);
  CAF_CHECK(a_out.htlcs[0].state == protocol::htlc_state::irrevocable);
  // The time locks decrease towards the payee by b's delta.
  CAF_CHECK_EQUAL(a_out.htlcs[0].terms.time_lock_s, b_out.htlcs[0].terms.time_lock_s + 40 * 600);
  CAF_CHECK_EQUAL(a_out.htlcs[0].terms.value.base_units(), 10'000u + 10u + 10u);
}

// Backward: with a hold invoice the payment parks at the payee with every hop locked in; the
// release sends the preimage back hop by hop and every HTLC becomes a plain balance.
CAF_TEST(backward_phase_after_hold_release) {
  line(3);
  auto inv = net->create_invoice(nodes[2], 10'000, /*hold=*/true);
  CAF_REQUIRE(inv.has_value());
  auto pid = net->submit_payment(nodes[0], *inv, net->now_ms());
  CAF_REQUIRE(pid.has_value());
  net->run_until_idle(UINT64_MAX);
  // Forward phase complete, nothing settled yet.
  CAF_CHECK(result(*pid).status == payment_status::pending);
  for (std::uint32_t c = 0; c < 2; ++c) {
    const auto r = report(c, 1);
    CAF_REQUIRE_EQUAL(r.htlcs.size(), 1u);
    CAF_CHECK(r.htlcs[0].state == protocol::htlc_state::irrevocable);
  }
  CAF_REQUIRE(net->release_hold(*inv).has_value());
  net->run_until_idle(UINT64_MAX);
  const auto r = result(*pid);
  CAF_CHECK(r.status == payment_status::succeeded);
  CAF_CHECK(r.atomic);
  CAF_CHECK_EQUAL(r.fee, 20u);
  for (std::uint32_t c = 0; c < 2; ++c) {
    CAF_CHECK(report(c, 0).htlcs.empty());
    CAF_CHECK(report(c, 1).htlcs.empty());
  }
  CAF_CHECK_EQUAL(wealth(nodes[0]), 100'000u - 10'020u);
  CAF_CHECK_EQUAL(wealth(nodes[1]), 200'000u + 20u);
  CAF_CHECK_EQUAL(wealth(nodes[2]), 100'000u + 10'000u);
  const auto audit = net->audit();
  CAF_CHECK(audit.ok());
  CAF_CHECK(audit.settled);
  CAF_CHECK_EQUAL(net->metrics().protocol_errors, 0u);
}

// Failure mid-path: the router's hint says b can forward, but an earlier payment drained b's side;
// b refuses, the failure travels back, every HTLC is removed, nobody loses anything.
CAF_TEST(failure_mid_path) {
  line(3);
  auto first = net->create_invoice(nodes[2], 60'000);
  auto second = net->create_invoice(nodes[2], 60'000);
  CAF_REQUIRE(first.has_value() && second.has_value());
  auto p1 = net->submit_payment(nodes[0], *first, net->now_ms());
  CAF_REQUIRE(p1.has_value());
  net->run_until_idle(UINT64_MAX);
  CAF_REQUIRE(result(*p1).status == payment_status::succeeded);
  const std::uint64_t a0 = wealth(nodes[0]);
  const std::uint64_t b0 = wealth(nodes[1]);
  auto p2 = net->submit_payment(nodes[0], *second, net->now_ms());
  CAF_REQUIRE(p2.has_value());
  net->run_until_idle(UINT64_MAX);
  const auto r = result(*p2);
  CAF_CHECK(r.status == payment_status::failed);
  CAF_CHECK(r.reason == failure_reason::insufficient_balance);
  CAF_CHECK(r.atomic);
  CAF_CHECK(report(0, 0).htlcs.empty());
  CAF_CHECK_EQUAL(wealth(nodes[0]), a0);
  CAF_CHECK_EQUAL(wealth(nodes[1]), b0);
  // An unknown payment hash fails at the payee, without retries.
  invoice bogus = *first;
  bogus.payment_hash[0] ^= 0xff;
  bogus.amount = 1'000;  // small enough for what the router learnt about b's side
  auto p3 = net->submit_payment(nodes[0], bogus, net->now_ms());
  CAF_REQUIRE(p3.has_value());
  net->run_until_idle(UINT64_MAX);
  CAF_CHECK(result(*p3).reason == failure_reason::incorrect_details);
  CAF_CHECK_EQUAL(result(*p3).attempts, 1u);
  CAF_CHECK(net->audit().ok());
}

// Time-lock expiry with a silent payee: c holds the HTLC and then goes silent. When b's outgoing
// lock comes, b cashes its latest commitment on the bank, fails the payment back to a off-chain,
// and gets the HTLC refunded by the bank after the freeze.
CAF_TEST(time_lock_expiry_with_silent_peer_settles_on_the_bank) {
  line(3);
  auto inv = net->create_invoice(nodes[2], 10'000, /*hold=*/true);
  CAF_REQUIRE(inv.has_value());
  auto pid = net->submit_payment(nodes[0], *inv, net->now_ms());
  CAF_REQUIRE(pid.has_value());
  net->run_until_idle(UINT64_MAX);
  CAF_REQUIRE_EQUAL(report(1, 1).htlcs.size(), 1u);
  const std::uint64_t lock = report(1, 0).htlcs[0].terms.time_lock_s;
  const std::uint64_t a0 = wealth(nodes[0]);
  net->set_offline(nodes[2]);
  // Up to the lock: nothing happens.
  net->run_until((lock - 1) * 1000);
  CAF_CHECK(result(*pid).status == payment_status::pending);
  CAF_CHECK(bank(1).state == chain::bank_state::running);
  // At the lock b goes on chain; the payment fails back off-chain before a's own lock.
  net->run_until(lock * 1000 + 1000);
  CAF_CHECK(bank(1).state == chain::bank_state::auditing);
  const auto r = result(*pid);
  CAF_CHECK(r.status == payment_status::failed);
  CAF_CHECK(r.reason == failure_reason::timeout);
  CAF_CHECK(bank(0).state == chain::bank_state::running);  // a and b settled off-chain
  CAF_CHECK(report(0, 0).htlcs.empty());
  // After the freeze b withdraws its bond and the refunded HTLC; the bank closes.
  net->run_until((lock + 3'600) * 1000 + 1000);
  CAF_CHECK(bank(1).state == chain::bank_state::closed);
  CAF_CHECK_EQUAL(account(nodes[1]), 100'000u);  // b's whole side of channel 1 came back
  CAF_CHECK_EQUAL(wealth(nodes[0]), a0 + 10'020u);  // a's HTLC was failed back: nothing lost
  CAF_CHECK(net->audit().ok());
}

// A forwarder goes offline after forwarding: the payee claims on the bank with the preimage before
// its lock; the payer's HTLC to the silent forwarder is refunded on the bank after its lock. The
// online parties lose nothing; the crashed forwarder bears the loss.
CAF_TEST(forwarder_going_offline) {
  line(3);
  auto inv = net->create_invoice(nodes[2], 10'000, /*hold=*/true);
  CAF_REQUIRE(inv.has_value());
  auto pid = net->submit_payment(nodes[0], *inv, net->now_ms());
  CAF_REQUIRE(pid.has_value());
  net->run_until_idle(UINT64_MAX);
  const std::uint64_t a_total = wealth(nodes[0]) + 10'020u;  // a's funds incl. its HTLC
  const std::uint64_t c_total = wealth(nodes[2]);
  net->set_offline(nodes[1]);
  CAF_REQUIRE(net->release_hold(*inv).has_value());
  net->run_until_idle(UINT64_MAX);
  CAF_CHECK(result(*pid).status == payment_status::pending);  // b never passes the preimage on
  const std::uint64_t lock_a = report(0, 0).htlcs.at(0).terms.time_lock_s;
  net->run_until((lock_a + 2 * 3'600) * 1000);
  CAF_CHECK(bank(1).state == chain::bank_state::closed);  // c cashed and claimed
  CAF_CHECK(bank(0).state == chain::bank_state::closed);  // a cashed and was refunded
  const auto r = result(*pid);
  CAF_CHECK(r.status == payment_status::failed);
  CAF_CHECK(r.reason == failure_reason::timeout);
  CAF_CHECK_EQUAL(account(nodes[0]), a_total);
  CAF_CHECK_EQUAL(account(nodes[2]), c_total + 10'000u);
  CAF_CHECK(net->audit().ok());
}

// Opened ends rest without an actor until something is sent to them; reading them (inspect, wealth,
// audit) does not wake them; a node has no actor until it is paid.
CAF_TEST(opened_ends_rest_until_first_use) {
  line(4);  // channels 0: a-b, 1: b-c, 2: c-d
  const network_context& ctx = net->context();
  auto resting = [&](std::uint32_t c, std::size_t e) { return !ctx.channel(c).ends[e] && ctx.channel(c).resting[e]; };
  auto awake = [&](std::uint32_t c, std::size_t e) { return ctx.channel(c).ends[e] && !ctx.channel(c).resting[e]; };
  CAF_CHECK(report(0, 1).open);
  CAF_CHECK_EQUAL(wealth(nodes[1]), 200'000u);
  CAF_CHECK(net->audit().ok());
  for (std::uint32_t c = 0; c < 3; ++c) {
    for (std::size_t e = 0; e < 2; ++e) CAF_CHECK(resting(c, e));
  }
  for (const node_id n : nodes) CAF_CHECK(!ctx.nodes[n]->actor);
  // a pays c: the ends on the route wake, channel 2's stay at rest; only the payee's node wakes.
  auto inv = net->create_invoice(nodes[2], 10'000);
  CAF_REQUIRE(inv.has_value());
  auto pid = net->submit_payment(nodes[0], *inv, net->now_ms());
  CAF_REQUIRE(pid.has_value());
  net->run_until_idle(UINT64_MAX);
  CAF_CHECK(result(*pid).status == payment_status::succeeded);
  for (std::uint32_t c = 0; c < 2; ++c) {
    for (std::size_t e = 0; e < 2; ++e) CAF_CHECK(awake(c, e));
  }
  for (std::size_t e = 0; e < 2; ++e) CAF_CHECK(resting(2, e));
  CAF_CHECK(ctx.nodes[nodes[2]]->actor);
  for (const node_id n : {nodes[0], nodes[1], nodes[3]}) CAF_CHECK(!ctx.nodes[n]->actor);
  CAF_CHECK_EQUAL(wealth(nodes[2]), 200'000u + 10'000u);
  CAF_CHECK(net->audit().ok());
  CAF_CHECK_EQUAL(net->metrics().protocol_errors, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// With engine_config::rest_idle_ends, an end quits its actor whenever it is between rounds, also
// while it routes HTLCs: a held payment leaves every end on its route resting with its HTLC, read
// without waking it; the release wakes them, settles, and they rest again with nothing left.
CAF_TEST(idle_ends_rest_with_htlcs_pending) {
  engine_config config = test_config();
  config.rest_idle_ends = true;
  fixture f(config);
  f.line(4);  // channels 0: a-b, 1: b-c, 2: c-d
  const network_context& ctx = f.net->context();
  auto resting = [&](std::uint32_t c, std::size_t e) { return !ctx.channel(c).ends[e] && ctx.channel(c).resting[e]; };
  auto inv = f.net->create_invoice(f.nodes[3], 10'000, /*hold=*/true);
  CAF_REQUIRE(inv.has_value());
  auto pid = f.net->submit_payment(f.nodes[0], *inv, f.net->now_ms());
  CAF_REQUIRE(pid.has_value());
  f.net->run_until_idle(UINT64_MAX);
  CAF_CHECK(f.result(*pid).status == payment_status::pending);
  for (std::uint32_t c = 0; c < 3; ++c) {
    for (std::size_t e = 0; e < 2; ++e) {
      CAF_CHECK(resting(c, e));
      CAF_CHECK(ctx.channel(c).resting[e] && ctx.channel(c).resting[e]->htlcs != nullptr);
    }
  }
  const auto reports = f.net->inspect_all();
  for (std::uint32_t c = 0; c < 3; ++c) {
    for (std::size_t e = 0; e < 2; ++e) {
      CAF_REQUIRE(reports[c][e].has_value());
      CAF_CHECK_EQUAL(reports[c][e]->htlcs.size(), 1u);
      CAF_CHECK(resting(c, e));  // read, not woken
    }
  }
  CAF_CHECK(f.net->release_hold(*inv).has_value());
  f.net->run_until_idle(UINT64_MAX);
  CAF_CHECK(f.result(*pid).status == payment_status::succeeded);
  for (std::uint32_t c = 0; c < 3; ++c) {
    for (std::size_t e = 0; e < 2; ++e) {
      CAF_CHECK(resting(c, e));
      CAF_CHECK(ctx.channel(c).resting[e] && ctx.channel(c).resting[e]->htlcs == nullptr);
    }
  }
  CAF_CHECK_EQUAL(f.wealth(f.nodes[3]), 100'000u + 10'000u);
  CAF_CHECK(f.net->audit().ok());
  CAF_CHECK_EQUAL(f.net->metrics().protocol_errors, 0u);
}

namespace {
// A network on CAF's threaded scheduler (as the engine runs it).
struct threaded_network {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  network net{sys, test_config(), [this] { net.context().work.wait_at_most(0); }};
};
}  // namespace

// Threads racing to wake the same resting end get one and the same actor, which holds the channel.
CAF_TEST(racing_wakes_spawn_one_actor) {
  threaded_network t;
  const node_id a = t.net.add_node();
  const node_id b = t.net.add_node();
  CAF_REQUIRE(t.net.add_channel(spec(a, b, 100'000, 100'000)).has_value());
  t.net.start_pending();
  CAF_REQUIRE(t.net.context().channel(0).resting[0] != nullptr);
  constexpr int racers = 8;
  std::vector<channel_actor> woken(racers);
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < racers; ++i) {
    threads.emplace_back([&t, &woken, &ready, i] {
      ready.fetch_add(1);
      while (ready.load() < racers) std::this_thread::yield();
      woken[static_cast<std::size_t>(i)] = t.net.end_actor(0, protocol::party::zero);
    });
  }
  for (auto& th : threads) th.join();
  CAF_REQUIRE(woken[0] != nullptr);
  for (const auto& h : woken) CAF_CHECK(h == woken[0]);
  CAF_CHECK(t.net.context().channel(0).resting[0] == nullptr);
  const auto reports = t.net.inspect_all();
  CAF_REQUIRE(reports[0][0].has_value());
  CAF_CHECK(reports[0][0]->open);
  CAF_CHECK(t.net.audit().ok());
  t.net.shutdown();
}
