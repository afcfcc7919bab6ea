#include <gtest/gtest.h>

#include <string>

#include "node/metrics/node_metrics.hpp"

namespace {

using namespace clearway::node::metrics;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(NodeMetrics, FreshNodeExposesEverySeriesAtZero) {
  node_metrics m;
  const std::string text = m.render();
  for (const char* line : {
           "# TYPE clearway_forwards_total counter",
           "clearway_forwards_total 0",
           "clearway_forward_fees_msat_total 0",
           "# TYPE clearway_forward_failures_total counter",
           "clearway_forward_failures_total{reason=\"fee_insufficient\"} 0",
           "clearway_forward_failures_total{reason=\"policy_max_in_flight\"} 0",
           "# TYPE clearway_htlcs_in_flight gauge",
           "clearway_htlcs_in_flight 0",
           "# TYPE clearway_commit_batch_size histogram",
           "clearway_commit_batch_size_bucket{le=\"+Inf\"} 0",
           "clearway_fsyncs_total 0",
           "clearway_forward_latency_seconds_count 0",
           "clearway_commit_latency_seconds_sum 0",
           "clearway_payment_latency_seconds_bucket{outcome=\"failed\",le=\"0.001\"} 0",
           "clearway_payments_total{outcome=\"succeeded\"} 0",
           "clearway_peers_connected 0",
           "clearway_channels_open 0",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line;
  }
}

TEST(NodeMetrics, RecordsShowUpInTheText) {
  node_metrics m;
  m.forward_settled(0.02, 1'001);
  m.forward_settled(0.2, 5);
  m.forward_failed(forward_failure::too_many_htlcs);
  m.forward_failed(failure_of(clearway::protocol::fail_reason::fee_insufficient));
  m.forward_failed(failure_of(clearway::protocol::fail_reason::fee_insufficient));
  m.set_htlcs_in_flight(12);
  m.commit(3, 0.004);
  m.commit(40, 0.008, 2);
  m.payment_finished(true, 0.3);
  m.set_peers_connected(2);
  const std::string text = m.render();
  for (const char* line : {
           "clearway_forwards_total 2",
           "clearway_forward_fees_msat_total 1006",
           "clearway_forward_failures_total{reason=\"too_many_htlcs\"} 1",
           "clearway_forward_failures_total{reason=\"fee_insufficient\"} 2",
           "clearway_forward_failures_total{reason=\"expired\"} 0",
           "clearway_htlcs_in_flight 12",
           "clearway_commit_batch_size_bucket{le=\"2\"} 0",
           "clearway_commit_batch_size_bucket{le=\"4\"} 1",
           "clearway_commit_batch_size_bucket{le=\"32\"} 1",
           "clearway_commit_batch_size_bucket{le=\"64\"} 2",
           "clearway_commit_batch_size_sum 43",
           "clearway_commit_batch_size_count 2",
           "clearway_fsyncs_total 3",
           "clearway_forward_latency_seconds_bucket{le=\"0.025\"} 1",
           "clearway_forward_latency_seconds_bucket{le=\"0.25\"} 2",
           "clearway_commit_latency_seconds_bucket{le=\"0.005\"} 1",
           "clearway_commit_latency_seconds_bucket{le=\"0.01\"} 2",
           "clearway_payments_total{outcome=\"succeeded\"} 1",
           "clearway_payments_total{outcome=\"failed\"} 0",
           "clearway_payment_latency_seconds_count{outcome=\"succeeded\"} 1",
           "clearway_peers_connected 2",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
}

}  // namespace

TEST(NodeMetrics, DaemonSeriesDisconnectsRpcRequestsScrapes) {
  node_metrics m;
  m.peer_disconnected("bad_frame", 0);
  m.peer_disconnected("handshake_failed");
  m.peer_disconnected("handshake_failed");
  m.rpc_request("getinfo", "ok");
  m.rpc_request("connect", "handshake_failed");
  m.scrape_served();
  const std::string text = m.render();
  for (const char* line : {
           "# TYPE clearway_peer_disconnects_total counter",
           "clearway_peer_disconnects_total{reason=\"bad_frame\"} 0",
           "clearway_peer_disconnects_total{reason=\"handshake_failed\"} 2",
           "clearway_rpc_requests_total{method=\"connect\",outcome=\"handshake_failed\"} 1",
           "clearway_rpc_requests_total{method=\"getinfo\",outcome=\"ok\"} 1",
           "clearway_metrics_scrapes_total 1",
       }) {
    EXPECT_TRUE(has_line(text, line)) << line;
  }
}
