// Order statistics for reports (latencies, route lengths): nearest-rank percentiles. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace clearway::tools::bench {

struct distribution {
  std::uint64_t count = 0;
  std::uint64_t min = 0;
  std::uint64_t p50 = 0;
  std::uint64_t p99 = 0;
  std::uint64_t p999 = 0;
  std::uint64_t max = 0;
  double mean = 0;
};

// The nearest-rank q-quantile (0 < q <= 1) of sorted values: the smallest value with at least
// q * n values at or below it. 0 for no values.
[[nodiscard]] std::uint64_t percentile(std::span<const std::uint64_t> sorted, double q) noexcept;

// Sorts `values` and summarises them.
[[nodiscard]] distribution summarize(std::vector<std::uint64_t> values);

}  // namespace clearway::tools::bench
