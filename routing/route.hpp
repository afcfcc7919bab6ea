// What a payer asks the router for, and what it gets back.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "routing/types.hpp"

namespace clearway::routing {

enum class route_error {
  unknown_node = 1,         // source or target is not in the snapshot
  source_equals_target,
  amount_too_small,         // zero, or below the min_htlc of every usable channel into the target
  amount_too_large,         // above what any usable channel into the target (or out of the source) can carry
  hop_limit,                // max_hops is 0
  time_lock_limit,          // the final delta alone exceeds max_total_time_lock_s
  no_route,                 // no path meets every constraint
  search_budget_exhausted,  // the exact search hit its label budget before deciding
};
[[nodiscard]] std::string_view to_string(route_error e) noexcept;

// How a route's cost is counted (see route_cost.hpp for the formula).
struct cost_params {
  // Added per channel of the route: fewer hops, fewer chances to fail.
  std::uint64_t hop_penalty_msat = 500;
  // Time value of the funds a hop locks: amount * lock time * rate, the rate in millionths per year.
  // 1 %/year by default: between LND's ~0.08 %/year (15 ppb per block) and Core Lightning's
  // riskfactor of 10 %/year. Larger rates make the search slower (its lower bounds see only part of
  // how the risk grows with the route's length).
  std::uint32_t risk_ppm_per_year = 10'000;
};

enum class search_mode {
  fast,             // one label per node (LDK/CLN style); proven_optimal tells when the result is exact
  fast_then_exact,  // fast; if it finds nothing but may have pruned a feasible path, the exact search
  exact,            // Pareto labels over (cost, amount, lock, hops, visited nodes): always minimum cost
};

struct route_request {
  node_index source;
  node_index target;
  protocol::amount amount;                   // what the target must receive
  std::uint64_t now_s = 0;                   // absolute chain time the locks start from
  std::uint64_t final_time_lock_delta_s = 0;  // the target's lock is now_s + this
  std::uint64_t max_total_time_lock_s = 2016ull * seconds_per_block;  // first hop's lock - now_s
  std::uint32_t max_hops = 20;               // channels in the route
  std::span<const channel_index> excluded_channels;  // e.g. channels that failed a previous try
  std::span<const edge_index> excluded_edges;
  cost_params cost;
  search_mode mode = search_mode::fast_then_exact;
  std::uint32_t exact_label_budget = 1u << 12;  // labels the exact search may create
};

struct route_hop {
  edge_index edge;
  channel_index channel;
  node_index from;
  node_index to;
  protocol::amount amount;    // HTLC amount on this hop
  std::uint64_t time_lock_s;  // absolute time lock of this hop's HTLC

  friend bool operator==(const route_hop&, const route_hop&) = default;
};

struct route {
  std::vector<route_hop> hops;    // from the source to the target
  protocol::amount total_amount;  // what the source sends (= hops.front().amount)
  protocol::amount total_fee;     // total_amount - delivered amount
  std::uint64_t cost = 0;         // the search objective, in msat-equivalents
  bool proven_optimal = false;    // no feasible cheaper route exists (under this request and scorer)
};

}  // namespace clearway::routing
