// Unit tests of the channel state machine: every rule and every named rejection, each rejection
// checked to leave the state unchanged.
#include "protocol/channel.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"
#include "crypto/shachain.hpp"
#include "crypto/signature.hpp"
#include "protocol/channel_opening.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::protocol {
namespace {

using namespace test;  // NOLINT

// Runs `expr` on channel `ch` and checks it failed with `err` and left `ch` unchanged.
#define EXPECT_REJECTED(ch, expr, err)                                                         \
  do {                                                                                         \
    const channel before_ = (ch);                                                              \
    auto r_ = (expr);                                                                          \
    ASSERT_FALSE(r_.has_value()) << "expected " << to_string(err);                             \
    EXPECT_EQ(r_.error(), (err)) << "got " << to_string(r_.error()) << ", expected " << to_string(err); \
    EXPECT_TRUE((ch) == before_) << "state changed by a rejected call";                        \
  } while (false)

constexpr std::uint64_t now_s = 1'000'000;
constexpr std::uint64_t two_hours = now_s + 7'200;

template <std::size_t N>
fixed_bytes<N, crypto::signature_tag> flip(fixed_bytes<N, crypto::signature_tag> s, std::size_t byte) {
  s.bytes[byte] ^= 0x01;
  return s;
}

class ChannelTest : public ::testing::Test {
 protected:
  party_keys p0 = alice();
  party_keys p1 = bob();
  channel_config config = make_config(1'000, 1'000, p0, p1);
  channel_pair open() { return open_pair(config, p0, p1); }
};

// ---- Setup ---------------------------------------------------------------------------------------

TEST_F(ChannelTest, OpensWithCommitmentZeroSignedByThePeer) {
  auto [a, b] = open();
  for (channel* ch : {&a, &b}) {
    EXPECT_TRUE(ch->is_open());
    EXPECT_EQ(ch->sequence(), 0u);
    EXPECT_EQ(ch->round(), round_state::idle);
    EXPECT_EQ(ch->own_available(), sats(1'000));
    EXPECT_EQ(ch->peer_available(), sats(1'000));
  }
  const signed_commitment sa = a.latest_signed_own_commitment();
  EXPECT_EQ(sa.content.bank, config.bank);
  EXPECT_EQ(sa.content.sequence, 0u);
  EXPECT_EQ(sa.content.base, config.deposits);
  EXPECT_TRUE(sa.content.htlcs.empty());
  EXPECT_EQ(sa.content.freeze_time_s, config.freeze_time_s);
  EXPECT_EQ(sa.content.revocation_lock, derive_lock_address(p0.seed, 0));
  // Bob signed Alice's copy, verifiable as the bank would (recover + compare).
  EXPECT_TRUE(crypto::verify_eip191(sa.peer_sig, commitment_hash(sa.content), p1.keys.addr));
  const signed_commitment sb = b.latest_signed_own_commitment();
  EXPECT_EQ(sb.content.revocation_lock, derive_lock_address(p1.seed, 0));
  EXPECT_TRUE(crypto::verify_eip191(sb.peer_sig, commitment_hash(sb.content), p0.keys.addr));
  // The mirror pair differs only in the lock.
  commitment x = sb.content;
  x.revocation_lock = sa.content.revocation_lock;
  EXPECT_EQ(x, sa.content);
}

TEST_F(ChannelTest, ConfigRulesAreEnforced) {
  const auto locks = derive_lock_addresses(p1.seed, 0, 2);
  auto try_create = [&](const channel_config& c) {
    return channel::create(c, party::zero, p0.keys, p0.seed, locks);
  };
  auto expect = [&](channel_config c, channel_error e) {
    auto r = try_create(c);
    ASSERT_FALSE(r.has_value()) << to_string(e);
    EXPECT_EQ(r.error(), e) << to_string(r.error());
  };
  ASSERT_TRUE(try_create(config).has_value());
  {
    auto c = config;
    c.bank = {};
    expect(c, channel_error::config_bad_bank);
  }
  {
    auto c = config;
    c.addresses[1] = c.addresses[0];
    expect(c, channel_error::config_bad_parties);
  }
  {
    auto c = config;
    c.public_keys[1] = c.public_keys[0];
    expect(c, channel_error::config_key_mismatch);
  }
  {
    auto c = config;
    c.deposits[1] = amount::zero();
    expect(c, channel_error::config_zero_deposit);
  }
  {
    auto c = config;
    c.deposits = {amount::max(), sats(1)};
    expect(c, channel_error::config_deposit_overflow);
  }
  {
    auto c = config;
    c.freeze_time_s = 0;
    expect(c, channel_error::config_bad_freeze_time);
  }
  {
    auto c = config;
    c.lock_batch = 1;
    expect(c, channel_error::config_bad_lock_batch);
  }
  {
    auto c = config;
    c.limits.max_accepted_htlcs = 0;
    expect(c, channel_error::config_bad_limits);
  }
  {
    auto c = config;
    c.limits.max_time_lock_delta_s = c.limits.min_time_lock_margin_s;
    expect(c, channel_error::config_bad_limits);
  }
  // Our key must be our party's.
  auto wrong_key = channel::create(config, party::one, p0.keys, p0.seed, locks);
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error(), channel_error::own_key_mismatch);
  // Exactly K non-zero peer locks.
  auto short_locks = channel::create(config, party::zero, p0.keys, p0.seed, std::span(locks).first(1));
  ASSERT_FALSE(short_locks.has_value());
  EXPECT_EQ(short_locks.error(), channel_error::wrong_lock_count);
  auto zero_lock = locks;
  zero_lock[1] = {};
  auto zero = channel::create(config, party::zero, p0.keys, p0.seed, zero_lock);
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error(), channel_error::wrong_lock_count);
}

TEST_F(ChannelTest, OpenAndAcceptMustMatchTheConfig) {
  const auto locks = derive_lock_addresses(p0.seed, 0, 2);
  open_channel open = make_open_channel(config, locks);
  EXPECT_TRUE(check_open_channel(config, open));
  open.deposits[0] = sats(999);
  EXPECT_EQ(check_open_channel(config, open).error(), channel_error::open_mismatch);
  open = make_open_channel(config, {locks[0]});
  EXPECT_EQ(check_open_channel(config, open).error(), channel_error::wrong_lock_count);
  accept_channel accept = make_accept_channel(config, locks);
  EXPECT_TRUE(check_accept_channel(config, accept));
  accept.bank = {};
  EXPECT_EQ(check_accept_channel(config, accept).error(), channel_error::open_mismatch);
}

TEST_F(ChannelTest, NothingWorksBeforeTheCommitmentZeroExchange) {
  const auto l0 = derive_lock_addresses(p0.seed, 0, 2);
  const auto l1 = derive_lock_addresses(p1.seed, 0, 2);
  channel a = must(channel::create(config, party::zero, p0.keys, p0.seed, l1));
  channel b = must(channel::create(config, party::one, p1.keys, p1.seed, l0));
  EXPECT_REJECTED(a, a.propose_pay(sats(1)), channel_error::channel_not_open);
  EXPECT_REJECTED(a, a.initiate_commit(), channel_error::channel_not_open);
  EXPECT_REJECTED(a, a.receive_pay(pay{1, sats(1)}), channel_error::channel_not_open);
  EXPECT_REJECTED(a, a.propose_close(), channel_error::channel_not_open);

  const commit c0a = must(a.initial_commit());
  EXPECT_REJECTED(a, a.initial_commit(), channel_error::unexpected_commit);
  // Bob receives Alice's #0 before sending his: not open until he has sent his own.
  must(b.receive_commit(c0a));
  EXPECT_FALSE(b.is_open());
  EXPECT_REJECTED(b, b.receive_commit(c0a), channel_error::unexpected_commit);
  const commit c0b = must(b.initial_commit());
  EXPECT_TRUE(b.is_open());

  // Alice rejects a forged, a renumbered and a mis-kinded #0, unchanged.
  commit bad = c0b;
  bad.sig = flip(bad.sig, 5);
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::bad_signature);
  bad = c0b;
  bad.sequence = 1;
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::wrong_sequence);
  bad = c0b;
  bad.kind = commit_kind::initiate;
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::unexpected_commit);
  bad = c0b;
  bad.responder_upto = 1;
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::wrong_coverage);
  must(a.receive_commit(c0b));
  EXPECT_TRUE(a.is_open());
}

// ---- Commitment hashing: the incremental mirror hash equals protocol::commitment_hash ------------

TEST_F(ChannelTest, MirrorHashIsTheCommitmentHashWithHtlcs) {
  auto [a, b] = open();
  add_over(a, b, 10, lock_of(preimage(1)), two_hours, now_s);
  add_over(b, a, 20, lock_of(preimage(2)), two_hours + 60, now_s);
  add_over(a, b, 30, lock_of(preimage(3)), two_hours + 120, now_s);
  run_round(a, b);
  const signed_commitment sa = a.latest_signed_own_commitment();
  ASSERT_EQ(sa.content.htlcs.size(), 3u);
  // Commitment order: offerer 0 by id, then offerer 1.
  EXPECT_EQ(sa.content.htlcs[0], (htlc_terms{party::zero, sats(10), lock_of(preimage(1)), two_hours}));
  EXPECT_EQ(sa.content.htlcs[1], (htlc_terms{party::zero, sats(30), lock_of(preimage(3)), two_hours + 120}));
  EXPECT_EQ(sa.content.htlcs[2], (htlc_terms{party::one, sats(20), lock_of(preimage(2)), two_hours + 60}));
  EXPECT_EQ(sa.content.base, (std::array{sats(960), sats(980)}));
  EXPECT_TRUE(crypto::verify_eip191(sa.peer_sig, commitment_hash(sa.content), p1.keys.addr));
  const signed_commitment sb = b.latest_signed_own_commitment();
  EXPECT_TRUE(crypto::verify_eip191(sb.peer_sig, commitment_hash(sb.content), p0.keys.addr));
  EXPECT_EQ(sb.content.htlcs, sa.content.htlcs);
  EXPECT_EQ(mirror_hash(config.bank, config.freeze_time_s, a.latest_content(), sa.content.revocation_lock),
            commitment_hash(sa.content));
}

// ---- Proposals -----------------------------------------------------------------------------------

TEST_F(ChannelTest, PayMoreThanTheBalanceIsRejected) {
  auto [a, b] = open();
  EXPECT_REJECTED(a, a.propose_pay(sats(1'001)), channel_error::insufficient_balance);
  EXPECT_REJECTED(b, b.receive_pay(pay{1, sats(1'001)}), channel_error::insufficient_balance);
  EXPECT_REJECTED(a, a.propose_pay(amount::max()), channel_error::insufficient_balance);
  EXPECT_REJECTED(a, a.propose_pay(sats(0)), channel_error::zero_amount);
  EXPECT_REJECTED(b, b.receive_pay(pay{1, sats(0)}), channel_error::zero_amount);
}

TEST_F(ChannelTest, PendingProposalsCountAgainstTheSendersBalance) {
  auto [a, b] = open();
  pay_over(a, b, 600);
  EXPECT_EQ(a.own_available(), sats(400));
  EXPECT_EQ(b.peer_available(), sats(400));
  add_over(a, b, 300, lock_of(preimage(1)), two_hours, now_s);
  EXPECT_EQ(a.own_available(), sats(100));
  EXPECT_REJECTED(a, a.propose_pay(sats(101)), channel_error::insufficient_balance);
  EXPECT_REJECTED(b, b.receive_pay(pay{3, sats(101)}), channel_error::insufficient_balance);
  // Incoming money is not spendable before it is committed.
  EXPECT_EQ(b.own_available(), sats(1'000));
  EXPECT_REJECTED(b, b.propose_pay(sats(1'001)), channel_error::insufficient_balance);
  run_round(b, a);
  EXPECT_EQ(b.own_available(), sats(1'600));
  EXPECT_EQ(a.own_available(), sats(100));
  EXPECT_EQ(a.balances(), (std::array{sats(100), sats(1'600)}));
}

TEST_F(ChannelTest, AddHtlcRulesAreEnforcedOnBothSides) {
  config.limits.min_htlc_value = sats(5);
  config.limits.max_htlc_value_in_flight = sats(500);
  auto [a, b] = open();
  const bytes32 h = lock_of(preimage(1));
  const std::uint64_t margin = config.limits.min_time_lock_margin_s;
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(0), h, two_hours, now_s), channel_error::zero_amount);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(4), h, two_hours, now_s), channel_error::below_min_htlc);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(10), h, now_s + margin, now_s), channel_error::time_lock_too_close);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(10), h, now_s - 1, now_s), channel_error::time_lock_too_close);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(10), h, now_s + config.limits.max_time_lock_delta_s + 1, now_s),
                  channel_error::time_lock_too_far);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(501), h, two_hours, now_s), channel_error::max_in_flight_exceeded);
  EXPECT_REJECTED(b, b.receive_add_htlc(add_htlc{1, sats(10), h, now_s + margin}, now_s),
                  channel_error::time_lock_too_close);
  EXPECT_REJECTED(b, b.receive_add_htlc(add_htlc{1, sats(4), h, two_hours}, now_s), channel_error::below_min_htlc);
  // The margin is checked against the receiver's clock: a lock fine at send time is too close later.
  const add_htlc m = must(a.propose_add_htlc(sats(10), h, now_s + margin + 1, now_s));
  EXPECT_REJECTED(b, b.receive_add_htlc(m, now_s + 1), channel_error::time_lock_too_close);
  must(b.receive_add_htlc(m, now_s));
  add_over(a, b, 400, h, two_hours, now_s);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(91), h, two_hours, now_s), channel_error::max_in_flight_exceeded);
  EXPECT_REJECTED(b, b.receive_add_htlc(add_htlc{3, sats(91), h, two_hours}, now_s),
                  channel_error::max_in_flight_exceeded);
  add_over(a, b, 90, h, two_hours, now_s);
}

TEST_F(ChannelTest, InFlightSumThatWouldOverflowIsRejected) {
  auto [a, b] = open();
  add_over(a, b, 1, lock_of(preimage(1)), two_hours, now_s);
  EXPECT_REJECTED(a, a.propose_add_htlc(amount::max(), lock_of(preimage(2)), two_hours, now_s),
                  channel_error::amount_overflow);
  EXPECT_REJECTED(b, b.receive_add_htlc(add_htlc{2, amount::max(), lock_of(preimage(2)), two_hours}, now_s),
                  channel_error::amount_overflow);
}

TEST_F(ChannelTest, The484thHtlcInOneDirectionIsRejected) {
  config.deposits = {sats(1'000'000), sats(1'000'000)};
  auto [a, b] = open();
  for (std::uint64_t i = 0; i < 483; ++i) add_over(a, b, 1'000, lock_of(preimage(i)), two_hours, now_s);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(1'000), lock_of(preimage(999)), two_hours, now_s),
                  channel_error::too_many_htlcs);
  EXPECT_REJECTED(b, b.receive_add_htlc(add_htlc{484, sats(1'000), lock_of(preimage(999)), two_hours}, now_s),
                  channel_error::too_many_htlcs);
  // The other direction has its own 483.
  add_over(b, a, 1'000, lock_of(preimage(7)), two_hours, now_s);
  run_round(a, b);
  EXPECT_EQ(a.latest_signed_own_commitment().content.htlcs.size(), 484u);
  EXPECT_REJECTED(a, a.propose_add_htlc(sats(1'000), lock_of(preimage(999)), two_hours, now_s),
                  channel_error::too_many_htlcs);
}

TEST_F(ChannelTest, ProposalIdsMustBeTheNextOne) {
  auto [a, b] = open();
  EXPECT_REJECTED(b, b.receive_pay(pay{2, sats(1)}), channel_error::unexpected_proposal_id);
  EXPECT_REJECTED(b, b.receive_pay(pay{0, sats(1)}), channel_error::unexpected_proposal_id);
  pay_over(a, b, 1);
  EXPECT_REJECTED(b, b.receive_pay(pay{1, sats(1)}), channel_error::unexpected_proposal_id);  // replay
  EXPECT_EQ(b.last_proposal_id(party::zero), 1u);
}

TEST_F(ChannelTest, FulfillRules) {
  auto [a, b] = open();
  const add_htlc h = add_over(a, b, 50, lock_of(preimage(1)), two_hours, now_s);
  // Not yet irrevocably committed.
  EXPECT_REJECTED(b, b.propose_fulfill(h.id, preimage(1)), channel_error::htlc_not_committed);
  EXPECT_REJECTED(a, a.receive_fulfill(fulfill_htlc{1, h.id, preimage(1)}), channel_error::htlc_not_committed);
  const commit c = must(a.initiate_commit());
  const auto r1 = must(b.receive_commit(c));
  // Committed in Bob's latest copy, but Alice has not revoked #0 yet.
  EXPECT_REJECTED(b, b.propose_fulfill(h.id, preimage(1)), channel_error::htlc_not_committed);
  const auto r2 = must(a.receive_commit(*r1.countersign));
  must(a.receive_revoke(*r1.revocation));
  must(b.receive_revoke(*r2.revocation));

  EXPECT_REJECTED(b, b.propose_fulfill(h.id + 7, preimage(1)), channel_error::unknown_htlc);
  EXPECT_REJECTED(b, b.propose_fulfill(h.id, preimage(2)), channel_error::wrong_preimage);
  // Alice cannot fulfill the HTLC she offered herself.
  EXPECT_REJECTED(a, a.propose_fulfill(h.id, preimage(1)), channel_error::unknown_htlc);
  EXPECT_REJECTED(a, a.receive_fulfill(fulfill_htlc{1, h.id, preimage(2)}), channel_error::wrong_preimage);
  EXPECT_REJECTED(a, a.receive_fulfill(fulfill_htlc{1, h.id + 1, preimage(1)}), channel_error::unknown_htlc);

  const fulfill_htlc f = must(b.propose_fulfill(h.id, preimage(1)));
  must(a.receive_fulfill(f));
  EXPECT_REJECTED(b, b.propose_fulfill(h.id, preimage(1)), channel_error::htlc_already_resolving);
  EXPECT_REJECTED(b, b.propose_fail(h.id, fail_reason::expired), channel_error::htlc_already_resolving);
  EXPECT_REJECTED(a, a.receive_fail(fail_htlc{2, h.id, fail_reason::expired}), channel_error::htlc_already_resolving);
  EXPECT_EQ(a.known_preimage(lock_of(preimage(1))), preimage(1));
  EXPECT_EQ(b.known_preimage(lock_of(preimage(1))), preimage(1));
  EXPECT_EQ(a.known_preimage(lock_of(preimage(2))), std::nullopt);
  run_round(b, a);
  EXPECT_EQ(a.balances(), (std::array{sats(950), sats(1'050)}));
  EXPECT_EQ(b.balances(), (std::array{sats(950), sats(1'050)}));
  EXPECT_TRUE(a.htlcs().empty());
  EXPECT_TRUE(b.htlcs().empty());
  // Gone for good.
  EXPECT_REJECTED(b, b.propose_fulfill(h.id, preimage(1)), channel_error::unknown_htlc);
}

TEST_F(ChannelTest, FailRules) {
  auto [a, b] = open();
  const add_htlc h = add_over(b, a, 70, lock_of(preimage(3)), two_hours, now_s);
  EXPECT_REJECTED(a, a.propose_fail(h.id, fail_reason::unknown_payment_hash), channel_error::htlc_not_committed);
  run_round(b, a);
  (void)b.drain_events();
  EXPECT_REJECTED(a, a.propose_fail(h.id + 1, fail_reason::unknown_payment_hash), channel_error::unknown_htlc);
  EXPECT_REJECTED(b, b.propose_fail(h.id, fail_reason::unknown_payment_hash), channel_error::unknown_htlc);
  EXPECT_REJECTED(b, b.receive_fail(fail_htlc{1, h.id + 1, fail_reason::expired}), channel_error::unknown_htlc);
  const fail_htlc f = must(a.propose_fail(h.id, fail_reason::unknown_payment_hash));
  must(b.receive_fail(f));
  EXPECT_REJECTED(a, a.propose_fail(h.id, fail_reason::expired), channel_error::htlc_already_resolving);
  run_round(a, b);
  EXPECT_EQ(a.balances(), (std::array{sats(1'000), sats(1'000)}));
  auto events = b.drain_events();
  ASSERT_EQ(events.size(), 1u);
  const auto* failed = std::get_if<htlc_failed>(&events[0]);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->id, h.id);
  EXPECT_EQ(failed->reason, fail_reason::unknown_payment_hash);
  EXPECT_EQ(failed->terms.value, sats(70));
  EXPECT_EQ(failed->terms.offerer, party::one);
}

// ---- Rounds --------------------------------------------------------------------------------------

TEST_F(ChannelTest, InitiateNeedsSomethingToCommitAndOneRoundAtATime) {
  auto [a, b] = open();
  EXPECT_REJECTED(a, a.initiate_commit(), channel_error::nothing_to_commit);
  pay_over(a, b, 10);
  EXPECT_TRUE(b.has_uncovered_proposals());
  must(a.initiate_commit());
  EXPECT_EQ(a.round(), round_state::initiated);
  pay_over(a, b, 10);
  EXPECT_REJECTED(a, a.initiate_commit(), channel_error::round_in_progress);
}

TEST_F(ChannelTest, ResponderRejectsBadInitiates) {
  auto [a, b] = open();
  pay_over(a, b, 10);
  pay_over(b, a, 3);
  const commit c = must(a.initiate_commit());
  commit bad = c;
  bad.sig = flip(c.sig, 0);
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::bad_signature);
  bad.sig = flip(c.sig, 64);  // v
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::bad_signature);
  bad = c;
  bad.sequence = 2;
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::wrong_sequence);
  bad = c;
  bad.initiator_upto = 0;  // Alice must cover all she sent
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::wrong_coverage);
  bad = c;
  bad.responder_upto = 2;  // Bob sent only one
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::wrong_coverage);
  bad = c;
  bad.responder_upto = 0;  // a valid coverage, but not what Alice signed
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::bad_signature);
  bad = c;
  bad.kind = commit_kind::countersign;
  EXPECT_REJECTED(b, b.receive_commit(bad), channel_error::unexpected_commit);
  // The honest one goes through.
  const auto reply = must(b.receive_commit(c));
  EXPECT_TRUE(reply.countersign && reply.revocation);
  // A second initiate while Bob waits for Alice's revoke.
  EXPECT_REJECTED(b, b.receive_commit(c), channel_error::unexpected_commit);
}

TEST_F(ChannelTest, AnEmptyInitiateIsRejected) {
  auto [a, b] = open();
  commit empty;
  empty.sequence = 1;
  empty.kind = commit_kind::initiate;
  EXPECT_REJECTED(b, b.receive_commit(empty), channel_error::empty_commit);
}

TEST_F(ChannelTest, InitiatorRejectsBadCountersigns) {
  auto [a, b] = open();
  pay_over(b, a, 10);
  const commit c = must(a.initiate_commit());
  commit stray = c;
  stray.kind = commit_kind::countersign;
  EXPECT_REJECTED(b, b.receive_commit(stray), channel_error::unexpected_commit);  // Bob is idle
  const auto r1 = must(b.receive_commit(c));
  commit bad = *r1.countersign;
  bad.sig = flip(bad.sig, 33);
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::bad_signature);
  bad = *r1.countersign;
  bad.sequence = 3;
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::wrong_sequence);
  bad = *r1.countersign;
  bad.responder_upto = 0;
  EXPECT_REJECTED(a, a.receive_commit(bad), channel_error::wrong_coverage);
  // A revoke before the countersign is not expected.
  EXPECT_REJECTED(a, a.receive_revoke(*r1.revocation), channel_error::unexpected_revoke);
  EXPECT_FALSE(a.highest_own_revoked().has_value());
  const auto r2 = must(a.receive_commit(*r1.countersign));
  EXPECT_EQ(a.highest_own_revoked(), 0u);
  EXPECT_EQ(r2.revocation->sequence, 0u);
}

TEST_F(ChannelTest, RevealsSecretOnlyAfterHoldingTheNextCommitment) {
  auto [a, b] = open();
  pay_over(a, b, 10);
  const commit c = must(a.initiate_commit());
  EXPECT_EQ(a.sequence(), 0u);  // #1 is not signed by Bob yet
  EXPECT_FALSE(a.highest_own_revoked());
  ASSERT_TRUE(a.pending_own_commitment());
  EXPECT_EQ(a.pending_own_commitment()->sequence, 1u);
  const auto r1 = must(b.receive_commit(c));
  EXPECT_EQ(b.sequence(), 1u);  // Bob holds Alice's signature on his #1 ...
  EXPECT_EQ(b.highest_own_revoked(), 0u);  // ... so he revoked his #0
  EXPECT_EQ(r1.revocation->secret, *crypto::shachain_derive(p1.seed, crypto::shachain_index_of_sequence(0)));
  EXPECT_EQ(r1.revocation->next_lock, derive_lock_address(p1.seed, 2));
}

TEST_F(ChannelTest, RevokeRules) {
  auto [a, b] = open();
  EXPECT_REJECTED(a, a.receive_revoke(revoke{0, {}, {}}), channel_error::unexpected_revoke);
  pay_over(a, b, 10);
  const commit c = must(a.initiate_commit());
  const auto r1 = must(b.receive_commit(c));
  const auto r2 = must(a.receive_commit(*r1.countersign));
  revoke bad = *r1.revocation;
  bad.secret.bytes[7] ^= 0x80;
  EXPECT_REJECTED(a, a.receive_revoke(bad), channel_error::wrong_revocation_secret);
  bad = *r1.revocation;
  bad.sequence = 1;
  EXPECT_REJECTED(a, a.receive_revoke(bad), channel_error::wrong_sequence);
  bad = *r1.revocation;
  bad.next_lock = {};
  EXPECT_REJECTED(a, a.receive_revoke(bad), channel_error::bad_next_lock);
  must(a.receive_revoke(*r1.revocation));
  must(b.receive_revoke(*r2.revocation));
  EXPECT_EQ(a.highest_peer_revoked(), 0u);
  EXPECT_EQ(b.highest_peer_revoked(), 0u);
  EXPECT_EQ(*a.peer_secrets().get(crypto::shachain_index_of_sequence(0)),
            *crypto::shachain_derive(p1.seed, crypto::shachain_index_of_sequence(0)));
  EXPECT_EQ(a.peer_lock(2), derive_lock_address(p1.seed, 2));
  EXPECT_EQ(a.round(), round_state::idle);
  EXPECT_REJECTED(a, a.receive_revoke(*r1.revocation), channel_error::unexpected_revoke);  // replay
}

TEST_F(ChannelTest, ASecretInconsistentWithTheShachainIsRejected) {
  auto [a, b] = open();
  pay_over(a, b, 10);
  run_round(a, b);
  pay_over(a, b, 10);
  const commit c = must(a.initiate_commit());
  const auto r1 = must(b.receive_commit(c));
  must(a.receive_commit(*r1.countersign));
  // A secret for #1 that is not from Bob's shachain, presented with a matching derived lock (as a
  // lying peer who announced that lock would): the shachain store catches it.
  channel::checked_revoke forged{*r1.revocation, {}};
  forged.msg.secret = fill32(0x33);
  forged.derived_lock = *a.peer_lock(1);
  EXPECT_REJECTED(a, a.apply_revoke(forged), channel_error::shachain_mismatch);
  must(a.apply_revoke(channel::derive_revoke_lock(*r1.revocation)));
}

TEST_F(ChannelTest, BothInitiateAndPartyZerosRoundWins) {
  auto [a, b] = open();
  const pay pa = must(a.propose_pay(sats(100)));
  const pay pb = must(b.propose_pay(sats(30)));
  const commit ca = must(a.initiate_commit());  // covers Alice's pay only
  const commit cb = must(b.initiate_commit());  // covers both? no: Bob has not seen Alice's pay
  EXPECT_EQ(ca.responder_upto, 0u);
  EXPECT_EQ(cb.responder_upto, 0u);
  must(a.receive_pay(pb));
  must(b.receive_pay(pa));
  // Alice (party 0) ignores Bob's crossing initiate.
  const channel a_before = a;
  const auto ignored = must(a.receive_commit(cb));
  EXPECT_FALSE(ignored.countersign || ignored.revocation);
  EXPECT_TRUE(a == a_before);
  // Bob drops his own and countersigns Alice's.
  const auto r1 = must(b.receive_commit(ca));
  ASSERT_TRUE(r1.countersign && r1.revocation);
  const auto r2 = must(a.receive_commit(*r1.countersign));
  must(a.receive_revoke(*r1.revocation));
  must(b.receive_revoke(*r2.revocation));
  EXPECT_EQ(a.sequence(), 1u);
  EXPECT_EQ(b.sequence(), 1u);
  EXPECT_EQ(a.balances(), (std::array{sats(900), sats(1'100)}));
  EXPECT_EQ(b.balances(), a.balances());
  // Bob's pay rides in the next round.
  EXPECT_TRUE(a.has_uncovered_proposals());
  EXPECT_TRUE(b.has_uncovered_proposals());
  run_round(b, a);
  EXPECT_EQ(a.balances(), (std::array{sats(930), sats(1'070)}));
  EXPECT_EQ(b.balances(), a.balances());
}

TEST_F(ChannelTest, ACrossingInitiateForAnotherSequenceIsRejected) {
  auto [a, b] = open();
  pay_over(a, b, 1);
  const commit ca = must(a.initiate_commit());
  commit cb = ca;
  cb.sequence = 5;
  EXPECT_REJECTED(a, a.receive_commit(cb), channel_error::wrong_sequence);
}

TEST_F(ChannelTest, CheckAndApplyAreSeparable) {
  auto [a, b] = open();
  pay_over(a, b, 10);
  pay_over(b, a, 5);
  const commit c = must(a.initiate_commit());
  const channel b_before = b;
  const auto checked = must(b.check_commit(c));
  EXPECT_TRUE(b == b_before);  // checking changes nothing
  EXPECT_FALSE(checked.ignore);
  // The check is what a batch verifier runs: recover + compare with Alice's address.
  EXPECT_TRUE(crypto::verify_eip191(checked.check.sig, checked.check.msg_hash, checked.check.expected_signer));
  EXPECT_EQ(checked.check.expected_signer, p0.keys.addr);
  // Bob changes his round state before applying (his own crossing initiate): the check is stale.
  const commit cb = must(b.initiate_commit());
  (void)cb;
  EXPECT_REJECTED(b, b.apply_commit(checked), channel_error::stale_check);
  const auto fresh = must(b.check_commit(c));
  const auto r1 = must(b.apply_commit(fresh));
  const auto cs = must(a.check_commit(*r1.countersign));
  EXPECT_TRUE(crypto::verify_eip191(cs.check.sig, cs.check.msg_hash, p1.keys.addr));
  const auto r2 = must(a.apply_commit(cs));
  must(a.apply_revoke(channel::derive_revoke_lock(*r1.revocation)));
  must(b.apply_revoke(channel::derive_revoke_lock(*r2.revocation)));
  EXPECT_EQ(a.balances(), (std::array{sats(995), sats(1'005)}));
  EXPECT_EQ(b.balances(), a.balances());
}

// ---- Events and HTLC states ----------------------------------------------------------------------

TEST_F(ChannelTest, HtlcStatesAndEventsFollowTheRounds) {
  auto [a, b] = open();
  const add_htlc h = add_over(a, b, 40, lock_of(preimage(9)), two_hours, now_s);
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::proposed);
  const commit c = must(a.initiate_commit());
  const auto r1 = must(b.receive_commit(c));
  EXPECT_EQ(b.find_htlc(party::zero, h.id)->state, htlc_state::committed);
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::proposed);
  const auto r2 = must(a.receive_commit(*r1.countersign));
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::committed);
  EXPECT_TRUE(a.pending_events().empty());
  must(a.receive_revoke(*r1.revocation));
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::irrevocable);
  EXPECT_TRUE(b.pending_events().empty());  // Bob waits for Alice's revoke
  must(b.receive_revoke(*r2.revocation));
  const htlc_terms terms{party::zero, sats(40), lock_of(preimage(9)), two_hours};
  for (channel* ch : {&a, &b}) {
    auto events = ch->drain_events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(std::get<htlc_locked_in>(events[0]), (htlc_locked_in{h.id, terms}));
    EXPECT_TRUE(ch->drain_events().empty());
  }
  must(a.receive_fulfill(must(b.propose_fulfill(h.id, preimage(9)))));
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::resolving);
  pay_over(b, a, 15);
  const commit c2 = must(b.initiate_commit());
  const auto s1 = must(a.receive_commit(c2));
  EXPECT_EQ(a.find_htlc(party::zero, h.id)->state, htlc_state::removed);
  const auto s2 = must(b.receive_commit(*s1.countersign));
  must(b.receive_revoke(*s1.revocation));
  must(a.receive_revoke(*s2.revocation));
  EXPECT_FALSE(a.find_htlc(party::zero, h.id));
  for (channel* ch : {&a, &b}) {
    auto events = ch->drain_events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(std::get<htlc_fulfilled>(events[0]), (htlc_fulfilled{h.id, terms, preimage(9)}));
    EXPECT_EQ(std::get<pay_settled>(events[1]), (pay_settled{party::one, 2, sats(15)}));
  }
  EXPECT_EQ(a.balances(), (std::array{sats(975), sats(1'025)}));
}

// ---- Cooperative close ---------------------------------------------------------------------------

TEST_F(ChannelTest, CloseWithAnythingPendingIsRejected) {
  auto [a, b] = open();
  const add_htlc h = add_over(a, b, 40, lock_of(preimage(9)), two_hours, now_s);
  EXPECT_REJECTED(a, a.propose_close(), channel_error::close_not_allowed);  // uncovered proposal
  run_round(a, b);
  EXPECT_REJECTED(a, a.propose_close(), channel_error::close_not_allowed);  // HTLC pending
  EXPECT_REJECTED(b, b.propose_close(), channel_error::close_not_allowed);
  // A close_request forged by Alice at the current balances is refused by Bob too.
  const close_request forged{a.balances(), crypto::sign_eip191(p0.keys.secret,
                                                               close_message_hash(config.bank, a.balances()[0],
                                                                                  a.balances()[1]))};
  EXPECT_REJECTED(b, b.receive_close_request(forged), channel_error::close_not_allowed);
  must(a.receive_fail(must(b.propose_fail(h.id, fail_reason::incorrect_details))));
  const commit c = must(a.initiate_commit());
  EXPECT_REJECTED(a, a.propose_close(), channel_error::close_not_allowed);  // round outstanding
  const auto r1 = must(b.receive_commit(c));
  const auto r2 = must(a.receive_commit(*r1.countersign));
  must(a.receive_revoke(*r1.revocation));
  must(b.receive_revoke(*r2.revocation));
  EXPECT_TRUE(a.propose_close().has_value());
}

TEST_F(ChannelTest, CooperativeCloseGivesBothSignatures) {
  auto [a, b] = open();
  pay_over(a, b, 250);
  run_round(a, b);
  const close_request req = must(a.propose_close());
  EXPECT_EQ(a.phase(), channel_phase::closing);
  EXPECT_REJECTED(a, a.propose_pay(sats(1)), channel_error::channel_closing);
  EXPECT_REJECTED(a, a.receive_pay(pay{1, sats(1)}), channel_error::channel_closing);
  EXPECT_REJECTED(a, a.propose_close(), channel_error::close_not_allowed);

  close_request bad = req;
  bad.balances = {sats(751), sats(1'249)};
  EXPECT_REJECTED(b, b.receive_close_request(bad), channel_error::wrong_close_balances);
  bad = req;
  bad.sig = flip(bad.sig, 3);
  EXPECT_REJECTED(b, b.receive_close_request(bad), channel_error::bad_signature);

  const auto outcome_b = must(b.receive_close_request(req));
  ASSERT_TRUE(outcome_b.reply);
  const auto outcome_a = must(a.receive_close_request(*outcome_b.reply));
  EXPECT_FALSE(outcome_a.reply);
  EXPECT_EQ(outcome_a.result, outcome_b.result);
  EXPECT_EQ(a.closing_result(), outcome_a.result);
  const close_result& r = outcome_a.result;
  EXPECT_EQ(r.balances, (std::array{sats(750), sats(1'250)}));
  const bytes32 msg = close_message_hash(config.bank, r.balances[0], r.balances[1]);
  EXPECT_TRUE(crypto::verify_eip191(r.sigs[0], msg, p0.keys.addr));
  EXPECT_TRUE(crypto::verify_eip191(r.sigs[1], msg, p1.keys.addr));
  EXPECT_EQ(a.phase(), channel_phase::closed);
  EXPECT_REJECTED(b, b.propose_pay(sats(1)), channel_error::channel_closed);
  EXPECT_REJECTED(b, b.receive_close_request(req), channel_error::channel_closed);
}

TEST_F(ChannelTest, CrossingCloseRequestsBothComplete) {
  auto [a, b] = open();
  const close_request ra = must(a.propose_close());
  const close_request rb = must(b.propose_close());
  const auto oa = must(a.receive_close_request(rb));
  const auto ob = must(b.receive_close_request(ra));
  EXPECT_FALSE(oa.reply);
  EXPECT_FALSE(ob.reply);
  EXPECT_EQ(oa.result, ob.result);
  EXPECT_EQ(oa.result.balances, config.deposits);
}

// ---- Memory --------------------------------------------------------------------------------------

TEST_F(ChannelTest, StateDoesNotGrowWithRounds) {
  auto [a, b] = open();
  std::size_t after_warmup = 0;
  for (int round = 0; round < 300; ++round) {
    pay_over(a, b, 1);
    pay_over(b, a, 1);
    add_over(a, b, 2, lock_of(preimage(round)), two_hours, now_s);
    if (round % 2 == 0) {
      run_round(a, b);
    } else {
      run_round(b, a);
    }
    // Resolve the HTLC right away so the book empties again.
    const auto events = b.drain_events();
    for (const auto& e : events) {
      if (const auto* in = std::get_if<htlc_locked_in>(&e)) {
        must(a.receive_fulfill(must(b.propose_fulfill(in->id, preimage(static_cast<std::uint64_t>(round))))));
      }
    }
    run_round(a, b);
    (void)a.drain_events();
    (void)b.drain_events();
    if (round == 20) after_warmup = a.memory_bytes() + b.memory_bytes();
  }
  EXPECT_EQ(a.sequence(), 600u);
  EXPECT_EQ(a.balances(), (std::array{sats(1'000 - 600), sats(1'000 + 600)}));
  EXPECT_EQ(a.memory_bytes() + b.memory_bytes(), after_warmup);
  EXPECT_LT(a.memory_bytes(), 8'000u);
  // The shachain store still gives any revoked secret back.
  EXPECT_EQ(*a.peer_secrets().get(crypto::shachain_index_of_sequence(123)),
            *crypto::shachain_derive(p1.seed, crypto::shachain_index_of_sequence(123)));
}

}  // namespace
}  // namespace clearway::protocol
