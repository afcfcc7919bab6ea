// The Boost.Graph type behind graph_snapshot, for code that wants to run Boost algorithms on it.
// Kept out of graph_snapshot.hpp so most includers do not pay for Boost.Graph's headers.
#pragma once

#include <cstdint>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "routing/graph_snapshot.hpp"

namespace clearway::routing {

// Directed CSR in reverse orientation: an edge v -> u of this graph is the channel direction u -> v.
using reverse_csr_graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, csr_edge_property,
                                                             boost::no_property, std::uint32_t, std::uint32_t>;

struct reverse_csr_storage {
  reverse_csr_graph graph;
};

}  // namespace clearway::routing
