// Random storms between two honest channel state machines (in the spirit of Eclair's FuzzySpec):
// random proposals from both sides, random concurrent initiates, one in-order queue per direction
// delivered at random times, and random corrupted copies of messages that must be rejected with
// the state unchanged. Invariants are checked after every step.
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <optional>
#include <random>
#include <sstream>

#include "base/test_seed.hpp"
#include "crypto/signature.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::protocol {
namespace {

using namespace test;  // NOLINT

constexpr std::uint64_t now_s = 1'000'000;

class storm {
 public:
  storm(std::uint64_t seed, const party_keys& k0, const party_keys& k1) : rng_(seed) {
    config_ = make_config(pick(20, 400), pick(20, 400), k0, k1);
    config_.lock_batch = static_cast<std::uint32_t>(pick(2, 4));
    config_.limits.max_accepted_htlcs = static_cast<std::uint32_t>(pick(2, 6));
    config_.limits.min_time_lock_margin_s = 600;
    config_.limits.max_time_lock_delta_s = 10 * 3600;
    party_keys s0 = k0;
    party_keys s1 = k1;
    s0.seed = random32();
    s1.seed = random32();
    auto pair = open_pair(config_, s0, s1);
    ch_.push_back(std::move(pair.a));
    ch_.push_back(std::move(pair.b));
  }

  void run(int steps) {
    for (int i = 0; i < steps; ++i) {
      step();
      check_invariants();
      if (::testing::Test::HasFatalFailure()) return;
    }
    settle();
    check_invariants();
    check_final();
  }

  int rounds_completed() const { return static_cast<int>(ch_[0].sequence()); }
  int corruptions() const { return corruptions_; }
  int conflicts() const { return conflicts_; }

 private:
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }
  bool chance(int percent) { return pick(0, 99) < static_cast<std::uint64_t>(percent); }
  bytes32 random32() {
    bytes32 out;
    for (auto& b : out.bytes) b = static_cast<std::uint8_t>(pick(0, 255));
    return out;
  }

  void step() {
    const std::size_t p = pick(0, 1);
    switch (pick(0, 19)) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
        propose(p);
        break;
      case 6:
      case 7:
      case 8:
        initiate(p);
        break;
      default:
        deliver(p);
        break;
    }
  }

  void send(std::size_t from, message m) { queues_[from].push_back(std::move(m)); }

  // A rejected call must leave the channel exactly as it was.
  template <class R>
  void expect_unchanged_if_rejected(std::size_t p, const channel& before, const R& r) {
    if (!r.has_value()) {
      EXPECT_TRUE(ch_[p] == before) << "rejected call (" << to_string(r.error()) << ") changed the state";
    }
  }

  void propose(std::size_t p) {
    channel& c = ch_[p];
    const channel before = c;
    switch (pick(0, 4)) {
      case 0: {  // pay, sometimes more than available
        const std::uint64_t avail = c.own_available().base_units();
        auto r = c.propose_pay(sats(pick(0, avail + avail / 4 + 1)));
        expect_unchanged_if_rejected(p, before, r);
        if (r) send(p, *r);
        break;
      }
      case 1:
      case 2: {  // add, sometimes too big or with a lock too close
        const std::uint64_t avail = c.own_available().base_units();
        const bytes32 pre = random32();
        const bytes32 hash = lock_of(pre);
        preimages_[hash] = pre;
        const std::uint64_t lock = now_s + pick(0, 3 * config_.limits.min_time_lock_margin_s);
        auto r = c.propose_add_htlc(sats(pick(0, avail / 2 + 2)), hash, lock, now_s);
        expect_unchanged_if_rejected(p, before, r);
        if (r) send(p, *r);
        break;
      }
      default: {  // fulfill or fail an incoming irrevocable HTLC, sometimes with a wrong preimage
        std::vector<htlc_view> candidates;
        for (const htlc_view& h : c.htlcs()) {
          if (h.terms.offerer == c.peer() && h.state == htlc_state::irrevocable) candidates.push_back(h);
        }
        if (candidates.empty()) return;
        const htlc_view& h = candidates[pick(0, candidates.size() - 1)];
        if (chance(60)) {
          const bool wrong = chance(10);
          const bytes32 pre = wrong ? random32() : preimages_.at(h.terms.hash_lock);
          auto r = c.propose_fulfill(h.id, pre);
          expect_unchanged_if_rejected(p, before, r);
          EXPECT_EQ(r.has_value(), !wrong);
          if (r) send(p, *r);
        } else {
          auto r = c.propose_fail(h.id, fail_reason::temporary_failure);
          EXPECT_TRUE(r.has_value());
          if (r) send(p, *r);
        }
        break;
      }
    }
  }

  void initiate(std::size_t p) {
    const channel before = ch_[p];
    auto r = ch_[p].initiate_commit();
    expect_unchanged_if_rejected(p, before, r);
    if (r) send(p, *r);
  }

  // Delivers the oldest message from `from` to the other side, sometimes after a corrupted copy.
  void deliver(std::size_t from) {
    if (queues_[from].empty()) return;
    const std::size_t to = 1 - from;
    const message m = queues_[from].front();
    queues_[from].pop_front();
    if (chance(15)) {
      if (auto bad = corrupt(m)) {
        ++corruptions_;
        const channel before = ch_[to];
        const bool accepted = apply(to, *bad, /*honest=*/false);
        EXPECT_TRUE(ch_[to] == before) << "a corrupted " << m.index() << " changed the state";
        EXPECT_FALSE(accepted) << "a corrupted message of kind " << m.index() << " was accepted";
        if (::testing::Test::HasFailure()) return;
      }
    }
    apply(to, m, /*honest=*/true);
  }

  // Applies a message; honest messages must be accepted. Returns whether it was accepted with an
  // effect (an ignored crossing initiate counts as not accepted).
  bool apply(std::size_t to, const message& m, bool honest) {
    channel& c = ch_[to];
    auto fail = [&](channel_error e) {
      if (honest) ADD_FAILURE() << "honest message of kind " << m.index() << " rejected: " << to_string(e);
      return false;
    };
    if (const auto* prop = std::get_if<add_htlc>(&m)) {
      auto r = c.receive_add_htlc(*prop, now_s);
      return r ? true : fail(r.error());
    }
    if (const auto* f = std::get_if<fulfill_htlc>(&m)) {
      auto r = c.receive_fulfill(*f);
      return r ? true : fail(r.error());
    }
    if (const auto* x = std::get_if<fail_htlc>(&m)) {
      auto r = c.receive_fail(*x);
      return r ? true : fail(r.error());
    }
    if (const auto* y = std::get_if<pay>(&m)) {
      auto r = c.receive_pay(*y);
      return r ? true : fail(r.error());
    }
    if (const auto* cm = std::get_if<commit>(&m)) {
      result<channel::commit_reply, channel_error> r = channel_error::bad_signature;
      if (chance(50)) {
        r = c.receive_commit(*cm);
      } else {  // the actor's path: check, verify as a batch verifier would (recover), apply
        auto checked = c.check_commit(*cm);
        if (!checked) return fail(checked.error());
        if (!checked->ignore &&
            !crypto::verify_eip191(checked->check.sig, checked->check.msg_hash, checked->check.expected_signer)) {
          return fail(channel_error::bad_signature);
        }
        r = c.apply_commit(*checked);
      }
      if (!r) return fail(r.error());
      const bool ignored = !r->countersign && !r->revocation && cm->sequence != 0;
      if (ignored) {
        if (honest) ++conflicts_;
        return false;
      }
      if (r->countersign) send(to, *r->countersign);
      if (r->revocation) send(to, *r->revocation);
      return true;
    }
    if (const auto* rv = std::get_if<revoke>(&m)) {
      auto r = chance(50) ? c.receive_revoke(*rv) : c.apply_revoke(channel::derive_revoke_lock(*rv));
      return r ? true : fail(r.error());
    }
    if (const auto* cr = std::get_if<close_request>(&m)) {
      auto r = c.receive_close_request(*cr);
      if (!r) return fail(r.error());
      if (r->reply) send(to, *r->reply);
      return true;
    }
    ADD_FAILURE() << "unexpected message kind " << m.index();
    return false;
  }

  template <class Fixed>
  void flip_bit(Fixed& f) {
    const std::size_t bit = pick(0, Fixed::size() * 8 - 1);
    f.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
  // A high bit makes an amount larger than any channel's total deposits (< 2^40 here).
  amount with_high_bit(amount a) { return amount::from_base_units(a.base_units() ^ (1ull << pick(40, 63))); }
  std::uint64_t flip_id(std::uint64_t id) { return id ^ (1ull << pick(0, 63)); }

  // A copy of m that no honest state may accept: only fields whose change must be detected.
  std::optional<message> corrupt(const message& m) {
    message bad = m;
    if (auto* a = std::get_if<add_htlc>(&bad)) {
      switch (pick(0, 2)) {
        case 0: a->id = flip_id(a->id); break;
        case 1: a->value = with_high_bit(a->value); break;
        default: a->time_lock_s ^= 1ull << pick(40, 62); break;  // far beyond the max delta
      }
    } else if (auto* f = std::get_if<fulfill_htlc>(&bad)) {
      switch (pick(0, 2)) {
        case 0: f->id = flip_id(f->id); break;
        case 1: f->htlc ^= 1ull << pick(32, 63); break;
        default: flip_bit(f->preimage); break;
      }
    } else if (auto* x = std::get_if<fail_htlc>(&bad)) {
      if (chance(50)) {
        x->id = flip_id(x->id);
      } else {
        x->htlc ^= 1ull << pick(32, 63);
      }
    } else if (auto* y = std::get_if<pay>(&bad)) {
      if (chance(50)) {
        y->id = flip_id(y->id);
      } else {
        y->value = with_high_bit(y->value);
      }
    } else if (auto* c = std::get_if<commit>(&bad)) {
      switch (pick(0, 4)) {
        case 0:
        case 1: flip_bit(c->sig); break;
        case 2: c->sequence ^= 1u << pick(0, 31); break;
        case 3: c->initiator_upto = flip_id(c->initiator_upto); break;
        default: c->responder_upto = flip_id(c->responder_upto); break;
      }
    } else if (auto* r = std::get_if<revoke>(&bad)) {
      switch (pick(0, 2)) {
        case 0: flip_bit(r->secret); break;
        case 1: r->sequence ^= 1u << pick(0, 31); break;
        default: r->next_lock = {}; break;
      }
    } else if (auto* cr = std::get_if<close_request>(&bad)) {
      if (chance(50)) {
        flip_bit(cr->sig);
      } else {
        cr->balances[pick(0, 1)] = with_high_bit(cr->balances[0]);
      }
    } else {
      return std::nullopt;
    }
    return bad;
  }

  void check_commitment(const commitment& c, const char* what) {
    auto total = commitment_total(c);
    ASSERT_TRUE(total.has_value()) << what;
    EXPECT_EQ(*total, total_deposits(config_)) << what << " #" << c.sequence << " breaks conservation";
  }

  void check_invariants() {
    for (std::size_t p = 0; p < 2; ++p) {
      const channel& c = ch_[p];
      const channel& other_side = ch_[1 - p];
      const signed_commitment held = c.latest_signed_own_commitment();
      check_commitment(held.content, "latest signed");
      if (auto pending = c.pending_own_commitment()) check_commitment(*pending, "pending");
      // A revoked sequence is never the latest held, by either side's account.
      if (auto own = c.highest_own_revoked()) {
        EXPECT_LT(*own, held.content.sequence);
      }
      if (auto seen = other_side.highest_peer_revoked()) {
        EXPECT_LT(*seen, held.content.sequence);
      }
      EXPECT_EQ(held.content.revocation_lock, *c.own_lock(held.content.sequence));
      // Both sides agree on the content of each sequence (copies differ only in their lock).
      commitment content = held.content;
      content.revocation_lock = {};
      auto [it, inserted] = agreed_.try_emplace(content.sequence, content);
      if (inserted) {
        // First time this sequence is seen: the peer's signature must hold as the bank checks it.
        EXPECT_TRUE(crypto::verify_eip191(held.peer_sig, commitment_hash(held.content),
                                          config_.addresses[1 - p]));
      } else {
        EXPECT_EQ(it->second, content) << "sides disagree on #" << content.sequence;
      }
      EXPECT_LE(c.own_available(), held.content.base[p]);
    }
  }

  // Delivers everything and runs rounds until nothing is pending.
  void settle() {
    for (int guard = 0; guard < 200; ++guard) {
      if (!queues_[0].empty() || !queues_[1].empty()) {
        deliver(queues_[0].empty() ? 1 : (queues_[1].empty() ? 0 : pick(0, 1)));
        continue;
      }
      bool started = false;
      for (std::size_t p = 0; p < 2 && !started; ++p) {
        if (ch_[p].round() == round_state::idle && ch_[p].has_uncovered_proposals()) {
          send(p, must(ch_[p].initiate_commit(), "settle initiate"));
          started = true;
        }
      }
      if (!started) return;
    }
    ADD_FAILURE() << "did not settle";
  }

  void check_final() {
    const channel& a = ch_[0];
    const channel& b = ch_[1];
    EXPECT_EQ(a.sequence(), b.sequence());
    EXPECT_EQ(a.balances(), b.balances());
    EXPECT_EQ(a.round(), round_state::idle);
    EXPECT_EQ(b.round(), round_state::idle);
    EXPECT_EQ(a.htlcs(), b.htlcs());
    // Both sides report the same irrevocable history, and it explains the final balances.
    const auto ea = ch_[0].drain_events();
    const auto eb = ch_[1].drain_events();
    EXPECT_EQ(ea, eb);
    std::array<std::int64_t, 2> base{static_cast<std::int64_t>(config_.deposits[0].base_units()),
                                     static_cast<std::int64_t>(config_.deposits[1].base_units())};
    for (const channel_event& e : ea) {
      if (const auto* in = std::get_if<htlc_locked_in>(&e)) {
        base[index_of(in->terms.offerer)] -= static_cast<std::int64_t>(in->terms.value.base_units());
      } else if (const auto* f = std::get_if<htlc_fulfilled>(&e)) {
        base[index_of(other(f->terms.offerer))] += static_cast<std::int64_t>(f->terms.value.base_units());
        EXPECT_EQ(lock_of(f->preimage), f->terms.hash_lock);
      } else if (const auto* x = std::get_if<htlc_failed>(&e)) {
        base[index_of(x->terms.offerer)] += static_cast<std::int64_t>(x->terms.value.base_units());
      } else {
        const auto& y = std::get<pay_settled>(e);
        base[index_of(y.sender)] -= static_cast<std::int64_t>(y.value.base_units());
        base[index_of(other(y.sender))] += static_cast<std::int64_t>(y.value.base_units());
      }
    }
    EXPECT_EQ(base[0], static_cast<std::int64_t>(a.balances()[0].base_units()));
    EXPECT_EQ(base[1], static_cast<std::int64_t>(a.balances()[1].base_units()));
    // With nothing pending, a cooperative close goes through.
    if (a.htlcs().empty() && chance(30)) {
      send(0, must(ch_[0].propose_close(), "close"));
      deliver(0);
      deliver(1);
      ASSERT_TRUE(ch_[0].closing_result() && ch_[1].closing_result());
      EXPECT_EQ(*ch_[0].closing_result(), *ch_[1].closing_result());
      EXPECT_EQ(ch_[0].closing_result()->balances, a.balances());
    }
  }

  std::mt19937_64 rng_;
  channel_config config_;
  std::vector<channel> ch_;
  std::array<std::deque<message>, 2> queues_;  // messages sent by party i, oldest first
  std::map<bytes32, bytes32> preimages_;
  std::map<std::uint32_t, commitment> agreed_;
  int corruptions_ = 0;
  int conflicts_ = 0;
};

TEST(ChannelProperty, RandomStormsBetweenTwoHonestChannels) {
  const std::uint64_t seed = test_seed("channel storms");
  std::mt19937_64 seeds(seed);
  const party_keys k0 = alice();
  const party_keys k1 = bob();
  constexpr int runs = 1'000;
  int rounds = 0;
  int corruptions = 0;
  int conflicts = 0;
  for (int run = 0; run < runs; ++run) {
    const std::uint64_t run_seed = seeds();
    SCOPED_TRACE(::testing::Message() << "run " << run << " seed " << run_seed);
    storm s(run_seed, k0, k1);
    s.run(80);
    rounds += s.rounds_completed();
    corruptions += s.corruptions();
    conflicts += s.conflicts();
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("storms: %d runs, %d rounds, %d corrupted messages rejected, %d crossing initiates\n", runs, rounds,
              corruptions, conflicts);
  // The storms must actually exercise what they claim to.
  EXPECT_GT(rounds, runs);
  EXPECT_GT(corruptions, runs);
  EXPECT_GT(conflicts, 10);
}

}  // namespace
}  // namespace clearway::protocol
