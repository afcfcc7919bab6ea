// The immutable channel graph the router searches: built once from a topology, then shared
// read-only as std::shared_ptr<const graph_snapshot> and replaced whole when the network changes.
//
// Storage: a Boost.Graph compressed_sparse_row_graph in *reverse* orientation (the CSR row of node v
// lists the directions u -> v that end at v), because the path search runs backwards from the payee.
// Its bundled edge property is the edge_index. The policies are stored once, in CSR order, split
// into what the search reads for every direction it examines (32 bytes) and the rest. A second,
// plain CSR lists each node's outgoing edges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "routing/topology.hpp"
#include "routing/types.hpp"

namespace clearway::routing {

enum class snapshot_error {
  too_many_nodes = 1,     // node_count must stay below 2^32 - 1
  too_many_channels,      // 2 * channels must stay below 2^31 - 1
  node_out_of_range,      // a channel names a node >= node_count
  self_loop,              // a channel from a node to itself
  balance_exceeds_capacity,  // the two balance hints add up to more than the capacity
};
[[nodiscard]] std::string_view to_string(snapshot_error e) noexcept;

struct reverse_csr_storage;  // the Boost CSR; see graph_snapshot_boost.hpp

// What the search reads of a direction, in CSR order.
struct search_edge {
  std::uint64_t min_htlc;
  std::uint64_t carry_max;  // min(max_htlc, balance_hint); 0 when disabled
  std::uint64_t fee_base;
  std::uint32_t fee_ppm;
  std::uint32_t time_lock_delta_s;
};

// Bundled property of a CSR edge: which direction of which channel it is (the edge_index value).
struct csr_edge_property {
  std::uint32_t edge = 0;
};

class graph_snapshot {
 public:
  // Validates `topo` and builds the snapshot: O(nodes + channels log degree).
  [[nodiscard]] static result<std::shared_ptr<const graph_snapshot>, snapshot_error> build(const topology& topo);

  graph_snapshot(const graph_snapshot&) = delete;
  graph_snapshot& operator=(const graph_snapshot&) = delete;
  ~graph_snapshot();

  [[nodiscard]] std::uint32_t node_count() const noexcept { return node_count_; }
  [[nodiscard]] std::uint32_t channel_count() const noexcept { return static_cast<std::uint32_t>(channels_.size()); }
  [[nodiscard]] std::uint32_t edge_count() const noexcept { return 2 * channel_count(); }
  [[nodiscard]] bool contains(node_index n) const noexcept { return n.value < node_count_; }
  [[nodiscard]] bool contains(channel_index c) const noexcept { return c.value < channels_.size(); }
  [[nodiscard]] bool contains(edge_index e) const noexcept { return e.value < edge_count(); }

  [[nodiscard]] const channel_ends& ends(channel_index c) const { return channels_[c.value]; }
  [[nodiscard]] node_index from(edge_index e) const {
    const channel_ends& c = channels_[e.value / 2];
    return direction_of(e) == 0 ? c.node1 : c.node2;
  }
  [[nodiscard]] node_index to(edge_index e) const {
    const channel_ends& c = channels_[e.value / 2];
    return direction_of(e) == 0 ? c.node2 : c.node1;
  }
  [[nodiscard]] edge_policy policy(edge_index e) const;
  [[nodiscard]] protocol::amount capacity(channel_index c) const { return capacity_[c.value]; }

  // Edges leaving `n` (n is their `from`), ordered by their `to` node, then edge index.
  class edge_range;
  [[nodiscard]] edge_range out_edges(node_index n) const;

  // --- the forward view: positions out_begin(u)..out_end(u) of out_position/out_to ---
  [[nodiscard]] std::uint32_t out_begin(node_index u) const noexcept { return out_rowstart_[u.value]; }
  [[nodiscard]] std::uint32_t out_end(node_index u) const noexcept { return out_rowstart_[u.value + 1]; }
  [[nodiscard]] std::uint32_t out_position(std::uint32_t i) const noexcept { return out_pos_[i]; }  // CSR position
  [[nodiscard]] std::uint32_t out_to(std::uint32_t i) const noexcept { return out_to_[i]; }
  // The forward indices [first, last) of the directions u -> v (binary search in u's row).
  [[nodiscard]] std::pair<std::uint32_t, std::uint32_t> out_range(node_index u, node_index v) const noexcept;

  // --- the search's view: positions [in_begin(v), in_end(v)) are the directions u -> v, by u ---
  [[nodiscard]] std::uint32_t in_begin(node_index v) const noexcept { return in_rowstart_[v.value]; }
  [[nodiscard]] std::uint32_t in_end(node_index v) const noexcept { return in_rowstart_[v.value + 1]; }
  [[nodiscard]] std::uint32_t in_from(std::uint32_t pos) const noexcept { return in_from_[pos]; }
  [[nodiscard]] edge_index in_edge(std::uint32_t pos) const noexcept { return edge_index{in_edge_[pos].edge}; }
  [[nodiscard]] const search_edge& in_search_edge(std::uint32_t pos) const noexcept { return in_search_[pos]; }
  [[nodiscard]] edge_policy in_policy(std::uint32_t pos) const { return policy(in_edge(pos)); }
  [[nodiscard]] std::uint64_t in_capacity(std::uint32_t pos) const noexcept {
    return capacity_[in_edge_[pos].edge / 2].base_units();
  }
  [[nodiscard]] std::uint32_t position_of(edge_index e) const { return position_of_edge_[e.value]; }

  // The Boost graph itself (reverse orientation), for Boost.Graph algorithms.
  [[nodiscard]] const reverse_csr_storage& boost_storage() const noexcept { return *csr_; }

  // Largest min_htlc and time_lock_delta_s over all directions (the search uses them to know
  // when a constraint cannot bind).
  [[nodiscard]] protocol::amount max_min_htlc() const noexcept { return max_min_htlc_; }
  [[nodiscard]] std::uint32_t max_time_lock_delta_s() const noexcept { return max_time_lock_delta_s_; }

  // Bytes held by this snapshot (vector capacities, the Boost CSR included).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  graph_snapshot();

  std::uint32_t node_count_ = 0;
  std::unique_ptr<reverse_csr_storage> csr_;
  const std::uint32_t* in_rowstart_ = nullptr;  // into csr_ (rows = `to` nodes)
  const std::uint32_t* in_from_ = nullptr;      // into csr_ (column = `from` node)
  const csr_edge_property* in_edge_ = nullptr;  // into csr_ (bundled edge property)
  struct cold_edge {  // the rest of a direction's policy (16 bytes; `enabled` is kept apart)
    protocol::amount max_htlc;
    protocol::amount balance_hint;
  };
  std::vector<search_edge> in_search_;          // CSR order
  std::vector<cold_edge> in_cold_;              // CSR order
  std::vector<bool> in_enabled_;                // CSR order
  std::vector<protocol::amount> capacity_;      // per channel
  std::vector<std::uint32_t> position_of_edge_;  // edge_index -> CSR position
  std::vector<std::uint32_t> out_rowstart_;
  std::vector<std::uint32_t> out_pos_;  // reverse-CSR position of each outgoing direction
  std::vector<std::uint32_t> out_to_;   // its `to` node
  std::vector<channel_ends> channels_;
  protocol::amount max_min_htlc_;
  std::uint32_t max_time_lock_delta_s_ = 0;
};

// The outgoing edges of a node, as edge indices (a view over the forward adjacency).
class graph_snapshot::edge_range {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = edge_index;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = edge_index;
    iterator() = default;
    iterator(const graph_snapshot* s, std::uint32_t i) : snap_(s), i_(i) {}
    edge_index operator*() const { return snap_->in_edge(snap_->out_pos_[i_]); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++i_;
      return old;
    }
    friend bool operator==(const iterator& a, const iterator& b) { return a.i_ == b.i_; }

   private:
    const graph_snapshot* snap_ = nullptr;
    std::uint32_t i_ = 0;
  };
  edge_range(const graph_snapshot* s, std::uint32_t b, std::uint32_t e) : snap_(s), begin_(b), end_(e) {}
  [[nodiscard]] iterator begin() const { return {snap_, begin_}; }
  [[nodiscard]] iterator end() const { return {snap_, end_}; }
  [[nodiscard]] std::size_t size() const { return end_ - begin_; }
  [[nodiscard]] bool empty() const { return begin_ == end_; }

 private:
  const graph_snapshot* snap_;
  std::uint32_t begin_;
  std::uint32_t end_;
};

inline graph_snapshot::edge_range graph_snapshot::out_edges(node_index n) const {
  return {this, out_rowstart_[n.value], out_rowstart_[n.value + 1]};
}

using snapshot_ptr = std::shared_ptr<const graph_snapshot>;

}  // namespace clearway::routing
