#include "node/store/restart_reconciliation.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "protocol/channel_test_support.hpp"

namespace clearway::node {
namespace {

namespace fs = std::filesystem;
using namespace protocol::test;  // NOLINT

channel_id id_of(std::uint8_t n) {
  channel_id id;
  id.bytes.fill(n);
  return id;
}

circuit make_circuit(std::uint8_t in, protocol::htlc_id in_htlc, circuit_state st, std::optional<protocol::htlc_id> out_htlc) {
  circuit c;
  c.incoming_channel = id_of(in);
  c.incoming_htlc = in_htlc;
  c.state = st;
  c.hash_lock = lock_of(preimage(in_htlc));
  c.amount_in = sats(10);
  c.amount_out = sats(9);
  c.updated_s = in_htlc;
  if (out_htlc) {
    c.outgoing_channel = id_of(2);
    c.outgoing_htlc = out_htlc;
  }
  return c;
}

// Bob forwards from Alice (incoming channel 1, Bob is party 1) to Carol (outgoing channel 2, Bob
// is party 0). Each circuit stands for one place a crash can cut a forward.
TEST(RestartReconciliation, ClassifiesEveryHalfForward) {
  const fs::path dir = fs::temp_directory_path() / ("clearway_reconcile_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  constexpr std::uint64_t now = 1'000'000;
  const std::uint64_t lock = now + 7200;

  channel_pair in = open_pair(make_config(1000, 1000, alice(), bob()), alice(), bob());
  channel_pair out = open_pair(make_config(1000, 1000, bob(), carol()), bob(), carol());
  for (std::uint64_t i = 1; i <= 4; ++i) add_over(in.a, in.b, 10, lock_of(preimage(i)), lock, now);
  run_round(in.a, in.b);
  add_over(out.a, out.b, 9, lock_of(preimage(2)), lock, now);  // out 1 for in 2
  add_over(out.a, out.b, 9, lock_of(preimage(3)), lock, now);  // out 2 for in 3
  run_round(out.a, out.b);
  // Carol claims out 2: Bob has her fulfill but no round ran yet.
  must(out.a.receive_fulfill(must(out.b.propose_fulfill(2, preimage(3)), "fulfill")), "receive fulfill");

  {
    auto db = store::open((dir / "bob.db").string());
    ASSERT_TRUE(db.has_value());
    ASSERT_TRUE(db->begin_batch().has_value());
    ASSERT_TRUE(db->queue_channel(id_of(1), in.b).has_value());
    ASSERT_TRUE(db->queue_channel(id_of(2), out.a).has_value());
    ASSERT_TRUE(db->queue_channel(id_of(3), out.b).has_value());  // Carol's end: no key here
    ASSERT_TRUE(db->queue_circuit(make_circuit(1, 1, circuit_state::incoming_locked, std::nullopt)).has_value());
    ASSERT_TRUE(db->queue_circuit(make_circuit(1, 2, circuit_state::forwarded, 1)).has_value());
    ASSERT_TRUE(db->queue_circuit(make_circuit(1, 3, circuit_state::forwarded, 2)).has_value());
    ASSERT_TRUE(db->queue_circuit(make_circuit(1, 4, circuit_state::forwarded, 99)).has_value());
    ASSERT_TRUE(db->queue_circuit(make_circuit(1, 7, circuit_state::incoming_locked, std::nullopt)).has_value());
    ASSERT_TRUE(db->queue_circuit(make_circuit(3, 1, circuit_state::incoming_locked, std::nullopt)).has_value());
    circuit done = make_circuit(1, 8, circuit_state::settled, 5);
    ASSERT_TRUE(db->queue_circuit(done).has_value());
    ASSERT_TRUE(db->commit_batch().has_value());
  }

  auto db = store::open((dir / "bob.db").string());
  ASSERT_TRUE(db.has_value());
  const crypto::key_pair bob_key = bob().keys;
  auto r = reconcile_after_restart(*db, [&](const crypto::address& a) -> std::optional<crypto::key_pair> {
    if (a == bob_key.addr) return bob_key;
    return std::nullopt;
  });
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->channels.size(), 2u);
  EXPECT_TRUE(r->channels[0].state == in.b);
  EXPECT_TRUE(r->channels[1].state == out.a);
  ASSERT_EQ(r->unloadable.size(), 1u);
  EXPECT_EQ(r->unloadable[0].id, id_of(3));
  EXPECT_FALSE(r->unloadable[0].state_error.has_value());

  ASSERT_EQ(r->half_forwarded.size(), 6u);  // the settled one is not listed
  auto action_of = [&](std::uint8_t ch, protocol::htlc_id id) {
    for (const half_forward& h : r->half_forwarded) {
      if (h.circ.incoming_channel == id_of(ch) && h.circ.incoming_htlc == id) return h;
    }
    ADD_FAILURE() << "no circuit " << int(ch) << "/" << id;
    return half_forward{};
  };
  EXPECT_EQ(action_of(1, 1).action, forward_action::forward_or_fail_back);
  EXPECT_EQ(action_of(1, 2).action, forward_action::wait_outgoing);
  EXPECT_EQ(action_of(1, 3).action, forward_action::settle_back);
  EXPECT_EQ(action_of(1, 3).preimage, preimage(3));
  EXPECT_EQ(action_of(1, 4).action, forward_action::fail_back);
  EXPECT_EQ(action_of(1, 7).action, forward_action::already_resolved);
  EXPECT_EQ(action_of(3, 1).action, forward_action::channel_missing);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace clearway::node

namespace clearway::node {
namespace {

// The outgoing HTLC was fulfilled and irrevocably removed: its outcome survives only in the
// channel's undrained events; once drained without updating the circuit, it is unknown.
TEST(RestartReconciliation, UsesUndrainedEventsAndFlagsLostOutcomes) {
  const fs::path dir = fs::temp_directory_path() / ("clearway_reconcile_events_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  constexpr std::uint64_t now = 1'000'000;
  channel_pair in = open_pair(make_config(1000, 1000, alice(), bob()), alice(), bob());
  channel_pair out = open_pair(make_config(1000, 1000, bob(), carol()), bob(), carol());
  add_over(in.a, in.b, 10, lock_of(preimage(1)), now + 7200, now);
  run_round(in.a, in.b);
  add_over(out.a, out.b, 9, lock_of(preimage(1)), now + 3600, now);
  run_round(out.a, out.b);
  (void)out.a.drain_events();
  must(out.a.receive_fulfill(must(out.b.propose_fulfill(1, preimage(1)), "fulfill")), "receive fulfill");
  run_round(out.b, out.a);
  ASSERT_FALSE(out.a.find_htlc(protocol::party::zero, 1).has_value());  // irrevocably removed

  const crypto::key_pair bob_key = bob().keys;
  const key_resolver keys = [&](const crypto::address& a) -> std::optional<crypto::key_pair> {
    if (a == bob_key.addr) return bob_key;
    return std::nullopt;
  };
  auto save_and_reconcile = [&](const protocol::channel& outgoing) {
    auto db = store::open((dir / "bob.db").string());
    EXPECT_TRUE(db.has_value());
    EXPECT_TRUE(db->begin_batch().has_value());
    EXPECT_TRUE(db->queue_channel(id_of(1), in.b).has_value());
    EXPECT_TRUE(db->queue_channel(id_of(2), outgoing).has_value());
    EXPECT_TRUE(db->queue_circuit(make_circuit(1, 1, circuit_state::forwarded, 1)).has_value());
    EXPECT_TRUE(db->commit_batch().has_value());
    auto r = reconcile_after_restart(*db, keys);
    EXPECT_TRUE(r.has_value() && r->half_forwarded.size() == 1u);
    return r->half_forwarded.at(0);
  };
  const half_forward with_events = save_and_reconcile(out.a);
  EXPECT_EQ(with_events.action, forward_action::settle_back);
  EXPECT_EQ(with_events.preimage, preimage(1));
  (void)out.a.drain_events();
  EXPECT_EQ(save_and_reconcile(out.a).action, forward_action::outgoing_unknown);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace clearway::node
