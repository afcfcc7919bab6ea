#include <gtest/gtest.h>

#include <string>

#include "node/rpc/rpc_codec.hpp"

namespace {

using namespace clearway::node::rpc;

constexpr std::string_view token = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
const std::string node_id = "02" + std::string(64, 'a');
const std::string hash32 = std::string(62, 'b') + "Cd";

std::string req(const std::string& method, const std::string& params) {
  return R"({"id":7,"token":")" + std::string(token) + R"(","method":")" + method + R"(","params":)" + params + "}";
}

TEST(RpcCodec, ParsesEveryMethod) {
  const std::pair<std::string, std::string> ok[] = {
      {"getinfo", "{}"},
      {"connect", R"({"node_id":")" + node_id + R"(","address":"127.0.0.1:9735"})"},
      {"openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":18446744073709551615,"peer_deposit_msat":5})"},
      {"closechannel", R"({"channel_id":")" + hash32 + R"(","force":true})"},
      {"listchannels", "{}"},
      {"listpeers", "{}"},
      {"listhtlcs", R"({"channel_id":")" + hash32 + R"("})"},
      {"invoice", R"({"amount_msat":1000,"description":"coffee","expiry_s":60,"hold":true,"payment_hash":")" + hash32 + R"("})"},
      {"releasehold", R"({"preimage":")" + hash32 + R"("})"},
      {"cancelhold", R"({"payment_hash":")" + hash32 + R"("})"},
      {"pay", R"({"invoice":"cw1xyz","amount_msat":0,"max_fee_msat":10})"},
      {"listforwards", R"({"limit":1000,"cursor":42})"},
      {"setpolicy", R"({"fee_ppm":10,"min_htlc_msat":5,"max_htlc_msat":5})"},
  };
  for (const auto& [method, params] : ok) {
    auto r = parse_request(req(method, params), token);
    ASSERT_TRUE(r.has_value()) << method << ": " << to_string(r.error().code) << " " << r.error().detail;
    EXPECT_EQ(r->id, 7u);
    EXPECT_EQ(method_name(r->params), method);
    // The client encoding of the typed request parses back to the same request.
    auto again = parse_request(encode_request(*r, token), token);
    ASSERT_TRUE(again.has_value()) << method;
    EXPECT_EQ(*again, *r) << method;
  }
}

TEST(RpcCodec, TypedValuesAreRead) {
  auto r = parse_request(req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":18446744073709551615,"peer_deposit_msat":7})"), token);
  ASSERT_TRUE(r.has_value());
  const auto& p = std::get<openchannel_params>(r->params);
  EXPECT_EQ(p.funding_msat.base_units(), UINT64_MAX);
  EXPECT_EQ(p.peer_deposit_msat.base_units(), 7u);
  EXPECT_EQ(p.node_id[0], 0x02);
  EXPECT_EQ(p.node_id[32], 0xaa);
  auto h = parse_request(req("cancelhold", R"({"payment_hash":")" + hash32 + R"("})"), token);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(std::get<cancelhold_params>(h->params).payment_hash[31], 0xcd);
  auto f = parse_request(R"({"id":1,"token":")" + std::string(token) + R"(","method":"listforwards"})", token);
  ASSERT_TRUE(f.has_value());  // params may be left out
  EXPECT_EQ(std::get<listforwards_params>(f->params).limit, 100u);
  EXPECT_FALSE(std::get<listforwards_params>(f->params).cursor.has_value());
}

struct bad_case {
  std::string body;
  rpc_error code;
  bool has_id;
};

TEST(RpcCodec, RefusalsAreNamed) {
  const std::string t(token);
  const bad_case cases[] = {
      {"", rpc_error::bad_json, false},
      {"{", rpc_error::bad_json, false},
      {"{\"id\":1,\"token\":\"\xff\"}", rpc_error::bad_json, false},
      {"[1,2]", rpc_error::not_an_object, false},
      {std::string(40, '[') + std::string(40, ']'), rpc_error::json_too_deep, false},
      {R"({"id":1,"id":2})", rpc_error::duplicate_field, false},
      {R"({"id":1,"token":"a","method":"pay","params":{"invoice":"x","invoice":"y"}})", rpc_error::duplicate_field, false},
      {R"({"token":"x","method":"getinfo"})", rpc_error::missing_field, false},
      {R"({"id":-1,"token":"x","method":"getinfo"})", rpc_error::bad_id, false},
      {R"({"id":"7","token":"x","method":"getinfo"})", rpc_error::bad_id, false},
      {R"({"id":1.5,"token":"x","method":"getinfo"})", rpc_error::bad_id, false},
      {R"({"id":7,"token":"x","method":"getinfo","extra":1})", rpc_error::extra_field, true},
      {R"({"id":7,"method":"getinfo"})", rpc_error::missing_field, true},
      {R"({"id":7,"token":"wrong","method":"getinfo"})", rpc_error::wrong_token, true},
      {R"({"id":7,"token":")" + t + R"(x","method":"getinfo"})", rpc_error::wrong_token, true},
      {R"({"id":7,"token":")" + t.substr(1) + R"(","method":"getinfo"})", rpc_error::wrong_token, true},
      {R"({"id":7,"token":5,"method":"getinfo"})", rpc_error::wrong_token, true},
      {R"({"id":7,"token":")" + t + R"("})", rpc_error::missing_field, true},
      {req("stop", "{}"), rpc_error::unknown_method, true},
      {R"({"id":7,"token":")" + t + R"(","method":3})", rpc_error::unknown_method, true},
      {req("getinfo", "[]"), rpc_error::params_not_object, true},
      {req("getinfo", R"({"verbose":true})"), rpc_error::unknown_param, true},
      {req("connect", R"({"node_id":")" + node_id + R"("})"), rpc_error::missing_param, true},
      {req("connect", R"({"node_id":")" + node_id + R"(","address":"nohost"})"), rpc_error::bad_address, true},
      {req("connect", R"({"node_id":"04)" + std::string(64, 'a') + R"(","address":"a:1"})"), rpc_error::bad_hex, true},
      {req("connect", R"({"node_id":"02aa","address":"a:1"})"), rpc_error::bad_hex, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":-5})"), rpc_error::amount_negative, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":18446744073709551616})"), rpc_error::amount_overflow, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":1e30})"), rpc_error::amount_overflow, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":1.5})"), rpc_error::wrong_param_type, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":"1000"})"), rpc_error::wrong_param_type, true},
      {req("openchannel", R"({"node_id":")" + node_id + R"(","funding_msat":1000,"peer_deposit_msat":-1})"), rpc_error::amount_negative, true},
      {req("closechannel", R"({"channel_id":")" + hash32 + R"(","force":1})"), rpc_error::wrong_param_type, true},
      {req("closechannel", R"({"channel_id":")" + std::string(63, 'a') + R"(g"})"), rpc_error::bad_hex, true},
      {req("closechannel", R"({"channel_id":null})"), rpc_error::wrong_param_type, true},
      {req("invoice", R"({"amount_msat":1,"hold":true})"), rpc_error::hold_needs_payment_hash, true},
      {req("invoice", R"({"amount_msat":1,"payment_hash":")" + hash32 + R"("})"), rpc_error::payment_hash_without_hold, true},
      {req("invoice", R"({"amount_msat":1,"expiry_s":0})"), rpc_error::param_out_of_range, true},
      {req("invoice", R"({"amount_msat":1,"description":")" + std::string(641, 'd') + R"("})"), rpc_error::param_out_of_range, true},
      {req("releasehold", "{}"), rpc_error::missing_param, true},
      {req("pay", R"({"invoice":""})"), rpc_error::param_out_of_range, true},
      {req("pay", R"({"invoice":"x","max_fee_msat":-0.5})"), rpc_error::amount_negative, true},
      {req("listforwards", R"({"limit":0})"), rpc_error::param_out_of_range, true},
      {req("listforwards", R"({"limit":1001})"), rpc_error::param_out_of_range, true},
      {req("listforwards", R"({"cursor":"abc"})"), rpc_error::wrong_param_type, true},
      {req("setpolicy", "{}"), rpc_error::empty_policy_update, true},
      {req("setpolicy", R"({"channel_id":")" + hash32 + R"("})"), rpc_error::empty_policy_update, true},
      {req("setpolicy", R"({"fee_ppm":1000001})"), rpc_error::param_out_of_range, true},
      {req("setpolicy", R"({"max_accepted_htlcs":484})"), rpc_error::param_out_of_range, true},
      {req("setpolicy", R"({"time_lock_delta_s":4294967296})"), rpc_error::param_out_of_range, true},
      {req("setpolicy", R"({"min_htlc_msat":6,"max_htlc_msat":5})"), rpc_error::min_htlc_above_max, true},
      {req("setpolicy", R"({"fee_ppm":1,"fee_rate":2})"), rpc_error::unknown_param, true},
  };
  for (const auto& bad : cases) {
    auto r = parse_request(bad.body, token);
    ASSERT_FALSE(r.has_value()) << bad.body;
    EXPECT_EQ(r.error().code, bad.code) << bad.body << " -> " << to_string(r.error().code) << " " << r.error().detail;
    EXPECT_EQ(r.error().id.has_value(), bad.has_id) << bad.body;
    if (bad.has_id) {
      EXPECT_EQ(*r.error().id, 7u);
    }
  }
}

TEST(RpcCodec, EmptyExpectedTokenRefusesEverything) {
  auto r = parse_request(R"({"id":1,"token":"","method":"getinfo"})", "");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, rpc_error::wrong_token);
}

TEST(RpcCodec, ConstantTimeEquals) {
  EXPECT_TRUE(constant_time_equals("abc", "abc"));
  EXPECT_TRUE(constant_time_equals("", ""));
  EXPECT_FALSE(constant_time_equals("abc", "abd"));
  EXPECT_FALSE(constant_time_equals("abc", "ab"));
  EXPECT_FALSE(constant_time_equals("ab", "abc"));
  EXPECT_FALSE(constant_time_equals(std::string_view("a\0", 2), "a"));
}

TEST(RpcCodec, ResponsesRoundTrip) {
  auto ok = parse_response(encode_result(9, {{"node_id", "02ab"}, {"channels", 3}}));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->id, 9u);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(ok->outcome));
  EXPECT_EQ(std::get<nlohmann::json>(ok->outcome)["channels"], 3);

  const std::string refused = encode_refusal(rpc_refusal{rpc_error::wrong_token, 4, {}});
  EXPECT_EQ(refused, R"({"error":{"code":10,"message":"","name":"wrong_token"},"id":4})");
  auto err = parse_response(refused);
  ASSERT_TRUE(err.has_value());
  EXPECT_EQ(std::get<rpc_error_reply>(err->outcome), (rpc_error_reply{10, "wrong_token", ""}));
  auto no_id = parse_response(encode_refusal(rpc_refusal{rpc_error::bad_json, std::nullopt, "x"}));
  ASSERT_TRUE(no_id.has_value());
  EXPECT_FALSE(no_id->id.has_value());

  for (const char* bad : {R"({"id":1})", R"({"id":1,"result":1,"error":{}})", R"({"result":1})",
                          R"({"id":1,"error":{"code":"x","name":"n","message":"m"}})",
                          R"({"id":1,"error":{"code":1,"name":"n"}})", R"({"id":-1,"result":1})",
                          R"({"id":1,"result":1,"extra":2})"}) {
    auto r = parse_response(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error(), rpc_error::bad_response) << bad;
  }
}

TEST(RpcCodec, EveryErrorHasAName) {
  for (int e = 1; e <= static_cast<int>(rpc_error::bad_response); ++e) {
    EXPECT_NE(to_string(static_cast<rpc_error>(e)), "unknown_rpc_error") << e;
  }
}

}  // namespace
