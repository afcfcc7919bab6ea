// Recoverable ECDSA over a ready 32-byte digest. signature.hpp's EIP-191 functions are built on
// these. They are public for digests that are not the 32-byte EIP-191 form: chain/evm signs its
// EIP-1559 transactions with sign_digest (the digest is the transaction's keccak256 signing hash),
// and tests check vectors such as personal_sign of an arbitrary-length message. Protocol messages
// (commitments, revocations, closes) are signed with signature.hpp's EIP-191 functions.
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
