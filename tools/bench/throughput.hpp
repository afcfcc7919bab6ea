// `clearway-bench throughput`: sustained payments/s at rising offered load. One network (the real
// LN 2020-12 graph by default) is opened once; then each load step pays a Poisson workload of
// `rate` payments per virtual second and measures, on the wall clock, how fast the engine got
// through it with full crypto, how well the commitment rounds batched, and the virtual latencies.
// The sweep stops at the knee: when the engine no longer keeps up with the offered rate in real
// time (achieved < knee_fraction x offered) or the success rate collapses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "tools/bench/crypto_ceiling.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/scenario_run.hpp"
#include "tools/bench/topology_source.hpp"

namespace clearway::tools::bench {

struct throughput_options {
  std::string topology{default_topology};
  std::optional<std::filesystem::path> data_dir;
  std::vector<double> rates{100, 300, 1'000, 3'000, 10'000, 30'000};  // offered payments per virtual second
  std::uint64_t payments_per_step = 3'000;
  double amount_median = 1'000'000;  // base units (msat)
  double amount_sigma = 1.0;
  double knee_fraction = 0.5;        // stop once achieved < this x offered
  double collapse_fraction = 0.75;   // stop once success rate < this x the first step's
  double ceiling_s = 0.5;            // seconds of signing (and of verifying) to measure the ceiling
  bool all_steps = false;            // run every rate even past the knee (the knee is still marked)
  engine_knobs knobs;
  std::string json_path;
  std::string plot_path;
  bool progress = false;
};

// Pure: "100,300,1k,3k,10000" -> rates (k = x1000); strictly increasing, each in (0, 1e7].
[[nodiscard]] result<std::vector<double>, std::string> parse_rates(std::string_view text);

struct throughput_step {
  double offered_per_s = 0;
  payment_outcome outcome;
  double wall_s = 0;
  std::uint64_t virtual_ms = 0;
  bool drained = false;
  std::uint64_t htlc_hops = 0;            // HTLCs added
  std::uint64_t proposals = 0;            // updates committed (add, fulfill, fail), once per channel
  std::uint64_t rounds = 0;               // commitment rounds
  std::uint64_t signatures_made = 0;
  std::uint64_t signatures_verified = 0;
  double cpu_s = 0;                       // process CPU time (user + system) during the step
  std::uint64_t peak_in_flight_payments = 0;  // so far in the run (the engine keeps one peak)
  bool audit_conservation_ok = false;     // engine audit after the step
  bool audit_atomicity_ok = false;
  std::uint64_t not_atomic = 0;           // the step's payments, from their results
  bool knee = false;                      // this step is past the knee (the sweep stops here unless all_steps)
  std::string knee_reason;

  [[nodiscard]] double achieved_per_s() const noexcept;   // finished payments / wall s
  [[nodiscard]] double succeeded_per_s() const noexcept;  // succeeded payments / wall s
  [[nodiscard]] double hop_updates_per_s() const noexcept;
  [[nodiscard]] double htlc_hops_per_s() const noexcept;
  [[nodiscard]] double proposals_per_round() const noexcept;
  [[nodiscard]] double made_per_s() const noexcept;
  [[nodiscard]] double verified_per_s() const noexcept;
  // Process CPU microseconds per finished payment: robust on a loaded machine, unlike wall rates.
  [[nodiscard]] double cpu_us_per_payment() const noexcept;
};

struct throughput_report {
  std::string topology;
  std::uint64_t seed = 0;
  engine_knobs knobs;
  std::uint32_t nodes = 0;
  std::uint64_t channels_opened = 0;
  std::uint64_t channels_refused = 0;
  double load_s = 0;
  double build_s = 0;
  double open_s = 0;
  crypto_ceiling ceiling;
  std::uint64_t payments_per_step = 0;
  double amount_median = 0;
  double amount_sigma = 0;
  double knee_fraction = 0;
  double collapse_fraction = 0;
  std::vector<double> rates_asked;
  std::vector<throughput_step> steps;
  bool knee_found = false;
  bool all_steps = false;
  run_verdict verdict;
  double checks_s = 0;
  double total_s = 0;
  [[nodiscard]] bool passed() const noexcept;  // every step's audit and the final verdict
  // The best sustained figure: the highest achieved payments/s over steps that kept up and did not collapse.
  [[nodiscard]] double best_sustained_per_s() const noexcept;
};

// Pure: whether step `s` is past the knee given the first step's success rate; sets knee_reason.
[[nodiscard]] bool past_knee(throughput_step& s, double first_success_rate, double knee_fraction,
                             double collapse_fraction);

[[nodiscard]] result<throughput_report, scenario_error> run_throughput(const throughput_options& options,
                                                                       const loaded_topology& topology,
                                                                       progress_line& progress);

}  // namespace clearway::tools::bench
