// Randomized properties of the bank (PROTOCOL.md §10), over thousands of seeded runs:
// 1. Conservation: random valid and invalid calls, by clients and outsiders, with random clock
//    jumps over several banks; a refused call changes nothing; no bank ever pays out more than was
//    deposited into it and a closed bank paid out exactly that; money is never created or lost.
// 2. A party whose watcher runs (at random times, never leaving a gap longer than its margins)
//    ends with at least its latest balance, whatever the other submits: an old commitment, the
//    current one, or nothing — while the other also claims, withdraws and tries to punish.
// Replay a failure with CLEARWAY_SEED=<printed seed>.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "base/test_seed.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/embedded/test_support.hpp"
#include "chain/watcher.hpp"

namespace clearway::chain::embedded {
namespace {

using namespace clearway::chain::testing;
using protocol::party;

// Key pairs cost ~20 us each: derive a few channels' keys once and share them between runs.
const std::vector<channel_keys>& key_pool() {
  static const std::vector<channel_keys> pool = [] {
    std::vector<channel_keys> out;
    for (std::uint64_t label = 100; label < 104; ++label) out.emplace_back(label);
    return out;
  }();
  return pool;
}

struct rng {
  std::mt19937_64 gen;
  std::uint64_t in(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(gen);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(gen); }
  party any_party() { return chance(0.5) ? party::zero : party::one; }
};

// Splits `total` into base[0], base[1] and `htlc_count` HTLC values at random.
commitment_terms random_terms(rng& r, std::uint64_t total, std::uint32_t sequence, std::size_t htlc_count,
                              std::uint64_t now_s, std::uint64_t label_base, std::uint64_t lock_lo,
                              std::uint64_t lock_hi, std::uint64_t freeze_s) {
  std::vector<std::uint64_t> cuts{0, total};
  for (std::size_t i = 0; i <= htlc_count; ++i) cuts.push_back(r.in(0, total));
  std::sort(cuts.begin(), cuts.end());
  commitment_terms t;
  t.sequence = sequence;
  t.base = {units(cuts[1] - cuts[0]), units(cuts[2] - cuts[1])};
  for (std::size_t i = 0; i < htlc_count; ++i) {
    t.htlcs.push_back(htlc(r.any_party(), cuts[i + 3] - cuts[i + 2], label_base + i, now_s + r.in(lock_lo, lock_hi)));
  }
  t.freeze_time_s = freeze_s;
  return t;
}

// ---------------------------------------------------------------------------------------------
// 1. Conservation under random calls

struct storm {
  rng r;
  ledger l;
  std::vector<std::size_t> keys_of;  // per bank: index into key_pool()
  address outsider = key_of(4242).addr;

  explicit storm(std::uint64_t seed) : r{std::mt19937_64(seed)}, l(ledger_options{r.in(0, 1'000'000), {}}) {
    for (const auto& ck : key_pool()) {
      for (party p : {party::zero, party::one}) EXPECT_TRUE(l.mint(ck.addr(p), units(1'000'000'000)).has_value());
    }
  }

  bank_id pick_bank() {
    if (keys_of.empty() || r.chance(0.03)) return bank_id{keys_of.size() + r.in(0, 2)};  // unknown
    return bank_id{r.in(0, keys_of.size() - 1)};
  }
  const channel_keys& keys(bank_id id) { return key_pool()[id.value < keys_of.size() ? keys_of[id.value] : 0]; }
  address bank_address(bank_id id) {
    const bank_view* v = l.find(id);
    return v != nullptr ? v->bank_address : key_of(7).addr;
  }
  amount total(bank_id id) {
    const bank_view* v = l.find(id);
    return v != nullptr ? v->total_deposits() : units(r.in(1, 100));
  }
  // A client of the bank most of the time, sometimes an outsider.
  std::pair<address, party> pick_caller(bank_id id) {
    const party p = r.any_party();
    if (r.chance(0.08)) return {outsider, p};
    return {keys(id).addr(p), p};
  }

  status<error> create() {
    const std::size_t k = r.in(0, key_pool().size() - 1);
    const channel_keys& ck = key_pool()[k];
    create_args args{{ck.addr(party::zero), ck.addr(party::one)},
                     {units(r.in(1, 1000)), units(r.in(1, 1000))},
                     r.in(1, 300),
                     r.in(0, 2000)};
    if (r.chance(0.1)) args.clients[1] = args.clients[0];
    if (r.chance(0.05)) args.deposits[0] = units(0);
    if (r.chance(0.05)) args.min_freeze_time_s = 0;
    auto id = l.create(outsider, args);
    if (!id) return id.error();
    keys_of.push_back(k);
    return {};
  }

  status<error> deposit(bank_id id) {
    auto [caller, p] = pick_caller(id);
    const bank_view* v = l.find(id);
    amount value = v != nullptr ? v->deposits[protocol::index_of(p)] : units(5);
    if (r.chance(0.15)) value = units(r.in(0, 1000));
    return l.deposit(caller, id, value);
  }

  status<error> cash(bank_id id) {
    auto [caller, submitter] = pick_caller(id);
    std::uint64_t sum = total(id).base_units();
    if (r.chance(0.08)) sum = r.chance(0.5) ? sum + 1 : sum - 1;
    const bank_view* v = l.find(id);
    const std::uint64_t min_freeze = v != nullptr ? v->min_freeze_time_s : 100;
    commitment_terms t = random_terms(r, sum, static_cast<std::uint32_t>(r.in(0, 5)), r.in(0, 3), l.now_s(), 0, 0, 2000,
                                      min_freeze + r.in(0, 400) - (r.chance(0.1) ? min_freeze : 0));
    for (auto& h : t.htlcs) h.hash_lock = hash_lock_of(r.in(0, 3));
    const address bank = r.chance(0.95) ? bank_address(id) : key_of(8).addr;
    cash_args args = copy_of(keys(id), bank, submitter, t);
    if (r.chance(0.1)) args.defender_sig = keys(id).sign(submitter, protocol::commitment_hash(args.commitment));
    if (r.chance(0.03)) args.defender_sig.bytes[r.in(0, 64)] ^= 1;
    return l.cash(caller, id, args);
  }

  status<error> claim(bank_id id) {
    auto [caller, p] = pick_caller(id);
    const bank_view* v = l.find(id);
    const std::size_t count = v != nullptr && v->cashed ? v->cashed->htlcs.size() : 1;
    const auto index = static_cast<std::uint32_t>(r.in(0, count));
    std::uint64_t label = r.in(0, 3);
    if (index < count && v != nullptr && v->cashed && r.chance(0.7)) {  // mostly the right preimage
      for (std::uint64_t k = 0; k < 4; ++k) {
        if (hash_lock_of(k) == v->cashed->htlcs[index].terms.hash_lock) label = k;
      }
    }
    return l.claim_htlc(caller, id, claim_htlc_args{index, preimage_of(label)});
  }

  status<error> punish(bank_id id) {
    auto [caller, p] = pick_caller(id);
    const bank_view* v = l.find(id);
    party submitter = r.any_party();
    std::uint32_t sequence = static_cast<std::uint32_t>(r.in(0, 5));
    if (v != nullptr && v->cashed && r.chance(0.7)) {
      submitter = v->cashed->submitter;
      sequence = v->cashed->sequence;
    }
    return l.punish(caller, id, punish_args{keys(id).revocation_sig(submitter, bank_address(id), sequence)});
  }

  status<error> close(bank_id id) {
    auto [caller, p] = pick_caller(id);
    const std::uint64_t sum = total(id).base_units() + (r.chance(0.1) ? 1 : 0);
    const std::uint64_t a0 = r.in(0, sum);
    close_args args = signed_close(keys(id), bank_address(id), units(a0), units(sum - a0));
    if (r.chance(0.1)) std::swap(args.sig0, args.sig1);
    return l.close(caller, id, args);
  }

  // Mostly a call that fits the bank's state (so the storm gets deep into Auditing), otherwise any.
  int pick_op(bank_id id) {
    const bank_view* v = l.find(id);
    if (v == nullptr || !r.chance(0.75)) return static_cast<int>(r.in(0, 9));
    switch (v->state) {
      case bank_state::funding:
        return r.chance(0.85) ? 1 : 2;
      case bank_state::running:
        return r.chance(0.8) ? 3 : 7;
      case bank_state::auditing: {
        const std::uint64_t x = r.in(0, 99);
        return x < 40 ? 4 : x < 60 ? 5 : x < 80 ? 6 : 8;
      }
      case bank_state::closed:
        break;
    }
    return static_cast<int>(r.in(0, 9));
  }

  status<error> step() {
    const bank_id id = pick_bank();
    switch (pick_op(id)) {
      case 0:
        return create();
      case 1:
        return deposit(id);
      case 2:
        return l.cancel(pick_caller(id).first, id);
      case 3:
        return cash(id);
      case 4:
        return claim(id);
      case 5:
        return punish(id);
      case 6:
        return l.withdraw(pick_caller(id).first, id);
      case 7:
        return close(id);
      default:
        return r.chance(0.1) ? l.advance_by(r.in(1000, 5000)) : l.advance_by(r.in(0, 300));
    }
  }

  // Counts, over the whole log, the event kinds seen and the punishments that seized an HTLC the
  // submitter had already claimed (the subtlest path), so the storm provably reaches them.
  void count_coverage(std::array<std::size_t, std::variant_size_v<event_body>>& kinds,
                      std::size_t& seized_claims) const {
    std::map<std::uint64_t, std::pair<party, bool>> submitter_claimed;  // bank -> (submitter, claimed?)
    const event_batch all = l.events_since(event_cursor{0}).value();
    for (const auto& e : all.events) {
      ++kinds[e.body.index()];
      if (const auto* c = e.as<ev::commitment_cashed>()) submitter_claimed[e.bank.value] = {c->submitter, false};
      if (const auto* h = e.as<ev::hash_lock_opened>()) {
        auto& entry = submitter_claimed[e.bank.value];
        entry.second = entry.second || h->receiver == entry.first;
      }
      if (e.as<ev::revocation_lock_opened>() != nullptr && submitter_claimed[e.bank.value].second) ++seized_claims;
    }
  }

  void check_banks() {
    for (std::uint64_t i = 0; i < l.bank_count(); ++i) {
      const bank_view& v = *l.find(bank_id{i});
      std::uint64_t deposited = 0;
      for (std::size_t p = 0; p < 2; ++p) deposited += v.deposited[p] ? v.deposits[p].base_units() : 0;
      const std::uint64_t paid = v.paid_out[0].base_units() + v.paid_out[1].base_units();
      if (v.state == bank_state::closed) {
        ASSERT_EQ(paid, deposited) << "closed bank " << i;
      } else {
        ASSERT_LE(paid, deposited) << "open bank " << i;
      }
    }
    ASSERT_TRUE(l.audit());
  }
};

TEST(LedgerProperty, ConservationUnderRandomCalls) {
  const std::uint64_t seed = test_seed("LedgerProperty.ConservationUnderRandomCalls");
  constexpr int runs = 1500;
  constexpr int steps = 40;
  std::size_t accepted = 0;
  std::size_t refused = 0;
  std::size_t closed = 0;
  std::array<std::size_t, std::variant_size_v<event_body>> kinds{};
  std::size_t seized_claims = 0;
  for (int run = 0; run < runs; ++run) {
    storm s(seed + static_cast<std::uint64_t>(run));
    for (int i = 0; i < 3; ++i) (void)s.create();
    for (int i = 0; i < steps; ++i) {
      const ledger before = s.l;
      const event_cursor from = s.l.end_cursor();
      auto result = s.step();
      if (!result) {
        ++refused;
        ASSERT_TRUE(s.l == before) << "run " << run << " step " << i << ": refused (" << to_string(result.error())
                                   << ") but changed the ledger";
      } else {
        ++accepted;
        const event_batch batch = s.l.events_since(from).value();
        for (const auto& e : batch.events) ASSERT_EQ(e.time_s, s.l.now_s());
      }
      s.check_banks();
      if (::testing::Test::HasFatalFailure()) {
        ADD_FAILURE() << "run " << run << " step " << i;
        return;
      }
    }
    for (std::uint64_t i = 0; i < s.l.bank_count(); ++i) closed += s.l.find(bank_id{i})->state == bank_state::closed;
    s.count_coverage(kinds, seized_claims);
  }
  std::fprintf(stderr, "  accepted %zu, refused %zu, banks closed %zu, punishments seizing claims %zu\n", accepted,
               refused, closed, seized_claims);
  // The storm must reach every state and event, not only refusals (typical counts are 2x these).
  EXPECT_GT(accepted, static_cast<std::size_t>(runs) * 8);
  EXPECT_GT(refused, static_cast<std::size_t>(runs) * 8);
  EXPECT_GT(closed, static_cast<std::size_t>(runs));
  for (std::size_t k = 0; k < kinds.size(); ++k)
    EXPECT_GT(kinds[k], static_cast<std::size_t>(runs) / 10) << "event kind " << k;
  EXPECT_GT(seized_claims, static_cast<std::size_t>(runs) / 50);
}

// ---------------------------------------------------------------------------------------------
// 2. A watching party keeps at least its latest balance

enum class cheat { nothing, latest, revoked };

struct duel_outcome {
  cheat strategy = cheat::nothing;
  bool punished = false;
};

// One channel history #0 .. #n between `honest` and the cheater, then the cheater's strategy.
duel_outcome duel(std::uint64_t seed, int run) {
  rng r{std::mt19937_64(seed)};
  const channel_keys& ck = key_pool()[r.in(0, key_pool().size() - 1)];
  const std::uint64_t t0 = r.in(0, 1'000'000'000);
  ledger l{ledger_options{t0, {}}};
  const std::array<std::uint64_t, 2> deposits{r.in(1, 1000), r.in(1, 1000)};
  const bank_id id = open_bank(l, ck, deposits, /*min_freeze_time_s=*/1000, /*funding_timeout_s=*/100);
  const address bank = l.find(id)->bank_address;
  const party honest = r.any_party();
  const party cheater = protocol::other(honest);
  const watch_policy policy{/*claim_margin_s=*/600, /*refund_grace_s=*/0};

  // The history. HTLC locks lie 1200 .. 6000 s after t0; labels are unique per HTLC.
  const std::uint32_t n = static_cast<std::uint32_t>(r.in(0, 6));
  std::vector<commitment_terms> history;
  for (std::uint32_t k = 0; k <= n; ++k) {
    history.push_back(
        random_terms(r, deposits[0] + deposits[1], k, r.in(0, 3), t0, 1000 * (k + 1), 1200, 6000, r.in(1000, 3000)));
  }
  std::map<bytes32, bytes32> cheater_preimages;
  watch_record record = record_for(ck, bank, honest, n > 0 ? std::optional<std::uint32_t>(n - 1) : std::nullopt);
  const cash_args own = copy_of(ck, bank, honest, history[n]);
  record.latest_own = signed_commitment{own.commitment, own.defender_sig};
  // Preimage knowledge: each HTLC's receiver knows its preimage with probability 1/2.
  std::uint64_t latest_balance = history[n].base[protocol::index_of(honest)].base_units();
  for (std::uint32_t k = 0; k <= n; ++k) {
    for (std::size_t i = 0; i < history[k].htlcs.size(); ++i) {
      const auto& h = history[k].htlcs[i];
      const std::uint64_t label = 1000 * (k + 1) + i;
      const bool known = r.chance(0.5);
      if (h.offerer == cheater && known) record.preimages[h.hash_lock] = preimage_of(label);
      if (h.offerer == honest && known) cheater_preimages[h.hash_lock] = preimage_of(label);
      if (k != n) continue;
      // What the honest party is owed by its latest commitment: HTLCs it can claim, and HTLCs it
      // offered that the cheater cannot claim (they refund).
      if ((h.offerer == cheater && known) || (h.offerer == honest && !known)) latest_balance += h.value.base_units();
    }
  }

  duel_outcome outcome;
  const std::uint32_t cash_sequence = n > 0 && r.chance(0.5) ? static_cast<std::uint32_t>(r.in(0, n - 1)) : n;
  const bool silent = r.chance(0.25);  // the cheater never submits anything
  const std::uint64_t cash_at = t0 + r.in(0, 7000);
  const std::uint64_t quit_at = t0 + r.in(0, 9000);  // the honest party wants out from here on
  const address cheater_addr = ck.addr(cheater);
  bool cashed = false;  // the cheater's planned cash went through

  auto cheater_acts = [&] {
    const bank_view& v = *l.find(id);
    switch (r.in(0, 3)) {
      case 0:  // claim what it can
        if (v.cashed) {
          for (std::uint32_t i = 0; i < v.cashed->htlcs.size(); ++i) {
            auto it = cheater_preimages.find(v.cashed->htlcs[i].terms.hash_lock);
            if (it != cheater_preimages.end()) (void)l.claim_htlc(cheater_addr, id, claim_htlc_args{i, it->second});
          }
        }
        break;
      case 1:
        (void)l.withdraw(cheater_addr, id);
        break;
      case 2:  // punish with a secret it really has: the honest party's revoked ones
        if (n > 0) {
          (void)l.punish(cheater_addr, id,
                         punish_args{ck.revocation_sig(honest, bank, static_cast<std::uint32_t>(r.in(0, n - 1)))});
        }
        break;
      default:  // cash some commitment again: refused, the bank is no longer Running
        if (cashed) (void)l.cash(cheater_addr, id, copy_of(ck, bank, cheater, history[r.in(0, n)]));
        break;
    }
  };

  // Steps of 1 .. 200 s; the watcher runs at random, but never more than 250 s after its last run,
  // so gaps stay below the claim margin (600 s) and the minimum freeze (1000 s).
  const std::uint64_t end = t0 + 16'000;
  std::uint64_t last_watch = t0;
  while (l.now_s() < end) {
    const bool cheater_first = r.chance(0.5);
    if (cheater_first && l.now_s() < end - 4000) {
      if (!cashed && !silent && l.now_s() >= cash_at) {
        cashed = l.cash(cheater_addr, id, copy_of(ck, bank, cheater, history[cash_sequence])).has_value();
      }
      if (r.chance(0.3)) cheater_acts();
    }
    if (r.chance(0.6) || l.now_s() - last_watch >= 250) {
      for (const auto& call : run_watcher(l, id, record, policy, l.now_s() >= quit_at)) {
        outcome.punished = outcome.punished || std::holds_alternative<punish_args>(call);
      }
      last_watch = l.now_s();
    }
    if (!cheater_first && l.now_s() < end - 4000 && r.chance(0.3)) cheater_acts();
    EXPECT_TRUE(l.advance_by(r.in(1, 200)).has_value());
  }

  // What the cheater really did (the honest party may have gone on chain first).
  const bank_view& v = *l.find(id);
  if (v.cashed && v.cashed->submitter == cheater) {
    outcome.strategy = v.cashed->sequence < n ? cheat::revoked : cheat::latest;
  }
  const std::uint64_t got = l.balance_of(ck.addr(honest)).base_units();
  EXPECT_GE(got, latest_balance) << "run " << run << ": honest party " << protocol::index_of(honest) << " latest #" << n
                                 << ", cheater cashed #" << cash_sequence << " (strategy "
                                 << static_cast<int>(outcome.strategy) << ")";
  if (outcome.strategy == cheat::revoked) {
    EXPECT_TRUE(outcome.punished) << "run " << run;
    EXPECT_EQ(got, deposits[0] + deposits[1]) << "run " << run;
  }
  EXPECT_TRUE(l.audit());
  return outcome;
}

TEST(LedgerProperty, WatchingPartyKeepsItsLatestBalance) {
  const std::uint64_t seed = test_seed("LedgerProperty.WatchingPartyKeepsItsLatestBalance");
  constexpr int runs = 1500;
  std::array<int, 3> by_strategy{};
  int punished = 0;
  for (int run = 0; run < runs; ++run) {
    const duel_outcome o = duel(seed + static_cast<std::uint64_t>(run), run);
    ++by_strategy[static_cast<std::size_t>(o.strategy)];
    punished += o.punished;
    if (::testing::Test::HasFailure()) return;
  }
  // Every strategy was exercised, and punishment happened.
  for (int count : by_strategy) EXPECT_GT(count, runs / 10);
  EXPECT_GT(punished, runs / 10);
}

}  // namespace
}  // namespace clearway::chain::embedded
