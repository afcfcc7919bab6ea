// rpc_dispatch: the peer methods reach peer_services, every channel method answers
// channel_layer_unavailable until a channel_layer is installed, then reaches it with its params.
#include "tools/daemon/rpc_dispatch.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace {

using namespace clearway;
using namespace clearway::daemon;
namespace rpc = clearway::node::rpc;

struct fake_peers final : peer_services {
  std::vector<rpc::connect_params> connects;
  nlohmann::json node_info() const override { return {{"node_id", "02ab"}}; }
  void connect(const rpc::connect_params& p, method_reply reply) override {
    connects.push_back(p);
    reply(nlohmann::json{{"connected", true}});
  }
  nlohmann::json list_peers() const override { return {{"peers", nlohmann::json::array()}}; }
};

struct fake_channels final : channel_layer {
  std::vector<std::string> calls;
  rpc::pay_params last_pay;
  void answer(const char* name, method_reply& reply) {
    calls.emplace_back(name);
    reply(nlohmann::json{{"method", name}});
  }
  void openchannel(const rpc::openchannel_params&, method_reply r) override { answer("openchannel", r); }
  void closechannel(const rpc::closechannel_params&, method_reply r) override { answer("closechannel", r); }
  void listchannels(const rpc::listchannels_params&, method_reply r) override { answer("listchannels", r); }
  void listhtlcs(const rpc::listhtlcs_params&, method_reply r) override { answer("listhtlcs", r); }
  void invoice(const rpc::invoice_params&, method_reply r) override { answer("invoice", r); }
  void releasehold(const rpc::releasehold_params&, method_reply r) override { answer("releasehold", r); }
  void cancelhold(const rpc::cancelhold_params&, method_reply r) override { answer("cancelhold", r); }
  void pay(const rpc::pay_params& p, method_reply r) override {
    last_pay = p;
    answer("pay", r);
  }
  void listforwards(const rpc::listforwards_params&, method_reply r) override { answer("listforwards", r); }
  void setpolicy(const rpc::setpolicy_params&, method_reply r) override { answer("setpolicy", r); }
};

std::vector<rpc::rpc_params> channel_methods() {
  return {rpc::openchannel_params{}, rpc::closechannel_params{}, rpc::listchannels_params{}, rpc::listhtlcs_params{},
          rpc::invoice_params{},     rpc::releasehold_params{},  rpc::cancelhold_params{},  rpc::pay_params{"lnbc1", std::nullopt, std::nullopt},
          rpc::listforwards_params{}, rpc::setpolicy_params{}};
}

method_outcome run(rpc_dispatch& d, const rpc::rpc_params& p) {
  std::optional<method_outcome> got;
  int calls = 0;
  d.dispatch(p, [&](method_outcome o) {
    ++calls;
    got = std::move(o);
  });
  EXPECT_EQ(calls, 1) << "a method must reply exactly once";
  return got.value_or(method_failure{});
}

TEST(RpcDispatch, PeerMethodsReachThePeerSide) {
  fake_peers peers;
  rpc_dispatch d(peers);
  auto info = run(d, rpc::getinfo_params{});
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ((*info)["node_id"], "02ab");
  EXPECT_EQ((*info)["channel_layer"], false);
  rpc::connect_params c;
  c.node_id[0] = 0x02;
  c.address = {"127.0.0.1", 9735};
  ASSERT_TRUE(run(d, c).has_value());
  ASSERT_EQ(peers.connects.size(), 1u);
  EXPECT_EQ(peers.connects[0], c);
  EXPECT_TRUE(run(d, rpc::listpeers_params{}).has_value());
}

TEST(RpcDispatch, ChannelMethodsNeedTheChannelLayer) {
  fake_peers peers;
  rpc_dispatch d(peers);
  for (const auto& p : channel_methods()) {
    auto out = run(d, p);
    ASSERT_FALSE(out.has_value()) << rpc::method_name(p);
    EXPECT_EQ(out.error().name, "channel_layer_unavailable");
    EXPECT_EQ(out.error().code, static_cast<int>(method_error::channel_layer_unavailable));
    EXPECT_NE(out.error().message.find(rpc::method_name(p)), std::string::npos);
  }
  fake_channels channels;
  d.install_channel_layer(&channels);
  EXPECT_EQ((*run(d, rpc::getinfo_params{}))["channel_layer"], true);
  for (const auto& p : channel_methods()) {
    auto out = run(d, p);
    ASSERT_TRUE(out.has_value()) << rpc::method_name(p);
    EXPECT_EQ((*out)["method"], rpc::method_name(p));
  }
  EXPECT_EQ(channels.calls.size(), channel_methods().size());
  EXPECT_EQ(channels.last_pay.invoice, "lnbc1");
}

}  // namespace
