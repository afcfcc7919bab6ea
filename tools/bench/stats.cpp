#include "tools/bench/stats.hpp"

#include <algorithm>
#include <cmath>

namespace clearway::tools::bench {

std::uint64_t percentile(std::span<const std::uint64_t> sorted, double q) noexcept {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const auto index = static_cast<std::size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size()))) - 1;
  return sorted[index];
}

distribution summarize(std::vector<std::uint64_t> values) {
  distribution d;
  if (values.empty()) return d;
  std::sort(values.begin(), values.end());
  d.count = values.size();
  d.min = values.front();
  d.max = values.back();
  d.p50 = percentile(values, 0.50);
  d.p99 = percentile(values, 0.99);
  d.p999 = percentile(values, 0.999);
  long double sum = 0;
  for (std::uint64_t v : values) sum += static_cast<long double>(v);
  d.mean = static_cast<double>(sum / static_cast<long double>(values.size()));
  return d;
}

}  // namespace clearway::tools::bench
