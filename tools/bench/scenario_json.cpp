#include "tools/bench/scenario_json.hpp"

namespace clearway::tools::bench {

using nlohmann::ordered_json;

ordered_json to_json(const engine_knobs& k) {
  ordered_json j;
  j["threads"] = k.threads;
  j["tick_ms"] = k.tick_ms;
  j["commit_batch_size"] = k.commit_batch_size;
  j["verify_on_pool"] = k.verify_on_pool;
  j["seed"] = k.seed;
  return j;
}

ordered_json to_json(const crypto_ceiling& c) {
  ordered_json j;
  j["signs_per_s_one_core"] = c.signs_per_s;
  j["verifies_per_s_one_core"] = c.verifies_per_s;
  j["signs_timed"] = c.signs;
  j["verifies_timed"] = c.verifies;
  j["cores"] = c.cores;
  return j;
}

ordered_json to_json(const payment_outcome& o) {
  ordered_json j;
  j["payments"] = o.payments;
  j["succeeded"] = o.succeeded;
  j["unfinished"] = o.unfinished;
  j["success_rate"] = o.success_rate();
  ordered_json f = ordered_json::object();
  for (const auto& [name, count] : o.failures) f[name] = count;
  j["failures"] = f;
  j["latency_ms"] = {{"count", o.latency_ms.count}, {"min", o.latency_ms.min},   {"p50", o.latency_ms.p50},
                     {"p90", o.latency_p90_ms},     {"p99", o.latency_ms.p99},   {"p999", o.latency_ms.p999},
                     {"max", o.latency_ms.max},     {"mean", o.latency_ms.mean}};
  j["average_hops"] = o.average_hops;
  j["average_attempts"] = o.average_attempts;
  j["fees"] = o.fees;
  j["amount_succeeded"] = o.amount_succeeded;
  return j;
}

ordered_json to_json(const run_verdict& v) {
  ordered_json j;
  j["passed"] = v.passed();
  j["conservation_ok"] = v.conservation_ok;
  j["atomicity_ok"] = v.atomicity_ok;
  j["routes_ok"] = v.routes_ok;
  j["all_finished"] = v.all_finished;
  j["forwarders_ok"] = v.audit.forwarders_ok;
  j["unfinished"] = v.payments.unfinished;
  j["not_atomic"] = v.payments.not_atomic;
  j["bad_routes"] = v.payments.bad_routes;
  j["channels_closed"] = v.close.closed;
  j["channels_not_closed"] = v.close.not_closed;
  j["bank_ok"] = v.close.bank_ok;
  j["accounts_ok"] = v.close.balances_ok;
  j["wealth_nodes_checked"] = v.wealth_nodes_checked;
  j["wealth_mismatches"] = v.wealth_mismatches;
  j["total_wealth_ok"] = v.total_wealth_ok;
  j["problems"] = v.problems;
  return j;
}

}  // namespace clearway::tools::bench
