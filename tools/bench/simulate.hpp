// `clearway-bench simulate`: build a network on the embedded bank, run a seeded payment workload
// on the virtual clock, then check the outcome from the engine's final states. The report is
// plain data; summary.hpp prints it for people and report_json.hpp writes it as JSON.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/engine.hpp"
#include "base/result.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/stats.hpp"
#include "tools/bench/topology_source.hpp"
#include "tools/bench/workload.hpp"

namespace clearway::tools::bench {

struct simulate_options {
  std::string topology{default_topology};
  std::optional<std::filesystem::path> data_dir;
  std::uint64_t payments = 5'000;
  std::uint64_t seed = 1;
  double rate_per_s = 100.0;         // CLoTH's default payment rate
  double amount_median = 1'000'000;  // base units (msat): 1,000 sat
  double amount_sigma = 1.0;
  receiver_choice receivers = receiver_choice::uniform;
  std::uint32_t threads = 2;
  std::uint64_t tick_ms = 100;
  std::string json_path;                 // empty: no JSON
  std::uint32_t wealth_check_nodes = 8;  // see wealth_sample(); all read in one pass (engine::wealth_of_all)
  bool progress = false;                 // force the progress line on a non-terminal stderr
};

// One check's verdict and, when it failed, why (the first few reasons).
struct simulate_checks {
  // From the engine's audit(): both ends agree, base + HTLCs == deposits per channel, the ledger's
  // own audit, network total == money minted; every finished payment atomic; no forwarder poorer.
  actors::audit_report audit;
  // From close_all(): every idle channel closed cooperatively on the bank, the bank's audit after
  // the closes, every node's account == what its channel ends said it owned.
  actors::close_report close;
  // The tool's own, from the per-payment results.
  std::uint64_t unfinished = 0;
  std::uint64_t not_atomic = 0;
  std::uint64_t bad_routes = 0;
  // The tool's own, from the final bank accounts: each node owns its deposits plus what the
  // payment results say it received, minus what they say it sent.
  std::uint64_t wealth_nodes_checked = 0;
  std::uint64_t wealth_mismatches = 0;
  bool total_wealth_checked = false;  // all nodes checked, so the network total was compared too
  bool total_wealth_ok = true;
  std::vector<std::string> problems;

  bool conservation_ok = false;  // audit + close + wealth
  bool atomicity_ok = false;     // audit + every payment result
  bool forwarders_ok = false;
  bool routes_ok = false;
  bool all_finished = false;
  [[nodiscard]] bool passed() const noexcept {
    return conservation_ok && atomicity_ok && forwarders_ok && routes_ok && all_finished;
  }
};

struct simulate_report {
  // What ran.
  std::string topology;
  workload_params workload;
  std::uint32_t threads = 0;
  std::uint64_t tick_ms = 0;
  std::uint32_t max_attempts = 0;
  std::uint32_t commit_batch_size = 0;
  // The network.
  std::uint32_t nodes = 0;
  std::uint64_t channels_in_topology = 0;
  std::uint64_t channels_opened = 0;
  std::uint64_t channels_refused = 0;
  std::uint64_t zero_sides_topped_up = 0;
  std::uint64_t total_deposits = 0;
  // The outcome.
  std::uint64_t payments = 0;
  std::uint64_t succeeded = 0;
  std::vector<std::pair<std::string, std::uint64_t>> failures;  // every known reason (0 too), then others
  std::uint64_t amount_succeeded = 0;                           // base units received by payees
  std::uint64_t fees_paid = 0;
  double average_hops = 0;       // of succeeded payments
  double average_attempts = 0;   // of all finished payments
  distribution latency_ms;       // virtual, succeeded payments: arrival -> preimage at the payer
  std::uint64_t virtual_ms = 0;  // virtual time from the first arrival window to the last payment's end
  bool drained = false;          // payments were still pending after the workload, time ran on to their locks
  // Wall clock (seconds).
  double load_s = 0;
  double build_s = 0;
  double open_s = 0;
  double payments_s = 0;
  double checks_s = 0;  // all of the following
  double audit_s = 0;
  double close_s = 0;
  double wealth_s = 0;
  double total_s = 0;
  [[nodiscard]] double payments_per_s() const noexcept {
    return payments_s > 0 ? static_cast<double>(payments) / payments_s : 0;
  }
  [[nodiscard]] double success_rate() const noexcept {
    return payments > 0 ? static_cast<double>(succeeded) / static_cast<double>(payments) : 0;
  }
  // Engine counters after opening the channels, and at the end of the payments.
  actors::engine_metrics after_open;
  actors::engine_metrics after_payments;
  simulate_checks checks;
};

struct simulate_error {
  enum class kind : std::uint8_t { usage, data, software };
  kind what = kind::software;
  std::string message;
};

// Runs the whole simulation on an already loaded topology.
[[nodiscard]] result<simulate_report, simulate_error> run_simulation(const simulate_options& options,
                                                                     const loaded_topology& topology,
                                                                     progress_line& progress);

// Failure reasons in the order reports list them (engine's names).
[[nodiscard]] std::vector<std::string> known_failure_reasons();

}  // namespace clearway::tools::bench
