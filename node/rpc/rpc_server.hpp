// The daemon's local RPC endpoint: a unix socket or loopback TCP listener and its connections,
// driven by the daemon's one poll loop (no threads). It only moves frames (rpc_frame.hpp): each
// complete request body goes to the handler with the connection's id, and the answer comes back
// through respond() -- at once, or later for a method that waits (connect waits for a handshake).
//
// Limits per connection: at most one request is handled at a time (further input waits in the
// kernel until the answer is queued), the input held is at most one frame (header + 1 MiB), a
// frame's length is checked from its header alone (frame_empty / frame_too_large are answered with
// a named error, then the connection is closed), and a connection idle (no request in progress)
// for idle_timeout_ms is closed. Beyond max_connections, new connections are closed at once.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "node/config/host_port.hpp"
#include "node/socket/local_socket.hpp"
#include "node/socket/unique_fd.hpp"

namespace clearway::node::rpc {

struct rpc_server_limits {
  std::size_t max_connections = 64;
  std::uint64_t idle_timeout_ms = 30'000;
  std::size_t max_unsent_bytes = 8u << 20;  // answers queued and not yet read by the client
};

using rpc_connection_id = std::uint64_t;

class rpc_server {
 public:
  // Called once per complete request frame; the body view is valid during the call only.
  using request_handler = std::function<void(rpc_connection_id, std::string_view body)>;

  [[nodiscard]] static result<rpc_server, socket_setup_error> listen_unix(const std::string& path,
                                                                          rpc_server_limits limits = {});
  [[nodiscard]] static result<rpc_server, socket_setup_error> listen_tcp(const config::host_port& address,
                                                                         rpc_server_limits limits = {});
  rpc_server(rpc_server&&) noexcept;
  rpc_server& operator=(rpc_server&&) noexcept;
  ~rpc_server();

  void set_handler(request_handler handler) { handler_ = std::move(handler); }

  // The bound TCP port (0 for a unix socket).
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] std::size_t connection_count() const noexcept { return connections_.size(); }

  // Appends the pollfds this server waits on; on_poll must then get exactly that slice back.
  void add_pollfds(std::vector<pollfd>& fds);
  void on_poll(std::span<const pollfd> mine, std::uint64_t now_ms);

  // Queues the answer to the request in progress on `id`; false when the connection is gone (or
  // its queued output would pass max_unsent_bytes, which closes it).
  bool respond(rpc_connection_id id, std::string_view body);

  // Closes every connection and the listener; a unix socket file is removed.
  void close();

 private:
  struct connection;
  rpc_server(unique_fd listener, std::string unix_path, rpc_server_limits limits);
  void accept_pending(std::uint64_t now_ms);
  void serve(rpc_connection_id id, connection& c, short revents, std::uint64_t now_ms);
  void take_frames(rpc_connection_id id, connection& c);

  unique_fd listener_;
  std::string unix_path_;  // removed on close(); empty for TCP
  rpc_server_limits limits_;
  request_handler handler_;
  std::map<rpc_connection_id, std::unique_ptr<connection>> connections_;
  std::vector<rpc_connection_id> polled_;  // the connections in the order add_pollfds listed them
  rpc_connection_id next_id_ = 1;
};

}  // namespace clearway::node::rpc
