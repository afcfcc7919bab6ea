#include "node/metrics/node_metrics.hpp"

#include <cassert>

namespace clearway::node::metrics {
namespace {

// Registration of the fixed metric set cannot fail (names are constants checked by the golden
// test); an error here is a programming mistake.
template <class T>
T* must(result<T*, metrics_error> r) {
  assert(r.has_value());
  return r.has_value() ? r.value() : nullptr;
}

// Seconds: 1 ms .. 30 s, roughly x2.5 apart.
std::vector<double> latency_buckets_s() { return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}; }
// State changes per fsync: powers of two up to commit_batch_max's ceiling.
std::vector<double> batch_buckets() { return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 10000}; }

}  // namespace

std::string_view to_string(forward_failure f) noexcept {
  switch (f) {
    case forward_failure::unknown_payment_hash: return "unknown_payment_hash";
    case forward_failure::insufficient_balance: return "insufficient_balance";
    case forward_failure::time_lock_too_close: return "time_lock_too_close";
    case forward_failure::fee_insufficient: return "fee_insufficient";
    case forward_failure::peer_unreachable: return "peer_unreachable";
    case forward_failure::too_many_htlcs: return "too_many_htlcs";
    case forward_failure::expired: return "expired";
    case forward_failure::incorrect_details: return "incorrect_details";
    case forward_failure::temporary_failure: return "temporary_failure";
    case forward_failure::policy_below_min_htlc: return "policy_below_min_htlc";
    case forward_failure::policy_above_max_htlc: return "policy_above_max_htlc";
    case forward_failure::policy_max_in_flight: return "policy_max_in_flight";
  }
  return "temporary_failure";
}

forward_failure failure_of(protocol::fail_reason r) noexcept {
  using protocol::fail_reason;
  switch (r) {
    case fail_reason::unknown_payment_hash: return forward_failure::unknown_payment_hash;
    case fail_reason::insufficient_balance: return forward_failure::insufficient_balance;
    case fail_reason::time_lock_too_close: return forward_failure::time_lock_too_close;
    case fail_reason::fee_insufficient: return forward_failure::fee_insufficient;
    case fail_reason::peer_unreachable: return forward_failure::peer_unreachable;
    case fail_reason::too_many_htlcs: return forward_failure::too_many_htlcs;
    case fail_reason::expired: return forward_failure::expired;
    case fail_reason::incorrect_details: return forward_failure::incorrect_details;
    case fail_reason::temporary_failure: return forward_failure::temporary_failure;
  }
  return forward_failure::temporary_failure;
}

node_metrics::node_metrics() {
  forwards_ = &must(registry_.add_counter(forwards_total, "HTLCs forwarded and settled."))->only();
  fees_ = &must(registry_.add_counter("clearway_forward_fees_msat_total", "Fees earned by settled forwards, in msat."))->only();
  failures_ = must(registry_.add_counter(forward_failures_total, "Forwards that failed, by reason.", {"reason"}));
  in_flight_ = &must(registry_.add_gauge(htlcs_in_flight, "HTLCs offered or accepted and not yet settled or failed."))->only();
  batch_sizes_ = &must(registry_.add_histogram(commit_batch_size, "State changes made durable by one group commit.",
                                               batch_buckets()))->only();
  fsyncs_ = &must(registry_.add_counter(fsyncs_total, "fsync calls made by the store."))->only();
  forward_latency_ = &must(registry_.add_histogram(forward_latency_seconds,
                                                   "Time from accepting an incoming HTLC to settling it, in seconds.",
                                                   latency_buckets_s()))->only();
  commit_latency_ = &must(registry_.add_histogram(commit_latency_seconds,
                                                  "Time of one group commit including its fsync, in seconds.",
                                                  latency_buckets_s()))->only();
  payment_latency_ = must(registry_.add_histogram(payment_latency_seconds,
                                                  "Time from a pay request to its outcome, in seconds.",
                                                  latency_buckets_s(), {"outcome"}));
  payments_ = must(registry_.add_counter(payments_total, "Payments sent by this node, by outcome.", {"outcome"}));
  peers_ = &must(registry_.add_gauge(peers_connected, "Peers with an open, authenticated connection."))->only();
  channels_ = &must(registry_.add_gauge(channels_open, "Channels in the open state."))->only();
  // Every failure reason and outcome is present from the start, at zero, so rate() works at once.
  for (int r = 0; r <= static_cast<int>(forward_failure::policy_max_in_flight); ++r) {
    (void)failures_->with({std::string(to_string(static_cast<forward_failure>(r)))});
  }
  disconnects_ = must(registry_.add_counter(peer_disconnects_total, "Peer connections that ended, by reason.", {"reason"}));
  rpc_requests_ = must(registry_.add_counter(rpc_requests_total, "Local RPC requests, by method and outcome.",
                                             {"method", "outcome"}));
  scrapes_ = &must(registry_.add_counter(metrics_scrapes_total, "Scrapes of this metrics endpoint."))->only();
  for (const char* outcome : {"succeeded", "failed"}) {
    (void)payments_->with({outcome});
    (void)payment_latency_->with({outcome});
  }
}

void node_metrics::forward_settled(double latency_s, std::uint64_t fee_msat) {
  forwards_->add();
  fees_->add(fee_msat);
  forward_latency_->observe(latency_s);
}

void node_metrics::forward_failed(forward_failure reason) {
  must(failures_->with({std::string(to_string(reason))}))->add();
}

void node_metrics::commit(std::uint64_t batch_size, double latency_s, std::uint64_t fsyncs) {
  batch_sizes_->observe(static_cast<double>(batch_size));
  commit_latency_->observe(latency_s);
  fsyncs_->add(fsyncs);
}

void node_metrics::payment_finished(bool succeeded, double latency_s) {
  const std::string outcome = succeeded ? "succeeded" : "failed";
  must(payments_->with({outcome}))->add();
  must(payment_latency_->with({outcome}))->observe(latency_s);
}

void node_metrics::peer_disconnected(std::string_view reason, std::uint64_t n) {
  must(disconnects_->with({std::string(reason)}))->add(n);
}

void node_metrics::rpc_request(std::string_view method, std::string_view outcome) {
  must(rpc_requests_->with({std::string(method), std::string(outcome)}))->add();
}

}  // namespace clearway::node::metrics
