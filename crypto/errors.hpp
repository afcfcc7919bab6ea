// Named errors of the crypto layer.
#pragma once

#include <string_view>

namespace clearway::crypto {

enum class error {
  invalid_secret_key = 1,    // zero or >= the curve order
  invalid_public_key,        // not a point on secp256k1
  malformed_signature,       // r or s out of range, or not parseable
  high_s_signature,          // s > n/2: malleable, rejected (EIP-2)
  bad_recovery_id,           // v not in {27, 28}
  recovery_failed,           // no public key recovers from this signature
  signer_mismatch,           // the signature is valid but by someone else
  shachain_index_out_of_range,  // index >= 2^48
  shachain_secret_mismatch,  // a new secret does not derive the ones stored before it
  shachain_unknown_index,    // asked for a secret that was never revealed (or not derivable)
  shachain_out_of_order,     // secrets must arrive with strictly decreasing index
};

[[nodiscard]] std::string_view to_string(error e) noexcept;

}  // namespace clearway::crypto
