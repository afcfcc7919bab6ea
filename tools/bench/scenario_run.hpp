// Shared by the engine scenarios (throughput, cloth): the engine's knobs, building and opening a
// network, feeding a list of payment requests through the engine on the virtual clock, summarising
// the results of those payments, and the end-of-run checks (atomicity, conservation, routes),
// computed from the engine's per-payment results and final states — never taken on trust.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "actors/engine.hpp"
#include "base/result.hpp"
#include "routing/topology.hpp"
#include "tools/bench/network_builder.hpp"
#include "tools/bench/progress.hpp"
#include "tools/bench/run_checks.hpp"
#include "tools/bench/stats.hpp"
#include "tools/bench/workload.hpp"

namespace clearway::tools::bench {

// Why a scenario could not run (the command maps it to exit 64, 65 or 70).
struct scenario_error {
  enum class kind : std::uint8_t { usage, data, software };
  kind what = kind::software;
  std::string message;
};

// The engine_config fields a scenario exposes as flags.
struct engine_knobs {
  std::uint32_t threads = 2;               // CAF workers, route workers and verifier workers
  std::uint64_t tick_ms = 100;             // virtual time per tick (one batched round per channel end)
  std::uint32_t commit_batch_size = 483;   // a round starts at once when this many own proposals wait
  bool verify_on_pool = false;             // commit signature checks on verifier actors
  std::uint64_t seed = 1;
};
[[nodiscard]] actors::engine_config engine_config_of(const engine_knobs& k);

struct opened_network {
  network_stats stats;
  double build_s = 0;  // wall
  double open_s = 0;   // wall: every channel's commitment #0 signed on both ends
  actors::engine_metrics after_open;
};
// Adds the topology to the (empty) engine and runs until every channel is open.
[[nodiscard]] opened_network open_network(actors::engine& e, const routing::topology& topo, progress_line& progress);

// What feeding a batch of requests did.
struct request_run {
  std::vector<actors::payment_id> ids;  // in request order
  double wall_s = 0;                    // submitting + running until the last payment finished
  std::uint64_t start_ms = 0;           // virtual time when the batch began
  std::uint64_t end_ms = 0;             // virtual time when it ended
  bool drained = false;                 // payments were pending after the workload: time ran on to their locks
  actors::engine_metrics before;
  actors::engine_metrics after;
};

// Submits every request (an invoice at the payee, the payment at its arrival time, which must not
// be before the engine's clock) in windows of virtual time and runs the engine until none is in
// flight. The error is a message for people (the engine refused an invoice or a payment).
[[nodiscard]] result<request_run, std::string> run_requests(actors::engine& e,
                                                            std::span<const payment_request> requests,
                                                            progress_line& progress);

// A summary of some payments' results.
struct payment_outcome {
  std::uint64_t payments = 0;
  std::uint64_t succeeded = 0;
  std::uint64_t unfinished = 0;
  std::vector<std::pair<std::string, std::uint64_t>> failures;  // every engine reason in order (0 too), then others
  distribution latency_ms;       // virtual, succeeded payments
  std::uint64_t latency_p90_ms = 0;
  double average_hops = 0;       // succeeded payments
  double average_attempts = 0;   // finished payments
  std::uint64_t fees = 0;        // base units, saturating
  std::uint64_t amount_succeeded = 0;
  [[nodiscard]] double success_rate() const noexcept {
    return payments > 0 ? static_cast<double>(succeeded) / static_cast<double>(payments) : 0;
  }
  [[nodiscard]] std::uint64_t failed(std::string_view reason) const noexcept;
};
[[nodiscard]] payment_outcome summarize_outcome(std::span<const actors::payment_result> results);
// The results of the payments `ids` (in that order).
[[nodiscard]] std::vector<actors::payment_result> results_of(const actors::engine& e,
                                                             std::span<const actors::payment_id> ids);

// The checks at the end of a run.
struct run_verdict {
  actors::audit_report audit;   // both ends agree, base + HTLCs == deposits, money minted unchanged, ...
  actors::close_report close;   // every channel closed cooperatively, bank audit, accounts
  payment_checks payments;      // finished, atomic, routes obey the rules
  std::uint64_t wealth_nodes_checked = 0;
  std::uint64_t wealth_mismatches = 0;  // final wealth != deposits - sent + received + fees earned
  bool total_wealth_ok = false;         // the network's total wealth == the total deposits
  std::vector<std::string> problems;    // the first few, for people
  bool conservation_ok = false;
  bool atomicity_ok = false;
  bool routes_ok = false;
  bool all_finished = false;
  [[nodiscard]] bool passed() const noexcept { return conservation_ok && atomicity_ok && routes_ok && all_finished; }
};
// Audits, checks every payment of the engine, closes every channel and compares every node's final
// wealth with its deposits and payments. Leaves the network closed.
[[nodiscard]] run_verdict check_run(actors::engine& e, const network_stats& net);

}  // namespace clearway::tools::bench
