// --topology parsing and loading: named data sets, generated networks, directories, and errors.
#include "tools/bench/topology_source.hpp"

#include <gtest/gtest.h>

namespace clearway::tools::bench {
namespace {

namespace fs = std::filesystem;
const fs::path testdata = CLEARWAY_BENCH_TESTDATA;

TEST(topology_spec, classifies_the_three_forms) {
  auto named = parse_topology_spec("ln-2020-12");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->what, topology_spec::kind::named);
  EXPECT_EQ(named->name, "ln-2020-12");

  auto generated = parse_topology_spec("scale-free:1000");
  ASSERT_TRUE(generated);
  EXPECT_EQ(generated->what, topology_spec::kind::scale_free);
  EXPECT_EQ(generated->nodes, 1000u);

  for (const char* dir : {"./mine", "/data/net", "sub/dir", "../x"}) {
    auto d = parse_topology_spec(dir);
    ASSERT_TRUE(d) << dir;
    EXPECT_EQ(d->what, topology_spec::kind::directory) << dir;
  }
}

TEST(topology_spec, rejects_bad_text) {
  for (const char* bad : {"", "scale-free:", "scale-free:1", "scale-free:0", "scale-free:x", "scale-free:-5",
                          "scale-free:99999999999", "scale-free:10000001", "ln 2020", "what?"}) {
    EXPECT_FALSE(parse_topology_spec(bad)) << bad;
  }
  EXPECT_TRUE(parse_topology_spec("scale-free:2"));
  EXPECT_TRUE(parse_topology_spec("scale-free:10000000"));
}

TEST(topology_source, finds_ln_2020_12_in_the_source_tree) {
  auto dirs = data_dirs(std::nullopt, executable_path(""));
  ASSERT_FALSE(dirs.empty()) << "CLEARWAY_DATA_DIR is compiled in";
  auto t = load_topology(*parse_topology_spec("ln-2020-12"), dirs, 1);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->network.node_count, 6006u);
  EXPECT_EQ(t->network.channels.size(), 30457u);
  EXPECT_EQ(t->label, "ln-2020-12");
}

TEST(topology_source, a_data_dir_override_is_the_only_place_searched) {
  auto dirs = data_dirs(testdata, executable_path(""));
  ASSERT_EQ(dirs.size(), 1u);
  auto t = load_topology(*parse_topology_spec("ln-2020-12"), dirs, 1);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().what, topology_failure::kind::unknown);
  EXPECT_NE(t.error().message.find("unknown topology 'ln-2020-12'"), std::string::npos) << t.error().message;
  EXPECT_TRUE(data_dirs(testdata / "no-such-dir", executable_path("")).empty());
}

TEST(topology_source, loads_a_csv_directory) {
  topology_spec spec;
  spec.what = topology_spec::kind::directory;
  spec.directory = testdata / "diamond";
  auto t = load_topology(spec, {}, 1);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->network.node_count, 5u);
  EXPECT_EQ(t->network.channels.size(), 6u);
}

TEST(topology_source, malformed_files_are_data_errors_missing_ones_unknown) {
  topology_spec broken;
  broken.what = topology_spec::kind::directory;
  broken.directory = testdata / "broken";
  auto b = load_topology(broken, {}, 1);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().what, topology_failure::kind::bad_data);
  EXPECT_NE(b.error().message.find("edges_ln.csv:4"), std::string::npos) << b.error().message;

  topology_spec empty = broken;
  empty.directory = testdata;  // no CSV files here
  auto e = load_topology(empty, {}, 1);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().what, topology_failure::kind::unknown);

  topology_spec missing = broken;
  missing.directory = testdata / "no-such-dir";
  auto m = load_topology(missing, {}, 1);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().what, topology_failure::kind::unknown);
}

TEST(topology_source, tiny_scale_free_networks_still_connect) {
  for (std::uint32_t n : {2u, 3u, 4u, 5u}) {
    auto t = load_topology(*parse_topology_spec("scale-free:" + std::to_string(n)), {}, 1);
    ASSERT_TRUE(t) << n << ": " << t.error().message;
    EXPECT_EQ(t->network.node_count, n);
    EXPECT_GE(t->network.channels.size(), n - 1);
  }
}

TEST(topology_source, scale_free_is_seeded) {
  auto spec = *parse_topology_spec("scale-free:200");
  auto a = load_topology(spec, {}, 5);
  auto b = load_topology(spec, {}, 5);
  auto c = load_topology(spec, {}, 6);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->network.node_count, 200u);
  ASSERT_EQ(a->network.channels.size(), b->network.channels.size());
  bool same = true;
  for (std::size_t i = 0; i < a->network.channels.size(); ++i) {
    same = same && a->network.channels[i].ends == b->network.channels[i].ends &&
           a->network.channels[i].capacity == b->network.channels[i].capacity;
  }
  EXPECT_TRUE(same);
  bool differs = a->network.channels.size() != c->network.channels.size();
  for (std::size_t i = 0; !differs && i < a->network.channels.size(); ++i) {
    differs = !(a->network.channels[i].ends == c->network.channels[i].ends) ||
              a->network.channels[i].capacity != c->network.channels[i].capacity;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace clearway::tools::bench
