// The htlc actor: one in-flight HTLC hop at a forwarder or at the payee, spawned when the incoming
// HTLC is irrevocably committed (PROTOCOL.md §6.4: only then may a forwarder act on it).
//
// Forwarder: checks its own fee and time-lock rule against the route (the outgoing lock must be at
// least its delta earlier than the incoming one, §7), offers the outgoing HTLC, fulfils upstream as
// soon as the preimage shows up downstream, fails upstream when the outgoing HTLC fails.
// Payee: asks its node (invoice, hold invoice) and fulfils, holds or fails.
//
// Deadlines it owns: the fail-back deadline (the outgoing lock: past it an unresolved outgoing
// HTLC can no longer be claimed by the peer, so it is settled on the bank and the refund is certain,
// and the payment fails back still `delta` before the incoming lock) and, at the payee, the hold
// deadline (a hold invoice not released in time is given up before the lock comes near). The claim
// deadline of an incoming HTLC we fulfilled but the upstream peer never took off-chain belongs to
// the incoming channel end (channel_actor.cpp), which holds the preimage and the commitment.
//
// Life: start -> offer (or claim) -> one update -> settle upstream -> back to its node's pool.
// Why a pool and not quit: in CAF 0.17 every actor termination pushes a cancel-timeouts event to the
// actor clock's own thread (a mutex and a wake-up of a third thread on a 2-core machine); measured,
// spawn + quit cost ~16 % of the engine's CPU. A parked actor is one CAF actor per *in-flight* hop
// at the peak, created lazily, exactly as the design asks, minus the teardown. Every message that
// may reach it carries the generation it was meant for, so a late message (a timer already due)
// can never touch the next HTLC; it is parked only once nothing else can reach it (timers carry
// work tickets, the node's answer to a held claim is awaited).
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/network.hpp"

namespace clearway::actors {
namespace {

using protocol::party;

enum class out_state : std::uint8_t { none, pending, settled };

// Timer tokens: generation << 2 | kind.
constexpr std::uint64_t out_deadline_kind = 1;
constexpr std::uint64_t hold_deadline_kind = 3;

struct htlc_state {
  context_ptr ctx;
  std::uint64_t generation = 0;  // which HTLC this actor serves; bumped at every start
  bool busy = false;
  incoming_htlc in;
  node_id node = 0;
  std::uint32_t out_channel = 0;  // the outgoing HTLC's channel and our side of it (out != none)
  party out_side = party::zero;
  out_state out = out_state::none;
  bool upstream_settled = false;  // we proposed the fulfil or fail upstream
  bool holding = false;
  bool claim_outstanding = false;  // the node may still answer: we must not quit before it does
  timer_service::timer_id out_timer = 0;
  timer_service::timer_id hold_timer = 0;
  static inline const char* name = "clearway.htlc";
};

using self_ptr = htlc_actor::stateful_pointer<htlc_state>;

network_context& ctx_of(self_ptr self) { return *self->state.ctx; }

std::uint64_t token_of(const htlc_state& st, std::uint64_t kind) { return st.generation << 2 | kind; }

// Done with this HTLC once nothing can reach us for it any more: park in the node's pool.
void maybe_park(self_ptr self) {
  auto& st = self->state;
  if (!st.busy || !st.upstream_settled || st.out == out_state::pending || st.claim_outstanding) return;
  auto& ctx = ctx_of(self);
  ctx.timers.cancel(st.out_timer);
  ctx.timers.cancel(st.hold_timer);
  st.out_timer = st.hold_timer = 0;
  st.busy = false;
  st.in = incoming_htlc{};
  node_entry& node = *ctx.nodes[st.node];
  const std::lock_guard lock(node.pool_mutex);
  node.idle_htlcs.push_back(caf::actor_cast<htlc_actor>(self));
}

void fail_upstream(self_ptr self, failure_info failure) {
  auto& st = self->state;
  if (st.upstream_settled) return;
  st.upstream_settled = true;
  post_to_end(self, st.ctx, st.in.channel, st.in.side, fail_atom::value, st.in.id, failure);
}

void fulfil_upstream(self_ptr self, const bytes32& preimage) {
  auto& st = self->state;
  if (st.upstream_settled) return;
  st.upstream_settled = true;
  post_to_end(self, st.ctx, st.in.channel, st.in.side, fulfill_atom::value, st.in.id, preimage);
}

failure_info failure_at(std::uint32_t hop, protocol::fail_reason reason) {
  failure_info f;
  f.reason = reason;
  f.hop = hop;
  return f;
}

// Validates the forward against the route and our own policy, then offers the outgoing HTLC.
void start_forward(self_ptr self) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  const route_plan& plan = *st.in.route.plan;
  const std::uint32_t i = st.in.route.hop;
  const routing::route_hop& next = plan.hops[i + 1];
  if (next.from.value != st.node || next.channel.value >= ctx.channels.size()) {
    fail_upstream(self, failure_at(i + 1, protocol::fail_reason::incorrect_details));
    return;
  }
  const channel_entry& out = ctx.channel(next.channel.value);
  const party out_side = out.side_of(st.node);
  const direction_policy& policy = out.policy[protocol::index_of(out_side)];
  // Our fee: base + amount * ppm / 1e6 of what we forward (§7).
  // A fee that does not fit in an amount is more than any incoming HTLC can carry.
  const amount proportional = next.amount.checked_proportional_ppm(policy.fee_ppm).value_or(amount::max());
  const amount fee = amount::from_base_units(policy.fee_base).checked_add(proportional).value_or(amount::max());
  const auto needed = next.amount.checked_add(fee);
  if (!needed || st.in.terms.value < *needed) {
    fail_upstream(self, failure_at(i + 1, protocol::fail_reason::fee_insufficient));
    return;
  }
  // Our delta: the incoming lock must be at least our delta later than the outgoing one (§7).
  if (st.in.terms.time_lock_s < next.time_lock_s + policy.time_lock_delta_s) {
    fail_upstream(self, failure_at(i + 1, protocol::fail_reason::time_lock_too_close));
    return;
  }
  if (next.amount.base_units() < policy.min_htlc || next.amount.base_units() > policy.max_htlc) {
    fail_upstream(self, failure_at(i + 1, protocol::fail_reason::temporary_failure));
    return;
  }
  st.out_channel = next.channel.value;
  st.out_side = out_side;
  st.out = out_state::pending;
  htlc_offer offer{next.amount,
                   plan.hash_lock,
                   next.time_lock_s,
                   onion{st.in.route.plan, i + 1},
                   caf::actor_cast<htlc_owner_actor>(self),
                   st.generation};
  post_to_end(self, st.ctx, st.out_channel, st.out_side, offer_atom::value, std::move(offer));
  st.out_timer = ctx.timers.schedule(ms_of(next.time_lock_s), caf::actor_cast<caf::actor>(self),
                                     token_of(st, out_deadline_kind));
}

void start_final(self_ptr self) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  st.claim_outstanding = true;
  claim_query q{st.in.terms.hash_lock, st.in.terms.value, st.in.terms.time_lock_s,
                caf::actor_cast<htlc_actor>(self), st.generation};
  post(self, ctx, node_of(self->system(), st.ctx, st.node), claim_atom::value, std::move(q));
}

void start(self_ptr self) {
  auto& st = self->state;
  const onion& route = st.in.route;
  const bool known = route.plan != nullptr && route.hop < route.plan->hops.size();
  if (!known) {
    fail_upstream(self, failure_at(route.hop, protocol::fail_reason::incorrect_details));
    return;
  }
  const routing::route_hop& hop = route.plan->hops[route.hop];
  // What we received must be what the route said we would (amount, lock, hash, us).
  if (hop.to.value != st.node || hop.amount != st.in.terms.value || hop.time_lock_s != st.in.terms.time_lock_s ||
      route.plan->hash_lock != st.in.terms.hash_lock || hop.channel.value != st.in.channel) {
    fail_upstream(self, failure_at(route.hop, protocol::fail_reason::incorrect_details));
    return;
  }
  if (route.hop + 1 == route.plan->hops.size()) {
    start_final(self);
  } else {
    start_forward(self);
  }
}

void on_update(self_ptr self, const htlc_update& u) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.busy || u.owner_token != st.generation || st.out != out_state::pending) return;
  if (!ctx.online(st.node)) return;  // a crashed node does nothing (and never parks)
  st.out = out_state::settled;
  ctx.timers.cancel(st.out_timer);
  st.out_timer = 0;
  if (u.kind == htlc_update_kind::fulfilled) {
    fulfil_upstream(self, u.preimage);
  } else {
    fail_upstream(self, u.failure);  // the failure travels back to the payer unchanged
  }
  maybe_park(self);
}

void on_claim(self_ptr self, const claim_reply& r) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.busy || r.token != st.generation || !st.claim_outstanding) return;
  if (r.verdict != claim_verdict::hold) st.claim_outstanding = false;
  if (!ctx.online(st.node)) return;
  if (!st.upstream_settled) {
    switch (r.verdict) {
      case claim_verdict::settle:
        st.holding = false;
        fulfil_upstream(self, r.preimage);
        break;
      case claim_verdict::hold: {
        st.holding = true;
        // Give the hold up before the lock comes near (the incoming end would go on chain).
        const std::uint64_t lock = st.in.terms.time_lock_s;
        const std::uint64_t margin = 2 * ctx.config.claim_margin_s;
        const std::uint64_t at_s = lock > margin ? lock - margin : 0;
        st.hold_timer =
            ctx.timers.schedule(ms_of(at_s), caf::actor_cast<caf::actor>(self), token_of(st, hold_deadline_kind));
        break;
      }
      case claim_verdict::reject: {
        failure_info f = failure_at(st.in.route.hop, r.reason);
        f.from_payee = true;
        f.cancelled = r.cancelled;
        st.holding = false;
        fail_upstream(self, f);
        break;
      }
    }
  }
  maybe_park(self);
}

void on_timeout(self_ptr self, std::uint64_t token) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.busy || token >> 2 != st.generation || !ctx.online(st.node)) return;
  const std::uint64_t kind = token & 3;
  if (kind == out_deadline_kind) {
    st.out_timer = 0;
    if (st.out == out_state::pending) post_to_end(self, st.ctx, st.out_channel, st.out_side, onchain_atom::value);
  } else if (kind == hold_deadline_kind) {
    st.hold_timer = 0;
    if (st.holding) {
      st.holding = false;
      failure_info f = failure_at(st.in.route.hop, protocol::fail_reason::expired);
      f.from_payee = true;
      fail_upstream(self, f);  // the node's late answer (if any) is still awaited before we quit
    }
  }
}


void on_start(self_ptr self, incoming_htlc& info) {
  auto& st = self->state;
  const context_ptr ctx = st.ctx;
  const std::uint64_t generation = st.generation + 1;
  st = htlc_state{};
  st.ctx = ctx;
  st.generation = generation;
  st.busy = true;
  st.in = std::move(info);
  const channel_entry& entry = ctx->channel(st.in.channel);
  st.node = entry.nodes[protocol::index_of(st.in.side)];
  if (!ctx->online(st.node)) return;  // a crashed node does nothing
  start(self);
  maybe_park(self);
}

}  // namespace

htlc_actor acquire_htlc(caf::local_actor& parent, context_ptr ctx, node_id node) {
  {
    node_entry& n = *ctx->nodes[node];
    const std::lock_guard lock(n.pool_mutex);
    if (!n.idle_htlcs.empty()) {
      htlc_actor h = std::move(n.idle_htlcs.back());
      n.idle_htlcs.pop_back();
      return h;
    }
  }
  auto fn = [](self_ptr self, context_ptr c) -> htlc_actor::behavior_type {
    const spawn_scope scope{*c, self};
    self->state.ctx = std::move(c);
    return {
        [self](start_atom, incoming_htlc& info) {
          const work_scope ws{ctx_of(self), self};
          on_start(self, info);
        },
        [self](update_atom, const htlc_update& u) {
          const work_scope ws{ctx_of(self), self};
          on_update(self, u);
        },
        [self](claim_atom, const claim_reply& r) {
          const work_scope ws{ctx_of(self), self};
          on_claim(self, r);
        },
        [self](timeout_atom, std::uint64_t token, const work_ticket&) {
          const tsan_scope ts{self};
          on_timeout(self, token);
        },
    };
  };
  before_spawn(*ctx);
  return parent.spawn(fn, std::move(ctx));
}

}  // namespace clearway::actors
