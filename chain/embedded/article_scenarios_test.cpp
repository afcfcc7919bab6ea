// The article's worked examples, played on the embedded bank: open [100, 100]; pay 10 ->
// [90, 110] cashed with a freeze; an HTLC A -> B claimed before its time lock, and refunded after
// it; a revoked #2 cashed and punished by the watcher; a cooperative close; and the Alice–Bob–Carol
// path settled on two banks, Bob learning R from Carol's claim.
#include <gtest/gtest.h>

#include "chain/embedded/ledger.hpp"
#include "chain/embedded/test_support.hpp"
#include "chain/watcher.hpp"

namespace clearway::chain::embedded {
namespace {

using namespace clearway::chain::testing;
using protocol::party;

constexpr party alice = party::zero;
constexpr party bob = party::one;
constexpr std::uint64_t day_s = 86'400;
constexpr std::uint64_t hour_s = 3'600;

std::vector<std::string_view> names_since(const ledger& l, event_cursor from) {
  std::vector<std::string_view> out;
  const event_batch batch = l.events_since(from).value();
  for (const auto& e : batch.events) out.push_back(name_of(e.body));
  return out;
}

class ArticleScenario : public ::testing::Test {
 protected:
  ledger l{ledger_options{1'000'000, {}}};
  channel_keys ck{10};
  bank_id id{};
  address bank;

  void SetUp() override {
    const event_cursor from = l.end_cursor();
    id = open_bank(l, ck, {100, 100}, /*min_freeze_time_s=*/day_s, /*funding_timeout_s=*/day_s);
    bank = l.find(id)->bank_address;
    EXPECT_EQ(l.find(id)->state, bank_state::running);
    EXPECT_EQ(names_since(l, from),
              (std::vector<std::string_view>{"VirtualBankCreated", "Deposit", "Deposit", "VirtualBankRunning"}));
  }
  amount balance(party p) const { return l.balance_of(ck.addr(p)); }
};

TEST_F(ArticleScenario, RsmcPayTenThenCashWithFreeze) {
  // #1: Alice paid Bob 10. Bob cashes his copy, signed by Alice.
  const commitment_terms n1{1, {units(90), units(110)}, {}, day_s};
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.cash(ck.addr(bob), id, copy_of(ck, bank, bob, n1)).has_value());
  EXPECT_EQ(balance(alice), units(90));  // the defender is paid at once
  EXPECT_EQ(balance(bob), units(0));     // Bob's 110 is the frozen bond
  ASSERT_TRUE(l.advance_by(day_s - 1).has_value());
  EXPECT_EQ(l.withdraw(ck.addr(bob), id).error(), error::freeze_not_over);
  ASSERT_TRUE(l.advance_by(1).has_value());
  ASSERT_TRUE(l.withdraw(ck.addr(bob), id).has_value());
  EXPECT_EQ(balance(bob), units(110));
  EXPECT_EQ(l.find(id)->state, bank_state::closed);
  EXPECT_EQ(names_since(l, from), (std::vector<std::string_view>{"CommitmentRSMC", "FreezeFidelityBond", "Payout",
                                                                 "Withdraw", "Payout", "VirtualBankClosed"}));
  EXPECT_TRUE(l.audit());
}

TEST_F(ArticleScenario, HtlcClaimedWithThePreimageBeforeItsTimeLock) {
  // #2: [80, 110] + HTLC Alice -> Bob of 10, lock in 2 h. Bob knows R. Alice goes on chain.
  const std::uint64_t lock = l.now_s() + 2 * hour_s;
  const commitment_terms n2{2, {units(80), units(110)}, {htlc(alice, 10, 42, lock)}, day_s};
  ASSERT_TRUE(l.cash(ck.addr(alice), id, copy_of(ck, bank, alice, n2)).has_value());
  EXPECT_EQ(balance(bob), units(110));

  // Bob's watcher (defender) claims with R at once.
  watch_record bob_record = record_for(ck, bank, bob, 1);
  bob_record.preimages[hash_lock_of(42)] = preimage_of(42);
  ASSERT_TRUE(l.advance_by(hour_s).has_value());
  auto made = run_watcher(l, id, bob_record);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<claim_htlc_args>(made[0]));
  EXPECT_EQ(balance(bob), units(120));

  // Alice's watcher withdraws her bond after the freeze.
  watch_record alice_record = record_for(ck, bank, alice, 1);
  alice_record.latest_own = signed_commitment{copy_of(ck, bank, alice, n2).commitment, {}};
  EXPECT_TRUE(run_watcher(l, id, alice_record).empty());
  ASSERT_TRUE(l.advance_by(day_s).has_value());
  EXPECT_EQ(run_watcher(l, id, alice_record).size(), 1u);
  EXPECT_EQ(balance(alice), units(80));
  EXPECT_EQ(l.find(id)->state, bank_state::closed);
  EXPECT_TRUE(l.audit());
}

TEST_F(ArticleScenario, HtlcRefundedAfterItsTimeLock) {
  // Same #2, Bob cashes it but never learns R: after the lock the 10 go back to Alice.
  const std::uint64_t lock = l.now_s() + 2 * hour_s;
  const commitment_terms n2{2, {units(80), units(110)}, {htlc(alice, 10, 42, lock)}, day_s};
  ASSERT_TRUE(l.cash(ck.addr(bob), id, copy_of(ck, bank, bob, n2)).has_value());
  EXPECT_EQ(balance(alice), units(80));
  ASSERT_TRUE(l.advance_to(lock).has_value());
  EXPECT_EQ(l.claim_htlc(ck.addr(bob), id, claim_htlc_args{0, preimage_of(42)}).error(), error::time_lock_expired);
  ASSERT_TRUE(l.advance_by(day_s).has_value());
  // Alice (defender) needs her refund: her watcher calls withdraw, which also pays Bob's bond.
  watch_record alice_record = record_for(ck, bank, alice, 1);
  const event_cursor from = l.end_cursor();
  EXPECT_EQ(run_watcher(l, id, alice_record).size(), 1u);
  EXPECT_EQ(names_since(l, from),
            (std::vector<std::string_view>{"Withdraw", "TimeLockExpire", "Payout", "Payout", "VirtualBankClosed"}));
  EXPECT_EQ(balance(alice), units(90));
  EXPECT_EQ(balance(bob), units(110));
  EXPECT_TRUE(l.audit());
}

TEST_F(ArticleScenario, RevokedCommitmentTwoIsPunishedByTheWatcher) {
  // #1 [90, 110], #2 [80, 120], #3 [100, 100]: Bob paid 20 back. Bob revealed his secrets of #0..#2.
  const commitment_terms n2{2, {units(80), units(120)}, {}, day_s};
  watch_record alice_record = record_for(ck, bank, alice, /*revoked_upto=*/2);
  const commitment_terms n3{3, {units(100), units(100)}, {}, day_s};
  const cash_args alice_copy = copy_of(ck, bank, alice, n3);
  alice_record.latest_own = signed_commitment{alice_copy.commitment, alice_copy.defender_sig};
  EXPECT_EQ(highest_revoked_sequence(alice_record.peer_secrets), 2u);

  // Bob cheats with his revoked copy of #2.
  ASSERT_TRUE(l.cash(ck.addr(bob), id, copy_of(ck, bank, bob, n2)).has_value());
  EXPECT_EQ(balance(alice), units(80));
  ASSERT_TRUE(l.advance_by(day_s / 2).has_value());
  const event_cursor from = l.end_cursor();
  auto made = run_watcher(l, id, alice_record);
  ASSERT_EQ(made.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<punish_args>(made[0]));
  EXPECT_EQ(names_since(l, from), (std::vector<std::string_view>{"RevocationLockOpen", "Payout", "VirtualBankClosed"}));
  EXPECT_EQ(balance(alice), units(200));  // the defender gets everything
  EXPECT_EQ(balance(bob), units(0));
  EXPECT_TRUE(l.audit());
}

TEST_F(ArticleScenario, CooperativeClose) {
  ASSERT_TRUE(l.close(ck.addr(alice), id, signed_close(ck, bank, units(90), units(110))).has_value());
  EXPECT_EQ(balance(alice), units(90));
  EXPECT_EQ(balance(bob), units(110));
  EXPECT_EQ(l.find(id)->state, bank_state::closed);
  EXPECT_TRUE(l.audit());
}

// Alice -> Bob -> Carol, 10 with time locks 2 h (A-B) and 1 h (B-C) (article §3.3.4). Bob and Carol
// went silent towards each other; Carol settles on chain, Bob learns R from the event and settles
// his incoming HTLC with Alice on chain in time.
TEST(ArticleMultiHop, BobLearnsThePreimageFromCarolsClaim) {
  ledger l{ledger_options{1'000'000, {}}};
  channel_keys ab{20};
  channel_keys bc{21};  // party 0 = Bob, party 1 = Carol
  const bank_id ab_id = open_bank(l, ab, {100, 100}, day_s / 4, day_s);
  const bank_id bc_id = open_bank(l, bc, {100, 100}, day_s / 4, day_s);
  const address ab_bank = l.find(ab_id)->bank_address;
  const address bc_bank = l.find(bc_id)->bank_address;
  const std::uint64_t now = l.now_s();
  const commitment_terms ab1{1, {units(90), units(100)}, {htlc(party::zero, 10, 77, now + 2 * hour_s)}, day_s / 4};
  const commitment_terms bc1{1, {units(90), units(100)}, {htlc(party::zero, 10, 77, now + hour_s)}, day_s / 4};

  // Carol's own copy of B-C #1; she knows R and goes on chain (claim margin 30 min).
  watch_record carol = record_for(bc, bc_bank, party::one, 0);
  const cash_args carol_copy = copy_of(bc, bc_bank, party::one, bc1);
  carol.latest_own = signed_commitment{carol_copy.commitment, carol_copy.defender_sig};
  carol.preimages[hash_lock_of(77)] = preimage_of(77);
  const watch_policy policy{hour_s / 2, 0};
  EXPECT_TRUE(run_watcher(l, bc_id, carol, policy).empty());  // 1 h left: not yet
  ASSERT_TRUE(l.advance_by(hour_s / 2).has_value());
  const event_cursor from = l.end_cursor();
  EXPECT_EQ(run_watcher(l, bc_id, carol, policy).size(), 2u);  // cash, then claim
  EXPECT_EQ(l.balance_of(bc.addr(party::zero)), units(90));    // Bob (defender) got his base

  // Bob reads R from the B-C bank's events and claims from Alice's side (he is receiver there).
  watch_record bob = record_for(ab, ab_bank, party::one, 0);
  const cash_args bob_copy = copy_of(ab, ab_bank, party::one, ab1);
  bob.latest_own = signed_commitment{bob_copy.commitment, bob_copy.defender_sig};
  auto learnt = revealed_preimages(l.events_since(from).value().events, bc_id);
  ASSERT_EQ(learnt.count(hash_lock_of(77)), 1u);
  EXPECT_TRUE(revealed_preimages(l.events_since(from).value().events, ab_id).empty());
  bob.preimages.merge(learnt);
  auto made = run_watcher(l, ab_id, bob, policy);  // 1.5 h before the A-B lock: within margin? no
  EXPECT_TRUE(made.empty());
  ASSERT_TRUE(l.advance_by(hour_s).has_value());  // 30 min before the A-B lock
  made = run_watcher(l, ab_id, bob, policy);
  ASSERT_EQ(made.size(), 2u);
  EXPECT_EQ(l.balance_of(ab.addr(party::zero)), units(90));
  // After the freezes both withdraw: Bob paid 10 to Carol and got 10 from Alice.
  ASSERT_TRUE(l.advance_by(day_s).has_value());
  EXPECT_EQ(run_watcher(l, ab_id, bob, policy).size(), 1u);
  EXPECT_EQ(run_watcher(l, bc_id, carol, policy).size(), 1u);
  EXPECT_EQ(l.balance_of(ab.addr(party::one)), units(110));
  EXPECT_EQ(l.balance_of(bc.addr(party::zero)), units(90));
  EXPECT_EQ(l.balance_of(bc.addr(party::one)), units(110));
  EXPECT_EQ(l.find(ab_id)->state, bank_state::closed);
  EXPECT_EQ(l.find(bc_id)->state, bank_state::closed);
  EXPECT_TRUE(l.audit());
}

}  // namespace
}  // namespace clearway::chain::embedded
