// Recoverable ECDSA over a ready 32-byte digest. signature.hpp's EIP-191 functions are built on
// these; they are public for tests against vectors whose digest is not the 32-byte EIP-191 form
// (e.g. personal_sign of an arbitrary-length message). Protocol code uses signature.hpp.
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/errors.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"

namespace clearway::crypto {

// RFC 6979 nonce, low-s, v = 27 + recovery id.
[[nodiscard]] signature sign_digest(const secret_key& key, const bytes32& digest) noexcept;

// Rejects v not in {27, 28}, r or s outside [1, n-1], s > n/2; then recovers the public key.
[[nodiscard]] result<public_key, error> recover_digest(const signature& sig, const bytes32& digest) noexcept;

}  // namespace clearway::crypto
