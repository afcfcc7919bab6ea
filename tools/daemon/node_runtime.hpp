// The channel side of clearwayd, attached to a started node_daemon: the chain backend, the
// channel layer restored from the store, the channel RPC methods, and the hooks that feed it the
// peers' messages, connects and disconnects and a timer. It lives as long as the daemon runs.
#pragma once

#include <cstdint>
#include <memory>

#include "base/result.hpp"
#include "node/channels/node_channels.hpp"
#include "tools/daemon/chain_link.hpp"
#include "tools/daemon/channel_service.hpp"
#include "tools/daemon/daemon_errors.hpp"
#include "tools/daemon/node_daemon.hpp"
#include "tools/daemon/reconnector.hpp"

namespace clearway::daemon {

// The forwarding policy of the config as the channel layer's settings.
[[nodiscard]] node::channels::node_settings settings_of(const node::config::forwarding_policy& p);

class node_runtime final : public peer_link {
 public:
  // Connects the chain, restores every channel from the daemon's store and installs the hooks.
  [[nodiscard]] static result<std::unique_ptr<node_runtime>, daemon_failure> attach(node_daemon& daemon);
  ~node_runtime() override = default;

  [[nodiscard]] send_outcome send_to(const node::transport::node_id& peer,
                                     const node::transport::wire_message& m) override;

 private:
  node_runtime(node_daemon& daemon, std::unique_ptr<chain_link> chain, crypto::key_pair identity);
  void on_turn(std::uint64_t now_ms);
  // An outbound connect succeeded: keep the address (store) and dial it again when it drops.
  void remember_peer(const node::transport::node_id& node, const std::string& host, std::uint16_t port);

  node_daemon& daemon_;
  std::unique_ptr<chain_link> chain_;
  crypto::key_pair identity_;
  std::unique_ptr<node::channels::node_channels> node_;
  std::unique_ptr<channel_service> service_;
  std::uint64_t last_watch_ms_ = 0;
  reconnector reconnect_;
};

}  // namespace clearway::daemon
