// Cost of one scrape (render) of clearwayd's metric set, and of the record calls on the hot path.
#include <benchmark/benchmark.h>

#include "node/metrics/node_metrics.hpp"

namespace {

using namespace clearway::node::metrics;

void BM_RenderNodeMetrics(benchmark::State& state) {
  node_metrics m;
  for (int i = 0; i < 1000; ++i) {
    m.forward_settled(0.001 * (i % 50), 1000);
    m.commit(static_cast<std::uint64_t>(1 + i % 64), 0.002);
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = m.render();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderNodeMetrics);

void BM_RecordForwardAndCommit(benchmark::State& state) {
  node_metrics m;
  double latency = 0.0001;
  for (auto _ : state) {
    m.forward_settled(latency, 1000);
    m.commit(8, latency);
    latency = latency > 10 ? 0.0001 : latency * 1.5;
  }
}
BENCHMARK(BM_RecordForwardAndCommit);

void BM_RecordFailureByReason(benchmark::State& state) {
  node_metrics m;
  int r = 0;
  for (auto _ : state) {
    m.forward_failed(static_cast<forward_failure>(r));
    r = (r + 1) % 12;
  }
}
BENCHMARK(BM_RecordFailureByReason);

}  // namespace
