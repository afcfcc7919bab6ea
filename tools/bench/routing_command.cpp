// `clearway-bench routing`: flags -> routing_options -> run -> summary, JSON, plot, exit code.
#include <cstdio>
#include <ostream>

#include "tools/bench/report_json.hpp"
#include "tools/bench/routing_scenario.hpp"
#include "tools/bench/scenario_cli.hpp"
#include "tools/bench/scenario_finish.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/xy_plot.hpp"

namespace clearway::tools::bench {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view about =
    "clearway-bench routing: route-search latency on the real Lightning Network graph and on seeded\n"
    "scale-free graphs of rising size (routing/ alone, no engine): the same number of seeded payer/payee\n"
    "pairs on every graph (uniform over nodes with a channel, amounts log-normal), each search timed\n"
    "on the wall clock and on the thread's CPU clock; reports p50/p90/p99/max per graph and how the\n"
    "cost grows with size.\n"
    "Exit status: 0 when every search ran and every route found was valid, 1 otherwise, 64 for a bad\n"
    "command line, 65 for malformed topology files, 73 when the JSON or the plot cannot be written.";

ordered_json to_json(const latency_summary& s) {
  return {{"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}, {"max", s.max}, {"mean", s.mean}};
}

ordered_json to_json(const routing_report& r) {
  ordered_json j;
  j["scenario"] = "routing";
  j["seed"] = r.seed;
  j["pairs"] = r.pairs;
  j["amount_median"] = r.amount_median;
  j["amount_sigma"] = r.amount_sigma;
  j["scale_free_channels_per_node"] = r.channels_per_node;
  ordered_json graphs = ordered_json::array();
  for (const auto& g : r.graphs) {
    ordered_json jg;
    jg["graph"] = g.label;
    jg["generated"] = g.generated;
    jg["nodes"] = g.nodes;
    jg["channels"] = g.channels;
    jg["prepare_s"] = g.prepare_s;
    jg["snapshot_bytes"] = g.snapshot_bytes;
    jg["searches"] = g.searches;
    jg["found"] = g.found;
    ordered_json errors = ordered_json::object();
    for (const auto& [name, count] : g.errors) errors[name] = count;
    jg["errors"] = errors;
    jg["invalid_routes"] = g.invalid_routes;
    jg["average_hops"] = g.average_hops;
    jg["wall_us"] = to_json(g.wall_us);
    jg["cpu_us"] = to_json(g.cpu_us);
    graphs.push_back(std::move(jg));
  }
  j["graphs"] = std::move(graphs);
  j["passed"] = r.passed();
  j["wall_s"] = r.total_s;
  return j;
}

void print_summary(std::ostream& out, const routing_report& r) {
  char line[256];
  out << "clearway-bench routing: " << with_commas(r.pairs) << " seeded pairs per graph, seed " << r.seed << "\n";
  out << "  graph                      nodes    channels   found   p50 us   p90 us   p99 us    max us  cpu p50  "
         "cpu p99  hops  snapshot MiB\n";
  for (const auto& g : r.graphs) {
    std::snprintf(line, sizeof line,
                  "  %-22s %9s %11s  %5.1f%%  %7.1f  %7.1f  %7.1f  %8.1f  %7.1f  %7.1f  %4.2f  %8.1f\n",
                  g.label.c_str(), with_commas(g.nodes).c_str(), with_commas(g.channels).c_str(),
                  g.searches > 0 ? 100.0 * static_cast<double>(g.found) / static_cast<double>(g.searches) : 0.0,
                  g.wall_us.p50, g.wall_us.p90, g.wall_us.p99, g.wall_us.max, g.cpu_us.p50, g.cpu_us.p99,
                  g.average_hops, static_cast<double>(g.snapshot_bytes) / (1024.0 * 1024.0));
    out << line;
  }
  out << "  checks      " << (r.passed() ? "every search ran, every route found starts at the payer and delivers the amount"
                                         : "FAILED: a search did not run or a route was invalid")
      << "\n";
}

xy_chart chart_of(const routing_report& r) {
  xy_chart c;
  c.title = "clearway-bench routing: route-search latency (" + std::to_string(r.pairs) + " seeded pairs per graph)";
  c.x_label = "nodes";
  c.y_label = "microseconds per search";
  c.log_x = true;
  c.log_y = true;
  // Thread CPU time is what one search costs; wall time adds what other processes took meanwhile.
  xy_series cpu50{"scale-free, CPU p50", {}, false};
  xy_series cpu99{"scale-free, CPU p99", {}, false};
  xy_series wall50{"scale-free, wall p50", {}, false};
  xy_series wall99{"scale-free, wall p99", {}, false};
  xy_series real50{"real graph, CPU p50", {}, true};
  xy_series real99{"real graph, CPU p99", {}, true};
  for (const auto& g : r.graphs) {
    const double n = g.nodes;
    if (g.generated) {
      cpu50.points.emplace_back(n, g.cpu_us.p50);
      cpu99.points.emplace_back(n, g.cpu_us.p99);
      wall50.points.emplace_back(n, g.wall_us.p50);
      wall99.points.emplace_back(n, g.wall_us.p99);
    } else {
      real50.points.emplace_back(n, g.cpu_us.p50);
      real99.points.emplace_back(n, g.cpu_us.p99);
    }
  }
  c.series = {cpu50, cpu99, wall50, wall99, real50, real99};
  return c;
}

}  // namespace

int run_routing(std::span<const std::string_view> args, tool_io& io) {
  routing_options opt;
  flag_set flags("clearway-bench routing", std::string(about));
  add_topology_flags(flags, opt.topology, opt.data_dir);
  std::string sizes_text = "10k,100k,1m";
  bool no_real = false;
  flags
      .add_switch("--no-real-graph", "skip the --topology graph (only the generated sizes)", no_real)
      .add_custom("--sizes", "N1,N2,...", "node counts of the generated scale-free graphs (k = x1,000, m = x1,000,000)",
                  sizes_text,
                  [&opt](std::string_view v) -> std::optional<std::string> {
                    auto sizes = parse_sizes(v);
                    if (!sizes) return sizes.error();
                    opt.sizes = std::move(*sizes);
                    return std::nullopt;
                  })
      .add_real("--channels-per-node", "C", "channels per node of the generated graphs", opt.channels_per_node, 1, 50)
      .add_u64("--pairs", "N", "seeded payer/payee pairs searched on every graph", opt.pairs, 1, 10'000'000)
      .add_u64("--seed", "S", "seed of the pairs, the amounts and the generated graphs", opt.seed, 0, UINT64_MAX)
      .add_real("--amount-median", "A", "median amount in base units (msat)", opt.amount_median, 1, 2.1e18)
      .add_real("--amount-sigma", "S", "sigma of the amount's natural logarithm (log-normal)", opt.amount_sigma, 0, 10);
  add_output_flags(flags, opt.json_path, opt.plot_path, "latency percentiles against graph size", opt.progress);
  if (auto code = parse_or_exit(flags, args, io)) return *code;
  opt.real_graph = !no_real;

  progress_line progress(io.err, opt.progress || io.err_is_terminal, io.err_is_terminal);
  auto report = run_routing(opt, data_dirs(opt.data_dir, io.executable), progress);
  if (!report) return scenario_failure(flags, report.error(), io);
  const scenario_outputs outputs{report->passed(), [&](std::ostream& out) { print_summary(out, *report); },
                                 [&] { return to_json(*report); }, [&] { return chart_of(*report); }};
  return finish_scenario(flags, outputs, opt.json_path, opt.plot_path, io);
}

}  // namespace clearway::tools::bench
