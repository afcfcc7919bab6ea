// Differential test: the same seeded random scenarios on chain::embedded::ledger and on
// chain::evm::backend (VirtualBank on anvil) must give identical outcomes: the same result (or
// named error) for every call, the same bank state, and the same events in the same order at the
// same times. Chain time is pinned: before each call both clocks are set to the same second (the
// ledger's advance_to, anvil's evm_setNextBlockTimestamp).
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>

#include "base/test_seed.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/backend.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"

namespace clearway::chain::evm {
namespace {

amount units(std::uint64_t v) { return amount::from_base_units(v); }

std::string describe(const status<chain::error>& s) { return s ? "ok" : std::string(chain::to_string(s.error())); }

// The parts of a view that must agree (the bank's address, and so the commitment hash that
// signs it, differ by construction).
bank_view normalized(bank_view v) {
  v.bank_address = address{};
  if (v.cashed) v.cashed->commitment_hash = bytes32{};
  return v;
}

event normalized(event e) {
  if (auto* c = std::get_if<ev::commitment_cashed>(&e.body)) c->commitment_hash = bytes32{};
  return e;
}

std::string show(const event& e) {
  std::ostringstream out;
  out << name_of(e.body) << "@" << e.time_s;
  if (const auto* p = e.as<ev::payout>()) out << "(" << int(p->to) << "," << p->value.base_units() << ")";
  return out.str();
}

class Differential : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
    for (std::size_t i = 0; i < 3; ++i) keys_.push_back(crypto::key_pair::from_secret(anvil_process::dev_key(i)));
  }

  // One scenario: a fresh bank on each backend, then `steps` random calls.
  void run_scenario(std::uint64_t seed, int steps) {
    std::mt19937_64 rng(seed);
    auto connected = backend::connect(env_->anvil->url());
    ASSERT_TRUE(connected) << connected.error().describe();
    evm_ = std::move(*connected);
    for (std::size_t i = 0; i < 3; ++i) evm_->add_key(anvil_process::dev_key(i));
    ecur_ = evm_->events_since({}).value().next;
    now_ = evm_->now_s() + 100;
    ledger_.emplace(embedded::ledger_options{now_, bytes32{}});
    for (const auto& k : keys_) ASSERT_TRUE(ledger_->mint(k.addr, units(1'000'000'000)));
    lcur_ = {};
    locks_.clear();
    preimages_.clear();

    const std::uint64_t min_freeze = 60 + rng() % 600;
    const create_args args{{keys_[0].addr, keys_[1].addr}, {units(1 + rng() % 1000), units(1 + rng() % 1000)},
                           min_freeze, 100 + rng() % 1000};
    pin(now_);
    auto lid = ledger_->create(keys_[0].addr, args);
    auto eid = evm_->create(keys_[0].addr, args);
    ASSERT_TRUE(lid && eid) << (eid ? "" : evm_failure());
    lid_ = *lid;
    eid_ = *eid;
    ASSERT_NO_FATAL_FAILURE(compare("create"));

    int after_close = 0;
    for (int step = 0; step < steps && after_close < 3; ++step) {
      now_ += 1 + pick_delay(rng, lview());
      pin(now_);
      std::string what;
      const auto [l, e] = random_call(rng, args, what);
      ASSERT_EQ(describe(l), describe(e)) << "step " << step << ": " << what << (e ? "" : " / " + evm_failure());
      ++outcomes_[what.substr(0, what.find(' ')) + " -> " + describe(l)];
      ASSERT_NO_FATAL_FAILURE(compare("step " + std::to_string(step) + ": " + what));
      if (lview().state == bank_state::closed) ++after_close;
    }
    ++final_states_[std::string(to_string(lview().state))];
  }

  std::string evm_failure() { return evm_->last_failure() ? evm_->last_failure()->describe() : ""; }

  void pin(std::uint64_t t) {
    ASSERT_TRUE(ledger_->advance_to(t));
    ASSERT_TRUE(env_->rpc->set_next_block_timestamp(t));
  }

  // Mostly small steps; sometimes a jump to one second before, at or after a deadline that matters
  // now (funding deadline, freeze end, an HTLC's time lock), where off-by-one errors would show.
  std::uint64_t pick_delay(std::mt19937_64& rng, const bank_view& v) {
    std::vector<std::uint64_t> deadlines;
    if (v.state == bank_state::funding && rng() % 8 == 0) deadlines.push_back(v.funding_deadline_s);
    if (v.state == bank_state::auditing && rng() % 3 == 0) {
      deadlines.push_back(v.cashed->freeze_end_s);
      for (const auto& h : v.cashed->htlcs) deadlines.push_back(h.terms.time_lock_s);
    }
    if (!deadlines.empty()) {
      const std::uint64_t target = deadlines[rng() % deadlines.size()] + rng() % 3;  // -1, 0, +1 after the "1 +"
      if (target >= now_ + 2) return target - now_ - 2;
    }
    return rng() % 5;
  }

  // Which call to make: mostly one that fits the bank's state, sometimes any.
  int pick_call(std::mt19937_64& rng, bank_state state) {
    if (rng() % 5 == 0) return static_cast<int>(rng() % 8);
    switch (state) {
      case bank_state::funding: return rng() % 6 == 0 ? 1 : 0;                  // deposit, sometimes cancel
      case bank_state::running: return rng() % 4 == 0 ? 7 : 2;                  // cash, sometimes close
      case bank_state::auditing: {
        const int r = static_cast<int>(rng() % 6);
        return r < 3 ? 4 : (r < 4 ? 5 : 6);                                      // claim, punish, withdraw
      }
      case bank_state::closed: break;
    }
    return static_cast<int>(rng() % 8);
  }

  bank_view lview() { return ledger_->state(lid_).value(); }

  crypto::secret_key lock_key(party p, std::uint32_t sequence) {
    const auto key = std::make_pair(static_cast<int>(p), sequence);
    auto it = locks_.find(key);
    if (it == locks_.end()) {
      bytes32 material = crypto::sha256(bytes32{}.span());
      material.bytes[0] = static_cast<std::uint8_t>(p);
      material.bytes[1] = static_cast<std::uint8_t>(sequence);
      material.bytes[2] = static_cast<std::uint8_t>(locks_.size());
      it = locks_.emplace(key, crypto::secret_key::from_material(material)).first;
    }
    return it->second;
  }

  // Picks one call, makes it on both backends, returns both results.
  std::pair<status<chain::error>, status<chain::error>> random_call(std::mt19937_64& rng, const create_args& args,
                                                                    std::string& what) {
    const bank_view lv = lview();
    const bank_view ev = evm_->state(eid_).value();
    const std::size_t who_index = rng() % 10 == 0 ? 2 : rng() % 2;  // sometimes a stranger
    const address caller = keys_[who_index].addr;
    const std::uint64_t total = args.deposits[0].base_units() + args.deposits[1].base_units();
    switch (pick_call(rng, lv.state)) {
      case 0: {
        const std::size_t p = who_index % 2;
        const amount value = rng() % 6 == 0 ? units(args.deposits[p].base_units() + 1) : args.deposits[p];
        what = "deposit " + std::to_string(value.base_units());
        return {ledger_->deposit(caller, lid_, value), evm_->deposit(caller, eid_, value)};
      }
      case 1:
        what = "cancel";
        return {ledger_->cancel(caller, lid_), evm_->cancel(caller, eid_)};
      case 2:
      case 3: {
        const party submitter = who_index == 1 ? party::one : party::zero;
        const std::uint32_t sequence = static_cast<std::uint32_t>(1 + rng() % 4);
        std::vector<protocol::htlc_terms> htlcs;
        std::uint64_t left = total;
        const std::size_t n = rng() % 4;
        for (std::size_t i = 0; i < n && left > 0; ++i) {
          bytes32 preimage;
          for (auto& b : preimage.bytes) b = static_cast<std::uint8_t>(rng());
          const bytes32 lock = crypto::sha256(preimage.span());
          preimages_[lock] = preimage;
          const std::uint64_t value = 1 + rng() % left;
          left -= value;
          htlcs.push_back({rng() % 2 == 0 ? party::zero : party::one, units(value), lock,
                           now_ + args.min_freeze_time_s - 3 + rng() % (2 * args.min_freeze_time_s)});
        }
        const std::uint64_t base0 = rng() % (left + 1);
        std::uint64_t base1 = left - base0;
        if (rng() % 8 == 0) base1 += 1;  // does not add up
        std::uint64_t freeze = args.min_freeze_time_s + rng() % 3;
        if (rng() % 8 == 0) freeze -= 1;  // too short
        const bool wrong_signer = rng() % 8 == 0;
        auto make = [&](const address& bank) {
          protocol::commitment c;
          c.bank = bank;
          c.sequence = sequence;
          c.base = {units(base0), units(base1)};
          c.htlcs = htlcs;
          c.revocation_lock = crypto::address_of(lock_key(submitter, sequence));
          c.freeze_time_s = freeze;
          const auto& signer = keys_[wrong_signer ? protocol::index_of(submitter) : protocol::index_of(protocol::other(submitter))];
          return cash_args{c, crypto::sign_eip191(signer.secret, protocol::commitment_hash(c))};
        };
        what = "cash #" + std::to_string(sequence) + " with " + std::to_string(htlcs.size()) + " HTLCs";
        return {ledger_->cash(caller, lid_, make(lv.bank_address)), evm_->cash(caller, eid_, make(ev.bank_address))};
      }
      case 4: {
        const std::size_t count = lv.cashed ? lv.cashed->htlcs.size() : 0;
        const std::uint32_t index = static_cast<std::uint32_t>(rng() % (count + 1));
        bytes32 preimage{};
        if (index < count && rng() % 5 != 0) preimage = preimages_[lv.cashed->htlcs[index].terms.hash_lock];
        what = "claim_htlc " + std::to_string(index);
        return {ledger_->claim_htlc(caller, lid_, {index, preimage}), evm_->claim_htlc(caller, eid_, {index, preimage})};
      }
      case 5: {
        std::uint32_t sequence = lv.cashed ? lv.cashed->sequence : 1;
        const party submitter = lv.cashed ? lv.cashed->submitter : party::zero;
        if (rng() % 5 == 0) sequence += 1;  // a revocation of another commitment
        const auto key = lock_key(submitter, sequence);
        what = "punish #" + std::to_string(sequence);
        return {ledger_->punish(caller, lid_,
                                {crypto::sign_eip191(key, protocol::revocation_message_hash(lv.bank_address, sequence))}),
                evm_->punish(caller, eid_,
                             {crypto::sign_eip191(key, protocol::revocation_message_hash(ev.bank_address, sequence))})};
      }
      case 6:
        what = "withdraw";
        return {ledger_->withdraw(caller, lid_), evm_->withdraw(caller, eid_)};
      default: {
        const std::uint64_t a0 = rng() % (total + 1);
        const std::uint64_t a1 = total - a0 + (rng() % 8 == 0 ? 1 : 0);
        const bool swap = rng() % 8 == 0;
        auto make = [&](const address& bank) {
          const bytes32 msg = protocol::close_message_hash(bank, units(a0), units(a1));
          auto s0 = crypto::sign_eip191(keys_[0].secret, msg);
          auto s1 = crypto::sign_eip191(keys_[1].secret, msg);
          if (swap) std::swap(s0, s1);
          return close_args{{units(a0), units(a1)}, s0, s1};
        };
        what = "close " + std::to_string(a0) + "/" + std::to_string(a1);
        return {ledger_->close(caller, lid_, make(lv.bank_address)), evm_->close(caller, eid_, make(ev.bank_address))};
      }
    }
  }

  // Same state, same new events (with their times), and the hashes each backend signed are its own.
  void compare(const std::string& after) {
    auto lv = ledger_->state(lid_);
    auto ev = evm_->state(eid_);
    ASSERT_TRUE(lv && ev) << after << ": " << evm_failure();
    EXPECT_TRUE(normalized(*lv) == normalized(*ev)) << after << ": the bank states differ (state "
                                                     << to_string(lv->state) << " vs " << to_string(ev->state) << ")";
    auto lb = ledger_->events_since(lcur_);
    auto eb = evm_->events_since(ecur_);
    ASSERT_TRUE(lb && eb) << after << ": " << evm_failure();
    std::string ls, es;
    for (const auto& e : lb->events) ls += show(e) + " ";
    for (const auto& e : eb->events) es += show(e) + " ";
    ASSERT_EQ(lb->events.size(), eb->events.size()) << after << "\n ledger: " << ls << "\n evm:    " << es;
    for (std::size_t i = 0; i < lb->events.size(); ++i) {
      EXPECT_TRUE(normalized(lb->events[i]) == normalized(eb->events[i]))
          << after << ": event " << i << "\n ledger: " << ls << "\n evm:    " << es;
      if (const auto* c = eb->events[i].as<ev::commitment_cashed>()) {
        EXPECT_EQ(c->commitment_hash, ev->cashed->commitment_hash);
      }
    }
    lcur_ = lb->next;
    ecur_ = eb->next;
  }

  testing::anvil_env* env_ = nullptr;
  std::vector<crypto::key_pair> keys_;
  std::optional<embedded::ledger> ledger_;
  std::unique_ptr<backend> evm_;
  bank_id lid_, eid_;
  event_cursor lcur_, ecur_;
  std::uint64_t now_ = 0;
  std::map<std::pair<int, std::uint32_t>, crypto::secret_key> locks_;
  std::map<bytes32, bytes32> preimages_;
  std::map<std::string, int> outcomes_;  // "call -> result": how often
  std::map<std::string, int> final_states_;
};

TEST_F(Differential, RandomScenariosMatchTheEmbeddedLedger) {
  std::mt19937_64 seeds(test_seed("Differential"));
  for (int scenario = 0; scenario < 10; ++scenario) {
    const std::uint64_t seed = seeds();
    SCOPED_TRACE("scenario seed " + std::to_string(seed));
    ASSERT_NO_FATAL_FAILURE(run_scenario(seed, 30));
  }
  for (const auto& [what, count] : outcomes_) std::printf("  %-60s %4d\n", what.c_str(), count);
  for (const auto& [what, count] : final_states_) std::printf("  final state %-48s %4d\n", what.c_str(), count);
  // The scenarios must reach the interesting part (a cash, a closed bank), or they compare little.
  EXPECT_GE(outcomes_["cash -> ok"], 1);
  EXPECT_GE(final_states_["closed"], 1);
}

}  // namespace
}  // namespace clearway::chain::evm
