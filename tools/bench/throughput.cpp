#include "tools/bench/throughput.hpp"

#include <algorithm>
#include <cstdio>

#include <sys/resource.h>

#include "tools/bench/cli.hpp"

namespace clearway::tools::bench {

namespace {

double per_s(std::uint64_t count, double wall_s) noexcept {
  return wall_s > 0 ? static_cast<double>(count) / wall_s : 0;
}

std::uint64_t delta(std::uint64_t after, std::uint64_t before) noexcept { return after >= before ? after - before : 0; }

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

}  // namespace

double throughput_step::cpu_us_per_payment() const noexcept {
  const std::uint64_t finished = outcome.payments - outcome.unfinished;
  return finished > 0 ? cpu_s * 1e6 / static_cast<double>(finished) : 0;
}

double throughput_step::achieved_per_s() const noexcept {
  return per_s(outcome.payments - outcome.unfinished, wall_s);
}
double throughput_step::succeeded_per_s() const noexcept { return per_s(outcome.succeeded, wall_s); }
double throughput_step::hop_updates_per_s() const noexcept { return per_s(proposals, wall_s); }
double throughput_step::htlc_hops_per_s() const noexcept { return per_s(htlc_hops, wall_s); }
double throughput_step::proposals_per_round() const noexcept {
  return rounds > 0 ? static_cast<double>(proposals) / static_cast<double>(rounds) : 0;
}
double throughput_step::made_per_s() const noexcept { return per_s(signatures_made, wall_s); }
double throughput_step::verified_per_s() const noexcept { return per_s(signatures_verified, wall_s); }

bool throughput_report::passed() const noexcept {
  for (const auto& s : steps) {
    if (!s.audit_conservation_ok || !s.audit_atomicity_ok || s.not_atomic != 0) return false;
  }
  return verdict.passed();
}

double throughput_report::best_sustained_per_s() const noexcept {
  double best = 0;
  for (const auto& s : steps) {
    if (s.knee) break;  // the steps before the knee kept up
    best = std::max(best, s.achieved_per_s());
  }
  return best;
}

result<std::vector<double>, std::string> parse_rates(std::string_view text) {
  std::vector<double> out;
  if (text.empty()) return std::string("the value is empty");
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const std::size_t comma = std::min(text.find(',', pos), text.size());
    std::string_view item = text.substr(pos, comma - pos);
    double scale = 1;
    if (!item.empty() && (item.back() == 'k' || item.back() == 'K')) {
      scale = 1'000;
      item.remove_suffix(1);
    }
    auto v = parse_real(item);
    if (!v) return "'" + std::string(text.substr(pos, comma - pos)) + "' is not a rate (e.g. 100,300,1k,3k)";
    const double rate = *v * scale;
    if (!(rate > 0) || rate > 1e7) {
      return "'" + std::string(text.substr(pos, comma - pos)) + "' is out of range (0 < rate <= 10,000,000)";
    }
    if (!out.empty() && rate <= out.back()) return std::string("the rates must increase strictly");
    out.push_back(rate);
    if (out.size() > 64) return std::string("at most 64 rates");
    pos = comma + 1;
  }
  return out;
}

bool past_knee(throughput_step& s, double first_success_rate, double knee_fraction, double collapse_fraction) {
  char why[160];
  if (s.achieved_per_s() < knee_fraction * s.offered_per_s) {
    std::snprintf(why, sizeof why, "achieved %.0f payments/s < %.2f x offered %.0f/s", s.achieved_per_s(),
                  knee_fraction, s.offered_per_s);
    s.knee_reason = why;
    return true;
  }
  if (s.outcome.success_rate() < collapse_fraction * first_success_rate) {
    std::snprintf(why, sizeof why, "success rate %.1f%% < %.2f x the first step's %.1f%%",
                  100 * s.outcome.success_rate(), collapse_fraction, 100 * first_success_rate);
    s.knee_reason = why;
    return true;
  }
  return false;
}

result<throughput_report, scenario_error> run_throughput(const throughput_options& options,
                                                         const loaded_topology& topology, progress_line& progress) {
  throughput_report rep;
  rep.topology = topology.label;
  rep.seed = options.knobs.seed;
  rep.knobs = options.knobs;
  rep.payments_per_step = options.payments_per_step;
  rep.amount_median = options.amount_median;
  rep.amount_sigma = options.amount_sigma;
  rep.knee_fraction = options.knee_fraction;
  rep.collapse_fraction = options.collapse_fraction;
  rep.rates_asked = options.rates;
  rep.all_steps = options.all_steps;

  progress.phase("measuring the single-core crypto ceiling (sign, then recover-verify)");
  rep.ceiling = measure_crypto_ceiling(options.ceiling_s);

  actors::engine e(engine_config_of(options.knobs));
  const opened_network net = open_network(e, topology.network, progress);
  rep.nodes = net.stats.nodes;
  rep.channels_opened = net.stats.channels_opened;
  rep.channels_refused = net.stats.channels_refused;
  rep.build_s = net.build_s;
  rep.open_s = net.open_s;

  double first_success = 0;
  for (std::size_t i = 0; i < options.rates.size(); ++i) {
    const double rate = options.rates[i];
    workload_params wp;
    wp.seed = derive_seed(options.knobs.seed, 1'000 + i);  // each step its own pairs and amounts
    wp.rate_per_s = rate;
    wp.amount_median = options.amount_median;
    wp.amount_sigma = options.amount_sigma;
    wp.start_ms = e.now_ms();
    auto gen = workload_generator::create(net.stats.node_capacity, wp);
    if (!gen) {
      if (gen.error() == workload_error::too_few_nodes) {
        return scenario_error{scenario_error::kind::data,
                              "the topology has fewer than two nodes with an open channel: nobody to pay"};
      }
      return scenario_error{scenario_error::kind::usage,
                            "bad workload parameters (" + std::string(to_string(gen.error())) + ")"};
    }
    const auto requests = gen->take(options.payments_per_step);
    char what[128];
    std::snprintf(what, sizeof what, "step %zu/%zu: %s payments offered at %.0f/s (virtual)", i + 1,
                  options.rates.size(), with_commas(requests.size()).c_str(), rate);
    progress.phase(what);
    const double cpu0 = process_cpu_s();
    auto run = run_requests(e, requests, progress);
    if (!run) return scenario_error{scenario_error::kind::software, run.error()};
    const double cpu_s = process_cpu_s() - cpu0;

    throughput_step s;
    s.offered_per_s = rate;
    const auto results = results_of(e, run->ids);
    s.outcome = summarize_outcome(results);
    s.wall_s = run->wall_s;
    s.cpu_s = cpu_s;
    s.virtual_ms = run->end_ms - run->start_ms;
    s.drained = run->drained;
    s.htlc_hops = delta(run->after.htlc_hops, run->before.htlc_hops);
    s.proposals = delta(run->after.proposals_committed, run->before.proposals_committed);
    s.rounds = delta(run->after.rounds, run->before.rounds);
    s.signatures_made = delta(run->after.signatures_made, run->before.signatures_made);
    s.signatures_verified = delta(run->after.signatures_verified, run->before.signatures_verified);
    s.peak_in_flight_payments = run->after.peak_in_flight_payments;
    s.not_atomic = check_payments(results).not_atomic;
    const auto audit = e.audit();
    s.audit_conservation_ok = audit.conservation_ok;
    s.audit_atomicity_ok = audit.atomicity_ok;
    if (i == 0) first_success = s.outcome.success_rate();
    s.knee = past_knee(s, first_success, options.knee_fraction, options.collapse_fraction);
    const bool knee = s.knee && !rep.knee_found;
    s.knee = knee;  // only the first step past the knee is marked
    rep.steps.push_back(std::move(s));
    if (knee) {
      rep.knee_found = true;
      if (!options.all_steps) break;
    }
  }

  progress.phase("checking: audit, every payment, cooperative close of every channel, every node's final wealth");
  stopwatch sw;
  rep.verdict = check_run(e, net.stats);
  rep.checks_s = sw.seconds();
  return rep;
}

}  // namespace clearway::tools::bench
