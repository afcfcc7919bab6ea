#include "routing/graph_snapshot.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "routing/graph_snapshot_boost.hpp"

namespace clearway::routing {

std::string_view to_string(snapshot_error e) noexcept {
  switch (e) {
    case snapshot_error::too_many_nodes: return "too_many_nodes";
    case snapshot_error::too_many_channels: return "too_many_channels";
    case snapshot_error::node_out_of_range: return "node_out_of_range";
    case snapshot_error::self_loop: return "self_loop";
    case snapshot_error::balance_exceeds_capacity: return "balance_exceeds_capacity";
  }
  return "unknown snapshot_error";
}

graph_snapshot::graph_snapshot() = default;
graph_snapshot::~graph_snapshot() = default;

namespace {

[[nodiscard]] status<snapshot_error> validate(const topology& topo) {
  constexpr std::uint64_t index_limit = std::numeric_limits<std::uint32_t>::max() - 1;
  if (topo.node_count > index_limit) return snapshot_error::too_many_nodes;
  // Directions are counted in 31 bits by the search's bookkeeping.
  if (2 * static_cast<std::uint64_t>(topo.channels.size()) >= (std::uint64_t{1} << 31) - 1) {
    return snapshot_error::too_many_channels;
  }
  for (const channel_spec& c : topo.channels) {
    if (c.ends.node1.value >= topo.node_count || c.ends.node2.value >= topo.node_count) {
      return snapshot_error::node_out_of_range;
    }
    if (c.ends.node1 == c.ends.node2) return snapshot_error::self_loop;
    auto both = c.direction[0].balance_hint.checked_add(c.direction[1].balance_hint);
    if (!both || *both > c.capacity) return snapshot_error::balance_exceeds_capacity;
  }
  return {};
}

}  // namespace

result<std::shared_ptr<const graph_snapshot>, snapshot_error> graph_snapshot::build(const topology& topo) {
  CW_CHECK(validate(topo));
  const std::uint32_t n = topo.node_count;
  const auto channel_count = static_cast<std::uint32_t>(topo.channels.size());
  const std::uint32_t edge_count = 2 * channel_count;

  std::shared_ptr<graph_snapshot> snap(new graph_snapshot());
  snap->node_count_ = n;
  snap->channels_.reserve(channel_count);
  snap->capacity_.reserve(channel_count);
  for (const channel_spec& c : topo.channels) {
    snap->channels_.push_back(c.ends);
    snap->capacity_.push_back(c.capacity);
  }

  // Rows: the reverse CSR groups directions by their `to` node, the forward adjacency by `from`.
  std::vector<std::uint32_t> in_rowstart(std::size_t{n} + 1, 0);
  std::vector<std::uint32_t> out_rowstart(std::size_t{n} + 1, 0);
  for (const channel_spec& c : topo.channels) {
    ++in_rowstart[c.ends.node2.value + 1];  // direction 0 ends at node2
    ++in_rowstart[c.ends.node1.value + 1];
    ++out_rowstart[c.ends.node1.value + 1];
    ++out_rowstart[c.ends.node2.value + 1];
  }
  for (std::uint32_t v = 0; v < n; ++v) {
    in_rowstart[v + 1] += in_rowstart[v];
    out_rowstart[v + 1] += out_rowstart[v];
  }
  auto ends_of = [&](std::uint32_t e) {
    const channel_spec& c = topo.channels[e / 2];
    return (e & 1u) == 0 ? std::pair{c.ends.node1.value, c.ends.node2.value}
                         : std::pair{c.ends.node2.value, c.ends.node1.value};
  };
  // Within a row: by neighbour, then edge index (so the search can find the directions u -> v by a
  // binary search in u's forward row).
  std::vector<std::uint32_t> in_order(edge_count);
  std::vector<std::uint32_t> out_order(edge_count);
  {
    std::vector<std::uint32_t> in_next(in_rowstart.begin(), in_rowstart.end() - 1);
    std::vector<std::uint32_t> out_next(out_rowstart.begin(), out_rowstart.end() - 1);
    for (std::uint32_t e = 0; e < edge_count; ++e) {
      const auto [from, to] = ends_of(e);
      in_order[in_next[to]++] = e;
      out_order[out_next[from]++] = e;
    }
  }
  for (std::uint32_t v = 0; v < n; ++v) {
    std::sort(in_order.begin() + in_rowstart[v], in_order.begin() + in_rowstart[v + 1],
              [&](std::uint32_t a, std::uint32_t b) { return std::pair(ends_of(a).first, a) < std::pair(ends_of(b).first, b); });
    std::sort(out_order.begin() + out_rowstart[v], out_order.begin() + out_rowstart[v + 1],
              [&](std::uint32_t a, std::uint32_t b) { return std::pair(ends_of(a).second, a) < std::pair(ends_of(b).second, b); });
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sorted_edges(edge_count);  // (row = to, column = from)
  std::vector<csr_edge_property> sorted_props(edge_count);
  snap->in_search_.resize(edge_count);
  snap->in_cold_.resize(edge_count);
  snap->in_enabled_.resize(edge_count);
  snap->position_of_edge_.resize(edge_count);
  for (std::uint32_t pos = 0; pos < edge_count; ++pos) {
    const std::uint32_t e = in_order[pos];
    const auto [from, to] = ends_of(e);
    sorted_edges[pos] = {to, from};
    sorted_props[pos] = csr_edge_property{e};
    const edge_policy& policy = topo.channels[e / 2].direction[e & 1u];
    snap->max_min_htlc_ = std::max(snap->max_min_htlc_, policy.min_htlc);
    snap->max_time_lock_delta_s_ = std::max(snap->max_time_lock_delta_s_, policy.time_lock_delta_s);
    const protocol::amount carry = std::min(policy.max_htlc, policy.balance_hint);
    snap->in_search_[pos] = search_edge{policy.min_htlc.base_units(), policy.enabled ? carry.base_units() : 0,
                                        policy.fee_base.base_units(), policy.fee_ppm, policy.time_lock_delta_s};
    snap->in_cold_[pos] = cold_edge{policy.max_htlc, policy.balance_hint};
    snap->in_enabled_[pos] = policy.enabled;
    snap->position_of_edge_[e] = pos;
  }
  in_order = {};
  snap->out_pos_.resize(edge_count);
  snap->out_to_.resize(edge_count);
  for (std::uint32_t i = 0; i < edge_count; ++i) {
    const std::uint32_t e = out_order[i];
    snap->out_pos_[i] = snap->position_of_edge_[e];
    snap->out_to_[i] = ends_of(e).second;
  }
  snap->out_rowstart_ = std::move(out_rowstart);
  snap->csr_ = std::make_unique<reverse_csr_storage>(reverse_csr_storage{
      reverse_csr_graph(boost::edges_are_sorted, sorted_edges.begin(), sorted_edges.end(), sorted_props.begin(), n,
                        edge_count)});
  // Raw views of Boost's CSR arrays (m_rowstart/m_column are public members; the bundled
  // properties are one contiguous vector reached through the first edge's descriptor).
  const reverse_csr_graph& g = snap->csr_->graph;
  snap->in_rowstart_ = g.m_forward.m_rowstart.data();
  snap->in_from_ = g.m_forward.m_column.data();
  if (edge_count > 0) snap->in_edge_ = &g[reverse_csr_graph::edge_descriptor(sorted_edges[0].first, 0)];
  return std::shared_ptr<const graph_snapshot>(std::move(snap));
}

std::pair<std::uint32_t, std::uint32_t> graph_snapshot::out_range(node_index u, node_index v) const noexcept {
  const std::uint32_t* first = out_to_.data() + out_rowstart_[u.value];
  const std::uint32_t* last = out_to_.data() + out_rowstart_[u.value + 1];
  const auto [lo, hi] = std::equal_range(first, last, v.value);
  const auto base = static_cast<std::uint32_t>(first - out_to_.data());
  return {base + static_cast<std::uint32_t>(lo - first), base + static_cast<std::uint32_t>(hi - first)};
}

edge_policy graph_snapshot::policy(edge_index e) const {
  const std::uint32_t pos = position_of_edge_[e.value];
  const search_edge& hot = in_search_[pos];
  const cold_edge& cold = in_cold_[pos];
  edge_policy p;
  p.fee_base = protocol::amount::from_base_units(hot.fee_base);
  p.min_htlc = protocol::amount::from_base_units(hot.min_htlc);
  p.max_htlc = cold.max_htlc;
  p.balance_hint = cold.balance_hint;
  p.capacity = capacity_[e.value / 2];
  p.fee_ppm = hot.fee_ppm;
  p.time_lock_delta_s = hot.time_lock_delta_s;
  p.enabled = in_enabled_[pos];
  return p;
}

std::size_t graph_snapshot::memory_bytes() const noexcept {
  const auto& fwd = csr_->graph.m_forward;
  return sizeof(*this) + sizeof(reverse_csr_storage) + fwd.m_rowstart.capacity() * sizeof(std::uint32_t) +
         fwd.m_column.capacity() * sizeof(std::uint32_t) + std::size_t{edge_count()} * sizeof(csr_edge_property) +
         in_search_.capacity() * sizeof(search_edge) + in_cold_.capacity() * sizeof(cold_edge) +
         in_enabled_.capacity() / 8 +
         capacity_.capacity() * sizeof(protocol::amount) + position_of_edge_.capacity() * sizeof(std::uint32_t) +
         out_rowstart_.capacity() * sizeof(std::uint32_t) + out_pos_.capacity() * sizeof(std::uint32_t) +
         out_to_.capacity() * sizeof(std::uint32_t) +
         channels_.capacity() * sizeof(channel_ends);
}

}  // namespace clearway::routing
