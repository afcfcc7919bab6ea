#include "crypto/keys.hpp"

#include <sys/random.h>

#include <array>
#include <cstring>

#include "crypto/hash.hpp"
#include "crypto/secp_context.hpp"

namespace clearway::crypto {

namespace detail {

namespace {
secp256k1_context* make_context() noexcept {
  secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  // Randomisation only blinds signing and key generation against side channels; it never
  // changes a result, so OS entropy here does not make anything non-deterministic.
  // If the OS has no entropy to give, a fixed seed still leaves every result correct.
  std::array<unsigned char, 32> seed{};
  if (getrandom(seed.data(), seed.size(), 0) != static_cast<ssize_t>(seed.size())) seed.fill(0x5a);
  const int ok = secp256k1_context_randomize(ctx, seed.data());
  (void)ok;  // only fails on a context without signing support, which 0.2 no longer has
  return ctx;
}
}  // namespace

const secp256k1_context* secp_context() noexcept {
  // Never destroyed: worker threads and static objects may still verify during shutdown.
  static secp256k1_context* const ctx = make_context();
  return ctx;
}

}  // namespace detail

result<secret_key, error> secret_key::from_bytes(const bytes32& raw) noexcept {
  if (secp256k1_ec_seckey_verify(detail::secp_context(), raw.data()) != 1) return error::invalid_secret_key;
  return secret_key(raw);
}

secret_key secret_key::from_material(const bytes32& material) noexcept {
  bytes32 candidate = sha256(material.span());
  // A sha256 output is invalid with probability ~2^-128, so this loop practically runs once.
  while (secp256k1_ec_seckey_verify(detail::secp_context(), candidate.data()) != 1) {
    candidate = sha256(candidate.span());
  }
  return secret_key(candidate);
}

public_key derive_public_key(const secret_key& key) noexcept {
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_pubkey pub;
  // Cannot fail: the secret is valid by construction.
  const int created = secp256k1_ec_pubkey_create(ctx, &pub, key.bytes().data());
  (void)created;
  std::array<unsigned char, 65> serial{};
  std::size_t len = serial.size();
  secp256k1_ec_pubkey_serialize(ctx, serial.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  public_key out;
  std::memcpy(out.data(), serial.data() + 1, 64);  // drop the 0x04 prefix
  return out;
}

address address_of(const public_key& key) noexcept {
  const bytes32 h = keccak256(key.span());
  address out;
  std::memcpy(out.data(), h.data() + 12, 20);
  return out;
}

address address_of(const secret_key& key) noexcept { return address_of(derive_public_key(key)); }

status<error> validate_public_key(const public_key& key) noexcept {
  std::array<unsigned char, 65> serial{};
  serial[0] = 0x04;
  std::memcpy(serial.data() + 1, key.data(), 64);
  secp256k1_pubkey parsed;
  if (secp256k1_ec_pubkey_parse(detail::secp_context(), &parsed, serial.data(), serial.size()) != 1) {
    return error::invalid_public_key;
  }
  return {};
}

key_pair key_pair::from_secret(const secret_key& secret) noexcept {
  const public_key pub = derive_public_key(secret);
  return key_pair{secret, pub, address_of(pub)};
}

}  // namespace clearway::crypto
