// One peer as a pure state machine: the BOLT 8 session underneath, BOLT 1 on top. Fed bytes and
// the current time (milliseconds from any fixed origin; injected, so tests and fuzzers replay
// exactly), it returns bytes to send and queues the messages the application must see (error,
// warning, channel messages). It handles by itself:
//  - init: sent as soon as the handshake finishes; the peer's first message must be init, and an
//    init with a required feature we do not know ends the connection;
//  - ping/pong: answers pings (none for num_pong_bytes >= 65532), checks that a pong answers an
//    outstanding ping with the right length; unknown odd messages are dropped;
//  - limits: a handshake+init deadline, a token bucket on received messages (flood), the frame
//    size limit, and a byte cap applied to each direction separately:
//      inbound (partial frame + messages not yet taken by the application): the caller must feed
//      at most inbound_room() bytes (the TCP layer stops reading when it is 0, so a slow
//      application pushes back on the peer through TCP flow control); feeding more is refused;
//      outbound (bytes not yet written): automatic replies (pongs) that push it over the cap mean
//      the peer does not read what it asks for -> buffer_limit; an application send that would
//      go over is refused (buffer_limit) without ending the session: wait for writes.
// The first problem is final: a disconnect_reason, after which the session must be dropped.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "node/transport/noise_session.hpp"
#include "node/transport/wire_codec.hpp"

namespace clearway::node::transport {

enum class disconnect_reason {
  handshake_failed = 1,      // an act failed (bad version, key or MAC); see noise_failure()
  handshake_timeout,         // handshake and init not finished by the deadline
  bad_frame,                 // a frame failed its MAC (tampered, garbage); see noise_failure()
  frame_too_large,           // a frame longer than the message limit
  malformed_message,         // a BOLT 1 message failed its codec; see wire_failure()
  unknown_even_message,      // an even message type we do not know (BOLT 1: fail the connection)
  init_expected,             // the first message after the handshake was not init
  duplicate_init,            // a second init
  unknown_required_feature,  // the peer's init requires a feature we do not know
  unexpected_pong,           // a pong with no ping outstanding, or with the wrong length
  flood,                     // more messages than the rate limit allows
  buffer_limit,              // the peer made us queue more than the per-peer byte cap
  peer_closed,               // the peer closed the connection
  truncated_stream,          // the peer closed inside a handshake act or a frame
  io_error,                  // a socket error
  local_close,               // we closed it
};

[[nodiscard]] std::string_view to_string(disconnect_reason r) noexcept;

struct peer_limits {
  std::uint64_t handshake_timeout_ms = 10'000;  // from start until both inits are exchanged
  std::size_t max_message_bytes = max_frame_message_bytes;
  // Per direction: inbound (partial frame + inbox) and outbound (unsent). Raised to at least one
  // whole frame (max_message_bytes + 34), so a legal maximum-size frame always fits.
  std::size_t max_buffered_bytes = 1u << 20;
  std::uint32_t max_messages_per_second = 1'000;
  std::uint32_t message_burst = 2'000;          // token bucket capacity
};

class peer_session {
 public:
  [[nodiscard]] static result<peer_session, noise_error> initiator(const crypto::secret_key& local_static,
                                                                   const node_id& remote_static,
                                                                   const crypto::secret_key& ephemeral,
                                                                   init_message local_init, peer_limits limits,
                                                                   std::uint64_t now_ms);
  [[nodiscard]] static peer_session responder(const crypto::secret_key& local_static,
                                              const crypto::secret_key& ephemeral, init_message local_init,
                                              peer_limits limits, std::uint64_t now_ms);

  // Initiator: appends act one. Responder: nothing.
  void start(byte_vector& out);
  // Bytes from the peer (at most inbound_room()). `out` holds exactly the caller's unsent output,
  // so its size is the outbound side of the cap.
  [[nodiscard]] status<disconnect_reason> on_bytes(byte_span in, std::uint64_t now_ms, byte_vector& out);
  // The peer closed its side.
  [[nodiscard]] disconnect_reason on_end_of_stream();
  // Checks deadlines; call at least every few hundred ms.
  [[nodiscard]] status<disconnect_reason> on_tick(std::uint64_t now_ms);
  // Sends a message (not init, which is automatic). Fails with local errors only before ready().
  [[nodiscard]] status<disconnect_reason> send(const wire_message& m, byte_vector& out);
  // Sends a ping and remembers it, so the pong can be checked.
  [[nodiscard]] status<disconnect_reason> send_ping(std::uint16_t num_pong_bytes, byte_vector& out);
  // Ends the session from our side.
  void close(disconnect_reason why) noexcept;

  // Both inits exchanged: channel messages may flow.
  [[nodiscard]] bool ready() const noexcept { return remote_init_.has_value() && !failure_; }
  [[nodiscard]] std::optional<disconnect_reason> failure() const noexcept { return failure_; }
  [[nodiscard]] std::optional<noise_error> noise_failure() const noexcept { return session_.failure(); }
  [[nodiscard]] std::optional<wire_error> wire_failure() const noexcept { return wire_failure_; }
  [[nodiscard]] std::optional<node_id> remote_node() const noexcept { return session_.remote_node(); }
  [[nodiscard]] const std::optional<init_message>& remote_init() const noexcept { return remote_init_; }
  // Messages for the application (error, warning, channel), oldest first.
  [[nodiscard]] std::deque<wire_message> take_inbox();
  [[nodiscard]] std::size_t pongs_received() const noexcept { return pongs_received_; }
  // Inbound bytes held: the partial frame plus the plaintext of messages in the inbox. Never more
  // than the ciphertext fed, so feeding at most inbound_room() keeps it under the cap.
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return session_.buffered_bytes() + inbox_bytes_; }
  [[nodiscard]] std::size_t inbound_room() const noexcept {
    return buffered_bytes() >= limits_.max_buffered_bytes ? 0 : limits_.max_buffered_bytes - buffered_bytes();
  }
  [[nodiscard]] const peer_limits& limits() const noexcept { return limits_; }

 private:
  peer_session(noise_session s, init_message local_init, peer_limits limits, std::uint64_t now_ms);
  [[nodiscard]] status<disconnect_reason> handle(const byte_vector& raw, std::uint64_t now_ms, byte_vector& out);
  [[nodiscard]] status<disconnect_reason> send_raw(const wire_message& m, byte_vector& out);
  [[nodiscard]] bool take_token(std::uint64_t now_ms) noexcept;
  disconnect_reason fail(disconnect_reason r) noexcept;

  noise_session session_;
  init_message local_init_;
  peer_limits limits_;
  std::uint64_t started_ms_;
  bool init_sent_ = false;
  std::optional<init_message> remote_init_;
  std::optional<disconnect_reason> failure_;
  std::optional<wire_error> wire_failure_;
  std::deque<std::uint16_t> pings_outstanding_;  // num_pong_bytes of each ping that expects a pong
  std::size_t pongs_received_ = 0;
  std::deque<wire_message> inbox_;
  std::size_t inbox_bytes_ = 0;
  // Token bucket in milli-tokens, so integer arithmetic refills smoothly.
  std::uint64_t tokens_milli_;
  std::uint64_t last_refill_ms_;
};

}  // namespace clearway::node::transport
