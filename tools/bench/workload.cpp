#include "tools/bench/workload.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace clearway::tools::bench {

namespace {
__extension__ typedef unsigned __int128 u128;  // NOLINT: 128-bit product for unbiased bounded draws
}

std::string_view to_string(receiver_choice r) noexcept {
  switch (r) {
    case receiver_choice::uniform:
      return "uniform";
    case receiver_choice::capacity_weighted:
      return "capacity";
  }
  return "unknown";
}

std::string_view to_string(workload_error e) noexcept {
  switch (e) {
    case workload_error::too_few_nodes:
      return "too_few_nodes";
    case workload_error::weight_overflow:
      return "weight_overflow";
    case workload_error::bad_rate:
      return "bad_rate";
    case workload_error::bad_amount:
      return "bad_amount";
  }
  return "unknown";
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) noexcept {
  auto mix = [](std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ (stream * 0xd1b54a32d192ed03ULL));
}

std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  // Lemire's multiply-and-reject: unbiased, and the same on every platform.
  u128 m = static_cast<u128>(rng()) * bound;
  auto low = static_cast<std::uint64_t>(m);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      m = static_cast<u128>(rng()) * bound;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double uniform_unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

double standard_normal(std::mt19937_64& rng) {
  // Box–Muller; u1 in (0, 1] keeps the logarithm finite.
  const double u1 = 1.0 - uniform_unit(rng);
  const double u2 = uniform_unit(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

double exponential(std::mt19937_64& rng, double rate) { return -std::log1p(-uniform_unit(rng)) / rate; }

result<weighted_picker, workload_error> weighted_picker::build(std::span<const std::uint64_t> weights) {
  weighted_picker p;
  p.cumulative_.reserve(weights.size());
  std::uint64_t total = 0;
  for (std::uint64_t w : weights) {
    if (__builtin_add_overflow(total, w, &total)) return workload_error::weight_overflow;
    p.cumulative_.push_back(total);
    p.eligible_ += w > 0 ? 1 : 0;
  }
  return p;
}

std::uint32_t weighted_picker::pick(std::mt19937_64& rng) const {
  // The first index whose cumulative sum exceeds the draw: zero weights are never hit.
  const std::uint64_t draw = uniform_below(rng, total());
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), draw);
  return static_cast<std::uint32_t>(it - cumulative_.begin());
}

workload_generator::workload_generator(workload_params params, weighted_picker senders, weighted_picker receivers)
    : params_(params),
      senders_(std::move(senders)),
      receivers_(std::move(receivers)),
      endpoint_rng_(derive_seed(params.seed, 1)),
      amount_rng_(derive_seed(params.seed, 2)),
      arrival_rng_(derive_seed(params.seed, 3)) {}

result<workload_generator, workload_error> workload_generator::create(std::span<const std::uint64_t> weights,
                                                                      const workload_params& params) {
  if (!std::isfinite(params.rate_per_s) || params.rate_per_s <= 0) return workload_error::bad_rate;
  if (!std::isfinite(params.amount_median) || params.amount_median < 1 || !std::isfinite(params.amount_sigma) ||
      params.amount_sigma < 0 || params.amount_min == 0 || params.amount_min > params.amount_max) {
    return workload_error::bad_amount;
  }
  CW_TRY(senders, weighted_picker::build(weights));
  if (senders.eligible() < 2) return workload_error::too_few_nodes;
  std::vector<std::uint64_t> receiver_weights(weights.begin(), weights.end());
  if (params.receivers == receiver_choice::uniform) {
    for (auto& w : receiver_weights) w = w > 0 ? 1 : 0;
  }
  CW_TRY(receivers, weighted_picker::build(receiver_weights));
  return workload_generator(params, std::move(senders), std::move(receivers));
}

payment_request workload_generator::next() {
  payment_request r;
  r.payer = senders_.pick(endpoint_rng_);
  // At least two eligible nodes, so this ends; with one dominant node it may take a few draws.
  do {
    r.payee = receivers_.pick(endpoint_rng_);
  } while (r.payee == r.payer);

  const double amount = params_.amount_median * std::exp(params_.amount_sigma * standard_normal(amount_rng_));
  const double lo = static_cast<double>(params_.amount_min);
  const double hi = static_cast<double>(params_.amount_max);
  if (!(amount > lo)) {
    r.amount = params_.amount_min;
  } else if (amount >= hi) {
    r.amount = params_.amount_max;
  } else {
    r.amount = std::clamp(static_cast<std::uint64_t>(std::round(amount)), params_.amount_min, params_.amount_max);
  }

  clock_s_ += exponential(arrival_rng_, params_.rate_per_s);
  // Saturates instead of overflowing for absurd rates (the CLI bounds the rate well before this).
  const double offset_ms = std::floor(clock_s_ * 1000.0);
  const double room_ms = static_cast<double>(UINT64_MAX - params_.start_ms);
  r.arrival_ms = offset_ms >= room_ms ? UINT64_MAX : params_.start_ms + static_cast<std::uint64_t>(offset_ms);
  return r;
}

std::vector<payment_request> workload_generator::take(std::size_t count) {
  std::vector<payment_request> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(next());
  return out;
}

}  // namespace clearway::tools::bench
