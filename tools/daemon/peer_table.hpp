// The daemon's peer connections (node/transport peer_connection, BOLT 8 + BOLT 1) with what the
// RPC shows about each: address, direction, when it became ready, bytes each way. Driven by the
// daemon's poll loop: add_pollfds / on_poll for the I/O, then sweep() to act on what changed --
// answer a pending connect, count a disconnect by its reason, drop closed connections, replace an
// older connection to the same node by the newer one.
//
// Messages from ready peers (error, warning, channel messages) go to the message handler, which
// the channel layer installs; without one they are taken from each inbox, so a peer cannot fill
// its buffer, and counted as dropped.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/metrics/node_metrics.hpp"
#include "node/transport/peer_connection.hpp"
#include "tools/daemon/method_reply.hpp"

namespace clearway::daemon {

// Connections held at once (handshaking or ready, both directions): beyond it an accepted socket
// is closed at once, so a flood of connections cannot exhaust descriptors or memory.
inline constexpr std::size_t max_peer_connections = 512;

class peer_table {
 public:
  peer_table(crypto::secret_key identity, node::transport::peer_limits limits, node::metrics::node_metrics& metrics);
  ~peer_table();
  peer_table(const peer_table&) = delete;
  peer_table& operator=(const peer_table&) = delete;

  [[nodiscard]] const node::transport::node_id& local_node_id() const noexcept { return local_id_; }

  // An accepted socket: runs the responder side (or is closed at once above max_peer_connections).
  void add_inbound(int fd);
  // Dials ipv4:port as initiator; `reply` gets the peer's entry once both inits are exchanged, or
  // the failure (handshake_failed when the peer closed inside the handshake: a wrong node id).
  void connect(const node::transport::node_id& remote, const std::string& ipv4, std::uint16_t port,
               method_reply reply);

  // Where received messages go (the channel layer); called from sweep(), on the loop's thread.
  using message_handler = std::function<void(const node::transport::node_id& from, node::transport::wire_message)>;
  void set_message_handler(message_handler handler) { on_message_ = std::move(handler); }
  // Called from sweep() when a connection to `peer` has exchanged inits (e.g. to resume channels).
  using ready_handler = std::function<void(const node::transport::node_id& peer)>;
  void set_ready_handler(ready_handler handler) { on_ready_ = std::move(handler); }
  // Called when the ready connection to `peer` is gone (closed, or replaced by a newer one: then
  // before the newer one's ready call), so whatever was in flight on it counts as lost.
  using disconnect_handler = std::function<void(const node::transport::node_id& peer)>;
  void set_disconnect_handler(disconnect_handler handler) { on_disconnect_ = std::move(handler); }
  // Sends to the ready connection of `to`: local_close when there is none, buffer_limit when its
  // output is full (backpressure: try again later).
  [[nodiscard]] status<node::transport::disconnect_reason> send_to(const node::transport::node_id& to,
                                                                   const node::transport::wire_message& message);
  [[nodiscard]] bool is_connected(const node::transport::node_id& peer) const noexcept;

  void add_pollfds(std::vector<pollfd>& fds) const;
  void on_poll(std::span<const pollfd> mine);
  void sweep(std::int64_t now_unix_s);

  // Ready peers only.
  [[nodiscard]] std::size_t ready_count() const noexcept;
  [[nodiscard]] nlohmann::json list() const;
  [[nodiscard]] std::uint64_t channel_messages_dropped() const noexcept { return dropped_messages_; }
  [[nodiscard]] std::uint64_t connections_refused() const noexcept { return refused_connections_; }

  // Closes every connection; pending connects are answered shutting_down.
  void close_all();

 private:
  struct entry;
  [[nodiscard]] static nlohmann::json describe(const entry& e);
  void finish(entry& e);

  crypto::secret_key identity_;
  node::transport::node_id local_id_;
  node::transport::peer_limits limits_;
  node::metrics::node_metrics& metrics_;
  std::vector<std::unique_ptr<entry>> entries_;
  message_handler on_message_;
  disconnect_handler on_disconnect_;
  ready_handler on_ready_;
  std::uint64_t dropped_messages_ = 0;
  std::uint64_t refused_connections_ = 0;
};

}  // namespace clearway::daemon
