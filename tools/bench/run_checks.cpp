#include "tools/bench/run_checks.hpp"

#include <algorithm>
#include <numeric>

namespace clearway::tools::bench {

namespace {
constexpr std::size_t max_problems = 10;

void note(payment_checks& c, std::string what) {
  if (c.problems.size() < max_problems) c.problems.push_back(std::move(what));
}

// Empty when the succeeded payment's route is sound, else what is wrong with it.
std::string route_problem(const actors::payment_result& r) {
  const auto& route = r.route;
  if (route.empty()) return "no route";
  if (route.front().from != r.payer) return "the route does not start at the payer";
  if (route.back().to != r.payee) return "the route does not end at the payee";
  if (route.back().amount < r.amount) return "the payee's hop carries less than the amount";
  for (std::size_t i = 1; i < route.size(); ++i) {
    const auto& in = route[i - 1];
    const auto& out = route[i];
    const std::string hop = "hop " + std::to_string(i);
    if (in.to != out.from) return hop + " does not continue from the previous hop";
    if (out.amount > in.amount) return hop + " carries more than it received";
    if (in.time_lock_s < out.time_lock_s || in.time_lock_s - out.time_lock_s < out.time_lock_delta_s) {
      return hop + ": the incoming lock is not later than the outgoing lock by the forwarder's delta";
    }
  }
  return {};
}
}  // namespace

payment_checks check_payments(std::span<const actors::payment_result> results) {
  payment_checks c;
  for (const auto& r : results) {
    const std::string who = "payment " + std::to_string(r.id);
    if (r.status == actors::payment_status::pending) {
      ++c.unfinished;
      note(c, who + " never finished");
      continue;
    }
    if (!r.atomic) {
      ++c.not_atomic;
      note(c, who + " is not atomic");
    }
    if (r.status == actors::payment_status::succeeded) {
      if (auto p = route_problem(r); !p.empty()) {
        ++c.bad_routes;
        note(c, who + ": " + p);
      }
    }
  }
  return c;
}

std::vector<wide_int> expected_wealth(std::span<const std::uint64_t> node_deposits,
                                      std::span<const actors::payment_result> results) {
  std::vector<wide_int> w(node_deposits.begin(), node_deposits.end());
  auto add = [&](actors::node_id n, wide_int delta) {
    if (n < w.size()) w[n] += delta;
  };
  for (const auto& r : results) {
    if (r.status != actors::payment_status::succeeded || r.route.empty()) continue;
    add(r.route.front().from, -static_cast<wide_int>(r.route.front().amount));
    for (std::size_t i = 1; i < r.route.size(); ++i) {
      // The forwarder keeps what came in minus what went out: its fee.
      add(r.route[i].from, static_cast<wide_int>(r.route[i - 1].amount) - static_cast<wide_int>(r.route[i].amount));
    }
    add(r.route.back().to, static_cast<wide_int>(r.route.back().amount));
  }
  return w;
}

std::vector<actors::node_id> wealth_sample(std::span<const actors::payment_result> results, std::uint32_t node_count,
                                           std::uint32_t max_nodes) {
  std::vector<actors::node_id> out;
  if (node_count <= max_nodes) {
    out.resize(node_count);
    std::iota(out.begin(), out.end(), 0u);
    return out;
  }
  std::vector<std::uint64_t> activity(node_count, 0);
  for (const auto& r : results) {
    if (r.status != actors::payment_status::succeeded) continue;
    for (const auto& hop : r.route) {
      if (hop.from < node_count) ++activity[hop.from];
    }
    if (!r.route.empty() && r.route.back().to < node_count) ++activity[r.route.back().to];
  }
  std::vector<actors::node_id> by_activity(node_count);
  std::iota(by_activity.begin(), by_activity.end(), 0u);
  std::stable_sort(by_activity.begin(), by_activity.end(),
                   [&](actors::node_id a, actors::node_id b) { return activity[a] > activity[b]; });
  std::vector<bool> chosen(node_count, false);
  const std::uint32_t active = max_nodes / 2;
  for (std::uint32_t i = 0; i < active; ++i) chosen[by_activity[i]] = true;
  const std::uint32_t spread = max_nodes - active;
  for (std::uint32_t i = 0; i < spread; ++i) {
    chosen[static_cast<std::size_t>(static_cast<std::uint64_t>(i) * node_count / spread)] = true;
  }
  for (std::uint32_t n = 0; n < node_count; ++n) {
    if (chosen[n]) out.push_back(n);
  }
  return out;
}

}  // namespace clearway::tools::bench
