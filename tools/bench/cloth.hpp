// `clearway-bench cloth`: a workload with CLoTH's parameters over the same topology, reported with
// CLoTH's failure taxonomy so the two simulators can be compared on the same input.
//
// CLoTH (Conoscenti et al., "CLoTH: a Lightning Network simulator") draws payments with:
// payment_rate (Poisson arrivals, payments per second), n_payments, average_payment_amount and
// variance_payment_amount (amount = |average + N(0,1) x variance|, msat), sender and receiver
// uniform over the nodes (never equal), and faulty_node_prob (nodes that do not answer). It counts
// each payment as Success or as one failure: FailNoPath, FailNoBalance, FailOfflineNode or
// FailTimeoutExpired. Our engine's failure_reason maps onto these (cloth_category_of); reasons
// CLoTH does not model (time_lock, fee_insufficient, incorrect_details, cancelled) are reported as
// `Other`, with the engine's reason kept next to it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "actors/engine.hpp"
#include "base/result.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/scenario_run.hpp"
#include "tools/bench/topology_source.hpp"
#include "tools/bench/workload.hpp"

namespace clearway::tools::bench {

enum class cloth_category : std::uint8_t {
  success = 0,
  fail_no_path,
  fail_no_balance,
  fail_offline_node,
  fail_timeout_expired,
  other,       // an engine reason CLoTH does not model
  unfinished,  // still pending at the end (a bug if it happens: the run drains every lock)
};
inline constexpr std::size_t cloth_category_count = 7;
// CLoTH's names: "Success", "FailNoPath", "FailNoBalance", "FailOfflineNode", "FailTimeoutExpired",
// and ours: "Other", "Unfinished".
[[nodiscard]] std::string_view to_string(cloth_category c) noexcept;
// Pure: the category of one payment's outcome.
[[nodiscard]] cloth_category cloth_category_of(actors::payment_status status, actors::failure_reason reason) noexcept;

struct cloth_params {
  double payment_rate = 100;                // payments per virtual second
  std::uint64_t n_payments = 5'000;
  double average_payment_amount = 1'000'000;   // msat
  double variance_payment_amount = 100'000;    // msat: the normal's standard deviation, as CLoTH uses it
  double faulty_node_prob = 0;              // each node offline (for good, from the start) with this probability
  std::uint64_t seed = 1;
};

enum class cloth_error {
  too_few_nodes = 1,  // fewer than two online nodes with a channel
  bad_rate,           // not finite or <= 0
  bad_amount,         // average or variance not finite or < 0, or average < 1
  bad_probability,    // faulty_node_prob not in [0, 1)
};
[[nodiscard]] std::string_view to_string(cloth_error e) noexcept;

// Pure: which nodes are faulty (offline) for these parameters: node i with probability
// faulty_node_prob, from the seed's own stream.
[[nodiscard]] std::vector<std::uint8_t> cloth_faulty_nodes(std::uint32_t node_count, const cloth_params& p);

// Pure: CLoTH's payments over the nodes marked eligible (online, with a channel): payer and payee
// uniform and distinct, amount |average + N(0,1) x variance| rounded (at least 1), Poisson
// arrivals from start_ms. Streams derived from the seed, as in workload.hpp.
[[nodiscard]] result<std::vector<payment_request>, cloth_error> cloth_payments(std::span<const std::uint8_t> eligible,
                                                                              const cloth_params& p,
                                                                              std::uint64_t start_ms);

struct cloth_options {
  std::string topology{default_topology};
  std::optional<std::filesystem::path> data_dir;
  cloth_params params;
  engine_knobs knobs;
  std::string json_path;
  std::string plot_path;
  bool progress = false;
};

struct cloth_window {  // one slice of virtual arrival time
  double start_s = 0;
  std::array<std::uint64_t, cloth_category_count> counts{};
};

struct cloth_report {
  std::string topology;
  cloth_params params;
  engine_knobs knobs;
  std::uint32_t nodes = 0;
  std::uint64_t channels_opened = 0;
  std::uint64_t faulty_nodes = 0;
  std::array<std::uint64_t, cloth_category_count> counts{};
  std::vector<std::pair<std::string, std::uint64_t>> other_reasons;  // engine reasons inside `Other`
  payment_outcome outcome;       // the engine's own view (reasons, latencies, hops, attempts)
  std::vector<cloth_window> windows;
  double payments_wall_s = 0;
  std::uint64_t virtual_ms = 0;
  bool drained = false;
  actors::engine_metrics before;  // engine counters when the payments began
  actors::engine_metrics after;   // and when the last one finished
  run_verdict verdict;
  double load_s = 0, build_s = 0, open_s = 0, checks_s = 0, total_s = 0;
  [[nodiscard]] std::uint64_t count(cloth_category c) const noexcept { return counts[static_cast<std::size_t>(c)]; }
  // Every payment counted exactly once, and the run's checks passed.
  [[nodiscard]] bool passed() const noexcept;
};

[[nodiscard]] result<cloth_report, scenario_error> run_cloth(const cloth_options& options,
                                                             const loaded_topology& topology, progress_line& progress);

}  // namespace clearway::tools::bench
