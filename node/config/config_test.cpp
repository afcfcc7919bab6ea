#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "node/config/node_config.hpp"

namespace {

using namespace clearway::node::config;

TEST(NodeConfig, EmptyFileGivesDefaults) {
  auto c = parse_config_file("a.conf", "");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->network, chain_network::embedded);
  EXPECT_EQ(c->rpc_socket, "clearwayd.sock");
  EXPECT_FALSE(c->rpc_listen.has_value());
  EXPECT_EQ(c->policy, forwarding_policy{});
  EXPECT_EQ(c->commit_batch_max, 64u);
  EXPECT_EQ(to_string(c->listen), "0.0.0.0:9735");
}

TEST(NodeConfig, FullFileParses) {
  const std::string text =
      "# a hub\n"
      "network = evm\n"
      "rpc_url = http://127.0.0.1:8545\n"
      "  data_dir=/var/lib/clearway  \n"
      "identity_key_file = /etc/clearway/node.key\n"
      "listen = [::]:9736\n"
      "\n"
      "rpc_listen = 127.0.0.1:9835\n"
      "rpc_token_file = /etc/clearway/token\r\n"
      "fee_base_msat = 0\n"
      "fee_ppm = 1000000\n"
      "time_lock_delta_s = 600\n"
      "min_htlc_msat = 1\n"
      "max_htlc_msat = 18446744073709551615\n"
      "max_accepted_htlcs = 30\n"
      "max_value_in_flight_msat = 5000000\n"
      "commit_batch_max = 10000\n"
      "log_level = debug\n"
      "metrics_listen = localhost:9100";
  auto c = parse_config_file("hub.conf", text);
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->network, chain_network::evm);
  EXPECT_EQ(c->rpc_url, "http://127.0.0.1:8545");
  EXPECT_EQ(c->data_dir, "/var/lib/clearway");
  EXPECT_EQ(c->listen, (host_port{"::", 9736}));
  ASSERT_TRUE(c->rpc_listen.has_value());
  EXPECT_EQ(*c->rpc_listen, (host_port{"127.0.0.1", 9835}));
  EXPECT_TRUE(c->rpc_socket.empty());
  EXPECT_EQ(c->rpc_token_file, "/etc/clearway/token");
  EXPECT_EQ(c->policy.fee_base_msat, 0u);
  EXPECT_EQ(c->policy.fee_ppm, 1'000'000u);
  EXPECT_EQ(c->policy.time_lock_delta_s, 600u);
  EXPECT_EQ(c->policy.max_htlc_msat, UINT64_MAX);
  EXPECT_EQ(c->policy.max_accepted_htlcs, 30u);
  EXPECT_EQ(c->policy.max_value_in_flight_msat, 5'000'000u);
  EXPECT_EQ(c->commit_batch_max, 10'000u);
  EXPECT_EQ(c->level, log_level::debug);
  ASSERT_TRUE(c->metrics_listen.has_value());
  EXPECT_EQ(c->metrics_listen->port, 9100);
  // Rendering and re-parsing gives the same config.
  auto again = parse_config_file("rendered", render_config(*c));
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(render_config(*again), render_config(*c));
}

struct bad_case {
  const char* text;
  config_error code;
  std::uint32_t line;
  const char* key;
};

TEST(NodeConfig, EveryBadLineIsNamed) {
  const bad_case cases[] = {
      {"fee_ppm = 1\nfoo = 2\n", config_error::unknown_key, 2, "foo"},
      {"fee_ppm = 1\n\nfee_ppm = 2\n", config_error::duplicate_key, 3, "fee_ppm"},
      {"# ok\nfee_ppm 5\n", config_error::missing_equals, 2, ""},
      {"= 5\n", config_error::empty_key, 1, ""},
      {"fee_ppm =\n", config_error::empty_value, 1, "fee_ppm"},
      {"data_dir =   \n", config_error::empty_value, 1, "data_dir"},
      {"fee_ppm = -1\n", config_error::bad_number, 1, "fee_ppm"},
      {"fee_ppm = +1\n", config_error::bad_number, 1, "fee_ppm"},
      {"fee_ppm = 1e3\n", config_error::bad_number, 1, "fee_ppm"},
      {"fee_ppm = 1 000\n", config_error::bad_number, 1, "fee_ppm"},
      {"fee_ppm = 0x10\n", config_error::bad_number, 1, "fee_ppm"},
      {"fee_base_msat = 18446744073709551616\n", config_error::number_overflow, 1, "fee_base_msat"},
      {"max_htlc_msat = 99999999999999999999999\n", config_error::number_overflow, 1, "max_htlc_msat"},
      {"fee_ppm = 1000001\n", config_error::out_of_range, 1, "fee_ppm"},
      {"fee_base_msat = 1000000000001\n", config_error::out_of_range, 1, "fee_base_msat"},
      {"time_lock_delta_s = 59\n", config_error::out_of_range, 1, "time_lock_delta_s"},
      {"time_lock_delta_s = 4294967296\n", config_error::out_of_range, 1, "time_lock_delta_s"},
      {"min_htlc_msat = 0\n", config_error::out_of_range, 1, "min_htlc_msat"},
      {"max_accepted_htlcs = 0\n", config_error::out_of_range, 1, "max_accepted_htlcs"},
      {"max_accepted_htlcs = 484\n", config_error::out_of_range, 1, "max_accepted_htlcs"},
      {"max_value_in_flight_msat = 0\n", config_error::out_of_range, 1, "max_value_in_flight_msat"},
      {"commit_batch_max = 0\n", config_error::out_of_range, 1, "commit_batch_max"},
      {"commit_batch_max = 10001\n", config_error::out_of_range, 1, "commit_batch_max"},
      {"network = bitcoin\n", config_error::bad_enum_value, 1, "network"},
      {"log_level = INFO\n", config_error::bad_enum_value, 1, "log_level"},
      {"listen = 9735\n", config_error::bad_host_port, 1, "listen"},
      {"listen = host:00\n", config_error::bad_host_port, 1, "listen"},
      {"rpc_listen = 127.0.0.1:0\n", config_error::bad_host_port, 1, "rpc_listen"},
      {"listen = host:65536\n", config_error::bad_host_port, 1, "listen"},
      {"listen = host:\n", config_error::bad_host_port, 1, "listen"},
      {"listen = :9735\n", config_error::bad_host_port, 1, "listen"},
      {"listen = ho st:9735\n", config_error::bad_host_port, 1, "listen"},
      {"listen = [::1:9735\n", config_error::bad_host_port, 1, "listen"},
      {"listen = [1:2:3:4:5:6:7:8:9]:9735\n", config_error::bad_host_port, 1, "listen"},
      {"listen = ::1:9735\n", config_error::bad_host_port, 1, "listen"},
      {"metrics_listen = a..b:1\n", config_error::bad_host_port, 1, "metrics_listen"},
      {"network = evm\nrpc_url = ftp://x\n", config_error::bad_url, 2, "rpc_url"},
      {"network = evm\nrpc_url = http://\n", config_error::bad_url, 2, "rpc_url"},
      {"fee_ppm = 1\x01\n", config_error::bad_character, 1, ""},
      {"[policy]\nfee_ppm = 1\n", config_error::section_not_supported, 1, ""},
      {"network = evm\n", config_error::missing_rpc_url, 1, "network"},
      {"rpc_url = http://127.0.0.1:8545\n", config_error::rpc_url_without_evm, 1, "rpc_url"},
      {"rpc_listen = 0.0.0.0:9835\n", config_error::rpc_not_loopback, 1, "rpc_listen"},
      {"rpc_listen = 10.0.0.1:9835\n", config_error::rpc_not_loopback, 1, "rpc_listen"},
      {"rpc_listen = 127.0.0.256:9835\n", config_error::rpc_not_loopback, 1, "rpc_listen"},
      {"rpc_listen = [::2]:9835\n", config_error::rpc_not_loopback, 1, "rpc_listen"},
      {"rpc_listen = 127.evil.com:9835\n", config_error::rpc_not_loopback, 1, "rpc_listen"},
      {"rpc_socket = /run/c.sock\nrpc_listen = 127.0.0.1:1\n", config_error::conflicting_rpc_endpoints, 2, "rpc_listen"},
      {"max_htlc_msat = 10\nmin_htlc_msat = 11\n", config_error::min_htlc_above_max, 2, "min_htlc_msat"},
      {"max_htlc_msat = 999\n", config_error::min_htlc_above_max, 0, "min_htlc_msat"},
  };
  for (const auto& bad : cases) {
    auto c = parse_config_file("bad.conf", bad.text);
    ASSERT_FALSE(c.has_value()) << bad.text;
    EXPECT_EQ(c.error().code, bad.code) << bad.text << " -> " << c.error().message();
    EXPECT_EQ(c.error().line, bad.line) << bad.text;
    EXPECT_EQ(c.error().key, bad.key) << bad.text;
    EXPECT_EQ(c.error().source, bad.line == 0 ? "<default>" : "bad.conf") << bad.text;
    EXPECT_NE(to_string(c.error().code), "unknown_config_error");
  }
}

TEST(NodeConfig, MessageNamesFileLineAndProblem) {
  auto c = parse_config_file("/etc/clearwayd.conf", "\n\nfee_ppm = 2000000\n");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().message(), "/etc/clearwayd.conf:3: fee_ppm: out_of_range (must be 0..1000000)");
}

TEST(NodeConfig, TooLongLineAndFileAreRefused) {
  std::string long_line = "data_dir = " + std::string(max_config_line_bytes, 'a') + "\n";
  auto c = parse_config_file("f", long_line);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, config_error::line_too_long);
  std::string big(max_config_file_bytes + 1, '#');
  auto d = parse_config_file("f", big);
  ASSERT_FALSE(d.has_value());
  EXPECT_EQ(d.error().code, config_error::file_too_large);
}

TEST(NodeConfig, ValidAddressesAccepted) {
  for (const char* text : {"a:1", "127.0.0.1:65535", "[::1]:9735", "[fe80::1:2]:1", "node-1.example.com:9735",
                           "[1:2:3:4:5:6:7:8]:2"}) {
    EXPECT_TRUE(parse_host_port(text).has_value()) << text;
  }
  EXPECT_TRUE(is_loopback(*parse_host_port("[::1]:1")));
  EXPECT_TRUE(is_loopback(*parse_host_port("127.1.2.3:1")));
  EXPECT_TRUE(is_loopback(*parse_host_port("localhost:1")));
  EXPECT_FALSE(is_loopback(*parse_host_port("128.0.0.1:1")));
}

TEST(NodeConfig, FlagsOverrideTheFile) {
  const std::vector<std::string_view> flags = {"--fee_ppm=7", "--log_level", "warn", "--rpc_listen=[::1]:9000"};
  auto c = load_config("f.conf", "fee_ppm = 5\nfee_base_msat = 3\n", flags);
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->policy.fee_ppm, 7u);
  EXPECT_EQ(c->policy.fee_base_msat, 3u);
  EXPECT_EQ(c->level, log_level::warn);
  EXPECT_EQ(c->rpc_listen->host, "::1");
}

TEST(NodeConfig, BadFlagsAreNamedWithTheirIndex) {
  struct flag_case {
    std::vector<std::string_view> flags;
    config_error code;
    std::uint32_t index;
  };
  const flag_case cases[] = {
      {{"fee_ppm=1"}, config_error::bad_flag, 1},
      {{"--fee_ppm=1", "-x"}, config_error::bad_flag, 2},
      {{"--=3"}, config_error::bad_flag, 1},
      {{"--nope=1"}, config_error::unknown_key, 1},
      {{"--nope", "1"}, config_error::unknown_key, 1},
      {{"--fee_ppm"}, config_error::missing_flag_value, 1},
      {{"--fee_ppm=1", "--fee_ppm", "2"}, config_error::duplicate_key, 2},
      {{"--fee_ppm=abc"}, config_error::bad_number, 1},
      {{"--listen", "x"}, config_error::bad_host_port, 1},
  };
  for (const auto& bad : cases) {
    auto c = load_config("f.conf", "", bad.flags);
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, bad.code) << c.error().message();
    EXPECT_EQ(c.error().line, bad.index) << c.error().message();
    EXPECT_EQ(c.error().source, "<command line>");
  }
  // A flag can complete what the file lacks: evm in the file, rpc_url on the command line.
  const std::vector<std::string_view> url = {"--rpc_url=https://rpc.example.com/v1"};
  EXPECT_TRUE(load_config("f.conf", "network = evm\n", url).has_value());
  for (const char* good : {"http://[::1]:8545", "http://[::1]", "https://rpc.example.com", "http://h:1/a/b"}) {
    EXPECT_TRUE(load_config("f.conf", std::string("network = evm\nrpc_url = ") + good + "\n", {}).has_value()) << good;
  }
  for (const char* bad : {"http://[::1", "http://h:0", "http://h:x", "http://a b"}) {
    auto c = load_config("f.conf", std::string("network = evm\nrpc_url = ") + bad + "\n", {});
    ASSERT_FALSE(c.has_value()) << bad;
    EXPECT_EQ(c.error().code, config_error::bad_url) << bad;
  }
}

TEST(NodeConfig, EveryErrorHasAName) {
  for (int e = 1; e <= static_cast<int>(config_error::missing_flag_value); ++e) {
    EXPECT_NE(to_string(static_cast<config_error>(e)), "unknown_config_error") << e;
  }
}

}  // namespace

// Listening addresses may ask for any free port (the daemon reports the bound one); the RPC
// address and a connect address may not.
TEST(NodeConfig, ListenPortZeroMeansAnyFreePort) {
  auto c = parse_config_file("any.conf", "listen = 127.0.0.1:0\nmetrics_listen = [::1]:0\n");
  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->listen, (host_port{"127.0.0.1", 0}));
  EXPECT_EQ(*c->metrics_listen, (host_port{"::1", 0}));
  auto again = parse_config_file("rendered", render_config(*c));
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->listen.port, 0);
  EXPECT_FALSE(parse_host_port("127.0.0.1:0").has_value());
  EXPECT_TRUE(parse_listen_host_port("127.0.0.1:0").has_value());
  EXPECT_FALSE(parse_listen_host_port("127.0.0.1:00").has_value());
  EXPECT_FALSE(parse_listen_host_port(":0").has_value());
}
