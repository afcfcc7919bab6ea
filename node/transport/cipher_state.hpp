// One direction of the BOLT 8 encrypted transport: a ChaCha20-Poly1305 key, its 64-bit nonce and
// the chaining key it rotates with. Every encrypt or decrypt uses one nonce; when the nonce
// reaches 1000 (i.e. after 500 frames: each frame is a length and a body), the key rotates:
// ck', k' = HKDF(ck, k), n = 0 (BOLT 8 "Lightning Message Key Rotation").
#pragma once

#include <cstdint>

#include "base/bytes.hpp"
#include "node/transport/noise_primitives.hpp"

namespace clearway::node::transport {

inline constexpr std::uint64_t key_rotation_interval = 1000;

class cipher_state {
 public:
  cipher_state() = default;
  cipher_state(const bytes32& key, const bytes32& chaining_key) noexcept : key_(key), ck_(chaining_key) {}

  // Writes plaintext.size() + 16 bytes at out.
  void encrypt_to(std::uint8_t* out, byte_span plaintext) noexcept {
    aead_encrypt_to(out, key_, nonce_, {}, plaintext);
    step();
  }
  // Writes ciphertext.size() - 16 bytes at out; false on a bad MAC (the nonce is then not
  // advanced, but the caller must drop the session anyway).
  [[nodiscard]] bool decrypt_to(std::uint8_t* out, byte_span ciphertext_and_tag) noexcept {
    if (!aead_decrypt_to(out, key_, nonce_, {}, ciphertext_and_tag)) return false;
    step();
    return true;
  }

  [[nodiscard]] const bytes32& key() const noexcept { return key_; }
  [[nodiscard]] std::uint64_t nonce() const noexcept { return nonce_; }

 private:
  void step() noexcept {
    if (++nonce_ == key_rotation_interval) {
      const key_pair32 next = hkdf2(ck_, key_.span());
      ck_ = next.first;
      key_ = next.second;
      nonce_ = 0;
    }
  }
  bytes32 key_;
  bytes32 ck_;
  std::uint64_t nonce_ = 0;
};

}  // namespace clearway::node::transport
