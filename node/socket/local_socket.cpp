#include "node/socket/local_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clearway::node {
namespace {

result<sockaddr_in, socket_setup_error> ipv4_address(const config::host_port& address) {
  const auto literal = ipv4_literal(address.host);
  if (!literal) return socket_setup_error::address_not_ipv4;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(address.port);
  if (inet_pton(AF_INET, literal->c_str(), &addr.sin_addr) != 1) return socket_setup_error::address_not_ipv4;
  return addr;
}

result<sockaddr_un, socket_setup_error> unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) return socket_setup_error::path_too_long;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

socket_setup_error bind_error() noexcept {
  return errno == EADDRINUSE ? socket_setup_error::address_in_use : socket_setup_error::bind_failed;
}

socket_setup_error connect_error() noexcept {
  return errno == ENOENT || errno == ECONNREFUSED ? socket_setup_error::not_running : socket_setup_error::connect_failed;
}

}  // namespace

std::string_view to_string(socket_setup_error e) noexcept {
  switch (e) {
    case socket_setup_error::address_not_ipv4: return "address_not_ipv4";
    case socket_setup_error::path_too_long: return "path_too_long";
    case socket_setup_error::socket_failed: return "socket_failed";
    case socket_setup_error::address_in_use: return "address_in_use";
    case socket_setup_error::bind_failed: return "bind_failed";
    case socket_setup_error::listen_failed: return "listen_failed";
    case socket_setup_error::not_running: return "not_running";
    case socket_setup_error::connect_failed: return "connect_failed";
  }
  return "socket_failed";
}

std::optional<std::string> ipv4_literal(std::string_view host) {
  if (host == "localhost") return std::string("127.0.0.1");
  in_addr probe{};
  const std::string text(host);
  if (inet_pton(AF_INET, text.c_str(), &probe) != 1) return std::nullopt;
  return text;
}

result<unique_fd, socket_setup_error> listen_tcp(const config::host_port& address, int backlog) {
  auto addr = ipv4_address(address);
  if (!addr) return addr.error();
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return socket_setup_error::socket_failed;
  const int one = 1;
  (void)setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) return bind_error();
  if (::listen(fd.get(), backlog) != 0) return socket_setup_error::listen_failed;
  return fd;
}

result<unique_fd, socket_setup_error> listen_unix(const std::string& path, unsigned mode, int backlog) {
  auto addr = unix_address(path);
  if (!addr) return addr.error();
  unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return socket_setup_error::socket_failed;
  // The file is created by bind(2) with the umask applied: mask everything `mode` does not grant,
  // so it is never reachable more widely, not even between bind and chmod.
  const mode_t old_mask = ::umask(static_cast<mode_t>(~mode & 0777));
  const int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr);
  const socket_setup_error failure = bind_error();
  ::umask(old_mask);
  if (rc != 0) return failure;
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0 || ::listen(fd.get(), backlog) != 0) {
    ::unlink(path.c_str());
    return socket_setup_error::listen_failed;
  }
  return fd;
}

std::uint16_t bound_port(int fd) noexcept {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0 || addr.ss_family != AF_INET) return 0;
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

std::string peer_address(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  if (addr.ss_family == AF_UNIX) return "unix";
  if (addr.ss_family != AF_INET) return "";
  const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
  char text[INET_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text) == nullptr) return "";
  return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
}

unique_fd accept_nonblocking(int listen_fd) noexcept {
  for (;;) {
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) return unique_fd(fd);
    if (errno != EINTR) return unique_fd();  // EAGAIN: none pending; others: retried on the next wake-up
  }
}

result<unique_fd, socket_setup_error> connect_tcp(const config::host_port& address) {
  auto addr = ipv4_address(address);
  if (!addr) return addr.error();
  unique_fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return socket_setup_error::socket_failed;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) return connect_error();
  const int one = 1;
  (void)setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

result<unique_fd, socket_setup_error> connect_unix(const std::string& path) {
  auto addr = unix_address(path);
  if (!addr) return addr.error();
  unique_fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return socket_setup_error::socket_failed;
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) return connect_error();
  return fd;
}

}  // namespace clearway::node
