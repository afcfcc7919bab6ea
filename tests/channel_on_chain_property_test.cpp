// A channel on its bank, with cheating (PROTOCOL.md §10.1-10.2, §3, §6, §8).
//
// Each run opens a real protocol::channel between two parties on a real chain::embedded::ledger
// bank (create, both deposits, open/accept, the crossed #0 signatures), then plays a random
// sequence of updates: pays both ways, HTLC adds with random preimages and time locks, fulfils and
// fails, rounds started by either side (so initiates cross), messages delivered in order at random
// moments, and random clock jumps. One party ("H") is honest and runs its watcher
// (chain::decide on make_watch_record(channel, preimages it knows), calls made with
// chain::execute) on every tick of chain time; ticks are at most `watch_interval_s` apart, which is
// shorter than every freeze time and than the claim margin, so the watcher always runs at least
// once before any freeze ends or a claimable lock comes near. The other party ("X") is one of:
//   honest       – runs its watcher too; at the end one side goes on chain (close_requested).
//   cooperative  – honest; at the end both settle every HTLC and close cooperatively.
//   cheater      – at a random moment goes rogue: stops sending, and at a random later time cashes
//                  ANY signed commitment it kept (a copy of latest_signed_own_commitment() after
//                  every message: revoked ones included); then claims and withdraws what it can.
//   withholder   – at a random moment stops mid-round: the next time it should send a revoke it
//                  sends its countersign (if any) but never the revoke, then behaves as a cheater.
//   silent       – at a random moment goes offline for good; H notices after a random while and
//                  goes on chain itself (watch_input{close_requested = true}), then withdraws.
// A rogue X may keep listening (its channel still takes H's messages, so it keeps any new copy H
// signs) or not; some of the messages it had already sent still arrive, the rest are lost. Once
// the bank has left Running nobody processes channel messages any more. A silent X that had cashed
// before going offline comes back at the very end for its bond (nobody else withdraws it).
//
// Checked at every step:
//   §10.1 off-chain: base + HTLCs == deposits on the latest signed (and the pending) commitment of
//     both sides; both sides never hold two different signed copies of one sequence.
//   §10.1 on chain: the bank never pays out more than was deposited; a closed bank paid out exactly
//     the deposits; the ledger's own audit holds; each party's account holds what the bank paid it.
//   Rejections change nothing: corrupted (bit flips in signatures, secrets, preimages; wrong
//     sequence; bad ids and amounts) or replayed messages delivered to H leave `channel ==
//     copy_before`; every failed bank call (the deliberately bad ones, replays of a call that just
//     succeeded, a cheat that came too late) leaves `ledger == copy_before`.
// Checked at the end (the clock is run on until the bank is closed, watchers ticking):
//   the bank is closed and paid out exactly the deposits;
//   §10.2: H — and X too when X is honest or cooperative — ends with at least its ENTITLEMENT:
//
//     entitlement(P) = min over S of value_P(c), where
//       S = { P's latest signed commitment } ∪ { every copy the peer Q held with P's signature and
//             whose sequence P has not seen revoked (P does not hold Q's secret for it) }
//           (exactly the commitments that can end up on chain without Q being punished: P only
//           ever cashes its latest, and Q can cash any of its unrevoked copies);
//       value_P(c) = c.base[P]
//                  + each HTLC of c offered by P whose preimage Q does not know (Q cannot claim it,
//                    so it refunds to P after its lock)
//                  + each HTLC of c offered by Q whose preimage P knows, that P did not fail (a
//                    fail gives the claim up: Q may then cash an older copy after the lock), and that
//                    was in P's latest signed commitment at a time at least claim_margin_s before
//                    its time lock (so P's watcher had the chance to go on chain and claim it
//                    before the lock).
//     This is "its base in its latest signed commitment + HTLCs it offered that were not fulfilled +
//     HTLCs it received and knows the preimage of", made exact for a round in flight: a change in
//     P's favour counts once Q can no longer cash a commitment without it, a change against P as
//     soon as Q holds P's signature on it.
//   a cheater that cashed a commitment H had seen revoked ends with 0 from the bank, H with all.
//
// CLEARWAY_SEED replays a whole test; CLEARWAY_RUNS sets the number of runs (default 2,000);
// CLEARWAY_RUN_SEED=<run seed> replays one run and prints its trace (a failing run prints its
// seed, its scenario and its trace).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "base/test_seed.hpp"
#include "chain/bank.hpp"
#include "chain/channel_watch.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/watcher.hpp"
#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"
#include "protocol/channel_test_support.hpp"
#include "protocol/commitment.hpp"

namespace clearway::tests {
namespace {

using chain::bank_call;
using chain::bank_id;
using chain::bank_state;
using chain::bank_view;
using crypto::address;
using protocol::amount;
using protocol::channel;
using protocol::channel_error;
using protocol::commitment;
using protocol::htlc_state;
using protocol::message;
using protocol::party;
using protocol::round_state;

constexpr std::uint64_t start_time_s = 1'700'000'000;
// The watcher goes on chain this long before the lock of an HTLC it can claim (watch_policy).
constexpr std::uint64_t claim_margin_s = 1'200;
constexpr std::uint64_t hour_s = 3'600;

int runs_from_env() {
  if (const char* env = std::getenv("CLEARWAY_RUNS"); env != nullptr && *env != '\0') {
    return static_cast<int>(std::strtol(env, nullptr, 10));
  }
  return 2'000;
}

enum class peer_kind : std::uint8_t { honest, cooperative, cheater, withholder, silent };

const char* name_of(peer_kind k) {
  switch (k) {
    case peer_kind::honest: return "honest";
    case peer_kind::cooperative: return "cooperative";
    case peer_kind::cheater: return "cheater";
    case peer_kind::withholder: return "withholder";
    case peer_kind::silent: return "silent";
  }
  return "?";
}

const char* name_of(const message& m) {
  static constexpr std::array<const char*, 10> names{"open_channel", "accept_channel", "add_htlc",
                                                     "fulfill_htlc", "fail_htlc",      "pay",
                                                     "commit",       "revoke",         "close_request",
                                                     "error"};
  return names.at(m.index());
}

const char* name_of(const bank_call& c) {
  static constexpr std::array<const char*, 6> names{"cancel", "cash", "claim_htlc", "punish", "withdraw", "close"};
  return names.at(c.index());
}

// Counts over all runs, printed at the end; the test also requires that the runs exercised what
// they claim to.
struct totals {
  std::array<int, 5> kinds{};
  int rounds = 0;
  int htlcs_added = 0;
  int fulfils = 0;
  int cashes = 0;
  int cheats_revoked = 0;
  int cheats_unrevoked = 0;
  int cheats_too_late = 0;
  int withheld_revokes = 0;
  int punishes = 0;
  int claims = 0;
  int refunds = 0;  // HTLCs whose lock expired on chain
  int withdraws = 0;
  int cooperative_closes = 0;
  int silent_closes = 0;
  int corrupted_rejected = 0;
  int replays_rejected = 0;
  int bad_bank_calls_rejected = 0;
  int entitlement_checks = 0;
  int entitlement_with_htlcs = 0;  // checks where an HTLC counted in the entitlement
};

struct in_flight {
  message msg;
  std::uint64_t sent_at_s = 0;
};

enum class outcome : std::uint8_t { rejected, ignored, accepted };

class on_chain_run {
 public:
  on_chain_run(std::uint64_t seed, totals& t) : rng_(seed), totals_(t) {}

  void run() {
    setup();
    if (::testing::Test::HasFatalFailure()) return;
    const std::uint64_t steps_u = pick(20, 60);
    const int steps = static_cast<int>(steps_u);
    const int rogue_step = static_cast<int>(chance(10) ? pick(0, steps_u) : pick(steps_u / 3, steps_u));
    trace("scenario: H = party %zu, X = party %zu is %s, %d steps, rogue from step %d, watch interval %llu s, "
          "freeze %llu s",
          h_, x_, name_of(kind_), steps, rogue_step, ull(watch_interval_s_), ull(config_.freeze_time_s));
    for (int i = 0; i < steps && running(); ++i) {
      if (i == rogue_step) start_misbehaving();
      step();
      check_invariants();
      if (::testing::Test::HasFailure()) return;
    }
    end_game();
    check_invariants();
    check_final();
  }

  [[nodiscard]] const std::vector<std::string>& log() const noexcept { return log_; }

 private:
  static unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }

  std::uint64_t pick(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }
  bool chance(int percent) { return pick(0, 99) < static_cast<std::uint64_t>(percent); }
  bytes32 random32() {
    bytes32 out;
    for (auto& b : out.bytes) b = static_cast<std::uint8_t>(pick(0, 255));
    return out;
  }
  std::uint64_t now() const { return ledger_.now_s(); }

  void trace(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    char buf[512];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "t+%llu ", ull(now() - start_time_s));
    log_.push_back(std::string(stamp) + buf);
  }

  // ---- setup ------------------------------------------------------------------------------------

  void setup() {
    ledger_ = chain::embedded::ledger(chain::embedded::ledger_options{start_time_s, random32()});
    for (int p = 0; p < 2; ++p) {
      const auto keys = crypto::key_pair::from_secret(crypto::secret_key::from_material(random32()));
      keys_.push_back(protocol::test::party_keys{keys, random32()});
    }
    const std::array<std::uint64_t, 2> deposits{pick(1, 1'000), pick(1, 1'000)};
    const std::uint64_t freeze_s = pick(1'800, 4 * hour_s);
    const chain::create_args args{{keys_[0].keys.addr, keys_[1].keys.addr},
                                  {amount::from_base_units(deposits[0]), amount::from_base_units(deposits[1])},
                                  pick(1, freeze_s),
                                  pick(600, 86'400)};
    auto id = ledger_.create(keys_[pick(0, 1)].keys.addr, args);
    ASSERT_TRUE(id.has_value());
    bank_ = *id;
    for (std::size_t p = 0; p < 2; ++p) {
      ASSERT_TRUE(ledger_.mint(keys_[p].keys.addr, args.deposits[p]).has_value());
      ASSERT_TRUE(ledger_.deposit(keys_[p].keys.addr, bank_, args.deposits[p]).has_value());
    }
    ASSERT_EQ(ledger_.find(bank_)->state, bank_state::running);

    config_ = protocol::test::make_config(deposits[0], deposits[1], keys_[0], keys_[1]);
    config_.bank = ledger_.find(bank_)->bank_address;
    config_.freeze_time_s = freeze_s;
    config_.lock_batch = static_cast<std::uint32_t>(pick(2, 4));
    config_.limits.max_accepted_htlcs = static_cast<std::uint32_t>(pick(2, 6));
    config_.limits.min_time_lock_margin_s = 600;
    auto pair = protocol::test::open_pair(config_, keys_[0], keys_[1]);
    ch_.push_back(std::move(pair.a));
    ch_.push_back(std::move(pair.b));

    h_ = pick(0, 1);
    x_ = 1 - h_;
    const std::uint64_t k = pick(0, 99);
    kind_ = k < 20   ? peer_kind::honest
            : k < 35 ? peer_kind::cooperative
            : k < 60 ? peer_kind::cheater
            : k < 82 ? peer_kind::withholder
                     : peer_kind::silent;
    ++totals_.kinds[static_cast<std::size_t>(kind_)];
    watch_interval_s_ = pick(60, 600);  // < claim_margin_s and < every freeze time
    policy_.claim_margin_s = claim_margin_s;
    note(0);
    note(1);
  }

  // ---- the parties' off-chain moves -------------------------------------------------------------

  [[nodiscard]] bool running() const { return ledger_.find(bank_)->state == bank_state::running; }
  [[nodiscard]] bool offline(std::size_t p) const { return p == x_ && rogue_; }

  void step() {
    const std::uint64_t r = pick(0, 99);
    if (r < 28) {
      propose(pick(0, 1));
    } else if (r < 45) {
      initiate(pick(0, 1));
    } else if (r < 80) {
      std::size_t from = pick(0, 1);
      if (queues_[from].empty()) from = 1 - from;
      for (std::uint64_t n = pick(1, 4); n > 0; --n) deliver(from);
    } else if (r < 86) {
      advance(chance(20) ? pick(1'800, 3 * hour_s) : pick(1, 600));
    } else if (r < 89) {
      tick();
    } else if (r < 95) {
      inject();
    } else {
      bad_bank_call();
    }
  }

  void send(std::size_t from, message m) {
    if (offline(from)) {
      trace("party %zu (rogue) does not send its %s", from, name_of(m));
      return;
    }
    queues_[from].push_back({std::move(m), now()});
  }

  // A rejected local call must leave the channel as it was.
  template <class R>
  void expect_unchanged_if_rejected(std::size_t p, const channel& before, const R& r, const char* what) {
    if (!r.has_value()) {
      EXPECT_TRUE(ch_[p] == before) << what << " rejected (" << protocol::to_string(r.error()) << ") changed the state";
    }
  }

  void propose(std::size_t p) {
    if (offline(p) || !ch_[p].is_open()) return;
    channel& c = ch_[p];
    const std::size_t q = 1 - p;
    const channel before = c;
    const std::uint64_t avail = c.own_available().base_units();
    const std::uint64_t r = pick(0, 5);
    if (r < 2) {  // pay, sometimes 0 or more than available
      const std::uint64_t value = pick(0, avail + avail / 4 + 1);
      auto m = c.propose_pay(amount::from_base_units(value));
      expect_unchanged_if_rejected(p, before, m, "pay");
      EXPECT_EQ(m.has_value(), value >= 1 && value <= avail) << "pay " << value << " of " << avail;
      if (m) {
        trace("party %zu pays %llu", p, ull(value));
        send(p, *m);
      }
    } else if (r < 4) {  // add an HTLC; the payee (the receiver) usually knows the preimage
      const bytes32 pre = random32();
      const bytes32 lock = crypto::sha256(pre.span());
      const std::uint64_t u = pick(0, 99);
      const std::uint64_t time_lock = u < 5    ? now() + pick(0, 600)  // too close: rejected
                                      : u < 15 ? now() + pick(601, 2 * hour_s)
                                               : now() + pick(2 * hour_s, 6 * hour_s);
      const std::uint64_t value = pick(0, avail / 2 + 2);
      auto m = c.propose_add_htlc(amount::from_base_units(value), lock, time_lock, now());
      expect_unchanged_if_rejected(p, before, m, "add_htlc");
      if (time_lock <= now() + config_.limits.min_time_lock_margin_s) {
        EXPECT_FALSE(m.has_value());
      }
      if (m) {
        const bool payee_knows = chance(75);
        if (payee_knows) knows_[q].emplace(lock, pre);
        ++totals_.htlcs_added;
        trace("party %zu offers HTLC #%llu of %llu, lock t+%llu, receiver %s the preimage", p, ull(m->id), ull(value),
              ull(time_lock - start_time_s), payee_knows ? "knows" : "does not know");
        send(p, *m);
      }
    } else {  // resolve an incoming irrevocable HTLC
      std::vector<protocol::htlc_view> incoming;
      for (const auto& h : c.htlcs()) {
        if (h.terms.offerer == c.peer() && h.state == htlc_state::irrevocable) incoming.push_back(h);
      }
      if (incoming.empty()) return;
      const protocol::htlc_view& h = incoming[pick(0, incoming.size() - 1)];
      const auto known = knows_[p].find(h.terms.hash_lock);
      if (known != knows_[p].end() && chance(75)) {
        auto m = c.propose_fulfill(h.id, known->second);
        EXPECT_TRUE(m.has_value());
        if (m) {
          ++totals_.fulfils;
          trace("party %zu fulfils HTLC #%llu", p, ull(h.id));
          send(p, *m);
        }
      } else if (chance(15)) {  // a wrong preimage is refused
        auto m = c.propose_fulfill(h.id, random32());
        EXPECT_FALSE(m.has_value());
        expect_unchanged_if_rejected(p, before, m, "fulfill with a wrong preimage");
      } else {
        auto m = c.propose_fail(h.id, protocol::fail_reason::unknown_payment_hash);
        EXPECT_TRUE(m.has_value());
        if (m) {
          failed_[p].insert(h.terms.hash_lock);
          trace("party %zu fails HTLC #%llu%s", p, ull(h.id),
                knows_[p].contains(h.terms.hash_lock) ? " although it knows the preimage" : "");
          send(p, *m);
        }
      }
    }
  }

  void initiate(std::size_t p) {
    if (offline(p)) return;
    const channel before = ch_[p];
    auto r = ch_[p].initiate_commit();
    expect_unchanged_if_rejected(p, before, r, "initiate");
    if (r) {
      trace("party %zu initiates #%u", p, r->sequence);
      send(p, *r);
    }
  }

  bool deliver(std::size_t from) {
    if (queues_[from].empty()) return false;
    const in_flight m = queues_[from].front();
    queues_[from].pop_front();
    const std::size_t to = 1 - from;
    if (!running()) {
      // Once the bank has left Running the channel is settled on chain: nobody updates it any more.
      trace("party %zu drops a %s: the channel is on chain", to, name_of(m.msg));
      return true;
    }
    if (to == x_ && rogue_ && !listens_) {
      trace("party %zu (rogue, not listening) drops a %s", to, name_of(m.msg));
      return true;
    }
    if (apply(to, m, /*honest=*/true) != outcome::rejected) delivered_[from].push_back(m.msg);
    return true;
  }

  // Applies a message to party `to`. Honest messages must be accepted and their replies are sent;
  // the replies to anything else are dropped (it must not be accepted anyway).
  outcome apply(std::size_t to, const in_flight& m, bool honest) {
    channel& c = ch_[to];
    auto rejected = [&](channel_error e) {
      if (honest) {
        ADD_FAILURE() << "honest " << name_of(m.msg) << " to party " << to << " rejected: " << protocol::to_string(e);
      }
      return outcome::rejected;
    };
    if (const auto* a = std::get_if<protocol::add_htlc>(&m.msg)) {
      // Time locks are checked at the send time: clock jumps model time between the parties'
      // moves, not network delay (a late add would otherwise make an honest peer fail the channel).
      auto r = c.receive_add_htlc(*a, honest ? m.sent_at_s : now());
      if (!r) return rejected(r.error());
    } else if (const auto* f = std::get_if<protocol::fulfill_htlc>(&m.msg)) {
      auto r = c.receive_fulfill(*f);
      if (!r) return rejected(r.error());
    } else if (const auto* x = std::get_if<protocol::fail_htlc>(&m.msg)) {
      auto r = c.receive_fail(*x);
      if (!r) return rejected(r.error());
    } else if (const auto* y = std::get_if<protocol::pay>(&m.msg)) {
      auto r = c.receive_pay(*y);
      if (!r) return rejected(r.error());
    } else if (const auto* cm = std::get_if<protocol::commit>(&m.msg)) {
      result<channel::commit_reply, channel_error> r = channel_error::bad_signature;
      if (chance(50)) {
        r = c.receive_commit(*cm);
      } else {  // the actor's path: check, verify by recovery (as a batch verifier does), apply
        auto checked = c.check_commit(*cm);
        if (!checked) return rejected(checked.error());
        if (!checked->ignore &&
            !crypto::verify_eip191(checked->check.sig, checked->check.msg_hash, checked->check.expected_signer)) {
          return rejected(channel_error::bad_signature);
        }
        r = c.apply_commit(*checked);
      }
      if (!r) return rejected(r.error());
      if (!r->countersign && !r->revocation && cm->sequence != 0) {
        if (honest) trace("party %zu ignores the crossing initiate #%u", to, cm->sequence);
        return outcome::ignored;  // party 0 ignores party 1's crossing initiate
      }
      note(to);
      if (honest) {
        trace("party %zu takes commit #%u (%s)", to, cm->sequence,
              cm->kind == protocol::commit_kind::initiate ? "initiate" : "countersign");
        reply(to, *r);
      }
      return outcome::accepted;
    } else if (const auto* rv = std::get_if<protocol::revoke>(&m.msg)) {
      auto r = chance(50) ? c.receive_revoke(*rv) : c.apply_revoke(channel::derive_revoke_lock(*rv));
      if (!r) return rejected(r.error());
      if (honest) trace("party %zu takes revoke #%u", to, rv->sequence);
    } else if (const auto* cr = std::get_if<protocol::close_request>(&m.msg)) {
      auto r = c.receive_close_request(*cr);
      if (!r) return rejected(r.error());
      if (honest && r->reply) send(to, *r->reply);
    } else {
      return rejected(channel_error::unexpected_commit);
    }
    note(to);
    return outcome::accepted;
  }

  // Sends a commit's replies; an armed withholder sends its countersign but never its revoke.
  void reply(std::size_t from, const channel::commit_reply& r) {
    if (from == x_ && withhold_armed_ && !rogue_ && r.revocation) {
      if (r.countersign) send(from, *r.countersign);
      trace("party %zu WITHHOLDS its revoke #%u", from, r.revocation->sequence);
      ++totals_.withheld_revokes;
      go_rogue();
      return;
    }
    if (r.countersign) send(from, *r.countersign);
    if (r.revocation) send(from, *r.revocation);
  }

  // Keeps a copy of p's latest signed commitment (a cheater may cash any of them later) and when
  // each incoming HTLC first appeared in it.
  void note(std::size_t p) {
    const protocol::signed_commitment latest = ch_[p].latest_signed_own_commitment();
    auto [it, inserted] = kept_[p].try_emplace(latest.content.sequence, latest);
    if (!inserted) {
      EXPECT_EQ(it->second, latest) << "party " << p << " holds two signed copies of #" << latest.content.sequence;
    }
    for (const auto& h : latest.content.htlcs) {
      if (protocol::index_of(h.offerer) != p) first_in_latest_s_[p].try_emplace(h.hash_lock, now());
    }
  }

  // ---- misbehaviour ------------------------------------------------------------------------------

  void start_misbehaving() {
    switch (kind_) {
      case peer_kind::cheater:
      case peer_kind::silent:
        go_rogue();
        break;
      case peer_kind::withholder:
        withhold_armed_ = true;
        trace("party %zu will withhold its next revoke", x_);
        break;
      default:
        break;
    }
  }

  void go_rogue() {
    if (rogue_) return;
    rogue_ = true;
    listens_ = kind_ != peer_kind::silent && chance(50);
    // Some of what X had sent still arrives; the rest is lost.
    std::deque<in_flight> sent = std::move(queues_[x_]);
    queues_[x_].clear();
    const std::size_t arrive = running() ? pick(0, sent.size()) : 0;
    trace("party %zu goes rogue (%s, %s); %zu of its %zu messages in flight still arrive", x_, name_of(kind_),
          listens_ ? "listening" : "deaf", arrive, sent.size());
    for (std::size_t i = 0; i < arrive; ++i) {
      if (apply(h_, sent[i], /*honest=*/true) != outcome::rejected) delivered_[x_].push_back(sent[i].msg);
    }
    if (kind_ == peer_kind::silent) {
      close_at_s_ = now() + pick(0, 3 * hour_s);
    } else {
      cash_at_s_ = now() + (chance(30) ? 0 : pick(0, 3 * hour_s));
    }
  }

  // The cheater (or withholder) cashes any commitment it kept.
  void cheat() {
    x_cash_tried_ = true;
    // Any copy; half of the time one H has seen revoked, if there is one.
    const auto revoked_upto = ch_[h_].highest_peer_revoked();
    const std::uint64_t lo = 0;
    std::uint64_t hi = kept_[x_].size() - 1;
    if (revoked_upto && chance(50)) hi = std::min<std::uint64_t>(hi, *revoked_upto);
    auto it = kept_[x_].lower_bound(static_cast<std::uint32_t>(pick(lo, hi)));
    if (it == kept_[x_].end()) it = std::prev(it);
    const bool revoked = revoked_upto && it->first <= *revoked_upto;
    trace("party %zu cashes its kept #%u (%s; latest is #%u)", x_, it->first, revoked ? "REVOKED" : "not revoked",
          kept_[x_].rbegin()->first);
    if (call_bank(x_, chain::cash_args{it->second.content, it->second.peer_sig}, /*honest=*/false)) {
      x_cashed_revoked_ = revoked;
      ++(revoked ? totals_.cheats_revoked : totals_.cheats_unrevoked);
    } else {
      ++totals_.cheats_too_late;
    }
  }

  // ---- chain time and the watchers ---------------------------------------------------------------

  // Moves chain time on in ticks at most watch_interval_s apart; the watchers run at every tick.
  void advance(std::uint64_t delta_s) {
    trace("clock +%llu s", ull(delta_s));
    while (delta_s > 0) {
      const std::uint64_t d = std::min(delta_s, pick(1, watch_interval_s_));
      EXPECT_TRUE(ledger_.advance_by(d).has_value());
      delta_s -= d;
      tick();
    }
  }

  void tick() {
    if (kind_ == peer_kind::silent && rogue_ && now() >= close_at_s_ && !close_requested_[h_]) {
      close_requested_[h_] = true;
      ++totals_.silent_closes;
      trace("party %zu gives up on its silent peer: close requested", h_);
    }
    const bool h_first = chance(50);
    for (int i = 0; i < 2; ++i) {
      if ((i == 0) == h_first) {
        run_watcher(h_, /*honest=*/true);
      } else {
        act_x();
      }
    }
  }

  void act_x() {
    if (!rogue_) {
      run_watcher(x_, /*honest=*/true);
      return;
    }
    if (kind_ == peer_kind::silent) {
      if (x_back_) run_watcher(x_, /*honest=*/true);
      return;
    }
    if (!x_cash_tried_ && now() >= cash_at_s_) cheat();
    if (x_cash_tried_) run_watcher(x_, /*honest=*/false);  // rational: claims and withdraws its share
  }

  void run_watcher(std::size_t p, bool honest) {
    for (int guard = 0; guard < 8; ++guard) {
      const chain::watch_record record = chain::make_watch_record(ch_[p], knows_[p]);
      const bank_view& view = *ledger_.find(bank_);
      auto calls = chain::decide(record, view, chain::watch_input{now(), close_requested_[p]}, policy_);
      EXPECT_TRUE(calls.has_value()) << "decide: " << chain::to_string(calls.error());
      if (!calls || calls->empty()) return;
      bool progressed = false;
      for (const bank_call& call : *calls) {
        const bool ok = call_bank(p, call, honest);
        EXPECT_TRUE(ok || !honest) << "the honest watcher of party " << p << " made a failing " << name_of(call);
        progressed = progressed || ok;
      }
      if (!progressed) return;
    }
    ADD_FAILURE() << "the watcher of party " << p << " never ran out of calls";
  }

  // Makes a call; a failed call must leave the ledger as it was. Right after a call succeeded, an
  // immediate replay of it must fail.
  bool call_bank(std::size_t p, const bank_call& call, bool honest) {
    const address& caller = keys_[p].keys.addr;
    const chain::embedded::ledger before = ledger_;
    auto st = chain::execute(ledger_, caller, bank_, call);
    if (!st) {
      EXPECT_TRUE(ledger_ == before) << "a failed " << name_of(call) << " changed the ledger";
      trace("party %zu %s %s fails: %s", p, honest ? "(watcher)" : "(rogue)", name_of(call),
            std::string(chain::to_string(st.error())).c_str());
      return false;
    }
    trace("party %zu %s %s", p, honest ? "(watcher)" : "(rogue)", name_of(call));
    switch (call.index()) {
      case 1: ++totals_.cashes; break;
      case 2: ++totals_.claims; break;
      case 3: ++totals_.punishes; break;
      case 4: ++totals_.withdraws; break;
      default: break;
    }
    check_bank();
    if (chance(10)) {
      const chain::embedded::ledger again = ledger_;
      auto replay = chain::execute(ledger_, caller, bank_, call);
      EXPECT_FALSE(replay.has_value()) << "an immediate replay of " << name_of(call) << " succeeded";
      EXPECT_TRUE(ledger_ == again) << "a failed replay of " << name_of(call) << " changed the ledger";
      ++totals_.bad_bank_calls_rejected;
    }
    return true;
  }

  // ---- attacks that must be rejected with no change ------------------------------------------------

  template <class Fixed>
  void flip_bit(Fixed& f) {
    const std::size_t bit = pick(0, Fixed::size() * 8 - 1);
    f.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  }
  // A high bit makes an amount larger than any deposit here (< 2^11).
  amount with_high_bit(amount a) { return amount::from_base_units(a.base_units() ^ (1ull << pick(40, 63))); }
  std::uint64_t flip_id(std::uint64_t id) { return id ^ (1ull << pick(0, 63)); }

  // A copy of m that no state may accept: only fields whose change must be detected.
  std::optional<message> corrupt(const message& m) {
    message bad = m;
    if (auto* a = std::get_if<protocol::add_htlc>(&bad)) {
      switch (pick(0, 2)) {
        case 0: a->id = flip_id(a->id); break;
        case 1: a->value = with_high_bit(a->value); break;
        default: a->time_lock_s ^= 1ull << pick(40, 62); break;  // far beyond the max delta
      }
    } else if (auto* f = std::get_if<protocol::fulfill_htlc>(&bad)) {
      switch (pick(0, 2)) {
        case 0: f->id = flip_id(f->id); break;
        case 1: f->htlc ^= 1ull << pick(32, 63); break;
        default: flip_bit(f->preimage); break;
      }
    } else if (auto* x = std::get_if<protocol::fail_htlc>(&bad)) {
      if (chance(50)) {
        x->id = flip_id(x->id);
      } else {
        x->htlc ^= 1ull << pick(32, 63);
      }
    } else if (auto* y = std::get_if<protocol::pay>(&bad)) {
      if (chance(50)) {
        y->id = flip_id(y->id);
      } else {
        y->value = with_high_bit(y->value);
      }
    } else if (auto* c = std::get_if<protocol::commit>(&bad)) {
      switch (pick(0, 4)) {
        case 0:
        case 1: flip_bit(c->sig); break;
        case 2: c->sequence ^= 1u << pick(0, 31); break;
        case 3: c->initiator_upto = flip_id(c->initiator_upto); break;
        default: c->responder_upto = flip_id(c->responder_upto); break;
      }
    } else if (auto* r = std::get_if<protocol::revoke>(&bad)) {
      switch (pick(0, 2)) {
        case 0: flip_bit(r->secret); break;
        case 1: r->sequence ^= 1u << pick(0, 31); break;
        default: r->next_lock = {}; break;
      }
    } else if (auto* cr = std::get_if<protocol::close_request>(&bad)) {
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

  // Delivers to H a corrupted copy of X's next message, or a replay (maybe corrupted) of one H took.
  void inject() {
    std::optional<message> bad;
    bool replay = false;
    if (!queues_[x_].empty() && chance(50)) {
      bad = corrupt(queues_[x_].front().msg);
    } else if (!delivered_[x_].empty()) {
      // An exact replay, or one with a bit flipped in its signature or secret. (Not a changed id:
      // proposals are unsigned, so an old one with another id may well be a valid new proposal.)
      message old = delivered_[x_][pick(0, delivered_[x_].size() - 1)];
      if (chance(30)) {
        if (auto* c = std::get_if<protocol::commit>(&old)) flip_bit(c->sig);
        if (auto* r = std::get_if<protocol::revoke>(&old)) flip_bit(r->secret);
      }
      bad = std::move(old);
      replay = true;
    }
    if (!bad) return;
    const channel before = ch_[h_];
    const outcome o = apply(h_, {*bad, now()}, /*honest=*/false);
    EXPECT_TRUE(ch_[h_] == before) << (replay ? "a replayed " : "a corrupted ") << name_of(*bad)
                                   << " changed the honest party's state";
    EXPECT_NE(o, outcome::accepted) << (replay ? "a replayed " : "a corrupted ") << name_of(*bad) << " was accepted";
    trace("%s %s to party %zu: %s", replay ? "replayed" : "corrupted", name_of(*bad), h_,
          o == outcome::ignored ? "ignored" : "rejected");
    ++(replay ? totals_.replays_rejected : totals_.corrupted_rejected);
  }

  // A bank call that must fail, with the ledger unchanged.
  void bad_bank_call() {
    const std::size_t p = pick(0, 1);
    const address stranger = crypto::address_of(crypto::secret_key::from_material(random32()));
    const address caller = chance(20) ? stranger : keys_[p].keys.addr;
    const bank_view& view = *ledger_.find(bank_);
    const chain::embedded::ledger before = ledger_;
    status<chain::error> st = chain::error::backend_failure;
    const char* what = "";
    switch (pick(0, 5)) {
      case 0: {  // cash a tampered copy: signature bit, or one unit moved between the bases
        protocol::signed_commitment c = kept_[p].rbegin()->second;
        if (chance(50) || c.content.base[0].base_units() == 0) {
          flip_bit(c.peer_sig);
        } else {
          c.content.base[0] = amount::from_base_units(c.content.base[0].base_units() - 1);
          c.content.base[1] = amount::from_base_units(c.content.base[1].base_units() + 1);
        }
        st = chain::execute(ledger_, caller, bank_, chain::cash_args{c.content, c.peer_sig});
        what = "tampered cash";
        break;
      }
      case 1: {  // punish signed by a key that is no revocation lock
        const std::uint32_t seq = view.cashed ? view.cashed->sequence : 0;
        const auto key = crypto::secret_key::from_material(random32());
        st = chain::execute(ledger_, caller, bank_,
                            chain::punish_args{crypto::sign_eip191(key, protocol::revocation_message_hash(
                                                                            view.bank_address, seq))});
        what = "punish with a stranger's key";
        break;
      }
      case 2:  // claim with a random preimage
        st = chain::execute(ledger_, caller, bank_,
                            chain::claim_htlc_args{static_cast<std::uint32_t>(pick(0, 3)), random32()});
        what = "claim with a wrong preimage";
        break;
      case 3: {  // close whose second signature is by party 0
        const bytes32 msg = protocol::close_message_hash(view.bank_address, view.deposits[0], view.deposits[1]);
        const auto sig0 = crypto::sign_eip191(keys_[0].keys.secret, msg);
        st = chain::execute(ledger_, caller, bank_, chain::close_args{view.deposits, sig0, sig0});
        what = "close signed twice by party 0";
        break;
      }
      case 4:  // a second deposit
        st = ledger_.deposit(caller, bank_, view.deposits[p]);
        what = "second deposit";
        break;
      default:  // withdraw while the freeze runs, or before anything was cashed
        if (view.state == bank_state::auditing && now() >= view.cashed->freeze_end_s) return;
        st = chain::execute(ledger_, caller, bank_, chain::withdraw_args{});
        what = "early withdraw";
        break;
    }
    EXPECT_FALSE(st.has_value()) << "a bad bank call (" << what << ") succeeded";
    EXPECT_TRUE(ledger_ == before) << "a failed bad bank call (" << what << ") changed the ledger";
    trace("bad bank call (%s) rejected", what);
    ++totals_.bad_bank_calls_rejected;
  }

  // ---- the end -------------------------------------------------------------------------------------

  // Delivers everything and runs rounds until nothing is pending (both parties honest and online).
  bool settle() {
    for (int guard = 0; guard < 300; ++guard) {
      if (!queues_[0].empty() || !queues_[1].empty()) {
        deliver(queues_[0].empty() ? 1 : (queues_[1].empty() ? 0 : pick(0, 1)));
        continue;
      }
      const std::size_t first = pick(0, 1);
      bool started = false;
      for (std::size_t i = 0; i < 2 && !started; ++i) {
        const std::size_t p = i == 0 ? first : 1 - first;
        if (!offline(p) && ch_[p].round() == round_state::idle && ch_[p].has_uncovered_proposals()) {
          initiate(p);
          started = true;
        }
      }
      if (!started) return true;
    }
    ADD_FAILURE() << "the channel did not settle";
    return false;
  }

  void cooperative_close() {
    for (int i = 0; i < 4; ++i) {
      if (!settle()) return;
      if (ch_[0].htlcs().empty() && ch_[1].htlcs().empty()) break;
      for (std::size_t p = 0; p < 2; ++p) {
        for (const auto& h : ch_[p].htlcs()) {
          if (h.terms.offerer != ch_[p].peer() || h.state != htlc_state::irrevocable) continue;
          const auto known = knows_[p].find(h.terms.hash_lock);
          if (known != knows_[p].end()) {
            auto m = ch_[p].propose_fulfill(h.id, known->second);
            EXPECT_TRUE(m.has_value());
            if (m) send(p, *m);
          } else {
            auto m = ch_[p].propose_fail(h.id, protocol::fail_reason::unknown_payment_hash);
            EXPECT_TRUE(m.has_value());
            if (m) send(p, *m);
          }
        }
      }
    }
    if (!settle()) return;
    EXPECT_TRUE(ch_[0].htlcs().empty() && ch_[1].htlcs().empty()) << "HTLCs left before the cooperative close";
    const std::size_t p = pick(0, 1);
    auto request = ch_[p].propose_close();
    EXPECT_TRUE(request.has_value()) << protocol::to_string(request.error());
    if (!request) return;
    send(p, *request);
    while (deliver(0) || deliver(1)) {
    }
    const auto r0 = ch_[0].closing_result();
    const auto r1 = ch_[1].closing_result();
    EXPECT_TRUE(r0 && r1) << "the close exchange did not finish";
    if (!r0 || !r1) return;
    EXPECT_EQ(*r0, *r1);
    trace("cooperative close at %llu / %llu", ull(r0->balances[0].base_units()), ull(r0->balances[1].base_units()));
    EXPECT_TRUE(call_bank(pick(0, 1), chain::close_args{r0->balances, r0->sigs[0], r0->sigs[1]}, /*honest=*/true));
    ++totals_.cooperative_closes;
  }

  // A withholder that never got the chance: run rounds until it owes a revoke.
  void force_withhold() {
    withhold_armed_ = true;
    for (int guard = 0; guard < 100 && !rogue_ && running(); ++guard) {
      if (!queues_[0].empty() || !queues_[1].empty()) {
        deliver(queues_[0].empty() ? 1 : (queues_[1].empty() ? 0 : pick(0, 1)));
        continue;
      }
      const std::size_t p = pick(0, 1);
      if (ch_[p].round() != round_state::idle) continue;
      if (!ch_[p].has_uncovered_proposals()) {
        if (ch_[p].own_available().base_units() == 0) continue;
        auto m = ch_[p].propose_pay(amount::from_base_units(1));
        EXPECT_TRUE(m.has_value());
        if (m) send(p, *m);
      }
      initiate(p);
    }
    if (!rogue_) go_rogue();
  }

  void end_game() {
    trace("end game");
    if (running()) {
      switch (kind_) {
        case peer_kind::cooperative:
          cooperative_close();
          break;
        case peer_kind::honest: {
          if (chance(50)) settle();
          const std::size_t closer = pick(0, 1);
          close_requested_[closer] = true;
          trace("party %zu asks to close unilaterally", closer);
          break;
        }
        case peer_kind::withholder:
          force_withhold();
          break;
        case peer_kind::cheater:
        case peer_kind::silent:
          go_rogue();
          break;
      }
    } else if (kind_ != peer_kind::honest && kind_ != peer_kind::cooperative) {
      go_rogue();  // a rogue party still wants its share out of the bank
    }
    tick();
    for (int phase = 0; phase < 2; ++phase) {
      const std::uint64_t give_up_s = now() + 5 * 24 * hour_s;
      while (ledger_.find(bank_)->state != bank_state::closed && now() < give_up_s) {
        EXPECT_TRUE(ledger_.advance_by(end_game_step_s()).has_value());
        tick();
        if (::testing::Test::HasFailure()) return;
      }
      // A silent party that had cashed before it went offline still has its bond in the bank:
      // nobody else withdraws it. It comes back for it in the end, so the bank can close.
      if (phase == 0 && kind_ == peer_kind::silent && ledger_.find(bank_)->state != bank_state::closed) {
        x_back_ = true;
        trace("party %zu comes back online for its money", x_);
      }
    }
  }

  // While the bank is Running the watchers tick every watch_interval_s at most (a claimable lock
  // may come near). Once it is Auditing every deadline is in the bank (the freeze end, the HTLC
  // locks), so time may jump anywhere short of the next one: the watchers still run before it.
  std::uint64_t end_game_step_s() {
    const bank_view& v = *ledger_.find(bank_);
    if (v.state != bank_state::auditing) return pick(1, watch_interval_s_);
    std::uint64_t next = std::numeric_limits<std::uint64_t>::max();
    if (v.cashed->freeze_end_s > now()) next = v.cashed->freeze_end_s;
    for (const auto& h : v.cashed->htlcs) {
      if (h.outcome == chain::htlc_outcome::pending && h.terms.time_lock_s > now()) {
        next = std::min(next, h.terms.time_lock_s);
      }
    }
    if (next == std::numeric_limits<std::uint64_t>::max()) return pick(1, watch_interval_s_);
    return next - now() <= watch_interval_s_ ? pick(1, watch_interval_s_) : pick(1, next - now() - 1);
  }

  // ---- properties ------------------------------------------------------------------------------------

  void check_bank() {
    const bank_view& v = *ledger_.find(bank_);
    const std::uint64_t paid = v.paid_out[0].base_units() + v.paid_out[1].base_units();
    const std::uint64_t deposited = v.total_deposits().base_units();
    EXPECT_LE(paid, deposited) << "the bank paid out more than was deposited";
    if (v.state == bank_state::closed) {
      EXPECT_EQ(paid, deposited) << "a closed bank did not pay out the deposits";
    }
    EXPECT_TRUE(ledger_.audit());
    for (std::size_t p = 0; p < 2; ++p) EXPECT_EQ(ledger_.balance_of(keys_[p].keys.addr), v.paid_out[p]);
  }

  void check_commitment(const commitment& c, std::size_t p, const char* what) {
    auto total = protocol::commitment_total(c);
    ASSERT_TRUE(total.has_value()) << what;
    EXPECT_EQ(*total, protocol::total_deposits(config_))
        << "party " << p << "'s " << what << " #" << c.sequence << " breaks conservation";
  }

  void check_invariants() {
    for (std::size_t p = 0; p < 2; ++p) {
      check_commitment(ch_[p].latest_signed_own_commitment().content, p, "latest signed commitment");
      if (auto pending = ch_[p].pending_own_commitment()) check_commitment(*pending, p, "pending commitment");
    }
    check_bank();
  }

  // See the file comment.
  std::uint64_t value_for(std::size_t p, const commitment& c, bool& counted_htlc) const {
    const std::size_t q = 1 - p;
    std::uint64_t v = c.base[p].base_units();
    for (const auto& h : c.htlcs) {
      if (protocol::index_of(h.offerer) == p) {
        if (!knows_[q].contains(h.hash_lock)) {
          v += h.value.base_units();
          counted_htlc = true;
        }
      } else if (knows_[p].contains(h.hash_lock) && !failed_[p].contains(h.hash_lock)) {
        const auto first = first_in_latest_s_[p].find(h.hash_lock);
        if (first != first_in_latest_s_[p].end() && first->second + claim_margin_s <= h.time_lock_s) {
          v += h.value.base_units();
          counted_htlc = true;
        }
      }
    }
    return v;
  }

  std::uint64_t entitlement(std::size_t p, bool& counted_htlc) {
    const std::size_t q = 1 - p;
    const commitment own = ch_[p].latest_signed_own_commitment().content;
    std::uint64_t least = value_for(p, own, counted_htlc);
    std::uint32_t least_seq = own.sequence;
    const char* least_whose = "own";
    const auto revoked_upto = ch_[p].highest_peer_revoked();
    for (const auto& [seq, copy] : kept_[q]) {
      if (revoked_upto && seq <= *revoked_upto) continue;
      bool counted = false;
      const std::uint64_t v = value_for(p, copy.content, counted);
      if (v < least) {
        least = v;
        least_seq = seq;
        least_whose = "peer's";
        counted_htlc = counted;
      }
    }
    trace("entitlement of party %zu: %llu (the %s #%u)", p, ull(least), least_whose, least_seq);
    return least;
  }

  void check_final() {
    const bank_view& v = *ledger_.find(bank_);
    EXPECT_EQ(v.state, bank_state::closed) << "the bank never closed";
    check_bank();
    auto events = ledger_.events_since({});
    ASSERT_TRUE(events.has_value());
    bool punished = false;
    for (const auto& e : events->events) {
      if (e.as<chain::ev::time_lock_expired>()) ++totals_.refunds;
      if (e.as<chain::ev::revocation_lock_opened>()) punished = true;
    }
    std::vector<std::size_t> honest{h_};
    if (kind_ == peer_kind::honest || kind_ == peer_kind::cooperative) honest.push_back(x_);
    for (std::size_t p : honest) {
      bool counted_htlc = false;
      const std::uint64_t owed = entitlement(p, counted_htlc);
      EXPECT_GE(v.paid_out[p].base_units(), owed) << "honest party " << p << " got less than its entitlement";
      ++totals_.entitlement_checks;
      if (counted_htlc) ++totals_.entitlement_with_htlcs;
    }
    if (x_cashed_revoked_) {
      EXPECT_TRUE(punished) << "a revoked commitment was cashed and not punished";
      EXPECT_EQ(v.paid_out[x_].base_units(), 0u) << "the cheater kept money";
      EXPECT_EQ(v.paid_out[h_], v.total_deposits());
    }
    totals_.rounds += static_cast<int>(ch_[h_].sequence());
    trace("paid out: party 0 %llu, party 1 %llu", ull(v.paid_out[0].base_units()), ull(v.paid_out[1].base_units()));
  }

  std::mt19937_64 rng_;
  totals& totals_;
  std::vector<std::string> log_;

  chain::embedded::ledger ledger_;
  bank_id bank_;
  std::vector<protocol::test::party_keys> keys_;  // by party
  protocol::channel_config config_;
  std::vector<channel> ch_;
  std::array<std::deque<in_flight>, 2> queues_;  // sent by party i, oldest first
  std::array<std::vector<message>, 2> delivered_;  // sent by party i and taken by the other
  std::array<std::map<bytes32, bytes32>, 2> knows_;  // preimages each party knows (as receiver)
  std::array<std::map<std::uint32_t, protocol::signed_commitment>, 2> kept_;
  std::array<std::map<bytes32, std::uint64_t>, 2> first_in_latest_s_;  // incoming HTLC -> when first signed
  std::array<std::set<bytes32>, 2> failed_;  // incoming HTLCs each party failed (gave up its claim)

  std::size_t h_ = 0;
  std::size_t x_ = 1;
  peer_kind kind_ = peer_kind::honest;
  std::uint64_t watch_interval_s_ = 300;
  chain::watch_policy policy_;
  std::array<bool, 2> close_requested_{};

  bool withhold_armed_ = false;
  bool rogue_ = false;
  bool listens_ = false;
  bool x_cash_tried_ = false;
  bool x_cashed_revoked_ = false;
  bool x_back_ = false;  // a silent party back online at the very end
  std::uint64_t cash_at_s_ = 0;
  std::uint64_t close_at_s_ = 0;
};

void print_log(const on_chain_run& r) {
  for (const auto& line : r.log()) std::fprintf(stderr, "  %s\n", line.c_str());
}

TEST(ChannelOnChainProperty, HonestPartyKeepsItsMoneyWhateverThePeerDoes) {
  totals t;
  int runs = 0;
  if (const char* one = std::getenv("CLEARWAY_RUN_SEED"); one != nullptr && *one != '\0') {
    const std::uint64_t run_seed = std::strtoull(one, nullptr, 0);
    on_chain_run r(run_seed, t);
    r.run();
    print_log(r);
    return;
  }
  const std::uint64_t seed = test_seed("channel on chain");
  std::mt19937_64 seeds(seed);
  runs = runs_from_env();
  for (int i = 0; i < runs; ++i) {
    const std::uint64_t run_seed = seeds();
    SCOPED_TRACE(::testing::Message() << "run " << i << ", CLEARWAY_RUN_SEED=" << run_seed);
    on_chain_run r(run_seed, t);
    try {
      r.run();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "exception: " << e.what();
    }
    if (::testing::Test::HasFailure()) {
      std::fprintf(stderr, "FAILED run %d: CLEARWAY_RUN_SEED=%llu\n", i, static_cast<unsigned long long>(run_seed));
      print_log(r);
      return;
    }
  }
  std::printf(
      "%d runs (honest %d, cooperative %d, cheater %d, withholder %d, silent %d): %d rounds, %d HTLCs added, %d "
      "fulfilled off-chain; on chain: %d cashes, %d revoked cashes punished %d, %d unrevoked cheats, %d cheats too "
      "late, %d withheld revokes, %d claims, %d refunds, %d withdraws, %d cooperative closes, %d silent peers closed "
      "on; rejected with no change: %d corrupted + %d replayed messages, %d bad bank calls; %d entitlement checks (%d "
      "counting HTLCs)\n",
      runs, t.kinds[0], t.kinds[1], t.kinds[2], t.kinds[3], t.kinds[4], t.rounds, t.htlcs_added, t.fulfils, t.cashes,
      t.cheats_revoked, t.punishes, t.cheats_unrevoked, t.cheats_too_late, t.withheld_revokes, t.claims, t.refunds,
      t.withdraws, t.cooperative_closes, t.silent_closes, t.corrupted_rejected, t.replays_rejected,
      t.bad_bank_calls_rejected, t.entitlement_checks, t.entitlement_with_htlcs);
  if (runs >= 500) {  // the runs must exercise what they claim to
    EXPECT_GT(t.rounds, runs);
    EXPECT_GT(t.cheats_revoked, runs / 50);
    EXPECT_EQ(t.punishes, t.cheats_revoked);
    EXPECT_GT(t.cheats_unrevoked, runs / 100);
    EXPECT_GT(t.withheld_revokes, runs / 50);
    EXPECT_GT(t.claims, runs / 100);
    EXPECT_GT(t.refunds, runs / 100);
    EXPECT_GT(t.cooperative_closes, runs / 50);
    EXPECT_GT(t.silent_closes, runs / 50);
    EXPECT_GT(t.corrupted_rejected, runs / 10);
    EXPECT_GT(t.replays_rejected, runs / 10);
    EXPECT_GT(t.bad_bank_calls_rejected, runs / 10);
    EXPECT_GT(t.entitlement_with_htlcs, runs / 50);
  }
}

// The smallest case the property runs found (§10.2, BOLT 2's "fulfilment deadline"): H fulfils an
// HTLC X offered it; the round that removes it stops before X revokes the copy that still holds
// it (X withholds its revoke, or simply has not answered yet). H's latest commitment has the value
// in its base, so it sees no HTLC to watch, while X can cash its unrevoked older copy after the
// lock and have the HTLC refunded to itself: H loses the HTLC although it revealed the preimage.
// H's watcher must go on chain (with its latest copy) before that lock.
TEST(ChannelOnChain, FulfilledHtlcStillInThePeersUnrevokedCopyIsDefended) {
  namespace pt = protocol::test;
  chain::embedded::ledger ledger(chain::embedded::ledger_options{1'000'000, pt::fill32(7)});
  const pt::party_keys h = pt::alice();  // party 0, honest
  const pt::party_keys x = pt::bob();    // party 1, withholds its revoke
  const chain::create_args args{{h.keys.addr, x.keys.addr}, {pt::sats(500), pt::sats(500)}, 100, 1'000};
  const bank_id bank = *ledger.create(h.keys.addr, args);
  for (const auto* k : {&h, &x}) {
    ASSERT_TRUE(ledger.mint(k->keys.addr, pt::sats(500)).has_value());
    ASSERT_TRUE(ledger.deposit(k->keys.addr, bank, pt::sats(500)).has_value());
  }
  auto config = pt::make_config(500, 500, h, x);
  config.bank = ledger.find(bank)->bank_address;
  config.freeze_time_s = 3'600;
  auto [hc, xc] = pt::open_pair(config, h, x);

  const bytes32 pre = pt::preimage(42);
  const std::uint64_t lock_s = ledger.now_s() + 4 * hour_s;
  const auto add = pt::add_over(xc, hc, 100, pt::lock_of(pre), lock_s, ledger.now_s());
  pt::run_round(xc, hc);  // the HTLC is irrevocably committed
  pt::must(xc.receive_fulfill(pt::must(hc.propose_fulfill(add.id, pre))));
  const protocol::signed_commitment x_old = xc.latest_signed_own_commitment();  // HTLC pending
  const auto reply = pt::must(xc.receive_commit(pt::must(hc.initiate_commit())));
  ASSERT_TRUE(reply.countersign && reply.revocation);  // X sends the countersign, keeps the revoke
  const auto h_revoke = pt::must(hc.receive_commit(*reply.countersign));
  ASSERT_TRUE(h_revoke.revocation.has_value());
  const amount h_latest = hc.balances()[0];
  ASSERT_EQ(h_latest, pt::sats(600));

  // H's watcher runs every 5 minutes until the lock has passed.
  const std::map<bytes32, bytes32> known{{pt::lock_of(pre), pre}};
  while (ledger.now_s() <= lock_s) {
    ASSERT_TRUE(ledger.advance_by(300).has_value());
    auto calls = chain::decide(chain::make_watch_record(hc, known), *ledger.find(bank), {ledger.now_s(), false});
    ASSERT_TRUE(calls.has_value());
    for (const auto& call : *calls) EXPECT_TRUE(chain::execute(ledger, h.keys.addr, bank, call).has_value());
  }
  // X cashes its old copy after the lock (refused if H went on chain first), then everyone
  // withdraws what they can.
  (void)ledger.cash(x.keys.addr, bank, chain::cash_args{x_old.content, x_old.peer_sig});
  ASSERT_TRUE(ledger.advance_by(2 * config.freeze_time_s).has_value());
  (void)ledger.withdraw(x.keys.addr, bank);
  auto calls = chain::decide(chain::make_watch_record(hc, known), *ledger.find(bank), {ledger.now_s(), false});
  ASSERT_TRUE(calls.has_value());
  for (const auto& call : *calls) (void)chain::execute(ledger, h.keys.addr, bank, call);
  EXPECT_GE(ledger.find(bank)->paid_out[0].base_units(), h_latest.base_units())
      << "H fulfilled the HTLC but X took it back with an unrevoked older commitment cashed after its lock";
}

}  // namespace
}  // namespace clearway::tests
