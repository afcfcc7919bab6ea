// metrics_http over real loopback sockets: a scrape gets the registry text with the Prometheus
// content type, other paths 404, junk 400, an oversized head 431, a silent client is dropped at
// its timeout, and the connection cap holds. Plus route_of on its own.
#include "node/metrics/metrics_http.hpp"

#include <sys/socket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "node/metrics/node_metrics.hpp"

namespace {

using namespace clearway::node;
using namespace clearway::node::metrics;

constexpr std::uint64_t liveness_bound_ms = 20'000;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch()).count());
}

void step(metrics_http_server& s, std::uint64_t at_ms) {
  std::vector<pollfd> fds;
  s.add_pollfds(fds);
  (void)::poll(fds.data(), fds.size(), 10);
  s.on_poll(fds, at_ms);
}

// Sends `request`, steps the server until it closes the connection, returns all it sent.
std::string http_exchange(metrics_http_server& s, const std::string& request) {
  auto fd = connect_tcp({"127.0.0.1", s.port()});
  EXPECT_TRUE(fd.has_value());
  if (!request.empty()) {
    EXPECT_EQ(::send(fd->get(), request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  }
  std::string got;
  const std::uint64_t start = now_ms();
  for (;;) {
    EXPECT_LT(now_ms() - start, liveness_bound_ms) << "liveness bound hit";
    if (now_ms() - start >= liveness_bound_ms) break;
    step(s, now_ms());
    char buf[4096];
    const ssize_t n = ::recv(fd->get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) break;
  }
  return got;
}

TEST(MetricsHttp, RouteOf) {
  EXPECT_EQ(route_of("GET /metrics HTTP/1.0\r\n"), http_route::incomplete);
  EXPECT_EQ(route_of("GET /metrics HTTP/1.0\r\n\r\n"), http_route::metrics);
  EXPECT_EQ(route_of("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), http_route::metrics);
  EXPECT_EQ(route_of("GET /metrics HTTP/1.1\n\n"), http_route::metrics);
  EXPECT_EQ(route_of("GET / HTTP/1.0\r\n\r\n"), http_route::not_found);
  EXPECT_EQ(route_of("POST /metrics HTTP/1.0\r\n\r\n"), http_route::not_found);
  EXPECT_EQ(route_of("GET /metricsx HTTP/1.0\r\n\r\n"), http_route::not_found);
  EXPECT_EQ(route_of("GET /metrics\r\n\r\n"), http_route::bad_request);
  EXPECT_EQ(route_of("GET /metrics FTP/1.0\r\n\r\n"), http_route::bad_request);
  EXPECT_EQ(route_of("GET  /metrics HTTP/1.0\r\n\r\n"), http_route::bad_request);
  EXPECT_EQ(route_of("\x16\x03\x01 junk\r\n\r\n"), http_route::bad_request);
}

TEST(MetricsHttp, ScrapeServesTheRegistryText) {
  auto server = metrics_http_server::listen({"127.0.0.1", 0});
  ASSERT_TRUE(server.has_value()) << to_string(server.error());
  node_metrics m;
  m.set_peers_connected(3);
  server->set_source([&] { return m.render(); });
  const std::string reply = http_exchange(*server, "GET /metrics HTTP/1.0\r\nHost: x\r\n\r\n");
  ASSERT_EQ(reply.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << reply;
  EXPECT_NE(reply.find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
  const std::string body = m.render();
  EXPECT_NE(reply.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(reply.substr(reply.find("\r\n\r\n") + 4), body);
  EXPECT_NE(reply.find("\nclearway_peers_connected 3\n"), std::string::npos);
  EXPECT_EQ(server->scrapes_served(), 1u);
}

TEST(MetricsHttp, EverythingElseIsRefusedByStatus) {
  metrics_http_limits limits;
  limits.max_request_bytes = 512;
  auto server = metrics_http_server::listen({"127.0.0.1", 0}, limits);
  ASSERT_TRUE(server.has_value());
  server->set_source([] { return std::string("x 1\n"); });
  EXPECT_EQ(http_exchange(*server, "GET / HTTP/1.0\r\n\r\n").rfind("HTTP/1.0 404 ", 0), 0u);
  EXPECT_EQ(http_exchange(*server, "DELETE /metrics HTTP/1.0\r\n\r\n").rfind("HTTP/1.0 404 ", 0), 0u);
  EXPECT_EQ(http_exchange(*server, "hello there\r\n\r\n").rfind("HTTP/1.0 400 ", 0), 0u);
  EXPECT_EQ(http_exchange(*server, "GET /metrics HTTP/1.0\r\nX: " + std::string(2000, 'a')).rfind("HTTP/1.0 431 ", 0), 0u);
  EXPECT_EQ(server->scrapes_served(), 0u);
  EXPECT_EQ(server->connection_count(), 0u);
  EXPECT_EQ(http_exchange(*server, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.0 200 ", 0), 0u);
}

TEST(MetricsHttp, SilentClientIsDroppedAndCapHolds) {
  metrics_http_limits limits;
  limits.max_connections = 1;
  limits.request_timeout_ms = 1'000;
  auto server = metrics_http_server::listen({"127.0.0.1", 0}, limits);
  ASSERT_TRUE(server.has_value());
  auto silent = connect_tcp({"127.0.0.1", server->port()});
  ASSERT_TRUE(silent.has_value());
  const std::uint64_t start = now_ms();
  while (server->connection_count() == 0) {
    ASSERT_LT(now_ms() - start, liveness_bound_ms);
    step(*server, now_ms());
  }
  // Over the cap: closed at once, no answer.
  EXPECT_EQ(http_exchange(*server, "GET /metrics HTTP/1.0\r\n\r\n"), "");
  // The handed-in clock passes the timeout: the silent one is dropped.
  step(*server, now_ms() + 5'000);
  EXPECT_EQ(server->connection_count(), 0u);
  EXPECT_EQ(http_exchange(*server, "GET /metrics HTTP/1.0\r\n\r\n").rfind("HTTP/1.0 200 ", 0), 0u);
}

}  // namespace
