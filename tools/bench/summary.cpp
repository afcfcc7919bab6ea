#include "tools/bench/summary.hpp"

#include <cstdio>
#include <ostream>
#include <string>

#include "tools/bench/progress.hpp"

namespace clearway::tools::bench {

namespace {
std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string verdict(bool ok) { return ok ? "OK" : "FAILED"; }

std::uint64_t delta(std::uint64_t end, std::uint64_t start) { return end >= start ? end - start : 0; }
}  // namespace

void print_summary(std::ostream& out, const simulate_report& r) {
  const auto& m = r.after_payments;
  const auto& o = r.after_open;
  const auto& c = r.checks;
  const std::uint64_t rounds = delta(m.rounds, o.rounds);
  const std::uint64_t proposals = delta(m.proposals_committed, o.proposals_committed);
  const std::uint64_t failed = r.payments - r.succeeded;

  out << "clearway-bench simulate: " << r.topology << ", seed " << r.workload.seed << "\n";
  out << "  network     " << with_commas(r.nodes) << (r.nodes == 1 ? " node, " : " nodes, ")
      << with_commas(r.channels_opened) << (r.channels_opened == 1 ? " channel opened" : " channels opened");
  if (r.channels_refused > 0) out << " (" << with_commas(r.channels_refused) << " refused by the bank)";
  out << ", " << fixed(static_cast<double>(r.total_deposits) / 1e11, 2) << " BTC deposited";
  if (r.zero_sides_topped_up > 0) {
    out << " (" << r.zero_sides_topped_up << " zero-balance side" << (r.zero_sides_topped_up == 1 ? "" : "s")
        << " given 1 msat)";
  }
  out << "\n";
  out << "  workload    " << with_commas(r.payments) << " payments, Poisson " << fixed(r.workload.rate_per_s, 1)
      << "/s on the virtual clock, log-normal amounts (median "
      << with_commas(static_cast<std::uint64_t>(r.workload.amount_median)) << " msat, sigma "
      << fixed(r.workload.amount_sigma, 2) << "), senders by capacity, receivers "
      << (r.workload.receivers == receiver_choice::uniform ? "uniform" : "by capacity") << "\n";
  out << "  payments    " << with_commas(r.succeeded) << " succeeded (" << fixed(100.0 * r.success_rate(), 2) << "%), "
      << with_commas(failed) << " failed";
  bool first = true;
  for (const auto& [name, count] : r.failures) {
    if (count == 0) continue;
    out << (first ? ": " : ", ") << name << " " << with_commas(count);
    first = false;
  }
  out << "\n";
  out << "  routes      " << fixed(r.average_hops, 2) << " hops on average, " << fixed(r.average_attempts, 2)
      << " attempts per payment, " << with_commas(r.fees_paid) << " msat fees on " << with_commas(r.amount_succeeded)
      << " msat delivered\n";
  out << "  speed       " << with_commas(static_cast<std::uint64_t>(r.payments_per_s())) << " payments/s wall clock ("
      << fixed(r.payments_s, 2) << " s for the payments; opening the channels took " << fixed(r.open_s, 2)
      << " s, building " << fixed(r.build_s, 2) << " s, loading " << fixed(r.load_s, 2) << " s)\n";
  out << "  latency     p50 " << with_commas(r.latency_ms.p50) << " ms, p99 " << with_commas(r.latency_ms.p99)
      << " ms (virtual time, succeeded payments; tick " << r.tick_ms << " ms; "
      << fixed(static_cast<double>(r.virtual_ms) / 1000.0, 1) << " virtual s in all"
      << (r.drained ? ", run on past pending time locks" : "") << ")\n";
  out << "  signatures  " << with_commas(m.signatures_made) << " made, " << with_commas(m.signatures_verified)
      << " verified (payments: " << with_commas(delta(m.signatures_made, o.signatures_made)) << " made, "
      << with_commas(delta(m.signatures_verified, o.signatures_verified)) << " verified)\n";
  out << "  rounds      " << with_commas(rounds) << " commitment rounds, "
      << fixed(rounds > 0 ? static_cast<double>(proposals) / static_cast<double>(rounds) : 0.0, 2)
      << " proposals per round on average (max " << with_commas(m.max_batch) << "); peak "
      << with_commas(m.peak_in_flight_payments) << " payments / " << with_commas(m.peak_in_flight_hops)
      << " HTLC hops in flight\n";
  out << "  checks      conservation " << verdict(c.conservation_ok) << ", atomicity " << verdict(c.atomicity_ok)
      << ", forwarders " << verdict(c.forwarders_ok) << ", routes " << verdict(c.routes_ok) << ", all finished "
      << verdict(c.all_finished) << "\n";
  out << "              (engine audit; " << with_commas(c.close.closed) << " channels closed on the bank"
      << (c.close.not_closed > 0 ? ", " + with_commas(c.close.not_closed) + " not closed" : std::string())
      << ", bank audit " << verdict(c.close.bank_ok) << ", accounts " << verdict(c.close.balances_ok) << "; "
      << with_commas(c.wealth_nodes_checked)
      << " nodes' final wealth matches their payments: " << verdict(c.wealth_mismatches == 0 && c.total_wealth_ok)
      << ")\n";
  for (const auto& p : c.problems) out << "  problem     " << p << "\n";
}

}  // namespace clearway::tools::bench
