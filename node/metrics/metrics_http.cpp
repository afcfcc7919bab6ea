#include "node/metrics/metrics_http.hpp"

#include "node/socket/nonblocking_io.hpp"

namespace clearway::node::metrics {

struct metrics_http_server::connection {
  unique_fd fd;
  std::string in;
  std::string out;
  bool answered = false;
  bool dead = false;
  std::uint64_t started_ms = 0;
};

http_route route_of(std::string_view head) noexcept {
  std::size_t end = head.find("\r\n\r\n");
  if (end == std::string_view::npos) end = head.find("\n\n");
  if (end == std::string_view::npos) return http_route::incomplete;
  const std::string_view line = head.substr(0, head.find_first_of("\r\n"));
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == 0 || sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return http_route::bad_request;
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (version.substr(0, 5) != "HTTP/" || target.empty()) return http_route::bad_request;
  target = target.substr(0, target.find('?'));
  return method == "GET" && target == "/metrics" ? http_route::metrics : http_route::not_found;
}

std::string http_response(int status, std::string_view reason, std::string_view content_type, std::string_view body) {
  std::string out = "HTTP/1.0 " + std::to_string(status) + " ";
  out += reason;
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

metrics_http_server::metrics_http_server(unique_fd listener, metrics_http_limits limits)
    : listener_(std::move(listener)), limits_(limits) {}
metrics_http_server::metrics_http_server(metrics_http_server&&) noexcept = default;
metrics_http_server& metrics_http_server::operator=(metrics_http_server&&) noexcept = default;
metrics_http_server::~metrics_http_server() = default;

result<metrics_http_server, socket_setup_error> metrics_http_server::listen(const config::host_port& address,
                                                                            metrics_http_limits limits) {
  auto fd = listen_tcp(address);
  if (!fd) return fd.error();
  return metrics_http_server(std::move(fd).value(), limits);
}

std::uint16_t metrics_http_server::port() const noexcept { return bound_port(listener_.get()); }

void metrics_http_server::add_pollfds(std::vector<pollfd>& fds) {
  fds.push_back(pollfd{listener_.get(), POLLIN, 0});
  polled_.clear();
  for (auto& [id, c] : connections_) {
    fds.push_back(pollfd{c->fd.get(), static_cast<short>(c->answered ? POLLOUT : POLLIN), 0});
    polled_.push_back(id);
  }
}

void metrics_http_server::on_poll(std::span<const pollfd> mine, std::uint64_t now_ms) {
  if (!listener_.valid() || mine.empty()) return;
  for (std::size_t i = 0; i + 1 < mine.size() && i < polled_.size(); ++i) {
    const auto it = connections_.find(polled_[i]);
    if (it != connections_.end() && mine[i + 1].revents != 0) serve(*it->second, mine[i + 1].revents);
  }
  if ((mine[0].revents & POLLIN) != 0) {
    for (;;) {
      unique_fd fd = accept_nonblocking(listener_.get());
      if (!fd.valid()) break;
      if (connections_.size() >= limits_.max_connections) continue;  // closed at once
      auto c = std::make_unique<connection>();
      c->fd = std::move(fd);
      c->started_ms = now_ms;
      connections_.emplace(next_id_++, std::move(c));
    }
  }
  for (auto it = connections_.begin(); it != connections_.end();) {
    const connection& c = *it->second;
    const bool done = c.dead || (c.answered && c.out.empty()) || now_ms - c.started_ms > limits_.request_timeout_ms;
    it = done ? connections_.erase(it) : std::next(it);
  }
}

void metrics_http_server::serve(connection& c, short revents) {
  if (!c.answered) {
    const io_outcome got = read_available(c.fd.get(), c.in, limits_.max_request_bytes + 1);
    const http_route route = route_of(c.in);
    if (route != http_route::incomplete) {
      answer(c, route);
    } else if (c.in.size() > limits_.max_request_bytes) {
      c.out = http_response(431, "Request Header Fields Too Large", "text/plain", "request too large\n");
      c.answered = true;
    } else if (got != io_outcome::open) {
      c.dead = true;  // closed before a whole request: nothing to answer
      return;
    }
  }
  if (c.answered && write_pending(c.fd.get(), c.out) == io_outcome::failed) c.dead = true;
  if ((revents & (POLLERR | POLLNVAL | POLLHUP)) != 0) c.dead = true;
}

void metrics_http_server::answer(connection& c, http_route route) {
  c.answered = true;
  c.in.clear();
  switch (route) {
    case http_route::metrics:
      ++scrapes_;
      c.out = http_response(200, "OK", prometheus_content_type, source_ ? source_() : std::string());
      return;
    case http_route::not_found:
      c.out = http_response(404, "Not Found", "text/plain", "only GET /metrics is served\n");
      return;
    case http_route::bad_request:
    case http_route::incomplete:
      c.out = http_response(400, "Bad Request", "text/plain", "not an HTTP request\n");
      return;
  }
}

}  // namespace clearway::node::metrics
