// rpc_server over real sockets (unix and loopback TCP), driven the way the daemon drives it: one
// poll loop on this thread. Answers now or later, bad frame lengths answered by name and closed,
// one request at a time per connection, the connection cap, idle connections closed, and the
// socket file removed by close(). Every wait is "until X", bounded by a liveness limit.
#include "node/rpc/rpc_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "node/rpc/rpc_codec.hpp"
#include "node/rpc/rpc_frame.hpp"
#include "node/socket/nonblocking_io.hpp"

namespace {

using namespace clearway::node;
using namespace clearway::node::rpc;

constexpr std::uint64_t liveness_bound_ms = 20'000;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch()).count());
}

std::string temp_dir() {
  std::string pattern = ::testing::TempDir() + "clearway_rpcsrv_XXXXXX";
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  return pattern;
}

void step(rpc_server& s, std::uint64_t at_ms) {
  std::vector<pollfd> fds;
  s.add_pollfds(fds);
  (void)::poll(fds.data(), fds.size(), 10);
  s.on_poll(fds, at_ms);
}

void run_until(rpc_server& s, const std::function<bool()>& done) {
  const std::uint64_t start = now_ms();
  while (!done()) {
    ASSERT_LT(now_ms() - start, liveness_bound_ms) << "liveness bound hit";
    step(s, now_ms());
  }
}

std::string framed(std::string_view body) {
  auto f = encode_frame(body);
  return std::string(f->begin(), f->end());
}

// A client on a blocking socket, read without blocking so the server can be stepped meanwhile.
struct client {
  explicit client(unique_fd f) : fd(std::move(f)) {}
  unique_fd fd;
  std::string in;
  bool closed = false;
  void send(std::string_view bytes) { ASSERT_EQ(::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }
  void pump() {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::recv(fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) { in.append(buf, static_cast<std::size_t>(n)); continue; }
      if (n == 0) closed = true;
      return;
    }
  }
  std::optional<std::string> frame() {
    auto split = split_frame(std::span(reinterpret_cast<const std::uint8_t*>(in.data()), in.size()));
    if (!split || !*split) return std::nullopt;
    std::string body((*split)->body);
    in.erase(0, (*split)->consumed);
    return body;
  }
};

std::string await_frame(rpc_server& s, client& c) {
  std::optional<std::string> got;
  run_until(s, [&] { c.pump(); got = c.frame(); return got.has_value() || c.closed; });
  return got.value_or("");
}

TEST(RpcServer, UnixSocketAnswersNowAndLaterThenRemovesTheFile) {
  const std::string path = temp_dir() + "/rpc.sock";
  auto server = rpc_server::listen_unix(path);
  ASSERT_TRUE(server.has_value()) << to_string(server.error());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  std::vector<std::pair<rpc_connection_id, std::string>> seen;
  std::optional<rpc_connection_id> deferred;
  server->set_handler([&](rpc_connection_id id, std::string_view body) {
    seen.emplace_back(id, std::string(body));
    if (body == "later") {
      deferred = id;
    } else {
      EXPECT_TRUE(server->respond(id, std::string("echo:") + std::string(body)));
    }
  });
  client c{*connect_unix(path)};
  c.send(framed("one") + framed("later") + framed("three"));  // pipelined
  EXPECT_EQ(await_frame(*server, c), "echo:one");
  run_until(*server, [&] { return deferred.has_value(); });
  // One request at a time: "three" waits until "later" is answered.
  for (int i = 0; i < 20; ++i) step(*server, now_ms());
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_TRUE(server->respond(*deferred, "done-later"));
  EXPECT_EQ(await_frame(*server, c), "done-later");
  EXPECT_EQ(await_frame(*server, c), "echo:three");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].first, seen[2].first);

  server->close();
  EXPECT_NE(::stat(path.c_str(), &st), 0);
}

TEST(RpcServer, BadFrameLengthsAreAnsweredByNameAndClosed) {
  auto server = rpc_server::listen_tcp({"127.0.0.1", 0});
  ASSERT_TRUE(server.has_value());
  int handled = 0;
  server->set_handler([&](rpc_connection_id id, std::string_view) { ++handled; (void)server->respond(id, "{}"); });
  for (const auto& [header, name] : std::vector<std::pair<std::string, std::string>>{
           {std::string("\x00\x00\x00\x00", 4), "frame_empty"},
           {std::string("\x00\x10\x00\x01", 4), "frame_too_large"}}) {
    client c{*connect_tcp({"127.0.0.1", server->port()})};
    c.send(header);
    const std::string body = await_frame(*server, c);
    auto reply = parse_response(body);
    ASSERT_TRUE(reply.has_value()) << body;
    ASSERT_TRUE(std::holds_alternative<rpc_error_reply>(reply->outcome));
    EXPECT_EQ(std::get<rpc_error_reply>(reply->outcome).name, name);
    run_until(*server, [&] { c.pump(); return c.closed; });
  }
  EXPECT_EQ(handled, 0);
  // The server still serves.
  client ok{*connect_tcp({"127.0.0.1", server->port()})};
  ok.send(framed("x"));
  EXPECT_EQ(await_frame(*server, ok), "{}");
}

TEST(RpcServer, ConnectionCapAndIdleTimeout) {
  rpc_server_limits limits;
  limits.max_connections = 2;
  limits.idle_timeout_ms = 1'000;
  auto server = rpc_server::listen_tcp({"127.0.0.1", 0}, limits);
  ASSERT_TRUE(server.has_value());
  server->set_handler([&](rpc_connection_id id, std::string_view) { (void)server->respond(id, "{}"); });
  client a{*connect_tcp({"127.0.0.1", server->port()})};
  client b{*connect_tcp({"127.0.0.1", server->port()})};
  run_until(*server, [&] { return server->connection_count() == 2; });
  client over{*connect_tcp({"127.0.0.1", server->port()})};
  run_until(*server, [&] { over.pump(); return over.closed; });
  EXPECT_EQ(server->connection_count(), 2u);
  // Idle: the clock handed in says more than idle_timeout_ms passed with no request.
  a.send(framed("keep"));
  EXPECT_EQ(await_frame(*server, a), "{}");
  step(*server, now_ms() + 5'000);
  EXPECT_EQ(server->connection_count(), 0u);
  run_until(*server, [&] { a.pump(); b.pump(); return a.closed && b.closed; });
}

TEST(RpcServer, ClientThatLeavesBeforeTheAnswerIsDropped) {
  auto server = rpc_server::listen_tcp({"127.0.0.1", 0});
  ASSERT_TRUE(server.has_value());
  std::optional<rpc_connection_id> pending;
  server->set_handler([&](rpc_connection_id id, std::string_view) { pending = id; });
  {
    client c{*connect_tcp({"127.0.0.1", server->port()})};
    c.send(framed("wait"));
    run_until(*server, [&] { return pending.has_value(); });
  }
  // The answer finds the socket closed by the peer: queued or refused, never a crash, and the
  // connection goes away.
  (void)server->respond(*pending, "late");
  run_until(*server, [&] { return server->connection_count() == 0; });
  EXPECT_FALSE(server->respond(*pending, "again"));
}

}  // namespace
