// The socket helpers on real sockets: a unix listener gets mode 0600 and refuses an existing path,
// a TCP listener on port 0 reports its port, clients see not_running where nobody listens.
#include "node/socket/local_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "node/socket/nonblocking_io.hpp"

namespace {

using namespace clearway::node;

std::string temp_dir() {
  std::string pattern = ::testing::TempDir() + "clearway_socket_XXXXXX";
  const char* dir = ::mkdtemp(pattern.data());
  EXPECT_NE(dir, nullptr);
  return pattern;
}

TEST(LocalSocket, Ipv4LiteralsOnly) {
  EXPECT_EQ(ipv4_literal("localhost"), "127.0.0.1");
  EXPECT_EQ(ipv4_literal("10.1.2.3"), "10.1.2.3");
  EXPECT_FALSE(ipv4_literal("example.com").has_value());
  EXPECT_FALSE(ipv4_literal("::1").has_value());
  EXPECT_FALSE(ipv4_literal("256.1.1.1").has_value());
  auto r = listen_tcp({"example.com", 1});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), socket_setup_error::address_not_ipv4);
}

TEST(LocalSocket, UnixListenerIsPrivateAndExclusive) {
  const std::string path = temp_dir() + "/s.sock";
  auto listener = listen_unix(path, 0600);
  ASSERT_TRUE(listener.has_value()) << to_string(listener.error());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = listen_unix(path, 0600);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error(), socket_setup_error::address_in_use);

  auto client = connect_unix(path);
  ASSERT_TRUE(client.has_value());
  unique_fd served;
  for (int i = 0; i < 2000 && !served.valid(); ++i) served = accept_nonblocking(listener->get());
  ASSERT_TRUE(served.valid());
  EXPECT_EQ(peer_address(served.get()), "unix");
  ASSERT_EQ(::send(client->get(), "hello", 5, 0), 5);
  std::string in;
  for (int i = 0; i < 2000 && in.size() < 5; ++i) (void)read_available(served.get(), in, 5);
  EXPECT_EQ(in, "hello");
  client->reset();
  std::string rest;
  io_outcome end = io_outcome::open;
  for (int i = 0; i < 2000 && end == io_outcome::open; ++i) end = read_available(served.get(), rest, 64);
  EXPECT_EQ(end, io_outcome::closed);
  ::unlink(path.c_str());
  auto gone = connect_unix(path);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error(), socket_setup_error::not_running);
  EXPECT_EQ(connect_unix(std::string(200, 'x')).error(), socket_setup_error::path_too_long);
}

TEST(LocalSocket, TcpPortZeroAndNotRunning) {
  auto listener = listen_tcp({"127.0.0.1", 0});
  ASSERT_TRUE(listener.has_value());
  const std::uint16_t port = bound_port(listener->get());
  ASSERT_NE(port, 0);
  auto taken = listen_tcp({"127.0.0.1", port});
  // SO_REUSEADDR does not allow two listeners on one port.
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error(), socket_setup_error::address_in_use);
  auto client = connect_tcp({"localhost", port});
  ASSERT_TRUE(client.has_value());
  unique_fd served;
  for (int i = 0; i < 2000 && !served.valid(); ++i) served = accept_nonblocking(listener->get());
  ASSERT_TRUE(served.valid());
  EXPECT_EQ(peer_address(served.get()).rfind("127.0.0.1:", 0), 0u);
  listener->reset();
  auto refused = connect_tcp({"127.0.0.1", port});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error(), socket_setup_error::not_running);
}

}  // namespace
