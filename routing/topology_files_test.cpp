#include "routing/topology_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "routing/graph_snapshot.hpp"

namespace clearway::routing {
namespace {

const std::filesystem::path ln_dir = std::filesystem::path(CLEARWAY_DATA_DIR) / "topologies" / "ln-2020-12";

TEST(TopologyFiles, LoadsTheRealNetwork) {
  auto topo = load_topology_dir(ln_dir);
  ASSERT_TRUE(topo) << to_string(topo.error());
  EXPECT_EQ(topo->node_count, 6006u);
  EXPECT_EQ(topo->channels.size(), 30457u);
  std::uint64_t capacity = 0;
  for (const channel_spec& c : topo->channels) capacity += c.capacity.base_units();
  EXPECT_NEAR(static_cast<double>(capacity) / 1e11, 1040.0, 5.0);  // ~1,040 BTC (1 BTC = 1e11 msat)
  // Channel 0 / edge 0 of the files: 0 -> 1, balance 4300909, fee 1000 + 1 ppm, min 1000, 144 blocks.
  const edge_policy& e0 = topo->channels[0].direction[0];
  EXPECT_EQ(topo->channels[0].ends.node1, node_index{0});
  EXPECT_EQ(topo->channels[0].ends.node2, node_index{1});
  EXPECT_EQ(e0.balance_hint.base_units(), 4'300'909u);
  EXPECT_EQ(e0.fee_base.base_units(), 1000u);
  EXPECT_EQ(e0.fee_ppm, 1u);
  EXPECT_EQ(e0.min_htlc.base_units(), 1000u);
  EXPECT_EQ(e0.time_lock_delta_s, 144u * 600u);
  EXPECT_EQ(topo->channels[0].direction[1].balance_hint.base_units(), 45'699'091u);

  auto snap = graph_snapshot::build(*topo);
  ASSERT_TRUE(snap);
  EXPECT_EQ((*snap)->node_count(), 6006u);
  EXPECT_EQ((*snap)->channel_count(), 30457u);
  EXPECT_EQ((*snap)->edge_count(), 60914u);
  std::printf("ln-2020-12 snapshot: %zu bytes\n", (*snap)->memory_bytes());
}

TEST(TopologyFiles, BothXzPathsGiveTheSameText) {
  auto tool = read_xz_with_tool(ln_dir / "channels_ln.csv.xz");
  ASSERT_TRUE(tool) << to_string(tool.error());
  EXPECT_EQ(tool->rfind("id,edge1_id,edge2_id,node1_id,node2_id,capacity\r\n", 0), 0u);  // CRLF files
  auto main = read_text_file(ln_dir / "channels_ln.csv.xz");
  ASSERT_TRUE(main);
  EXPECT_EQ(*main, *tool);
  if (!built_with_liblzma()) GTEST_SKIP() << "built without liblzma: both paths are the tool";
}

TEST(TopologyFiles, MissingAndCorruptFilesAreNamedErrors) {
  auto missing = load_topology_dir(ln_dir / "no-such-dir");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, load_error::cannot_open);
  EXPECT_EQ(missing.error().file, "nodes_ln.csv");

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("clearway-routing-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "junk.csv.xz") << "this is not xz"; }
  auto corrupt = read_text_file(dir / "junk.csv.xz");
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, load_error::decompress_failed);
  auto corrupt_tool = read_xz_with_tool(dir / "junk.csv.xz");
  ASSERT_FALSE(corrupt_tool);
  EXPECT_EQ(corrupt_tool.error().code, load_error::decompress_failed);
  EXPECT_EQ(read_xz_with_tool(dir / "absent.xz").error().code, load_error::cannot_open);

  // Plain .csv files are preferred and validated line by line like the rest.
  { std::ofstream(dir / "nodes_ln.csv") << "id\n0\n1\n"; }
  { std::ofstream(dir / "channels_ln.csv") << "id,edge1_id,edge2_id,node1_id,node2_id,capacity\n0,0,1,0,1,10\n"; }
  {
    std::ofstream(dir / "edges_ln.csv")
        << "id,channel_id,counter_edge_id,from_node_id,to_node_id,balance,fee_base,fee_proportional,min_htlc,timelock\n"
        << "0,0,1,0,1,5,0,0,0,1\n1,0,0,1,0,5,0,0,0\n";
  }
  auto bad = load_topology_dir(dir);
  ASSERT_FALSE(bad);
  EXPECT_EQ(to_string(bad.error()), "edges_ln.csv:3: wrong_column_count (expected 10 fields, got 9)");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clearway::routing
