#include "tools/daemon/rpc_dispatch.hpp"

#include <type_traits>

namespace clearway::daemon {

namespace rpc = node::rpc;

std::string_view to_string(method_error e) noexcept {
  switch (e) {
    case method_error::channel_layer_unavailable: return "channel_layer_unavailable";
    case method_error::address_not_supported: return "address_not_supported";
    case method_error::connect_to_self: return "connect_to_self";
    case method_error::connect_failed: return "connect_failed";
    case method_error::shutting_down: return "shutting_down";
  }
  return "connect_failed";
}

void rpc_dispatch::dispatch(const rpc::rpc_params& params, method_reply reply) {
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, rpc::getinfo_params>) getinfo(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::connect_params>) connect(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::listpeers_params>) listpeers(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::openchannel_params>) openchannel(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::closechannel_params>) closechannel(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::listchannels_params>) listchannels(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::listhtlcs_params>) listhtlcs(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::invoice_params>) invoice(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::releasehold_params>) releasehold(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::cancelhold_params>) cancelhold(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::pay_params>) pay(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::listforwards_params>) listforwards(p, std::move(reply));
        else if constexpr (std::is_same_v<P, rpc::setpolicy_params>) setpolicy(p, std::move(reply));
        else static_assert(sizeof(P) == 0, "a method of rpc_methods.hpp has no function in rpc_dispatch");
      },
      params);
}

template <class Params>
void rpc_dispatch::to_channels(void (channel_layer::*method)(const Params&, method_reply), const Params& params,
                               method_reply reply) {
  if (channels_ == nullptr) {
    reply(method_failure::of(method_error::channel_layer_unavailable,
                             std::string(rpc::method_name(rpc::rpc_params(params))) +
                                 " needs the channel layer, which this clearwayd does not have yet"));
    return;
  }
  (channels_->*method)(params, std::move(reply));
}

void rpc_dispatch::getinfo(const rpc::getinfo_params&, method_reply reply) {
  nlohmann::json info = peers_.node_info();
  info["channel_layer"] = has_channel_layer();
  reply(std::move(info));
}
void rpc_dispatch::connect(const rpc::connect_params& p, method_reply reply) { peers_.connect(p, std::move(reply)); }
void rpc_dispatch::listpeers(const rpc::listpeers_params&, method_reply reply) { reply(peers_.list_peers()); }

void rpc_dispatch::openchannel(const rpc::openchannel_params& p, method_reply reply) {
  to_channels(&channel_layer::openchannel, p, std::move(reply));
}
void rpc_dispatch::closechannel(const rpc::closechannel_params& p, method_reply reply) {
  to_channels(&channel_layer::closechannel, p, std::move(reply));
}
void rpc_dispatch::listchannels(const rpc::listchannels_params& p, method_reply reply) {
  to_channels(&channel_layer::listchannels, p, std::move(reply));
}
void rpc_dispatch::listhtlcs(const rpc::listhtlcs_params& p, method_reply reply) {
  to_channels(&channel_layer::listhtlcs, p, std::move(reply));
}
void rpc_dispatch::invoice(const rpc::invoice_params& p, method_reply reply) {
  to_channels(&channel_layer::invoice, p, std::move(reply));
}
void rpc_dispatch::releasehold(const rpc::releasehold_params& p, method_reply reply) {
  to_channels(&channel_layer::releasehold, p, std::move(reply));
}
void rpc_dispatch::cancelhold(const rpc::cancelhold_params& p, method_reply reply) {
  to_channels(&channel_layer::cancelhold, p, std::move(reply));
}
void rpc_dispatch::pay(const rpc::pay_params& p, method_reply reply) {
  to_channels(&channel_layer::pay, p, std::move(reply));
}
void rpc_dispatch::listforwards(const rpc::listforwards_params& p, method_reply reply) {
  to_channels(&channel_layer::listforwards, p, std::move(reply));
}
void rpc_dispatch::setpolicy(const rpc::setpolicy_params& p, method_reply reply) {
  to_channels(&channel_layer::setpolicy, p, std::move(reply));
}

}  // namespace clearway::daemon
