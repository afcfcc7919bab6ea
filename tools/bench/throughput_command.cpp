// `clearway-bench throughput`: flags -> throughput_options -> run -> summary, JSON, plot, exit code.
#include <cstdio>
#include <ostream>

#include "tools/bench/report_json.hpp"
#include "tools/bench/scenario_cli.hpp"
#include "tools/bench/scenario_finish.hpp"
#include "tools/bench/scenario_json.hpp"
#include "tools/bench/subcommand.hpp"
#include "tools/bench/throughput.hpp"
#include "tools/bench/xy_plot.hpp"

namespace clearway::tools::bench {

namespace {

using nlohmann::ordered_json;

constexpr std::string_view about =
    "clearway-bench throughput: opens a network on the embedded bank (every commitment signed and\n"
    "verified), measures the single-core crypto ceiling, then runs load steps of rising offered rate\n"
    "(Poisson arrivals on the virtual clock) and reports per step the achieved payments/s and HTLC\n"
    "hop-updates/s on the wall clock, the success rate, virtual latencies, proposals per commitment\n"
    "round and signatures per second against the crypto ceiling. Stops at the knee (the engine no longer\n"
    "keeps up with the offered rate in real time, or the success rate collapses), then checks\n"
    "atomicity and conservation from the final channel and bank states.\n"
    "Exit status: 0 when every check passed, 1 when one failed, 64 for a bad command line, 65 for\n"
    "malformed topology files, 70 for an internal error, 73 when the JSON or the plot cannot be written.";

ordered_json to_json(const throughput_report& r) {
  ordered_json j;
  j["scenario"] = "throughput";
  j["topology"] = r.topology;
  j["seed"] = r.seed;
  j["engine"] = to_json(r.knobs);
  j["nodes"] = r.nodes;
  j["channels_opened"] = r.channels_opened;
  j["channels_refused"] = r.channels_refused;
  j["payments_per_step"] = r.payments_per_step;
  j["amount_median"] = r.amount_median;
  j["amount_sigma"] = r.amount_sigma;
  j["knee_fraction"] = r.knee_fraction;
  j["collapse_fraction"] = r.collapse_fraction;
  j["rates_asked"] = r.rates_asked;
  j["crypto_ceiling"] = to_json(r.ceiling);
  ordered_json steps = ordered_json::array();
  std::uint64_t payments = 0;
  for (const auto& s : r.steps) {
    ordered_json js;
    js["offered_per_s"] = s.offered_per_s;
    js["outcome"] = to_json(s.outcome);
    js["wall_s"] = s.wall_s;
    js["cpu_s"] = s.cpu_s;
    js["cpu_us_per_payment"] = s.cpu_us_per_payment();
    js["virtual_ms"] = s.virtual_ms;
    js["drained"] = s.drained;
    js["achieved_payments_per_s"] = s.achieved_per_s();
    js["succeeded_payments_per_s"] = s.succeeded_per_s();
    js["hop_updates"] = s.proposals;
    js["hop_updates_per_s"] = s.hop_updates_per_s();
    js["htlc_hops"] = s.htlc_hops;
    js["htlc_hops_per_s"] = s.htlc_hops_per_s();
    js["rounds"] = s.rounds;
    js["proposals_per_round"] = s.proposals_per_round();
    js["signatures_made"] = s.signatures_made;
    js["signatures_verified"] = s.signatures_verified;
    js["signatures_made_per_s"] = s.made_per_s();
    js["signatures_verified_per_s"] = s.verified_per_s();
    js["crypto_cores_busy"] = r.ceiling.cores_busy(s.made_per_s(), s.verified_per_s());
    js["peak_in_flight_payments"] = s.peak_in_flight_payments;
    js["audit_conservation_ok"] = s.audit_conservation_ok;
    js["audit_atomicity_ok"] = s.audit_atomicity_ok;
    js["not_atomic"] = s.not_atomic;
    js["knee"] = s.knee;
    js["knee_reason"] = s.knee_reason;
    payments += s.outcome.payments;
    steps.push_back(std::move(js));
  }
  j["steps"] = std::move(steps);
  j["payments"] = payments;
  j["knee_found"] = r.knee_found;
  j["all_steps"] = r.all_steps;
  j["best_sustained_payments_per_s"] = r.best_sustained_per_s();
  j["checks"] = to_json(r.verdict);
  j["passed"] = r.passed();
  j["wall_s"] = {{"load", r.load_s}, {"build", r.build_s}, {"open", r.open_s}, {"checks", r.checks_s},
                 {"total", r.total_s}};
  return j;
}

void print_summary(std::ostream& out, const throughput_report& r) {
  char line[320];
  out << "clearway-bench throughput: " << r.topology << ", seed " << r.seed << "\n";
  std::snprintf(line, sizeof line,
                "  network     %s nodes, %s channels opened in %.1f s; engine: %u threads, tick %llu ms, commit batch "
                "%u%s\n",
                with_commas(r.nodes).c_str(), with_commas(r.channels_opened).c_str(), r.open_s, r.knobs.threads,
                static_cast<unsigned long long>(r.knobs.tick_ms), r.knobs.commit_batch_size,
                r.knobs.verify_on_pool ? ", verify on pool" : "");
  out << line;
  std::snprintf(line, sizeof line,
                "  ceiling     %.0f signs/s and %.0f recover-verifies/s per core, %u cores\n", r.ceiling.signs_per_s,
                r.ceiling.verifies_per_s, r.ceiling.cores);
  out << line;
  out << "  offered/s  achieved/s  ok/s   success  hop-upd/s  p50 ms  p99 ms  p99.9 ms  prop/round  sig/s made  "
         "verif/s  crypto cores  CPU us/pay\n";
  for (const auto& s : r.steps) {
    std::snprintf(line, sizeof line,
                  "  %9.0f  %10.0f  %6.0f  %6.2f%%  %9.0f  %6llu  %6llu  %8llu  %10.2f  %10.0f  %7.0f  %12.2f  %10.0f%s\n",
                  s.offered_per_s, s.achieved_per_s(), s.succeeded_per_s(), 100 * s.outcome.success_rate(),
                  s.hop_updates_per_s(), static_cast<unsigned long long>(s.outcome.latency_ms.p50),
                  static_cast<unsigned long long>(s.outcome.latency_ms.p99),
                  static_cast<unsigned long long>(s.outcome.latency_ms.p999), s.proposals_per_round(),
                  s.made_per_s(), s.verified_per_s(), r.ceiling.cores_busy(s.made_per_s(), s.verified_per_s()),
                  s.cpu_us_per_payment(), s.knee ? "  <- knee" : "");
    out << line;
  }
  if (r.knee_found) {
    for (const auto& s : r.steps) {
      if (s.knee) out << "  knee        " << s.knee_reason << "\n";
    }
  } else {
    out << "  knee        not reached at the rates asked\n";
  }
  if (!r.steps.empty() && r.steps.front().knee) {
    out << "  best        none: the first step is already past the knee (try lower --rates)\n";
  } else {
    std::snprintf(line, sizeof line, "  best        %.0f payments/s sustained (wall clock, full crypto)\n",
                  r.best_sustained_per_s());
    out << line;
  }
  const auto& v = r.verdict;
  out << "  checks      conservation " << (v.conservation_ok ? "OK" : "FAILED") << ", atomicity "
      << (v.atomicity_ok ? "OK" : "FAILED") << ", routes " << (v.routes_ok ? "OK" : "FAILED") << ", all finished "
      << (v.all_finished ? "OK" : "FAILED") << " (" << with_commas(v.close.closed) << " channels closed, "
      << with_commas(v.wealth_nodes_checked) << " nodes' wealth compared)\n";
  for (const auto& p : v.problems) out << "              " << p << "\n";
}

xy_chart chart_of(const throughput_report& r) {
  xy_chart c;
  c.title = "clearway-bench throughput: " + r.topology + " (full crypto, " + std::to_string(r.knobs.threads) +
            " threads)";
  c.x_label = "offered payments/s (virtual clock)";
  c.y_label = "per second (wall clock)";
  c.log_x = true;
  c.log_y = true;
  xy_series offered{"offered (y = x: keeping up)", {}, false};
  xy_series achieved{"achieved payments/s", {}, false};
  xy_series updates{"HTLC hop-updates/s", {}, false};
  xy_series sigs{"signatures made + verified /s", {}, false};
  // Equal numbers made and verified, every core doing nothing else: 2 / (1/sign rate + 1/verify rate) per core.
  xy_series ceiling{"crypto ceiling: signatures made + verified /s, all cores", {}, false};
  const double per_core = r.ceiling.signs_per_s > 0 && r.ceiling.verifies_per_s > 0
                              ? 2.0 / (1.0 / r.ceiling.signs_per_s + 1.0 / r.ceiling.verifies_per_s)
                              : 0.0;
  for (const auto& s : r.steps) {
    ceiling.points.emplace_back(s.offered_per_s, per_core * r.ceiling.cores);
    offered.points.emplace_back(s.offered_per_s, s.offered_per_s);
    achieved.points.emplace_back(s.offered_per_s, s.achieved_per_s());
    updates.points.emplace_back(s.offered_per_s, s.hop_updates_per_s());
    sigs.points.emplace_back(s.offered_per_s, s.made_per_s() + s.verified_per_s());
  }
  c.series = {offered, achieved, updates, sigs, ceiling};
  return c;
}

}  // namespace

int run_throughput(std::span<const std::string_view> args, tool_io& io) {
  throughput_options opt;
  flag_set flags("clearway-bench throughput", std::string(about));
  add_topology_flags(flags, opt.topology, opt.data_dir);
  std::string rates_text = "100,300,1k,3k,10k,30k";
  flags
      .add_custom("--rates", "R1,R2,...", "offered payments per virtual second, one load step each (k = x1000)",
                  rates_text,
                  [&opt](std::string_view v) -> std::optional<std::string> {
                    auto rates = parse_rates(v);
                    if (!rates) return rates.error();
                    opt.rates = std::move(*rates);
                    return std::nullopt;
                  })
      .add_u64("--payments", "N", "payments per load step", opt.payments_per_step, 1, 10'000'000)
      .add_u64("--seed", "S", "seed of the workload, the keys and preimages, and a generated topology", opt.knobs.seed,
               0, UINT64_MAX)
      .add_real("--amount-median", "A", "median payment amount in base units (msat for the LN data)",
                opt.amount_median, 1, 2.1e18)
      .add_real("--amount-sigma", "S", "sigma of the amount's natural logarithm (log-normal)", opt.amount_sigma, 0, 10)
      .add_real("--knee", "F", "stop once achieved payments/s < F x offered", opt.knee_fraction, 0.01, 1)
      .add_real("--collapse", "F", "stop once the success rate < F x the first step's", opt.collapse_fraction, 0, 1)
      .add_real("--ceiling-s", "S", "seconds of signing (and as many of verifying) to measure the crypto ceiling",
                opt.ceiling_s, 0.01, 10)
      .add_switch("--all-steps", "run every rate even past the knee (to see how far batching carries)",
                  opt.all_steps);
  add_engine_flags(flags, opt.knobs);
  add_output_flags(flags, opt.json_path, opt.plot_path, "achieved vs offered payments/s", opt.progress);
  if (auto code = parse_or_exit(flags, args, io)) return *code;

  progress_line progress(io.err, opt.progress || io.err_is_terminal, io.err_is_terminal);
  stopwatch total;
  progress.phase("loading topology " + opt.topology);
  int exit = exit_ok;
  auto topology = load_or_report(flags, opt.topology, opt.data_dir, opt.knobs.seed, io, exit);
  if (!topology) return exit;
  const double load_s = total.seconds();

  auto report = run_throughput(opt, *topology, progress);
  if (!report) return scenario_failure(flags, report.error(), io);
  report->load_s = load_s;
  report->total_s = total.seconds();
  const scenario_outputs outputs{report->passed(), [&](std::ostream& out) { print_summary(out, *report); },
                                 [&] { return to_json(*report); }, [&] { return chart_of(*report); }};
  return finish_scenario(flags, outputs, opt.json_path, opt.plot_path, io);
}

}  // namespace clearway::tools::bench
