// A peer over TCP: a non-blocking POSIX socket driven by poll(2), with a peer_session inside.
//
// Why poll and not a thread per connection: a router holds many mostly idle peers, and one
// poll loop serves them all without a thread (and stack) each; every limit (handshake deadline,
// rate, buffered bytes) is checked in one place on one thread, so there are no locks; and the
// pure peer_session stays the only place with protocol logic. A busy node can run several loops.
//
// All sockets are non-blocking. A connection never holds more than its peer_limits allow in
// each direction: it reads only as much as the inbound room allows and stops polling for input
// while the application has not taken its inbox (TCP flow control then slows the peer); a peer
// that makes our output pile up, or breaks any protocol rule, is disconnected at once with a
// named disconnect_reason (BOLT 8: terminate without further messages).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "node/transport/peer_session.hpp"

namespace clearway::node::transport {

enum class socket_error {
  socket_failed = 1,  // socket(2) failed
  bind_failed,        // the address or port is taken or not allowed
  listen_failed,
  connect_failed,     // connect(2) failed immediately
  bad_address,        // not an IPv4 dotted quad
};
[[nodiscard]] std::string_view to_string(socket_error e) noexcept;

// Milliseconds on the monotonic clock (the I/O shell's only clock).
[[nodiscard]] std::uint64_t monotonic_ms() noexcept;

class tcp_listener {
 public:
  // Listens on address:port (port 0 = any free port); non-blocking.
  [[nodiscard]] static result<tcp_listener, socket_error> listen(const std::string& ipv4_address, std::uint16_t port);
  tcp_listener(tcp_listener&& other) noexcept;
  tcp_listener& operator=(tcp_listener&& other) noexcept;
  tcp_listener(const tcp_listener&) = delete;
  tcp_listener& operator=(const tcp_listener&) = delete;
  ~tcp_listener();

  [[nodiscard]] int fd() const noexcept { return fd_; }
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // Accepts every pending connection (non-blocking fds; the caller owns them).
  [[nodiscard]] std::vector<int> accept_pending();

 private:
  tcp_listener(int fd, std::uint16_t port) noexcept : fd_(fd), port_(port) {}
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

class peer_connection {
 public:
  // Starts a non-blocking connect and queues act one.
  [[nodiscard]] static result<std::unique_ptr<peer_connection>, socket_error> connect(
      const std::string& ipv4_address, std::uint16_t port, const crypto::secret_key& local_static,
      const node_id& remote_static, init_message local_init, peer_limits limits);
  // Takes an accepted socket and runs the responder side.
  [[nodiscard]] static std::unique_ptr<peer_connection> accept(int fd, const crypto::secret_key& local_static,
                                                               init_message local_init, peer_limits limits);
  peer_connection(const peer_connection&) = delete;
  peer_connection& operator=(const peer_connection&) = delete;
  ~peer_connection();

  // -1 once closed.
  [[nodiscard]] int fd() const noexcept { return fd_; }
  // The poll(2) events this connection waits for.
  [[nodiscard]] short wanted_events() const noexcept;
  // Does the I/O poll(2) reported, then runs the session and deadlines.
  void on_poll(short revents);
  // Deadlines only (call when poll timed out).
  void on_tick();

  [[nodiscard]] status<disconnect_reason> send(const wire_message& m);
  [[nodiscard]] status<disconnect_reason> send_ping(std::uint16_t num_pong_bytes);
  void close(disconnect_reason why);

  [[nodiscard]] std::deque<wire_message> take_inbox() { return session_.take_inbox(); }
  [[nodiscard]] bool ready() const noexcept { return fd_ >= 0 && session_.ready(); }
  [[nodiscard]] bool closed() const noexcept { return fd_ < 0; }
  [[nodiscard]] std::optional<disconnect_reason> reason() const noexcept { return session_.failure(); }
  [[nodiscard]] const peer_session& session() const noexcept { return session_; }
  // Unsent output (the application should wait while this is high: backpressure).
  [[nodiscard]] std::size_t unsent_bytes() const noexcept { return unsent(); }
  // Inbound bytes held (partial frame + inbox).
  [[nodiscard]] std::size_t inbound_bytes() const noexcept { return session_.buffered_bytes(); }
  // The most bytes ever held in each direction (for tests of the cap).
  [[nodiscard]] std::size_t peak_unsent_bytes() const noexcept { return peak_unsent_; }
  [[nodiscard]] std::size_t peak_inbound_bytes() const noexcept { return peak_inbound_; }
  // Raw bytes read from / written to the socket since the connection started (handshake included).
  [[nodiscard]] std::uint64_t bytes_received() const noexcept { return bytes_received_; }
  [[nodiscard]] std::uint64_t bytes_sent() const noexcept { return bytes_sent_; }

 private:
  peer_connection(int fd, bool connecting, peer_session session);
  [[nodiscard]] std::size_t unsent() const noexcept { return out_.size() - out_sent_; }
  void read_available();
  void write_pending();
  void after_session_call(status<disconnect_reason> st);
  void note_peaks() noexcept;
  void shut();

  int fd_;
  bool connecting_;
  peer_session session_;
  byte_vector out_;
  std::size_t out_sent_ = 0;
  std::size_t peak_unsent_ = 0;
  std::size_t peak_inbound_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bytes_sent_ = 0;
};

// One poll(2) over the connections (and the listener, if any) for at most timeout_ms; then
// on_poll/on_tick for each. Accepted sockets are appended to `accepted`.
void poll_once(std::span<peer_connection* const> connections, int timeout_ms, tcp_listener* listener = nullptr,
               std::vector<int>* accepted = nullptr);

}  // namespace clearway::node::transport
