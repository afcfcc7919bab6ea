// The flag parser: numbers, ranges, overflow, flag forms, and every kind of usage error.
#include "tools/bench/cli.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace clearway::tools::bench {
namespace {

TEST(parse_u64, accepts_plain_decimals_up_to_the_maximum) {
  EXPECT_EQ(parse_u64("0").value(), 0u);
  EXPECT_EQ(parse_u64("5000").value(), 5000u);
  EXPECT_EQ(parse_u64("18446744073709551615").value(), UINT64_MAX);
  EXPECT_EQ(parse_u64("007").value(), 7u);
}

TEST(parse_u64, rejects_everything_else) {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1e3", "0x10", "12x", "1.0", "1,000", "abc"}) {
    auto r = parse_u64(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), number_error::not_a_number) << bad;
  }
  for (const char* big : {"18446744073709551616", "99999999999999999999999"}) {
    auto r = parse_u64(big);
    ASSERT_FALSE(r) << big;
    EXPECT_EQ(r.error(), number_error::out_of_range) << big;
  }
}

TEST(parse_real, accepts_decimals_and_exponents) {
  EXPECT_DOUBLE_EQ(parse_real("2.5").value(), 2.5);
  EXPECT_DOUBLE_EQ(parse_real("1e6").value(), 1e6);
  EXPECT_DOUBLE_EQ(parse_real("0").value(), 0.0);
  EXPECT_DOUBLE_EQ(parse_real("-3").value(), -3.0);
}

TEST(parse_real, rejects_non_finite_and_malformed) {
  for (const char* bad : {"", "nan", "inf", "-inf", "infinity", "0x1p3", "1.2.3", "1e", "e5", "5 ", "abc"}) {
    EXPECT_FALSE(parse_real(bad)) << bad;
  }
  auto huge = parse_real("1e999");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error(), number_error::out_of_range);
}

TEST(closest_match, suggests_near_names_only) {
  const std::vector<std::string> names = {"--payments", "--seed", "--topology"};
  EXPECT_EQ(closest_match("--paymnts", names).value_or(""), "--payments");
  EXPECT_EQ(closest_match("--sed", names).value_or(""), "--seed");
  EXPECT_FALSE(closest_match("--completely-different", names));
}

struct fixture {
  std::uint64_t payments = 10;
  std::uint32_t threads = 2;
  double rate = 100;
  std::string json;
  std::string mode = "uniform";
  bool progress = false;
  std::string custom = "x";
  flag_set flags{"clearway-bench test", "a test command"};
  fixture() {
    flags.add_u64("--payments", "N", "how many", payments, 1, 1000)
        .add_u32("--threads", "N", "threads", threads, 1, 64)
        .add_real("--rate", "R", "rate", rate, 0.5, 1e6)
        .add_text("--json", "FILE", "report", json)
        .add_choice("--mode", "mode", mode, {"uniform", "capacity"})
        .add_switch("--progress", "progress", progress)
        .add_custom("--custom", "V", "custom", "x", [this](std::string_view v) -> std::optional<std::string> {
          if (v != "good") return std::string("must be good");
          custom = std::string(v);
          return std::nullopt;
        });
  }
  result<parse_outcome, usage_error> parse(std::vector<std::string_view> args) { return flags.parse(args); }
};

TEST(flag_set, parses_both_forms_and_keeps_defaults) {
  fixture f;
  auto r = f.parse(
      {"--payments", "200", "--rate=2.5", "--json", "out.json", "--mode=capacity", "--progress", "--custom", "good"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(*r, parse_outcome::run);
  EXPECT_EQ(f.payments, 200u);
  EXPECT_DOUBLE_EQ(f.rate, 2.5);
  EXPECT_EQ(f.json, "out.json");
  EXPECT_EQ(f.mode, "capacity");
  EXPECT_TRUE(f.progress);
  EXPECT_EQ(f.custom, "good");
  EXPECT_EQ(f.threads, 2u);  // untouched default
}

TEST(flag_set, help_wins_anywhere_before_a_double_dash) {
  fixture f;
  EXPECT_EQ(f.parse({"--payments", "5", "--help"}).value(), parse_outcome::help);
  EXPECT_EQ(f.parse({"-h"}).value(), parse_outcome::help);
  EXPECT_EQ(f.parse({"--payments", "abc", "--help"}).value(), parse_outcome::help);
}

// Each bad command line is an error whose message names the flag (or the stray word).
TEST(flag_set, every_usage_error_names_its_flag) {
  const std::vector<std::pair<std::vector<std::string_view>, std::string>> cases = {
      {{"--paymnts", "5"}, "--paymnts"},              // unknown, with a suggestion below
      {{"--payments"}, "--payments"},                 // missing value at the end
      {{"--payments", "--rate", "3"}, "--payments"},  // missing value before another flag
      {{"--payments", "abc"}, "--payments"},
      {{"--payments", "0"}, "--payments"},                     // below the range
      {{"--payments", "1001"}, "--payments"},                  // above the range
      {{"--payments", "99999999999999999999"}, "--payments"},  // overflow
      {{"--threads", "4294967296"}, "--threads"},              // beyond 32 bits
      {{"--rate", "0.1"}, "--rate"},
      {{"--rate", "nan"}, "--rate"},
      {{"--rate", "1e400"}, "--rate"},
      {{"--json", ""}, "--json"},
      {{"--mode", "everyone"}, "--mode"},
      {{"--progress=1"}, "--progress"},
      {{"--custom", "bad"}, "--custom"},
      {{"--payments", "5", "--payments", "6"}, "--payments"},  // repeated
      {{"stray"}, "stray"},
      {{"-x"}, "-x"},
  };
  for (const auto& [args, flag] : cases) {
    fixture f;
    auto r = f.parse(args);
    ASSERT_FALSE(r) << flag;
    EXPECT_NE(r.error().message.find(flag), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find('\n'), std::string::npos) << "one line: " << r.error().message;
  }
}

TEST(flag_set, unknown_flag_suggests_the_nearest) {
  fixture f;
  auto r = f.parse({"--paymnts", "5"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("did you mean --payments?"), std::string::npos) << r.error().message;
}

TEST(flag_set, trailing_double_dash_is_allowed_but_nothing_after_it) {
  fixture f;
  EXPECT_TRUE(f.parse({"--payments", "5", "--"}));
  fixture g;
  EXPECT_FALSE(g.parse({"--", "extra"}));
}

TEST(flag_set, usage_and_help_list_every_flag_with_its_default) {
  fixture f;
  const std::string usage = f.flags.usage();
  const std::string help = f.flags.help();
  EXPECT_EQ(usage.rfind("usage: clearway-bench test", 0), 0u) << usage;
  for (const char* name : {"--payments", "--threads", "--rate", "--json", "--mode", "--progress", "--custom"}) {
    EXPECT_NE(usage.find(name), std::string::npos) << name;
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
  EXPECT_NE(help.find("(default: 10)"), std::string::npos) << help;
  EXPECT_NE(help.find("(default: 100)"), std::string::npos) << help;
  EXPECT_NE(help.find("uniform|capacity"), std::string::npos) << help;
  for (std::size_t at = 0, next; (next = usage.find('\n', at)) != std::string::npos; at = next + 1) {
    EXPECT_LE(next - at, 100u) << "usage lines wrap at 100 columns";
  }
}

}  // namespace
}  // namespace clearway::tools::bench
