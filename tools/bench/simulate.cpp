#include "tools/bench/simulate.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "tools/bench/network_builder.hpp"
#include "tools/bench/run_checks.hpp"

namespace clearway::tools::bench {

namespace {

constexpr std::size_t max_problems = 20;

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}

void add_problems(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& p : from) {
    if (to.size() >= max_problems) return;
    to.push_back(p);
  }
}

// Virtual time between submission windows: coarse enough that the driver's loop is cheap, fine
// enough that payments are handed to the engine shortly before they arrive.
std::uint64_t submission_step_ms(std::uint64_t tick_ms) { return std::max<std::uint64_t>(tick_ms, 1'000); }

// How far to run virtual time on when payments are still pending after the workload: past the
// longest time lock a route may carry plus the margin for settling it on the bank, so every
// HTLC's timer has fired.
std::uint64_t drain_ms(const actors::engine_config& c) {
  return (c.max_total_time_lock_s + c.final_time_lock_delta_s + c.claim_margin_s + 3'600) * 1'000;
}

std::string progress_detail(std::uint64_t virtual_ms, std::uint64_t succeeded, std::uint64_t finished, double wall_s) {
  char buf[160];
  const double ok_pct = finished == 0 ? 0.0 : 100.0 * static_cast<double>(succeeded) / static_cast<double>(finished);
  std::snprintf(buf, sizeof buf, "virtual %.1f s, %.1f%% succeeded, %.0f payments/s",
                static_cast<double>(virtual_ms) / 1000.0, ok_pct,
                wall_s > 0 ? static_cast<double>(finished) / wall_s : 0.0);
  return buf;
}

// The per-node wealth check: nodes' final wealth (bank account plus any channel still open)
// against what their deposits and the payment results say they own.
void check_wealth(actors::engine& e, const network_stats& net, std::span<const actors::payment_result> results,
                  std::uint32_t max_nodes, simulate_checks& c) {
  const auto expected = expected_wealth(net.node_deposits, results);
  const auto sample = wealth_sample(results, net.nodes, max_nodes);
  wide_int total_actual = 0;
  const std::vector<std::uint64_t> wealth = e.wealth_of_all();  // one read of every channel end
  for (const actors::node_id n : sample) {
    const std::uint64_t actual = n < wealth.size() ? wealth[n] : 0;
    ++c.wealth_nodes_checked;
    total_actual += actual;
    if (static_cast<wide_int>(actual) != expected[n]) {
      ++c.wealth_mismatches;
      if (c.problems.size() < max_problems) {
        c.problems.push_back("node " + std::to_string(n) + " owns " + std::to_string(actual) +
                             " base units; its deposits and payments say " +
                             std::to_string(static_cast<long long>(expected[n])));
      }
    }
  }
  c.total_wealth_checked = sample.size() == net.nodes;
  if (c.total_wealth_checked) {
    c.total_wealth_ok = total_actual == static_cast<wide_int>(net.total_deposits);
    if (!c.total_wealth_ok && c.problems.size() < max_problems) {
      c.problems.push_back("the network's total wealth differs from the total deposits");
    }
  }
}

}  // namespace

std::vector<std::string> known_failure_reasons() {
  using actors::failure_reason;
  std::vector<std::string> out;
  for (auto r : {failure_reason::no_path, failure_reason::insufficient_balance, failure_reason::time_lock,
                 failure_reason::fee_insufficient, failure_reason::peer_failure, failure_reason::incorrect_details,
                 failure_reason::timeout, failure_reason::cancelled}) {
    out.emplace_back(actors::to_string(r));
  }
  return out;
}

result<simulate_report, simulate_error> run_simulation(const simulate_options& options, const loaded_topology& topology,
                                                       progress_line& progress) {
  const routing::topology& topo = topology.network;
  simulate_report rep;
  rep.topology = topology.label;
  rep.threads = options.threads;
  rep.tick_ms = options.tick_ms;
  rep.workload.seed = options.seed;
  rep.workload.rate_per_s = options.rate_per_s;
  rep.workload.amount_median = options.amount_median;
  rep.workload.amount_sigma = options.amount_sigma;
  rep.workload.receivers = options.receivers;

  actors::engine_config cfg;
  cfg.worker_threads = options.threads;
  cfg.route_workers = options.threads;
  cfg.verifier_workers = options.threads;
  cfg.tick_ms = options.tick_ms;
  cfg.seed = options.seed;
  rep.max_attempts = cfg.max_attempts;
  rep.commit_batch_size = cfg.commit_batch_size;

  actors::engine e(cfg);
  stopwatch sw;
  progress.phase("building " + with_commas(topo.node_count) + " nodes and " + with_commas(topo.channels.size()) +
                 " channels on the embedded bank");
  const network_stats net = build_network(e, topo);
  rep.build_s = sw.seconds();
  rep.nodes = net.nodes;
  rep.channels_in_topology = net.channels_in_topology;
  rep.channels_opened = net.channels_opened;
  rep.channels_refused = net.channels_refused;
  rep.zero_sides_topped_up = net.zero_sides_topped_up;
  rep.total_deposits = net.total_deposits;

  progress.phase("opening " + with_commas(net.channels_opened) + " channels (commitment #0 signed on both ends)");
  sw.restart();
  (void)e.run_until_idle();
  rep.open_s = sw.seconds();
  rep.after_open = e.metrics();

  workload_params wp = rep.workload;
  wp.start_ms = e.now_ms();
  auto gen = workload_generator::create(net.node_capacity, wp);
  if (!gen) {
    if (gen.error() == workload_error::too_few_nodes) {
      return simulate_error{simulate_error::kind::data,
                            "the topology has fewer than two nodes with an open channel: nobody to pay"};
    }
    return simulate_error{simulate_error::kind::usage,
                          "bad workload parameters (" + std::string(to_string(gen.error())) + ")"};
  }
  rep.workload = wp;

  progress.phase("paying " + with_commas(options.payments) + " payments");
  sw.restart();
  const std::uint64_t start_ms = e.now_ms();
  const std::uint64_t step_ms = submission_step_ms(options.tick_ms);
  std::uint64_t submitted = 0;
  payment_request next = gen->next();
  auto show_progress = [&](bool final_update) {
    if (!progress.enabled()) return;
    const auto m = e.metrics();
    const std::uint64_t finished = m.payments_succeeded + m.payments_failed;
    progress.update(final_update ? options.payments : std::min(finished, options.payments - 1), options.payments,
                    progress_detail(e.now_ms() - start_ms, m.payments_succeeded, finished, sw.seconds()));
  };
  stopwatch since_progress;
  while (submitted < options.payments) {
    const std::uint64_t horizon = saturating_add(std::max(e.now_ms(), next.arrival_ms), step_ms);
    while (submitted < options.payments && next.arrival_ms < horizon) {
      auto inv = e.create_invoice(next.payee, next.amount);
      if (!inv) {
        return simulate_error{simulate_error::kind::software,
                              "the engine refused an invoice: " + std::string(actors::to_string(inv.error()))};
      }
      auto pid = e.submit_payment(next.payer, *inv, next.arrival_ms);
      if (!pid) {
        return simulate_error{simulate_error::kind::software,
                              "the engine refused a payment: " + std::string(actors::to_string(pid.error()))};
      }
      ++submitted;
      if (submitted < options.payments) next = gen->next();
    }
    e.run_until(horizon);
    if (since_progress.seconds() >= 0.2) {
      show_progress(false);
      since_progress.restart();
    }
  }
  (void)e.run_until_idle();
  std::uint64_t end_ms = e.now_ms();
  if (e.payments_in_flight() > 0) {
    // Something waits on a timer (a time lock, a fail-back deadline): let virtual time run on.
    rep.drained = true;
    e.run_until(saturating_add(e.now_ms(), drain_ms(cfg)));
    (void)e.run_until_idle();
  }
  rep.payments_s = sw.seconds();
  show_progress(true);
  progress.finish();

  // ---- outcome ----
  progress.phase("checking: audit, per-payment results, cooperative close of every channel, final accounts");
  sw.restart();
  const std::vector<actors::payment_result> results = e.results();
  rep.after_payments = e.metrics();
  rep.payments = results.size();
  std::map<std::string, std::uint64_t> failures;
  std::vector<std::uint64_t> latencies;
  std::uint64_t hops = 0;
  std::uint64_t attempts = 0;
  std::uint64_t finished = 0;
  for (const auto& r : results) {
    if (r.status == actors::payment_status::pending) {
      ++failures["unfinished"];
      continue;
    }
    ++finished;
    attempts += r.attempts;
    end_ms = std::max(end_ms, r.end_ms);
    if (r.status == actors::payment_status::succeeded) {
      ++rep.succeeded;
      latencies.push_back(r.end_ms >= r.start_ms ? r.end_ms - r.start_ms : 0);
      hops += r.hops;
      rep.fees_paid = saturating_add(rep.fees_paid, r.fee);
      rep.amount_succeeded = saturating_add(rep.amount_succeeded, r.amount);
    } else {
      ++failures[std::string(actors::to_string(r.reason))];
    }
  }
  for (const auto& name : known_failure_reasons()) {
    auto it = failures.find(name);
    rep.failures.emplace_back(name, it == failures.end() ? 0 : it->second);
    if (it != failures.end()) failures.erase(it);
  }
  for (const auto& [name, count] : failures) rep.failures.emplace_back(name, count);
  rep.latency_ms = summarize(std::move(latencies));
  rep.average_hops = rep.succeeded > 0 ? static_cast<double>(hops) / static_cast<double>(rep.succeeded) : 0;
  rep.average_attempts = finished > 0 ? static_cast<double>(attempts) / static_cast<double>(finished) : 0;
  rep.virtual_ms = end_ms - start_ms;

  simulate_checks& c = rep.checks;
  const payment_checks pc = check_payments(results);
  c.unfinished = pc.unfinished;
  c.not_atomic = pc.not_atomic;
  c.bad_routes = pc.bad_routes;
  add_problems(c.problems, pc.problems);
  stopwatch part;
  c.audit = e.audit();
  rep.audit_s = part.seconds();
  add_problems(c.problems, c.audit.problems);
  part.restart();
  c.close = e.close_all();
  rep.close_s = part.seconds();
  if (!c.close.bank_ok) c.problems.emplace_back("close_all: the bank's audit failed after the closes");
  if (!c.close.balances_ok) c.problems.emplace_back("close_all: an account differs from what its channel ends said");
  part.restart();
  check_wealth(e, net, results, options.wealth_check_nodes, c);
  rep.wealth_s = part.seconds();

  c.conservation_ok = c.audit.conservation_ok && c.close.bank_ok && c.close.balances_ok && c.wealth_mismatches == 0 &&
                      c.total_wealth_ok;
  c.atomicity_ok = c.audit.atomicity_ok && c.not_atomic == 0;
  c.forwarders_ok = c.audit.forwarders_ok;
  c.routes_ok = c.bad_routes == 0;
  c.all_finished = c.unfinished == 0;
  rep.checks_s = sw.seconds();
  return rep;
}

}  // namespace clearway::tools::bench
