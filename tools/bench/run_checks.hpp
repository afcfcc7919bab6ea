// The tool's own checks of a finished run, computed from the engine's per-payment results and
// final balances — never taken on trust. Pure functions of their inputs.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "actors/engine.hpp"

namespace clearway::tools::bench {

__extension__ typedef __int128 wide_int;  // NOLINT: signed sums of 64-bit amounts

struct payment_checks {
  std::uint64_t unfinished = 0;       // still pending when the run ended
  std::uint64_t not_atomic = 0;       // some hop fulfilled and some removed (PROTOCOL.md §10.4)
  std::uint64_t bad_routes = 0;       // a succeeded payment whose route breaks a rule below
  std::vector<std::string> problems;  // the first few, for people
  [[nodiscard]] bool atomic() const noexcept { return not_atomic == 0; }
};

// For every payment: finished, atomic. For every succeeded one, its last route: starts at the
// payer, ends at the payee, hops connect, the payee gets at least the amount, amounts never grow
// towards the payee, and each forwarder's incoming lock exceeds its outgoing lock by at least its
// delta (the article's decreasing time locks).
[[nodiscard]] payment_checks check_payments(std::span<const actors::payment_result> results);

// What each node should own once every channel is closed: its deposits, minus what it sent as a
// payer, plus what it received as a payee, plus the fees it earned forwarding. Signed, in base units.
[[nodiscard]] std::vector<wide_int> expected_wealth(std::span<const std::uint64_t> node_deposits,
                                                    std::span<const actors::payment_result> results);

// Which nodes' final wealth to compare with expected_wealth() when reading one node's wealth is
// costly (the engine inspects every channel per read): all nodes if there are at most
// `max_nodes`; otherwise the most active half (by appearances on succeeded routes, ties by id)
// and the rest spread evenly over the node ids. Sorted, no duplicates.
[[nodiscard]] std::vector<actors::node_id> wealth_sample(std::span<const actors::payment_result> results,
                                                         std::uint32_t node_count, std::uint32_t max_nodes);

}  // namespace clearway::tools::bench
