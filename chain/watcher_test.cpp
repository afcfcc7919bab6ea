// The watcher's decisions, case by case, on real bank states from the embedded ledger.
#include "chain/watcher.hpp"

#include <gtest/gtest.h>

#include "chain/embedded/ledger.hpp"
#include "chain/embedded/test_support.hpp"

namespace clearway::chain {
namespace {

using namespace clearway::chain::testing;
using protocol::party;

class WatcherTest : public ::testing::Test {
 protected:
  embedded::ledger l;
  channel_keys ck{3};
  bank_id id{};
  address bank;

  void SetUp() override {
    id = open_bank(l, ck, {100, 100}, /*min_freeze_time_s=*/100, /*funding_timeout_s=*/1000);
    bank = l.find(id)->bank_address;
  }

  // Party 0 watches; it holds party 1's secrets for #0 .. #revoked_upto and its own copy of `latest`.
  watch_record party0(std::optional<std::uint32_t> revoked_upto, const commitment_terms& latest) {
    watch_record r = record_for(ck, bank, party::zero, revoked_upto);
    const cash_args own = copy_of(ck, bank, party::zero, latest);
    r.latest_own = signed_commitment{own.commitment, own.defender_sig};
    return r;
  }

  std::vector<bank_call> decide_now(const watch_record& r, const watch_policy& policy = {}, bool close = false) {
    auto calls = decide(r, l.state(id).value(), watch_input{l.now_s(), close}, policy);
    EXPECT_TRUE(calls.has_value());
    return calls ? *calls : std::vector<bank_call>{};
  }

  void cash_by_peer(const commitment_terms& t) {
    ASSERT_TRUE(l.cash(ck.addr(party::one), id, copy_of(ck, bank, party::one, t)).has_value());
  }
};

const commitment_terms plain{4, {units(100), units(100)}, {}, 200};

TEST_F(WatcherTest, RefusesAnotherBankOrAnotherAddress) {
  watch_record r = party0(3, plain);
  r.bank = key_of(9).addr;
  EXPECT_EQ(decide(r, l.state(id).value(), watch_input{0}).error(), error::bank_mismatch);
  r = party0(3, plain);
  r.self_address = ck.addr(party::one);
  EXPECT_EQ(decide(r, l.state(id).value(), watch_input{0}).error(), error::not_a_client);
}

TEST_F(WatcherTest, CancelsAStuckFundingAfterTheDeadline) {
  const bank_id funding = open_bank(l, ck, {100, 100}, 100, 1000, /*fund=*/false);
  ASSERT_TRUE(l.mint(ck.addr(party::zero), units(100)).has_value());
  watch_record r = record_for(ck, l.find(funding)->bank_address, party::zero, std::nullopt);
  auto at = [&](std::uint64_t now) { return decide(r, l.state(funding).value(), watch_input{now}).value(); };
  EXPECT_TRUE(at(5000).empty());  // nothing deposited yet: nothing to take back
  ASSERT_TRUE(l.deposit(ck.addr(party::zero), funding, units(100)).has_value());
  EXPECT_TRUE(at(999).empty());
  ASSERT_EQ(at(1000).size(), 1u);
  EXPECT_TRUE(std::holds_alternative<cancel_args>(at(1000)[0]));
}

TEST_F(WatcherTest, RunningWithoutDeadlinesDoesNothing) {
  EXPECT_TRUE(decide_now(party0(3, plain)).empty());
  watch_record no_latest = record_for(ck, bank, party::zero, std::nullopt);
  EXPECT_TRUE(decide_now(no_latest, {}, /*close=*/true).empty());  // nothing signed to cash
}

TEST_F(WatcherTest, CloseRequestedCashesOwnLatest) {
  const watch_record r = party0(3, plain);
  auto calls = decide_now(r, {}, /*close=*/true);
  ASSERT_EQ(calls.size(), 1u);
  const auto* cash = std::get_if<cash_args>(&calls[0]);
  ASSERT_NE(cash, nullptr);
  EXPECT_EQ(cash->commitment, r.latest_own->commitment);
  EXPECT_TRUE(execute(l, ck.addr(party::zero), id, calls[0]).has_value());
}

TEST_F(WatcherTest, GoesOnChainBeforeAReceivedHtlcWithKnownPreimageExpires) {
  // HTLC offered by party 1 to party 0, lock 5000.
  const commitment_terms t{4, {units(100), units(90)}, {htlc(party::one, 10, 1, 5000)}, 200};
  watch_record r = party0(3, t);
  const watch_policy policy{600, 0};
  ASSERT_TRUE(l.advance_to(4399).has_value());
  EXPECT_TRUE(decide_now(r, policy).empty());  // preimage unknown, and not yet within the margin
  r.preimages[hash_lock_of(1)] = preimage_of(1);
  EXPECT_TRUE(decide_now(r, policy).empty());
  ASSERT_TRUE(l.advance_to(4400).has_value());
  auto calls = decide_now(r, policy);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<cash_args>(calls[0]));
  r.preimages.clear();
  EXPECT_TRUE(decide_now(r, policy).empty());  // without the preimage there is nothing to save
}

TEST_F(WatcherTest, GoesOnChainWhenAnOfferedHtlcIsPastItsLockAndGrace) {
  const commitment_terms t{4, {units(90), units(100)}, {htlc(party::zero, 10, 1, 5000)}, 200};
  const watch_record r = party0(3, t);
  const watch_policy policy{600, 100};
  ASSERT_TRUE(l.advance_to(5099).has_value());
  EXPECT_TRUE(decide_now(r, policy).empty());
  ASSERT_TRUE(l.advance_to(5100).has_value());
  auto calls = decide_now(r, policy);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<cash_args>(calls[0]));
}

TEST_F(WatcherTest, PunishesARevokedPeerCommitmentBeforeTheFreezeEnds) {
  const commitment_terms revoked{2, {units(50), units(150)}, {}, 200};
  const watch_record r = party0(3, plain);
  cash_by_peer(revoked);
  ASSERT_TRUE(l.advance_to(199).has_value());
  auto calls = decide_now(r);
  ASSERT_EQ(calls.size(), 1u);
  const auto* punish = std::get_if<punish_args>(&calls[0]);
  ASSERT_NE(punish, nullptr);
  EXPECT_EQ(*punish, *build_punish(r, 2, ck.lock(party::one, 2)));
  {
    embedded::ledger copy = l;
    ASSERT_TRUE(execute(copy, ck.addr(party::zero), id, calls[0]).has_value());
    EXPECT_EQ(copy.balance_of(ck.addr(party::zero)), units(200));
  }
  // Too late once the freeze is over: nothing to do (the peer withdraws).
  ASSERT_TRUE(l.advance_to(200).has_value());
  EXPECT_TRUE(decide_now(r).empty());
}

TEST_F(WatcherTest, DoesNotPunishAnUnrevokedOrUnmatchedCommitment) {
  cash_by_peer(plain);  // #4: party 0 knows secrets up to #3 only
  EXPECT_TRUE(decide_now(party0(3, plain)).empty());
  EXPECT_FALSE(build_punish(party0(3, plain), 4, ck.lock(party::one, 4)).has_value());
  // A lock that was not derived from the revealed secret cannot be opened.
  EXPECT_FALSE(build_punish(party0(3, plain), 2, key_of(8).addr).has_value());
  EXPECT_TRUE(build_punish(party0(3, plain), 2, ck.lock(party::one, 2)).has_value());
}

TEST_F(WatcherTest, ClaimsReceivedHtlcsWithKnownPreimagesWhenThePeerCashedTheLatest) {
  // Peer cashes its copy of #4: HTLC 0 (1 -> 0, known), 1 (1 -> 0, unknown), 2 (0 -> 1), 3 (1 -> 0, lock passed).
  const commitment_terms latest{4,
                                {units(50), units(100)},
                                {htlc(party::one, 10, 1, 900), htlc(party::one, 10, 2, 900),
                                 htlc(party::zero, 20, 3, 900), htlc(party::one, 10, 4, 50)},
                                200};
  watch_record r = party0(3, latest);
  for (std::uint64_t label : {1, 3, 4}) r.preimages[hash_lock_of(label)] = preimage_of(label);
  cash_by_peer(latest);
  ASSERT_TRUE(l.advance_to(50).has_value());
  auto calls = decide_now(r);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(std::get<claim_htlc_args>(calls[0]), (claim_htlc_args{0, preimage_of(1)}));
  ASSERT_TRUE(execute(l, ck.addr(party::zero), id, calls[0]).has_value());
  EXPECT_TRUE(decide_now(r).empty());  // claimed already: nothing more
}

TEST_F(WatcherTest, SubmitterClaimsThenWithdrawsAfterTheFreeze) {
  // Party 0 cashed its own #4 with an HTLC it receives (1 -> 0) and one it offered (0 -> 1).
  const commitment_terms latest{
      4, {units(80), units(90)}, {htlc(party::one, 10, 1, 900), htlc(party::zero, 20, 2, 400)}, 200};
  watch_record r = party0(3, latest);
  r.preimages[hash_lock_of(1)] = preimage_of(1);
  ASSERT_TRUE(execute(l, ck.addr(party::zero), id, decide_now(r, {}, true).at(0)).has_value());
  auto calls = decide_now(r);  // before the freeze end: claim only
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<claim_htlc_args>(calls[0]));
  ASSERT_TRUE(l.advance_to(200).has_value());
  calls = decide_now(r);  // claim, then the withdraw that pays it with the bond
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<claim_htlc_args>(calls[0]));
  EXPECT_TRUE(std::holds_alternative<withdraw_args>(calls[1]));
  for (const auto& c : calls) ASSERT_TRUE(execute(l, ck.addr(party::zero), id, c).has_value());
  EXPECT_EQ(l.balance_of(ck.addr(party::zero)), units(90));
  EXPECT_TRUE(decide_now(r).empty());  // offered HTLC pending until 400
  ASSERT_TRUE(l.advance_to(400).has_value());
  calls = decide_now(r);
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_TRUE(execute(l, ck.addr(party::zero), id, calls[0]).has_value());
  EXPECT_EQ(l.balance_of(ck.addr(party::zero)), units(110));
  EXPECT_EQ(l.find(id)->state, bank_state::closed);
  EXPECT_TRUE(decide_now(r).empty());
}

TEST_F(WatcherTest, DefenderWithdrawsOnlyForItsOwnRefunds) {
  // Peer cashed #4 with an HTLC party 0 offered (lock 300) and one the peer offered (lock 300).
  const commitment_terms latest{
      4, {units(80), units(90)}, {htlc(party::zero, 20, 1, 300), htlc(party::one, 10, 2, 300)}, 200};
  cash_by_peer(latest);
  const watch_record r = party0(3, latest);
  ASSERT_TRUE(l.advance_to(250).has_value());
  EXPECT_TRUE(decide_now(r).empty());  // freeze over, but our HTLC is not expired
  ASSERT_TRUE(l.advance_to(300).has_value());
  auto calls = decide_now(r);
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<withdraw_args>(calls[0]));

  // Only the peer's HTLC expired: its refund is the peer's business.
  embedded::ledger l2;
  const bank_id id2 = open_bank(l2, ck, {100, 100}, 100, 1000);
  const address bank2 = l2.find(id2)->bank_address;
  const commitment_terms other{
      4, {units(80), units(90)}, {htlc(party::zero, 20, 1, 900), htlc(party::one, 10, 2, 300)}, 200};
  ASSERT_TRUE(l2.cash(ck.addr(party::one), id2, copy_of(ck, bank2, party::one, other)).has_value());
  const watch_record r2 = record_for(ck, bank2, party::zero, 3);
  EXPECT_TRUE(decide(r2, l2.state(id2).value(), watch_input{300}).value().empty());
}

TEST_F(WatcherTest, ClosedBankNeedsNothing) {
  ASSERT_TRUE(l.close(ck.addr(party::zero), id, signed_close(ck, bank, units(100), units(100))).has_value());
  EXPECT_TRUE(decide_now(party0(3, plain), {}, true).empty());
}

TEST(WatcherHelpers, HighestRevokedSequenceFollowsTheStore) {
  channel_keys ck{4};
  crypto::shachain_store store;
  EXPECT_FALSE(highest_revoked_sequence(store).has_value());
  for (std::uint32_t n = 0; n < 5; ++n) {
    ASSERT_TRUE(store.insert(crypto::shachain_index_of_sequence(n), ck.secret(party::one, n)).has_value());
    EXPECT_EQ(highest_revoked_sequence(store), n);
  }
}

TEST(WatcherHelpers, RevealedPreimagesComeFromClaimsOfTheBank) {
  std::vector<event> events{
      event{bank_id{1}, 5, ev::hash_lock_opened{0, party::one, preimage_of(1)}},
      event{bank_id{2}, 5, ev::hash_lock_opened{0, party::one, preimage_of(2)}},
      event{bank_id{1}, 6, ev::payout{party::one, units(5)}},
  };
  auto found = revealed_preimages(events, bank_id{1});
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.at(hash_lock_of(1)), preimage_of(1));
}

}  // namespace
}  // namespace clearway::chain
