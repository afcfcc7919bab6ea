// Every bank call, allowed and refused, in every state. Each refusal must leave the whole ledger
// (banks, accounts, events, clock) exactly as it was.
#include "chain/embedded/ledger.hpp"

#include <gtest/gtest.h>

#include "chain/embedded/test_support.hpp"

namespace clearway::chain::embedded {
namespace {

using namespace clearway::chain::testing;
using protocol::party;

class LedgerTest : public ::testing::Test {
 protected:
  ledger l;
  channel_keys ck{1};
  address a = ck.addr(party::zero);
  address b = ck.addr(party::one);
  address outsider = key_of(999).addr;

  template <class Call>
  void expect_refused(error expected, Call&& call) {
    const ledger before = l;
    auto r = call();
    ASSERT_FALSE(r.has_value()) << "expected " << to_string(expected);
    EXPECT_EQ(r.error(), expected) << to_string(r.error()) << " instead of " << to_string(expected);
    EXPECT_TRUE(l == before) << "a refused call changed the ledger";
  }

  std::vector<event_body> bodies_since(event_cursor from) const {
    std::vector<event_body> out;
    const event_batch batch = l.events_since(from).value();
    for (const auto& e : batch.events) out.push_back(e.body);
    return out;
  }

  const bank_view& view(bank_id id) const { return *l.find(id); }
  address bank_addr(bank_id id) const { return view(id).bank_address; }

  // Running bank [100, 100], min freeze 100, funding timeout 1000.
  bank_id running() { return open_bank(l, ck, {100, 100}); }

  // Running, then party 1 cashed #3 = [90, 100] + HTLC(0 -> 1, 10, label 7, lock now+500), freeze 200.
  bank_id auditing_with_htlc() {
    bank_id id = running();
    commitment_terms t{3, {units(90), units(100)}, {htlc(party::zero, 10, 7, l.now_s() + 500)}, 200};
    EXPECT_TRUE(l.cash(b, id, copy_of(ck, bank_addr(id), party::one, t)).has_value());
    return id;
  }
};

// --- create ---

TEST_F(LedgerTest, CreateStartsFundingWithDeterministicAddress) {
  const event_cursor from = l.end_cursor();
  auto id = l.create(outsider, create_args{{a, b}, {units(100), units(50)}, 10, 30});
  ASSERT_TRUE(id.has_value());
  const bank_view& v = view(*id);
  EXPECT_EQ(v.state, bank_state::funding);
  EXPECT_EQ(v.bank_address, bank_address_of(bytes32{}, *id));
  EXPECT_EQ(v.funding_deadline_s, 30u);
  EXPECT_EQ(v.total_deposits(), units(150));
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::bank_created{{a, b}, {units(100), units(50)}, 10, 30}}));

  auto id2 = l.create(outsider, create_args{{a, b}, {units(100), units(50)}, 10, 30});
  ASSERT_TRUE(id2.has_value());
  EXPECT_NE(view(*id2).bank_address, v.bank_address);
  ledger_options other_salt;
  other_salt.address_salt.bytes[0] = 1;
  EXPECT_NE(bank_address_of(other_salt.address_salt, *id), v.bank_address);
}

TEST_F(LedgerTest, CreateRefusals) {
  const address zero{};
  auto create = [&](create_args args) { return [this, args] { return l.create(outsider, args); }; };
  expect_refused(error::invalid_address, create({{zero, b}, {units(1), units(1)}, 1, 1}));
  expect_refused(error::invalid_address, create({{a, zero}, {units(1), units(1)}, 1, 1}));
  expect_refused(error::duplicate_address, create({{a, a}, {units(1), units(1)}, 1, 1}));
  expect_refused(error::zero_amount, create({{a, b}, {units(0), units(1)}, 1, 1}));
  expect_refused(error::zero_amount, create({{a, b}, {units(1), units(0)}, 1, 1}));
  expect_refused(error::amount_overflow, create({{a, b}, {amount::max(), units(1)}, 1, 1}));
  expect_refused(error::zero_min_freeze_time, create({{a, b}, {units(1), units(1)}, 0, 1}));
  ASSERT_TRUE(l.advance_to(10).has_value());
  expect_refused(error::time_overflow, create({{a, b}, {units(1), units(1)}, 1, UINT64_MAX - 5}));
  EXPECT_EQ(l.bank_count(), 0u);
}

// --- deposit ---

TEST_F(LedgerTest, DepositsMoveFundingToRunning) {
  bank_id id = open_bank(l, ck, {100, 60}, 100, 1000, /*fund=*/false);
  ASSERT_TRUE(l.mint(a, units(150)).has_value());
  ASSERT_TRUE(l.mint(b, units(60)).has_value());
  expect_refused(error::unknown_bank, [&] { return l.deposit(a, bank_id{7}, units(100)); });
  expect_refused(error::not_a_client, [&] { return l.deposit(outsider, id, units(100)); });
  expect_refused(error::wrong_deposit_amount, [&] { return l.deposit(a, id, units(99)); });
  expect_refused(error::wrong_deposit_amount, [&] { return l.deposit(a, id, units(101)); });
  expect_refused(error::wrong_deposit_amount, [&] { return l.deposit(a, id, units(60)); });

  event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.deposit(a, id, units(100)).has_value());
  EXPECT_EQ(l.balance_of(a), units(50));
  EXPECT_EQ(view(id).state, bank_state::funding);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::deposit{party::zero, units(100)}}));
  expect_refused(error::already_deposited, [&] { return l.deposit(a, id, units(100)); });

  from = l.end_cursor();
  ASSERT_TRUE(l.deposit(b, id, units(60)).has_value());
  EXPECT_EQ(l.balance_of(b), units(0));
  EXPECT_EQ(view(id).state, bank_state::running);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::deposit{party::one, units(60)}, ev::bank_running{}}));
  expect_refused(error::wrong_state, [&] { return l.deposit(b, id, units(60)); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, DepositNeedsFunds) {
  bank_id id = open_bank(l, ck, {100, 60}, 100, 1000, /*fund=*/false);
  ASSERT_TRUE(l.mint(a, units(99)).has_value());
  expect_refused(error::insufficient_funds, [&] { return l.deposit(a, id, units(100)); });
}

TEST_F(LedgerTest, DepositRefusedOutsideFunding) {
  bank_id id = auditing_with_htlc();
  ASSERT_TRUE(l.mint(a, units(100)).has_value());
  expect_refused(error::wrong_state, [&] { return l.deposit(a, id, units(100)); });
}

// --- cancel ---

TEST_F(LedgerTest, CancelRefundsAfterFundingTimeout) {
  bank_id id = open_bank(l, ck, {100, 60}, 100, 1000, /*fund=*/false);
  ASSERT_TRUE(l.mint(b, units(60)).has_value());
  ASSERT_TRUE(l.deposit(b, id, units(60)).has_value());
  expect_refused(error::not_a_client, [&] { return l.cancel(outsider, id); });
  ASSERT_TRUE(l.advance_to(999).has_value());
  expect_refused(error::funding_timeout_not_reached, [&] { return l.cancel(a, id); });
  ASSERT_TRUE(l.advance_to(1000).has_value());
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.cancel(a, id).has_value());  // either client may cancel
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(l.balance_of(b), units(60));
  EXPECT_EQ(view(id).paid_out, (std::array<amount, 2>{units(0), units(60)}));
  EXPECT_EQ(bodies_since(from),
            (std::vector<event_body>{ev::funding_cancelled{}, ev::payout{party::one, units(60)}, ev::bank_closed{}}));
  expect_refused(error::wrong_state, [&] { return l.cancel(a, id); });
  ASSERT_TRUE(l.mint(a, units(100)).has_value());
  expect_refused(error::wrong_state, [&] { return l.deposit(a, id, units(100)); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, CancelWithNoDepositClosesEmpty) {
  bank_id id = open_bank(l, ck, {100, 60}, 100, 0, /*fund=*/false);
  ASSERT_TRUE(l.cancel(b, id).has_value());
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(view(id).paid_out, (std::array<amount, 2>{}));
}

TEST_F(LedgerTest, CancelRefusedOnceRunning) {
  bank_id id = running();
  ASSERT_TRUE(l.advance_by(5000).has_value());
  expect_refused(error::wrong_state, [&] { return l.cancel(a, id); });
}

// --- cash ---

TEST_F(LedgerTest, CashPaysDefenderAndFreezesBond) {
  bank_id id = running();
  ASSERT_TRUE(l.advance_to(50).has_value());
  commitment_terms t{4, {units(30), units(120)}, {htlc(party::one, 50, 1, 900)}, 150};
  cash_args args = copy_of(ck, bank_addr(id), party::zero, t);
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.cash(a, id, args).has_value());
  const bank_view& v = view(id);
  EXPECT_EQ(v.state, bank_state::auditing);
  ASSERT_TRUE(v.cashed.has_value());
  EXPECT_EQ(v.cashed->submitter, party::zero);
  EXPECT_EQ(v.cashed->sequence, 4u);
  EXPECT_EQ(v.cashed->bond, units(30));
  EXPECT_EQ(v.cashed->freeze_end_s, 200u);
  EXPECT_EQ(v.cashed->revocation_lock, ck.lock(party::zero, 4));
  ASSERT_EQ(v.cashed->htlcs.size(), 1u);
  EXPECT_EQ(v.cashed->htlcs[0].outcome, htlc_outcome::pending);
  EXPECT_EQ(l.balance_of(b), units(120));
  EXPECT_EQ(l.balance_of(a), units(0));
  const bytes32 hash = protocol::commitment_hash(args.commitment);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::commitment_cashed{party::zero, 4, 1, hash},
                                                         ev::fidelity_bond_frozen{party::zero, units(30), 200},
                                                         ev::payout{party::one, units(120)}}));
  EXPECT_EQ(name_of(ev::commitment_cashed{party::zero, 4, 1, hash}), "CommitmentHTLC");
  EXPECT_EQ(name_of(ev::commitment_cashed{party::zero, 4, 0, hash}), "CommitmentRSMC");
  expect_refused(error::wrong_state, [&] { return l.cash(a, id, args); });
  expect_refused(error::wrong_state,
                 [&] { return l.close(a, id, signed_close(ck, bank_addr(id), units(50), units(150))); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, CashRefusals) {
  bank_id id = running();
  const address bank = bank_addr(id);
  const commitment_terms ok{2, {units(90), units(110)}, {}, 100};
  auto cash_as = [&](const address& caller, cash_args args) {
    return [this, caller, id, args] { return l.cash(caller, id, args); };
  };
  expect_refused(error::unknown_bank, [&] { return l.cash(b, bank_id{9}, copy_of(ck, bank, party::one, ok)); });
  expect_refused(error::not_a_client, cash_as(outsider, copy_of(ck, bank, party::one, ok)));
  expect_refused(error::bank_mismatch, cash_as(b, copy_of(ck, key_of(5).addr, party::one, ok)));

  cash_args zero_lock = copy_of(ck, bank, party::one, ok);
  zero_lock.commitment.revocation_lock = address{};
  expect_refused(error::invalid_address, cash_as(b, zero_lock));

  commitment_terms many = ok;
  many.base = {units(90), units(110 - 1)};
  many.htlcs.assign(max_htlcs_per_commitment + 1, htlc(party::zero, 0, 1, 10));
  expect_refused(error::too_many_htlcs, cash_as(b, copy_of(ck, bank, party::one, many)));

  commitment_terms overflow = ok;
  overflow.base = {amount::max(), units(1)};
  expect_refused(error::amount_overflow, cash_as(b, copy_of(ck, bank, party::one, overflow)));
  commitment_terms short_sum = ok;
  short_sum.base = {units(90), units(109)};
  expect_refused(error::balances_do_not_add_up, cash_as(b, copy_of(ck, bank, party::one, short_sum)));
  commitment_terms with_htlc = ok;
  with_htlc.htlcs = {htlc(party::zero, 1, 1, 10)};  // 90 + 110 + 1
  expect_refused(error::balances_do_not_add_up, cash_as(b, copy_of(ck, bank, party::one, with_htlc)));
  commitment_terms quick = ok;
  quick.freeze_time_s = 99;
  expect_refused(error::freeze_time_too_short, cash_as(b, copy_of(ck, bank, party::one, quick)));
  commitment_terms forever = ok;
  forever.freeze_time_s = UINT64_MAX;
  ASSERT_TRUE(l.advance_to(1).has_value());
  expect_refused(error::time_overflow, cash_as(b, copy_of(ck, bank, party::one, forever)));

  // Signatures: garbage, high-s, bad v, and valid ones by the wrong key.
  cash_args garbage = copy_of(ck, bank, party::one, ok);
  garbage.defender_sig = signature{};
  expect_refused(error::invalid_signature, cash_as(b, garbage));
  cash_args bad_v = copy_of(ck, bank, party::one, ok);
  bad_v.defender_sig.bytes[64] = 29;
  expect_refused(error::invalid_signature, cash_as(b, bad_v));
  cash_args high_s = copy_of(ck, bank, party::one, ok);
  high_s.defender_sig.bytes[32] = 0xff;  // s >= n/2
  expect_refused(error::invalid_signature, cash_as(b, high_s));
  cash_args self_signed = copy_of(ck, bank, party::one, ok);
  self_signed.defender_sig = ck.sign(party::one, protocol::commitment_hash(self_signed.commitment));
  expect_refused(error::wrong_signer, cash_as(b, self_signed));
  cash_args tampered = copy_of(ck, bank, party::one, ok);
  tampered.commitment.sequence = 3;  // signed as #2
  expect_refused(error::wrong_signer, cash_as(b, tampered));
  // Party 0's own copy (signed by party 1) submitted by party 1: party 1 would be the submitter,
  // so the signature of the defender (party 0) is missing.
  expect_refused(error::wrong_signer, cash_as(b, copy_of(ck, bank, party::zero, ok)));

  // Not in Funding either.
  bank_id funding = open_bank(l, ck, {100, 100}, 100, 1000, /*fund=*/false);
  expect_refused(error::wrong_state,
                 [&] { return l.cash(b, funding, copy_of(ck, bank_addr(funding), party::one, ok)); });
  EXPECT_TRUE(l.cash(b, id, copy_of(ck, bank, party::one, ok)).has_value());
}

// --- claim_htlc ---

TEST_F(LedgerTest, ClaimByDefenderIsPaidAtOnce) {
  bank_id id = running();
  // Party 0 cashes; the HTLC is offered by party 0 to party 1, the defender.
  commitment_terms t{3, {units(90), units(100)}, {htlc(party::zero, 10, 7, 500)}, 200};
  ASSERT_TRUE(l.cash(a, id, copy_of(ck, bank_addr(id), party::zero, t)).has_value());
  EXPECT_EQ(l.balance_of(b), units(100));
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}).has_value());
  EXPECT_EQ(l.balance_of(b), units(110));
  EXPECT_EQ(view(id).cashed->htlcs[0].outcome, htlc_outcome::claimed);
  EXPECT_TRUE(view(id).cashed->htlcs[0].paid);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::hash_lock_opened{0, party::one, preimage_of(7)},
                                                         ev::payout{party::one, units(10)}}));
  expect_refused(error::htlc_already_resolved, [&] { return l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}); });
  // The submitter's bond is still frozen: the bank stays in Auditing until withdraw.
  EXPECT_EQ(view(id).state, bank_state::auditing);
  ASSERT_TRUE(l.advance_to(200).has_value());
  ASSERT_TRUE(l.withdraw(a, id).has_value());
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(l.balance_of(a), units(90));
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, ClaimBySubmitterWaitsForTheBond) {
  bank_id id = auditing_with_htlc();  // party 1 cashed; HTLC 0 -> 1, lock 500; freeze end 200
  EXPECT_EQ(l.balance_of(a), units(90));
  // Anyone of the two may claim; it pays the receiver (party 1, the submitter) with its bond.
  ASSERT_TRUE(l.claim_htlc(a, id, claim_htlc_args{0, preimage_of(7)}).has_value());
  EXPECT_EQ(l.balance_of(b), units(0));
  EXPECT_FALSE(view(id).cashed->htlcs[0].paid);
  ASSERT_TRUE(l.advance_to(200).has_value());
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.withdraw(b, id).has_value());
  EXPECT_EQ(l.balance_of(b), units(110));
  EXPECT_EQ(bodies_since(from),
            (std::vector<event_body>{ev::withdraw{}, ev::payout{party::one, units(110)}, ev::bank_closed{}}));
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, ClaimAfterBondPaidIsPaidAtOnceAndCloses) {
  bank_id id = auditing_with_htlc();
  ASSERT_TRUE(l.advance_to(200).has_value());
  ASSERT_TRUE(l.withdraw(b, id).has_value());  // bond 100; HTLC (lock 500) still pending
  EXPECT_EQ(view(id).state, bank_state::auditing);
  EXPECT_EQ(l.balance_of(b), units(100));
  expect_refused(error::nothing_to_withdraw, [&] { return l.withdraw(b, id); });
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}).has_value());
  EXPECT_EQ(l.balance_of(b), units(110));
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::hash_lock_opened{0, party::one, preimage_of(7)},
                                                         ev::payout{party::one, units(10)}, ev::bank_closed{}}));
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, ClaimRefusals) {
  bank_id running_id = running();
  expect_refused(error::wrong_state, [&] { return l.claim_htlc(a, running_id, claim_htlc_args{0, preimage_of(7)}); });
  bank_id id = auditing_with_htlc();  // lock at 500
  expect_refused(error::unknown_bank, [&] { return l.claim_htlc(a, bank_id{42}, claim_htlc_args{0, preimage_of(7)}); });
  expect_refused(error::not_a_client, [&] { return l.claim_htlc(outsider, id, claim_htlc_args{0, preimage_of(7)}); });
  expect_refused(error::htlc_index_out_of_range, [&] {
    return l.claim_htlc(b, id, claim_htlc_args{1, preimage_of(7)});
  });
  expect_refused(error::wrong_preimage, [&] { return l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(8)}); });
  expect_refused(error::wrong_preimage, [&] { return l.claim_htlc(b, id, claim_htlc_args{0, hash_lock_of(7)}); });
  ASSERT_TRUE(l.advance_to(499).has_value());
  ASSERT_TRUE(ledger(l).claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}).has_value());  // on a copy
  ASSERT_TRUE(l.advance_to(500).has_value());
  expect_refused(error::time_lock_expired, [&] { return l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}); });
}

// --- punish ---

TEST_F(LedgerTest, PunishGivesTheDefenderEverythingNotPaidOut) {
  bank_id id = running();
  // Party 1 cashes #3 with an HTLC to itself (claimed, waiting with the bond) and one to party 0.
  commitment_terms t{3, {units(60), units(100)}, {htlc(party::zero, 25, 7, 500), htlc(party::one, 15, 8, 500)}, 200};
  ASSERT_TRUE(l.cash(b, id, copy_of(ck, bank_addr(id), party::one, t)).has_value());
  ASSERT_TRUE(l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}).has_value());
  ASSERT_TRUE(l.claim_htlc(a, id, claim_htlc_args{1, preimage_of(8)}).has_value());  // paid to party 0 at once
  EXPECT_EQ(l.balance_of(a), units(75));
  ASSERT_TRUE(l.advance_to(199).has_value());
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.punish(a, id, punish_args{ck.revocation_sig(party::one, bank_addr(id), 3)}).has_value());
  EXPECT_EQ(l.balance_of(a), units(200));
  EXPECT_EQ(l.balance_of(b), units(0));
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(view(id).cashed->htlcs[0].outcome, htlc_outcome::seized);
  EXPECT_EQ(view(id).cashed->htlcs[1].outcome, htlc_outcome::claimed);
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::revocation_lock_opened{3},
                                                         ev::payout{party::zero, units(125)}, ev::bank_closed{}}));
  expect_refused(error::wrong_state,
                 [&] { return l.punish(a, id, punish_args{ck.revocation_sig(party::one, bank_addr(id), 3)}); });
  expect_refused(error::wrong_state, [&] { return l.withdraw(b, id); });
  expect_refused(error::wrong_state, [&] { return l.claim_htlc(b, id, claim_htlc_args{0, preimage_of(7)}); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, PunishRefusals) {
  bank_id running_id = running();
  expect_refused(error::wrong_state, [&] {
    return l.punish(a, running_id, punish_args{ck.revocation_sig(party::one, bank_addr(running_id), 3)});
  });
  bank_id id = auditing_with_htlc();  // party 1 cashed #3, freeze end 200
  const address bank = bank_addr(id);
  expect_refused(error::not_a_client,
                 [&] { return l.punish(outsider, id, punish_args{ck.revocation_sig(party::one, bank, 3)}); });
  expect_refused(error::invalid_signature, [&] { return l.punish(a, id, punish_args{signature{}}); });
  // Secret of another sequence, of the wrong party, for another bank, or a plain client key.
  expect_refused(error::wrong_signer,
                 [&] { return l.punish(a, id, punish_args{ck.revocation_sig(party::one, bank, 2)}); });
  expect_refused(error::wrong_signer,
                 [&] { return l.punish(a, id, punish_args{ck.revocation_sig(party::zero, bank, 3)}); });
  expect_refused(error::wrong_signer,
                 [&] { return l.punish(a, id, punish_args{ck.revocation_sig(party::one, key_of(5).addr, 3)}); });
  expect_refused(error::wrong_signer, [&] {
    return l.punish(a, id, punish_args{ck.sign(party::one, protocol::revocation_message_hash(bank, 3))});
  });
  ASSERT_TRUE(l.advance_to(200).has_value());
  expect_refused(error::freeze_over,
                 [&] { return l.punish(a, id, punish_args{ck.revocation_sig(party::one, bank, 3)}); });
}

// --- withdraw ---

TEST_F(LedgerTest, WithdrawRefundsExpiredHtlcsToTheirOfferer) {
  bank_id id = running();
  // Party 0 cashes; HTLC 0 offered by party 1 (the defender), HTLC 1 by party 0, HTLC 2 by party 1 later.
  commitment_terms t{5,
                     {units(50), units(90)},
                     {htlc(party::one, 10, 1, 300), htlc(party::zero, 20, 2, 300), htlc(party::one, 30, 3, 900)},
                     200};
  ASSERT_TRUE(l.cash(a, id, copy_of(ck, bank_addr(id), party::zero, t)).has_value());
  expect_refused(error::freeze_not_over, [&] { return l.withdraw(a, id); });
  ASSERT_TRUE(l.advance_to(199).has_value());
  expect_refused(error::freeze_not_over, [&] { return l.withdraw(b, id); });
  ASSERT_TRUE(l.advance_to(300).has_value());
  event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.withdraw(b, id).has_value());  // the defender may call it too
  EXPECT_EQ(bodies_since(from),
            (std::vector<event_body>{ev::withdraw{}, ev::time_lock_expired{0, party::one},
                                     ev::time_lock_expired{1, party::zero}, ev::payout{party::one, units(10)},
                                     ev::payout{party::zero, units(70)}}));
  EXPECT_EQ(l.balance_of(a), units(70));
  EXPECT_EQ(l.balance_of(b), units(100));
  EXPECT_EQ(view(id).state, bank_state::auditing);  // HTLC 2 still pending until 900
  expect_refused(error::nothing_to_withdraw, [&] { return l.withdraw(a, id); });
  ASSERT_TRUE(l.advance_to(900).has_value());
  expect_refused(error::time_lock_expired, [&] { return l.claim_htlc(a, id, claim_htlc_args{2, preimage_of(3)}); });
  from = l.end_cursor();
  ASSERT_TRUE(l.withdraw(b, id).has_value());
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::withdraw{}, ev::time_lock_expired{2, party::one},
                                                         ev::payout{party::one, units(30)}, ev::bank_closed{}}));
  EXPECT_EQ(l.balance_of(b), units(130));
  expect_refused(error::wrong_state, [&] { return l.withdraw(b, id); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, WithdrawRefusals) {
  bank_id running_id = running();
  expect_refused(error::wrong_state, [&] { return l.withdraw(a, running_id); });
  bank_id id = auditing_with_htlc();
  expect_refused(error::not_a_client, [&] { return l.withdraw(outsider, id); });
  expect_refused(error::unknown_bank, [&] { return l.withdraw(a, bank_id{77}); });
  expect_refused(error::freeze_not_over, [&] { return l.withdraw(b, id); });
}

TEST_F(LedgerTest, ZeroBondCommitmentStillClosesAtWithdraw) {
  bank_id id = running();
  commitment_terms t{1, {units(200), units(0)}, {}, 100};
  ASSERT_TRUE(l.cash(b, id, copy_of(ck, bank_addr(id), party::one, t)).has_value());
  ASSERT_TRUE(l.advance_to(100).has_value());
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.withdraw(b, id).has_value());
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::withdraw{}, ev::bank_closed{}}));
  EXPECT_EQ(l.balance_of(a), units(200));
}

// --- close ---

TEST_F(LedgerTest, CooperativeClosePaysBoth) {
  bank_id id = running();
  const event_cursor from = l.end_cursor();
  ASSERT_TRUE(l.close(b, id, signed_close(ck, bank_addr(id), units(0), units(200))).has_value());
  EXPECT_EQ(view(id).state, bank_state::closed);
  EXPECT_EQ(l.balance_of(b), units(200));
  EXPECT_EQ(bodies_since(from), (std::vector<event_body>{ev::cooperative_close{{units(0), units(200)}},
                                                         ev::payout{party::one, units(200)}, ev::bank_closed{}}));
  expect_refused(error::wrong_state,
                 [&] { return l.close(b, id, signed_close(ck, bank_addr(id), units(0), units(200))); });
  EXPECT_TRUE(l.audit());
}

TEST_F(LedgerTest, CloseRefusals) {
  bank_id funding = open_bank(l, ck, {100, 100}, 100, 1000, /*fund=*/false);
  expect_refused(error::wrong_state,
                 [&] { return l.close(a, funding, signed_close(ck, bank_addr(funding), units(100), units(100))); });
  bank_id id = running();
  const address bank = bank_addr(id);
  expect_refused(error::not_a_client,
                 [&] { return l.close(outsider, id, signed_close(ck, bank, units(100), units(100))); });
  expect_refused(error::balances_do_not_add_up,
                 [&] { return l.close(a, id, signed_close(ck, bank, units(100), units(99))); });
  expect_refused(error::amount_overflow,
                 [&] { return l.close(a, id, signed_close(ck, bank, amount::max(), units(1))); });
  close_args swapped = signed_close(ck, bank, units(100), units(100));
  std::swap(swapped.sig0, swapped.sig1);
  expect_refused(error::wrong_signer, [&] { return l.close(a, id, swapped); });
  close_args other_split = signed_close(ck, bank, units(150), units(50));
  other_split.balances = {units(50), units(150)};
  expect_refused(error::wrong_signer, [&] { return l.close(a, id, other_split); });
  close_args missing = signed_close(ck, bank, units(100), units(100));
  missing.sig1 = signature{};
  expect_refused(error::invalid_signature, [&] { return l.close(a, id, missing); });
  expect_refused(error::wrong_signer,
                 [&] { return l.close(a, id, signed_close(ck, key_of(5).addr, units(100), units(100))); });
}

// --- clock, accounts, events ---

TEST_F(LedgerTest, ClockOnlyMovesForward) {
  ASSERT_TRUE(l.advance_to(100).has_value());
  expect_refused(error::clock_backwards, [&] { return l.advance_to(99); });
  ASSERT_TRUE(l.advance_by(0).has_value());
  EXPECT_EQ(l.now_s(), 100u);
  expect_refused(error::time_overflow, [&] { return l.advance_by(UINT64_MAX); });
  ledger later(ledger_options{5000, {}});
  EXPECT_EQ(later.now_s(), 5000u);
}

TEST_F(LedgerTest, MintIsBoundedSoPayoutsCannotOverflow) {
  ASSERT_TRUE(l.mint(a, amount::max()).has_value());
  expect_refused(error::amount_overflow, [&] { return l.mint(b, units(1)); });
  EXPECT_EQ(l.total_minted(), amount::max());
}

TEST_F(LedgerTest, EventsCarryBankAndTimeAndSurvivePruning) {
  bank_id first = running();
  ASSERT_TRUE(l.advance_to(40).has_value());
  bank_id second = running();
  auto all = l.events_since(event_cursor{0});
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->events.size(), 8u);  // per bank: created, deposit, deposit, running
  EXPECT_EQ(all->next, l.end_cursor());
  EXPECT_EQ(all->events[0].bank, first);
  EXPECT_EQ(all->events[0].time_s, 0u);
  EXPECT_EQ(all->events[7].bank, second);
  EXPECT_EQ(all->events[7].time_s, 40u);
  EXPECT_NE(all->events[7].as<ev::bank_running>(), nullptr);

  auto tail = l.events_since(event_cursor{6});
  ASSERT_EQ(tail->events.size(), 2u);
  EXPECT_EQ(tail->events[0], all->events[6]);
  EXPECT_TRUE(l.events_since(l.end_cursor())->events.empty());
  EXPECT_EQ(l.events_since(event_cursor{100})->next, event_cursor{100});

  l.prune_events_before(event_cursor{6});
  EXPECT_EQ(l.events_since(event_cursor{5}).error(), error::events_pruned);
  EXPECT_EQ(l.events_since(event_cursor{6})->events, tail->events);
  EXPECT_EQ(l.end_cursor(), event_cursor{8});
}

TEST_F(LedgerTest, StateOfUnknownBank) {
  EXPECT_EQ(l.state(bank_id{3}).error(), error::unknown_bank);
  EXPECT_EQ(l.find(bank_id{3}), nullptr);
}

TEST(ChainErrors, EveryErrorHasAName) {
  for (int e = static_cast<int>(error::unknown_bank); e <= static_cast<int>(error::backend_failure); ++e) {
    EXPECT_NE(to_string(static_cast<error>(e)), "unknown chain error") << e;
  }
  EXPECT_EQ(to_string(bank_state::auditing), "auditing");
  EXPECT_EQ(to_string(htlc_outcome::seized), "seized");
}

}  // namespace
}  // namespace clearway::chain::embedded
