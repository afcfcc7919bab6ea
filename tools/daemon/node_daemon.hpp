// clearwayd's process: everything it owns and the one poll loop (single thread) that serves
//   the BOLT 8 peer listener and peer connections (peer_table),
//   the local RPC (unix socket data_dir/rpc_socket, mode 0600, or loopback TCP rpc_listen),
//   the Prometheus endpoint (metrics_listen, when set),
// and SIGTERM/SIGINT (clean shutdown: connections closed, the RPC socket file removed).
// start() does the set-up in an order where each step's failure is a named daemon_error and
// nothing is left half-made: data_dir (0700), its lock, the identity key, the RPC token, the
// store, then the listeners.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "node/config/node_config.hpp"
#include "node/metrics/metrics_http.hpp"
#include "node/metrics/node_metrics.hpp"
#include "node/rpc/rpc_server.hpp"
#include "node/store/store.hpp"
#include "node/transport/peer_connection.hpp"
#include "tools/daemon/daemon_errors.hpp"
#include "tools/daemon/data_dir.hpp"
#include "tools/daemon/peer_table.hpp"
#include "tools/daemon/peer_services.hpp"
#include "tools/daemon/rpc_dispatch.hpp"
#include "tools/daemon/signal_pipe.hpp"

namespace clearway::daemon {

inline constexpr std::string_view clearwayd_version = CLEARWAY_VERSION;

class node_daemon final : public peer_services {
 public:
  [[nodiscard]] static result<std::unique_ptr<node_daemon>, daemon_failure> start(const node::config::node_config& config);
  ~node_daemon() override;

  // Serves until SIGTERM or SIGINT, then shuts down in order; returns the exit code (0).
  int run();

  // The channel layer plugs in here: its RPC methods (dispatch().install_channel_layer), the
  // peers' messages and sends (peers().set_message_handler / send_to), the store, the metrics,
  // and a hook run once per loop turn (at least every 200 ms) for timers and outboxes.
  [[nodiscard]] rpc_dispatch& dispatch() noexcept { return dispatch_; }
  [[nodiscard]] peer_table& peers() noexcept { return peers_; }
  [[nodiscard]] node::store& store() noexcept { return store_; }
  [[nodiscard]] node::metrics::node_metrics& metrics() noexcept { return metrics_; }
  [[nodiscard]] const crypto::secret_key& identity() const noexcept { return identity_; }
  [[nodiscard]] const node::config::node_config& config() const noexcept { return config_; }
  void set_turn_hook(std::function<void(std::uint64_t now_ms)> hook) { turn_hook_ = std::move(hook); }
  // Called when an RPC connect succeeded, with the address dialled (to dial it again later).
  using connect_hook = std::function<void(const node::transport::node_id&, const std::string& host, std::uint16_t port)>;
  void set_connect_hook(connect_hook hook) { connect_hook_ = std::move(hook); }

  // peer_services
  [[nodiscard]] nlohmann::json node_info() const override;
  void connect(const node::rpc::connect_params& params, method_reply reply) override;
  [[nodiscard]] nlohmann::json list_peers() const override;

 private:
  node_daemon(node::config::node_config config, data_dir_lock lock, crypto::secret_key identity, std::string token,
              node::store store, node::transport::tcp_listener peer_listener, node::rpc::rpc_server rpc);
  void on_rpc_request(node::rpc::rpc_connection_id connection, std::string_view body);
  void log(node::config::log_level level, const std::string& text) const;

  node::config::node_config config_;
  data_dir_lock lock_;
  crypto::secret_key identity_;
  std::string rpc_token_;
  node::store store_;
  node::metrics::node_metrics metrics_;
  node::transport::tcp_listener peer_listener_;
  peer_table peers_;
  node::rpc::rpc_server rpc_;
  std::optional<node::metrics::metrics_http_server> metrics_http_;
  rpc_dispatch dispatch_;
  signal_pipe signals_;
  std::function<void(std::uint64_t)> turn_hook_;
  connect_hook connect_hook_;
};

}  // namespace clearway::daemon
