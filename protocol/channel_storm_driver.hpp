// Test-only: a seeded random driver for an honest channel pair (proposals from both sides,
// crossing initiates, one in-order queue per direction delivered at random). Used by the state
// codec's round-trip property test and node/store's crash test. No gtest: failures are returned.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "crypto/hash.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"
#include "protocol/codec.hpp"

namespace clearway::protocol::test {

class storm_driver {
 public:
  static constexpr std::uint64_t now_s = 1'000'000;

  // Party keys are passed in (the caller keeps them to restore channels).
  storm_driver(std::uint64_t seed, const crypto::key_pair& k0, const crypto::key_pair& k1) : rng_(seed) {
    config_.bank.bytes.fill(0xba);
    config_.addresses = {k0.addr, k1.addr};
    config_.public_keys = {k0.pub, k1.pub};
    config_.deposits = {amount::from_base_units(pick(20, 400)), amount::from_base_units(pick(20, 400))};
    config_.freeze_time_s = 86'400;
    config_.lock_batch = static_cast<std::uint32_t>(pick(2, 4));
    config_.limits.max_accepted_htlcs = static_cast<std::uint32_t>(pick(2, 6));
    config_.limits.max_time_lock_delta_s = 10 * 3600;
    const bytes32 s0 = random32();
    const bytes32 s1 = random32();
    const auto l0 = derive_lock_addresses(s0, 0, config_.lock_batch);
    const auto l1 = derive_lock_addresses(s1, 0, config_.lock_batch);
    ch_.push_back(*channel::create(config_, party::zero, k0, s0, l1, l0));
    ch_.push_back(*channel::create(config_, party::one, k1, s1, l0, l1));
    const commit c0 = *ch_[0].initial_commit();
    const commit c1 = *ch_[1].initial_commit();
    (void)ch_[0].receive_commit(c1);
    (void)ch_[1].receive_commit(c0);
  }

  [[nodiscard]] channel& end(std::size_t p) { return ch_[p]; }
  [[nodiscard]] const channel& end(std::size_t p) const { return ch_[p]; }
  [[nodiscard]] const channel_config& config() const { return config_; }
  [[nodiscard]] const std::string& failure() const { return failure_; }
  [[nodiscard]] bool queues_empty() const { return queues_[0].empty() && queues_[1].empty(); }
  [[nodiscard]] std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }

  // One random step. Appends everything observable (messages sent, refusals) to `trace`.
  void step(std::string& trace) {
    const std::size_t p = pick(0, 1);
    const auto what = pick(0, 19);
    if (what < 6) {
      propose(p, trace);
    } else if (what < 9) {
      auto r = ch_[p].initiate_commit();
      note(trace, r);
      if (r) send(p, *r, trace);
    } else {
      deliver(p, trace);
    }
  }

  // Delivers everything, starting rounds until nothing is uncovered: both ends end idle and equal.
  void settle(std::string& trace) {
    for (int guard = 0; guard < 10'000; ++guard) {
      if (!queues_empty()) {
        deliver(queues_[0].empty() ? 1 : 0, trace);
        continue;
      }
      bool started = false;
      for (std::size_t p : {0, 1}) {
        if (ch_[p].round() == round_state::idle && ch_[p].has_uncovered_proposals()) {
          auto r = ch_[p].initiate_commit();
          note(trace, r);
          if (r) send(p, *r, trace), started = true;
          break;
        }
      }
      if (!started) return;
    }
    failure_ = "settle did not converge";
  }

  // A complete round of one pay from `p` (if it can pay) then settle: used by the crash test.
  void pay_and_settle(std::size_t p, std::uint64_t value, std::string& trace) {
    auto r = ch_[p].propose_pay(amount::from_base_units(value));
    note(trace, r);
    if (r) send(p, *r, trace);
    settle(trace);
  }

 private:
  bytes32 random32() {
    bytes32 out;
    for (auto& b : out.bytes) b = static_cast<std::uint8_t>(pick(0, 255));
    return out;
  }
  static void refused(std::string& trace, channel_error e) {
    trace += '!';
    trace += to_string(e);
    trace += ';';
  }
  template <class R>
  void note(std::string& trace, const R& r) {
    if (!r) refused(trace, r.error());
  }
  void send(std::size_t from, const message& m, std::string& trace) {
    const byte_vector wire = encode(m);
    trace += std::to_string(from);
    trace += '>';
    trace += to_hex(wire);
    trace += ';';
    queues_[from].push_back(m);
  }

  void propose(std::size_t p, std::string& trace) {
    channel& c = ch_[p];
    switch (pick(0, 4)) {
      case 0: {
        const std::uint64_t avail = c.own_available().base_units();
        auto r = c.propose_pay(amount::from_base_units(pick(0, avail + avail / 4 + 1)));
        note(trace, r);
        if (r) send(p, *r, trace);
        break;
      }
      case 1:
      case 2: {
        const std::uint64_t avail = c.own_available().base_units();
        const bytes32 pre = random32();
        const bytes32 hash = crypto::sha256(pre.span());
        preimages_[hash] = pre;
        const std::uint64_t lock = now_s + pick(0, 3 * config_.limits.min_time_lock_margin_s);
        auto r = c.propose_add_htlc(amount::from_base_units(pick(0, avail / 2 + 2)), hash, lock, now_s);
        note(trace, r);
        if (r) send(p, *r, trace);
        break;
      }
      default: {
        std::vector<htlc_view> candidates;
        for (const htlc_view& h : c.htlcs()) {
          if (h.terms.offerer == c.peer() && h.state == htlc_state::irrevocable) candidates.push_back(h);
        }
        if (candidates.empty()) return;
        const htlc_view& h = candidates[pick(0, candidates.size() - 1)];
        if (pick(0, 99) < 60) {
          auto r = c.propose_fulfill(h.id, preimages_.at(h.terms.hash_lock));
          note(trace, r);
          if (r) send(p, *r, trace);
        } else {
          auto r = c.propose_fail(h.id, fail_reason::temporary_failure);
          note(trace, r);
          if (r) send(p, *r, trace);
        }
      }
    }
  }

  void deliver(std::size_t from, std::string& trace) {
    if (queues_[from].empty()) return;
    const std::size_t to = 1 - from;
    const message m = queues_[from].front();
    queues_[from].pop_front();
    channel& c = ch_[to];
    auto refuse = [&](channel_error e) {
      failure_ = "honest message refused: ";
      failure_ += to_string(e);
      refused(trace, e);
    };
    if (const auto* cm = std::get_if<commit>(&m)) {
      auto r = c.receive_commit(*cm);
      if (!r) return refuse(r.error());
      if (r->countersign) send(to, *r->countersign, trace);
      if (r->revocation) send(to, *r->revocation, trace);
    } else if (const auto* rv = std::get_if<revoke>(&m)) {
      auto r = c.receive_revoke(*rv);
      if (!r) return refuse(r.error());
    } else if (const auto* add = std::get_if<add_htlc>(&m)) {
      auto r = c.receive_add_htlc(*add, now_s);
      if (!r) return refuse(r.error());
    } else if (const auto* f = std::get_if<fulfill_htlc>(&m)) {
      auto r = c.receive_fulfill(*f);
      if (!r) return refuse(r.error());
    } else if (const auto* x = std::get_if<fail_htlc>(&m)) {
      auto r = c.receive_fail(*x);
      if (!r) return refuse(r.error());
    } else if (const auto* y = std::get_if<pay>(&m)) {
      auto r = c.receive_pay(*y);
      if (!r) return refuse(r.error());
    }
    if (pick(0, 1) == 0) return;  // events sometimes stay pending (and get persisted)
    for (const channel_event& e : c.drain_events()) {
      trace += 'e';
      trace += std::to_string(to);
      trace += ':';
      trace += std::to_string(e.index());
      trace += ';';
    }
  }

  std::mt19937_64 rng_;
  channel_config config_;
  std::vector<channel> ch_;
  std::array<std::deque<message>, 2> queues_;
  std::map<bytes32, bytes32> preimages_;
  std::string failure_;
};

}  // namespace clearway::protocol::test
