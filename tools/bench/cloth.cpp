#include "tools/bench/cloth.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "tools/bench/network_builder.hpp"

namespace clearway::tools::bench {

namespace {

// Streams of the seed (see derive_seed): distinct from workload.hpp's 1..3.
constexpr std::uint64_t faulty_stream = 101;
constexpr std::uint64_t endpoint_stream = 102;
constexpr std::uint64_t amount_stream = 103;
constexpr std::uint64_t arrival_stream = 104;
constexpr std::size_t window_count = 20;

}  // namespace

std::string_view to_string(cloth_category c) noexcept {
  switch (c) {
    case cloth_category::success: return "Success";
    case cloth_category::fail_no_path: return "FailNoPath";
    case cloth_category::fail_no_balance: return "FailNoBalance";
    case cloth_category::fail_offline_node: return "FailOfflineNode";
    case cloth_category::fail_timeout_expired: return "FailTimeoutExpired";
    case cloth_category::other: return "Other";
    case cloth_category::unfinished: return "Unfinished";
  }
  return "Unknown";
}

cloth_category cloth_category_of(actors::payment_status status, actors::failure_reason reason) noexcept {
  using actors::failure_reason;
  if (status == actors::payment_status::succeeded) return cloth_category::success;
  if (status == actors::payment_status::pending) return cloth_category::unfinished;
  switch (reason) {
    case failure_reason::no_path: return cloth_category::fail_no_path;
    case failure_reason::insufficient_balance: return cloth_category::fail_no_balance;
    case failure_reason::peer_failure: return cloth_category::fail_offline_node;
    case failure_reason::timeout: return cloth_category::fail_timeout_expired;
    case failure_reason::none:
    case failure_reason::time_lock:
    case failure_reason::fee_insufficient:
    case failure_reason::incorrect_details:
    case failure_reason::cancelled: return cloth_category::other;
  }
  return cloth_category::other;
}

std::string_view to_string(cloth_error e) noexcept {
  switch (e) {
    case cloth_error::too_few_nodes: return "too_few_nodes";
    case cloth_error::bad_rate: return "bad_rate";
    case cloth_error::bad_amount: return "bad_amount";
    case cloth_error::bad_probability: return "bad_probability";
  }
  return "unknown";
}

std::vector<std::uint8_t> cloth_faulty_nodes(std::uint32_t node_count, const cloth_params& p) {
  std::vector<std::uint8_t> faulty(node_count, 0);
  if (!(p.faulty_node_prob > 0)) return faulty;
  std::mt19937_64 rng(derive_seed(p.seed, faulty_stream));
  for (std::uint32_t i = 0; i < node_count; ++i) faulty[i] = uniform_unit(rng) < p.faulty_node_prob ? 1 : 0;
  return faulty;
}

result<std::vector<payment_request>, cloth_error> cloth_payments(std::span<const std::uint8_t> eligible, const cloth_params& p,
                                                                std::uint64_t start_ms) {
  if (!std::isfinite(p.payment_rate) || p.payment_rate <= 0) return cloth_error::bad_rate;
  if (!std::isfinite(p.average_payment_amount) || p.average_payment_amount < 1 ||
      !std::isfinite(p.variance_payment_amount) || p.variance_payment_amount < 0) {
    return cloth_error::bad_amount;
  }
  if (!(p.faulty_node_prob >= 0 && p.faulty_node_prob < 1)) return cloth_error::bad_probability;
  std::vector<std::uint32_t> nodes;
  for (std::uint32_t i = 0; i < eligible.size(); ++i) {
    if (eligible[i]) nodes.push_back(i);
  }
  if (nodes.size() < 2) return cloth_error::too_few_nodes;
  std::mt19937_64 endpoints(derive_seed(p.seed, endpoint_stream));
  std::mt19937_64 amounts(derive_seed(p.seed, amount_stream));
  std::mt19937_64 arrivals(derive_seed(p.seed, arrival_stream));
  std::vector<payment_request> out;
  out.reserve(p.n_payments);
  double clock_s = 0;
  for (std::uint64_t i = 0; i < p.n_payments; ++i) {
    payment_request r;
    r.payer = nodes[uniform_below(endpoints, nodes.size())];
    do {
      r.payee = nodes[uniform_below(endpoints, nodes.size())];
    } while (r.payee == r.payer);
    const double a = std::fabs(p.average_payment_amount + standard_normal(amounts) * p.variance_payment_amount);
    r.amount = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::min(std::llround(a), static_cast<long long>(
                                                                                                   INT64_MAX))));
    clock_s += exponential(arrivals, p.payment_rate);
    r.arrival_ms = start_ms + static_cast<std::uint64_t>(std::llround(clock_s * 1000.0));
    out.push_back(r);
  }
  return out;
}

bool cloth_report::passed() const noexcept {
  std::uint64_t total = 0;
  for (auto c : counts) total += c;
  return total == params.n_payments && count(cloth_category::unfinished) == 0 && verdict.passed();
}

result<cloth_report, scenario_error> run_cloth(const cloth_options& options, const loaded_topology& topology,
                                               progress_line& progress) {
  cloth_report rep;
  rep.topology = topology.label;
  rep.params = options.params;
  rep.knobs = options.knobs;
  rep.knobs.seed = options.params.seed;

  actors::engine e(engine_config_of(rep.knobs));
  const opened_network net = open_network(e, topology.network, progress);
  rep.nodes = net.stats.nodes;
  rep.channels_opened = net.stats.channels_opened;
  rep.build_s = net.build_s;
  rep.open_s = net.open_s;

  const std::vector<std::uint8_t> faulty = cloth_faulty_nodes(net.stats.nodes, options.params);
  std::vector<std::uint8_t> eligible(net.stats.nodes, 0);
  for (std::uint32_t n = 0; n < net.stats.nodes; ++n) {
    if (faulty[n]) {
      e.set_offline(n);
      ++rep.faulty_nodes;
    } else {
      eligible[n] = net.stats.node_capacity[n] > 0 ? 1 : 0;
    }
  }
  const std::uint64_t start_ms = e.now_ms();
  auto requests = cloth_payments(eligible, options.params, start_ms);
  if (!requests) {
    if (requests.error() == cloth_error::too_few_nodes) {
      return scenario_error{scenario_error::kind::data,
                            "fewer than two online nodes with an open channel: nobody to pay"};
    }
    return scenario_error{scenario_error::kind::usage,
                          "bad CLoTH parameters (" + std::string(to_string(requests.error())) + ")"};
  }

  progress.phase("paying " + with_commas(requests->size()) + " CLoTH payments");
  auto run = run_requests(e, *requests, progress);
  if (!run) return scenario_error{scenario_error::kind::software, run.error()};
  rep.payments_wall_s = run->wall_s;
  rep.virtual_ms = run->end_ms - run->start_ms;
  rep.drained = run->drained;
  rep.before = run->before;
  rep.after = run->after;

  const auto results = results_of(e, run->ids);
  if (results.size() != requests->size()) {
    return scenario_error{scenario_error::kind::software, "the engine lost the result of a payment"};
  }
  rep.outcome = summarize_outcome(results);
  const std::uint64_t span_ms = requests->empty() ? 1 : std::max<std::uint64_t>(1, requests->back().arrival_ms - start_ms + 1);
  const std::uint64_t window_ms = std::max<std::uint64_t>(1, (span_ms + window_count - 1) / window_count);
  rep.windows.resize((span_ms + window_ms - 1) / window_ms);
  for (std::size_t w = 0; w < rep.windows.size(); ++w) {
    rep.windows[w].start_s = static_cast<double>(w * window_ms) / 1000.0;
  }
  std::map<std::string, std::uint64_t> other;
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    const cloth_category c = cloth_category_of(r.status, r.reason);
    ++rep.counts[static_cast<std::size_t>(c)];
    if (c == cloth_category::other) ++other[std::string(actors::to_string(r.reason))];
    const std::uint64_t at = (*requests)[i].arrival_ms - start_ms;
    const std::size_t w = std::min<std::size_t>(at / window_ms, rep.windows.size() - 1);
    ++rep.windows[w].counts[static_cast<std::size_t>(c)];
  }
  rep.other_reasons.assign(other.begin(), other.end());

  progress.phase("checking: audit, every payment, cooperative close of every channel, every node's final wealth");
  stopwatch sw;
  rep.verdict = check_run(e, net.stats);
  rep.checks_s = sw.seconds();
  return rep;
}

}  // namespace clearway::tools::bench
