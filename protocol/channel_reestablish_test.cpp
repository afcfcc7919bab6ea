// Reestablish (docs/reestablish.md). At every point of random honest workloads the connection is
// cut: each direction delivers a prefix of what is in flight and loses the rest (every pair of
// suffixes), one, both or no end restarts from its encoded snapshot, both exchange reestablish
// (through the codec) and send what on_reestablish returns, the workload goes on, and the channel
// must settle with both ends equal, money conserved and every proposal applied exactly once.
// Then the refusals: impossible, unsent and lost claims change nothing.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "base/test_seed.hpp"
#include "crypto/hash.hpp"
#include "protocol/channel_state_codec.hpp"
#include "protocol/channel_test_support.hpp"
#include "protocol/codec.hpp"

namespace clearway::protocol {
namespace {

using namespace test;

constexpr std::uint64_t now_s = 1'000'000;

// Two honest ends and one in-order queue per direction; a value, so every point can be copied.
class world {
 public:
  world(std::uint64_t seed, const std::array<party_keys, 2>& who) : rng_(seed) {
    channel_config c = make_config(pick(50, 400), pick(50, 400), who[0], who[1]);
    c.lock_batch = static_cast<std::uint32_t>(pick(2, 3));
    c.limits.max_accepted_htlcs = static_cast<std::uint32_t>(pick(2, 5));
    c.limits.max_time_lock_delta_s = 10 * 3600;
    channel_pair pair = open_pair(c, who[0], who[1]);
    ends_.push_back(std::move(pair.a));
    ends_.push_back(std::move(pair.b));
  }

  channel& end(std::size_t p) { return ends_[p]; }
  const channel& end(std::size_t p) const { return ends_[p]; }
  std::deque<message>& queue(std::size_t from) { return queues_[from]; }
  const std::string& failure() const { return failure_; }
  std::mt19937_64& rng() { return rng_; }
  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }

  // One random step of the workload: a proposal, an initiate (crossing ones included) or a delivery.
  void step() {
    const std::size_t p = pick(0, 1);
    const auto what = pick(0, 9);
    if (what < 4) {
      propose(p);
    } else if (what < 6) {
      if (auto r = ends_[p].initiate_commit()) queues_[p].push_back(*r);
    } else {
      deliver(p);
    }
  }

  // Delivers everything and starts rounds until nothing is uncovered.
  void settle() {
    for (int guard = 0; guard < 10'000 && failure_.empty(); ++guard) {
      if (!queues_[0].empty() || !queues_[1].empty()) {
        deliver(queues_[0].empty() ? 1 : (queues_[1].empty() ? 0 : pick(0, 1)));
        continue;
      }
      bool started = false;
      for (std::size_t p : {0, 1}) {
        if (ends_[p].round() == round_state::idle && ends_[p].has_uncovered_proposals()) {
          if (auto r = ends_[p].initiate_commit()) queues_[p].push_back(*r), started = true;
          break;
        }
      }
      if (!started) break;
    }
    for (std::size_t p : {0, 1}) drain(p);
  }

  void deliver(std::size_t from) {
    if (queues_[from].empty()) return;
    const std::size_t to = 1 - from;
    const message m = queues_[from].front();
    queues_[from].pop_front();
    channel& c = ends_[to];
    auto refused = [&](channel_error e) {
      if (failure_.empty()) failure_ = std::string("honest ") + std::string(message_name(m)) + " refused: " + std::string(to_string(e));
    };
    if (const auto* cm = std::get_if<commit>(&m)) {
      auto r = c.receive_commit(*cm);
      if (!r) return refused(r.error());
      if (r->countersign) queues_[to].push_back(*r->countersign);
      if (r->revocation) queues_[to].push_back(*r->revocation);
    } else if (const auto* rv = std::get_if<revoke>(&m)) {
      if (auto r = c.receive_revoke(*rv); !r) return refused(r.error());
    } else if (const auto* cr = std::get_if<close_request>(&m)) {
      auto r = c.receive_close_request(*cr);
      if (!r) return refused(r.error());
      if (r->reply) queues_[to].push_back(*r->reply);
    } else if (std::holds_alternative<reestablish>(m) || std::holds_alternative<error_message>(m) ||
               std::holds_alternative<open_channel>(m) || std::holds_alternative<accept_channel>(m)) {
      failure_ = "unexpected message in a queue";
    } else {
      const proposal p = std::visit(
          [](const auto& v) -> proposal {
            if constexpr (std::is_constructible_v<proposal, decltype(v)>) return v;
            return {};
          },
          m);
      if (auto r = c.receive_proposal(p, now_s); !r) return refused(r.error());
    }
    if (pick(0, 1) == 0) drain(to);  // events sometimes stay pending (and travel in snapshots)
  }

  void drain(std::size_t p) {
    for (channel_event& e : ends_[p].drain_events()) drained_[p].push_back(std::move(e));
  }

  // The connection drops: `keep[d]` of direction d's in-flight messages still arrive (in a random
  // interleaving), everything else in flight is lost, replies to the delivered ones included.
  void cut(std::array<std::size_t, 2> keep) {
    while (keep[0] + keep[1] > 0 && failure_.empty()) {
      const std::size_t from = keep[0] == 0 ? 1 : (keep[1] == 0 ? 0 : pick(0, 1));
      --keep[from];
      deliver(from);
    }
    queues_[0].clear();
    queues_[1].clear();
  }

  // A kill -9 and restart: the end comes back from its encoded snapshot.
  void restart(std::size_t p, const crypto::key_pair& keys) {
    auto back = decode_channel_state(encode_channel_state(ends_[p]), keys);
    if (!back) {
      failure_ = std::string("restore failed: ") + std::string(to_string(back.error()));
      return;
    }
    ends_[p] = std::move(*back);
  }

  // Both ends reconnect: reestablish both ways (through the codec), each sends what the peer lacks.
  void reconnect() {
    std::array<reestablish, 2> said;
    for (std::size_t p : {0, 1}) {
      ends_[p].connection_lost();
      const reestablish r = ends_[p].reestablish_message();
      auto wire = decode(encode(r));
      if (!wire || !std::holds_alternative<reestablish>(*wire) || std::get<reestablish>(*wire) != r) {
        failure_ = "reestablish does not round-trip";
        return;
      }
      said[p] = r;
      if (ends_[p].propose_pay(sats(1)) || ends_[p].initiate_commit()) failure_ = "acted while awaiting reestablish";
    }
    for (std::size_t p : {0, 1}) {
      auto resend = ends_[p].on_reestablish(said[1 - p]);
      if (!resend) {
        failure_ = std::string("honest reestablish refused: ") + std::string(to_string(resend.error()));
        return;
      }
      for (message& m : *resend) queues_[p].push_back(std::move(m));
    }
  }

  // What must hold once settled; empty when all is well.
  std::string check_settled() const {
    if (!failure_.empty()) return failure_;
    const channel& a = ends_[0];
    const channel& b = ends_[1];
    for (const channel* c : {&a, &b}) {
      if (c->round() != round_state::idle || c->has_uncovered_proposals() || c->awaiting_reestablish()) {
        return "not settled";
      }
      if (c->irrevocable_coverage() != coverage{c->last_proposal_id(party::zero), c->last_proposal_id(party::one)}) {
        return "proposals left uncovered";
      }
    }
    if (a.sequence() != b.sequence() || a.balances() != b.balances() || a.htlcs() != b.htlcs() ||
        a.latest_content() != b.latest_content()) {
      return "the ends disagree";
    }
    for (party p : {party::zero, party::one}) {
      if (a.last_proposal_id(p) != b.last_proposal_id(p) || a.last_proposal_id(p) != created_[index_of(p)].size()) {
        return "proposal counts disagree";
      }
    }
    amount total = *a.balances()[0].checked_add(a.balances()[1]);
    for (const htlc_view& h : a.htlcs()) total = *total.checked_add(h.terms.value);
    if (total != *a.config().deposits[0].checked_add(a.config().deposits[1])) return "money not conserved";
    if (drained_[0] != drained_[1]) return "the ends report different events";
    return exactly_once();
  }

 private:
  // Every created proposal is reported exactly once, in id order per sender, as what was created.
  std::string exactly_once() const {
    std::array<std::vector<proposal>, 2> seen;
    for (const channel_event& e : drained_[0]) {
      if (const auto* l = std::get_if<htlc_locked_in>(&e)) {
        seen[index_of(l->terms.offerer)].push_back(add_htlc{l->id, l->terms.value, l->terms.hash_lock, l->terms.time_lock_s});
      } else if (const auto* f = std::get_if<htlc_fulfilled>(&e)) {
        seen[index_of(other(f->terms.offerer))].push_back(fulfill_htlc{0, f->id, f->preimage});
      } else if (const auto* x = std::get_if<htlc_failed>(&e)) {
        seen[index_of(other(x->terms.offerer))].push_back(fail_htlc{0, x->id, x->reason});
      } else {
        const auto& y = std::get<pay_settled>(e);
        seen[index_of(y.sender)].push_back(pay{y.id, y.value});
      }
    }
    for (std::size_t p : {0, 1}) {
      std::vector<proposal> want = created_[p];
      for (proposal& w : want) {  // removals are reported by HTLC, not by proposal id
        if (auto* f = std::get_if<fulfill_htlc>(&w)) f->id = 0;
        if (auto* x = std::get_if<fail_htlc>(&w)) x->id = 0;
      }
      if (seen[p] != want) return "a proposal was not applied exactly once";
    }
    return {};
  }

  void propose(std::size_t p) {
    channel& c = ends_[p];
    const std::uint64_t avail = c.own_available().base_units();
    switch (pick(0, 3)) {
      case 0: {
        if (auto r = c.propose_pay(sats(pick(1, avail / 3 + 1)))) sent(p, *r);
        break;
      }
      case 1: {
        bytes32 pre;
        for (auto& byte : pre.bytes) byte = static_cast<std::uint8_t>(pick(0, 255));
        const bytes32 hash = crypto::sha256(pre.span());
        preimages_[hash] = pre;
        const std::uint64_t lock = now_s + 601 + pick(0, 3600);
        if (auto r = c.propose_add_htlc(sats(pick(1, avail / 3 + 1)), hash, lock, now_s)) sent(p, *r);
        break;
      }
      default: {
        std::vector<htlc_view> candidates;
        for (const htlc_view& h : c.htlcs()) {
          if (h.terms.offerer == c.peer() && h.state == htlc_state::irrevocable) candidates.push_back(h);
        }
        if (candidates.empty()) return;
        const htlc_view& h = candidates[pick(0, candidates.size() - 1)];
        if (pick(0, 1) == 0) {
          if (auto r = c.propose_fulfill(h.id, preimages_.at(h.terms.hash_lock))) sent(p, *r);
        } else {
          if (auto r = c.propose_fail(h.id, fail_reason::temporary_failure)) sent(p, *r);
        }
      }
    }
  }

  template <class M>
  void sent(std::size_t p, const M& m) {
    created_[p].push_back(m);
    queues_[p].push_back(m);
  }

  std::mt19937_64 rng_;
  std::vector<channel> ends_;
  std::array<std::deque<message>, 2> queues_;
  std::array<std::vector<channel_event>, 2> drained_;
  std::array<std::vector<proposal>, 2> created_;
  std::map<bytes32, bytes32> preimages_;
  std::string failure_;
};

std::array<party_keys, 2> parties() { return {alice(), bob()}; }

// Every point of each workload x every pair of lost suffixes x a random restart choice.
TEST(ChannelReestablish, EveryCutOfRandomWorkloadsCompletesExactly) {
  const std::uint64_t seed = test_seed("channel_reestablish_cuts");
  std::mt19937_64 seeds(seed);
  const auto who = parties();
  constexpr int workloads = 16;
  constexpr int steps = 36;
  int scenarios = 0;
  std::set<std::tuple<round_state, round_state, std::size_t, std::size_t>> variety;
  for (int w = 0; w < workloads; ++w) {
    world base(seeds(), who);
    for (int s = 0; s < steps; ++s) {
      base.step();
      ASSERT_EQ(base.failure(), "") << "workload " << w << " step " << s;
      std::vector<std::array<std::size_t, 2>> pairs;
      for (std::size_t k0 = 0; k0 <= base.queue(0).size(); ++k0) {
        for (std::size_t k1 = 0; k1 <= base.queue(1).size(); ++k1) pairs.push_back({k0, k1});
      }
      for (const auto& keep : pairs) {
        world cut = base;
        cut.rng().seed(seeds());
        cut.cut(keep);
        const auto restart = cut.pick(0, 3);  // none, end 0, end 1, both
        if (restart & 1) cut.restart(0, who[0].keys);
        if (restart & 2) cut.restart(1, who[1].keys);
        variety.insert({cut.end(0).round(), cut.end(1).round(), base.queue(0).size() - keep[0],
                        base.queue(1).size() - keep[1]});
        cut.reconnect();
        for (auto more = cut.pick(0, 6); more > 0; --more) cut.step();  // new work among the resends
        cut.settle();
        ++scenarios;
        ASSERT_EQ(cut.check_settled(), "") << "workload " << w << " step " << s << " keep " << keep[0] << "/"
                                           << keep[1] << " restart " << restart;
      }
    }
  }
  // The workloads reached the interesting states: both in rounds, messages lost both ways.
  std::fprintf(stderr, "%d cuts, %zu distinct (round, round, lost, lost) shapes\n", scenarios, variety.size());
  EXPECT_GT(variety.size(), 40u);
}

// Two cuts in a row: a reestablish whose resends are themselves lost is reestablished again.
TEST(ChannelReestablish, ResendsLostAgainAreResentAgain) {
  const std::uint64_t seed = test_seed("channel_reestablish_twice");
  std::mt19937_64 seeds(seed);
  const auto who = parties();
  for (int w = 0; w < 80; ++w) {
    world x(seeds(), who);
    for (auto n = x.pick(5, 30); n > 0; --n) x.step();
    for (int again = 0; again < 3; ++again) {
      x.cut({x.pick(0, x.queue(0).size()), x.pick(0, x.queue(1).size())});
      if (x.pick(0, 1) == 0) {
        const std::size_t p = x.pick(0, 1);
        x.restart(p, who[p].keys);
      }
      x.reconnect();
      // Deliver only part of the resends before the next cut.
      for (auto n = x.pick(0, 4); n > 0; --n) x.deliver(x.pick(0, 1));
    }
    x.cut({0, 0});
    x.reconnect();
    x.settle();
    ASSERT_EQ(x.check_settled(), "") << "workload " << w;
  }
}

// The opening: either #0 signature may be lost, and either end may restart.
TEST(ChannelReestablish, LostInitialSignaturesAreResent) {
  const auto who = parties();
  const channel_config c = make_config(100, 100, who[0], who[1]);
  const auto l0 = derive_lock_addresses(who[0].seed, 0, c.lock_batch);
  const auto l1 = derive_lock_addresses(who[1].seed, 0, c.lock_batch);
  for (int lost = 0; lost < 4; ++lost) {
    for (int restart = 0; restart < 4; ++restart) {
      std::vector<channel> ends;
      ends.push_back(must(channel::create(c, party::zero, who[0].keys, who[0].seed, l1, l0)));
      ends.push_back(must(channel::create(c, party::one, who[1].keys, who[1].seed, l0, l1)));
      const std::array<commit, 2> initial = {must(ends[0].initial_commit()), must(ends[1].initial_commit())};
      for (std::size_t p : {0, 1}) {
        if ((lost & (1 << p)) == 0) must(ends[1 - p].receive_commit(initial[p]));
      }
      for (std::size_t p : {0, 1}) {
        if ((restart & (1 << p)) != 0) {
          ends[p] = *decode_channel_state(encode_channel_state(ends[p]), who[p].keys);
        }
        ends[p].connection_lost();
      }
      const std::array<reestablish, 2> said = {ends[0].reestablish_message(), ends[1].reestablish_message()};
      std::array<std::vector<message>, 2> resend;
      for (std::size_t p : {0, 1}) resend[p] = must(ends[p].on_reestablish(said[1 - p]));
      for (std::size_t p : {0, 1}) {
        const bool was_lost = (lost & (1 << p)) != 0;
        ASSERT_EQ(resend[p].size(), was_lost ? 1u : 0u) << lost << " " << restart;
        if (was_lost) {
          EXPECT_EQ(std::get<commit>(resend[p][0]), initial[p]);  // byte for byte: RFC 6979
          must(ends[1 - p].receive_commit(std::get<commit>(resend[p][0])));
        }
      }
      EXPECT_TRUE(ends[0].is_open() && ends[1].is_open());
      pay_over(ends[0], ends[1], 10);
      run_round(ends[0], ends[1]);
      EXPECT_EQ(ends[0].balances(), ends[1].balances());
    }
  }
}

// A resent commit and revoke are exactly the lost ones.
TEST(ChannelReestablish, ResentCommitAndRevokeAreTheLostBytes) {
  channel_pair pr = open_pair(make_config(500, 500, alice(), bob()), alice(), bob());
  pay_over(pr.a, pr.b, 40);
  run_round(pr.a, pr.b);
  pay_over(pr.b, pr.a, 15);
  const commit initiate = must(pr.b.initiate_commit());
  const auto reply = must(pr.a.receive_commit(initiate));  // countersign + revoke, both lost
  pr.a.connection_lost();
  pr.b.connection_lost();
  const reestablish from_a = pr.a.reestablish_message();
  const reestablish from_b = pr.b.reestablish_message();
  EXPECT_EQ(from_b.held_sequence, 1u);
  EXPECT_EQ(from_b.initiated_sequence, 2u);
  EXPECT_EQ(from_a.held_sequence, 2u);
  const auto a_resends = must(pr.a.on_reestablish(from_b));
  ASSERT_EQ(a_resends.size(), 2u);
  EXPECT_EQ(std::get<commit>(a_resends[0]), *reply.countersign);
  EXPECT_EQ(std::get<revoke>(a_resends[1]), *reply.revocation);
  EXPECT_TRUE(must(pr.b.on_reestablish(from_a)).empty());
  const auto back = must(pr.b.receive_commit(std::get<commit>(a_resends[0])));
  must(pr.b.receive_revoke(std::get<revoke>(a_resends[1])));
  must(pr.a.receive_revoke(*back.revocation));
  EXPECT_EQ(pr.a.balances(), pr.b.balances());
  EXPECT_EQ(pr.a.sequence(), 2u);
  EXPECT_EQ(pr.a.round(), round_state::idle);
  EXPECT_EQ(pr.b.round(), round_state::idle);
}

// A cooperative close whose close_request (either one) is lost, after a lost final revoke.
TEST(ChannelReestablish, LostCloseRequestsAreResent) {
  const auto who = parties();
  for (int lost = 0; lost < 3; ++lost) {        // 0: the proposer's request, 1: the reply, 2: none
    for (int restart = 0; restart < 4; ++restart) {
      SCOPED_TRACE(::testing::Message() << "lost " << lost << " restart " << restart);
      channel_pair pr = open_pair(make_config(500, 500, who[0], who[1]), who[0], who[1]);
      std::vector<channel> ends;
      ends.push_back(std::move(pr.a));
      ends.push_back(std::move(pr.b));
      pay_over(ends[0], ends[1], 70);
      // A round whose last revoke (b's, to a) is lost: b is idle, a still awaits it.
      const commit c = must(ends[0].initiate_commit());
      const auto r1 = must(ends[1].receive_commit(c));
      const auto r2 = must(ends[0].receive_commit(*r1.countersign));
      must(ends[1].receive_revoke(*r2.revocation));
      const close_request request = must(ends[1].propose_close());
      std::optional<close_request> reply;
      for (std::size_t p : {0, 1}) {
        if ((restart & (1 << p)) != 0) ends[p] = *decode_channel_state(encode_channel_state(ends[p]), who[p].keys);
        ends[p].connection_lost();
      }
      const std::array<reestablish, 2> said = {ends[0].reestablish_message(), ends[1].reestablish_message()};
      const auto from_a = must(ends[0].on_reestablish(said[1]));
      const auto from_b = must(ends[1].on_reestablish(said[0]));
      EXPECT_TRUE(from_a.empty());
      ASSERT_EQ(from_b.size(), 2u);
      EXPECT_EQ(std::get<revoke>(from_b[0]), *r1.revocation);
      EXPECT_EQ(std::get<close_request>(from_b[1]), request);
      must(ends[0].receive_revoke(std::get<revoke>(from_b[0])));
      if (lost == 2) continue;
      const auto out = must(ends[0].receive_close_request(std::get<close_request>(from_b[1])));
      ASSERT_TRUE(out.reply.has_value());
      if (lost == 1) {
        // a's reply is lost: a is closed, b is closing; reconnect again.
        for (std::size_t p : {0, 1}) ends[p].connection_lost();
        const std::array<reestablish, 2> again = {ends[0].reestablish_message(), ends[1].reestablish_message()};
        EXPECT_TRUE(again[0].holds_close_signature);
        EXPECT_FALSE(again[1].holds_close_signature);
        const auto resend = must(ends[0].on_reestablish(again[1]));
        EXPECT_TRUE(must(ends[1].on_reestablish(again[0])).empty());
        ASSERT_EQ(resend.size(), 1u);
        EXPECT_EQ(std::get<close_request>(resend[0]), *out.reply);
      }
      const auto done = must(ends[1].receive_close_request(*out.reply));
      EXPECT_EQ(done.result, out.result);
      EXPECT_EQ(ends[0].phase(), channel_phase::closed);
      EXPECT_EQ(ends[1].phase(), channel_phase::closed);
    }
  }
}

// ---------- refusals ----------

struct refusal_case {
  const char* name;
  reestablish claims;
  channel_error expected;
};

// b after three rounds, with a round under way and proposals in flight; a's honest claims.
struct refusal_fixture {
  channel_pair pr = open_pair(make_config(900, 900, alice(), bob()), alice(), bob());
  channel stale = pr.a;  // a's state before the last two rounds: a restore from an old backup
  refusal_fixture() {
    pay_over(pr.a, pr.b, 30);
    run_round(pr.a, pr.b);
    stale = pr.a;
    pay_over(pr.b, pr.a, 20);
    run_round(pr.b, pr.a);
    pay_over(pr.a, pr.b, 10);
    run_round(pr.a, pr.b);
    pay_over(pr.b, pr.a, 5);
    (void)must(pr.b.initiate_commit());  // lost
    pr.a.connection_lost();
    pr.b.connection_lost();
    stale.connection_lost();
  }
};

TEST(ChannelReestablish, ImpossibleUnsentAndLostClaimsAreRefusedAndChangeNothing) {
  refusal_fixture f;
  const reestablish honest = f.pr.a.reestablish_message();
  ASSERT_EQ(honest.held_sequence, 3u);
  ASSERT_EQ(honest.revoked_count, 3u);
  auto with = [&](auto change) {
    reestablish r = honest;
    change(r);
    return r;
  };
  const std::vector<refusal_case> cases = {
      {"future sequence", with([](reestablish& r) { r.held_sequence = 5, r.revoked_count = 5; }), channel_error::peer_claims_unsent},
      {"next sequence unsigned", with([](reestablish& r) { r.held_sequence = 5, r.revoked_count = 4; }), channel_error::peer_claims_unsent},
      {"a revocation we never gave", with([](reestablish& r) { r.held_sequence = 4, r.revoked_count = 4; }), channel_error::peer_claims_unsent},
      {"a proposal we never sent", with([](reestablish& r) { r.received_upto = 3; }), channel_error::peer_claims_unsent},
      {"a close signature we never gave", with([](reestablish& r) { r.holds_close_signature = true; }), channel_error::peer_claims_unsent},
      {"revoked then lost", with([](reestablish& r) { r.held_sequence = 2, r.revoked_count = 2; }), channel_error::peer_lost_state},
      {"lost proposals it had signed", with([](reestablish& r) { r.received_upto = 0; }), channel_error::peer_lost_state},
      {"revocations out of range", with([](reestablish& r) { r.revoked_count = 1; }), channel_error::impossible_reestablish},
      {"revocations beyond held", with([](reestablish& r) { r.revoked_count = 4; }), channel_error::impossible_reestablish},
      {"initiate of a far sequence", with([](reestablish& r) { r.initiated_sequence = 7; }), channel_error::impossible_reestablish},
      {"initiate while awaiting a revoke", with([](reestablish& r) { r.revoked_count = 2, r.initiated_sequence = 4; }), channel_error::impossible_reestablish},
      {"no #0 signature but later ones", with([](reestablish& r) { r.holds_signature = false; }), channel_error::impossible_reestablish},
      {"all ones", reestablish{~0ull, ~0u, true, ~0u, ~0u, true}, channel_error::impossible_reestablish},
  };
  for (const refusal_case& c : cases) {
    SCOPED_TRACE(c.name);
    const channel before = f.pr.b;
    auto r = f.pr.b.on_reestablish(c.claims);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), c.expected) << to_string(r.error());
    EXPECT_TRUE(f.pr.b == before);
    EXPECT_TRUE(f.pr.b.awaiting_reestablish());
  }
  // A restore from an old backup is refused as lost state by the peer, and nothing is resent.
  const channel before = f.pr.b;
  auto r = f.pr.b.on_reestablish(f.stale.reestablish_message());
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), channel_error::peer_lost_state);
  EXPECT_TRUE(f.pr.b == before);
  // The honest claims still work afterwards.
  EXPECT_TRUE(f.pr.b.on_reestablish(honest).has_value());
  EXPECT_FALSE(f.pr.b.awaiting_reestablish());
}

TEST(ChannelReestablish, NothingMovesWhileAwaitingAndNoReestablishWithoutALostConnection) {
  channel_pair pr = open_pair(make_config(500, 500, alice(), bob()), alice(), bob());
  pay_over(pr.a, pr.b, 40);
  const commit c = must(pr.a.initiate_commit());
  const auto reply = must(pr.b.receive_commit(c));
  const pay p = must(pr.b.propose_pay(sats(3)));

  EXPECT_EQ(pr.a.on_reestablish(pr.b.reestablish_message()).error(), channel_error::unexpected_reestablish);
  pr.a.connection_lost();
  const channel before = pr.a;
  EXPECT_EQ(pr.a.propose_pay(sats(1)).error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.propose_add_htlc(sats(5), fill32(1), now_s + 3600, now_s).error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.initiate_commit().error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.receive_pay(p).error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.receive_commit(*reply.countersign).error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.receive_revoke(*reply.revocation).error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.propose_close().error(), channel_error::awaiting_reestablish);
  EXPECT_EQ(pr.a.check_close_request(close_request{pr.a.balances(), {}}).error(), channel_error::awaiting_reestablish);
  EXPECT_TRUE(pr.a == before);
}

// Random claims near the honest ones: refused with a name and no change, or accepted changing
// only the awaiting flag. Random bytes decode to a reestablish or a named codec error.
TEST(ChannelReestablish, GarbageClaimsAreRefusedByNameOrHarmless) {
  std::mt19937_64 rng(test_seed("channel_reestablish_garbage"));
  refusal_fixture f;
  const reestablish honest = f.pr.a.reestablish_message();
  auto near = [&](std::uint64_t v) -> std::uint64_t {
    switch (rng() % 4) {
      case 0: return v;
      case 1: return v + rng() % 3;
      case 2: return v - std::min<std::uint64_t>(v, rng() % 3);
      default: return rng() % 8;
    }
  };
  int refused = 0;
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    reestablish r;
    r.received_upto = near(honest.received_upto);
    r.held_sequence = static_cast<std::uint32_t>(near(honest.held_sequence));
    r.holds_signature = rng() % 8 != 0;
    r.initiated_sequence = rng() % 2 == 0 ? 0 : static_cast<std::uint32_t>(near(honest.held_sequence + 1));
    r.revoked_count = static_cast<std::uint32_t>(near(honest.revoked_count));
    r.holds_close_signature = rng() % 8 == 0;
    channel b = f.pr.b;
    auto out = b.on_reestablish(r);
    if (!out) {
      ++refused;
      EXPECT_NE(to_string(out.error()), "unknown channel error");
      ASSERT_TRUE(b == f.pr.b) << to_string(out.error());
    } else {
      ++accepted;
      EXPECT_FALSE(b.awaiting_reestablish());
      b.connection_lost();
      ASSERT_TRUE(b == f.pr.b);
    }
  }
  EXPECT_GT(refused, 100);
  EXPECT_GT(accepted, 10);

  const byte_vector good = encode(honest);
  for (int i = 0; i < 3000; ++i) {
    byte_vector b = good;
    for (auto flips = 1 + rng() % 3; flips > 0; --flips) b[3 + rng() % (b.size() - 3)] = static_cast<std::uint8_t>(rng());
    if (rng() % 4 == 0) b.resize(rng() % b.size());
    auto back = decode(b);
    if (!back) {
      EXPECT_NE(to_string(back.error()), "unknown_codec_error");
    } else {
      ASSERT_TRUE(std::holds_alternative<reestablish>(*back));
      EXPECT_EQ(encode(*back), b);
    }
  }
}

}  // namespace
}  // namespace clearway::protocol
