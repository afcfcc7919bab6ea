// The article's worked examples (seed/payment-channel-article.zh.md §3.2, §3.3.2, §4.3) driven by
// hand through the channel state machine, every balance checked along the way.
#include <gtest/gtest.h>

#include "crypto/signature.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::protocol {
namespace {

using namespace test;  // NOLINT

constexpr std::uint64_t now_s = 1'700'000'000;
constexpr std::uint64_t hour_s = 3'600;

using balances_t = std::array<amount, 2>;
balances_t bal(std::uint64_t a, std::uint64_t b) { return {sats(a), sats(b)}; }

// Both ends hold the same content at the same sequence; it conserves the deposits and carries the
// peer's valid signature.
void expect_agreed(const channel& x, const channel& y, std::uint32_t sequence, balances_t base,
                   std::size_t htlc_count) {
  const signed_commitment cx = x.latest_signed_own_commitment();
  const signed_commitment cy = y.latest_signed_own_commitment();
  EXPECT_EQ(cx.content.sequence, sequence);
  EXPECT_EQ(cy.content.sequence, sequence);
  EXPECT_EQ(cx.content.base, base);
  EXPECT_EQ(cy.content.base, base);
  EXPECT_EQ(cx.content.htlcs.size(), htlc_count);
  EXPECT_EQ(cx.content.htlcs, cy.content.htlcs);
  EXPECT_EQ(*commitment_total(cx.content), total_deposits(x.config()));
  EXPECT_TRUE(crypto::verify_eip191(cx.peer_sig, commitment_hash(cx.content), y.config().addresses[index_of(y.self())]));
  EXPECT_TRUE(crypto::verify_eip191(cy.peer_sig, commitment_hash(cy.content), x.config().addresses[index_of(x.self())]));
  EXPECT_EQ(x.round(), round_state::idle);
  EXPECT_EQ(y.round(), round_state::idle);
}

// §3.2.2: [100, 100], Alice pays Bob 10 -> [90, 110]; the old pair's secrets are exchanged.
TEST(ArticleExamples, RsmcPayTen) {
  const party_keys a_keys = alice();
  const party_keys b_keys = bob();
  const channel_config config = make_config(100, 100, a_keys, b_keys);
  auto [a, b] = open_pair(config, a_keys, b_keys);
  expect_agreed(a, b, 0, bal(100, 100), 0);

  const pay p = must(a.propose_pay(sats(10)));
  EXPECT_EQ(a.own_available(), sats(90));
  must(b.receive_pay(p));
  EXPECT_EQ(b.peer_available(), sats(90));
  EXPECT_EQ(b.own_available(), sats(100));  // not Bob's before it is committed

  const commit c = must(a.initiate_commit());
  const auto r1 = must(b.receive_commit(c));
  EXPECT_EQ(b.latest_signed_own_commitment().content.base, bal(90, 110));
  EXPECT_EQ(a.latest_signed_own_commitment().content.base, bal(100, 100));  // Alice still holds #0 only
  const auto r2 = must(a.receive_commit(*r1.countersign));
  must(a.receive_revoke(*r1.revocation));
  must(b.receive_revoke(*r2.revocation));

  expect_agreed(a, b, 1, bal(90, 110), 0);
  EXPECT_EQ(a.own_available(), sats(90));
  EXPECT_EQ(b.own_available(), sats(110));
  EXPECT_EQ(a.highest_peer_revoked(), 0u);
  EXPECT_EQ(b.highest_peer_revoked(), 0u);
  // The RSMC form: no HTLC, so the article's hash without htlcs_hash.
  EXPECT_TRUE(a.latest_signed_own_commitment().content.htlcs.empty());
  auto events = b.drain_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<pay_settled>(events[0]), (pay_settled{party::zero, 1, sats(10)}));
}

// §4.3: Alice pays Carol 10 through Bob. A-B is at [60, 140], B-C at [120, 80]. Time locks 2 h on
// A-B and 1 h on B-C; Carol's R travels back; each HTLC becomes a plain balance.
TEST(ArticleExamples, AliceBobCarolHtlcPath) {
  const party_keys a_keys = alice();
  const party_keys b_keys = bob();
  const party_keys c_keys = carol();
  const channel_config ab_config = make_config(100, 100, a_keys, b_keys, 0xab);
  const channel_config bc_config = make_config(100, 100, b_keys, c_keys, 0xbc);
  auto [ab_alice, ab_bob] = open_pair(ab_config, a_keys, b_keys);
  auto [bc_bob, bc_carol] = open_pair(bc_config, b_keys, c_keys);

  // Reach the article's starting balances: #N = [60, 140] and #M = [120, 80].
  pay_over(ab_alice, ab_bob, 40);
  run_round(ab_alice, ab_bob);
  pay_over(bc_carol, bc_bob, 20);
  run_round(bc_carol, bc_bob);
  const std::uint32_t n = ab_alice.sequence();
  const std::uint32_t m = bc_bob.sequence();
  expect_agreed(ab_alice, ab_bob, n, bal(60, 140), 0);
  expect_agreed(bc_bob, bc_carol, m, bal(120, 80), 0);
  (void)ab_alice.drain_events();
  (void)ab_bob.drain_events();
  (void)bc_bob.drain_events();
  (void)bc_carol.drain_events();

  // Preparation: Carol picks R and gives H = sha256(R) to Alice.
  const bytes32 r = preimage(0xca01);
  const bytes32 h = lock_of(r);

  // Forward: Alice -> Bob, 2 hours, commitment #N+1.
  add_over(ab_alice, ab_bob, 10, h, now_s + 2 * hour_s, now_s);
  run_round(ab_alice, ab_bob);
  expect_agreed(ab_alice, ab_bob, n + 1, bal(50, 140), 1);
  const auto ab_htlcs = ab_bob.latest_signed_own_commitment().content.htlcs;
  EXPECT_EQ(ab_htlcs[0], (htlc_terms{party::zero, sats(10), h, now_s + 2 * hour_s}));

  // Bob may forward only once the incoming HTLC is irrevocably committed.
  auto bob_events = ab_bob.drain_events();
  ASSERT_EQ(bob_events.size(), 1u);
  const auto incoming = std::get<htlc_locked_in>(bob_events[0]);
  EXPECT_EQ(incoming.terms.offerer, ab_bob.peer());
  EXPECT_EQ(ab_bob.find_htlc(party::zero, incoming.id)->state, htlc_state::irrevocable);

  // Forward: Bob -> Carol, 1 hour (one hour earlier than the incoming lock), commitment #M+1.
  const std::uint64_t outgoing_lock = incoming.terms.time_lock_s - hour_s;
  add_over(bc_bob, bc_carol, 10, incoming.terms.hash_lock, outgoing_lock, now_s);
  run_round(bc_bob, bc_carol);
  expect_agreed(bc_bob, bc_carol, m + 1, bal(110, 80), 1);
  EXPECT_EQ(bc_carol.latest_signed_own_commitment().content.htlcs[0],
            (htlc_terms{party::zero, sats(10), h, now_s + hour_s}));

  // Backward: Carol reveals R to Bob; B-C replaces the HTLC by balances (#M+2 = [110, 90]).
  auto carol_events = bc_carol.drain_events();
  ASSERT_EQ(carol_events.size(), 1u);
  const auto to_carol = std::get<htlc_locked_in>(carol_events[0]);
  must(bc_bob.receive_fulfill(must(bc_carol.propose_fulfill(to_carol.id, r))));
  EXPECT_EQ(bc_bob.known_preimage(h), r);  // Bob knows R as soon as Carol's fulfill arrives
  run_round(bc_carol, bc_bob);
  expect_agreed(bc_bob, bc_carol, m + 2, bal(110, 90), 0);
  auto bc_events = bc_bob.drain_events();
  ASSERT_EQ(bc_events.size(), 2u);  // his outgoing HTLC locked in, then fulfilled: Bob learns R
  EXPECT_EQ(std::get<htlc_locked_in>(bc_events[0]).terms.offerer, party::zero);
  EXPECT_EQ(std::get<htlc_fulfilled>(bc_events[1]).preimage, r);

  // Backward: Bob reveals R to Alice; A-B becomes #N+2 = [50, 150].
  must(ab_alice.receive_fulfill(must(ab_bob.propose_fulfill(incoming.id, r))));
  run_round(ab_bob, ab_alice);
  expect_agreed(ab_alice, ab_bob, n + 2, bal(50, 150), 0);
  auto alice_events = ab_alice.drain_events();
  ASSERT_EQ(alice_events.size(), 2u);  // her HTLC locked in, then fulfilled with R (proof of payment)
  EXPECT_EQ(std::get<htlc_fulfilled>(alice_events[1]).preimage, r);

  // Alice paid 10, Carol received 10, Bob (the forwarder) is where he started: 140 + 120.
  const amount bob_total = *ab_bob.balances()[1].checked_add(bc_bob.balances()[0]);
  EXPECT_EQ(bob_total, sats(260));
  EXPECT_EQ(ab_alice.balances()[0], sats(50));
  EXPECT_EQ(bc_carol.balances()[1], sats(90));
}

// The article's own HTLC flow has one HTLC per commitment; that is the one-element case here.
TEST(ArticleExamples, OneHtlcPerCommitmentStillWorks) {
  const party_keys a_keys = alice();
  const party_keys b_keys = bob();
  const channel_config config = make_config(90, 110, a_keys, b_keys);
  auto [a, b] = open_pair(config, a_keys, b_keys);
  std::uint64_t alice = 90;
  for (std::uint64_t i = 0; i < 6; ++i) {
    // §3.3.1: [90, 110] + an HTLC of 10 from Alice to Bob; paid on R (-> [80, 120]) or, on odd
    // rounds, failed back (-> [90, 110]).
    const add_htlc add = add_over(a, b, 10, lock_of(preimage(i)), now_s + hour_s, now_s);
    run_round(a, b);
    expect_agreed(a, b, a.sequence(), bal(alice - 10, 200 - alice), 1);
    const commitment c = a.latest_signed_own_commitment().content;
    EXPECT_EQ(commitment_hash(c), mirror_hash(config.bank, config.freeze_time_s, a.latest_content(), c.revocation_lock));
    if (i % 2 == 0) {
      must(a.receive_fulfill(must(b.propose_fulfill(add.id, preimage(i)))));
      alice -= 10;
    } else {
      must(a.receive_fail(must(b.propose_fail(add.id, fail_reason::expired))));
    }
    run_round(b, a);
    expect_agreed(a, b, a.sequence(), bal(alice, 200 - alice), 0);
  }
  EXPECT_EQ(alice, 60u);
  EXPECT_EQ(a.sequence(), 12u);
}

// A router needs hundreds at once: 483 HTLCs in one direction, added and settled in one round each.
TEST(ArticleExamples, FourHundredEightyThreeHtlcsInOneRound) {
  const party_keys a_keys = alice();
  const party_keys b_keys = bob();
  const channel_config config = make_config(1'000'000, 1'000'000, a_keys, b_keys);
  auto [a, b] = open_pair(config, a_keys, b_keys);
  std::vector<add_htlc> adds;
  for (std::uint64_t i = 0; i < 483; ++i) {
    adds.push_back(add_over(a, b, 100 + i, lock_of(preimage(i)), now_s + hour_s + i, now_s));
  }
  const std::uint64_t offered = 483 * 100 + 483 * 482 / 2;
  run_round(a, b);
  expect_agreed(a, b, 1, bal(1'000'000 - offered, 1'000'000), 483);
  EXPECT_EQ(b.drain_events().size(), 483u);
  for (std::uint64_t i = 0; i < 483; ++i) {
    must(a.receive_fulfill(must(b.propose_fulfill(adds[i].id, preimage(i)))));
  }
  run_round(b, a);
  expect_agreed(a, b, 2, bal(1'000'000 - offered, 1'000'000 + offered), 0);
  EXPECT_TRUE(a.htlcs().empty());
  EXPECT_EQ(a.drain_events().size(), 483u * 2);
}

}  // namespace
}  // namespace clearway::protocol
