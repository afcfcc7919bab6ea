// clearway-cli's argument typing: positional and key=value params become the typed request the
// daemon would parse; digits for a string param are retried as a string; bad params are named.
#include "tools/cli/cli_request.hpp"

#include <gtest/gtest.h>

namespace {

using namespace clearway;
using namespace clearway::cli;
namespace rpc = clearway::node::rpc;

const std::string node_hex = "02" + std::string(64, 'a');

TEST(CliRequest, ConnectForms) {
  auto a = build_request("connect", {node_hex + "@127.0.0.1:9735"}, 7);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->id, 7u);
  const auto& p = std::get<rpc::connect_params>(a->params);
  EXPECT_EQ(p.node_id[0], 0x02);
  EXPECT_EQ(p.address, (node::config::host_port{"127.0.0.1", 9735}));
  auto b = build_request("connect", {node_hex, "127.0.0.1:9735"}, 7);
  auto c = build_request("connect", {"address=127.0.0.1:9735", "node_id=" + node_hex}, 7);
  ASSERT_TRUE(b.has_value() && c.has_value());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*a, *c);
}

TEST(CliRequest, TypesFollowTheMethod) {
  auto inv = build_request("invoice", {"5000", "42"}, 1);
  ASSERT_TRUE(inv.has_value()) << inv.error().message;
  const auto& p = std::get<rpc::invoice_params>(inv->params);
  EXPECT_EQ(p.amount_msat.base_units(), 5000u);
  EXPECT_EQ(p.description, "42");  // digits, retried as the string the param wants
  // A hex id of digits with a leading zero is no JSON number: it stays the string it is.
  auto zeros = build_request("closechannel", {std::string(64, '0')}, 1);
  ASSERT_TRUE(zeros.has_value()) << zeros.error().message;
  EXPECT_EQ(std::get<rpc::closechannel_params>(zeros->params).channel_id, rpc::hash_bytes{});
  auto close = build_request("closechannel", {std::string(64, '1'), "true"}, 1);
  ASSERT_TRUE(close.has_value()) << close.error().message;
  EXPECT_TRUE(std::get<rpc::closechannel_params>(close->params).force);
  EXPECT_TRUE(build_request("getinfo", {}, 1).has_value());
}

TEST(CliRequest, RefusalsAreNamed) {
  struct bad {
    std::string method;
    std::vector<std::string> args;
    std::string name;
  };
  for (const auto& b : std::vector<bad>{
           {"nosuch", {}, "unknown_method"},
           {"nosuch", {"a", "b=c"}, "unknown_method"},
           {"getinfo", {"extra"}, "too many arguments"},
           {"connect", {"02zz@127.0.0.1:1"}, "bad_hex"},
           {"connect", {node_hex + "@nohost"}, "bad_address"},
           {"connect", {node_hex}, "missing_param"},
           {"invoice", {"-5"}, "wrong_param_type"},
           {"invoice", {"99999999999999999999999"}, "amount_overflow"},
           {"listpeers", {"foo=1"}, "unknown_param"},
           {"pay", {"invoice=a", "invoice=b"}, "given twice"},
           {"pay", {"\xff\xfe"}, "bad_utf8"},
       }) {
    auto r = build_request(b.method, b.args, 1);
    ASSERT_FALSE(r.has_value()) << b.method;
    EXPECT_NE(r.error().message.find(b.name), std::string::npos) << b.method << ": " << r.error().message;
  }
}

}  // namespace
