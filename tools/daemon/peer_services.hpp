// What rpc_dispatch needs from the daemon's peer side (peer_table implements it): a way to test
// the dispatch without sockets, and the one place the peer RPC methods' results are defined.
#pragma once

#include <nlohmann/json.hpp>

#include "node/rpc/rpc_methods.hpp"
#include "tools/daemon/method_reply.hpp"

namespace clearway::daemon {

class peer_services {
 public:
  virtual ~peer_services() = default;
  // getinfo's result object.
  [[nodiscard]] virtual nlohmann::json node_info() const = 0;
  // Starts a BOLT 8 connection; replies when both inits are exchanged, or with the failure.
  virtual void connect(const node::rpc::connect_params& params, method_reply reply) = 0;
  // listpeers' result object.
  [[nodiscard]] virtual nlohmann::json list_peers() const = 0;
};

}  // namespace clearway::daemon
