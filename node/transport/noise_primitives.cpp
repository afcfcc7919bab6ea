#include "node/transport/noise_primitives.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <secp256k1.h>
#include <secp256k1_ecdh.h>

#include <array>
#include <cstring>
#include <cstdlib>

#include "crypto/secp_context.hpp"

namespace clearway::node::transport {

namespace {

bool parse_point(secp256k1_pubkey& out, const node_id& id) noexcept {
  return secp256k1_ec_pubkey_parse(crypto::detail::secp_context(), &out, id.data(), id.size()) == 1;
}

// One fetched KDF and cipher per thread: fetching on every call costs more than the work.
struct openssl_handles {
  EVP_KDF* hkdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  EVP_KDF_CTX* hkdf_ctx = hkdf != nullptr ? EVP_KDF_CTX_new(hkdf) : nullptr;
  EVP_CIPHER* chacha = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  EVP_CIPHER_CTX* cipher_ctx = EVP_CIPHER_CTX_new();
  openssl_handles() {
    if (hkdf_ctx == nullptr || chacha == nullptr || cipher_ctx == nullptr) std::abort();  // broken OpenSSL install
  }
  ~openssl_handles() {
    EVP_CIPHER_CTX_free(cipher_ctx);
    EVP_CIPHER_free(chacha);
    EVP_KDF_CTX_free(hkdf_ctx);
    EVP_KDF_free(hkdf);
  }
  openssl_handles(const openssl_handles&) = delete;
  openssl_handles& operator=(const openssl_handles&) = delete;
};

openssl_handles& handles() {
  thread_local openssl_handles h;
  return h;
}

void make_nonce(std::array<std::uint8_t, 12>& iv, std::uint64_t nonce) noexcept {
  iv.fill(0);
  for (int i = 0; i < 8; ++i) iv[4 + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
}

}  // namespace

node_id node_id_of(const crypto::secret_key& key) noexcept {
  const secp256k1_context* ctx = crypto::detail::secp_context();
  secp256k1_pubkey pub;
  const int created = secp256k1_ec_pubkey_create(ctx, &pub, key.bytes().data());  // valid by construction
  (void)created;
  node_id out;
  std::size_t len = out.size();
  secp256k1_ec_pubkey_serialize(ctx, out.data(), &len, &pub, SECP256K1_EC_COMPRESSED);
  return out;
}

node_id compress(const crypto::public_key& key) noexcept {
  node_id out;
  out.bytes[0] = (key.bytes[63] & 1) != 0 ? 0x03 : 0x02;
  std::memcpy(out.data() + 1, key.data(), 32);
  return out;
}

std::optional<crypto::public_key> decompress(const node_id& id) noexcept {
  secp256k1_pubkey pub;
  if (!parse_point(pub, id)) return std::nullopt;
  std::array<std::uint8_t, 65> full{};
  std::size_t len = full.size();
  secp256k1_ec_pubkey_serialize(crypto::detail::secp_context(), full.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  crypto::public_key out;
  std::memcpy(out.data(), full.data() + 1, 64);
  return out;
}

bool is_valid_node_id(const node_id& id) noexcept {
  secp256k1_pubkey pub;
  return parse_point(pub, id);
}

bool ecdh(bytes32& out, const node_id& remote, const crypto::secret_key& local) noexcept {
  secp256k1_pubkey pub;
  if (!parse_point(pub, remote)) return false;
  // hashfp = NULL selects secp256k1_ecdh_hash_function_default == sha256(compressed point).
  return secp256k1_ecdh(crypto::detail::secp_context(), out.data(), &pub, local.bytes().data(), nullptr,
                        nullptr) == 1;
}

key_pair32 hkdf2(const bytes32& salt, byte_span input_key_material) noexcept {
  auto& h = handles();
  char digest[] = "SHA256";
  int mode = EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND;
  // A zero-length key is legal in RFC 5869 (BOLT 8's final split uses one); OpenSSL wants a
  // non-null pointer for it.
  static std::uint8_t empty = 0;
  std::uint8_t* ikm = input_key_material.empty() ? &empty : const_cast<std::uint8_t*>(input_key_material.data());
  bytes32 salt_copy = salt;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_copy.data(), salt_copy.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm, input_key_material.size()),
      OSSL_PARAM_construct_end()};
  std::array<std::uint8_t, 64> okm{};
  if (EVP_KDF_derive(h.hkdf_ctx, okm.data(), okm.size(), params) != 1) std::abort();  // OpenSSL failure only
  key_pair32 out;
  std::memcpy(out.first.data(), okm.data(), 32);
  std::memcpy(out.second.data(), okm.data() + 32, 32);
  return out;
}

void aead_encrypt_to(std::uint8_t* out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                     byte_span plaintext) noexcept {
  auto& h = handles();
  std::array<std::uint8_t, 12> iv{};
  make_nonce(iv, nonce);
  int len = 0;
  bool ok = EVP_EncryptInit_ex2(h.cipher_ctx, h.chacha, key.data(), iv.data(), nullptr) == 1;
  if (ok && !associated_data.empty()) {
    ok = EVP_EncryptUpdate(h.cipher_ctx, nullptr, &len, associated_data.data(),
                           static_cast<int>(associated_data.size())) == 1;
  }
  if (ok && !plaintext.empty()) {
    ok = EVP_EncryptUpdate(h.cipher_ctx, out, &len, plaintext.data(), static_cast<int>(plaintext.size())) == 1;
  }
  ok = ok && EVP_EncryptFinal_ex(h.cipher_ctx, out + plaintext.size(), &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(h.cipher_ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(mac_bytes),
                                 out + plaintext.size()) == 1;
  if (!ok) std::abort();  // only on an OpenSSL failure, never on input
}

bool aead_decrypt_to(std::uint8_t* out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                     byte_span ciphertext_and_tag) noexcept {
  if (ciphertext_and_tag.size() < mac_bytes) return false;
  auto& h = handles();
  const std::size_t body = ciphertext_and_tag.size() - mac_bytes;
  std::array<std::uint8_t, 12> iv{};
  make_nonce(iv, nonce);
  std::array<std::uint8_t, mac_bytes> tag{};
  std::memcpy(tag.data(), ciphertext_and_tag.data() + body, mac_bytes);
  int len = 0;
  bool ok = EVP_DecryptInit_ex2(h.cipher_ctx, h.chacha, key.data(), iv.data(), nullptr) == 1;
  if (ok && !associated_data.empty()) {
    ok = EVP_DecryptUpdate(h.cipher_ctx, nullptr, &len, associated_data.data(),
                           static_cast<int>(associated_data.size())) == 1;
  }
  if (ok && body != 0) {
    ok = EVP_DecryptUpdate(h.cipher_ctx, out, &len, ciphertext_and_tag.data(), static_cast<int>(body)) == 1;
  }
  ok = ok && EVP_CIPHER_CTX_ctrl(h.cipher_ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(mac_bytes), tag.data()) == 1;
  std::uint8_t final_block[16];
  ok = ok && EVP_DecryptFinal_ex(h.cipher_ctx, final_block, &len) == 1;  // tag check
  if (!ok && body != 0) std::memset(out, 0, body);  // never hand out unauthenticated plaintext
  return ok;
}

void aead_encrypt(byte_vector& out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                  byte_span plaintext) noexcept {
  const std::size_t at = out.size();
  out.resize(at + plaintext.size() + mac_bytes);
  aead_encrypt_to(out.data() + at, key, nonce, associated_data, plaintext);
}

bool aead_decrypt(byte_vector& out, const bytes32& key, std::uint64_t nonce, byte_span associated_data,
                  byte_span ciphertext_and_tag) noexcept {
  out.clear();
  if (ciphertext_and_tag.size() < mac_bytes) return false;
  out.resize(ciphertext_and_tag.size() - mac_bytes);
  if (!aead_decrypt_to(out.data(), key, nonce, associated_data, ciphertext_and_tag)) {
    out.clear();
    return false;
  }
  return true;
}

crypto::secret_key random_secret_key() noexcept {
  for (;;) {
    bytes32 raw;
    if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) std::abort();  // no entropy: unsafe to go on
    auto key = crypto::secret_key::from_bytes(raw);
    if (key) return *key;
  }
}

}  // namespace clearway::node::transport
