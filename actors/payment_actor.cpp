// The payment actor: one outgoing payment at its payer. It asks a route worker for a route, offers
// the first HTLC on the payer's channel end, and waits for the outcome. On a failure it tells the
// router what it learnt and retries (up to max_attempts) without the channel that failed; the
// result carries a named reason. It owns the first hop's deadline: past that lock an unresolved HTLC
// is settled on the bank (the refund is then certain and the payment can fail).
//
// A finished payment actor waits in a pool for the next payment instead of quitting (CAF 0.17's
// actor teardown wakes its clock thread, see htlc_actor.cpp). Every message that may reach it
// carries a token with the generation (which payment) and the attempt, so late answers are ignored.
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/network.hpp"

namespace clearway::actors {
namespace {

struct payment_state {
  context_ptr ctx;
  std::uint64_t generation = 0;  // which payment this actor serves; bumped at every start
  bool busy = false;
  payment_record* rec = nullptr;
  std::vector<routing::channel_index> excluded;
  plan_ptr plan;
  std::optional<routing::route> route;
  bool htlc_outstanding = false;
  bool route_outstanding = false;
  bool finished = false;
  bool routed_once = false;
  failure_reason last_reason = failure_reason::none;
  timer_service::timer_id deadline = 0;
  static inline const char* name = "clearway.payment";
};

using self_ptr = payment_actor::stateful_pointer<payment_state>;

network_context& ctx_of(self_ptr self) { return *self->state.ctx; }

// generation << 8 | attempt (max_attempts_limit < 256).
std::uint64_t token_of(const payment_state& st) { return st.generation << 8 | st.rec->attempts; }

void maybe_park(self_ptr self) {
  auto& st = self->state;
  if (!st.busy || !st.finished || st.htlc_outstanding || st.route_outstanding) return;
  auto& ctx = ctx_of(self);
  ctx.timers.cancel(st.deadline);
  const context_ptr keep = st.ctx;
  const std::uint64_t generation = st.generation;
  st = payment_state{};
  st.ctx = keep;
  st.generation = generation;
  const std::lock_guard lock(ctx.payment_pool_mutex);
  ctx.idle_payments.push_back(caf::actor_cast<payment_actor>(self));
}

void record_route(payment_record& rec, const routing::route& r, const network_context& ctx) {
  rec.route.clear();
  for (std::size_t i = 0; i < r.hops.size(); ++i) {
    const auto& h = r.hops[i];
    hop_view v{h.channel.value, h.from.value, h.to.value, h.amount.base_units(), h.time_lock_s, 0};
    if (i > 0) {
      const channel_entry& e = ctx.channel(h.channel.value);
      v.time_lock_delta_s = e.policy[protocol::index_of(e.side_of(h.from.value))].time_lock_delta_s;
    }
    rec.route.push_back(v);
  }
  rec.hops = static_cast<std::uint32_t>(r.hops.size());
}

void finish(self_ptr self, payment_status status, failure_reason reason) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (st.finished) return;
  st.finished = true;
  payment_record& rec = *st.rec;
  rec.status = status;
  rec.reason = reason;
  rec.end_ms = ctx.now_ms();
  if (st.route) {
    record_route(rec, *st.route, ctx);
    if (status == payment_status::succeeded) {
      rec.fee = st.route->total_fee.base_units();
      rec.sent_total = st.route->total_amount.base_units();
    }
  }
  ctx.metrics.payments_in_flight.down();
  if (!st.htlc_outstanding) rec.finished = true;
}

void request_route(self_ptr self) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (ctx.route_workers.empty()) {
    finish(self, payment_status::failed, failure_reason::no_path);
    return;
  }
  route_query q{routing::node_index{st.rec->payer},
                routing::node_index{st.rec->payee},
                st.rec->value,
                ctx.now_s(),
                st.excluded,
                caf::actor_cast<payment_actor>(self),
                st.generation};
  const auto n = ctx.next_route_worker.fetch_add(1, std::memory_order_relaxed);
  st.route_outstanding = true;
  ctx.metrics.add(ctx.metrics.route_requests);
  post(self, ctx, ctx.route_workers[n % ctx.route_workers.size()], route_atom::value, std::move(q));
}

void on_route(self_ptr self, route_answer& answer) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.busy || !st.route_outstanding || answer.token != st.generation) return;
  st.route_outstanding = false;
  if (!answer.found) {
    // Nothing (more) to try: the reason is what the last routed attempt ran into, if any.
    finish(self, payment_status::failed, st.routed_once ? st.last_reason : failure_reason::no_path);
    return;
  }
  st.routed_once = true;
  st.route = std::move(*answer.found);
  const routing::route& r = *st.route;
  auto plan = std::make_shared<route_plan>();
  plan->payment_id = st.rec->id;
  plan->attempt = st.rec->attempts;
  plan->hash_lock = st.rec->hash_lock;
  plan->hops = r.hops;
  plan->record = st.rec;
  st.rec->counts[plan->attempt].hops = static_cast<std::uint32_t>(r.hops.size());
  st.rec->attempts += 1;
  std::vector<node_id> visited{st.rec->payer};
  for (const auto& h : r.hops) visited.push_back(h.to.value);
  st.rec->attempt_nodes.push_back(std::move(visited));
  st.plan = plan;
  const routing::route_hop& first = r.hops.front();
  const channel_entry& entry = ctx.channel(first.channel.value);
  st.htlc_outstanding = true;
  htlc_offer offer{first.amount, st.rec->hash_lock,    first.time_lock_s,
                   onion{plan, 0}, caf::actor_cast<htlc_owner_actor>(self), token_of(st)};
  post_to_end(self, st.ctx, first.channel.value, entry.side_of(st.rec->payer), offer_atom::value, std::move(offer));
  ctx.timers.cancel(st.deadline);
  st.deadline = ctx.timers.schedule(ms_of(first.time_lock_s), caf::actor_cast<caf::actor>(self), token_of(st));
}

void learn(self_ptr self, bool success, const failure_info& f) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.route) return;
  route_outcome o;
  o.route = *st.route;
  o.success = success;
  o.failed_hop = f.hop;
  o.liquidity_failure = f.reason == protocol::fail_reason::insufficient_balance ||
                        f.reason == protocol::fail_reason::too_many_htlcs;
  o.now_s = ctx.now_s();
  post(self, ctx, ctx.router, learn_atom::value, std::move(o));
}

void on_failure(self_ptr self, const failure_info& f) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  st.last_reason = failure_of(f);
  if (st.finished) return;
  learn(self, false, f);
  const bool more = st.rec->attempts < std::min(ctx.config.max_attempts, max_attempts_limit);
  if (!more || !retryable(f) || !st.route || f.hop >= st.route->hops.size()) {
    finish(self, payment_status::failed, st.last_reason);
    return;
  }
  st.excluded.push_back(st.route->hops[f.hop].channel);
  request_route(self);
}

void on_update(self_ptr self, const htlc_update& u) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.busy || !st.htlc_outstanding || u.owner_token != token_of(st)) return;
  ctx.timers.cancel(st.deadline);
  st.deadline = 0;
  st.htlc_outstanding = false;
  if (u.kind == htlc_update_kind::fulfilled) {
    // The preimage is ours: the proof of payment. The first hop's fulfil commits at the next tick.
    learn(self, true, {});
    finish(self, payment_status::succeeded, failure_reason::none);
  } else {
    on_failure(self, u.failure);
  }
  if (st.finished && !st.htlc_outstanding) st.rec->finished = true;
  maybe_park(self);
}

}  // namespace

payment_actor acquire_payment(caf::actor_system& sys, context_ptr ctx) {
  {
    const std::lock_guard lock(ctx->payment_pool_mutex);
    if (!ctx->idle_payments.empty()) {
      payment_actor p = std::move(ctx->idle_payments.back());
      ctx->idle_payments.pop_back();
      return p;
    }
  }
  auto fn = [](self_ptr self, context_ptr c) -> payment_actor::behavior_type {
    const spawn_scope scope{*c, self};
    self->state.ctx = std::move(c);
    return {
        [self](start_atom, const payment_ref& ref) {
          const work_scope ws{ctx_of(self), self};
          payment_record* rec = ref.record;
          auto& s2 = self->state;
          s2.generation += 1;
          s2.busy = true;
          s2.rec = rec;
          ctx_of(self).metrics.payments_in_flight.up();
          if (!ctx_of(self).online(rec->payer)) {
            finish(self, payment_status::failed, failure_reason::peer_failure);
            rec->finished = true;
            maybe_park(self);
          } else {
            request_route(self);
          }
        },
        [self](update_atom, const htlc_update& u) {
          const work_scope ws{ctx_of(self), self};
          on_update(self, u);
        },
        [self](route_atom, route_answer& answer) {
          const work_scope ws{ctx_of(self), self};
          on_route(self, answer);
          auto& s2 = self->state;
          if (s2.busy && s2.finished && !s2.htlc_outstanding) s2.rec->finished = true;
          maybe_park(self);
        },
        [self](timeout_atom, std::uint64_t token, const work_ticket&) {
          const tsan_scope ts{self};
          auto& s2 = self->state;
          if (!s2.busy || token != token_of(s2) || !s2.htlc_outstanding || !s2.plan) return;
          s2.deadline = 0;
          // The first hop's lock came with our HTLC unresolved: the peer is unresponsive.
          const auto& first = s2.plan->hops.front();
          const channel_entry& entry = ctx_of(self).channel(first.channel.value);
          post_to_end(self, s2.ctx, first.channel.value, entry.side_of(s2.rec->payer), onchain_atom::value);
        },
    };
  };
  before_spawn(*ctx);
  return sys.spawn(fn, std::move(ctx));
}

}  // namespace clearway::actors
