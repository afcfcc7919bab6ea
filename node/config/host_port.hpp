// host:port as written in a config file or an RPC "connect" address: a DNS name or dotted IPv4
// address, or a bracketed IPv6 address, then ':' and a port in 1..65535. Syntax only: nothing is
// resolved here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clearway::node::config {

struct host_port {
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 0;
  friend bool operator==(const host_port&, const host_port&) = default;
};

[[nodiscard]] std::optional<host_port> parse_host_port(std::string_view text);

// The same for an address the daemon listens on (listen, metrics_listen): port 0 is also
// accepted and means "any free port" (the daemon reports the bound port through getinfo).
[[nodiscard]] std::optional<host_port> parse_listen_host_port(std::string_view text);

// "host:port", with brackets around an IPv6 host.
[[nodiscard]] std::string to_string(const host_port& hp);

// 127.0.0.0/8, ::1 or "localhost": the only hosts the local RPC may listen on.
[[nodiscard]] bool is_loopback(const host_port& hp) noexcept;

}  // namespace clearway::node::config
