#include "tools/bench/report_json.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace clearway::tools::bench {

namespace {
using json = nlohmann::ordered_json;

json metrics_json(const actors::engine_metrics& m) {
  return json{{"signatures_made", m.signatures_made},
              {"signatures_verified", m.signatures_verified},
              {"key_derivations", m.key_derivations},
              {"rounds", m.rounds},
              {"proposals_committed", m.proposals_committed},
              {"max_batch", m.max_batch},
              {"htlc_hops", m.htlc_hops},
              {"route_requests", m.route_requests},
              {"on_chain_calls", m.on_chain_calls},
              {"protocol_errors", m.protocol_errors},
              {"ticks", m.ticks}};
}

// Counters of the payment phase alone (the run's totals minus what opening the channels cost).
std::uint64_t delta(std::uint64_t end, std::uint64_t start) { return end >= start ? end - start : 0; }
}  // namespace

json to_json(const simulate_report& r) {
  const auto& m = r.after_payments;
  const auto& o = r.after_open;
  const std::uint64_t rounds = delta(m.rounds, o.rounds);
  const std::uint64_t proposals = delta(m.proposals_committed, o.proposals_committed);
  json failures = json::object();
  for (const auto& [name, count] : r.failures) failures[name] = count;
  json problems = json::array();
  for (const auto& p : r.checks.problems) problems.push_back(p);

  json doc;
  doc["tool"] = "clearway-bench";
  doc["subcommand"] = "simulate";
  doc["topology"] = r.topology;
  doc["seed"] = r.workload.seed;
  doc["payments"] = r.payments;
  doc["succeeded"] = r.succeeded;
  doc["success_rate"] = r.success_rate();
  doc["failures"] = failures;
  doc["payments_per_s"] = r.payments_per_s();
  doc["latency_ms"] = {{"p50", r.latency_ms.p50},   {"p99", r.latency_ms.p99}, {"p999", r.latency_ms.p999},
                       {"mean", r.latency_ms.mean}, {"max", r.latency_ms.max}, {"count", r.latency_ms.count}};
  doc["signatures"] = {{"made", m.signatures_made},
                       {"verified", m.signatures_verified},
                       {"made_opening", o.signatures_made},
                       {"verified_opening", o.signatures_verified},
                       {"made_payments", delta(m.signatures_made, o.signatures_made)},
                       {"verified_payments", delta(m.signatures_verified, o.signatures_verified)}};
  doc["rounds"] = rounds;
  doc["average_batch"] = rounds > 0 ? static_cast<double>(proposals) / static_cast<double>(rounds) : 0.0;
  doc["max_batch"] = m.max_batch;
  doc["conservation_ok"] = r.checks.conservation_ok;
  doc["atomicity_ok"] = r.checks.atomicity_ok;
  doc["checks"] = {{"passed", r.checks.passed()},
                   {"forwarders_ok", r.checks.forwarders_ok},
                   {"routes_ok", r.checks.routes_ok},
                   {"all_finished", r.checks.all_finished},
                   {"unfinished", r.checks.unfinished},
                   {"not_atomic", r.checks.not_atomic},
                   {"bad_routes", r.checks.bad_routes},
                   {"audit",
                    {{"conservation_ok", r.checks.audit.conservation_ok},
                     {"atomicity_ok", r.checks.audit.atomicity_ok},
                     {"forwarders_ok", r.checks.audit.forwarders_ok},
                     {"settled", r.checks.audit.settled}}},
                   {"close",
                    {{"closed", r.checks.close.closed},
                     {"not_closed", r.checks.close.not_closed},
                     {"bank_ok", r.checks.close.bank_ok},
                     {"balances_ok", r.checks.close.balances_ok}}},
                   {"wealth",
                    {{"nodes_checked", r.checks.wealth_nodes_checked},
                     {"mismatches", r.checks.wealth_mismatches},
                     {"total_checked", r.checks.total_wealth_checked},
                     {"total_ok", r.checks.total_wealth_ok}}},
                   {"problems", problems}};
  doc["network"] = {{"nodes", r.nodes},
                    {"channels_in_topology", r.channels_in_topology},
                    {"channels_opened", r.channels_opened},
                    {"channels_refused", r.channels_refused},
                    {"zero_sides_topped_up", r.zero_sides_topped_up},
                    {"total_deposits", r.total_deposits}};
  doc["workload"] = {{"rate_per_s", r.workload.rate_per_s},
                     {"amount_median", r.workload.amount_median},
                     {"amount_sigma", r.workload.amount_sigma},
                     {"senders", "capacity"},
                     {"receivers", std::string(to_string(r.workload.receivers))}};
  doc["engine"] = {{"threads", r.threads},
                   {"tick_ms", r.tick_ms},
                   {"max_attempts", r.max_attempts},
                   {"commit_batch_size", r.commit_batch_size}};
  doc["amount_succeeded"] = r.amount_succeeded;
  doc["fees_paid"] = r.fees_paid;
  doc["average_hops"] = r.average_hops;
  doc["average_attempts"] = r.average_attempts;
  doc["virtual_s"] = static_cast<double>(r.virtual_ms) / 1000.0;
  doc["drained"] = r.drained;
  doc["peak_in_flight"] = {{"payments", m.peak_in_flight_payments}, {"htlc_hops", m.peak_in_flight_hops}};
  doc["wall_s"] = {{"load", r.load_s},         {"build", r.build_s},   {"open", r.open_s},
                   {"payments", r.payments_s}, {"checks", r.checks_s}, {"audit", r.audit_s},
                   {"close", r.close_s},       {"wealth", r.wealth_s}, {"total", r.total_s}};
  doc["metrics_after_open"] = metrics_json(o);
  doc["metrics_after_payments"] = metrics_json(m);
  return doc;
}

status<std::string> write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& doc) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "cannot create " + tmp.string() + ": " + std::strerror(errno);
    out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    out.flush();
    if (!out) return "cannot write " + tmp.string();
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot write " + path.string() + ": " + ec.message();
  }
  return {};
}

}  // namespace clearway::tools::bench
