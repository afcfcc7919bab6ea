// A seeded scale-free (Barabási–Albert) channel network with LN-like policies, for benchmarks and
// tests at sizes the real snapshot does not reach (up to 10^6 nodes and ~4 M channels).
// Deterministic: the same parameters give the same topology on every platform (the random
// distributions are Clearway's own, not the standard library's implementation-defined ones).
#pragma once

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "routing/topology.hpp"

namespace clearway::routing {

struct scale_free_params {
  std::uint32_t node_count = 10'000;
  // Total channels; 0 means the classic BA count for `channels_per_node` (m): m per new node plus
  // a seed clique of m + 1 nodes.
  std::uint64_t channel_count = 0;
  std::uint32_t channels_per_node = 4;
  // Capacity: log-normal with this median and sigma (of the natural log), clamped, whole sat.
  std::uint64_t capacity_median_msat = 1'000'000'000;  // 1,000,000 sat
  double capacity_sigma = 1.2;
  std::uint64_t capacity_min_msat = 20'000'000;        // 20,000 sat
  std::uint64_t capacity_max_msat = 16'777'215'000;    // 2^24 - 1 sat (pre-wumbo limit)
  // Policies, drawn per direction.
  std::uint64_t fee_base_msat = 1000;
  std::uint32_t fee_ppm_min = 1;
  std::uint32_t fee_ppm_max = 1000;
  std::uint32_t delta_blocks_min = 40;
  std::uint32_t delta_blocks_max = 144;
  std::uint64_t min_htlc_msat = 1000;
  std::uint64_t seed = 1;
};

enum class generator_error {
  too_few_nodes = 1,  // fewer than 2 nodes
  too_few_channels,   // fewer than node_count - 1 (the network would not be connected)
  too_many_channels,  // more than preferential attachment can place without parallel channels
  bad_range,          // a min above its max, or sigma < 0
};
[[nodiscard]] std::string_view to_string(generator_error e) noexcept;

// Every node i >= m0 joins with k_i channels to distinct earlier nodes chosen with probability
// proportional to their degree (the k_i spread evenly so the total is exactly channel_count);
// nodes 0..m0-1 start as a clique. Balances split each capacity uniformly at random.
[[nodiscard]] result<topology, generator_error> generate_scale_free(const scale_free_params& params);

}  // namespace clearway::routing
