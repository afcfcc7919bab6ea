#include "routing/scale_free_generator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

namespace clearway::routing {

std::string_view to_string(generator_error e) noexcept {
  switch (e) {
    case generator_error::too_few_nodes: return "too_few_nodes";
    case generator_error::too_few_channels: return "too_few_channels";
    case generator_error::too_many_channels: return "too_many_channels";
    case generator_error::bad_range: return "bad_range";
  }
  return "unknown generator_error";
}

namespace {

// std::mt19937_64's output is fixed by the standard; these distributions are ours, so a seed gives
// the same network everywhere.
[[nodiscard]] std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {  // n > 0; Lemire's method
  uint128 m = static_cast<uint128>(rng()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<uint128>(rng()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

[[nodiscard]] std::uint64_t uniform_between(std::mt19937_64& rng, std::uint64_t lo, std::uint64_t hi) {
  return lo + uniform_below(rng, hi - lo + 1);
}

[[nodiscard]] double uniform_open01(std::mt19937_64& rng) {  // (0, 1]
  return (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
}

[[nodiscard]] double standard_normal(std::mt19937_64& rng) {  // Box–Muller
  const double u1 = uniform_open01(rng);
  const double u2 = uniform_open01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

struct layout {
  std::uint32_t seed_nodes = 0;  // m0: the initial clique
  std::uint64_t rest = 0;        // channels added by the joining nodes
};

[[nodiscard]] result<layout, generator_error> plan(std::uint32_t n, std::uint64_t channels) {
  if (channels < n - 1u) return generator_error::too_few_channels;
  for (std::uint64_t m0 = std::max<std::uint64_t>(2, (channels + n - 1) / n + 1); m0 <= n; ++m0) {
    const std::uint64_t clique = m0 * (m0 - 1) / 2;
    if (clique > channels) break;
    const std::uint64_t rest = channels - clique;
    const std::uint64_t joiners = n - m0;
    if (joiners == 0) {
      if (rest == 0) return layout{static_cast<std::uint32_t>(m0), 0};
      continue;
    }
    // Every joiner gets at least one channel (connected) and at most m0 (it has >= m0 predecessors).
    if (rest >= joiners && (rest + joiners - 1) / joiners <= m0) return layout{static_cast<std::uint32_t>(m0), rest};
  }
  return generator_error::too_many_channels;
}

class channel_maker {
 public:
  channel_maker(const scale_free_params& p, std::mt19937_64& rng) : p_(p), rng_(rng) {}

  [[nodiscard]] channel_spec make(std::uint32_t node1, std::uint32_t node2) {
    channel_spec c;
    c.ends = channel_ends{node_index{node1}, node_index{node2}};
    const double drawn = static_cast<double>(p_.capacity_median_msat) * std::exp(p_.capacity_sigma * standard_normal(rng_));
    std::uint64_t cap = p_.capacity_max_msat;
    if (drawn < static_cast<double>(p_.capacity_max_msat)) cap = static_cast<std::uint64_t>(drawn);
    cap = std::clamp(cap / 1000 * 1000, p_.capacity_min_msat, p_.capacity_max_msat);
    c.capacity = protocol::amount::from_base_units(cap);
    const std::uint64_t balance0 = uniform_below(rng_, cap + 1);
    for (unsigned d = 0; d < 2; ++d) {
      edge_policy& e = c.direction[d];
      e.fee_base = protocol::amount::from_base_units(p_.fee_base_msat);
      e.fee_ppm = static_cast<std::uint32_t>(uniform_between(rng_, p_.fee_ppm_min, p_.fee_ppm_max));
      e.time_lock_delta_s =
          static_cast<std::uint32_t>(uniform_between(rng_, p_.delta_blocks_min, p_.delta_blocks_max)) * seconds_per_block;
      e.min_htlc = protocol::amount::from_base_units(std::min(p_.min_htlc_msat, cap));
      e.max_htlc = c.capacity;
      e.capacity = c.capacity;
      e.balance_hint = protocol::amount::from_base_units(d == 0 ? balance0 : cap - balance0);
      e.enabled = true;
    }
    return c;
  }

 private:
  const scale_free_params& p_;
  std::mt19937_64& rng_;
};

}  // namespace

result<topology, generator_error> generate_scale_free(const scale_free_params& p) {
  const std::uint32_t n = p.node_count;
  if (n < 2) return generator_error::too_few_nodes;
  if (p.fee_ppm_min > p.fee_ppm_max || p.delta_blocks_min > p.delta_blocks_max ||
      p.capacity_min_msat > p.capacity_max_msat || !(p.capacity_sigma >= 0.0) ||
      p.delta_blocks_max > std::numeric_limits<std::uint32_t>::max() / seconds_per_block) {
    return generator_error::bad_range;
  }
  std::uint64_t channels = p.channel_count;
  if (channels == 0) {
    const std::uint64_t m = std::max<std::uint32_t>(p.channels_per_node, 1);
    if (m + 1 > n) return generator_error::too_many_channels;
    channels = m * (n - (m + 1)) + (m + 1) * m / 2;
  }
  if (channels > (std::numeric_limits<std::uint32_t>::max() - 1) / 2) return generator_error::too_many_channels;
  CW_TRY(shape, plan(n, channels));

  std::mt19937_64 rng(p.seed);
  channel_maker maker(p, rng);
  topology topo;
  topo.node_count = n;
  topo.channels.reserve(channels);
  std::vector<std::uint32_t> endpoints;  // each node once per channel end: degree-proportional picks
  endpoints.reserve(2 * channels);
  auto add = [&](std::uint32_t a, std::uint32_t b) {
    topo.channels.push_back(maker.make(a, b));
    endpoints.push_back(a);
    endpoints.push_back(b);
  };
  for (std::uint32_t a = 0; a < shape.seed_nodes; ++a) {
    for (std::uint32_t b = a + 1; b < shape.seed_nodes; ++b) add(a, b);
  }
  const std::uint64_t joiners = n - shape.seed_nodes;
  std::vector<std::uint32_t> chosen;
  for (std::uint64_t j = 0; j < joiners; ++j) {
    const auto node = static_cast<std::uint32_t>(shape.seed_nodes + j);
    // Bresenham split of `rest` over the joiners: totals are exact, each k is floor or ceil.
    const auto upto = [&](std::uint64_t x) {
      return static_cast<std::uint64_t>(static_cast<uint128>(shape.rest) * x / joiners);
    };
    const std::uint64_t k = upto(j + 1) - upto(j);
    chosen.clear();
    while (chosen.size() < k) {
      const std::uint32_t t = endpoints[uniform_below(rng, endpoints.size())];
      if (std::find(chosen.begin(), chosen.end(), t) == chosen.end()) chosen.push_back(t);
    }
    for (std::uint32_t t : chosen) add(t, node);
  }
  return topo;
}

}  // namespace clearway::routing
