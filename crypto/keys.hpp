// secp256k1 keys and Ethereum addresses.
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/errors.hpp"

namespace clearway::crypto {

struct secret_key_tag;
struct public_key_tag;
struct address_tag;

// 32-byte scalar in [1, n-1]. Only constructible through from_bytes, so it is always valid.
// Never print it or put it in an error text.
class secret_key {
 public:
  [[nodiscard]] static result<secret_key, error> from_bytes(const bytes32& raw) noexcept;
  // Hashes `material` (sha256) and re-hashes until the result is a valid scalar (PROTOCOL.md §5).
  [[nodiscard]] static secret_key from_material(const bytes32& material) noexcept;
  [[nodiscard]] const bytes32& bytes() const noexcept { return raw_; }
  friend bool operator==(const secret_key&, const secret_key&) = default;

 private:
  explicit secret_key(const bytes32& raw) : raw_(raw) {}
  bytes32 raw_;
};

// Uncompressed public key without the 0x04 prefix: X || Y, 64 bytes.
using public_key = fixed_bytes<64, public_key_tag>;
// Ethereum address: last 20 bytes of keccak256(X || Y).
using address = fixed_bytes<20, address_tag>;

[[nodiscard]] public_key derive_public_key(const secret_key& key) noexcept;
[[nodiscard]] address address_of(const public_key& key) noexcept;
[[nodiscard]] address address_of(const secret_key& key) noexcept;
// Checks that the 64 bytes are a point on the curve.
[[nodiscard]] status<error> validate_public_key(const public_key& key) noexcept;

// A key pair kept together because deriving the public key costs ~22 us.
struct key_pair {
  secret_key secret;
  public_key pub;
  address addr;
  [[nodiscard]] static key_pair from_secret(const secret_key& secret) noexcept;
};

}  // namespace clearway::crypto
