// Checks a route against every constraint of its request. Used by the tests, and by the search
// itself in debug builds (!NDEBUG) on every route it returns.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"
#include "routing/route.hpp"

namespace clearway::routing {

enum class route_violation {
  empty = 1,           // no hops
  unknown_edge,        // a hop names an edge the snapshot does not have
  broken_chain,        // a hop's channel/from/to do not match its edge, or hops do not connect
  wrong_endpoints,     // does not start at the source or end at the target
  not_simple,          // visits a node twice
  disabled,            // uses a disabled direction
  excluded,            // uses an excluded channel or edge
  below_min_htlc,
  above_max_htlc,
  above_balance_hint,
  wrong_amount,        // last hop != amount to deliver, or a hop != next hop + the forwarder's fee
  wrong_time_lock,     // last lock < now + final delta, or a lock < next lock + the forwarder's delta
  time_lock_limit,     // first lock - now > max_total_time_lock_s
  hop_limit,           // more than max_hops channels
  wrong_totals,        // total_amount / total_fee disagree with the hops
  scorer_unusable,     // the scorer rules a hop out
  wrong_cost,          // cost differs from route_cost()
};
[[nodiscard]] std::string_view to_string(route_violation v) noexcept;

// Everything but the cost.
[[nodiscard]] status<route_violation> validate_route(const graph_snapshot& snap, const route_request& request,
                                                     const route& r);
// Everything, including that no hop is unusable for `scorer` and that r.cost == route_cost().
[[nodiscard]] status<route_violation> validate_route(const graph_snapshot& snap, const scorer_view& scorer,
                                                     const route_request& request, const route& r);

}  // namespace clearway::routing
