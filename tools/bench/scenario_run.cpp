#include "tools/bench/scenario_run.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "tools/bench/simulate.hpp"

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

// Past the longest lock a route may carry plus the margin for settling it on the bank.
std::uint64_t drain_ms(const actors::engine_config& c) {
  return (c.max_total_time_lock_s + c.final_time_lock_delta_s + c.claim_margin_s + 3'600) * 1'000;
}

}  // namespace

actors::engine_config engine_config_of(const engine_knobs& k) {
  actors::engine_config cfg;
  cfg.worker_threads = k.threads;
  cfg.route_workers = k.threads;
  cfg.verifier_workers = k.threads;
  cfg.tick_ms = k.tick_ms;
  cfg.commit_batch_size = k.commit_batch_size;
  cfg.verify_on_pool = k.verify_on_pool;
  cfg.seed = k.seed;
  return cfg;
}

opened_network open_network(actors::engine& e, const routing::topology& topo, progress_line& progress) {
  opened_network out;
  stopwatch sw;
  progress.phase("building " + with_commas(topo.node_count) + " nodes and " + with_commas(topo.channels.size()) +
                 " channels on the embedded bank");
  out.stats = build_network(e, topo);
  out.build_s = sw.seconds();
  progress.phase("opening " + with_commas(out.stats.channels_opened) + " channels (commitment #0 signed on both ends)");
  sw.restart();
  (void)e.run_until_idle();
  out.open_s = sw.seconds();
  out.after_open = e.metrics();
  return out;
}

result<request_run, std::string> run_requests(actors::engine& e, std::span<const payment_request> requests,
                                              progress_line& progress) {
  request_run run;
  run.before = e.metrics();
  run.start_ms = e.now_ms();
  run.ids.reserve(requests.size());
  const std::uint64_t step_ms = std::max<std::uint64_t>(e.config().tick_ms, 1'000);
  stopwatch sw;
  stopwatch since_progress;
  std::size_t next = 0;
  while (next < requests.size()) {
    const std::uint64_t horizon = saturating_add(std::max(e.now_ms(), requests[next].arrival_ms), step_ms);
    while (next < requests.size() && requests[next].arrival_ms < horizon) {
      const payment_request& r = requests[next];
      auto inv = e.create_invoice(r.payee, r.amount);
      if (!inv) return "the engine refused an invoice: " + std::string(actors::to_string(inv.error()));
      auto pid = e.submit_payment(r.payer, *inv, std::max(r.arrival_ms, e.now_ms()));
      if (!pid) return "the engine refused a payment: " + std::string(actors::to_string(pid.error()));
      run.ids.push_back(*pid);
      ++next;
    }
    e.run_until(horizon);
    if (progress.enabled() && since_progress.seconds() >= 0.2) {
      const auto m = e.metrics();
      const std::uint64_t finished = m.payments_succeeded + m.payments_failed -
                                     (run.before.payments_succeeded + run.before.payments_failed);
      char detail[128];
      std::snprintf(detail, sizeof detail, "virtual %.1f s, %.0f payments/s wall",
                    static_cast<double>(e.now_ms() - run.start_ms) / 1000.0,
                    static_cast<double>(finished) / std::max(sw.seconds(), 1e-9));
      progress.update(std::min<std::uint64_t>(finished, requests.size() - 1), requests.size(), detail);
      since_progress.restart();
    }
  }
  (void)e.run_until_idle();
  if (e.payments_in_flight() > 0) {
    run.drained = true;
    e.run_until(saturating_add(e.now_ms(), drain_ms(e.config())));
    (void)e.run_until_idle();
  }
  run.wall_s = sw.seconds();
  if (progress.enabled()) {
    progress.update(requests.size(), requests.size(), "done");
    progress.finish();
  }
  run.end_ms = e.now_ms();
  run.after = e.metrics();
  return run;
}

std::uint64_t payment_outcome::failed(std::string_view reason) const noexcept {
  for (const auto& [name, count] : failures) {
    if (name == reason) return count;
  }
  return 0;
}

payment_outcome summarize_outcome(std::span<const actors::payment_result> results) {
  payment_outcome o;
  o.payments = results.size();
  std::map<std::string, std::uint64_t> failures;
  std::vector<std::uint64_t> latencies;
  std::uint64_t hops = 0;
  std::uint64_t attempts = 0;
  std::uint64_t finished = 0;
  for (const auto& r : results) {
    if (r.status == actors::payment_status::pending) {
      ++o.unfinished;
      continue;
    }
    ++finished;
    attempts += r.attempts;
    if (r.status == actors::payment_status::succeeded) {
      ++o.succeeded;
      latencies.push_back(r.end_ms >= r.start_ms ? r.end_ms - r.start_ms : 0);
      hops += r.hops;
      o.fees = saturating_add(o.fees, r.fee);
      o.amount_succeeded = saturating_add(o.amount_succeeded, r.amount);
    } else {
      ++failures[std::string(actors::to_string(r.reason))];
    }
  }
  for (const auto& name : known_failure_reasons()) {
    auto it = failures.find(name);
    o.failures.emplace_back(name, it == failures.end() ? 0 : it->second);
    if (it != failures.end()) failures.erase(it);
  }
  for (const auto& [name, count] : failures) o.failures.emplace_back(name, count);
  std::sort(latencies.begin(), latencies.end());
  o.latency_p90_ms = percentile(latencies, 0.90);
  o.latency_ms = summarize(std::move(latencies));
  o.average_hops = o.succeeded > 0 ? static_cast<double>(hops) / static_cast<double>(o.succeeded) : 0;
  o.average_attempts = finished > 0 ? static_cast<double>(attempts) / static_cast<double>(finished) : 0;
  return o;
}

std::vector<actors::payment_result> results_of(const actors::engine& e, std::span<const actors::payment_id> ids) {
  std::vector<actors::payment_result> out;
  out.reserve(ids.size());
  for (const auto id : ids) {
    if (auto r = e.result_of(id)) out.push_back(std::move(*r));
  }
  return out;
}

run_verdict check_run(actors::engine& e, const network_stats& net) {
  run_verdict v;
  const std::vector<actors::payment_result> results = e.results();
  v.payments = check_payments(results);
  add_problems(v.problems, v.payments.problems);
  v.audit = e.audit();
  add_problems(v.problems, v.audit.problems);
  v.close = e.close_all();
  if (!v.close.bank_ok) v.problems.emplace_back("close_all: the bank's audit failed after the closes");
  if (!v.close.balances_ok) v.problems.emplace_back("close_all: an account differs from what its channel ends said");
  // Every node's final wealth (bank account plus any channel still open), from one read of all ends.
  const auto expected = expected_wealth(net.node_deposits, results);
  const auto actual = e.wealth_of_all();
  wide_int total = 0;
  for (std::size_t n = 0; n < actual.size() && n < expected.size(); ++n) {
    ++v.wealth_nodes_checked;
    total += actual[n];
    if (static_cast<wide_int>(actual[n]) != expected[n]) {
      ++v.wealth_mismatches;
      if (v.problems.size() < max_problems) {
        v.problems.push_back("node " + std::to_string(n) + " owns " + std::to_string(actual[n]) +
                             " base units; its deposits and payments say " +
                             std::to_string(static_cast<long long>(expected[n])));
      }
    }
  }
  v.total_wealth_ok = actual.size() == net.nodes && total == static_cast<wide_int>(net.total_deposits);
  if (!v.total_wealth_ok && v.problems.size() < max_problems) {
    v.problems.emplace_back("the network's total wealth differs from the total deposits");
  }
  v.conservation_ok = v.audit.conservation_ok && v.close.bank_ok && v.close.balances_ok && v.wealth_mismatches == 0 &&
                      v.total_wealth_ok;
  v.atomicity_ok = v.audit.atomicity_ok && v.payments.not_atomic == 0;
  v.routes_ok = v.payments.bad_routes == 0;
  v.all_finished = v.payments.unfinished == 0;
  return v;
}

}  // namespace clearway::tools::bench
