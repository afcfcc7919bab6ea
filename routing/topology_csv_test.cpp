#include "routing/topology_csv.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clearway::routing {
namespace {

const std::string nodes = "id\n0\n1\n2\n";
const std::string channels =
    "id,edge1_id,edge2_id,node1_id,node2_id,capacity\n"
    "0,0,1,0,1,50000000\n"
    "1,2,3,2,1,20000000\n";
const std::string edges_header =
    "id,channel_id,counter_edge_id,from_node_id,to_node_id,balance,fee_base,fee_proportional,min_htlc,timelock\n";
const std::string edges = edges_header +
                          "0,0,1,0,1,4300909,1000,1,1000,144\n"
                          "1,0,0,1,0,45699091,1000,1,1000,144\n"
                          "2,1,3,2,1,842974,0,1,1000,40\n"
                          "3,1,2,1,2,19157026,1000,10,1,14\n";

TEST(TopologyCsv, ParsesAGoodNetwork) {
  auto t = parse_topology_csv(nodes, channels, edges);
  ASSERT_TRUE(t) << to_string(t.error());
  EXPECT_EQ(t->node_count, 3u);
  ASSERT_EQ(t->channels.size(), 2u);
  const channel_spec& c1 = t->channels[1];
  EXPECT_EQ(c1.ends.node1, node_index{2});
  EXPECT_EQ(c1.ends.node2, node_index{1});
  EXPECT_EQ(c1.capacity.base_units(), 20'000'000u);
  const edge_policy& p = c1.direction[1];  // edge 3: 1 -> 2
  EXPECT_EQ(p.balance_hint.base_units(), 19'157'026u);
  EXPECT_EQ(p.fee_base.base_units(), 1000u);
  EXPECT_EQ(p.fee_ppm, 10u);
  EXPECT_EQ(p.min_htlc.base_units(), 1u);
  EXPECT_EQ(p.max_htlc, c1.capacity);
  EXPECT_EQ(p.time_lock_delta_s, 14u * 600u);
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(c1.direction[0].time_lock_delta_s, 40u * 600u);
}

TEST(TopologyCsv, AcceptsCrlfAndBlankLines) {
  std::string crlf;
  for (char c : edges) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  EXPECT_TRUE(parse_topology_csv(nodes + "\n\n", channels, crlf));
}

struct bad_case {
  const char* name;
  std::string nodes;
  std::string channels;
  std::string edges;
  load_error code;
  std::string file;
  std::size_t line;
};

std::string replace_line(std::string text, std::size_t line, const std::string& with) {
  std::size_t start = 0;
  for (std::size_t i = 1; i < line; ++i) start = text.find('\n', start) + 1;
  const std::size_t end = text.find('\n', start);
  return text.replace(start, end - start, with);
}

TEST(TopologyCsv, EveryBadLineIsNamedWithFileAndLine) {
  const std::vector<bad_case> cases = {
      {"empty nodes", "", channels, edges, load_error::bad_header, "nodes_ln.csv", 0},
      {"nodes header", "ID\n0\n", channels, edges, load_error::bad_header, "nodes_ln.csv", 1},
      {"node id gap", "id\n0\n2\n", channels, edges, load_error::id_not_dense, "nodes_ln.csv", 3},
      {"node not a number", "id\n0\nx\n", channels, edges, load_error::not_a_number, "nodes_ln.csv", 3},
      {"node extra column", "id\n0\n1,5\n", channels, edges, load_error::wrong_column_count, "nodes_ln.csv", 3},
      {"channel columns", nodes, replace_line(channels, 3, "1,2,3,2,1"), edges, load_error::wrong_column_count,
       "channels_ln.csv", 3},
      {"channel negative", nodes, replace_line(channels, 2, "0,0,1,0,1,-5"), edges, load_error::not_a_number,
       "channels_ln.csv", 2},
      {"channel trailing junk", nodes, replace_line(channels, 2, "0,0,1,0,1,5x"), edges, load_error::not_a_number,
       "channels_ln.csv", 2},
      {"channel empty field", nodes, replace_line(channels, 2, "0,0,,0,1,5"), edges, load_error::not_a_number,
       "channels_ln.csv", 2},
      {"channel huge", nodes, replace_line(channels, 2, "0,0,1,0,1,99999999999999999999999"), edges,
       load_error::value_out_of_range, "channels_ln.csv", 2},
      {"channel unknown node", nodes, replace_line(channels, 3, "1,2,3,2,3,20000000"), edges,
       load_error::unknown_node, "channels_ln.csv", 3},
      {"channel self loop", nodes, replace_line(channels, 3, "1,2,3,1,1,20000000"), edges, load_error::self_loop,
       "channels_ln.csv", 3},
      {"channel id", nodes, replace_line(channels, 3, "5,2,3,2,1,20000000"), edges, load_error::id_not_dense,
       "channels_ln.csv", 3},
      {"edges header", nodes, channels, "id,channel\n", load_error::bad_header, "edges_ln.csv", 1},
      {"edge columns", nodes, channels, replace_line(edges, 4, "2,1,3,2,1,842974,0,1,1000"),
       load_error::wrong_column_count, "edges_ln.csv", 4},
      {"edge unknown channel", nodes, channels, replace_line(edges, 4, "2,9,3,2,1,842974,0,1,1000,40"),
       load_error::unknown_channel, "edges_ln.csv", 4},
      {"edge unknown node", nodes, channels, replace_line(edges, 4, "2,1,3,7,1,842974,0,1,1000,40"),
       load_error::unknown_node, "edges_ln.csv", 4},
      {"edge wrong ends", nodes, channels, replace_line(edges, 4, "2,1,3,1,2,842974,0,1,1000,40"),
       load_error::channel_edge_mismatch, "edges_ln.csv", 4},
      {"edge not in channel", nodes, channels, replace_line(edges, 2, "0,1,1,0,1,4300909,1000,1,1000,144"),
       load_error::channel_edge_mismatch, "edges_ln.csv", 2},
      {"counter edge", nodes, channels, replace_line(edges, 3, "1,0,2,1,0,45699091,1000,1,1000,144"),
       load_error::counter_edge_mismatch, "edges_ln.csv", 3},
      {"ppm too large", nodes, channels, replace_line(edges, 5, "3,1,2,1,2,19157026,1000,4294967296,1,14"),
       load_error::value_out_of_range, "edges_ln.csv", 5},
      {"timelock too large", nodes, channels, replace_line(edges, 5, "3,1,2,1,2,19157026,1000,10,1,9999999"),
       load_error::value_out_of_range, "edges_ln.csv", 5},
      {"balances above capacity", nodes, channels, replace_line(edges, 5, "3,1,2,1,2,19157027,1000,10,1,14"),
       load_error::balance_exceeds_capacity, "edges_ln.csv", 5},
      {"missing direction", nodes, channels, edges.substr(0, edges.rfind("3,1,2")), load_error::unknown_edge,
       "channels_ln.csv", 3},
  };
  for (const bad_case& c : cases) {
    auto t = parse_topology_csv(c.nodes, c.channels, c.edges);
    ASSERT_FALSE(t) << c.name;
    EXPECT_EQ(t.error().code, c.code) << c.name << ": " << to_string(t.error());
    EXPECT_EQ(t.error().file, c.file) << c.name;
    EXPECT_EQ(t.error().line, c.line) << c.name << ": " << to_string(t.error());
  }
}

TEST(TopologyCsv, MismatchedAndMissingEdgesAreNamed) {
  // Channel 1 lists edges 2 and 4, but edge 2 names 3 as its counter edge.
  std::string ch = replace_line(channels, 3, "1,2,4,2,1,20000000");
  auto t = parse_topology_csv(nodes, ch, edges);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, load_error::counter_edge_mismatch);
  EXPECT_EQ(t.error().line, 4u);
  // ... and with edge 2 fixed, edge 3 is not one of the channel's directions.
  t = parse_topology_csv(nodes, ch, replace_line(edges, 4, "2,1,4,2,1,842974,0,1,1000,40"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, load_error::channel_edge_mismatch);
  EXPECT_EQ(t.error().line, 5u);
  // A channel whose second edge id exists but belongs to another channel never gets that direction.
  std::string ch2 = "id,edge1_id,edge2_id,node1_id,node2_id,capacity\n0,0,1,0,1,50000000\n1,2,1,2,1,20000000\n";
  std::string ed2 = edges_header +
                    "0,0,1,0,1,4300909,1000,1,1000,144\n"
                    "1,0,0,1,0,45699091,1000,1,1000,144\n"
                    "2,1,1,2,1,842974,0,1,1000,40\n";
  t = parse_topology_csv(nodes, ch2, ed2);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, load_error::missing_edge) << to_string(t.error());
  EXPECT_EQ(t.error().line, 3u);
  EXPECT_EQ(to_string(t.error()), "channels_ln.csv:3: missing_edge (channel 1 edge 1)");
}

}  // namespace
}  // namespace clearway::routing
