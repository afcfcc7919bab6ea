#include "routing/topology_csv.hpp"

#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <vector>

namespace clearway::routing {

std::string_view to_string(load_error e) noexcept {
  switch (e) {
    case load_error::cannot_open: return "cannot_open";
    case load_error::decompress_failed: return "decompress_failed";
    case load_error::bad_header: return "bad_header";
    case load_error::wrong_column_count: return "wrong_column_count";
    case load_error::not_a_number: return "not_a_number";
    case load_error::value_out_of_range: return "value_out_of_range";
    case load_error::id_not_dense: return "id_not_dense";
    case load_error::unknown_node: return "unknown_node";
    case load_error::unknown_channel: return "unknown_channel";
    case load_error::unknown_edge: return "unknown_edge";
    case load_error::channel_edge_mismatch: return "channel_edge_mismatch";
    case load_error::counter_edge_mismatch: return "counter_edge_mismatch";
    case load_error::missing_edge: return "missing_edge";
    case load_error::self_loop: return "self_loop";
    case load_error::balance_exceeds_capacity: return "balance_exceeds_capacity";
  }
  return "unknown load_error";
}

std::string to_string(const load_failure& f) {
  // Built with append (GCC 12 warns falsely on `"literal" + std::string&&`).
  std::string out = f.file;
  if (f.line != 0) out.append(":").append(std::to_string(f.line));
  out.append(": ").append(to_string(f.code));
  if (!f.detail.empty()) out.append(" (").append(f.detail).append(")");
  return out;
}

namespace {

constexpr std::size_t max_fields = 10;

// Walks a CSV text line by line (LF or CRLF), numbering lines from 1; blank lines are skipped.
class line_reader {
 public:
  explicit line_reader(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    while (offset_ < text_.size()) {
      const std::size_t end = text_.find('\n', offset_);
      const std::size_t stop = end == std::string_view::npos ? text_.size() : end;
      line = text_.substr(offset_, stop - offset_);
      offset_ = stop + 1;
      ++number_;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) return true;
    }
    return false;
  }
  [[nodiscard]] std::size_t number() const noexcept { return number_; }

 private:
  std::string_view text_;
  std::size_t offset_ = 0;
  std::size_t number_ = 0;
};

// Reads one file's rows as integers, with uniform error reporting (file name + line number).
class csv_file {
 public:
  csv_file(std::string_view text, const std::string& name, std::string_view header, std::size_t columns)
      : reader_(text), name_(name), header_(header), columns_(columns) {}

  [[nodiscard]] status<load_failure> read_header() {
    std::string_view line;
    if (!reader_.next(line)) return load_failure{load_error::bad_header, name_, 0, "empty file"};
    if (line != header_) return fail(load_error::bad_header, "expected '" + std::string(header_) + "'");
    return {};
  }

  // The next row's fields, std::nullopt-like false at the end of the file; errors go to `error`.
  [[nodiscard]] bool next(std::array<std::uint64_t, max_fields>& fields, std::optional<load_failure>& error) {
    std::string_view line;
    if (!reader_.next(line)) return false;
    std::array<std::string_view, max_fields> text{};
    std::size_t count = 0;
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      if (count < max_fields) text[count] = line.substr(start, comma == line.npos ? line.npos : comma - start);
      ++count;
      if (comma == line.npos) break;
      start = comma + 1;
    }
    if (count != columns_) {
      error = fail(load_error::wrong_column_count,
                   "expected " + std::to_string(columns_) + " fields, got " + std::to_string(count));
      return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view field = text[i];
      const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), fields[i]);
      if (ec == std::errc::result_out_of_range) {
        error = fail(load_error::value_out_of_range, "field " + std::to_string(i + 1) + " '" + std::string(field) + "'");
        return false;
      }
      if (field.empty() || ec != std::errc{} || ptr != field.data() + field.size()) {
        error = fail(load_error::not_a_number, "field " + std::to_string(i + 1) + " '" + std::string(field) + "'");
        return false;
      }
    }
    return true;
  }

  [[nodiscard]] load_failure fail(load_error code, std::string detail) const {
    return load_failure{code, name_, reader_.number(), std::move(detail)};
  }
  [[nodiscard]] load_failure fail(load_error code, std::string detail, std::size_t line) const {
    return load_failure{code, name_, line, std::move(detail)};
  }
  [[nodiscard]] std::size_t line() const noexcept { return reader_.number(); }

 private:
  line_reader reader_;
  const std::string& name_;
  std::string_view header_;
  std::size_t columns_;
};

struct channel_row {
  std::uint64_t edge1 = 0;
  std::uint64_t edge2 = 0;
  std::size_t line = 0;
  std::array<bool, 2> seen{false, false};
};

}  // namespace

result<topology, load_failure> parse_topology_csv(std::string_view nodes_csv, std::string_view channels_csv,
                                                  std::string_view edges_csv, const topology_csv_names& names) {
  topology topo;
  std::array<std::uint64_t, max_fields> f{};
  auto id_check = [](const csv_file& file, std::uint64_t id, std::uint64_t expected) -> status<load_failure> {
    if (id != expected) {
      return file.fail(load_error::id_not_dense,
                       "id " + std::to_string(id) + ", expected " + std::to_string(expected));
    }
    return {};
  };

  // --- nodes ---
  csv_file nodes(nodes_csv, names.nodes, "id", 1);
  CW_CHECK(nodes.read_header());
  std::optional<load_failure> error;
  std::uint64_t node_count = 0;
  while (nodes.next(f, error)) {
    CW_CHECK(id_check(nodes, f[0], node_count));
    if (++node_count >= std::numeric_limits<std::uint32_t>::max()) {
      return nodes.fail(load_error::value_out_of_range, "too many nodes");
    }
  }
  if (error) return *error;
  topo.node_count = static_cast<std::uint32_t>(node_count);

  // --- channels ---
  csv_file channels(channels_csv, names.channels, "id,edge1_id,edge2_id,node1_id,node2_id,capacity", 6);
  CW_CHECK(channels.read_header());
  std::vector<channel_row> rows;
  while (channels.next(f, error)) {
    CW_CHECK(id_check(channels, f[0], rows.size()));
    if (rows.size() >= (std::numeric_limits<std::uint32_t>::max() - 1) / 2) {
      return channels.fail(load_error::value_out_of_range, "too many channels");
    }
    for (std::size_t i : {3u, 4u}) {
      if (f[i] >= node_count) return channels.fail(load_error::unknown_node, "node " + std::to_string(f[i]));
    }
    if (f[3] == f[4]) return channels.fail(load_error::self_loop, "node " + std::to_string(f[3]));
    if (f[1] == f[2]) return channels.fail(load_error::channel_edge_mismatch, "edge1_id == edge2_id");
    channel_spec spec;
    spec.ends = channel_ends{node_index{static_cast<std::uint32_t>(f[3])}, node_index{static_cast<std::uint32_t>(f[4])}};
    spec.capacity = protocol::amount::from_base_units(f[5]);
    topo.channels.push_back(spec);
    rows.push_back(channel_row{f[1], f[2], channels.line(), {false, false}});
  }
  if (error) return *error;

  // --- edges ---
  csv_file edges(edges_csv, names.edges,
                 "id,channel_id,counter_edge_id,from_node_id,to_node_id,balance,fee_base,fee_proportional,min_htlc,"
                 "timelock",
                 10);
  CW_CHECK(edges.read_header());
  std::uint64_t edge_count = 0;
  while (edges.next(f, error)) {
    CW_CHECK(id_check(edges, f[0], edge_count));
    ++edge_count;
    const std::uint64_t id = f[0];
    if (f[1] >= rows.size()) return edges.fail(load_error::unknown_channel, "channel " + std::to_string(f[1]));
    for (std::size_t i : {3u, 4u}) {
      if (f[i] >= node_count) return edges.fail(load_error::unknown_node, "node " + std::to_string(f[i]));
    }
    channel_row& row = rows[f[1]];
    channel_spec& spec = topo.channels[f[1]];
    unsigned direction = 0;
    if (row.edge1 == id) {
      direction = 0;
    } else if (row.edge2 == id) {
      direction = 1;
    } else {
      return edges.fail(load_error::channel_edge_mismatch,
                        "channel " + std::to_string(f[1]) + " does not list edge " + std::to_string(id));
    }
    const node_index from = direction == 0 ? spec.ends.node1 : spec.ends.node2;
    const node_index to = direction == 0 ? spec.ends.node2 : spec.ends.node1;
    if (f[3] != from.value || f[4] != to.value) {
      return edges.fail(load_error::channel_edge_mismatch, "ends " + std::to_string(f[3]) + "->" +
                                                               std::to_string(f[4]) + " differ from the channel's");
    }
    const std::uint64_t counter = direction == 0 ? row.edge2 : row.edge1;
    if (f[2] != counter) {
      return edges.fail(load_error::counter_edge_mismatch,
                        "counter_edge_id " + std::to_string(f[2]) + ", expected " + std::to_string(counter));
    }
    row.seen[direction] = true;
    if (f[7] > std::numeric_limits<std::uint32_t>::max()) {
      return edges.fail(load_error::value_out_of_range, "fee_proportional " + std::to_string(f[7]));
    }
    if (f[9] > std::numeric_limits<std::uint32_t>::max() / seconds_per_block) {
      return edges.fail(load_error::value_out_of_range, "timelock " + std::to_string(f[9]));
    }
    edge_policy& p = spec.direction[direction];
    p.balance_hint = protocol::amount::from_base_units(f[5]);
    p.fee_base = protocol::amount::from_base_units(f[6]);
    p.fee_ppm = static_cast<std::uint32_t>(f[7]);
    p.min_htlc = protocol::amount::from_base_units(f[8]);
    p.max_htlc = spec.capacity;
    p.capacity = spec.capacity;
    p.time_lock_delta_s = static_cast<std::uint32_t>(f[9]) * seconds_per_block;
    p.enabled = true;
    if (row.seen[0] && row.seen[1]) {
      auto both = spec.direction[0].balance_hint.checked_add(spec.direction[1].balance_hint);
      if (!both || *both > spec.capacity) {
        return edges.fail(load_error::balance_exceeds_capacity, "channel " + std::to_string(f[1]));
      }
    }
  }
  if (error) return *error;
  for (std::size_t c = 0; c < rows.size(); ++c) {
    if (!rows[c].seen[0] || !rows[c].seen[1]) {
      const std::uint64_t missing = rows[c].seen[0] ? rows[c].edge2 : rows[c].edge1;
      const load_error code = missing >= edge_count ? load_error::unknown_edge : load_error::missing_edge;
      return channels.fail(code, "channel " + std::to_string(c) + " edge " + std::to_string(missing), rows[c].line);
    }
  }
  return topo;
}

}  // namespace clearway::routing
