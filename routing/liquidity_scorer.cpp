#include "routing/liquidity_scorer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace clearway::routing {
namespace {

constexpr double max_penalty = 4.0e18;  // below 2^62: sums of a few stay far from overflow

struct decayed {
  std::uint64_t lo;
  std::uint64_t hi;
};

// Bounds of direction 0 at now_s: both offsets shrink by 2^(-elapsed/half_life) towards [0, cap].
[[nodiscard]] decayed decay(const learned_liquidity& l, std::uint64_t half_life_s, std::uint64_t now_s) noexcept {
  if (half_life_s == 0 || now_s <= l.updated_s) return {l.lo, l.hi};
  const double factor = std::exp2(-static_cast<double>(now_s - l.updated_s) / static_cast<double>(half_life_s));
  const auto lo = static_cast<std::uint64_t>(static_cast<double>(l.lo) * factor);
  const auto hi_offset = static_cast<std::uint64_t>(static_cast<double>(l.capacity - l.hi) * factor);
  return {std::min(lo, l.capacity), l.capacity - std::min(hi_offset, l.capacity)};
}

[[nodiscard]] liquidity_bounds for_direction(decayed d, std::uint64_t capacity, unsigned direction) noexcept {
  if (direction == 0) return {d.lo, d.hi};
  return {capacity - d.hi, capacity - d.lo};
}

}  // namespace

std::uint64_t scorer_view::penalty_for(std::uint64_t a, std::uint64_t lo, std::uint64_t hi) const noexcept {
  if (a <= lo) return 0;
  if (a > hi) return unusable;
  const double num = static_cast<double>(hi - a) + 1.0;   // outcomes that succeed
  const double den = static_cast<double>(hi - lo) + 1.0;  // all outcomes
  const double excess = static_cast<double>(a - lo);
  const double multiplier =
      static_cast<double>(params_.liquidity_penalty_multiplier_msat) +
      static_cast<double>(params_.liquidity_penalty_amount_multiplier_msat) * (static_cast<double>(a) / 1048576.0);
  // -log10(p) <= excess / (num * ln 10): when that bound keeps the penalty below 1, skip the log.
  // The skipped region is a prefix of the amounts, so the penalty stays monotone in `a`.
  if (multiplier * excess < num * std::numbers::ln10) return 0;
  // -ln(1 - x): a short series for small x (most channels are much larger than the amount), else
  // log1p. The series is below log1p at the switch, so the penalty only ever steps up there.
  const double x = excess / den;
  const double neg_ln_p = x < 0.01 ? x * (1.0 + x * (0.5 + x * (1.0 / 3.0 + x * 0.25))) : -std::log1p(-x);
  const double neg_log10_p = neg_ln_p / std::numbers::ln10;
  const double penalty = multiplier * neg_log10_p;
  return penalty >= max_penalty ? static_cast<std::uint64_t>(max_penalty) : static_cast<std::uint64_t>(penalty);
}

double scorer_view::prior_factor(std::uint64_t amount) const noexcept {
  if (!params_.capacity_prior) return 0.0;
  // With lo = 0 and hi = capacity, x = amount / (capacity + 1) and -log10(1 - x) >= x / ln 10.
  const double multiplier =
      static_cast<double>(params_.liquidity_penalty_multiplier_msat) +
      static_cast<double>(params_.liquidity_penalty_amount_multiplier_msat) * (static_cast<double>(amount) / 1048576.0);
  return std::min(multiplier * static_cast<double>(amount) / std::numbers::ln10, max_penalty);
}

std::uint64_t scorer_view::learned_penalty(std::uint32_t index, edge_index e, std::uint64_t amount,
                                           std::uint64_t /*capacity*/) const noexcept {
  const learned_liquidity& l = entries_[index];
  const liquidity_bounds b = for_direction(decay(l, params_.half_life_s, now_s_), l.capacity, direction_of(e));
  return penalty_for(amount, b.lo, b.hi);
}

liquidity_bounds scorer_view::bounds(edge_index e, std::uint64_t capacity) const noexcept {
  if (e.value / 2 < slot_count_) {
    const std::uint32_t slot = slots_[e.value / 2];
    if (slot != 0) {
      const learned_liquidity& l = entries_[slot - 1];
      return for_direction(decay(l, params_.half_life_s, now_s_), l.capacity, direction_of(e));
    }
  }
  return {0, capacity};
}

learned_liquidity& liquidity_scorer::entry_for(channel_index c, std::uint64_t capacity, std::uint64_t now_s) {
  if (c.value >= slots_.size()) slots_.resize(std::size_t{c.value} + 1, 0);
  std::uint32_t& slot = slots_[c.value];
  if (slot == 0) {
    entries_.push_back(learned_liquidity{0, capacity, capacity, now_s});
    slot = static_cast<std::uint32_t>(entries_.size());
  }
  learned_liquidity& l = entries_[slot - 1];
  if (l.capacity != capacity) l = learned_liquidity{0, capacity, capacity, now_s};  // a different channel now
  const decayed d = decay(l, params_.half_life_s, now_s);
  l.lo = d.lo;
  l.hi = d.hi;
  l.updated_s = std::max(l.updated_s, now_s);
  return l;
}

void liquidity_scorer::record_carried(edge_index e, std::uint64_t capacity, std::uint64_t amount, std::uint64_t now_s) {
  amount = std::min(amount, capacity);
  learned_liquidity& l = entry_for(channel_of(e), capacity, now_s);
  // The newest observation wins: if it contradicts the other bound, that bound moves to agree.
  if (direction_of(e) == 0) {  // liquidity0 >= amount
    l.lo = std::max(l.lo, amount);
    l.hi = std::max(l.hi, l.lo);
  } else {  // capacity - liquidity0 >= amount
    l.hi = std::min(l.hi, capacity - amount);
    l.lo = std::min(l.lo, l.hi);
  }
}

void liquidity_scorer::record_refused(edge_index e, std::uint64_t capacity, std::uint64_t amount, std::uint64_t now_s) {
  if (amount == 0 || amount > capacity) return;  // says nothing about the liquidity
  learned_liquidity& l = entry_for(channel_of(e), capacity, now_s);
  if (direction_of(e) == 0) {  // liquidity0 < amount
    l.hi = std::min(l.hi, amount - 1);
    l.lo = std::min(l.lo, l.hi);
  } else {  // capacity - liquidity0 < amount
    l.lo = std::max(l.lo, capacity - amount + 1);
    l.hi = std::max(l.hi, l.lo);
  }
}

void liquidity_scorer::record_success(const graph_snapshot& snap, const route& r, std::uint64_t now_s) {
  for (const route_hop& h : r.hops) {
    if (!snap.contains(h.edge)) continue;
    const std::uint64_t capacity = snap.capacity(channel_of(h.edge)).base_units();
    const std::uint64_t a = std::min(h.amount.base_units(), capacity);
    record_carried(h.edge, capacity, a, now_s);
    learned_liquidity& l = entries_[slots_[channel_of(h.edge).value] - 1];
    if (direction_of(h.edge) == 0) {  // liquidity0 went down by a (lo >= a after record_carried)
      l.lo -= a;
      l.hi -= a;
    } else {  // liquidity0 went up by a (hi <= capacity - a after record_carried)
      l.lo += a;
      l.hi += a;
    }
  }
}

void liquidity_scorer::record_failure(const graph_snapshot& snap, const route& r, std::size_t failed_hop,
                                      std::uint64_t now_s) {
  for (std::size_t i = 0; i < r.hops.size() && i <= failed_hop; ++i) {
    const route_hop& h = r.hops[i];
    if (!snap.contains(h.edge)) continue;
    const std::uint64_t capacity = snap.capacity(channel_of(h.edge)).base_units();
    if (i < failed_hop) {
      record_carried(h.edge, capacity, h.amount.base_units(), now_s);
    } else {
      record_refused(h.edge, capacity, h.amount.base_units(), now_s);
    }
  }
}

scorer_view liquidity_scorer::view(std::uint64_t now_s) const noexcept {
  scorer_view v(params_);
  v.slots_ = slots_.data();
  v.slot_count_ = slots_.size();
  v.entries_ = entries_.data();
  v.now_s_ = now_s;
  return v;
}

}  // namespace clearway::routing
