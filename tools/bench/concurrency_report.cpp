#include "tools/bench/concurrency_report.hpp"

#include <cstdio>
#include <ostream>

namespace clearway::tools::bench {

nlohmann::ordered_json to_json(const concurrency_report& r) {
  nlohmann::ordered_json j;
  j["scenario"] = "concurrency";
  j["topology"] = r.topology;
  j["nodes"] = r.nodes;
  j["channels"] = r.channels;
  j["in_flight_target"] = r.in_flight_target;
  j["amount"] = r.amount;
  j["seed"] = r.seed;
  j["threads"] = r.threads;
  j["tick_ms"] = r.tick_ms;
  j["ramp_step"] = r.ramp_step;
  j["rest_idle_ends"] = r.rest_idle_ends;
  j["settle_wave"] = r.settle_wave;

  j["peak_in_flight"] = r.peak_in_flight;
  j["peak_in_flight_hops"] = r.peak_in_flight_hops;
  j["average_hops"] = r.average_hops;
  j["all_settled"] = r.all_settled;
  j["conservation_ok"] = r.conservation_ok;
  j["atomicity_ok"] = r.atomicity_ok;
  j["reached_target"] = r.reached_target;
  j["passed"] = r.passed();
  j["bytes_per_channel"] = r.bytes_per_channel;
  j["bytes_per_htlc_hop"] = r.bytes_per_htlc_hop;
  j["bytes_per_in_flight_payment"] = r.bytes_per_in_flight_payment;
  j["rss_peak_bytes"] = r.rss_peak_bytes;
  j["ramp_s"] = r.ramp_s;
  j["settle_s"] = r.settle_s;
  j["settle_payments_per_s"] = r.settle_payments_per_s();
  j["settle_hops_per_s"] = r.settle_hops_per_s();

  j["rss_bytes"] = {{"before_build", r.rss_before_build}, {"after_open", r.rss_after_open},
                    {"before_ramp", r.rss_before_ramp},   {"at_peak", r.rss_at_peak},
                    {"after_settle", r.rss_after_settle}, {"peak", r.rss_peak_bytes}};
  j["ramp"] = {{"submitted", r.submitted},
               {"failed_and_replaced", r.failed_during_ramp},
               {"engine_peak_in_flight", r.engine_peak_in_flight},
               {"engine_peak_in_flight_hops", r.engine_peak_in_flight_hops}};
  j["settled"] = r.settled;
  const auto& m = r.after_settle;
  j["signatures"] = {{"made", m.signatures_made},
                     {"verified", m.signatures_verified},
                     {"made_opening", r.after_open.signatures_made},
                     {"verified_opening", r.after_open.signatures_verified}};
  j["rounds"] = m.rounds;
  j["proposals_committed"] = m.proposals_committed;
  j["max_batch"] = m.max_batch;
  j["protocol_errors"] = m.protocol_errors;
  j["wall_s"] = {{"generate", r.generate_s}, {"build", r.build_s}, {"open", r.open_s},    {"ramp", r.ramp_s},
                 {"settle", r.settle_s},     {"checks", r.checks_s}, {"total", r.total_s}};
  j["checks"] = {{"audit_conservation_ok", r.audit.conservation_ok},
                 {"audit_atomicity_ok", r.audit.atomicity_ok},
                 {"audit_forwarders_ok", r.audit.forwarders_ok},
                 {"audit_settled", r.audit.settled},
                 {"wealth_mismatches", r.wealth_mismatches},
                 {"total_wealth_ok", r.total_wealth_ok},
                 {"close_ran", r.close_ran},
                 {"closed", r.close.closed},
                 {"not_closed", r.close.not_closed},
                 {"close_bank_ok", r.close.bank_ok},
                 {"close_balances_ok", r.close.balances_ok},
                 {"unfinished", r.unfinished},
                 {"not_atomic", r.not_atomic},
                 {"problems", r.problems}};
  nlohmann::ordered_json samples = nlohmann::ordered_json::array();
  for (const auto& s : r.samples) samples.push_back({s.wall_s, s.left, s.right, s.phase});
  j["samples"] = {{"columns", {"wall_s", "payments_in_flight", "rss_gib", "phase"}}, {"rows", samples}};
  return j;
}

void print_summary(std::ostream& out, const concurrency_report& r) {
  char buf[256];
  auto line = [&](const char* fmt, auto... xs) {
    std::snprintf(buf, sizeof buf, fmt, xs...);
    out << buf << "\n";
  };
  constexpr double gib = 1024.0 * 1024.0 * 1024.0;
  out << "concurrency: " << r.topology << ", " << r.threads << " threads\n";
  line("  opened      %s channels in %.1f s (+ %.1f s building), %.0f bytes per channel",
       with_commas(r.channels).c_str(), r.open_s, r.build_s, r.bytes_per_channel);
  line("  ramp        %s payments held in flight at once (target %s) in %.1f s; %s HTLC hops (%.2f per payment)",
       with_commas(r.peak_in_flight).c_str(), with_commas(r.in_flight_target).c_str(), r.ramp_s,
       with_commas(r.peak_in_flight_hops).c_str(), r.average_hops);
  line("              %s submitted, %s failed on the way and replaced; %.0f bytes per in-flight HTLC hop",
       with_commas(r.submitted).c_str(), with_commas(r.failed_during_ramp).c_str(), r.bytes_per_htlc_hop);
  line("  settle      %s settled in %.2f s: %.0f payments/s, %.0f HTLC hops/s", with_commas(r.settled).c_str(),
       r.settle_s, r.settle_payments_per_s(), r.settle_hops_per_s());
  line("  memory      RSS peak %.2f GiB (after open %.2f GiB, at peak %.2f GiB)",
       static_cast<double>(r.rss_peak_bytes) / gib, static_cast<double>(r.rss_after_open) / gib,
       static_cast<double>(r.rss_at_peak) / gib);
  line("  signatures  %s made, %s verified", with_commas(r.after_settle.signatures_made).c_str(),
       with_commas(r.after_settle.signatures_verified).c_str());
  line("  checks      all_settled %s, conservation_ok %s, atomicity_ok %s, reached_target %s%s",
       r.all_settled ? "yes" : "NO", r.conservation_ok ? "yes" : "NO", r.atomicity_ok ? "yes" : "NO",
       r.reached_target ? "yes" : "NO", r.close_ran ? " (every channel closed on the bank)" : "");
  for (const auto& p : r.problems) out << "  problem: " << p << "\n";
}

}  // namespace clearway::tools::bench
