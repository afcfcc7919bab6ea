// The router: route workers search, the router learns.
//
// Read/update split (STYLE.md 7): the graph snapshot is immutable and shared by every worker
// (shared_ptr<const graph_snapshot>, replaced whole); the liquidity scorer is owned by the router
// actor, which applies what payments learnt and publishes a read-only copy every
// `publish_every` updates. Workers load the latest copy per search. So searches never wait for
// learning and never see a half-updated scorer; they may see one up to `publish_every` updates old.
//
// Why workers and not one router actor: a search is a few microseconds to a millisecond; with one
// actor every payment in the network would queue behind one core. Each worker keeps its own
// route_searcher workspace (reused buffers, generation-stamped labels).
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/network.hpp"
#include "routing/route_searcher.hpp"

namespace clearway::actors {
namespace {

constexpr std::uint64_t publish_every = 64;

struct worker_state {
  context_ptr ctx;
  routing::snapshot_ptr snapshot;
  routing::route_searcher searcher;
  static inline const char* name = "clearway.route_worker";
};

struct router_state {
  context_ptr ctx;
  routing::snapshot_ptr snapshot;
  routing::liquidity_scorer scorer;
  std::uint64_t unpublished = 0;
  static inline const char* name = "clearway.router";
};

route_worker_actor::behavior_type worker_fn(route_worker_actor::stateful_pointer<worker_state> self, context_ptr c) {
  const spawn_scope scope{*c, self};
  self->state.ctx = std::move(c);
  return {
      [self](route_atom, route_query& q) {
        auto& st = self->state;
        const work_scope ws{*st.ctx, self};
        route_answer answer;
        answer.token = q.token;
        if (!st.snapshot) {
          answer.error = routing::route_error::unknown_node;
        } else {
          const auto& cfg = st.ctx->config;
          routing::route_request req;
          req.source = q.source;
          req.target = q.target;
          req.amount = q.value;
          req.now_s = q.now_s;
          req.final_time_lock_delta_s = cfg.final_time_lock_delta_s;
          req.max_total_time_lock_s = cfg.max_total_time_lock_s;
          req.max_hops = cfg.max_hops;
          req.excluded_channels = q.excluded;
          const auto scorer = st.ctx->scorer.load(std::memory_order_acquire);
          const routing::scorer_view view = scorer ? scorer->view(q.now_s) : routing::scorer_view{};
          auto found = st.searcher.find_route(*st.snapshot, view, req);
          if (found) {
            answer.found = std::move(*found);
          } else {
            answer.error = found.error();
          }
        }
        post(self, *st.ctx, q.reply_to, route_atom::value, std::move(answer));
      },
      [self](snapshot_atom, const routing::snapshot_ptr& snap) {
        const work_scope ws{*self->state.ctx, self};
        self->state.snapshot = snap;
      },
  };
}

void publish(router_state& st) {
  st.ctx->scorer.store(std::make_shared<const routing::liquidity_scorer>(st.scorer), std::memory_order_release);
  st.unpublished = 0;
}

router_actor::behavior_type router_fn(router_actor::stateful_pointer<router_state> self, context_ptr c) {
  const spawn_scope scope{*c, self};
  self->state.ctx = std::move(c);
  publish(self->state);
  return {
      [self](learn_atom, const route_outcome& o) {
        auto& st = self->state;
        const work_scope ws{*st.ctx, self};
        if (!st.snapshot) return;
        for (const auto& h : o.route.hops) {
          if (!st.snapshot->contains(h.edge)) return;  // learnt on an older snapshot
        }
        if (o.success) {
          st.scorer.record_success(*st.snapshot, o.route, o.now_s);
        } else if (o.liquidity_failure && o.failed_hop < o.route.hops.size()) {
          st.scorer.record_failure(*st.snapshot, o.route, o.failed_hop, o.now_s);
        } else {
          return;  // a policy or node problem says nothing about liquidity
        }
        if (++st.unpublished >= publish_every) publish(st);
      },
      [self](snapshot_atom, const routing::snapshot_ptr& snap) {
        auto& st = self->state;
        const work_scope ws{*st.ctx, self};
        st.snapshot = snap;
        for (const auto& w : st.ctx->route_workers) post(self, *st.ctx, w, snapshot_atom::value, snap);
      },
  };
}

}  // namespace

router_actor spawn_router(caf::actor_system& sys, context_ptr ctx) {
  const unsigned workers = std::max(1U, ctx->config.route_workers);
  for (unsigned i = 0; i < workers; ++i) {
    before_spawn(*ctx);
    ctx->route_workers.push_back(sys.spawn(worker_fn, ctx));
  }
  before_spawn(*ctx);
  return sys.spawn(router_fn, ctx);
}

}  // namespace clearway::actors
