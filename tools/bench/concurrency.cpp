#include "tools/bench/concurrency.hpp"

#include <algorithm>
#include <cstdio>

#include "routing/scale_free_generator.hpp"
#include "tools/bench/network_builder.hpp"
#include "tools/bench/process_memory.hpp"
#include "tools/bench/run_checks.hpp"

namespace clearway::tools::bench {

namespace {

constexpr std::size_t max_problems = 20;
constexpr double gib = 1024.0 * 1024.0 * 1024.0;

void add_problem(concurrency_report& r, std::string p) {
  if (r.problems.size() < max_problems) r.problems.push_back(std::move(p));
}

// SplitMix64: the pair choice is Clearway's own, so a seed means the same run everywhere.
struct pair_picker {
  std::uint64_t state;
  std::uint64_t next() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint32_t below(std::uint32_t n) noexcept { return static_cast<std::uint32_t>(next() % n); }
};

std::uint64_t pending_of(const actors::engine_metrics& m) {
  return m.payments_submitted - m.payments_succeeded - m.payments_failed;
}

std::uint64_t drain_ms(const actors::engine_config& c) {
  return (c.max_total_time_lock_s + c.final_time_lock_delta_s + c.claim_margin_s + 3'600) * 1'000;
}

}  // namespace

std::uint32_t default_nodes_for(std::uint64_t channels) noexcept {
  // The article's ratio: 3,952,800 channels over 10^6 nodes.
  const std::uint64_t nodes = (channels * 10'000 + 39'528 / 2) / 39'528;
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(nodes, 3, UINT32_MAX));
}

std::uint64_t default_ramp_step(std::uint64_t in_flight) noexcept {
  return std::clamp<std::uint64_t>(in_flight / 100, 200, 20'000);
}

result<concurrency_report, concurrency_error> run_concurrency(const concurrency_options& options,
                                                             progress_line& progress) {
  concurrency_report rep;
  stopwatch total;
  rep.nodes = options.nodes != 0 ? options.nodes : default_nodes_for(options.channels);
  rep.in_flight_target = options.in_flight;
  rep.amount = options.amount;
  rep.seed = options.seed;
  rep.threads = options.threads;
  rep.tick_ms = options.tick_ms;
  rep.settle_wave = options.settle_wave;
  rep.ramp_step = options.ramp_step != 0 ? options.ramp_step : default_ramp_step(options.in_flight);
  rep.topology = "scale-free:" + std::to_string(rep.nodes) + " with " + std::to_string(options.channels) + " channels";
  auto sample = [&](std::uint64_t in_flight, const char* phase) {
    rep.samples.push_back(time_sample{total.seconds(), static_cast<double>(in_flight),
                                      static_cast<double>(read_process_memory().rss_bytes) / gib, phase});
  };

  // ---- the network ----
  stopwatch sw;
  progress.phase("generating a scale-free network of " + with_commas(rep.nodes) + " nodes and " +
                 with_commas(options.channels) + " channels");
  sample(0, "start");
  routing::scale_free_params gp;
  gp.node_count = rep.nodes;
  gp.channel_count = options.channels;
  gp.seed = options.seed;
  auto topo = routing::generate_scale_free(gp);
  if (!topo) {
    return concurrency_error{concurrency_error::kind::usage,
                             "cannot generate " + with_commas(options.channels) + " channels over " +
                                 with_commas(rep.nodes) + " nodes: " + std::string(routing::to_string(topo.error())) +
                                 " (--nodes must be at most --channels + 1 and small enough for the channels)"};
  }
  rep.generate_s = sw.seconds();

  actors::engine_config cfg;
  cfg.worker_threads = options.threads;
  cfg.route_workers = options.threads;
  cfg.verifier_workers = options.threads;
  cfg.tick_ms = options.tick_ms;
  cfg.seed = options.seed;
  cfg.rest_idle_ends = options.rest_idle_ends;
  rep.rest_idle_ends = options.rest_idle_ends;
  rep.rss_before_build = read_process_memory().rss_bytes;
  actors::engine e(cfg);

  sw.restart();
  progress.phase("building " + with_commas(rep.nodes) + " nodes and " + with_commas(options.channels) +
                 " channels on the embedded bank");
  network_stats net = build_network(e, *topo);
  rep.channels = net.channels_opened;
  topo = routing::topology{};  // the engine has its own copy now
  rep.build_s = sw.seconds();
  if (net.channels_refused > 0) {
    add_problem(rep, with_commas(net.channels_refused) + " channels refused by the engine");
  }

  progress.phase("opening " + with_commas(rep.channels) + " channels (commitment #0 signed and verified on both ends)");
  sw.restart();
  (void)e.run_until_idle();
  rep.open_s = sw.seconds();
  rep.after_open = e.metrics();
  rep.rss_after_open = read_process_memory().rss_bytes;
  rep.bytes_per_channel = bytes_per(rep.rss_before_build, rep.rss_after_open, rep.channels);
  sample(0, "open");

  std::vector<actors::node_id> endpoints;
  for (std::uint32_t n = 0; n < net.nodes; ++n) {
    if (net.node_capacity[n] > 0) endpoints.push_back(n);
  }
  if (endpoints.size() < 2) {
    return concurrency_error{concurrency_error::kind::usage, "fewer than two nodes with a channel: nobody to pay"};
  }

  // ---- the ramp ----
  progress.phase("ramping up to " + with_commas(options.in_flight) + " payments held in flight");
  rep.rss_before_ramp = read_process_memory().rss_bytes;
  std::vector<actors::invoice> invoices;
  invoices.reserve(options.in_flight);
  pair_picker pick{options.seed ^ 0xc1ea2a7ULL};
  // Replacements for payments that fail on the way are bounded: past this, the target is out of
  // reach for this network and the run reports how far it got.
  const std::uint64_t max_failures = options.in_flight + 1'000;
  sw.restart();
  std::uint64_t held = 0;
  while (held < options.in_flight) {
    const std::uint64_t add = std::min(rep.ramp_step, options.in_flight - held);
    for (std::uint64_t i = 0; i < add; ++i) {
      const actors::node_id payer = endpoints[pick.below(static_cast<std::uint32_t>(endpoints.size()))];
      actors::node_id payee = payer;
      while (payee == payer) payee = endpoints[pick.below(static_cast<std::uint32_t>(endpoints.size()))];
      auto inv = e.create_invoice(payee, options.amount, /*hold=*/true);
      if (!inv) {
        return concurrency_error{concurrency_error::kind::software,
                                 "the engine refused an invoice: " + std::string(actors::to_string(inv.error()))};
      }
      auto pid = e.submit_payment(payer, *inv, e.now_ms());
      if (!pid) {
        return concurrency_error{concurrency_error::kind::software,
                                 "the engine refused a payment: " + std::string(actors::to_string(pid.error()))};
      }
      invoices.push_back(*inv);
      ++rep.submitted;
    }
    (void)e.run_until_idle();
    const auto m = e.metrics();
    held = pending_of(m);
    rep.failed_during_ramp = m.payments_failed;
    sample(held, "ramp");
    if (progress.enabled()) {
      char detail[128];
      std::snprintf(detail, sizeof detail, "held, %s failed and replaced, RSS %.2f GiB, %.0f s",
                    with_commas(rep.failed_during_ramp).c_str(), rep.samples.back().right, sw.seconds());
      progress.update(held, options.in_flight, detail);
    }
    if (m.payments_succeeded > 0) {
      add_problem(rep, "a payment to a hold invoice succeeded before its release");
      break;
    }
    if (rep.failed_during_ramp > max_failures) {
      add_problem(rep, "more than " + with_commas(max_failures) + " payments failed during the ramp; stopped at " +
                           with_commas(held) + " held");
      break;
    }
  }
  rep.ramp_s = sw.seconds();
  progress.finish();
  rep.peak_in_flight = held;
  rep.rss_at_peak = read_process_memory().rss_bytes;
  {
    const auto m = e.metrics();
    rep.engine_peak_in_flight = m.peak_in_flight_payments;
    rep.engine_peak_in_flight_hops = m.peak_in_flight_hops;
  }

  // ---- the settle ----
  progress.phase("releasing " + with_commas(held) + " hold invoices");
  sw.restart();
  // In waves of `settle_wave` invoices, each settled to the last round before the next is released:
  // a settling payment wakes every channel end on its route, so the waves bound that transient.
  const std::size_t wave = options.settle_wave == 0 ? invoices.size() : options.settle_wave;
  constexpr std::uint64_t max_settle_ticks = 100'000;
  std::uint64_t settle_ticks = 0;
  for (std::size_t first = 0; first < invoices.size(); first += wave) {
    const std::size_t count = std::min(wave, invoices.size() - first);
    if (auto released = e.release_holds(std::span(invoices).subspan(first, count)); !released) {
      return concurrency_error{concurrency_error::kind::software,
                               "the engine refused a release: " + std::string(actors::to_string(released.error()))};
    }
    // Tick by tick while this wave settles, for the plot (settling takes a few rounds per hop).
    const std::uint64_t not_released = invoices.size() - first - count;
    for (; settle_ticks < max_settle_ticks; ++settle_ticks) {
      e.run_until(e.now_ms() + options.tick_ms);
      const std::uint64_t pending = pending_of(e.metrics());
      sample(pending, "settle");
      progress.update(held - std::min(held, pending), held, "settled");
      if (pending <= not_released) break;
    }
    (void)e.run_until_idle();  // the rounds that make this wave's removals irrevocable
  }
  (void)e.run_until_idle();  // the rounds that make the removals irrevocable on every channel
  rep.settle_s = sw.seconds();
  sample(pending_of(e.metrics()), "settled");
  progress.finish();
  rep.rss_after_settle = read_process_memory().rss_bytes;
  if (e.payments_in_flight() > 0) {
    add_problem(rep, with_commas(e.payments_in_flight()) + " payments still pending after the release; running "
                                                           "virtual time on to their locks");
    e.run_until(e.now_ms() + drain_ms(cfg));
    (void)e.run_until_idle();
  }
  rep.after_settle = e.metrics();

  // ---- checks, from the final states ----
  progress.phase("checking: audit of every channel and the bank, every node's wealth, atomicity");
  sw.restart();
  const std::vector<actors::payment_result> results = e.results();
  std::uint64_t hops = 0;
  for (const auto& r : results) {
    if (r.status == actors::payment_status::pending) ++rep.unfinished;
    if (!r.atomic) ++rep.not_atomic;
    if (r.status == actors::payment_status::succeeded) {
      ++rep.settled;
      hops += r.hops;
    }
  }
  rep.peak_in_flight_hops = hops;
  rep.average_hops = rep.settled > 0 ? static_cast<double>(hops) / static_cast<double>(rep.settled) : 0;
  rep.bytes_per_htlc_hop = bytes_per(rep.rss_before_ramp, rep.rss_at_peak, rep.peak_in_flight_hops);
  rep.bytes_per_in_flight_payment = bytes_per(rep.rss_before_ramp, rep.rss_at_peak, rep.peak_in_flight);
  const payment_checks pc = check_payments(results);
  for (const auto& p : pc.problems) add_problem(rep, p);

  rep.audit = e.audit();
  for (const auto& p : rep.audit.problems) add_problem(rep, p);
  // Every node's wealth from one whole-network read, against its deposits and the payment results.
  const auto expected = expected_wealth(net.node_deposits, results);
  const auto actual = e.wealth_of_all();
  wide_int total_actual = 0;
  for (std::size_t n = 0; n < actual.size() && n < expected.size(); ++n) {
    total_actual += actual[n];
    if (static_cast<wide_int>(actual[n]) != expected[n]) {
      ++rep.wealth_mismatches;
      add_problem(rep, "node " + std::to_string(n) + " owns " + std::to_string(actual[n]) +
                           " base units; its deposits and payments say " +
                           std::to_string(static_cast<long long>(expected[n])));
    }
  }
  rep.total_wealth_ok = actual.size() == expected.size() && total_actual == static_cast<wide_int>(net.total_deposits);
  if (!rep.total_wealth_ok) add_problem(rep, "the network's total wealth differs from the total deposits");
  rep.close_ran = options.close == close_check::always ||
                  (options.close == close_check::automatic && rep.channels <= close_check_auto_max_channels);
  bool close_ok = true;
  if (rep.close_ran) {
    progress.phase("closing every channel cooperatively on the bank");
    rep.close = e.close_all();
    close_ok = rep.close.bank_ok && rep.close.balances_ok && rep.close.not_closed == 0;
    if (!close_ok) {
      add_problem(rep, "close_all: " + std::to_string(rep.close.not_closed) + " not closed, bank audit " +
                           (rep.close.bank_ok ? "ok" : "FAILED") + ", balances " +
                           (rep.close.balances_ok ? "ok" : "DIFFER"));
    }
  }
  rep.checks_s = sw.seconds();

  rep.reached_target = rep.peak_in_flight == options.in_flight;
  rep.all_settled = rep.unfinished == 0 && rep.settled == rep.peak_in_flight &&
                    rep.settled + rep.failed_during_ramp == rep.submitted && rep.audit.settled;
  rep.conservation_ok = rep.audit.conservation_ok && rep.audit.forwarders_ok && rep.wealth_mismatches == 0 &&
                        rep.total_wealth_ok && close_ok;
  rep.atomicity_ok = rep.audit.atomicity_ok && rep.not_atomic == 0 && pc.atomic() && pc.bad_routes == 0;
  rep.rss_peak_bytes = read_process_memory().rss_peak_bytes;
  rep.total_s = total.seconds();
  return rep;
}

}  // namespace clearway::tools::bench
