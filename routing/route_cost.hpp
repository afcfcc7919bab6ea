// The arithmetic of a route: forwarding fees, and the cost the router minimises.
//
// Cost of a route, in msat-equivalents, is the sum over its hops of
//   fee     the hop's `from` charges (fee_base + amount * fee_ppm / 1e6; 0 on the source's own hop)
// + risk    floor(amount * (time_lock_s - now_s) * risk_ppm_per_year / (1e6 * 365 d)), the time value
//           of the funds the hop's HTLC may lock until its time lock
// + penalty the scorer's liquidity penalty for carrying `amount` over that direction
// + hop_penalty_msat.
// Every term is non-decreasing in the hop's amount and time lock, and the amount and lock only grow
// from the payee back to the payer: that monotonicity is what the search's label dominance uses.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

#include "base/result.hpp"
#include "protocol/amount.hpp"
#include "routing/route.hpp"
#include "routing/types.hpp"

namespace clearway::routing {

class graph_snapshot;
class scorer_view;

// fee_base + forwarded * fee_ppm / 1e6 (rounded down) in base units; false on overflow.
[[nodiscard]] inline bool forwarding_fee_units(std::uint64_t fee_base, std::uint32_t fee_ppm, std::uint64_t forwarded,
                                               std::uint64_t& fee) noexcept {
  std::uint64_t proportional = 0;
  if (forwarded <= std::numeric_limits<std::uint32_t>::max()) {
    proportional = forwarded * fee_ppm / 1'000'000u;  // fits in 64 bits: no 128-bit division
  } else {
    const uint128 wide = static_cast<uint128>(forwarded) * fee_ppm / 1'000'000u;
    if (wide > std::numeric_limits<std::uint64_t>::max()) return false;
    proportional = static_cast<std::uint64_t>(wide);
  }
  return !__builtin_add_overflow(fee_base, proportional, &fee);
}

// What `from` charges to forward `forwarded` over a direction with `policy`, rounded down.
[[nodiscard]] inline result<protocol::amount, protocol::amount_error> forwarding_fee(
    const edge_policy& policy, protocol::amount forwarded) noexcept {
  std::uint64_t fee = 0;
  if (!forwarding_fee_units(policy.fee_base.base_units(), policy.fee_ppm, forwarded.base_units(), fee)) {
    return protocol::amount_error::overflow;
  }
  return protocol::amount::from_base_units(fee);
}

// The amount `from` must receive to forward `forwarded`: forwarded + fee.
[[nodiscard]] inline result<protocol::amount, protocol::amount_error> amount_to_forward(
    const edge_policy& policy, protocol::amount forwarded) noexcept {
  auto fee = forwarding_fee(policy, forwarded);
  if (!fee) return fee.error();
  return forwarded.checked_add(*fee);
}

inline constexpr std::uint64_t cost_cap = 4'000'000'000'000'000'000ull;  // costs saturate here (< 2^62)

[[nodiscard]] constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t s = a + b;
  s |= std::uint64_t{0} - static_cast<std::uint64_t>(s < a);  // wrapped: all ones (branch-free)
  return s < cost_cap ? s : cost_cap;
}

// The per-request part of the cost: risk and hop penalty.
class cost_model {
 public:
  cost_model(const cost_params& params, std::uint64_t now_s) noexcept
      : now_s_(now_s),
        hop_penalty_(params.hop_penalty_msat),
        risk_per_unit_second_(static_cast<double>(params.risk_ppm_per_year) / (1e6 * 365.0 * 86400.0)) {}

  [[nodiscard]] std::uint64_t risk(std::uint64_t amount, std::uint64_t time_lock_s) const noexcept {
    if (time_lock_s <= now_s_ || risk_per_unit_second_ == 0.0) return 0;
    const double r = static_cast<double>(amount) * static_cast<double>(time_lock_s - now_s_) * risk_per_unit_second_;
    return r >= static_cast<double>(cost_cap) ? cost_cap : static_cast<std::uint64_t>(r);
  }
  // fee + risk + penalty + hop penalty (penalty must not be scorer_view::unusable).
  [[nodiscard]] std::uint64_t hop_cost(std::uint64_t fee, std::uint64_t amount, std::uint64_t time_lock_s,
                                       std::uint64_t penalty) const noexcept {
    return saturating_add(saturating_add(saturating_add(fee, risk(amount, time_lock_s)), penalty), hop_penalty_);
  }
  [[nodiscard]] std::uint64_t now_s() const noexcept { return now_s_; }
  [[nodiscard]] std::uint64_t hop_penalty() const noexcept { return hop_penalty_; }

 private:
  std::uint64_t now_s_;
  std::uint64_t hop_penalty_;
  double risk_per_unit_second_;
};

// The cost of `hops` as the search counts it. If `starts_at_source`, the first hop is the source's
// own (no fee); otherwise every hop's `from` is a forwarder (a route's suffix). Returns invalid_cost
// (> any cost) when a hop is unusable for the scorer or a fee overflows. Hops must name edges of
// `snap`; amounts and locks are taken from the hops as they are.
inline constexpr std::uint64_t invalid_cost = cost_cap + 1;
[[nodiscard]] std::uint64_t route_cost(const graph_snapshot& snap, const scorer_view& scorer,
                                       const route_request& request, std::span<const route_hop> hops,
                                       bool starts_at_source = true);

}  // namespace clearway::routing
