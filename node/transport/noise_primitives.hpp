// The cryptographic building blocks of BOLT 8, each a thin wrapper over a maintained library:
// ECDH from libsecp256k1's ecdh module, SHA-256, HKDF-SHA256 and ChaCha20-Poly1305 (IETF) from
// OpenSSL 3. Nothing here is hand-written cryptography.
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/keys.hpp"

namespace clearway::node::transport {

struct node_id_tag;
// A secp256k1 public key in compressed SEC form (0x02/0x03 || X): a node's identity on the wire.
using node_id = fixed_bytes<33, node_id_tag>;

// Poly1305 tag length.
inline constexpr std::size_t mac_bytes = 16;

// The compressed public key of a secret key.
[[nodiscard]] node_id node_id_of(const crypto::secret_key& key) noexcept;
// Compresses a 64-byte X || Y public key (crypto::public_key) into a node_id.
[[nodiscard]] node_id compress(const crypto::public_key& key) noexcept;
// The 64-byte X || Y form of a node id (nullopt if it is not a point on the curve).
[[nodiscard]] std::optional<crypto::public_key> decompress(const node_id& id) noexcept;
// Whether 33 bytes parse as a compressed point on the curve (prefix 02/03, X on the curve).
[[nodiscard]] bool is_valid_node_id(const node_id& id) noexcept;

// BOLT 8 ECDH: sha256 of the compressed shared point k * P. libsecp256k1's default ECDH hash
// (secp256k1_ecdh_hash_function_sha256) is exactly sha256(0x02|0x03 parity byte || X), i.e. the
// sha256 of the compressed point. Fails (false) only if `remote` is not a valid point.
[[nodiscard]] bool ecdh(bytes32& out, const node_id& remote, const crypto::secret_key& local) noexcept;

// HKDF-SHA256 (RFC 5869) with empty info and 64 bytes of output, split into two 32-byte keys.
struct key_pair32 {
  bytes32 first;
  bytes32 second;
};
[[nodiscard]] key_pair32 hkdf2(const bytes32& salt, byte_span input_key_material) noexcept;

// ChaCha20-Poly1305 (RFC 7539) with BOLT 8's nonce: 4 zero bytes then the 64-bit counter
// little-endian. Encrypt appends ciphertext || 16-byte tag to `out`.
void aead_encrypt(byte_vector& out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                  byte_span plaintext) noexcept;
// Decrypts ciphertext || tag into `out` (which is resized to the plaintext length); false if the
// tag does not verify or the input is shorter than a tag (then `out` is left empty).
[[nodiscard]] bool aead_decrypt(byte_vector& out, const bytes32& key, std::uint64_t nonce,
                                byte_span associated_data, byte_span ciphertext_and_tag) noexcept;
// In-place variants writing into a caller's buffer of exactly the right size (plaintext.size()
// + mac_bytes for encrypt, ciphertext.size() - mac_bytes for decrypt): no allocation.
void aead_encrypt_to(std::uint8_t* out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                     byte_span plaintext) noexcept;
[[nodiscard]] bool aead_decrypt_to(std::uint8_t* out, const bytes32& key, std::uint64_t nonce,
                                   byte_span associated_data, byte_span ciphertext_and_tag) noexcept;

// A fresh secret key from the operating system's CSPRNG (for ephemeral keys in the I/O layer;
// the pure handshake takes its ephemeral key as a parameter).
[[nodiscard]] crypto::secret_key random_secret_key() noexcept;

}  // namespace clearway::node::transport
