// Parses a network in CLoTH's CSV format (nodes / channels / edges, see
// data/topologies/ln-2020-12/README.md). Pure: the text comes in as strings. Every line is checked;
// a bad one gives a named error with the file name and line number.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "routing/topology.hpp"

namespace clearway::routing {

enum class load_error {
  cannot_open = 1,           // a file is missing or unreadable
  decompress_failed,         // a .xz file could not be decompressed
  bad_header,                // the first line is not the expected column names
  wrong_column_count,
  not_a_number,              // a field is empty or not a decimal integer
  value_out_of_range,        // a number is too large for its field
  id_not_dense,              // row ids must be 0, 1, 2, ... in order
  unknown_node,              // a node id with no row in the nodes file
  unknown_channel,           // an edge names a channel with no row
  unknown_edge,              // a channel names an edge with no row
  channel_edge_mismatch,     // an edge is not one of its channel's two directions, or its ends disagree
  counter_edge_mismatch,     // counter_edge_id is not the channel's other direction
  missing_edge,              // a channel lacks one of its directions
  self_loop,                 // a channel from a node to itself
  balance_exceeds_capacity,  // the two directions' balances add up to more than the capacity
};
[[nodiscard]] std::string_view to_string(load_error e) noexcept;

struct load_failure {
  load_error code{};
  std::string file;       // e.g. "edges_ln.csv"
  std::size_t line = 0;   // 1-based (the header is line 1); 0 when it concerns the whole file
  std::string detail;     // what was wrong, for people
};
// "edges_ln.csv:17: wrong_column_count (expected 10 fields, got 9)"
[[nodiscard]] std::string to_string(const load_failure& f);

struct topology_csv_names {
  std::string nodes = "nodes_ln.csv";
  std::string channels = "channels_ln.csv";
  std::string edges = "edges_ln.csv";
};

// Units: msat stay base units; `timelock` blocks become time_lock_delta_s = blocks * 600; the format
// has no max_htlc, so it is the channel capacity; every direction is enabled.
[[nodiscard]] result<topology, load_failure> parse_topology_csv(std::string_view nodes_csv,
                                                                std::string_view channels_csv,
                                                                std::string_view edges_csv,
                                                                const topology_csv_names& names = {});

}  // namespace clearway::routing
