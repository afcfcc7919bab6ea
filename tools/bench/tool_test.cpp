// The dispatcher and the simulate command in-process: exit codes, messages, and a whole small run
// whose JSON report is checked for its invariants.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "tools/bench/subcommand.hpp"
#include "tools/bench/topology_source.hpp"

namespace clearway::tools::bench {
namespace {

namespace fs = std::filesystem;

struct run_output {
  int code = -1;
  std::string out;
  std::string err;
};

run_output run(std::vector<std::string_view> args) {
  std::ostringstream out;
  std::ostringstream err;
  tool_io io{out, err, false, executable_path("")};
  run_output r;
  r.code = run_tool(args, io);
  r.out = out.str();
  r.err = err.str();
  return r;
}

TEST(tool, without_a_subcommand_prints_the_list_and_exits_64) {
  auto r = run({});
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_NE(r.err.find("missing subcommand"), std::string::npos);
  EXPECT_NE(r.err.find("simulate"), std::string::npos);
  EXPECT_TRUE(r.out.empty());
}

TEST(tool, unknown_subcommand_is_a_usage_error_with_a_suggestion) {
  auto r = run({"simulat"});
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_NE(r.err.find("did you mean simulate?"), std::string::npos) << r.err;
}

TEST(tool, help_goes_to_stdout_and_exits_0) {
  for (auto args : std::vector<std::vector<std::string_view>>{{"--help"}, {"help"}, {"-h"}}) {
    auto r = run(args);
    EXPECT_EQ(r.code, exit_ok);
    EXPECT_NE(r.out.find("simulate"), std::string::npos);
  }
  auto s = run({"simulate", "--help"});
  EXPECT_EQ(s.code, exit_ok);
  for (const char* flag : {"--topology", "--payments", "--seed", "--rate", "--amount-median", "--amount-sigma",
                           "--receivers", "--json", "--threads", "--tick-ms", "--progress", "--data-dir"}) {
    EXPECT_NE(s.out.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(run({"help", "simulate"}).out, s.out);
  EXPECT_EQ(run({"help", "nothing"}).code, exit_usage);
}

TEST(tool, every_subcommand_answers_help) {
  for (const auto& s : subcommands()) {
    auto r = run({s.name, "--help"});
    EXPECT_EQ(r.code, exit_ok) << s.name;
    EXPECT_NE(r.out.find("usage: clearway-bench " + std::string(s.name)), std::string::npos) << s.name;
  }
}

TEST(tool, a_bad_flag_names_itself_then_the_usage) {
  auto r = run({"simulate", "--payments", "lots"});
  EXPECT_EQ(r.code, exit_usage);
  EXPECT_EQ(r.err.rfind("clearway-bench simulate: --payments: 'lots' is not a whole number\n", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("usage: clearway-bench simulate"), std::string::npos);
  auto t = run({"simulate", "--topology", "atlantis"});
  EXPECT_EQ(t.code, exit_usage);
  EXPECT_EQ(t.err.rfind("clearway-bench simulate: --topology: unknown topology 'atlantis'", 0), 0u) << t.err;
}

TEST(tool, simulate_runs_a_small_network_and_reports_checked_invariants) {
  const fs::path dir = fs::temp_directory_path() / ("clearway-bench-tool-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string json_path = (dir / "report.json").string();
  const std::string topology = (fs::path(CLEARWAY_BENCH_TESTDATA) / "diamond").string();
  auto r = run({"simulate", "--topology", topology, "--payments", "40", "--seed", "9", "--amount-median", "20000",
                "--threads", "1", "--json", json_path});
  ASSERT_EQ(r.code, exit_ok) << r.out << r.err;
  EXPECT_NE(r.out.find("conservation OK, atomicity OK"), std::string::npos) << r.out;

  std::ifstream in(json_path);
  ASSERT_TRUE(in) << json_path;
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("payments").get<std::uint64_t>(), 40u);
  std::uint64_t failed = 0;
  for (const auto& [name, count] : doc.at("failures").items()) failed += count.get<std::uint64_t>();
  EXPECT_EQ(doc.at("succeeded").get<std::uint64_t>() + failed, 40u);
  for (const char* reason : {"no_path", "insufficient_balance", "time_lock", "peer_failure"}) {
    EXPECT_TRUE(doc.at("failures").contains(reason)) << reason;
  }
  EXPECT_TRUE(doc.at("conservation_ok").get<bool>());
  EXPECT_TRUE(doc.at("atomicity_ok").get<bool>());
  EXPECT_TRUE(doc.at("checks").at("passed").get<bool>());
  EXPECT_EQ(doc.at("network").at("zero_sides_topped_up").get<std::uint64_t>(), 1u);
  EXPECT_EQ(doc.at("checks").at("wealth").at("nodes_checked").get<std::uint64_t>(), 5u);
  EXPECT_GT(doc.at("signatures").at("made").get<std::uint64_t>(), 0u);
  EXPECT_GT(doc.at("signatures").at("verified").get<std::uint64_t>(), 0u);
  EXPECT_LE(doc.at("latency_ms").at("p50").get<std::uint64_t>(), doc.at("latency_ms").at("p99").get<std::uint64_t>());
  const double rate = doc.at("success_rate").get<double>();
  EXPECT_DOUBLE_EQ(rate, static_cast<double>(doc.at("succeeded").get<std::uint64_t>()) / 40.0);
  fs::remove_all(dir);
}

TEST(tool, malformed_topology_files_exit_65) {
  const std::string topology = (fs::path(CLEARWAY_BENCH_TESTDATA) / "broken").string();
  auto r = run({"simulate", "--topology", topology});
  EXPECT_EQ(r.code, exit_data);
  EXPECT_NE(r.err.find("edges_ln.csv:4"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace clearway::tools::bench
