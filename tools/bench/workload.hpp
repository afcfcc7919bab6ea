// A seeded payment workload: who pays whom, how much, and when (virtual time). Pure: the same
// weights and parameters give the same payments on every platform — std::mt19937_64 is fully
// specified, and the distributions are written here (the standard library's are not portable).
//
// - Senders: probability proportional to a node's weight (its total channel capacity).
// - Receivers: uniform over the nodes with a non-zero weight, or weighted like the senders;
//   never the sender.
// - Arrivals: a Poisson process of `rate_per_s` payments per virtual second (exponential gaps).
// - Amounts: log-normal, median `amount_median` base units and `amount_sigma` (of the natural log),
//   rounded to whole base units and clamped to [amount_min, amount_max].
// Endpoints, amounts and arrivals come from three independent streams derived from the seed, so
// changing, say, the rate leaves who pays whom and how much unchanged.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace clearway::tools::bench {

enum class receiver_choice : std::uint8_t { uniform, capacity_weighted };
[[nodiscard]] std::string_view to_string(receiver_choice r) noexcept;

struct workload_params {
  std::uint64_t seed = 1;
  double rate_per_s = 100.0;
  double amount_median = 1'000'000.0;  // base units (msat on the LN data): 1,000 sat
  double amount_sigma = 1.0;
  std::uint64_t amount_min = 1;
  std::uint64_t amount_max = UINT64_MAX;
  receiver_choice receivers = receiver_choice::uniform;
  std::uint64_t start_ms = 0;  // the first arrival is one exponential gap after this
};

enum class workload_error {
  too_few_nodes = 1,  // fewer than two nodes with a non-zero weight (no sender != receiver pair)
  weight_overflow,    // the weights add up to more than 2^64 - 1
  bad_rate,           // rate not finite or <= 0
  bad_amount,         // median not finite or < 1, sigma not finite or < 0, or min > max or min == 0
};
[[nodiscard]] std::string_view to_string(workload_error e) noexcept;

struct payment_request {
  std::uint32_t payer = 0;
  std::uint32_t payee = 0;
  std::uint64_t amount = 0;      // base units
  std::uint64_t arrival_ms = 0;  // virtual time, non-decreasing from one request to the next
  friend bool operator==(const payment_request&, const payment_request&) = default;
};

// Draws from a weighted set of indices in O(log n): cumulative sums and a binary search.
class weighted_picker {
 public:
  // Indices with weight 0 are never picked.
  [[nodiscard]] static result<weighted_picker, workload_error> build(std::span<const std::uint64_t> weights);
  [[nodiscard]] std::uint32_t pick(std::mt19937_64& rng) const;
  [[nodiscard]] std::uint64_t total() const noexcept { return cumulative_.empty() ? 0 : cumulative_.back(); }
  [[nodiscard]] std::size_t eligible() const noexcept { return eligible_; }

 private:
  std::vector<std::uint64_t> cumulative_;  // cumulative_[i] = weights[0] + ... + weights[i]
  std::size_t eligible_ = 0;
};

class workload_generator {
 public:
  // `weights[i]` is node i's weight (e.g. its total channel capacity in base units).
  [[nodiscard]] static result<workload_generator, workload_error> create(std::span<const std::uint64_t> weights,
                                                                         const workload_params& params);
  [[nodiscard]] payment_request next();
  [[nodiscard]] std::vector<payment_request> take(std::size_t count);
  [[nodiscard]] const workload_params& params() const noexcept { return params_; }

 private:
  workload_generator(workload_params params, weighted_picker senders, weighted_picker receivers);

  workload_params params_;
  weighted_picker senders_;
  weighted_picker receivers_;  // uniform: every eligible node weighs 1
  std::mt19937_64 endpoint_rng_;
  std::mt19937_64 amount_rng_;
  std::mt19937_64 arrival_rng_;
  double clock_s_ = 0;  // arrival time of the last request, seconds after start_ms
};

// The building blocks, exposed for tests.
[[nodiscard]] std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound);  // [0, bound), bound > 0
[[nodiscard]] double uniform_unit(std::mt19937_64& rng);                               // [0, 1), 53 bits
[[nodiscard]] double standard_normal(std::mt19937_64& rng);
[[nodiscard]] double exponential(std::mt19937_64& rng, double rate);  // mean 1 / rate
// Independent stream `stream` of a seed (splitmix64 of both), so streams do not overlap in practice.
[[nodiscard]] std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) noexcept;

}  // namespace clearway::tools::bench
