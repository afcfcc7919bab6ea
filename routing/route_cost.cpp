#include "routing/route_cost.hpp"

#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"

namespace clearway::routing {

std::uint64_t route_cost(const graph_snapshot& snap, const scorer_view& scorer, const route_request& request,
                         std::span<const route_hop> hops, bool starts_at_source) {
  const cost_model model(request.cost, request.now_s);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < hops.size(); ++i) {
    const route_hop& h = hops[i];
    const edge_policy& policy = snap.policy(h.edge);
    std::uint64_t fee = 0;
    if (i > 0 || !starts_at_source) {
      auto f = forwarding_fee(policy, h.amount);
      if (!f) return invalid_cost;
      fee = f->base_units();
    }
    const std::uint64_t penalty = scorer.penalty_msat(h.edge, h.amount.base_units(), policy.capacity.base_units());
    if (penalty == scorer_view::unusable) return invalid_cost;
    total = saturating_add(total, model.hop_cost(fee, h.amount.base_units(), h.time_lock_s, penalty));
  }
  return total;
}

}  // namespace clearway::routing
