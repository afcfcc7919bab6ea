// The BOLT 8 Noise_XK_secp256k1_ChaChaPoly_SHA256 handshake (acts one, two, three) as a pure
// value: no I/O, no clock, no randomness (the ephemeral key is a parameter). Each step takes one
// whole act and returns the next act to send or a named error; after an error the handshake must
// be dropped (BOLT 8: terminate without further messages).
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"
#include "node/transport/noise_errors.hpp"
#include "node/transport/noise_primitives.hpp"

namespace clearway::node::transport {

inline constexpr std::size_t act_one_bytes = 50;
inline constexpr std::size_t act_two_bytes = 50;
inline constexpr std::size_t act_three_bytes = 66;
inline constexpr std::uint8_t handshake_version = 0;

using act_one = std::array<std::uint8_t, act_one_bytes>;
using act_two = std::array<std::uint8_t, act_two_bytes>;
using act_three = std::array<std::uint8_t, act_three_bytes>;

// What a finished handshake yields: the sending and receiving keys and the chaining key that
// both rotate from.
struct transport_keys {
  bytes32 sending_key;
  bytes32 receiving_key;
  bytes32 chaining_key;
  node_id remote_static;
};

class handshake {
 public:
  // The initiator knows the responder's static key in advance (the XK pre-message).
  [[nodiscard]] static result<handshake, noise_error> initiator(const crypto::secret_key& local_static,
                                                                const node_id& remote_static,
                                                                const crypto::secret_key& ephemeral) noexcept;
  [[nodiscard]] static handshake responder(const crypto::secret_key& local_static,
                                           const crypto::secret_key& ephemeral) noexcept;

  // Initiator: act one (-> e, es).
  [[nodiscard]] act_one write_act_one() noexcept;
  // Initiator: reads act two (<- e, ee) and returns act three (-> s, se); keys() is then valid.
  [[nodiscard]] result<act_three, noise_error> read_act_two(const act_two& in) noexcept;
  // Responder: reads act one and returns act two.
  [[nodiscard]] result<act_two, noise_error> read_act_one(const act_one& in) noexcept;
  // Responder: reads act three; keys() is then valid and names the initiator's static key.
  [[nodiscard]] status<noise_error> read_act_three(const act_three& in) noexcept;

  [[nodiscard]] const transport_keys& keys() const noexcept { return keys_; }

 private:
  handshake(const crypto::secret_key& local_static, const crypto::secret_key& ephemeral) noexcept;
  void mix_hash(byte_span data) noexcept;
  void mix_key(const bytes32& shared_secret, bytes32& temp_key) noexcept;

  crypto::secret_key local_static_;
  crypto::secret_key ephemeral_;
  node_id local_ephemeral_pub_;
  node_id remote_ephemeral_;
  bytes32 h_;
  bytes32 ck_;
  bytes32 temp_k2_;
  transport_keys keys_{};
};

}  // namespace clearway::node::transport
