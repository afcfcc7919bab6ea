// Listening and connecting sockets for the daemon's local endpoints (RPC, metrics) and for
// clearway-cli. Listeners are non-blocking and close-on-exec; client connects are blocking (the CLI
// and tests). Hosts are IPv4 dotted quads or "localhost" (= 127.0.0.1): nothing is resolved
// through DNS, so the daemon's single poll loop never blocks on a name server.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "node/config/host_port.hpp"
#include "node/socket/unique_fd.hpp"

namespace clearway::node {

enum class socket_setup_error {
  address_not_ipv4 = 1,  // a host that is not a dotted quad or "localhost"
  path_too_long,         // a unix socket path longer than sun_path holds
  socket_failed,         // socket(2) failed
  address_in_use,        // bind(2): EADDRINUSE
  bind_failed,           // bind(2): any other reason (permissions, no such directory)
  listen_failed,
  not_running,           // connect(2): ENOENT / ECONNREFUSED, nobody listens there
  connect_failed,        // connect(2): any other reason
};

[[nodiscard]] std::string_view to_string(socket_setup_error e) noexcept;

// "localhost" -> "127.0.0.1"; a dotted quad stays; anything else is nullopt.
[[nodiscard]] std::optional<std::string> ipv4_literal(std::string_view host);

// Non-blocking TCP listener (SO_REUSEADDR); port 0 picks a free port (see bound_port).
[[nodiscard]] result<unique_fd, socket_setup_error> listen_tcp(const config::host_port& address, int backlog = 64);
// Non-blocking unix stream listener at `path`, which must not exist; the socket file gets `mode`.
[[nodiscard]] result<unique_fd, socket_setup_error> listen_unix(const std::string& path, unsigned mode, int backlog = 64);

// The local port of a bound TCP socket (0 when not TCP).
[[nodiscard]] std::uint16_t bound_port(int fd) noexcept;
// "ip:port" of the remote end of a connected TCP socket; "unix" for a unix socket, "" on error.
[[nodiscard]] std::string peer_address(int fd);

// One pending connection, non-blocking and close-on-exec; an invalid fd when none is pending.
[[nodiscard]] unique_fd accept_nonblocking(int listen_fd) noexcept;

// Blocking client connects (clearway-cli, tests).
[[nodiscard]] result<unique_fd, socket_setup_error> connect_tcp(const config::host_port& address);
[[nodiscard]] result<unique_fd, socket_setup_error> connect_unix(const std::string& path);

}  // namespace clearway::node
