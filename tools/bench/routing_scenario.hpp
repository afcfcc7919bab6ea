// `clearway-bench routing`: route-search latency on the real LN graph and on generated scale-free
// graphs of rising size, straight on routing/ (no engine): the same seeded payer/payee pairs and
// amounts shape on every graph, each search timed on the wall clock and on the thread's CPU clock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/scenario_run.hpp"
#include "tools/bench/topology_source.hpp"

namespace clearway::tools::bench {

struct routing_options {
  bool real_graph = true;  // also the named real graph (--topology), first
  std::string topology{default_topology};
  std::optional<std::filesystem::path> data_dir;
  std::vector<std::uint32_t> sizes{10'000, 100'000, 1'000'000};  // generated scale-free graphs
  double channels_per_node = 3.9528;  // the article's 3,952,800 channels for 10^6 nodes
  std::uint64_t pairs = 1'000;
  std::uint64_t seed = 1;
  double amount_median = 1'000'000;  // msat
  double amount_sigma = 1.0;
  std::string json_path;
  std::string plot_path;
  bool progress = false;
};

// Pure: "10000,1e5,100k,1m" -> sizes (k = x1,000, m = x1,000,000); each in [2, 10^7], strictly increasing.
[[nodiscard]] result<std::vector<std::uint32_t>, std::string> parse_sizes(std::string_view text);

struct latency_summary {  // microseconds
  double p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

struct graph_result {
  std::string label;  // "ln-2020-12", "scale-free:10000"
  bool generated = false;
  std::uint32_t nodes = 0;
  std::uint64_t channels = 0;
  double prepare_s = 0;  // load or generate, then build the snapshot (wall)
  std::uint64_t snapshot_bytes = 0;
  std::uint64_t searches = 0;
  std::uint64_t found = 0;
  std::map<std::string, std::uint64_t> errors;  // route_error name -> count
  std::uint64_t invalid_routes = 0;  // a found route that does not start at the payer or end at the payee
  double average_hops = 0;           // of found routes
  latency_summary wall_us;           // every search, found or not
  latency_summary cpu_us;            // thread CPU time
};

struct routing_report {
  std::uint64_t seed = 0;
  std::uint64_t pairs = 0;
  double amount_median = 0;
  double amount_sigma = 0;
  double channels_per_node = 0;
  std::vector<graph_result> graphs;
  double total_s = 0;
  [[nodiscard]] bool passed() const noexcept;  // every search ran, every found route valid
};

// Times `pairs` searches on one topology (payers and payees uniform over nodes with a channel).
[[nodiscard]] result<graph_result, scenario_error> time_route_searches(const routing::topology& topo,
                                                                       std::string label, bool generated,
                                                                       const routing_options& options,
                                                                       progress_line& progress);

[[nodiscard]] result<routing_report, scenario_error> run_routing(const routing_options& options,
                                                                 const std::vector<std::filesystem::path>& data_dirs,
                                                                 progress_line& progress);

}  // namespace clearway::tools::bench
