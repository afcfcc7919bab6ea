#include "node/transport/peer_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>

namespace clearway::node::transport {

namespace {

// One read(2) at most this big; at most this many reads per poll wake-up, so one busy peer
// cannot starve the others.
constexpr std::size_t read_chunk_bytes = 64 * 1024;
constexpr int reads_per_wakeup = 16;

bool set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

bool parse_ipv4(const std::string& address, std::uint16_t port, sockaddr_in& out) {
  out = {};
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  return inet_pton(AF_INET, address.c_str(), &out.sin_addr) == 1;
}

}  // namespace

std::string_view to_string(socket_error e) noexcept {
  switch (e) {
    case socket_error::socket_failed: return "socket_failed";
    case socket_error::bind_failed: return "bind_failed";
    case socket_error::listen_failed: return "listen_failed";
    case socket_error::connect_failed: return "connect_failed";
    case socket_error::bad_address: return "bad_address: not an IPv4 address";
  }
  return "unknown_socket_error";
}

std::uint64_t monotonic_ms() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// ---- tcp_listener ----

result<tcp_listener, socket_error> tcp_listener::listen(const std::string& ipv4_address, std::uint16_t port) {
  sockaddr_in addr;
  if (!parse_ipv4(ipv4_address, port, addr)) return socket_error::bad_address;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return socket_error::socket_failed;
  const int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return socket_error::bind_failed;
  }
  if (::listen(fd, 64) != 0) {
    ::close(fd);
    return socket_error::listen_failed;
  }
  socklen_t len = sizeof addr;
  (void)getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return tcp_listener(fd, ntohs(addr.sin_port));
}

tcp_listener::tcp_listener(tcp_listener&& other) noexcept : fd_(other.fd_), port_(other.port_) { other.fd_ = -1; }

tcp_listener& tcp_listener::operator=(tcp_listener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    port_ = other.port_;
    other.fd_ = -1;
  }
  return *this;
}

tcp_listener::~tcp_listener() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<int> tcp_listener::accept_pending() {
  std::vector<int> out;
  for (;;) {
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;  // EAGAIN: none left (other errors: try again on the next wake-up)
    const int one = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    out.push_back(fd);
  }
  return out;
}

// ---- peer_connection ----

peer_connection::peer_connection(int fd, bool connecting, peer_session session)
    : fd_(fd), connecting_(connecting), session_(std::move(session)) {}

peer_connection::~peer_connection() { shut(); }

result<std::unique_ptr<peer_connection>, socket_error> peer_connection::connect(
    const std::string& ipv4_address, std::uint16_t port, const crypto::secret_key& local_static,
    const node_id& remote_static, init_message local_init, peer_limits limits) {
  sockaddr_in addr;
  if (!parse_ipv4(ipv4_address, port, addr)) return socket_error::bad_address;
  auto session = peer_session::initiator(local_static, remote_static, random_secret_key(), std::move(local_init),
                                         limits, monotonic_ms());
  if (!session) return socket_error::connect_failed;  // remote_static is not a valid key
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return socket_error::socket_failed;
  const int one = 1;
  (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return socket_error::connect_failed;
  }
  auto conn = std::unique_ptr<peer_connection>(new peer_connection(fd, rc != 0, std::move(*session)));
  conn->session_.start(conn->out_);
  return conn;
}

std::unique_ptr<peer_connection> peer_connection::accept(int fd, const crypto::secret_key& local_static,
                                                         init_message local_init, peer_limits limits) {
  (void)set_nonblocking(fd);
  return std::unique_ptr<peer_connection>(new peer_connection(
      fd, false,
      peer_session::responder(local_static, random_secret_key(), std::move(local_init), limits, monotonic_ms())));
}

short peer_connection::wanted_events() const noexcept {
  if (fd_ < 0) return 0;
  if (connecting_) return POLLOUT;
  short events = 0;
  if (session_.inbound_room() > 0) events |= POLLIN;  // else: wait for the application to take its inbox
  if (unsent() > 0) events |= POLLOUT;
  return events;
}

void peer_connection::shut() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  out_.clear();
  out_.shrink_to_fit();
  out_sent_ = 0;
}

void peer_connection::close(disconnect_reason why) {
  session_.close(why);
  shut();
}

void peer_connection::note_peaks() noexcept {
  peak_unsent_ = std::max(peak_unsent_, unsent());
  peak_inbound_ = std::max(peak_inbound_, session_.buffered_bytes());
}

void peer_connection::after_session_call(status<disconnect_reason> st) {
  note_peaks();
  if (!st || session_.failure()) shut();
}

void peer_connection::on_poll(short revents) {
  if (fd_ < 0) return;
  if (connecting_ && (revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
      close(disconnect_reason::io_error);
      return;
    }
    connecting_ = false;
  }
  if (connecting_) return;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_available();
  if (fd_ >= 0 && unsent() > 0) write_pending();
  on_tick();
}

void peer_connection::read_available() {
  std::array<std::uint8_t, read_chunk_bytes> buf;
  for (int i = 0; i < reads_per_wakeup && fd_ >= 0; ++i) {
    // Never read more than the inbound room: a peer cannot make us hold more, and while the
    // application has not taken its inbox the bytes wait in the kernel (TCP flow control).
    const std::size_t room = session_.inbound_room();
    if (room == 0) return;
    const ssize_t n = ::recv(fd_, buf.data(), std::min(buf.size(), room), 0);
    if (n > 0) {
      bytes_received_ += static_cast<std::uint64_t>(n);
      after_session_call(session_.on_bytes(byte_span(buf.data(), static_cast<std::size_t>(n)), monotonic_ms(), out_));
      continue;
    }
    if (n == 0) {
      (void)session_.on_end_of_stream();
      shut();
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    if (errno == EINTR) continue;
    close(disconnect_reason::io_error);
    return;
  }
}

void peer_connection::write_pending() {
  while (fd_ >= 0 && unsent() > 0) {
    const ssize_t n = ::send(fd_, out_.data() + out_sent_, unsent(), MSG_NOSIGNAL);
    if (n > 0) {
      out_sent_ += static_cast<std::size_t>(n);
      bytes_sent_ += static_cast<std::uint64_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    close(disconnect_reason::io_error);
    return;
  }
  // Keep out_ exactly the unsent bytes: peer_session reads its size as the outbound backlog.
  out_.erase(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(out_sent_));
  out_sent_ = 0;
}

void peer_connection::on_tick() {
  if (fd_ < 0) return;
  after_session_call(session_.on_tick(monotonic_ms()));
}

status<disconnect_reason> peer_connection::send(const wire_message& m) {
  if (fd_ < 0) return session_.failure().value_or(disconnect_reason::local_close);
  auto st = session_.send(m, out_);
  note_peaks();
  if (session_.failure()) shut();
  if (st && fd_ >= 0 && !connecting_) write_pending();
  return st;
}

status<disconnect_reason> peer_connection::send_ping(std::uint16_t num_pong_bytes) {
  if (fd_ < 0) return session_.failure().value_or(disconnect_reason::local_close);
  auto st = session_.send_ping(num_pong_bytes, out_);
  note_peaks();
  if (session_.failure()) shut();
  if (st && fd_ >= 0 && !connecting_) write_pending();
  return st;
}

void poll_once(std::span<peer_connection* const> connections, int timeout_ms, tcp_listener* listener,
               std::vector<int>* accepted) {
  std::vector<pollfd> fds;
  fds.reserve(connections.size() + 1);
  for (auto* c : connections) fds.push_back(pollfd{c->fd(), c->wanted_events(), 0});  // fd -1 is skipped by poll
  if (listener != nullptr) fds.push_back(pollfd{listener->fd(), POLLIN, 0});
  const int rc = ::poll(fds.data(), fds.size(), timeout_ms);
  if (rc < 0) return;  // EINTR: the caller polls again
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (fds[i].revents != 0) {
      connections[i]->on_poll(fds[i].revents);
    } else {
      connections[i]->on_tick();
    }
  }
  if (listener != nullptr && accepted != nullptr && (fds.back().revents & POLLIN) != 0) {
    for (int fd : listener->accept_pending()) accepted->push_back(fd);
  }
}

}  // namespace clearway::node::transport
