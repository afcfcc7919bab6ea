// The path search: backwards from the payee, so each hop's amount (what it must carry so that
// every later forwarder gets its fee) and time lock are exact when the hop is first considered.
//
// A label at node u says: "an HTLC of `amount` arriving at u with lock `lock_s` reaches the payee
// over `hops` channels at `cost`". Extending it over a direction w -> u that w forwards:
//   amount_w = amount_u + fee_w(amount_u),  lock_w = lock_u + delta_w,  hops_w = hops_u + 1,
//   cost_w = cost_u + fee_w + risk + penalty + hop penalty   (see route_cost.hpp)
// and the direction must be enabled, not excluded, carry amount_u within [min_htlc, max_htlc] and
// within its balance hint; the source adds no fee or delta of its own. A forwarder label whose lock
// exceeds now + max_total_time_lock_s, or that leaves no hop for the source, is dropped.
//
// Every search runs in two passes:
// 1. Lower bounds: a bidirectional Dijkstra between source and payee on per-hop weights no real hop
//    can undercut (hop penalty + the fee, part of the risk and a bound of the liquidity penalty at
//    the smallest amount any hop carries), over the directions that can carry that amount. No path
//    here proves there is no route. It yields an admissible bound h(u) of the cost from the source
//    to u (forward distances, and the meeting distance minus backward distances), and its meeting
//    path, evaluated exactly, bounds the optimum from above.
// 2. The main search, A* on cost + (the consistent part of) h with one label per node, a 4-ary
//    heap, generation-stamped labels (nothing is cleared between searches: O(touched) work), pruning
//    of every candidate that cannot beat the upper bound, and an early exit when the source is
//    settled. When the upper bound leaves room only for nodes
//    the forward pass settled, a hub's long row is not scanned: their directions to it are looked
//    up instead.
// One label per node is exact as long as every label it discards is dominated (no
// cheaper-or-equal label with a larger amount, later lock or more hops when those can still
// matter); the search records whether that held (route::proven_optimal). If it finds no route
// after discarding an undominated label, `fast_then_exact` runs the exact search (Pareto labels
// over cost, amount, lock, hops and visited nodes, with a label budget).
//
// Measured on ln-2020-12 (bench/routing_bench.cpp): p50 ~27 µs, p99 ~0.4-0.6 ms per search.
//
// A route_searcher is a reusable workspace: keep one per thread; it is not thread-safe, and the
// snapshot and scorer it reads must outlive each call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"
#include "routing/radix_heap.hpp"
#include "routing/route.hpp"
#include "routing/route_cost.hpp"

namespace clearway::routing {

struct search_stats {
  std::uint32_t settled = 0;  // labels taken off the heap
  std::uint32_t relaxed = 0;  // directions examined
  std::uint32_t looked_up = 0;  // settled nodes whose useful directions were looked up, not scanned
  std::uint32_t bound_settled = 0;  // nodes settled by the lower-bound searches
  std::uint32_t bound_relaxed = 0;  // directions they examined
  std::uint32_t labels = 0;   // labels created by the exact search
  bool pruned_undominated = false;
  bool used_exact = false;
};

class route_searcher {
 public:
  route_searcher() = default;

  [[nodiscard]] result<route, route_error> find_route(const graph_snapshot& snap, const scorer_view& scorer,
                                                      const route_request& request);

  // Up to k loopless routes in non-decreasing cost (Yen's algorithm, deviating from each route's
  // suffixes); the first is find_route's. Fewer if fewer exist. For retries and multi-path payments.
  [[nodiscard]] result<std::vector<route>, route_error> find_routes(const graph_snapshot& snap,
                                                                    const scorer_view& scorer,
                                                                    const route_request& request, std::size_t k);

  [[nodiscard]] const search_stats& last_stats() const noexcept { return stats_; }

 private:
  struct node_label {
    std::uint64_t cost;
    std::uint64_t amount;    // arriving at this node
    std::uint64_t lock_s;    // absolute lock of the HTLC arriving at this node
    std::uint64_t heuristic;  // lower bound on the cost from the source to this node
    std::uint32_t stamp;     // == generation_: valid in this search
    std::uint32_t heap_slot;  // position in heap_, settled_slot, or pruned_slot (cannot be reached)
    std::uint32_t next_pos;  // CSR position of the direction this node -> next node towards the payee
    std::uint32_t hops;      // channels from this node to the payee
  };
  struct heap_entry {
    std::uint64_t key;
    std::uint32_t node;
  };
  struct pareto_label {
    std::uint64_t cost;
    std::uint64_t amount;
    std::uint64_t lock_s;
    std::uint32_t node;
    std::uint32_t parent;     // label towards the payee (none for the start)
    std::uint32_t pos;        // CSR position of node -> parent's node
    std::uint32_t hops;
    std::uint32_t next_at_node;  // intrusive list of the labels at `node`
    bool dead;
  };
  struct start_label {
    std::uint32_t node;
    std::uint64_t cost;
    std::uint64_t amount;
    std::uint64_t lock_s;
    std::uint32_t hops;
  };
  struct context;
  struct bound_label {
    std::uint64_t dist;
    std::uint32_t stamp;
    std::uint32_t settled : 1;
    std::uint32_t via : 31;  // CSR position of the direction it was reached over (towards its root)
  };
  using bound_heap = radix_heap<std::uint32_t>;

  [[nodiscard]] result<route, route_error> search(const context& ctx, const start_label& start,
                                                  search_mode mode);
  [[nodiscard]] bool bound_search(const context& ctx, const start_label& start);
  [[nodiscard]] std::uint64_t heuristic(std::uint32_t node) const noexcept;
  [[nodiscard]] std::uint64_t prune_bound(std::uint32_t node, std::uint64_t h) const noexcept;
  void evaluate_meeting_path(const context& ctx, const start_label& start, std::uint32_t meet_node);
  [[nodiscard]] bool run_fast(const context& ctx, const start_label& start);
  [[nodiscard]] result<std::uint32_t, route_error> run_exact(const context& ctx, const start_label& start);
  [[nodiscard]] route build_fast_route(const context& ctx, const start_label& start) const;
  [[nodiscard]] route build_bound_route(const context& ctx) const;
  [[nodiscard]] route build_exact_route(const context& ctx, std::uint32_t label) const;
  [[nodiscard]] route_error classify_failure(const context& ctx) const;

  void prepare(const graph_snapshot& snap);
  void next_generation();
  void ban_request_exclusions(const context& ctx, const route_request& request);
  [[nodiscard]] static context make_context(const graph_snapshot& snap, const scorer_view& scorer,
                                            const route_request& request);
  std::uint32_t next_mark(std::vector<std::uint32_t>& marks, std::uint32_t& generation);

  void heap_push(std::uint64_t key, std::uint32_t node);
  void heap_decrease(std::uint32_t slot, std::uint64_t key);
  [[nodiscard]] std::uint32_t heap_pop();
  void sift_up(std::uint32_t slot, heap_entry e);

  std::uint32_t generation_ = 0;
  std::uint32_t node_count_ = 0;
  std::vector<node_label> labels_;
  std::vector<heap_entry> heap_;
  std::vector<std::uint32_t> node_ban_;  // == generation_: banned in this search
  std::vector<std::uint32_t> edge_ban_;  // by edge_index value; sized lazily
  bool any_node_bans_ = false;
  bool any_edge_bans_ = false;
  // lower-bound searches (source -> forward, start <- backward) that make the main search A*
  std::vector<bound_label> from_source_;
  std::vector<bound_label> to_start_;
  bound_heap forward_heap_;
  bound_heap backward_heap_;
  std::vector<std::uint32_t> forward_settled_;  // nodes the forward pass settled
  std::uint64_t source_radius_ = 0;  // every node with a lower bound below this was settled forward
  std::uint64_t bound_meet_ = 0;     // the lower bound of the whole source -> start distance
  bool use_bound_ = false;
  // The lower-bound searches' meeting path, when it is a feasible route: its exact cost bounds the
  // main search from above, and it is the answer if the main search discards it.
  std::vector<std::uint32_t> bound_path_;  // CSR positions from the source to the start
  std::vector<std::uint64_t> bound_path_amounts_;  // carried by each of those hops
  std::vector<std::uint64_t> bound_path_locks_;
  std::uint64_t bound_path_cost_ = 0;
  bool bound_path_feasible_ = false;
  // exact search
  std::vector<pareto_label> pool_;
  std::vector<std::uint32_t> head_stamp_;
  std::vector<std::uint32_t> head_;
  std::vector<std::uint32_t> mark_;   // nodes of the label being expanded
  std::vector<std::uint32_t> other_mark_;  // nodes of a label it is compared with
  std::uint32_t mark_generation_ = 0;
  std::uint32_t other_mark_generation_ = 0;
  search_stats stats_;
};

// One-shot convenience (allocates a workspace per call; use a route_searcher for speed).
[[nodiscard]] result<route, route_error> find_route(const graph_snapshot& snap, const scorer_view& scorer,
                                                    const route_request& request);

}  // namespace clearway::routing
