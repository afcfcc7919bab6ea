// The watcher: while actors run, the one owner of the bank interface (the embedded ledger). It
// holds the watch records of the channel ends that went on chain, runs chain::decide() for them
// (PROTOCOL.md §8: punish a revoked commitment, claim HTLCs before their locks, withdraw after the
// freeze) and makes the calls. After every evaluation it reports the bank's state to both ends of
// the channel, which resolve their HTLCs from it; an end that had not gone on chain yet (the peer
// cashed) answers with its own record. It re-evaluates a bank at its next relevant time (an HTLC
// lock, a claim deadline, the freeze end) with one timer per bank.
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <unordered_map>

#include "actors/network.hpp"
#include "chain/bank.hpp"
#include "crypto/hash.hpp"

namespace clearway::actors {
namespace {

struct bank_watch {
  std::array<std::optional<chain::watch_record>, 2> records;
  std::array<bool, 2> close_requested{};
  std::array<bool, 2> reported{};  // told the end at least once
  std::vector<std::pair<bytes32, bytes32>> revealed;  // preimages claimed on this bank
  timer_service::timer_id timer = 0;
  std::uint64_t timer_at_s = 0;
  bool closed = false;
};

struct watcher_state {
  context_ptr ctx;
  std::unordered_map<std::uint32_t, bank_watch> banks;  // by channel
  chain::event_cursor cursor;
  static inline const char* name = "clearway.watcher";
};

using self_ptr = watcher_actor::stateful_pointer<watcher_state>;

network_context& ctx_of(self_ptr self) { return *self->state.ctx; }

// Reads the bank's new events: preimages revealed by claims.
void scan_events(self_ptr self) {
  auto& st = self->state;
  auto batch = ctx_of(self).ledger->events_since(st.cursor);
  if (!batch) return;
  st.cursor = batch->next;
  for (const auto& e : batch->events) {
    if (const auto* opened = e.as<chain::ev::hash_lock_opened>()) {
      for (auto& [channel, w] : st.banks) {
        if (ctx_of(self).channel(channel).bank == e.bank) {
          w.revealed.emplace_back(crypto::sha256(opened->preimage.span()), opened->preimage);
        }
      }
    }
  }
}

// The earliest future time at which decide() may answer differently.
std::optional<std::uint64_t> next_relevant_s(const chain::bank_view& view, std::uint64_t now_s,
                                             std::uint64_t claim_margin_s) {
  std::optional<std::uint64_t> best;
  auto consider = [&](std::uint64_t t) {
    if (t > now_s && (!best || t < *best)) best = t;
  };
  if (view.state == chain::bank_state::auditing && view.cashed) {
    consider(view.cashed->freeze_end_s);
    for (const auto& h : view.cashed->htlcs) {
      if (h.outcome != chain::htlc_outcome::pending) continue;
      consider(h.terms.time_lock_s);
      if (h.terms.time_lock_s > claim_margin_s) consider(h.terms.time_lock_s - claim_margin_s);
    }
  }
  return best;
}

void evaluate(self_ptr self, std::uint32_t channel) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  auto wit = st.banks.find(channel);
  if (wit == st.banks.end()) return;
  bank_watch& w = wit->second;
  const channel_entry& entry = ctx.channel(channel);
  chain::watch_policy policy;
  policy.claim_margin_s = ctx.config.claim_margin_s;
  // decide() is idempotent: call it until it has nothing more to do (bounded).
  for (int pass = 0; pass < 8; ++pass) {
    auto view = ctx.ledger->state(entry.bank);
    if (!view) return;
    bool acted = false;
    for (std::size_t side = 0; side < 2; ++side) {
      if (!w.records[side]) continue;
      chain::watch_input input{ctx.now_s(), w.close_requested[side]};
      auto calls = chain::decide(*w.records[side], *view, input, policy);
      if (!calls) continue;
      for (const auto& call : *calls) {
        ctx.metrics.add(ctx.metrics.on_chain_calls);
        if (chain::execute(*ctx.ledger, w.records[side]->self_address, entry.bank, call)) acted = true;
        if (std::holds_alternative<chain::cash_args>(call)) w.close_requested[side] = false;
      }
      if (acted) break;  // re-read the bank before the other side decides
    }
    if (!acted) break;
  }
  scan_events(self);
  auto view = ctx.ledger->state(entry.bank);
  if (!view) return;
  if (view->state == chain::bank_state::auditing || view->state == chain::bank_state::closed) {
    chain_report report;
    report.cashed = true;
    report.closed = view->state == chain::bank_state::closed;
    report.now_s = ctx.now_s();
    if (view->cashed) {
      report.htlcs = view->cashed->htlcs;
    }
    report.preimages = w.revealed;
    for (const protocol::party side : {protocol::party::zero, protocol::party::one}) {
      // An end that has not handed over its record yet hears of the cash and answers with it.
      post_to_end(self, st.ctx, channel, side, chain_atom::value, report);
      w.reported[protocol::index_of(side)] = true;
    }
    w.closed = report.closed;
  }
  if (w.closed) {
    ctx.timers.cancel(w.timer);
    w.timer = 0;
    return;
  }
  if (auto next = next_relevant_s(*view, ctx.now_s(), ctx.config.claim_margin_s)) {
    if (w.timer == 0 || w.timer_at_s != *next) {
      ctx.timers.cancel(w.timer);
      w.timer = ctx.timers.schedule(ms_of(*next), caf::actor_cast<caf::actor>(self), channel);
      w.timer_at_s = *next;
    }
  }
}

}  // namespace

watcher_actor spawn_watcher(caf::actor_system& sys, context_ptr ctx) {
  auto fn = [](self_ptr self, context_ptr c) -> watcher_actor::behavior_type {
    const spawn_scope scope{*c, self};
    self->state.ctx = std::move(c);
    self->state.cursor = self->state.ctx->ledger->end_cursor();
    return {
        [self](watch_atom, watch_request& req) {
          const work_scope ws{ctx_of(self), self};
          bank_watch& w = self->state.banks[req.channel];
          const std::size_t side = protocol::index_of(req.side);
          if (w.records[side]) {
            // Keep preimages learnt so far.
            for (auto& [h, p] : w.records[side]->preimages) req.record.preimages.emplace(h, p);
          }
          w.records[side] = std::move(req.record);
          w.close_requested[side] = w.close_requested[side] || req.close_requested;
          evaluate(self, req.channel);
        },
        [self](preimage_atom, std::uint32_t channel, std::uint8_t side, const bytes32& hash, const bytes32& preimage) {
          const work_scope ws{ctx_of(self), self};
          auto it = self->state.banks.find(channel);
          if (it == self->state.banks.end() || side > 1 || !it->second.records[side]) return;
          it->second.records[side]->preimages[hash] = preimage;
          evaluate(self, channel);
        },
        [self](timeout_atom, std::uint64_t token, const work_ticket&) {
          const tsan_scope ts{self};
          auto it = self->state.banks.find(static_cast<std::uint32_t>(token));
          if (it == self->state.banks.end()) return;
          it->second.timer = 0;
          evaluate(self, static_cast<std::uint32_t>(token));
        },
    };
  };
  before_spawn(*ctx);
  return sys.spawn(fn, std::move(ctx));
}

}  // namespace clearway::actors
