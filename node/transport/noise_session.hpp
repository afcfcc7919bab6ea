// A whole BOLT 8 session as a pure state machine: fed the bytes read from a peer, it returns the
// bytes to write back and the decrypted messages; no I/O, clock or randomness (the ephemeral key
// is a parameter). It runs the handshake (acts one to three) and then the framed transport:
//
//   frame = encrypt(u16 big-endian length) (2 + 16 bytes) || encrypt(message) (length + 16 bytes)
//
// Input is consumed incrementally, so the session never buffers more than one act or one frame
// (at most 18 + limit + 16 bytes) whatever a peer sends. The first error is final: the session
// returns it again for every later call and must be dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "node/transport/cipher_state.hpp"
#include "node/transport/handshake.hpp"
#include "node/transport/noise_errors.hpp"

namespace clearway::node::transport {

// BOLT 8: no Lightning message exceeds 65535 bytes.
inline constexpr std::size_t max_frame_message_bytes = 65'535;
inline constexpr std::size_t frame_header_bytes = 2 + mac_bytes;
inline constexpr std::size_t frame_overhead_bytes = frame_header_bytes + mac_bytes;

enum class session_phase { awaiting_act_one, awaiting_act_two, awaiting_act_three, established, failed };

class noise_session {
 public:
  // max_message_bytes (<= 65535): longer frames are refused in both directions.
  [[nodiscard]] static result<noise_session, noise_error> initiator(
      const crypto::secret_key& local_static, const node_id& remote_static, const crypto::secret_key& ephemeral,
      std::size_t max_message_bytes = max_frame_message_bytes) noexcept;
  [[nodiscard]] static noise_session responder(const crypto::secret_key& local_static,
                                               const crypto::secret_key& ephemeral,
                                               std::size_t max_message_bytes = max_frame_message_bytes) noexcept;

  // Initiator: appends act one to `out` (call once, first). Responder: does nothing.
  void start(byte_vector& out);

  // Consumes bytes read from the peer: appends bytes to send to `out` and decrypted messages to
  // `messages`. On error nothing more is appended and the session is failed for good.
  [[nodiscard]] status<noise_error> feed(byte_span in, byte_vector& out, std::vector<byte_vector>& messages);

  // The peer closed its side: an error (short_read) if it did so inside an act or a frame.
  [[nodiscard]] status<noise_error> end_of_stream() noexcept;

  // Encrypts one message (at most the limit) as a frame appended to `out`.
  [[nodiscard]] status<noise_error> send(byte_span message, byte_vector& out);

  [[nodiscard]] session_phase phase() const noexcept { return phase_; }
  [[nodiscard]] bool established() const noexcept { return phase_ == session_phase::established; }
  [[nodiscard]] std::optional<noise_error> failure() const noexcept { return failure_; }
  // The peer's static key: known from the start for an initiator, after act three for a responder.
  [[nodiscard]] std::optional<node_id> remote_node() const noexcept;
  // Bytes held while waiting for the rest of an act or frame (bounded by one frame).
  [[nodiscard]] std::size_t buffered_bytes() const noexcept { return pending_.size(); }
  // The handshake's result (valid once established), for tests against published vectors.
  [[nodiscard]] const transport_keys& keys() const noexcept { return hs_.keys(); }

 private:
  noise_session(handshake hs, session_phase phase, bool is_initiator, std::size_t max_message_bytes) noexcept;
  [[nodiscard]] std::size_t wanted() const noexcept;
  [[nodiscard]] status<noise_error> process_unit(byte_vector& out, std::vector<byte_vector>& messages);
  noise_error fail(noise_error e) noexcept;

  handshake hs_;
  session_phase phase_;
  bool is_initiator_;
  std::size_t max_message_bytes_;
  cipher_state sender_;
  cipher_state receiver_;
  byte_vector pending_;
  // While established: the body length announced by the last decrypted header, if any.
  std::optional<std::size_t> body_bytes_;
  std::optional<noise_error> failure_;
};

}  // namespace clearway::node::transport
