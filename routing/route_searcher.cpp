#include "routing/route_searcher.hpp"

#include <algorithm>
#include <cassert>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

#include "routing/validate_route.hpp"

namespace clearway::routing {
namespace {

constexpr std::uint32_t settled_slot = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t pruned_slot = settled_slot - 1;  // the source cannot reach this node
constexpr std::uint64_t no_bound = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint32_t via_root = (1u << 31) - 1;  // bound_label::via of a search's root
constexpr std::uint32_t no_pos = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint32_t no_label = std::numeric_limits<std::uint32_t>::max();

// The part of a label that decides whether it can still lead somewhere another label cannot.
struct label_key {
  std::uint64_t cost;
  std::uint64_t amount;
  std::uint64_t lock_s;
  std::uint32_t hops;
};

// Cheaper first; on equal cost the label that dominates more.
[[nodiscard]] bool better(const label_key& a, const label_key& b) noexcept {
  if (a.cost != b.cost) return a.cost < b.cost;
  if (a.amount != b.amount) return a.amount < b.amount;
  if (a.lock_s != b.lock_s) return a.lock_s < b.lock_s;
  return a.hops < b.hops;
}

[[nodiscard]] route_hop make_hop(const graph_snapshot& snap, std::uint32_t pos, std::uint64_t amount,
                                 std::uint64_t lock_s) {
  const edge_index e = snap.in_edge(pos);
  return route_hop{e, channel_of(e), snap.from(e), snap.to(e), protocol::amount::from_base_units(amount), lock_s};
}

void finish_route(route& r, const route_request& request) {
  r.total_amount = r.hops.front().amount;
  r.total_fee = r.total_amount.checked_sub(request.amount).value_or(protocol::amount::zero());
}

}  // namespace

struct route_searcher::context {
  const graph_snapshot* snap;
  const scorer_view* scorer;
  const route_request* request;
  cost_model model;
  std::uint32_t source;
  std::uint64_t lock_limit_s;  // no HTLC may be locked beyond this
  std::uint32_t max_hops;
  bool min_htlc_irrelevant;    // every amount is >= every min_htlc: a smaller amount is never worse
  std::uint64_t max_min_htlc;  // a label carrying at least this never fails a min_htlc upstream
  bool lock_relevant;          // a later lock can hurt: the risk term charges it on every further
                               // hop, or some simple path could exceed the lock limit
  bool hops_relevant;          // some simple path could exceed max_hops

  // `keep` (no more expensive) dominates `drop` in everything but visited nodes.
  [[nodiscard]] bool dominates(const label_key& keep, const label_key& drop) const noexcept {
    // A smaller amount is no worse once it (and so everything built on it) meets every min_htlc.
    if (keep.amount > drop.amount ||
        (keep.amount != drop.amount && !min_htlc_irrelevant && keep.amount < max_min_htlc)) {
      return false;
    }
    if (lock_relevant && keep.lock_s > drop.lock_s) return false;
    if (hops_relevant && keep.hops > drop.hops) return false;
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// workspace

void route_searcher::prepare(const graph_snapshot& snap) {
  if (snap.node_count() != node_count_ || labels_.size() != snap.node_count()) {
    node_count_ = snap.node_count();
    labels_.assign(node_count_, node_label{0, 0, 0, 0, 0, 0, no_pos, 0});
    node_ban_.assign(node_count_, 0);
    head_stamp_.assign(node_count_, 0);
    head_.assign(node_count_, no_label);
    mark_.assign(node_count_, 0);
    other_mark_.assign(node_count_, 0);
    from_source_.assign(node_count_, bound_label{0, 0, 0, 0});
    to_start_.assign(node_count_, bound_label{0, 0, 0, 0});
  }
}

void route_searcher::next_generation() {
  if (++generation_ == 0) {  // wrapped: forget every stamp once
    for (node_label& l : labels_) l.stamp = 0;
    std::fill(node_ban_.begin(), node_ban_.end(), 0);
    std::fill(edge_ban_.begin(), edge_ban_.end(), 0);
    std::fill(head_stamp_.begin(), head_stamp_.end(), 0);
    for (bound_label& b : from_source_) b.stamp = 0;
    for (bound_label& b : to_start_) b.stamp = 0;
    generation_ = 1;
  }
  any_node_bans_ = false;
  any_edge_bans_ = false;
}

void route_searcher::ban_request_exclusions(const context& ctx, const route_request& request) {
  if (request.excluded_edges.empty() && request.excluded_channels.empty()) return;
  if (edge_ban_.size() < ctx.snap->edge_count()) edge_ban_.resize(ctx.snap->edge_count(), 0);
  for (edge_index e : request.excluded_edges) {
    if (ctx.snap->contains(e)) edge_ban_[e.value] = generation_;
  }
  for (channel_index c : request.excluded_channels) {
    if (!ctx.snap->contains(c)) continue;
    edge_ban_[edge_of(c, 0).value] = generation_;
    edge_ban_[edge_of(c, 1).value] = generation_;
  }
  any_edge_bans_ = true;
}

std::uint32_t route_searcher::next_mark(std::vector<std::uint32_t>& marks, std::uint32_t& generation) {
  if (++generation == 0) {
    std::fill(marks.begin(), marks.end(), 0);
    generation = 1;
  }
  return generation;
}

route_searcher::context route_searcher::make_context(const graph_snapshot& snap, const scorer_view& scorer,
                                                     const route_request& request) {
  const std::uint64_t longest = std::min<std::uint64_t>(request.max_hops, snap.node_count() - 1);
  return context{
      &snap,
      &scorer,
      &request,
      cost_model(request.cost, request.now_s),
      request.source.value,
      request.now_s + request.max_total_time_lock_s,
      request.max_hops,
      snap.max_min_htlc() <= request.amount,
      snap.max_min_htlc().base_units(),
      // Not only the limit: with a nonzero risk rate each hop before this label costs more the later
      // its lock, so a cheaper label with a later lock does not dominate (it may lose on the next hop).
      request.cost.risk_ppm_per_year != 0 ||
          request.final_time_lock_delta_s + (longest - 1) * snap.max_time_lock_delta_s() >
              request.max_total_time_lock_s,
      request.max_hops < snap.node_count() - 1,
  };
}


// ---------------------------------------------------------------------------------------------
// 4-ary heap keyed by cost, positions kept in the labels for decrease-key

void route_searcher::sift_up(std::uint32_t slot, heap_entry e) {
  while (slot > 0) {
    const std::uint32_t parent = (slot - 1) / 4;
    if (heap_[parent].key <= e.key) break;
    heap_[slot] = heap_[parent];
    labels_[heap_[slot].node].heap_slot = slot;
    slot = parent;
  }
  heap_[slot] = e;
  labels_[e.node].heap_slot = slot;
}

void route_searcher::heap_push(std::uint64_t key, std::uint32_t node) {
  heap_.push_back(heap_entry{key, node});
  sift_up(static_cast<std::uint32_t>(heap_.size() - 1), heap_entry{key, node});
}

void route_searcher::heap_decrease(std::uint32_t slot, std::uint64_t key) {
  sift_up(slot, heap_entry{key, heap_[slot].node});
}

std::uint32_t route_searcher::heap_pop() {
  const std::uint32_t top = heap_[0].node;
  const heap_entry last = heap_.back();
  heap_.pop_back();
  const auto size = static_cast<std::uint32_t>(heap_.size());
  if (size > 0) {
    std::uint32_t slot = 0;
    for (;;) {
      const std::uint32_t first = 4 * slot + 1;
      if (first >= size) break;
      std::uint32_t best = first;
      const std::uint32_t stop = std::min(first + 4, size);
      for (std::uint32_t c = first + 1; c < stop; ++c) {
        if (heap_[c].key < heap_[best].key) best = c;
      }
      if (heap_[best].key >= last.key) break;
      heap_[slot] = heap_[best];
      labels_[heap_[slot].node].heap_slot = slot;
      slot = best;
    }
    heap_[slot] = last;
    labels_[last.node].heap_slot = slot;
  }
  labels_[top].heap_slot = settled_slot;
  return top;
}

// ---------------------------------------------------------------------------------------------
// lower bounds: a bidirectional Dijkstra between the source and the start on weights that no hop can
// undercut (see `weight`), over the directions that can carry the smallest amount any hop carries.
// The forward distances d(s, u) bound the main search's remaining cost: d(s, u) for nodes it
// settled, its final radius for the others (which are at least that far); and d(s, u) >= meet -
// d(u, start). No path here means no route at all.

bool route_searcher::bound_search(const context& ctx, const start_label& start) {
  const graph_snapshot& snap = *ctx.snap;
  const std::uint32_t gen = generation_;
  const std::uint32_t source = ctx.source;
  const std::uint64_t hop_penalty = ctx.model.hop_penalty();
  const std::uint64_t least_amount = start.amount;
  // Every hop carries at least least_amount, so its fee and liquidity penalty are at least those
  // of least_amount (both only grow with the amount). A forwarder's delta makes the hop before it
  // locked at least start.lock_s + delta: that hop's risk is charged here, once per forwarder.
  // `quick` is a cheaper bound of the same weight, tried first.
  auto quick = [&](std::uint32_t from, const search_edge& p) -> std::uint64_t {
    return from == source ? hop_penalty : saturating_add(p.fee_base, hop_penalty);
  };
  // The liquidity penalty at least_amount: exact where something was learned, else the prior's
  // cheap lower bound.
  const scorer_view& scorer = *ctx.scorer;
  const double prior = scorer.prior_factor(least_amount);
  auto weight = [&](std::uint32_t from, std::uint32_t pos, const search_edge& p) -> std::uint64_t {
    std::uint64_t w = hop_penalty;
    if (from != source) {
      std::uint64_t fee = 0;
      if (!forwarding_fee_units(p.fee_base, p.fee_ppm, least_amount, fee)) return no_bound;
      w = saturating_add(w, saturating_add(fee, ctx.model.risk(least_amount, start.lock_s + p.time_lock_delta_s)));
    }
    const edge_index e = snap.in_edge(pos);
    const std::uint64_t pen = scorer.learned(e)
                                  ? scorer.penalty_msat(e, least_amount, snap.in_capacity(pos))
                                  : scorer_view::prior_lower_bound(prior, snap.in_capacity(pos));
    return pen == scorer_view::unusable ? no_bound : saturating_add(w, pen);
  };
  auto banned_node = [&](std::uint32_t n) { return any_node_bans_ && node_ban_[n] == gen; };
  auto banned_pos = [&](std::uint32_t pos) { return any_edge_bans_ && edge_ban_[snap.in_edge(pos).value] == gen; };
  // The smallest live key (stale entries are dropped), or no_bound.
  auto top = [&](bound_heap& heap, const std::vector<bound_label>& labels) {
    while (!heap.empty()) {
      const auto& e = heap.top();
      const bound_label& l = labels[e.payload];
      if (l.settled == 0 && l.dist == e.key) return e.key;
      heap.pop();
    }
    return no_bound;
  };
  auto pop = [&](bound_heap& heap, std::vector<bound_label>& labels) {
    const std::uint32_t n = heap.top().payload;
    heap.pop();
    labels[n].settled = 1;
    return n;
  };
  auto reach = [&](std::vector<bound_label>& labels, bound_heap& heap, std::uint32_t n, std::uint64_t d,
                   std::uint32_t via) {
    bound_label& l = labels[n];
    if (l.stamp == gen && (l.settled != 0 || l.dist <= d)) return false;
    l = bound_label{d, gen, 0, via & via_root};
    heap.push(d, n);
    return true;
  };

  forward_heap_.clear();
  backward_heap_.clear();
  forward_settled_.clear();
  std::uint64_t meet = no_bound;  // shortest source -> start distance seen so far
  std::uint32_t meet_node = 0;
  reach(from_source_, forward_heap_, source, 0, via_root);
  reach(to_start_, backward_heap_, start.node, 0, via_root);
  // Stops once the meeting is within two hop penalties of the frontiers: the main search needs a
  // lower bound of the distance (f + b is one, as every path not yet seen is at least that long)
  // and a feasible route to bound it from above, not the exact distance (measured: finishing the
  // exact bidirectional search costs more than the looser bounds cost the main search).
  std::uint64_t lower = 0;
  for (;;) {
    const std::uint64_t f = top(forward_heap_, from_source_);
    const std::uint64_t b = top(backward_heap_, to_start_);
    lower = saturating_add(f, b);
    if (f == no_bound || b == no_bound || saturating_add(lower, 2 * hop_penalty) >= meet) break;
    if (forward_heap_.size() <= backward_heap_.size()) {
      const std::uint32_t x = pop(forward_heap_, from_source_);
      forward_settled_.push_back(x);
      ++stats_.bound_settled;
      stats_.bound_relaxed += snap.out_end(node_index{x}) - snap.out_begin(node_index{x});
      for (std::uint32_t i = snap.out_begin(node_index{x}); i < snap.out_end(node_index{x}); ++i) {
        const std::uint32_t pos = snap.out_position(i);
        const std::uint32_t y = snap.out_to(i);
        const search_edge& p = snap.in_search_edge(pos);
        if (p.carry_max < least_amount || banned_node(y) || banned_pos(pos)) continue;
        const bound_label& ly = from_source_[y];
        const std::uint64_t known = ly.stamp == gen ? ly.dist : no_bound;  // settled ones are <= f
        if (saturating_add(f, quick(x, p)) >= std::min(meet, known)) continue;
        const std::uint64_t d = saturating_add(f, weight(x, pos, p));
        if (d >= std::min(meet, known)) continue;  // no shorter meeting through y, or no news
        if (reach(from_source_, forward_heap_, y, d, pos) && to_start_[y].stamp == gen &&
            saturating_add(d, to_start_[y].dist) < meet) {
          meet = saturating_add(d, to_start_[y].dist);
          meet_node = y;
        }
      }
    } else {
      const std::uint32_t x = pop(backward_heap_, to_start_);
      ++stats_.bound_settled;
      stats_.bound_relaxed += snap.in_end(node_index{x}) - snap.in_begin(node_index{x});
      for (std::uint32_t pos = snap.in_begin(node_index{x}); pos < snap.in_end(node_index{x}); ++pos) {
        const std::uint32_t y = snap.in_from(pos);
        const search_edge& p = snap.in_search_edge(pos);
        if (p.carry_max < least_amount || banned_node(y) || banned_pos(pos)) continue;
        const bound_label& ly = to_start_[y];
        const std::uint64_t known = ly.stamp == gen ? ly.dist : no_bound;
        if (saturating_add(b, quick(y, p)) >= std::min(meet, known)) continue;
        const std::uint64_t d = saturating_add(b, weight(y, pos, p));
        if (d >= std::min(meet, known)) continue;
        if (reach(to_start_, backward_heap_, y, d, pos) && from_source_[y].stamp == gen &&
            saturating_add(d, from_source_[y].dist) < meet) {
          meet = saturating_add(d, from_source_[y].dist);
          meet_node = y;
        }
      }
    }
  }
  if (meet == no_bound) return false;
  // Unsettled nodes are at least this far: the heap's next key, or `meet` for what was not pushed.
  source_radius_ = std::min(top(forward_heap_, from_source_), meet);
  bound_meet_ = std::min(meet, lower);
  use_bound_ = true;
  evaluate_meeting_path(ctx, start, meet_node);
  return true;
}

// Follows the meeting path with the main search's exact rules (so its cost is what the search would
// give it) and keeps it when every constraint holds.
void route_searcher::evaluate_meeting_path(const context& ctx, const start_label& start, std::uint32_t meet_node) {
  const graph_snapshot& snap = *ctx.snap;
  bound_path_feasible_ = false;
  bound_path_.clear();
  const std::uint32_t mark = next_mark(mark_, mark_generation_);
  // Source -> meet along the forward tree (collected backwards), then meet -> start along the backward tree.
  for (std::uint32_t x = meet_node; x != ctx.source;) {
    const std::uint32_t pos = from_source_[x].via;
    bound_path_.push_back(pos);
    x = snap.in_from(pos);
  }
  std::reverse(bound_path_.begin(), bound_path_.end());
  for (std::uint32_t x = meet_node; x != start.node;) {
    const std::uint32_t pos = to_start_[x].via;
    bound_path_.push_back(pos);
    x = snap.to(snap.in_edge(pos)).value;
  }
  std::uint64_t amount = start.amount;
  std::uint64_t lock = start.lock_s;
  std::uint64_t cost = start.cost;
  std::uint32_t hops = start.hops;
  mark_[start.node] = mark;
  bound_path_amounts_.resize(bound_path_.size());
  bound_path_locks_.resize(bound_path_.size());
  for (std::size_t i = bound_path_.size(); i-- > 0;) {
    const std::uint32_t pos = bound_path_[i];
    const search_edge& p = snap.in_search_edge(pos);
    const std::uint32_t u = snap.in_from(pos);
    if (mark_[u] == mark) return;  // not a simple path
    mark_[u] = mark;
    if (amount < p.min_htlc || amount > p.carry_max || hops + 1 > ctx.max_hops) return;
    std::uint64_t fee = 0;
    std::uint64_t next_amount = amount;
    std::uint64_t next_lock = lock;
    if (u != ctx.source) {
      if (hops + 2 > ctx.max_hops || !forwarding_fee_units(p.fee_base, p.fee_ppm, amount, fee) ||
          __builtin_add_overflow(amount, fee, &next_amount)) {
        return;
      }
      next_lock = lock + p.time_lock_delta_s;
      if (next_lock > ctx.lock_limit_s) return;
    }
    const std::uint64_t penalty = ctx.scorer->penalty_msat(snap.in_edge(pos), amount, snap.in_capacity(pos));
    if (penalty == scorer_view::unusable) return;
    cost = saturating_add(cost, ctx.model.hop_cost(fee, amount, lock, penalty));
    bound_path_amounts_[i] = amount;
    bound_path_locks_[i] = lock;
    amount = next_amount;
    lock = next_lock;
    ++hops;
  }
  bound_path_cost_ = cost;
  bound_path_feasible_ = true;
}

// Lower bound of the cost from the source to `node`: its forward distance if the forward pass
// settled it, else the forward radius. Consistent, so it orders the main search's heap (A*) and
// settled labels stay final.
std::uint64_t route_searcher::heuristic(std::uint32_t node) const noexcept {
  if (!use_bound_) return 0;
  const bound_label& f = from_source_[node];
  return f.stamp == generation_ && f.settled != 0 ? f.dist : source_radius_;
}

// A larger lower bound, admissible but not consistent (so only for pruning): also
// d(s, node) >= meet - d(node, start), with any distance the backward pass found to the start.
std::uint64_t route_searcher::prune_bound(std::uint32_t node, std::uint64_t h) const noexcept {
  const bound_label& b = to_start_[node];
  return b.stamp == generation_ && bound_meet_ > b.dist ? std::max(h, bound_meet_ - b.dist) : h;
}

// ---------------------------------------------------------------------------------------------
// fast search: one label per node

bool route_searcher::run_fast(const context& ctx, const start_label& start) {
  const graph_snapshot& snap = *ctx.snap;
  const scorer_view& scorer = *ctx.scorer;
  const std::uint32_t gen = generation_;
  const std::uint64_t hop_penalty = ctx.model.hop_penalty();
  heap_.clear();
  const std::uint64_t start_h = heuristic(start.node);
  if (start_h == no_bound) {  // the source cannot reach the start at all
    stats_.pruned_undominated = false;
    return false;
  }
  labels_[start.node] = node_label{start.cost, start.amount, start.lock_s, start_h, gen, 0, no_pos, start.hops};
  heap_push(saturating_add(start.cost, start_h), start.node);
  // Candidates that cannot beat the best route known so far are dropped (keys > the meeting
  // path's cost, or >= the best label at the source).
  std::uint64_t best_source = bound_path_feasible_ ? saturating_add(bound_path_cost_, 1) : no_bound;
  bool pruned = false;
  while (!heap_.empty()) {
    const std::uint32_t v = heap_pop();
    ++stats_.settled;
    if (v == ctx.source) {
      stats_.pruned_undominated = pruned;
      return true;
    }
    const node_label lv = labels_[v];
    if (lv.hops + 1 > ctx.max_hops) continue;
    const bool forwarder_fits = lv.hops + 2 <= ctx.max_hops;
    const std::uint64_t a = lv.amount;
    // Any candidate through u costs at least lv.cost + hop_penalty + fee_base + h(u); it is useful
    // only below best_source. `slack` is what fee_base + h(u) must stay under. Nodes the forward
    // bound search did not settle have h = source_radius_, so when that alone exhausts the slack
    // only its settled nodes need a look.
    const std::uint64_t spent = saturating_add(lv.cost, hop_penalty);
    if (spent >= best_source) continue;
    const std::uint64_t slack = best_source == no_bound ? no_bound : best_source - spent;
    const bool settled_only = source_radius_ >= slack;
    // Candidate u over the direction at CSR position `pos`.
    auto relax = [&](std::uint32_t pos, std::uint32_t u) {
      const search_edge& p = snap.in_search_edge(pos);
      if (a < p.min_htlc || a > p.carry_max) return;  // carry_max is 0 when disabled
      {
        const bound_label& f = from_source_[u];
        const bool near = f.stamp == gen && f.settled != 0;
        if (settled_only && !near) return;
        std::uint64_t hu = near ? f.dist : source_radius_;
        const bound_label& b = to_start_[u];
        if (b.stamp == gen && bound_meet_ > b.dist) hu = std::max(hu, bound_meet_ - b.dist);
        if (saturating_add(u == ctx.source ? 0 : p.fee_base, hu) >= slack) return;
      }
      const bool is_source = u == ctx.source;
      if (!is_source && !forwarder_fits) return;
      if (any_node_bans_ && node_ban_[u] == gen) return;
      if (any_edge_bans_ && edge_ban_[snap.in_edge(pos).value] == gen) return;
      node_label& lu = labels_[u];
      const bool known = lu.stamp == gen;
      if (known && lu.heap_slot == pruned_slot) return;

      label_key cand{0, a, lv.lock_s, lv.hops + 1};
      std::uint64_t fee = 0;
      if (!is_source) {  // u forwards: it wants its fee, and its delta on top of the outgoing lock
        if (!forwarding_fee_units(p.fee_base, p.fee_ppm, a, fee)) return;
        if (__builtin_add_overflow(a, fee, &cand.amount)) return;
        cand.lock_s = lv.lock_s + p.time_lock_delta_s;
        if (cand.lock_s > ctx.lock_limit_s) return;
      }
      const bool settled = known && lu.heap_slot == settled_slot;
      const std::uint64_t h = known ? lu.heuristic : heuristic(u);
      if (h == no_bound) {
        lu = node_label{0, 0, 0, h, gen, pruned_slot, no_pos, 0};
        return;
      }
      // A lower bound of the candidate's cost first: most candidates lose before the scorer is asked.
      const std::uint64_t at_least = saturating_add(saturating_add(lv.cost, fee), hop_penalty);
      if (saturating_add(at_least, prune_bound(u, h)) >= best_source) return;  // cannot beat the best route
      // The label that stays no worse than the candidate; note when the candidate could still have
      // mattered. A candidate that closes a cycle through a settled node is no exception: it stands
      // for the labels at v that v's label dominated, and those need not pass through u (u's label
      // is no worse than the candidate in cost, lock and hops, so only its smaller amount can fail).
      auto keep_old = [&] {
        if (!pruned && !is_source && !ctx.dominates({lu.cost, lu.amount, lu.lock_s, lu.hops}, cand)) {
          pruned = true;
        }
      };
      if (settled || (known && at_least > lu.cost)) {  // h is consistent: a settled label is final
        keep_old();
        return;
      }
      const std::uint64_t penalty = scorer.penalty_msat(snap.in_edge(pos), a, snap.in_capacity(pos));
      if (penalty == scorer_view::unusable) return;
      cand.cost = saturating_add(lv.cost, ctx.model.hop_cost(fee, a, lv.lock_s, penalty));
      if (is_source) best_source = std::min(best_source, cand.cost);
      if (!known) {
        lu = node_label{cand.cost, cand.amount, cand.lock_s, h, gen, 0, pos, cand.hops};
        heap_push(saturating_add(cand.cost, h), u);
        return;
      }
      const label_key old{lu.cost, lu.amount, lu.lock_s, lu.hops};
      if (!better(cand, old)) {
        keep_old();
        return;
      }
      if (!pruned && !is_source && !ctx.dominates(cand, old)) pruned = true;
      const bool cheaper = cand.cost < lu.cost;
      lu.cost = cand.cost;
      lu.amount = cand.amount;
      lu.lock_s = cand.lock_s;
      lu.hops = cand.hops;
      lu.next_pos = pos;
      if (cheaper) heap_decrease(lu.heap_slot, saturating_add(cand.cost, h));
    };
    const std::uint32_t begin = snap.in_begin(node_index{v});
    const std::uint32_t end = snap.in_end(node_index{v});
    if (settled_only && forward_settled_.size() < end - begin) {
      // Only nodes the forward pass settled can still help, and they are fewer than v's channels:
      // look their directions to v up instead of scanning v's row (a hub's row is long).
      ++stats_.looked_up;
      for (const std::uint32_t u : forward_settled_) {
        const auto [first, last] = snap.out_range(node_index{u}, node_index{v});
        stats_.relaxed += last - first;
        for (std::uint32_t i = first; i < last; ++i) relax(snap.out_position(i), u);
      }
    } else {
      stats_.relaxed += end - begin;
      for (std::uint32_t pos = begin; pos < end; ++pos) relax(pos, snap.in_from(pos));
    }
  }
  stats_.pruned_undominated = pruned;
  return false;
}

route route_searcher::build_bound_route(const context& ctx) const {
  route r;
  r.cost = bound_path_cost_;
  for (std::size_t i = 0; i < bound_path_.size(); ++i) {
    r.hops.push_back(make_hop(*ctx.snap, bound_path_[i], bound_path_amounts_[i], bound_path_locks_[i]));
  }
  return r;
}

route route_searcher::build_fast_route(const context& ctx, const start_label& start) const {
  route r;
  r.cost = labels_[ctx.source].cost;
  for (std::uint32_t x = ctx.source; x != start.node;) {
    const std::uint32_t pos = labels_[x].next_pos;
    const std::uint32_t y = ctx.snap->to(ctx.snap->in_edge(pos)).value;
    r.hops.push_back(make_hop(*ctx.snap, pos, labels_[y].amount, labels_[y].lock_s));
    x = y;
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// exact search: Pareto labels

result<std::uint32_t, route_error> route_searcher::run_exact(const context& ctx, const start_label& start) {
  const graph_snapshot& snap = *ctx.snap;
  const scorer_view& scorer = *ctx.scorer;
  const std::uint32_t gen = generation_;
  const std::uint32_t budget = std::max<std::uint32_t>(ctx.request->exact_label_budget, 1);
  stats_.used_exact = true;
  pool_.clear();
  using entry = std::pair<std::uint64_t, std::uint32_t>;
  std::priority_queue<entry, std::vector<entry>, std::greater<>> queue;

  auto list_head = [&](std::uint32_t node) { return head_stamp_[node] == gen ? head_[node] : no_label; };
  auto add_label = [&](const pareto_label& l, std::uint64_t h) {
    const auto id = static_cast<std::uint32_t>(pool_.size());
    pool_.push_back(l);
    if (l.node != ctx.source) {
      pool_.back().next_at_node = list_head(l.node);
      head_stamp_[l.node] = gen;
      head_[l.node] = id;
    }
    queue.emplace(saturating_add(l.cost, h), id);
    ++stats_.labels;
  };

  const std::uint64_t start_h = heuristic(start.node);
  if (start_h == no_bound) return route_error::no_route;
  add_label(pareto_label{start.cost, start.amount, start.lock_s, start.node, no_label, no_pos, start.hops, no_label,
                         false},
            start_h);
  while (!queue.empty()) {
    const std::uint32_t id = queue.top().second;
    queue.pop();
    const pareto_label l = pool_[id];
    if (l.dead) continue;
    if (l.node == ctx.source) return id;
    ++stats_.settled;
    if (l.hops + 1 > ctx.max_hops) continue;
    const bool forwarder_fits = l.hops + 2 <= ctx.max_hops;
    // Mark the nodes of l's path: they cannot be visited again, and dominance compares paths.
    const std::uint32_t path_mark = next_mark(mark_, mark_generation_);
    for (std::uint32_t x = id; x != no_label; x = pool_[x].parent) mark_[pool_[x].node] = path_mark;
    const std::uint32_t end = snap.in_end(node_index{l.node});
    for (std::uint32_t pos = snap.in_begin(node_index{l.node}); pos < end; ++pos) {
      ++stats_.relaxed;
      const search_edge& p = snap.in_search_edge(pos);
      if (l.amount < p.min_htlc || l.amount > p.carry_max) continue;
      const std::uint32_t u = snap.in_from(pos);
      if (mark_[u] == path_mark) continue;  // would close a cycle
      const bool is_source = u == ctx.source;
      if (!is_source && !forwarder_fits) continue;
      if (any_node_bans_ && node_ban_[u] == gen) continue;
      const edge_index e = snap.in_edge(pos);
      if (any_edge_bans_ && edge_ban_[e.value] == gen) continue;
      label_key cand{0, l.amount, l.lock_s, l.hops + 1};
      std::uint64_t fee = 0;
      if (!is_source) {
        if (!forwarding_fee_units(p.fee_base, p.fee_ppm, l.amount, fee)) continue;
        if (__builtin_add_overflow(l.amount, fee, &cand.amount)) continue;
        cand.lock_s = l.lock_s + p.time_lock_delta_s;
        if (cand.lock_s > ctx.lock_limit_s) continue;
      }
      const std::uint64_t h = heuristic(u);
      if (h == no_bound) continue;
      const std::uint64_t penalty = scorer.penalty_msat(e, l.amount, snap.in_capacity(pos));
      if (penalty == scorer_view::unusable) continue;
      cand.cost = saturating_add(l.cost, ctx.model.hop_cost(fee, l.amount, l.lock_s, penalty));

      if (!is_source) {
        // Dropped if an existing label at u is no worse in every criterion and its path uses no
        // node outside the candidate's path (so every extension of the candidate is open to it).
        bool dominated = false;
        for (std::uint32_t m = list_head(u); m != no_label && !dominated; m = pool_[m].next_at_node) {
          const pareto_label& o = pool_[m];
          if (o.dead || o.cost > cand.cost || !ctx.dominates({o.cost, o.amount, o.lock_s, o.hops}, cand)) continue;
          bool subset = true;
          for (std::uint32_t x = o.parent; x != no_label && subset; x = pool_[x].parent) {
            subset = mark_[pool_[x].node] == path_mark;
          }
          dominated = subset;
        }
        if (dominated) continue;
        // Retire the labels the candidate dominates (their paths must contain the candidate's).
        for (std::uint32_t m = list_head(u); m != no_label; m = pool_[m].next_at_node) {
          pareto_label& o = pool_[m];
          if (o.dead || cand.cost > o.cost || !ctx.dominates(cand, {o.cost, o.amount, o.lock_s, o.hops})) continue;
          const std::uint32_t other = next_mark(other_mark_, other_mark_generation_);
          for (std::uint32_t x = o.parent; x != no_label; x = pool_[x].parent) other_mark_[pool_[x].node] = other;
          bool subset = true;
          for (std::uint32_t x = id; x != no_label && subset; x = pool_[x].parent) {
            subset = other_mark_[pool_[x].node] == other;
          }
          if (subset) o.dead = true;
        }
      }
      if (pool_.size() >= budget) return route_error::search_budget_exhausted;
      add_label(pareto_label{cand.cost, cand.amount, cand.lock_s, u, id, pos, cand.hops, no_label, false}, h);
    }
  }
  return route_error::no_route;
}

route route_searcher::build_exact_route(const context& ctx, std::uint32_t label) const {
  route r;
  r.cost = pool_[label].cost;
  for (std::uint32_t x = label; pool_[x].parent != no_label; x = pool_[x].parent) {
    const pareto_label& parent = pool_[pool_[x].parent];
    r.hops.push_back(make_hop(*ctx.snap, pool_[x].pos, parent.amount, parent.lock_s));
  }
  return r;
}

// ---------------------------------------------------------------------------------------------

route_error route_searcher::classify_failure(const context& ctx) const {
  const graph_snapshot& snap = *ctx.snap;
  const route_request& request = *ctx.request;
  const protocol::amount a = request.amount;
  bool any_in = false;
  bool all_below_min = true;
  bool all_above_max = true;
  const node_index target = request.target;
  for (std::uint32_t pos = snap.in_begin(target); pos < snap.in_end(target); ++pos) {
    const edge_policy p = snap.in_policy(pos);
    if (!p.enabled) continue;
    any_in = true;
    all_below_min = all_below_min && a < p.min_htlc;
    all_above_max = all_above_max && (a > p.max_htlc || a > p.balance_hint);
  }
  if (any_in && all_below_min) return route_error::amount_too_small;
  if (any_in && all_above_max) return route_error::amount_too_large;
  bool any_out = false;
  bool all_out_above_max = true;
  for (edge_index e : snap.out_edges(request.source)) {
    const edge_policy p = snap.policy(e);
    if (!p.enabled) continue;
    any_out = true;
    all_out_above_max = all_out_above_max && (a > p.max_htlc || a > p.balance_hint);
  }
  if (any_out && all_out_above_max) return route_error::amount_too_large;
  return route_error::no_route;
}

result<route, route_error> route_searcher::search(const context& ctx, const start_label& start, search_mode mode) {
  use_bound_ = false;
  if (!bound_search(ctx, start)) return route_error::no_route;  // not even a lower-bound path
  if (mode != search_mode::exact) {
    if (run_fast(ctx, start)) {
      route r = build_fast_route(ctx, start);
      r.proven_optimal = !stats_.pruned_undominated;
      return r;
    }
    if (bound_path_feasible_) {
      // The search discarded the meeting path's labels for others that led nowhere.
      route r = build_bound_route(ctx);
      r.proven_optimal = false;
      return r;
    }
    if (mode == search_mode::fast || !stats_.pruned_undominated) return route_error::no_route;
  }
  CW_TRY(label, run_exact(ctx, start));
  route r = build_exact_route(ctx, label);
  r.proven_optimal = true;
  return r;
}

result<route, route_error> route_searcher::find_route(const graph_snapshot& snap, const scorer_view& scorer,
                                                      const route_request& request) {
  stats_ = search_stats{};
  if (!snap.contains(request.source) || !snap.contains(request.target)) return route_error::unknown_node;
  if (request.source == request.target) return route_error::source_equals_target;
  if (request.amount.is_zero()) return route_error::amount_too_small;
  if (request.max_hops == 0) return route_error::hop_limit;
  if (request.final_time_lock_delta_s > request.max_total_time_lock_s) return route_error::time_lock_limit;
  prepare(snap);
  next_generation();

  const context ctx = make_context(snap, scorer, request);
  ban_request_exclusions(ctx, request);
  const start_label start{request.target.value, 0, request.amount.base_units(),
                          request.now_s + request.final_time_lock_delta_s, 0};
  auto found = search(ctx, start, request.mode);
  if (!found) {
    return found.error() == route_error::no_route ? classify_failure(ctx) : found.error();
  }
  route r = std::move(*found);
  finish_route(r, request);
  assert(validate_route(snap, scorer, request, r).has_value());
  return r;
}

result<std::vector<route>, route_error> route_searcher::find_routes(const graph_snapshot& snap,
                                                                    const scorer_view& scorer,
                                                                    const route_request& request, std::size_t k) {
  std::vector<route> accepted;
  if (k == 0) return accepted;
  CW_TRY(first, find_route(snap, scorer, request));
  accepted.push_back(std::move(first));
  std::vector<route> candidates;
  auto same_edges = [](const route& a, const route& b) {
    return a.hops.size() == b.hops.size() &&
           std::equal(a.hops.begin(), a.hops.end(), b.hops.begin(),
                      [](const route_hop& x, const route_hop& y) { return x.edge == y.edge; });
  };
  const search_mode spur_mode = request.mode == search_mode::exact ? search_mode::exact : search_mode::fast;
  while (accepted.size() < k) {
    const route prev = accepted.back();
    const std::size_t length = prev.hops.size();
    // Spur at node n_j (j = length is the payee); the root is prev's suffix from n_j.
    for (std::size_t j = length; j >= 1; --j) {
      const std::span<const route_hop> root(prev.hops.data() + j, length - j);
      start_label start{request.target.value, 0, request.amount.base_units(),
                        request.now_s + request.final_time_lock_delta_s, 0};
      if (j < length) {
        const std::uint64_t root_cost = route_cost(snap, scorer, request, root, /*starts_at_source=*/false);
        if (root_cost == invalid_cost) continue;
        start = start_label{prev.hops[j - 1].to.value, root_cost, prev.hops[j - 1].amount.base_units(),
                            prev.hops[j - 1].time_lock_s, static_cast<std::uint32_t>(length - j)};
      }
      next_generation();
      const context ctx = make_context(snap, scorer, request);
      ban_request_exclusions(ctx, request);
      for (const route_hop& h : root) {
        node_ban_[h.to.value] = generation_;
        any_node_bans_ = true;
      }
      // Ban the way into n_j of every accepted route that shares this root.
      for (const route& a : accepted) {
        if (a.hops.size() < root.size() + 1) continue;
        const std::size_t offset = a.hops.size() - root.size();
        bool shares = true;
        for (std::size_t i = 0; i < root.size() && shares; ++i) shares = a.hops[offset + i].edge == root[i].edge;
        if (!shares) continue;
        if (edge_ban_.size() < snap.edge_count()) edge_ban_.resize(snap.edge_count(), 0);
        edge_ban_[a.hops[offset - 1].edge.value] = generation_;
        any_edge_bans_ = true;
      }
      auto spur = search(ctx, start, spur_mode);
      if (!spur) continue;
      route candidate = std::move(*spur);
      candidate.hops.insert(candidate.hops.end(), root.begin(), root.end());
      candidate.proven_optimal = false;
      finish_route(candidate, request);
      const bool seen =
          std::any_of(accepted.begin(), accepted.end(), [&](const route& r) { return same_edges(r, candidate); }) ||
          std::any_of(candidates.begin(), candidates.end(), [&](const route& r) { return same_edges(r, candidate); });
      if (seen) continue;
      assert(validate_route(snap, scorer, request, candidate).has_value());
      candidates.push_back(std::move(candidate));
    }
    if (candidates.empty()) break;
    auto best = std::min_element(candidates.begin(), candidates.end(), [](const route& a, const route& b) {
      if (a.cost != b.cost) return a.cost < b.cost;
      if (a.hops.size() != b.hops.size()) return a.hops.size() < b.hops.size();
      return std::lexicographical_compare(
          a.hops.begin(), a.hops.end(), b.hops.begin(), b.hops.end(),
          [](const route_hop& x, const route_hop& y) { return x.edge < y.edge; });
    });
    accepted.push_back(std::move(*best));
    candidates.erase(best);
  }
  return accepted;
}

result<route, route_error> find_route(const graph_snapshot& snap, const scorer_view& scorer,
                                      const route_request& request) {
  route_searcher searcher;
  return searcher.find_route(snap, scorer, request);
}

}  // namespace clearway::routing
