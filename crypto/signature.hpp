// Recoverable ECDSA over the EIP-191 digest, as Solidity's ecrecover checks it (PROTOCOL.md §2).
#pragma once

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/errors.hpp"
#include "crypto/keys.hpp"

namespace clearway::crypto {

struct signature_tag;
// r (32) || s (32) || v (1), low-s, v in {27, 28}.
using signature = fixed_bytes<65, signature_tag>;

// keccak256("\x19Ethereum Signed Message:\n32" || msg_hash).
[[nodiscard]] bytes32 eip191_digest(const bytes32& msg_hash) noexcept;

// Signs the EIP-191 digest of msg_hash (RFC 6979 nonces: deterministic).
[[nodiscard]] signature sign_eip191(const secret_key& key, const bytes32& msg_hash) noexcept;

// Recovers the signer's address; rejects high-s, bad v and malformed r/s.
[[nodiscard]] result<address, error> recover_eip191(const signature& sig, const bytes32& msg_hash) noexcept;

// recover + compare: ok only if `expected` signed msg_hash.
[[nodiscard]] status<error> verify_eip191(const signature& sig, const bytes32& msg_hash,
                                          const address& expected) noexcept;

// Check against a known public key: recovers with the given v and compares keys (no keccak), so
// v must be the recovery id that yields `signer` and a signature that passes here also passes
// ecrecover on chain. Not a plain ECDSA verify, which ignores v (see signature.cpp for the costs).
[[nodiscard]] status<error> verify_eip191_with_key(const signature& sig, const bytes32& msg_hash,
                                                   const public_key& signer) noexcept;

}  // namespace clearway::crypto
