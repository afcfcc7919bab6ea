// `clearway-bench concurrency`: how many payments a network holds in flight at once, and what each
// channel and each in-flight HTLC hop costs in memory. Payments go to hold invoices (the payee
// keeps the preimage), so they stay in flight until released; the ramp adds them in steps until N
// are held at once, then every invoice is released and the run measures how fast they settle.
// The checks come from the final channel and bank states (audit, one whole-network wealth read,
// optionally a cooperative close of every channel), never from the run's own bookkeeping.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "base/result.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/time_series_plot.hpp"

namespace clearway::tools::bench {

enum class close_check : std::uint8_t { automatic, always, never };
inline constexpr std::uint64_t close_check_auto_max_channels = 100'000;

struct concurrency_options {
  std::uint64_t channels = 10'000;
  std::uint64_t in_flight = 1'000;
  std::uint32_t nodes = 0;  // 0: the article's ratio, channels / 3.9528 (at least 3)
  std::uint64_t seed = 1;
  std::uint64_t amount = 10'000;  // base units (msat) per payment
  std::uint64_t ramp_step = 0;    // payments added per ramp step; 0: in_flight / 100 in [200, 20,000]
  std::uint32_t threads = 2;
  std::uint64_t tick_ms = 100;
  close_check close = close_check::automatic;
  bool rest_idle_ends = true;  // engine_config::rest_idle_ends
  std::uint64_t settle_wave = 20'000;  // invoices released at a time in the settle; 0: all at once
  std::string json_path;
  std::string plot_path;
  bool progress = false;
};

// Pure: the node count used for `channels` when none is given.
[[nodiscard]] std::uint32_t default_nodes_for(std::uint64_t channels) noexcept;
// Pure: the ramp step used when none is given.
[[nodiscard]] std::uint64_t default_ramp_step(std::uint64_t in_flight) noexcept;

struct concurrency_report {
  // What ran.
  std::string topology;
  std::uint32_t nodes = 0;
  std::uint64_t channels = 0;
  std::uint64_t in_flight_target = 0;
  std::uint64_t amount = 0;
  std::uint64_t seed = 0;
  std::uint32_t threads = 0;
  std::uint64_t tick_ms = 0;
  std::uint64_t ramp_step = 0;
  bool rest_idle_ends = false;
  std::uint64_t settle_wave = 0;
  // Memory (bytes, RSS).
  std::uint64_t rss_before_build = 0;
  std::uint64_t rss_after_open = 0;
  std::uint64_t rss_before_ramp = 0;
  std::uint64_t rss_at_peak = 0;
  std::uint64_t rss_after_settle = 0;
  std::uint64_t rss_peak_bytes = 0;  // VmHWM at the end
  double bytes_per_channel = 0;      // (after open - before build) / channels
  double bytes_per_htlc_hop = 0;     // (at peak - before ramp) / peak_in_flight_hops
  double bytes_per_in_flight_payment = 0;
  // The ramp.
  std::uint64_t submitted = 0;
  std::uint64_t failed_during_ramp = 0;  // replaced by new payments (no route, no slot, ...)
  std::uint64_t peak_in_flight = 0;       // payments held at once (counted at quiescence)
  std::uint64_t peak_in_flight_hops = 0;  // HTLC hops of those payments
  std::uint64_t engine_peak_in_flight = 0;       // the engine's own peak counters (include attempts
  std::uint64_t engine_peak_in_flight_hops = 0;  // that failed during the ramp)
  double average_hops = 0;
  // The settle.
  std::uint64_t settled = 0;  // held payments that succeeded
  // Wall clock (s).
  double generate_s = 0;
  double build_s = 0;
  double open_s = 0;
  double ramp_s = 0;
  double settle_s = 0;
  double checks_s = 0;
  double total_s = 0;
  [[nodiscard]] double settle_payments_per_s() const noexcept {
    return settle_s > 0 ? static_cast<double>(settled) / settle_s : 0;
  }
  [[nodiscard]] double settle_hops_per_s() const noexcept {
    return settle_s > 0 ? static_cast<double>(peak_in_flight_hops) / settle_s : 0;
  }
  actors::engine_metrics after_open;
  actors::engine_metrics after_settle;
  // Checks.
  actors::audit_report audit;
  bool close_ran = false;
  actors::close_report close;
  std::uint64_t unfinished = 0;  // payments still pending after the settle
  std::uint64_t not_atomic = 0;
  std::uint64_t wealth_mismatches = 0;
  bool total_wealth_ok = false;
  bool reached_target = false;  // peak_in_flight == in_flight_target
  bool all_settled = false;     // every held payment succeeded, nothing pending, no HTLC left anywhere
  bool conservation_ok = false;
  bool atomicity_ok = false;
  std::vector<std::string> problems;
  std::vector<time_sample> samples;  // wall s, payments in flight, RSS GiB
  [[nodiscard]] bool passed() const noexcept { return reached_target && all_settled && conservation_ok && atomicity_ok; }
};

struct concurrency_error {
  enum class kind : std::uint8_t { usage, software };
  kind what = kind::software;
  std::string message;
};

[[nodiscard]] result<concurrency_report, concurrency_error> run_concurrency(const concurrency_options& options,
                                                                           progress_line& progress);

}  // namespace clearway::tools::bench
