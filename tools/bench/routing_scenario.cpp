#include "tools/bench/routing_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"
#include "routing/route_searcher.hpp"
#include "routing/scale_free_generator.hpp"
#include "tools/bench/cli.hpp"
#include "tools/bench/stats.hpp"
#include "tools/bench/workload.hpp"

namespace clearway::tools::bench {

namespace {

constexpr std::uint64_t now_s = 1'600'000'000;
constexpr std::uint64_t final_delta_s = 40ull * routing::seconds_per_block;

std::uint64_t thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

latency_summary summarize_us(std::vector<std::uint64_t> ns) {
  latency_summary s;
  if (ns.empty()) return s;
  std::sort(ns.begin(), ns.end());
  double sum = 0;
  for (auto v : ns) sum += static_cast<double>(v);
  s.p50 = static_cast<double>(percentile(ns, 0.50)) / 1e3;
  s.p90 = static_cast<double>(percentile(ns, 0.90)) / 1e3;
  s.p99 = static_cast<double>(percentile(ns, 0.99)) / 1e3;
  s.max = static_cast<double>(ns.back()) / 1e3;
  s.mean = sum / static_cast<double>(ns.size()) / 1e3;
  return s;
}

}  // namespace

bool routing_report::passed() const noexcept {
  for (const auto& g : graphs) {
    if (g.searches != pairs || g.invalid_routes != 0) return false;
  }
  return !graphs.empty();
}

result<std::vector<std::uint32_t>, std::string> parse_sizes(std::string_view text) {
  std::vector<std::uint32_t> out;
  if (text.empty()) return std::string("the value is empty");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = text.substr(pos, comma - pos);
    const std::string shown(item);
    double scale = 1;
    if (!item.empty() && (item.back() == 'k' || item.back() == 'K')) {
      scale = 1e3;
      item.remove_suffix(1);
    } else if (!item.empty() && (item.back() == 'm' || item.back() == 'M')) {
      scale = 1e6;
      item.remove_suffix(1);
    }
    auto v = parse_real(item);
    if (!v) return "'" + shown + "' is not a node count (e.g. 10k,100k,1m)";
    const double n = *v * scale;
    if (n < 2 || n > max_scale_free_nodes || n != static_cast<double>(static_cast<std::uint32_t>(n))) {
      return "'" + shown + "' is out of range (a whole number of nodes, 2 .. 10,000,000)";
    }
    const auto size = static_cast<std::uint32_t>(n);
    if (!out.empty() && size <= out.back()) return std::string("the sizes must increase strictly");
    out.push_back(size);
    if (out.size() > 32) return std::string("at most 32 sizes");
    pos = comma + 1;
  }
  return out;
}

result<graph_result, scenario_error> time_route_searches(const routing::topology& topo, std::string label,
                                                         bool generated, const routing_options& options,
                                                         progress_line& progress) {
  graph_result g;
  g.label = std::move(label);
  g.generated = generated;
  g.nodes = topo.node_count;
  g.channels = topo.channels.size();
  stopwatch sw;
  auto snap = routing::graph_snapshot::build(topo);
  if (!snap) {
    return scenario_error{scenario_error::kind::data,
                          g.label + ": the graph does not build (" + std::string(routing::to_string(snap.error())) + ")"};
  }
  g.prepare_s = sw.seconds();
  g.snapshot_bytes = (*snap)->memory_bytes();

  // Payers and payees uniform over the nodes with a channel; amounts log-normal (workload.hpp).
  std::vector<std::uint64_t> weights(topo.node_count, 0);
  for (const auto& c : topo.channels) {
    weights[c.ends.node1.value] = 1;
    weights[c.ends.node2.value] = 1;
  }
  workload_params wp;
  wp.seed = options.seed;
  wp.amount_median = options.amount_median;
  wp.amount_sigma = options.amount_sigma;
  auto gen = workload_generator::create(weights, wp);
  if (!gen) {
    return scenario_error{scenario_error::kind::data, g.label + ": fewer than two nodes with a channel"};
  }
  const auto requests = gen->take(options.pairs);

  routing::liquidity_scorer scorer;
  const auto view = scorer.view(now_s);
  routing::route_searcher searcher;
  std::vector<std::uint64_t> wall_ns;
  std::vector<std::uint64_t> cpu_ns;
  wall_ns.reserve(requests.size());
  cpu_ns.reserve(requests.size());
  std::uint64_t hops = 0;
  progress.phase(g.label + ": " + with_commas(requests.size()) + " route searches");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& r = requests[i];
    routing::route_request req;
    req.source = routing::node_index{r.payer};
    req.target = routing::node_index{r.payee};
    req.amount = protocol::amount::from_base_units(r.amount);
    req.now_s = now_s;
    req.final_time_lock_delta_s = final_delta_s;
    const std::uint64_t cpu0 = thread_cpu_ns();
    const auto t0 = std::chrono::steady_clock::now();
    auto found = searcher.find_route(**snap, view, req);
    const auto t1 = std::chrono::steady_clock::now();
    const std::uint64_t cpu1 = thread_cpu_ns();
    wall_ns.push_back(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
    cpu_ns.push_back(cpu1 - cpu0);
    ++g.searches;
    if (found) {
      ++g.found;
      hops += found->hops.size();
      if (found->hops.empty() || found->hops.front().from != req.source || found->hops.back().to != req.target ||
          found->hops.back().amount < req.amount) {
        ++g.invalid_routes;
      }
    } else {
      ++g.errors[std::string(routing::to_string(found.error()))];
    }
    if (progress.enabled() && (i % 50 == 0)) progress.update(i, requests.size(), g.label);
  }
  progress.finish();
  g.average_hops = g.found > 0 ? static_cast<double>(hops) / static_cast<double>(g.found) : 0;
  g.wall_us = summarize_us(std::move(wall_ns));
  g.cpu_us = summarize_us(std::move(cpu_ns));
  return g;
}

result<routing_report, scenario_error> run_routing(const routing_options& options,
                                                   const std::vector<std::filesystem::path>& dirs,
                                                   progress_line& progress) {
  routing_report rep;
  rep.seed = options.seed;
  rep.pairs = options.pairs;
  rep.amount_median = options.amount_median;
  rep.amount_sigma = options.amount_sigma;
  rep.channels_per_node = options.channels_per_node;
  stopwatch total;
  if (options.real_graph) {
    auto spec = parse_topology_spec(options.topology);
    if (!spec) return scenario_error{scenario_error::kind::usage, "--topology: " + spec.error()};
    stopwatch sw;
    progress.phase("loading " + options.topology);
    auto loaded = load_topology(*spec, dirs, options.seed);
    if (!loaded) {
      const auto& f = loaded.error();
      return scenario_error{
          f.what == topology_failure::kind::bad_data ? scenario_error::kind::data : scenario_error::kind::usage,
          "--topology: " + f.message};
    }
    const double load_s = sw.seconds();
    auto g = time_route_searches(loaded->network, loaded->label, spec->what == topology_spec::kind::scale_free,
                                 options, progress);
    if (!g) return g.error();
    g->prepare_s += load_s;
    rep.graphs.push_back(std::move(*g));
  }
  for (const std::uint32_t n : options.sizes) {
    stopwatch sw;
    routing::scale_free_params p;
    p.node_count = n;
    p.channels_per_node = std::min<std::uint32_t>(p.channels_per_node, n - 1);
    const auto wanted = static_cast<std::uint64_t>(static_cast<double>(n) * options.channels_per_node);
    p.channel_count = std::max<std::uint64_t>(wanted, n - 1);
    p.seed = options.seed;
    progress.phase("generating scale-free:" + with_commas(n) + " (" + with_commas(p.channel_count) + " channels)");
    auto topo = routing::generate_scale_free(p);
    if (!topo) {
      // Tiny graphs cannot hold channels_per_node x n channels without parallel ones: the classic count.
      p.channel_count = 0;
      topo = routing::generate_scale_free(p);
    }
    if (!topo) {
      return scenario_error{scenario_error::kind::usage, "scale-free:" + std::to_string(n) + ": " +
                                                             std::string(routing::to_string(topo.error()))};
    }
    const double gen_s = sw.seconds();
    auto g = time_route_searches(*topo, "scale-free:" + std::to_string(n), true, options, progress);
    if (!g) return g.error();
    g->prepare_s += gen_s;
    rep.graphs.push_back(std::move(*g));
  }
  rep.total_s = total.seconds();
  return rep;
}

}  // namespace clearway::tools::bench
