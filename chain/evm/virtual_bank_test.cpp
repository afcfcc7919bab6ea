// contracts/VirtualBank.sol on a real EVM (anvil): the article's scenarios, punishment, HTLC claim
// and refund around the time lock, cooperative close, and every bad call rejected with its named
// error and no state change. Commitments are hashed by protocol::commitment_hash and signed by
// crypto::sign_eip191, so a successful cash proves the C++ hashing matches Solidity's.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "base/test_seed.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/sender.hpp"
#include "chain/evm/virtual_bank.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"
#include "protocol/commitment.hpp"

namespace clearway::chain::evm {
namespace {

using protocol::amount;
using protocol::party;
using virtual_bank::bank_state;
using virtual_bank::event_kind;
using virtual_bank::htlc_outcome;
using K = event_kind;

amount units(std::uint64_t v) { return amount::from_base_units(v); }

constexpr std::uint64_t min_freeze_s = 3600;
constexpr std::uint64_t funding_timeout_s = 86400;

// Everything a rejected call must leave as it was.
struct snapshot {
  byte_vector info;
  byte_vector htlcs;
  u128 balance = 0;
  std::uint64_t block = 0;
  friend bool operator==(const snapshot&, const snapshot&) = default;
};

class VirtualBankEvm : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
    rng_.seed(test_seed("VirtualBankEvm"));
    for (std::size_t i = 0; i < 3; ++i) {
      keys_.push_back(crypto::key_pair::from_secret(anvil_process::dev_key(i)));
      senders_.emplace_back(*env_->rpc, anvil_process::dev_key(i), env_->chain_id);
    }
  }

  json_rpc_client& rpc() { return *env_->rpc; }
  sender& alice() { return senders_[0]; }
  sender& bob() { return senders_[1]; }
  sender& mallory() { return senders_[2]; }
  const crypto::key_pair& key(party p) { return keys_[protocol::index_of(p)]; }
  sender& client(party p) { return senders_[protocol::index_of(p)]; }

  crypto::secret_key fresh_key() {
    bytes32 material;
    for (auto& b : material.bytes) b = static_cast<std::uint8_t>(rng_());
    return crypto::secret_key::from_material(material);
  }
  bytes32 fresh_preimage() {
    bytes32 r;
    for (auto& b : r.bytes) b = static_cast<std::uint8_t>(rng_());
    return r;
  }

  std::uint64_t now_s() {
    auto b = rpc().block(block_ref::latest());
    EXPECT_TRUE(b);
    return b ? b->timestamp_s : 0;
  }
  void advance(std::uint64_t seconds) {
    ASSERT_TRUE(rpc().increase_time(seconds));
    ASSERT_TRUE(rpc().mine());
  }

  // Deploys a bank from alice with clients alice and bob; returns its address.
  crypto::address deploy(std::array<std::uint64_t, 2> deposits = {100, 100}) {
    auto rec = alice().send(std::nullopt,
                            virtual_bank::creation_code({key(party::zero).addr, key(party::one).addr},
                                                        {units(deposits[0]), units(deposits[1])}, min_freeze_s,
                                                        funding_timeout_s));
    EXPECT_TRUE(rec) << (rec ? "" : rec.error().describe());
    if (!rec || !rec->contract_address) return {};
    testing::record_gas("create (deploy)", rec->gas_used);
    bank_ = *rec->contract_address;
    EXPECT_EQ(kinds(*rec), (std::vector<K>{K::virtual_bank_created}));
    return bank_;
  }

  // Deploys and has both clients deposit.
  crypto::address open(std::array<std::uint64_t, 2> deposits = {100, 100}) {
    deploy(deposits);
    auto first = ok(alice(), virtual_bank::deposit_call(), "deposit (first)", deposits[0]);
    EXPECT_EQ(kinds(first), (std::vector<K>{K::deposit}));
    auto second = ok(bob(), virtual_bank::deposit_call(), "deposit (second: -> Running)", deposits[1]);
    EXPECT_EQ(kinds(second), (std::vector<K>{K::deposit, K::virtual_bank_running}));
    EXPECT_EQ(info().state, bank_state::running);
    return bank_;
  }

  // A successful call; its gas goes into the table under `what` (if not empty).
  receipt ok(sender& from, const byte_vector& data, const std::string& what, u128 value = 0) {
    auto rec = from.send(bank_, data, value);
    EXPECT_TRUE(rec) << what << ": " << (rec ? "" : rec.error().describe());
    if (!rec) return {};
    EXPECT_TRUE(rec->success);
    if (!what.empty()) testing::record_gas(what, rec->gas_used);
    return *rec;
  }

  snapshot take_snapshot() {
    snapshot s;
    auto i = from_bank(virtual_bank::info_call());
    auto h = from_bank(virtual_bank::htlcs_call(0, 10000));
    auto bal = rpc().balance(bank_, block_ref::latest());
    auto blk = rpc().block(block_ref::latest());
    EXPECT_TRUE(bal && blk);
    s.info = i;
    s.htlcs = h;
    s.balance = bal ? *bal : 0;
    s.block = blk ? blk->number : 0;
    return s;
  }

  // A call the bank must refuse with `expected`, changing nothing.
  void rejected(sender& from, const byte_vector& data, bank_revert expected, u128 value = 0) {
    const snapshot before = take_snapshot();
    auto rec = from.send(bank_, data, value);
    ASSERT_FALSE(rec) << "expected " << to_string(expected) << ", but the call succeeded";
    EXPECT_EQ(rec.error().what, error::reverted) << rec.error().describe();
    EXPECT_EQ(rec.error().bank_error(), expected) << rec.error().describe();
    EXPECT_EQ(take_snapshot(), before) << "a rejected call changed the bank";
  }

  byte_vector from_bank(const byte_vector& call) {
    auto ret = rpc().call(call_request{std::nullopt, bank_, 0, call}, block_ref::latest());
    EXPECT_TRUE(ret) << (ret ? "" : ret.error().describe());
    return ret ? *ret : byte_vector{};
  }

  virtual_bank::bank_info info() {
    auto decoded = virtual_bank::decode_info(from_bank(virtual_bank::info_call()));
    EXPECT_TRUE(decoded);
    return decoded.value_or(virtual_bank::bank_info{});
  }

  std::vector<virtual_bank::htlc_view> htlcs() {
    auto decoded = virtual_bank::decode_htlcs(from_bank(virtual_bank::htlcs_call(0, 10000)));
    EXPECT_TRUE(decoded);
    return decoded.value_or(std::vector<virtual_bank::htlc_view>{});
  }

  std::vector<virtual_bank::bank_event> events(const receipt& rec) {
    std::vector<virtual_bank::bank_event> out;
    for (const auto& log : rec.logs) {
      auto e = virtual_bank::decode_event(log);
      EXPECT_TRUE(e) << "undecodable log";
      if (e) {
        EXPECT_EQ(e->bank, bank_);
        out.push_back(*e);
      }
    }
    return out;
  }
  std::vector<K> kinds(const receipt& rec) {
    std::vector<K> out;
    for (const auto& e : events(rec)) out.push_back(e.kind);
    return out;
  }

  protocol::commitment commitment(std::uint32_t sequence, std::array<std::uint64_t, 2> base,
                                  const crypto::secret_key& lock, std::vector<protocol::htlc_terms> htlcs = {},
                                  std::uint64_t freeze_s = min_freeze_s) {
    protocol::commitment c;
    c.bank = bank_;
    c.sequence = sequence;
    c.base = {units(base[0]), units(base[1])};
    c.htlcs = std::move(htlcs);
    c.revocation_lock = crypto::address_of(lock);
    c.freeze_time_s = freeze_s;
    return c;
  }
  crypto::signature sign(party signer, const protocol::commitment& c) {
    return crypto::sign_eip191(key(signer).secret, protocol::commitment_hash(c));
  }
  crypto::signature close_sig(party signer, std::uint64_t a0, std::uint64_t a1) {
    return crypto::sign_eip191(key(signer).secret, protocol::close_message_hash(bank_, units(a0), units(a1)));
  }

  // After close: every unit deposited was credited; collecting moves exactly that to each client.
  void collect_all_and_check(std::array<std::uint64_t, 2> expected) {
    const auto i = info();
    ASSERT_EQ(i.state, bank_state::closed);
    EXPECT_EQ(i.paid_out[0], units(expected[0]));
    EXPECT_EQ(i.paid_out[1], units(expected[1]));
    EXPECT_EQ(i.paid_out[0].base_units() + i.paid_out[1].base_units(),
              (i.deposited[0] ? i.deposits[0].base_units() : 0) + (i.deposited[1] ? i.deposits[1].base_units() : 0));
    for (party p : {party::zero, party::one}) {
      if (expected[protocol::index_of(p)] == 0) {
        rejected(client(p), virtual_bank::collect_call(key(p).addr), bank_revert::nothing_to_collect);
        continue;
      }
      auto before = rpc().balance(key(p).addr, block_ref::latest());
      auto rec = ok(client(p), virtual_bank::collect_call(key(p).addr), "collect (pull payment)");
      auto after = rpc().balance(key(p).addr, block_ref::latest());
      ASSERT_TRUE(before && after);
      EXPECT_EQ(*after + rec.effective_gas_price_wei * rec.gas_used - *before, expected[protocol::index_of(p)]);
      rejected(client(p), virtual_bank::collect_call(key(p).addr), bank_revert::nothing_to_collect);
    }
    auto left = rpc().balance(bank_, block_ref::latest());
    ASSERT_TRUE(left);
    EXPECT_EQ(*left, 0u);
  }

  testing::anvil_env* env_ = nullptr;
  std::mt19937_64 rng_;
  std::vector<crypto::key_pair> keys_;
  std::vector<sender> senders_;
  crypto::address bank_;
};

// The article's RSMC flow: open [100, 100], Alice cashes #1 = [90, 110] signed by Bob, Bob is
// paid at once, Alice after the freeze.
TEST_F(VirtualBankEvm, CashRsmcThenWithdrawAfterFreeze) {
  open();
  const auto lock = fresh_key();
  const auto c = commitment(1, {90, 110}, lock);
  const auto cashed_at_least = now_s();
  auto rec = ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "cash (RSMC, no HTLC)");
  const auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::commitment_rsmc, K::freeze_fidelity_bond, K::payout}));
  EXPECT_EQ(ev[0].party_arg(0), party::zero);
  EXPECT_EQ(ev[0].uint_arg(1), 1u);
  EXPECT_EQ(ev[0].args[2], protocol::commitment_hash(c));  // Solidity's hash == ours
  EXPECT_EQ(ev[1].uint_arg(1), 90u);
  EXPECT_GE(*ev[1].uint_arg(2), cashed_at_least + min_freeze_s);
  EXPECT_EQ(ev[2].party_arg(0), party::one);
  EXPECT_EQ(ev[2].uint_arg(1), 110u);
  auto i = info();
  EXPECT_EQ(i.state, bank_state::auditing);
  EXPECT_TRUE(i.cashed);
  EXPECT_EQ(i.submitter, party::zero);
  EXPECT_EQ(i.bond, units(90));
  EXPECT_EQ(i.revocation_lock, c.revocation_lock);
  EXPECT_EQ(i.commitment_hash, protocol::commitment_hash(c));
  EXPECT_EQ(i.paid_out[1], units(110));

  rejected(alice(), virtual_bank::withdraw_call(), bank_revert::freeze_not_over);
  rejected(bob(), virtual_bank::cash_call(c, sign(party::zero, c)), bank_revert::wrong_state);
  advance(min_freeze_s);
  rec = ok(alice(), virtual_bank::withdraw_call(), "withdraw (bond, no HTLC)");
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::withdraw, K::payout, K::virtual_bank_closed}));
  rejected(alice(), virtual_bank::withdraw_call(), bank_revert::wrong_state);
  collect_all_and_check({90, 110});
}

TEST_F(VirtualBankEvm, RevokedCommitmentIsPunished) {
  open();
  const auto old_lock = fresh_key();
  // #1 gave Alice 150; she revoked it (revealed old_lock) when #2 moved money to Bob.
  const auto c1 = commitment(1, {150, 50}, old_lock);
  const auto sig1 = sign(party::one, c1);
  ok(alice(), virtual_bank::cash_call(c1, sig1), "");

  const bytes32 revocation = protocol::revocation_message_hash(bank_, 1);
  const auto good = crypto::sign_eip191(old_lock, revocation);
  rejected(mallory(), virtual_bank::punish_call(good), bank_revert::not_a_client);
  rejected(bob(), virtual_bank::punish_call(crypto::sign_eip191(fresh_key(), revocation)), bank_revert::wrong_signer);
  rejected(bob(), virtual_bank::punish_call(crypto::sign_eip191(old_lock, protocol::revocation_message_hash(bank_, 2))),
           bank_revert::wrong_signer);
  rejected(bob(), virtual_bank::punish_call(crypto::sign_eip191(old_lock, protocol::revocation_message_hash(bob().address(), 1))),
           bank_revert::wrong_signer);  // bound to this bank: another bank's revocation does not count
  crypto::signature bad_v = good;
  bad_v.bytes[64] = 29;
  rejected(bob(), virtual_bank::punish_call(bad_v), bank_revert::invalid_signature);
  crypto::signature zero_r = good;
  std::fill(zero_r.bytes.begin(), zero_r.bytes.begin() + 32, 0);
  rejected(bob(), virtual_bank::punish_call(zero_r), bank_revert::invalid_signature);
  crypto::signature high_s = good;  // s -> n - s, v flipped: the same point, malleated
  {
    static constexpr std::array<std::uint8_t, 32> n = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    int borrow = 0;
    for (int k = 31; k >= 0; --k) {
      const int d = n[static_cast<std::size_t>(k)] - high_s.bytes[32 + static_cast<std::size_t>(k)] - borrow;
      high_s.bytes[32 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(d & 0xff);
      borrow = d < 0 ? 1 : 0;
    }
    high_s.bytes[64] = high_s.bytes[64] == 27 ? 28 : 27;
  }
  rejected(bob(), virtual_bank::punish_call(high_s), bank_revert::invalid_signature);

  auto rec = ok(bob(), virtual_bank::punish_call(good), "punish");
  const auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::revocation_lock_open, K::payout, K::virtual_bank_closed}));
  EXPECT_EQ(ev[0].uint_arg(0), 1u);
  EXPECT_EQ(ev[1].party_arg(0), party::one);
  EXPECT_EQ(ev[1].uint_arg(1), 150u);
  rejected(alice(), virtual_bank::withdraw_call(), bank_revert::wrong_state);
  collect_all_and_check({0, 200});
}

TEST_F(VirtualBankEvm, PunishAfterTheFreezeIsTooLate) {
  open();
  const auto lock = fresh_key();
  const auto c = commitment(1, {150, 50}, lock);
  ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "");
  advance(min_freeze_s);
  rejected(bob(), virtual_bank::punish_call(crypto::sign_eip191(lock, protocol::revocation_message_hash(bank_, 1))),
           bank_revert::freeze_over);
  ok(alice(), virtual_bank::withdraw_call(), "");
  collect_all_and_check({150, 50});
}

// Bob cashes a commitment with two HTLCs: he claims the one he receives before its lock (held
// with his bond); the one he offered expires and refunds to him at withdraw.
TEST_F(VirtualBankEvm, HtlcClaimBeforeAndRefundAfterTimeLock) {
  open();
  const bytes32 r0 = fresh_preimage();
  const bytes32 r1 = fresh_preimage();
  const std::uint64_t lock_s = now_s() + 1000;
  const auto c = commitment(1, {60, 100}, fresh_key(),
                            {{party::zero, units(30), crypto::sha256(r0.span()), lock_s},
                             {party::one, units(10), crypto::sha256(r1.span()), lock_s}});
  auto rec = ok(bob(), virtual_bank::cash_call(c, sign(party::zero, c)), "cash (2 HTLCs)");
  auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::commitment_htlc, K::freeze_fidelity_bond, K::payout}));
  EXPECT_EQ(ev[0].party_arg(0), party::one);
  EXPECT_EQ(ev[0].uint_arg(2), 2u);
  EXPECT_EQ(ev[0].args[3], protocol::commitment_hash(c));  // the HTLC form of §4 matches too
  EXPECT_EQ(ev[2].party_arg(0), party::zero);
  EXPECT_EQ(ev[2].uint_arg(1), 60u);
  auto hs = htlcs();
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[0].terms, c.htlcs[0]);
  EXPECT_EQ(hs[1].terms, c.htlcs[1]);

  rejected(bob(), virtual_bank::claim_htlc_call(2, r0), bank_revert::htlc_index_out_of_range);
  rejected(bob(), virtual_bank::claim_htlc_call(0, r1), bank_revert::wrong_preimage);
  rejected(mallory(), virtual_bank::claim_htlc_call(0, r0), bank_revert::not_a_client);
  rec = ok(bob(), virtual_bank::claim_htlc_call(0, r0), "claimHtlc (held for the submitter)");
  ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::hash_lock_opened}));  // no payout: waits with the bond
  EXPECT_EQ(ev[0].uint_arg(0), 0u);
  EXPECT_EQ(ev[0].party_arg(1), party::one);
  EXPECT_EQ(ev[0].args[2], r0);
  hs = htlcs();
  EXPECT_EQ(hs[0].outcome, htlc_outcome::claimed);
  EXPECT_FALSE(hs[0].paid);
  rejected(bob(), virtual_bank::claim_htlc_call(0, r0), bank_revert::htlc_already_resolved);

  advance(1000);
  rejected(alice(), virtual_bank::claim_htlc_call(1, r1), bank_revert::time_lock_expired);
  rejected(bob(), virtual_bank::withdraw_call(), bank_revert::freeze_not_over);
  advance(min_freeze_s);
  rec = ok(bob(), virtual_bank::withdraw_call(), "withdraw (bond + 1 held claim + 1 refund)");
  ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::withdraw, K::time_lock_expire, K::payout, K::virtual_bank_closed}));
  EXPECT_EQ(ev[1].uint_arg(0), 1u);
  EXPECT_EQ(ev[1].party_arg(1), party::one);
  EXPECT_EQ(ev[2].party_arg(0), party::one);
  EXPECT_EQ(ev[2].uint_arg(1), 140u);  // bond 100 + claimed 30 + refunded 10
  hs = htlcs();
  EXPECT_EQ(hs[1].outcome, htlc_outcome::refunded);
  EXPECT_TRUE(hs[0].paid && hs[1].paid);
  collect_all_and_check({60, 140});
}

// Alice cashes; Bob (defender) is paid his claim at once; the bond is paid while an HTLC is still
// pending, so the bank stays open until that HTLC expires and refunds.
TEST_F(VirtualBankEvm, DefenderClaimPaidAtOnceAndLateRefundCloses) {
  open();
  const bytes32 r0 = fresh_preimage();
  const bytes32 r1 = fresh_preimage();
  const std::uint64_t lock_s = now_s() + 2 * min_freeze_s;
  const auto c = commitment(3, {60, 100}, fresh_key(),
                            {{party::zero, units(30), crypto::sha256(r0.span()), lock_s},
                             {party::one, units(10), crypto::sha256(r1.span()), lock_s}});
  ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "");
  auto rec = ok(bob(), virtual_bank::claim_htlc_call(0, r0), "claimHtlc (paid to the defender at once)");
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::hash_lock_opened, K::payout}));
  advance(min_freeze_s);
  rec = ok(alice(), virtual_bank::withdraw_call(), "withdraw (bond only, an HTLC still pending)");
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::withdraw, K::payout}));
  EXPECT_EQ(info().state, bank_state::auditing);
  rejected(alice(), virtual_bank::withdraw_call(), bank_revert::nothing_to_withdraw);
  advance(min_freeze_s);
  rejected(alice(), virtual_bank::claim_htlc_call(1, r1), bank_revert::time_lock_expired);
  rec = ok(bob(), virtual_bank::withdraw_call(), "withdraw (refund of 1 expired HTLC)");
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::withdraw, K::time_lock_expire, K::payout, K::virtual_bank_closed}));
  collect_all_and_check({60, 140});
}

// After the bond is paid, a claim for the submitter is paid at once and closes the bank.
TEST_F(VirtualBankEvm, SubmitterClaimAfterBondPaidClosesTheBank) {
  open();
  const bytes32 r1 = fresh_preimage();
  const std::uint64_t lock_s = now_s() + 2 * min_freeze_s;
  const auto c = commitment(4, {80, 100}, fresh_key(), {{party::one, units(20), crypto::sha256(r1.span()), lock_s}});
  ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "cash (1 HTLC)");
  advance(min_freeze_s);
  ok(alice(), virtual_bank::withdraw_call(), "");
  auto rec = ok(alice(), virtual_bank::claim_htlc_call(0, r1), "claimHtlc (to the submitter after its bond: closes)");
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::hash_lock_opened, K::payout, K::virtual_bank_closed}));
  collect_all_and_check({100, 100});
}

// A punish after a held claim seizes the held HTLC too.
TEST_F(VirtualBankEvm, PunishSeizesHeldAndPendingHtlcs) {
  open();
  const bytes32 r0 = fresh_preimage();
  const auto lock = fresh_key();
  const std::uint64_t lock_s = now_s() + 1000;
  const auto c = commitment(2, {50, 100}, lock,
                            {{party::one, units(30), crypto::sha256(r0.span()), lock_s},
                             {party::one, units(20), crypto::sha256(fresh_preimage().span()), lock_s}});
  ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "");
  ok(alice(), virtual_bank::claim_htlc_call(0, r0), "");
  auto rec = ok(bob(), virtual_bank::punish_call(crypto::sign_eip191(lock, protocol::revocation_message_hash(bank_, 2))),
                "punish (2 HTLCs seized)");
  const auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::revocation_lock_open, K::payout, K::virtual_bank_closed}));
  EXPECT_EQ(ev[1].uint_arg(1), 100u);  // bond 50 + 30 + 20
  for (const auto& h : htlcs()) EXPECT_EQ(h.outcome, htlc_outcome::seized);
  collect_all_and_check({0, 200});
}

TEST_F(VirtualBankEvm, CooperativeClose) {
  open();
  rejected(mallory(), virtual_bank::close_call(units(120), units(80), close_sig(party::zero, 120, 80),
                                               close_sig(party::one, 120, 80)),
           bank_revert::not_a_client);
  rejected(alice(), virtual_bank::close_call(units(110), units(80), close_sig(party::zero, 110, 80),
                                             close_sig(party::one, 110, 80)),
           bank_revert::balances_do_not_add_up);
  rejected(alice(), virtual_bank::close_call(units(UINT64_MAX), units(1), close_sig(party::zero, 1, 1),
                                             close_sig(party::one, 1, 1)),
           bank_revert::amount_overflow);
  rejected(alice(), virtual_bank::close_call(units(120), units(80), close_sig(party::one, 120, 80),
                                             close_sig(party::zero, 120, 80)),
           bank_revert::wrong_signer);
  rejected(alice(), virtual_bank::close_call(units(120), units(80), close_sig(party::zero, 80, 120),
                                             close_sig(party::one, 120, 80)),
           bank_revert::wrong_signer);
  auto rec = ok(bob(), virtual_bank::close_call(units(120), units(80), close_sig(party::zero, 120, 80),
                                                close_sig(party::one, 120, 80)),
                "close (cooperative)");
  const auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::cooperative_close, K::payout, K::payout, K::virtual_bank_closed}));
  EXPECT_EQ(ev[0].uint_arg(0), 120u);
  EXPECT_EQ(ev[0].uint_arg(1), 80u);
  const auto c = commitment(1, {100, 100}, fresh_key());
  rejected(alice(), virtual_bank::cash_call(c, sign(party::one, c)), bank_revert::wrong_state);
  collect_all_and_check({120, 80});
}

TEST_F(VirtualBankEvm, FundingRulesAndCancelAfterTimeout) {
  deploy({100, 70});
  rejected(mallory(), virtual_bank::deposit_call(), bank_revert::not_a_client, 100);
  rejected(bob(), virtual_bank::deposit_call(), bank_revert::wrong_deposit_amount, 100);
  auto rec = ok(alice(), virtual_bank::deposit_call(), "", 100);
  EXPECT_EQ(kinds(rec), (std::vector<K>{K::deposit}));
  rejected(alice(), virtual_bank::deposit_call(), bank_revert::already_deposited, 100);
  const auto c = commitment(1, {100, 70}, fresh_key());
  rejected(alice(), virtual_bank::cash_call(c, sign(party::one, c)), bank_revert::wrong_state);
  rejected(alice(), virtual_bank::close_call(units(100), units(70), close_sig(party::zero, 100, 70),
                                             close_sig(party::one, 100, 70)),
           bank_revert::wrong_state);
  rejected(alice(), virtual_bank::withdraw_call(), bank_revert::wrong_state);
  rejected(alice(), virtual_bank::cancel_call(), bank_revert::funding_timeout_not_reached);
  rejected(mallory(), virtual_bank::cancel_call(), bank_revert::not_a_client);
  advance(funding_timeout_s);
  rec = ok(bob(), virtual_bank::cancel_call(), "cancel (one deposit refunded)");
  const auto ev = events(rec);
  ASSERT_EQ(kinds(rec), (std::vector<K>{K::funding_cancelled, K::payout, K::virtual_bank_closed}));
  EXPECT_EQ(ev[1].party_arg(0), party::zero);
  EXPECT_EQ(ev[1].uint_arg(1), 100u);
  rejected(bob(), virtual_bank::deposit_call(), bank_revert::wrong_state, 70);
  collect_all_and_check({100, 0});
}

TEST_F(VirtualBankEvm, CreateRejectsBadArguments) {
  const auto a = key(party::zero).addr;
  const auto b = key(party::one).addr;
  auto expect_create = [&](std::array<crypto::address, 2> clients, std::array<std::uint64_t, 2> deposits,
                           std::uint64_t min_freeze, std::uint64_t timeout, bank_revert expected) {
    auto rec = alice().send(std::nullopt, virtual_bank::creation_code(clients, {units(deposits[0]), units(deposits[1])},
                                                                      min_freeze, timeout));
    ASSERT_FALSE(rec) << "expected " << to_string(expected);
    EXPECT_EQ(rec.error().bank_error(), expected) << rec.error().describe();
  };
  expect_create({crypto::address{}, b}, {1, 1}, 1, 1, bank_revert::invalid_address);
  expect_create({a, a}, {1, 1}, 1, 1, bank_revert::duplicate_address);
  expect_create({a, b}, {0, 1}, 1, 1, bank_revert::zero_amount);
  expect_create({a, b}, {UINT64_MAX, 1}, 1, 1, bank_revert::amount_overflow);
  expect_create({a, b}, {1, 1}, 0, 1, bank_revert::zero_min_freeze_time);
  expect_create({a, b}, {1, 1}, 1, UINT64_MAX, bank_revert::time_overflow);
}

TEST_F(VirtualBankEvm, CashRejectsBadCommitments) {
  open();
  const auto lock = fresh_key();
  auto good = commitment(1, {90, 110}, lock);
  rejected(mallory(), virtual_bank::cash_call(good, sign(party::one, good)), bank_revert::not_a_client);
  auto other_bank = good;
  other_bank.bank = mallory().address();
  rejected(alice(), virtual_bank::cash_call(other_bank, sign(party::one, other_bank)), bank_revert::bank_mismatch);
  auto no_lock = good;
  no_lock.revocation_lock = crypto::address{};
  rejected(alice(), virtual_bank::cash_call(no_lock, sign(party::one, no_lock)), bank_revert::invalid_address);
  auto too_many = good;
  too_many.base = {units(0), units(0)};
  too_many.htlcs.assign(967, protocol::htlc_terms{party::zero, units(0), bytes32{}, 1});
  rejected(alice(), virtual_bank::cash_call(too_many, sign(party::one, too_many)), bank_revert::too_many_htlcs);
  auto overflow = commitment(1, {UINT64_MAX, 1}, lock);
  rejected(alice(), virtual_bank::cash_call(overflow, sign(party::one, overflow)), bank_revert::amount_overflow);
  auto unbalanced = commitment(1, {90, 100}, lock);
  rejected(alice(), virtual_bank::cash_call(unbalanced, sign(party::one, unbalanced)), bank_revert::balances_do_not_add_up);
  auto short_freeze = commitment(1, {90, 110}, lock, {}, min_freeze_s - 1);
  rejected(alice(), virtual_bank::cash_call(short_freeze, sign(party::one, short_freeze)), bank_revert::freeze_time_too_short);
  auto forever = commitment(1, {90, 110}, lock, {}, UINT64_MAX);
  rejected(alice(), virtual_bank::cash_call(forever, sign(party::one, forever)), bank_revert::time_overflow);
  rejected(alice(), virtual_bank::cash_call(good, sign(party::zero, good)), bank_revert::wrong_signer);
  auto tampered = good;
  tampered.sequence = 2;  // signed #1, submitted as #2
  rejected(alice(), virtual_bank::cash_call(tampered, sign(party::one, good)), bank_revert::wrong_signer);
  crypto::signature bad_v = sign(party::one, good);
  bad_v.bytes[64] = 0;
  rejected(alice(), virtual_bank::cash_call(good, bad_v), bank_revert::invalid_signature);

  // The contract itself rejects, not only the gas estimate: sent with a fixed gas limit, the
  // call is mined with status 0 and the same named reason is recovered.
  const auto before = info();
  auto mined = alice().send(bank_, virtual_bank::cash_call(unbalanced, sign(party::one, unbalanced)), 0, 300000);
  ASSERT_FALSE(mined);
  EXPECT_EQ(mined.error().what, error::transaction_failed);
  EXPECT_EQ(mined.error().bank_error(), bank_revert::balances_do_not_add_up);
  EXPECT_EQ(info().state, before.state);

  ok(alice(), virtual_bank::cash_call(good, sign(party::one, good)), "");
}

// A client whose receiving address refuses ether blocks nobody: its collect fails and keeps its
// credit; the other client collects; the first collects to another address.
TEST_F(VirtualBankEvm, RefusingReceiverBlocksNobody) {
  auto refuser = mallory().send(std::nullopt, testing::creation_code_of("Refuser"));
  ASSERT_TRUE(refuser && refuser->contract_address);
  open();
  ok(alice(), virtual_bank::close_call(units(120), units(80), close_sig(party::zero, 120, 80),
                                       close_sig(party::one, 120, 80)),
     "");
  rejected(alice(), virtual_bank::collect_call(*refuser->contract_address), bank_revert::collect_failed);
  rejected(alice(), virtual_bank::collect_call(crypto::address{}), bank_revert::invalid_address);
  rejected(mallory(), virtual_bank::collect_call(mallory().address()), bank_revert::not_a_client);
  collect_all_and_check({120, 80});
}

// Gas of cash / withdraw with many HTLCs (for the docs' table); also checks they settle.
TEST_F(VirtualBankEvm, GasWithManyHtlcs) {
  for (std::size_t n : {10, 100}) {
    open({1'000'000, 1'000'000});
    std::vector<protocol::htlc_terms> hs;
    const std::uint64_t lock_s = now_s() + 100;
    for (std::size_t i = 0; i < n; ++i) {
      hs.push_back({i % 2 == 0 ? party::zero : party::one, units(1000), crypto::sha256(fresh_preimage().span()), lock_s});
    }
    const auto c = commitment(9, {1'000'000 - 1000 * (n / 2), 1'000'000 - 1000 * (n - n / 2)}, fresh_key(), hs);
    ok(alice(), virtual_bank::cash_call(c, sign(party::one, c)), "cash (" + std::to_string(n) + " HTLCs)");
    advance(min_freeze_s);
    auto rec = ok(alice(), virtual_bank::withdraw_call(), "withdraw (" + std::to_string(n) + " HTLCs expire)");
    EXPECT_EQ(info().state, bank_state::closed);
    EXPECT_EQ(kinds(rec).size(), n + 4);  // Withdraw, n expiries, 2 payouts, closed
  }
}

}  // namespace
}  // namespace clearway::chain::evm
