// clearwayd's RPC methods: one function per method of node/rpc/rpc_methods.hpp. getinfo, connect
// and listpeers are served by the peer side; the channel methods go to the channel_layer when
// one is installed, else they answer channel_layer_unavailable. The request is already checked
// (parse_request), so the functions only act.
#pragma once

#include "node/rpc/rpc_codec.hpp"
#include "tools/daemon/channel_layer.hpp"
#include "tools/daemon/method_reply.hpp"
#include "tools/daemon/peer_services.hpp"

namespace clearway::daemon {

class rpc_dispatch {
 public:
  explicit rpc_dispatch(peer_services& peers, channel_layer* channels = nullptr) : peers_(peers), channels_(channels) {}
  // The lead's channel layer plugs in here (nullptr takes it out again).
  void install_channel_layer(channel_layer* channels) noexcept { channels_ = channels; }
  [[nodiscard]] bool has_channel_layer() const noexcept { return channels_ != nullptr; }

  void dispatch(const node::rpc::rpc_params& params, method_reply reply);

  void getinfo(const node::rpc::getinfo_params& params, method_reply reply);
  void connect(const node::rpc::connect_params& params, method_reply reply);
  void listpeers(const node::rpc::listpeers_params& params, method_reply reply);
  void openchannel(const node::rpc::openchannel_params& params, method_reply reply);
  void closechannel(const node::rpc::closechannel_params& params, method_reply reply);
  void listchannels(const node::rpc::listchannels_params& params, method_reply reply);
  void listhtlcs(const node::rpc::listhtlcs_params& params, method_reply reply);
  void invoice(const node::rpc::invoice_params& params, method_reply reply);
  void releasehold(const node::rpc::releasehold_params& params, method_reply reply);
  void cancelhold(const node::rpc::cancelhold_params& params, method_reply reply);
  void pay(const node::rpc::pay_params& params, method_reply reply);
  void listforwards(const node::rpc::listforwards_params& params, method_reply reply);
  void setpolicy(const node::rpc::setpolicy_params& params, method_reply reply);

 private:
  // The channel layer's method, or channel_layer_unavailable.
  template <class Params>
  void to_channels(void (channel_layer::*method)(const Params&, method_reply), const Params& params,
                   method_reply reply);

  peer_services& peers_;
  channel_layer* channels_;
};

}  // namespace clearway::daemon
