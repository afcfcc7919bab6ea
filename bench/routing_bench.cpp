// Route search latency: the real LN graph (ln-2020-12) and generated scale-free graphs.
// Each benchmark iteration runs a fixed, seeded set of searches (1,000 uniformly random
// source/target pairs, amounts log-normal around 1,000,000 msat) and times every one of them (wall
// clock); the counters report the latency distribution of a single search (p50, p90, p99, max, in
// µs; also p50/p99 of the thread's CPU time, which other load on the machine inflates less), the
// share of searches that found a route, and how often the exact fallback ran.
//   build-rel/bench/routing_bench --benchmark_counters_tabular=true
// CLEARWAY_DATA_DIR (or the source tree's data/) locates the LN files.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"
#include "routing/route_searcher.hpp"
#include "routing/scale_free_generator.hpp"
#include "routing/topology_files.hpp"

namespace {

using namespace clearway::routing;

constexpr std::uint64_t pair_seed = 20201217;

struct query {
  node_index source;
  node_index target;
  clearway::protocol::amount amount;
};

// Seeded uniformly random (source, target) pairs; amounts log-normal with median 1,000,000 msat.
std::vector<query> make_queries(const graph_snapshot& snap, std::size_t count) {
  std::mt19937_64 rng(pair_seed);
  std::vector<query> out;
  while (out.size() < count) {
    const auto s = static_cast<std::uint32_t>(rng() % snap.node_count());
    const auto t = static_cast<std::uint32_t>(rng() % snap.node_count());
    if (s == t) continue;
    const double u1 = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
    const double u2 = (static_cast<double>(rng() >> 11) + 1.0) * 0x1.0p-53;
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    const double msat = std::clamp(1e6 * std::exp(1.0 * z), 1e3, 1e9);
    out.push_back(query{node_index{s}, node_index{t},
                        clearway::protocol::amount::from_base_units(static_cast<std::uint64_t>(msat))});
  }
  return out;
}

route_request to_request(const query& q) {
  route_request r;
  r.source = q.source;
  r.target = q.target;
  r.amount = q.amount;
  r.now_s = 1'608'163'200;  // 2020-12-17
  r.final_time_lock_delta_s = 40ull * seconds_per_block;
  return r;
}

// This thread's CPU time in µs: unlike the wall clock, not inflated when other processes share the
// cores (the machines are shared; both are reported).
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

// k = 1: find_route; k > 1: find_routes (Yen) for k alternatives.
void run_queries(benchmark::State& state, const graph_snapshot& snap, const std::vector<query>& queries,
                 std::size_t k = 1) {
  route_searcher searcher;
  const scorer_view scorer;
  std::vector<double> micros;
  std::vector<double> cpu_micros;
  micros.reserve(queries.size() * 4);
  cpu_micros.reserve(queries.size() * 4);
  std::size_t found = 0;
  std::size_t exact = 0;
  std::size_t searches = 0;
  for (auto _ : state) {
    for (const query& q : queries) {
      const route_request req = to_request(q);
      const double cpu_start = thread_cpu_us();
      const auto start = std::chrono::steady_clock::now();
      bool ok = false;
      if (k == 1) {
        auto r = searcher.find_route(snap, scorer, req);
        benchmark::DoNotOptimize(r);
        ok = r.has_value();
      } else {
        auto r = searcher.find_routes(snap, scorer, req, k);
        benchmark::DoNotOptimize(r);
        ok = r.has_value();
      }
      const auto stop = std::chrono::steady_clock::now();
      cpu_micros.push_back(thread_cpu_us() - cpu_start);
      micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
      found += ok ? 1 : 0;
      exact += searcher.last_stats().used_exact ? 1 : 0;
      ++searches;
    }
  }
  state.counters["p50_us"] = percentile(micros, 0.50);
  state.counters["p90_us"] = percentile(micros, 0.90);
  state.counters["p99_us"] = percentile(micros, 0.99);
  state.counters["max_us"] = percentile(micros, 1.0);
  state.counters["cpu_p50_us"] = percentile(cpu_micros, 0.50);
  state.counters["cpu_p99_us"] = percentile(cpu_micros, 0.99);
  state.counters["found_pct"] = 100.0 * static_cast<double>(found) / static_cast<double>(searches);
  state.counters["exact_pct"] = 100.0 * static_cast<double>(exact) / static_cast<double>(searches);
  state.counters["searches"] = static_cast<double>(queries.size());
  state.counters["nodes"] = snap.node_count();
  state.counters["channels"] = snap.channel_count();
  state.counters["snapshot_MiB"] = static_cast<double>(snap.memory_bytes()) / (1024.0 * 1024.0);
}

std::string data_dir() {
  if (const char* env = std::getenv("CLEARWAY_DATA_DIR"); env != nullptr && *env != '\0') return env;
  return CLEARWAY_DATA_DIR;
}

std::shared_ptr<const graph_snapshot> ln_snapshot() {
  static const std::shared_ptr<const graph_snapshot> snap = [] {
    auto topo = load_topology_dir(data_dir() + "/topologies/ln-2020-12");
    if (!topo) return std::shared_ptr<const graph_snapshot>();
    auto built = graph_snapshot::build(*topo);
    return built ? *built : std::shared_ptr<const graph_snapshot>();
  }();
  return snap;
}

// One search per query: the latency that matters for a payment.
void BM_route_ln_2020_12(benchmark::State& state) {
  const auto snap = ln_snapshot();
  if (!snap) {
    state.SkipWithError("cannot load data/topologies/ln-2020-12");
    return;
  }
  static const std::vector<query> queries = make_queries(*snap, 1000);
  run_queries(state, *snap, queries);
}
BENCHMARK(BM_route_ln_2020_12)->Unit(benchmark::kMillisecond)->MinTime(2.0);

// Four alternatives per query (Yen), as a payment would ask for retries.
void BM_routes_k4_ln_2020_12(benchmark::State& state) {
  const auto snap = ln_snapshot();
  if (!snap) {
    state.SkipWithError("cannot load data/topologies/ln-2020-12");
    return;
  }
  static const std::vector<query> queries = make_queries(*snap, 1000);
  run_queries(state, *snap, queries, 4);
}
BENCHMARK(BM_routes_k4_ln_2020_12)->Unit(benchmark::kMillisecond)->Iterations(1);

// Scale-free graphs at the article's channel ratio (3,952,800 channels per 10^6 nodes).
void BM_route_scale_free(benchmark::State& state) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  scale_free_params params;
  params.node_count = nodes;
  params.channel_count = static_cast<std::uint64_t>(nodes) * 39'528 / 10'000;
  params.seed = 7;
  const auto t0 = std::chrono::steady_clock::now();
  auto topo = generate_scale_free(params);
  const auto t1 = std::chrono::steady_clock::now();
  if (!topo) {
    state.SkipWithError("generator failed");
    return;
  }
  auto snap = graph_snapshot::build(*topo);
  const auto t2 = std::chrono::steady_clock::now();
  topo->channels = {};
  const std::vector<query> queries = make_queries(**snap, 1000);
  run_queries(state, **snap, queries);
  state.counters["generate_s"] = std::chrono::duration<double>(t1 - t0).count();
  state.counters["build_s"] = std::chrono::duration<double>(t2 - t1).count();
}
BENCHMARK(BM_route_scale_free)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
