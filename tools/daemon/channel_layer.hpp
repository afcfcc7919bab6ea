// The seam where the channel layer (node/channels, written separately) plugs into clearwayd: one
// function per channel RPC method. rpc_dispatch calls these when a channel_layer is installed,
// and answers channel_layer_unavailable for each of them when none is. Every call runs on the
// daemon's single poll-loop thread and must call `reply` exactly once (now or later, from that
// same thread); it must not block.
#pragma once

#include "node/rpc/rpc_methods.hpp"
#include "tools/daemon/method_reply.hpp"

namespace clearway::daemon {

class channel_layer {
 public:
  virtual ~channel_layer() = default;
  virtual void openchannel(const node::rpc::openchannel_params& params, method_reply reply) = 0;
  virtual void closechannel(const node::rpc::closechannel_params& params, method_reply reply) = 0;
  virtual void listchannels(const node::rpc::listchannels_params& params, method_reply reply) = 0;
  virtual void listhtlcs(const node::rpc::listhtlcs_params& params, method_reply reply) = 0;
  virtual void invoice(const node::rpc::invoice_params& params, method_reply reply) = 0;
  virtual void releasehold(const node::rpc::releasehold_params& params, method_reply reply) = 0;
  virtual void cancelhold(const node::rpc::cancelhold_params& params, method_reply reply) = 0;
  virtual void pay(const node::rpc::pay_params& params, method_reply reply) = 0;
  virtual void listforwards(const node::rpc::listforwards_params& params, method_reply reply) = 0;
  virtual void setpolicy(const node::rpc::setpolicy_params& params, method_reply reply) = 0;
};

}  // namespace clearway::daemon
