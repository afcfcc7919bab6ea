// The Prometheus scrape endpoint: a minimal HTTP/1.0 server on one TCP listener, driven by the
// daemon's poll loop. One request per connection: `GET /metrics` (a query string is ignored) is
// answered 200 with the text from the body source (Content-Type text/plain; version=0.0.4);
// any other method or path is 404, a request line that is not HTTP is 400, a head above
// max_request_bytes is 431; then the connection is closed. A connection that has not sent a
// whole head within request_timeout_ms, or not read its answer within it, is closed; beyond
// max_connections, new connections are closed at once.
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

namespace clearway::node::metrics {

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

struct metrics_http_limits {
  std::size_t max_connections = 16;
  std::size_t max_request_bytes = 8192;
  std::uint64_t request_timeout_ms = 10'000;
};

// What a request head asks for (pure; exposed for tests).
enum class http_route {
  incomplete,      // no blank line yet
  metrics,         // GET /metrics
  not_found,       // another path or method
  bad_request,     // not "METHOD SP target SP HTTP/x.y"
};
[[nodiscard]] http_route route_of(std::string_view head) noexcept;

// A whole HTTP/1.0 answer with Content-Length and Connection: close.
[[nodiscard]] std::string http_response(int status, std::string_view reason, std::string_view content_type,
                                        std::string_view body);

class metrics_http_server {
 public:
  using body_source = std::function<std::string()>;

  [[nodiscard]] static result<metrics_http_server, socket_setup_error> listen(const config::host_port& address,
                                                                              metrics_http_limits limits = {});
  metrics_http_server(metrics_http_server&&) noexcept;
  metrics_http_server& operator=(metrics_http_server&&) noexcept;
  ~metrics_http_server();

  void set_source(body_source source) { source_ = std::move(source); }
  [[nodiscard]] std::uint16_t port() const noexcept;
  [[nodiscard]] std::size_t connection_count() const noexcept { return connections_.size(); }
  [[nodiscard]] std::uint64_t scrapes_served() const noexcept { return scrapes_; }

  // Appends the pollfds this server waits on; on_poll must then get exactly that slice back.
  void add_pollfds(std::vector<pollfd>& fds);
  void on_poll(std::span<const pollfd> mine, std::uint64_t now_ms);

 private:
  struct connection;
  metrics_http_server(unique_fd listener, metrics_http_limits limits);
  void serve(connection& c, short revents);
  void answer(connection& c, http_route route);

  unique_fd listener_;
  metrics_http_limits limits_;
  body_source source_;
  std::map<std::uint64_t, std::unique_ptr<connection>> connections_;
  std::vector<std::uint64_t> polled_;
  std::uint64_t next_id_ = 1;
  std::uint64_t scrapes_ = 0;
};

}  // namespace clearway::node::metrics
