// `clearway-bench cloth`: flags (CLoTH's parameter names) -> run -> summary, JSON, plot, exit code.
#include <cstdio>
#include <ostream>

#include "tools/bench/cloth.hpp"
#include "tools/bench/report_json.hpp"
#include "tools/bench/scenario_cli.hpp"
#include "tools/bench/scenario_finish.hpp"
#include "tools/bench/scenario_json.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/xy_plot.hpp"

namespace clearway::tools::bench {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view about =
    "clearway-bench cloth: CLoTH's workload over the same topology, reported with CLoTH's failure\n"
    "taxonomy (Success, FailNoPath, FailNoBalance, FailOfflineNode, FailTimeoutExpired), so the two\n"
    "simulators can be compared on the same input. Payments as CLoTH draws them: Poisson arrivals at\n"
    "--payment-rate per second, payer and payee uniform over the nodes, amount |average + N(0,1) x\n"
    "variance| msat; --faulty-node-prob nodes are offline from the start (our offline nodes never come\n"
    "back; CLoTH draws a node's failure per HTLC). Every commitment is signed and verified; the run\n"
    "ends with the atomicity and conservation checks of `simulate`.\n"
    "Exit status: 0 when every check passed, 1 when one failed, 64 for a bad command line, 65 for\n"
    "malformed topology files, 70 for an internal error, 73 when the JSON or the plot cannot be written.";

constexpr cloth_category all_categories[] = {
    cloth_category::success,           cloth_category::fail_no_path,         cloth_category::fail_no_balance,
    cloth_category::fail_offline_node, cloth_category::fail_timeout_expired, cloth_category::other,
    cloth_category::unfinished};

std::uint64_t delta(std::uint64_t after, std::uint64_t before) noexcept { return after >= before ? after - before : 0; }

ordered_json to_json(const cloth_report& r) {
  ordered_json j;
  j["scenario"] = "cloth";
  j["topology"] = r.topology;
  j["cloth_input"] = {{"payment_rate", r.params.payment_rate},
                      {"n_payments", r.params.n_payments},
                      {"average_payment_amount", r.params.average_payment_amount},
                      {"variance_payment_amount", r.params.variance_payment_amount},
                      {"faulty_node_prob", r.params.faulty_node_prob},
                      {"seed", r.params.seed}};
  j["engine"] = to_json(r.knobs);
  j["nodes"] = r.nodes;
  j["channels_opened"] = r.channels_opened;
  j["faulty_nodes"] = r.faulty_nodes;
  ordered_json counts;
  for (auto c : all_categories) counts[std::string(to_string(c))] = r.count(c);
  j["cloth_output"] = counts;
  const double n = r.params.n_payments > 0 ? static_cast<double>(r.params.n_payments) : 1;
  ordered_json shares;
  for (auto c : all_categories) shares[std::string(to_string(c))] = static_cast<double>(r.count(c)) / n;
  j["cloth_output_share"] = shares;
  ordered_json other = ordered_json::object();
  for (const auto& [name, count] : r.other_reasons) other[name] = count;
  j["other_reasons"] = other;
  // CLoTH's per-payment averages: time (ms, succeeded), attempts and route length.
  j["time_ms"] = {{"mean", r.outcome.latency_ms.mean},
                  {"p50", r.outcome.latency_ms.p50},
                  {"p99", r.outcome.latency_ms.p99}};
  j["attempts_mean"] = r.outcome.average_attempts;
  j["route_length_mean"] = r.outcome.average_hops;
  j["engine_outcome"] = to_json(r.outcome);
  ordered_json windows = ordered_json::array();
  for (const auto& w : r.windows) {
    ordered_json jw;
    jw["start_s"] = w.start_s;
    for (auto c : all_categories) jw[std::string(to_string(c))] = w.counts[static_cast<std::size_t>(c)];
    windows.push_back(std::move(jw));
  }
  j["windows"] = std::move(windows);
  j["signatures"] = {{"made", delta(r.after.signatures_made, r.before.signatures_made)},
                     {"verified", delta(r.after.signatures_verified, r.before.signatures_verified)}};
  j["rounds"] = delta(r.after.rounds, r.before.rounds);
  j["proposals"] = delta(r.after.proposals_committed, r.before.proposals_committed);
  j["protocol_errors"] = delta(r.after.protocol_errors, r.before.protocol_errors);
  j["virtual_ms"] = r.virtual_ms;
  j["drained"] = r.drained;
  j["payments_per_s"] = r.payments_wall_s > 0 ? n / r.payments_wall_s : 0;
  j["checks"] = to_json(r.verdict);
  j["passed"] = r.passed();
  j["wall_s"] = {{"load", r.load_s},     {"build", r.build_s},   {"open", r.open_s},
                 {"payments", r.payments_wall_s}, {"checks", r.checks_s}, {"total", r.total_s}};
  return j;
}

void print_summary(std::ostream& out, const cloth_report& r) {
  char line[320];
  out << "clearway-bench cloth: " << r.topology << ", seed " << r.params.seed << "\n";
  std::snprintf(line, sizeof line,
                "  input       payment_rate %.1f/s, n_payments %llu, average_payment_amount %.0f msat, "
                "variance_payment_amount %.0f msat, faulty_node_prob %.3f (%llu nodes offline)\n",
                r.params.payment_rate, static_cast<unsigned long long>(r.params.n_payments),
                r.params.average_payment_amount, r.params.variance_payment_amount, r.params.faulty_node_prob,
                static_cast<unsigned long long>(r.faulty_nodes));
  out << line;
  const double n = r.params.n_payments > 0 ? static_cast<double>(r.params.n_payments) : 1;
  out << "  output     ";
  for (auto c : all_categories) {
    if ((c == cloth_category::other || c == cloth_category::unfinished) && r.count(c) == 0) continue;
    std::snprintf(line, sizeof line, " %s %llu (%.2f%%)", std::string(to_string(c)).c_str(),
                  static_cast<unsigned long long>(r.count(c)), 100.0 * static_cast<double>(r.count(c)) / n);
    out << line;
  }
  out << "\n";
  if (!r.other_reasons.empty()) {
    out << "  other      ";
    for (const auto& [name, count] : r.other_reasons) out << " " << name << " " << count;
    out << " (reasons CLoTH does not model)\n";
  }
  std::snprintf(line, sizeof line,
                "  averages    time %.0f ms (virtual; p50 %llu, p99 %llu), attempts %.2f, route length %.2f\n",
                r.outcome.latency_ms.mean, static_cast<unsigned long long>(r.outcome.latency_ms.p50),
                static_cast<unsigned long long>(r.outcome.latency_ms.p99), r.outcome.average_attempts,
                r.outcome.average_hops);
  out << line;
  std::snprintf(line, sizeof line,
                "  speed       %.0f payments/s wall clock (%.2f s for the payments, %.1f s opening %s channels)\n",
                r.payments_wall_s > 0 ? n / r.payments_wall_s : 0.0, r.payments_wall_s, r.open_s,
                with_commas(r.channels_opened).c_str());
  out << line;
  const auto& v = r.verdict;
  out << "  checks      conservation " << (v.conservation_ok ? "OK" : "FAILED") << ", atomicity "
      << (v.atomicity_ok ? "OK" : "FAILED") << ", routes " << (v.routes_ok ? "OK" : "FAILED") << ", all finished "
      << (v.all_finished ? "OK" : "FAILED") << " (" << with_commas(v.close.closed) << " channels closed, "
      << with_commas(v.close.not_closed) << " not, " << with_commas(v.wealth_nodes_checked)
      << " nodes' wealth compared)\n";
  for (const auto& p : v.problems) out << "              " << p << "\n";
}

xy_chart chart_of(const cloth_report& r) {
  xy_chart c;
  c.title = "clearway-bench cloth: " + r.topology + ", outcome by arrival time (CLoTH's taxonomy)";
  c.x_label = "arrival (virtual s)";
  c.y_label = "share of the payments arriving in the window (%)";
  for (auto cat : {cloth_category::success, cloth_category::fail_no_path, cloth_category::fail_no_balance,
                   cloth_category::fail_offline_node, cloth_category::fail_timeout_expired}) {
    xy_series s{std::string(to_string(cat)), {}, false};
    for (const auto& w : r.windows) {
      std::uint64_t total = 0;
      for (auto v : w.counts) total += v;
      if (total == 0) continue;
      s.points.emplace_back(w.start_s,
                            100.0 * static_cast<double>(w.counts[static_cast<std::size_t>(cat)]) /
                                static_cast<double>(total));
    }
    c.series.push_back(std::move(s));
  }
  return c;
}

}  // namespace

int run_cloth(std::span<const std::string_view> args, tool_io& io) {
  cloth_options opt;
  flag_set flags("clearway-bench cloth", std::string(about));
  add_topology_flags(flags, opt.topology, opt.data_dir);
  auto& p = opt.params;
  flags.add_real("--payment-rate", "R", "CLoTH's payment_rate: payments per virtual second (Poisson)", p.payment_rate,
                 0.001, 1e7)
      .add_u64("--n-payments", "N", "CLoTH's n_payments", p.n_payments, 1, 100'000'000)
      .add_real("--average-payment-amount", "A", "CLoTH's average_payment_amount, msat", p.average_payment_amount, 1,
                1e18)
      .add_real("--variance-payment-amount", "V",
                "CLoTH's variance_payment_amount, msat (used as the standard deviation, as CLoTH does)",
                p.variance_payment_amount, 0, 1e18)
      .add_real("--faulty-node-prob", "P", "CLoTH's faulty_node_prob: each node offline from the start with P",
                p.faulty_node_prob, 0, 0.99)
      .add_u64("--seed", "S", "seed of the payments, faulty nodes, keys and preimages, and a generated topology",
               p.seed, 0, UINT64_MAX);
  add_engine_flags(flags, opt.knobs);
  add_output_flags(flags, opt.json_path, opt.plot_path, "the outcome shares by arrival time", opt.progress);
  if (auto code = parse_or_exit(flags, args, io)) return *code;

  progress_line progress(io.err, opt.progress || io.err_is_terminal, io.err_is_terminal);
  stopwatch total;
  progress.phase("loading topology " + opt.topology);
  int exit = exit_ok;
  auto topology = load_or_report(flags, opt.topology, opt.data_dir, p.seed, io, exit);
  if (!topology) return exit;
  const double load_s = total.seconds();

  auto report = run_cloth(opt, *topology, progress);
  if (!report) return scenario_failure(flags, report.error(), io);
  report->load_s = load_s;
  report->total_s = total.seconds();
  const scenario_outputs outputs{report->passed(), [&](std::ostream& out) { print_summary(out, *report); },
                                 [&] { return to_json(*report); }, [&] { return chart_of(*report); }};
  return finish_scenario(flags, outputs, opt.json_path, opt.plot_path, io);
}

}  // namespace clearway::tools::bench
