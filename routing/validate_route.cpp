#include "routing/validate_route.hpp"

#include <algorithm>
#include <vector>

#include "routing/route_cost.hpp"

namespace clearway::routing {

std::string_view to_string(route_violation v) noexcept {
  switch (v) {
    case route_violation::empty: return "empty";
    case route_violation::unknown_edge: return "unknown_edge";
    case route_violation::broken_chain: return "broken_chain";
    case route_violation::wrong_endpoints: return "wrong_endpoints";
    case route_violation::not_simple: return "not_simple";
    case route_violation::disabled: return "disabled";
    case route_violation::excluded: return "excluded";
    case route_violation::below_min_htlc: return "below_min_htlc";
    case route_violation::above_max_htlc: return "above_max_htlc";
    case route_violation::above_balance_hint: return "above_balance_hint";
    case route_violation::wrong_amount: return "wrong_amount";
    case route_violation::wrong_time_lock: return "wrong_time_lock";
    case route_violation::time_lock_limit: return "time_lock_limit";
    case route_violation::hop_limit: return "hop_limit";
    case route_violation::wrong_totals: return "wrong_totals";
    case route_violation::scorer_unusable: return "scorer_unusable";
    case route_violation::wrong_cost: return "wrong_cost";
  }
  return "unknown route_violation";
}

status<route_violation> validate_route(const graph_snapshot& snap, const route_request& request, const route& r) {
  const auto& hops = r.hops;
  if (hops.empty()) return route_violation::empty;
  if (hops.size() > request.max_hops) return route_violation::hop_limit;
  std::vector<node_index> visited;
  visited.reserve(hops.size() + 1);
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const route_hop& h = hops[i];
    if (!snap.contains(h.edge)) return route_violation::unknown_edge;
    if (channel_of(h.edge) != h.channel || snap.from(h.edge) != h.from || snap.to(h.edge) != h.to) {
      return route_violation::broken_chain;
    }
    if (i > 0 && hops[i - 1].to != h.from) return route_violation::broken_chain;
    visited.push_back(h.from);
    const edge_policy& p = snap.policy(h.edge);
    if (!p.enabled) return route_violation::disabled;
    if (std::find(request.excluded_edges.begin(), request.excluded_edges.end(), h.edge) !=
            request.excluded_edges.end() ||
        std::find(request.excluded_channels.begin(), request.excluded_channels.end(), h.channel) !=
            request.excluded_channels.end()) {
      return route_violation::excluded;
    }
    if (h.amount < p.min_htlc) return route_violation::below_min_htlc;
    if (h.amount > p.max_htlc) return route_violation::above_max_htlc;
    if (h.amount > p.balance_hint) return route_violation::above_balance_hint;
  }
  visited.push_back(hops.back().to);
  if (hops.front().from != request.source || hops.back().to != request.target) return route_violation::wrong_endpoints;
  std::sort(visited.begin(), visited.end());
  if (std::adjacent_find(visited.begin(), visited.end()) != visited.end()) return route_violation::not_simple;

  // Amounts: exact, from the payee back. Time locks: at least the forwarder's delta apart.
  if (hops.back().amount != request.amount) return route_violation::wrong_amount;
  if (hops.back().time_lock_s < request.now_s + request.final_time_lock_delta_s) return route_violation::wrong_time_lock;
  for (std::size_t i = hops.size() - 1; i > 0; --i) {
    const route_hop& next = hops[i];  // forwarded by next.from, who received hops[i - 1]
    const edge_policy& p = snap.policy(next.edge);
    auto needed = amount_to_forward(p, next.amount);
    if (!needed || *needed != hops[i - 1].amount) return route_violation::wrong_amount;
    if (hops[i - 1].time_lock_s < next.time_lock_s + p.time_lock_delta_s) return route_violation::wrong_time_lock;
  }
  if (hops.front().time_lock_s < request.now_s ||
      hops.front().time_lock_s - request.now_s > request.max_total_time_lock_s) {
    return route_violation::time_lock_limit;
  }
  if (r.total_amount != hops.front().amount) return route_violation::wrong_totals;
  auto fee = r.total_amount.checked_sub(request.amount);
  if (!fee || *fee != r.total_fee) return route_violation::wrong_totals;
  return {};
}

status<route_violation> validate_route(const graph_snapshot& snap, const scorer_view& scorer,
                                       const route_request& request, const route& r) {
  CW_CHECK(validate_route(snap, request, r));
  const std::uint64_t cost = route_cost(snap, scorer, request, r.hops);
  if (cost == invalid_cost) return route_violation::scorer_unusable;
  if (cost != r.cost) return route_violation::wrong_cost;
  return {};
}

}  // namespace clearway::routing
