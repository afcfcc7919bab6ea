// The watcher works on both backends: real protocol::channel pairs on a bank, each party's watcher
// (chain::decide on chain::make_watch_record, calls made with chain::execute), the same scenario
// played on chain::embedded::ledger and on chain::evm::backend (VirtualBank on anvil) side by side.
// Each scenario checks its expected outcome on each backend, then that both backends ended alike:
// the same watcher decisions at the same times, the same bank state and events, the same payouts,
// and the same money actually received by each client (embedded: its account; evm: ether collected
// to an address that held none).
//
// Chain time is pinned on both (ledger advance_to, anvil evm_setNextBlockTimestamp): the watcher is
// asked at time t and its call is mined at t, so deadlines fall on the same second on both.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chain/bank.hpp"
#include "chain/channel_watch.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/backend.hpp"
#include "chain/watcher.hpp"
#include "crypto/hash.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::chain::evm {
namespace {

using protocol::channel;
using protocol::test::lock_of;
using protocol::test::preimage;
using protocol::test::sats;

constexpr std::uint64_t deposit_each = 1'000;
constexpr std::uint64_t min_freeze_time_s = 3'600;
constexpr std::uint64_t freeze_time_s = 86'400;  // the channel's (make_config's), >= the bank's minimum
constexpr std::uint64_t funding_timeout_s = 3'600;

protocol::test::party_keys party_keys_of(std::size_t i) {
  // Anvil's funded dev accounts 0 and 1; the embedded ledger mints for them.
  return {crypto::key_pair::from_secret(anvil_process::dev_key(i)), protocol::test::fill32(i == 0 ? 0xa1 : 0xb2)};
}

// One backend and its clock.
class chain_side {
 public:
  virtual ~chain_side() = default;
  [[nodiscard]] virtual bank_backend& bank() = 0;
  // The next call happens at chain time t (t only grows).
  virtual void at(std::uint64_t t) = 0;
  // Everything the bank paid `client` so far, moved to where it can be spent; what arrived there.
  [[nodiscard]] virtual amount received(bank_id id, const address& client, std::uint64_t t) = 0;
};

class ledger_side final : public chain_side {
 public:
  ledger_side(std::uint64_t start_time_s, const std::array<address, 2>& clients)
      : ledger_(embedded::ledger_options{start_time_s, crypto::sha256(bytes32{}.span())}) {
    // Each client holds exactly its deposit: after funding its account shows what the bank paid.
    for (const auto& c : clients) EXPECT_TRUE(ledger_.mint(c, sats(deposit_each)));
  }
  bank_backend& bank() override { return ledger_; }
  void at(std::uint64_t t) override { ASSERT_TRUE(ledger_.advance_to(t)); }
  amount received(bank_id, const address& client, std::uint64_t) override {
    EXPECT_TRUE(ledger_.audit());
    return ledger_.balance_of(client);
  }

 private:
  embedded::ledger ledger_;
};

class evm_side final : public chain_side {
 public:
  explicit evm_side(testing::anvil_env& env) : env_(env) {
    auto connected = backend::connect(env.anvil->url());
    EXPECT_TRUE(connected) << connected.error().describe();
    if (!connected) return;
    backend_ = std::move(*connected);
    for (std::size_t i = 0; i < 2; ++i) backend_->add_key(anvil_process::dev_key(i));
  }
  [[nodiscard]] bool ok() const { return backend_ != nullptr; }
  [[nodiscard]] backend& evm() { return *backend_; }
  bank_backend& bank() override { return *backend_; }
  void at(std::uint64_t t) override {
    auto pinned = env_.rpc->set_next_block_timestamp(t);
    ASSERT_TRUE(pinned) << pinned.error().describe();
  }
  // Pull payment: collect the credit to a fresh address (one per bank and client) and read its balance.
  amount received(bank_id id, const address& client, std::uint64_t t) override {
    const auto bank_address = backend_->address_of(id).value();
    byte_vector material(bank_address.bytes.begin(), bank_address.bytes.end());
    material.insert(material.end(), client.bytes.begin(), client.bytes.end());
    const bytes32 h = crypto::keccak256(material);
    address sink;
    std::copy_n(h.bytes.begin(), sink.bytes.size(), sink.bytes.begin());
    auto before = env_.rpc->balance(sink, block_ref::latest());
    EXPECT_TRUE(before && *before == 0) << "the collecting address is not fresh";
    const auto view = backend_->state(id).value();
    const auto who = view.party_of(client).value();
    if (view.paid_out[protocol::index_of(who)].base_units() > 0) {
      at(t);
      auto collected = backend_->collect(client, id, sink);
      EXPECT_TRUE(collected) << describe_failure();
    }
    auto after = env_.rpc->balance(sink, block_ref::latest());
    EXPECT_TRUE(after && *after <= UINT64_MAX);
    return sats(after ? static_cast<std::uint64_t>(*after) : 0);
  }
  [[nodiscard]] std::string describe_failure() const {
    return backend_->last_failure() ? backend_->last_failure()->describe() : "";
  }

 private:
  testing::anvil_env& env_;
  std::unique_ptr<backend> backend_;
};

std::string_view name_of(const bank_call& c) {
  static constexpr std::array<std::string_view, 6> names{"cancel", "cash", "claim_htlc", "punish", "withdraw", "close"};
  return names.at(c.index());
}

// What a scenario leaves behind, compared across backends (bank addresses, and so the hashes that
// sign them, differ by construction and are blanked).
struct outcome {
  std::vector<std::string> decisions;  // "t+<seconds> party <p>: <calls made>"
  bank_view view;
  std::vector<event> events;
  std::array<amount, 2> received{};
};

bank_view normalized(bank_view v) {
  v.id = bank_id{};
  v.bank_address = address{};
  if (v.cashed) v.cashed->commitment_hash = bytes32{};
  return v;
}

event normalized(event e) {
  e.bank = bank_id{};
  if (auto* c = std::get_if<ev::commitment_cashed>(&e.body)) c->commitment_hash = bytes32{};
  return e;
}

std::string show(const std::vector<event>& events, std::uint64_t t0) {
  std::string out;
  for (const auto& e : events) out += std::string(chain::name_of(e.body)) + "@+" + std::to_string(e.time_s - t0) + " ";
  return out;
}

// A channel between party 0 and party 1 on a bank of one backend: the bank is created and funded
// first, then the channel opens with config.bank = that bank's address.
class channel_on_bank {
 public:
  channel_on_bank(chain_side& side, std::uint64_t t0) : side_(side), t0_(t0), now_(t0) {
    const auto p0 = party_keys_of(0);
    const auto p1 = party_keys_of(1);
    addresses_ = {p0.keys.addr, p1.keys.addr};
    const create_args args{addresses_, {sats(deposit_each), sats(deposit_each)}, min_freeze_time_s, funding_timeout_s};
    at(0);
    auto created = side_.bank().create(addresses_[0], args);
    if (!created) throw protocol::test::step_failed("create: " + std::string(to_string(created.error())));
    id_ = *created;
    for (std::size_t i = 0; i < 2; ++i) {
      at(1 + i);
      auto deposited = side_.bank().deposit(addresses_[i], id_, sats(deposit_each));
      if (!deposited) throw protocol::test::step_failed("deposit: " + std::string(to_string(deposited.error())));
    }
    const bank_view view = state();
    if (view.state != bank_state::running) throw protocol::test::step_failed("the bank is not running");
    protocol::channel_config config = protocol::test::make_config(deposit_each, deposit_each, p0, p1);
    config.bank = view.bank_address;
    config.freeze_time_s = freeze_time_s;
    auto pair = protocol::test::open_pair(config, p0, p1);
    channels_.emplace(std::move(pair));
  }

  bank_backend& bank() { return side_.bank(); }
  channel& a() { return channels_->a; }
  channel& b() { return channels_->b; }
  channel& of(party p) { return p == party::zero ? a() : b(); }
  [[nodiscard]] const address& addr(party p) const { return addresses_[protocol::index_of(p)]; }
  [[nodiscard]] bank_id id() const { return id_; }
  [[nodiscard]] std::uint64_t t0() const { return t0_; }
  [[nodiscard]] std::uint64_t now() const { return now_; }

  // Chain time t0 + offset_s for the next call (and the watcher's now).
  void at(std::uint64_t offset_s) {
    const std::uint64_t t = t0_ + offset_s;
    if (t < now_) throw protocol::test::step_failed("time goes backwards in the scenario");
    now_ = t;
    side_.at(t);
  }

  [[nodiscard]] bank_view state() {
    auto v = side_.bank().state(id_);
    if (!v) throw protocol::test::step_failed("state: " + std::string(to_string(v.error())));
    return *v;
  }

  // Party p's watcher at t0 + offset_s: decides on the bank's state and makes every call it
  // returns, in order, each one second after the previous. Returns the calls.
  std::vector<bank_call> watch(party p, std::uint64_t offset_s, bool close_requested = false) {
    at(offset_s);
    const watch_record record = make_watch_record(of(p), extra_preimages_[protocol::index_of(p)]);
    auto calls = decide(record, state(), watch_input{now_, close_requested});
    if (!calls) throw protocol::test::step_failed("decide: " + std::string(to_string(calls.error())));
    std::string line = "t+" + std::to_string(offset_s) + " party " + std::to_string(protocol::index_of(p)) + ":";
    for (std::size_t i = 0; i < calls->size(); ++i) {
      if (i > 0) at(offset_s + i);
      auto made = execute(side_.bank(), addr(p), id_, (*calls)[i]);
      EXPECT_TRUE(made) << name_of((*calls)[i]) << ": " << to_string(made.error());
      line += " " + std::string(name_of((*calls)[i])) + (made ? "" : "!" + std::string(to_string(made.error())));
    }
    decisions_.push_back(line);
    return *calls;
  }

  // A preimage party p knows from elsewhere (its invoice).
  void learn(party p, const bytes32& pre) { extra_preimages_[protocol::index_of(p)].emplace(lock_of(pre), pre); }

  // Every client's payouts moved out of the bank, and the whole story.
  outcome finish(std::uint64_t offset_s) {
    outcome out;
    out.decisions = decisions_;
    std::uint64_t step = 0;
    for (std::size_t i = 0; i < 2; ++i) {
      out.received[i] = side_.received(id_, addresses_[i], t0_ + offset_s + step++);
    }
    out.view = state();
    auto batch = side_.bank().events_since({});
    if (!batch) throw protocol::test::step_failed("events: " + std::string(to_string(batch.error())));
    for (const auto& e : batch->events) {
      if (e.bank == id_) out.events.push_back(e);
    }
    return out;
  }

 private:
  chain_side& side_;
  std::uint64_t t0_;
  std::uint64_t now_;
  std::array<address, 2> addresses_;
  bank_id id_{};
  std::optional<protocol::test::channel_pair> channels_;
  std::array<std::map<bytes32, bytes32>, 2> extra_preimages_;
  std::vector<std::string> decisions_;
};

// Names of the calls, for short assertions.
std::vector<std::string_view> names(const std::vector<bank_call>& calls) {
  std::vector<std::string_view> out;
  for (const auto& c : calls) out.push_back(name_of(c));
  return out;
}
using call_names = std::vector<std::string_view>;

class WatcherOnBothBackends : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
    evm_ = std::make_unique<evm_side>(*env_);
    ASSERT_TRUE(evm_->ok());
    // Both clocks start at the same second, after anything earlier tests mined.
    t0_ = evm_->evm().now_s() + 100;
    ledger_ = std::make_unique<ledger_side>(t0_, std::array<address, 2>{party_keys_of(0).keys.addr,
                                                                        party_keys_of(1).keys.addr});
  }

  // Runs `scenario` on the ledger, then on the EVM; each run checks its own expectations. Then
  // both must have ended alike.
  template <class Scenario>
  void on_both(Scenario scenario) {
    std::array<outcome, 2> out;
    std::array<chain_side*, 2> sides{ledger_.get(), evm_.get()};
    for (std::size_t i = 0; i < 2; ++i) {
      SCOPED_TRACE(i == 0 ? "embedded ledger" : "evm (anvil)");
      try {
        channel_on_bank run(*sides[i], t0_);
        scenario(run);
        if (::testing::Test::HasFatalFailure()) return;
        out[i] = run.finish(run.now() - t0_ + 1);
        for (std::size_t p = 0; p < 2; ++p) {
          EXPECT_EQ(out[i].received[p], out[i].view.paid_out[p]) << "party " << p << " did not receive its payouts";
        }
        EXPECT_EQ(out[i].view.state, bank_state::closed);
      } catch (const std::exception& e) {
        FAIL() << e.what() << (i == 1 ? " / " + evm_->describe_failure() : "");
      }
    }
    EXPECT_EQ(out[0].decisions, out[1].decisions);
    EXPECT_TRUE(normalized(out[0].view) == normalized(out[1].view)) << "the bank states differ";
    EXPECT_EQ(out[0].received, out[1].received);
    ASSERT_EQ(out[0].events.size(), out[1].events.size())
        << "\n ledger: " << show(out[0].events, t0_) << "\n evm:    " << show(out[1].events, t0_);
    for (std::size_t i = 0; i < out[0].events.size(); ++i) {
      ASSERT_TRUE(normalized(out[0].events[i]) == normalized(out[1].events[i]))
          << "event " << i << "\n ledger: " << show(out[0].events, t0_) << "\n evm:    " << show(out[1].events, t0_);
    }
  }

  testing::anvil_env* env_ = nullptr;
  std::unique_ptr<evm_side> evm_;
  std::unique_ptr<ledger_side> ledger_;
  std::uint64_t t0_ = 0;
};

// (a) Party 1 cashes a commitment it has revoked; party 0's watcher punishes before the freeze
// ends and takes everything.
TEST_F(WatcherOnBothBackends, RevokedCommitmentIsPunishedAndTheCheaterGetsNothing) {
  on_both([](channel_on_bank& run) {
    using protocol::test::pay_over;
    using protocol::test::run_round;
    pay_over(run.a(), run.b(), 300);  // #1: 700 / 1300
    run_round(run.a(), run.b());
    const auto revoked = run.b().latest_signed_own_commitment();
    ASSERT_EQ(revoked.content.sequence, 1u);
    pay_over(run.b(), run.a(), 500);  // #2: 1200 / 800; party 1 revokes #1
    run_round(run.b(), run.a());
    ASSERT_EQ(run.a().highest_peer_revoked(), 1u);

    EXPECT_EQ(names(run.watch(party::zero, 10)), call_names{});  // nothing to do while running
    run.at(20);
    ASSERT_TRUE(run.state().cashed == std::nullopt);
    auto cheat = execute(run.bank(), run.addr(party::one), run.id(),
                         cash_args{revoked.content, revoked.peer_sig});
    ASSERT_TRUE(cheat) << to_string(cheat.error());
    EXPECT_EQ(run.state().paid_out[0], sats(700));  // the defender's base, paid at once

    EXPECT_EQ(names(run.watch(party::zero, 30)), call_names{"punish"});
    const bank_view after = run.state();
    EXPECT_EQ(after.state, bank_state::closed);
    EXPECT_EQ(after.paid_out[0], sats(2 * deposit_each));
    EXPECT_EQ(after.paid_out[1], sats(0));
    EXPECT_EQ(names(run.watch(party::zero, 40)), call_names{});
    EXPECT_EQ(names(run.watch(party::one, 41)), call_names{});
  });
}

// (b) Party 1 cashes its latest commitment, which holds two HTLCs it offered party 0: party 0
// knows the preimage of one (its invoice) and claims it before its time lock; the other refunds
// to party 1, whose watcher withdraws after the freeze.
TEST_F(WatcherOnBothBackends, PeerCashesLatestAndTheWatcherClaimsAKnownHtlcBeforeItsLock) {
  on_both([](channel_on_bank& run) {
    using protocol::test::add_over;
    using protocol::test::pay_over;
    using protocol::test::run_round;
    const std::uint64_t lock_known = run.t0() + 7'200;
    const std::uint64_t lock_unknown = run.t0() + 10'800;
    add_over(run.b(), run.a(), 200, lock_of(preimage(1)), lock_known, run.t0());
    add_over(run.b(), run.a(), 50, lock_of(preimage(2)), lock_unknown, run.t0());
    pay_over(run.a(), run.b(), 100);  // #1: 900 / 850 + HTLCs 200 and 50 to party 0
    run_round(run.b(), run.a());
    run.learn(party::zero, preimage(1));

    EXPECT_EQ(names(run.watch(party::zero, 50)), call_names{});  // lock still beyond the claim margin
    run.at(100);
    const auto latest = run.b().latest_signed_own_commitment();
    ASSERT_EQ(latest.content.htlcs.size(), 2u);
    ASSERT_TRUE(execute(run.bank(), run.addr(party::one), run.id(), cash_args{latest.content, latest.peer_sig}));
    EXPECT_EQ(run.state().paid_out[0], sats(900));

    const auto claims = run.watch(party::zero, 200);
    ASSERT_EQ(names(claims), call_names{"claim_htlc"});
    const bank_view view = run.state();
    const auto index = std::get<claim_htlc_args>(claims[0]).index;
    EXPECT_EQ(view.cashed->htlcs.at(index).terms.hash_lock, lock_of(preimage(1)));
    EXPECT_EQ(view.cashed->htlcs.at(index).outcome, htlc_outcome::claimed);
    EXPECT_EQ(view.paid_out[0], sats(1'100));  // the defender's claim is paid at once
    EXPECT_EQ(names(run.watch(party::zero, 201)), call_names{});
    // At its lock the claim would have come too late: the watcher would not try it.
    const watch_record record = make_watch_record(run.a(), {{lock_of(preimage(1)), preimage(1)}});
    bank_view unclaimed = view;
    unclaimed.cashed->htlcs.at(index).outcome = htlc_outcome::pending;
    EXPECT_EQ(names(decide(record, unclaimed, {lock_known - 1}).value()), call_names{"claim_htlc"});
    EXPECT_EQ(names(decide(record, unclaimed, {lock_known}).value()), call_names{});

    const std::uint64_t freeze_end = view.cashed->freeze_end_s - run.t0();
    EXPECT_EQ(names(run.watch(party::one, 202)), call_names{});  // the submitter waits for the freeze
    EXPECT_EQ(names(run.watch(party::one, freeze_end - 1)), call_names{});
    EXPECT_EQ(names(run.watch(party::one, freeze_end)), call_names{"withdraw"});
    const bank_view after = run.state();
    EXPECT_EQ(after.cashed->htlcs.at(1 - index).outcome, htlc_outcome::refunded);
    EXPECT_EQ(after.paid_out[0], sats(1'100));
    EXPECT_EQ(after.paid_out[1], sats(900));  // bond 850 + the unclaimed HTLC's refund
    EXPECT_EQ(names(run.watch(party::zero, freeze_end + 1)), call_names{});
  });
}

// (c) Party 0 wants out (close_requested): its watcher cashes its latest, withdraws its bond after
// the freeze, and after the time lock of the HTLC it offered (never fulfilled) withdraws its refund.
TEST_F(WatcherOnBothBackends, OwnCloseWithdrawsAfterTheFreezeAndRefundsAnOfferedHtlcAfterItsLock) {
  on_both([](channel_on_bank& run) {
    using protocol::test::add_over;
    using protocol::test::pay_over;
    using protocol::test::run_round;
    const std::uint64_t lock = run.t0() + 2 * 86'400;  // after the freeze ends
    add_over(run.a(), run.b(), 150, lock_of(preimage(3)), lock, run.t0());
    pay_over(run.b(), run.a(), 250);  // #1: 1100 / 750 + HTLC 150 to party 1
    run_round(run.a(), run.b());

    EXPECT_EQ(names(run.watch(party::zero, 50)), call_names{});
    EXPECT_EQ(names(run.watch(party::zero, 100, /*close_requested=*/true)), call_names{"cash"});
    const bank_view cashed = run.state();
    ASSERT_EQ(cashed.state, bank_state::auditing);
    EXPECT_EQ(cashed.cashed->submitter, party::zero);
    EXPECT_EQ(cashed.cashed->sequence, 1u);
    EXPECT_EQ(cashed.paid_out[1], sats(750));
    const std::uint64_t freeze_end = cashed.cashed->freeze_end_s - run.t0();
    ASSERT_LT(freeze_end, lock - run.t0());

    EXPECT_EQ(names(run.watch(party::zero, 200)), call_names{});
    EXPECT_EQ(names(run.watch(party::one, 201)), call_names{});  // no preimage: nothing to claim
    EXPECT_EQ(names(run.watch(party::zero, freeze_end - 1)), call_names{});
    EXPECT_EQ(names(run.watch(party::zero, freeze_end)), call_names{"withdraw"});
    bank_view view = run.state();
    EXPECT_EQ(view.state, bank_state::auditing);  // the HTLC is still pending
    EXPECT_TRUE(view.cashed->bond_paid);
    EXPECT_EQ(view.paid_out[0], sats(1'100));
    EXPECT_EQ(names(run.watch(party::zero, lock - run.t0() - 1)), call_names{});
    EXPECT_EQ(names(run.watch(party::one, lock - run.t0())), call_names{});  // the refund is party 0's
    EXPECT_EQ(names(run.watch(party::zero, lock - run.t0())), call_names{"withdraw"});
    view = run.state();
    EXPECT_EQ(view.cashed->htlcs.at(0).outcome, htlc_outcome::refunded);
    EXPECT_EQ(view.paid_out[0], sats(1'250));
    EXPECT_EQ(view.paid_out[1], sats(750));
    EXPECT_EQ(view.state, bank_state::closed);
  });
}

}  // namespace
}  // namespace clearway::chain::evm
