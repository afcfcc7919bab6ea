// Learned channel liquidity (in the spirit of LDK's probabilistic scorer), with a read/update split:
// the router reads a const `scorer_view` during a search; successes and failures are applied to the
// `liquidity_scorer` between searches. Time comes in as an argument.
//
// Model: per channel, bounds [lo, hi] on the liquidity of direction 0 (node1 -> node2); direction 1
// has cap - liquidity(direction 0), so its bounds are [cap - hi, cap - lo]. With nothing learned the
// bounds are [0, cap]. Learned bounds decay back towards [0, cap] with a half-life.
// The liquidity is taken as uniform within its bounds, so carrying `a` over a direction with bounds
// [lo, hi] succeeds with probability p = 1 if a <= lo, 0 if a > hi, else (hi + 1 - a) / (hi + 1 - lo).
// Penalty = floor((multiplier + amount_multiplier * a / 2^20) * -log10(p)); p = 0 makes the direction
// unusable. The penalty never decreases when `a` grows (the exact search relies on that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "routing/graph_snapshot.hpp"
#include "routing/route.hpp"

namespace clearway::routing {

struct scorer_params {
  std::uint64_t liquidity_penalty_multiplier_msat = 30'000;
  std::uint64_t liquidity_penalty_amount_multiplier_msat = 192;
  std::uint64_t half_life_s = 6 * 3600;
  // With nothing learned, still penalise by the chance that a uniform liquidity in [0, capacity]
  // is too small (favours large channels for large amounts).
  bool capacity_prior = true;
};

// Bounds of one direction's liquidity, in base units.
struct liquidity_bounds {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  friend bool operator==(const liquidity_bounds&, const liquidity_bounds&) = default;
};

// What was learned about one channel: direction 0's liquidity bounds when last updated.
struct learned_liquidity {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  std::uint64_t capacity = 0;
  std::uint64_t updated_s = 0;
};

// Read-only view used by the search. Cheap to copy; valid while its scorer lives and is not updated.
class scorer_view {
 public:
  static constexpr std::uint64_t unusable = std::numeric_limits<std::uint64_t>::max();

  scorer_view() = default;  // nothing learned, default params
  explicit scorer_view(scorer_params params) : params_(params) {}

  // Penalty for carrying `amount` over edge `e` of a channel of `capacity`, or `unusable`.
  [[nodiscard]] std::uint64_t penalty_msat(edge_index e, std::uint64_t amount, std::uint64_t capacity) const noexcept {
    if (e.value / 2 < slot_count_) {
      const std::uint32_t slot = slots_[e.value / 2];
      if (slot != 0) return learned_penalty(slot - 1, e, amount, capacity);
    }
    if (!params_.capacity_prior || amount == 0) return 0;
    return penalty_for(amount, 0, capacity);
  }
  // A cheap lower bound of penalty_msat(e, amount, capacity) for searches that evaluate many
  // directions at one amount: prior_factor(amount) / (capacity + 1), less one for rounding, when
  // nothing is learned about `e` (learned() tells); the exact penalty otherwise.
  [[nodiscard]] bool learned(edge_index e) const noexcept {
    return e.value / 2 < slot_count_ && slots_[e.value / 2] != 0;
  }
  [[nodiscard]] double prior_factor(std::uint64_t amount) const noexcept;
  [[nodiscard]] static std::uint64_t prior_lower_bound(double factor, std::uint64_t capacity) noexcept {
    const double bound = factor / (static_cast<double>(capacity) + 1.0);
    return bound < 2.0 ? 0 : static_cast<std::uint64_t>(bound) - 1;
  }
  // The bounds the penalty uses for `e` now.
  [[nodiscard]] liquidity_bounds bounds(edge_index e, std::uint64_t capacity) const noexcept;
  [[nodiscard]] const scorer_params& params() const noexcept { return params_; }
  [[nodiscard]] std::uint64_t now_s() const noexcept { return now_s_; }

  // Penalty for amount `a` with bounds [lo, hi] (a > hi gives unusable).
  [[nodiscard]] std::uint64_t penalty_for(std::uint64_t a, std::uint64_t lo, std::uint64_t hi) const noexcept;

 private:
  friend class liquidity_scorer;
  [[nodiscard]] std::uint64_t learned_penalty(std::uint32_t index, edge_index e, std::uint64_t amount,
                                              std::uint64_t capacity) const noexcept;

  scorer_params params_;
  const std::uint32_t* slots_ = nullptr;  // per channel: 0 = nothing learned, else entry index + 1
  std::size_t slot_count_ = 0;
  const learned_liquidity* entries_ = nullptr;
  std::uint64_t now_s_ = 0;
};

class liquidity_scorer {
 public:
  explicit liquidity_scorer(scorer_params params = {}) : params_(params) {}

  // Every hop of `r` carried its amount and the payment settled: each direction's liquidity moved
  // by the hop's amount.
  void record_success(const graph_snapshot& snap, const route& r, std::uint64_t now_s);
  // hops[failed_hop] refused its HTLC for lack of liquidity; the hops before it carried theirs
  // (and were then failed back, so no liquidity moved).
  void record_failure(const graph_snapshot& snap, const route& r, std::size_t failed_hop, std::uint64_t now_s);
  // One direction was seen to carry `amount` (e.g. a probe), or to refuse it.
  void record_carried(edge_index e, std::uint64_t capacity, std::uint64_t amount, std::uint64_t now_s);
  void record_refused(edge_index e, std::uint64_t capacity, std::uint64_t amount, std::uint64_t now_s);

  [[nodiscard]] scorer_view view(std::uint64_t now_s) const noexcept;
  [[nodiscard]] std::size_t learned_channels() const noexcept { return entries_.size(); }
  [[nodiscard]] const scorer_params& params() const noexcept { return params_; }

 private:
  // The entry of channel `c`, decayed to now_s (created as [0, capacity] if new).
  learned_liquidity& entry_for(channel_index c, std::uint64_t capacity, std::uint64_t now_s);

  scorer_params params_;
  std::vector<std::uint32_t> slots_;  // per channel: 0 = nothing learned, else index + 1
  std::vector<learned_liquidity> entries_;
};

}  // namespace clearway::routing
