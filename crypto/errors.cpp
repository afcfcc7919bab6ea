#include "crypto/errors.hpp"

namespace clearway::crypto {

std::string_view to_string(error e) noexcept {
  switch (e) {
    case error::invalid_secret_key: return "invalid secret key (zero or not below the curve order)";
    case error::invalid_public_key: return "invalid public key (not a point on secp256k1)";
    case error::malformed_signature: return "malformed signature (r or s out of range)";
    case error::high_s_signature: return "signature has high s (s > n/2, malleable)";
    case error::bad_recovery_id: return "bad recovery id (v must be 27 or 28)";
    case error::recovery_failed: return "no public key recovers from this signature";
    case error::signer_mismatch: return "signature is by another signer";
    case error::shachain_index_out_of_range: return "shachain index out of range (must be < 2^48)";
    case error::shachain_secret_mismatch: return "shachain secret does not derive the secrets stored before it";
    case error::shachain_unknown_index: return "shachain secret for this index is not known";
    case error::shachain_out_of_order: return "shachain secrets must arrive one at a time with decreasing index";
  }
  return "unknown crypto error";
}

}  // namespace clearway::crypto
