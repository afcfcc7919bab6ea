#include "node/socket/nonblocking_io.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

namespace clearway::node {

io_outcome read_available(int fd, std::string& in, std::size_t cap) {
  std::array<char, 16384> buf;
  while (in.size() < cap) {
    const std::size_t want = std::min(buf.size(), cap - in.size());
    const ssize_t n = ::recv(fd, buf.data(), want, 0);
    if (n > 0) {
      in.append(buf.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) return io_outcome::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return io_outcome::open;
    return io_outcome::failed;
  }
  return io_outcome::open;
}

io_outcome write_pending(int fd, std::string& out) {
  std::size_t written = 0;
  io_outcome outcome = io_outcome::open;
  while (written < out.size()) {
    const ssize_t n = ::send(fd, out.data() + written, out.size() - written, MSG_NOSIGNAL);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    outcome = io_outcome::failed;
    break;
  }
  out.erase(0, written);
  return outcome;
}

}  // namespace clearway::node
