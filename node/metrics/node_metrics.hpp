// The metrics clearwayd serves (docs/operating.md lists them): forwards, failures by reason,
// in-flight HTLCs, commit batch sizes, fsyncs and latencies, registered on one registry. Record
// calls take values the daemon measured (seconds, counts): nothing here reads a clock.
#pragma once

#include <cstdint>
#include <string_view>

#include "node/metrics/metrics_registry.hpp"
#include "protocol/messages.hpp"

namespace clearway::node::metrics {

// The failure label of a forward that did not settle: the protocol's fail_reason names plus
// local causes that never reach the wire.
enum class forward_failure {
  unknown_payment_hash,
  insufficient_balance,
  time_lock_too_close,
  fee_insufficient,
  peer_unreachable,
  too_many_htlcs,
  expired,
  incorrect_details,
  temporary_failure,
  policy_below_min_htlc,   // refused by our policy: amount below min_htlc_msat
  policy_above_max_htlc,   // amount above max_htlc_msat
  policy_max_in_flight,    // would exceed max_value_in_flight_msat
};

[[nodiscard]] std::string_view to_string(forward_failure f) noexcept;
[[nodiscard]] forward_failure failure_of(protocol::fail_reason r) noexcept;

inline constexpr std::string_view forwards_total = "clearway_forwards_total";
inline constexpr std::string_view forward_failures_total = "clearway_forward_failures_total";
inline constexpr std::string_view htlcs_in_flight = "clearway_htlcs_in_flight";
inline constexpr std::string_view commit_batch_size = "clearway_commit_batch_size";
inline constexpr std::string_view fsyncs_total = "clearway_fsyncs_total";
inline constexpr std::string_view forward_latency_seconds = "clearway_forward_latency_seconds";
inline constexpr std::string_view payment_latency_seconds = "clearway_payment_latency_seconds";
inline constexpr std::string_view commit_latency_seconds = "clearway_commit_latency_seconds";
inline constexpr std::string_view payments_total = "clearway_payments_total";
inline constexpr std::string_view peers_connected = "clearway_peers_connected";
inline constexpr std::string_view channels_open = "clearway_channels_open";
inline constexpr std::string_view peer_disconnects_total = "clearway_peer_disconnects_total";
inline constexpr std::string_view rpc_requests_total = "clearway_rpc_requests_total";
inline constexpr std::string_view metrics_scrapes_total = "clearway_metrics_scrapes_total";

class node_metrics {
 public:
  node_metrics();

  void forward_settled(double latency_s, std::uint64_t fee_msat);
  void forward_failed(forward_failure reason);
  void set_htlcs_in_flight(std::int64_t n) { in_flight_->set(n); }
  // One group commit: how many state changes it covered, how long it took, one fsync.
  void commit(std::uint64_t batch_size, double latency_s, std::uint64_t fsyncs = 1);
  void payment_finished(bool succeeded, double latency_s);
  void set_peers_connected(std::int64_t n) { peers_->set(n); }
  void set_channels_open(std::int64_t n) { channels_->set(n); }
  // A peer connection ended; `reason` is the transport's disconnect_reason name. n = 0 only
  // creates the series (the daemon lists every reason at start-up so each exists at zero).
  void peer_disconnected(std::string_view reason, std::uint64_t n = 1);
  // One local RPC request: the method name ("unknown" when unreadable) and the outcome, "ok" or
  // the error name.
  void rpc_request(std::string_view method, std::string_view outcome);
  void scrape_served() { scrapes_->add(); }

  [[nodiscard]] std::string render() const { return registry_.render(); }
  [[nodiscard]] const registry& metrics() const noexcept { return registry_; }

 private:
  registry registry_;
  counter* forwards_ = nullptr;
  counter* fees_ = nullptr;
  counter_family* failures_ = nullptr;
  gauge* in_flight_ = nullptr;
  histogram* batch_sizes_ = nullptr;
  counter* fsyncs_ = nullptr;
  histogram* forward_latency_ = nullptr;
  histogram* commit_latency_ = nullptr;
  histogram_family* payment_latency_ = nullptr;
  counter_family* payments_ = nullptr;
  gauge* peers_ = nullptr;
  gauge* channels_ = nullptr;
  counter_family* disconnects_ = nullptr;
  counter_family* rpc_requests_ = nullptr;
  counter* scrapes_ = nullptr;
};

}  // namespace clearway::node::metrics
