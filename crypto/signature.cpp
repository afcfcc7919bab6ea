#include "crypto/signature.hpp"

#include <secp256k1_recovery.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "crypto/ecdsa_digest.hpp"
#include "crypto/hash.hpp"
#include "crypto/secp_context.hpp"

namespace clearway::crypto {

namespace {

using scalar_bytes = std::array<std::uint8_t, 32>;

// secp256k1 group order n and floor(n / 2), big-endian.
constexpr scalar_bytes curve_order = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
constexpr scalar_bytes half_curve_order = {
    0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0};

// Big-endian comparison of a 32-byte scalar stored at `p` with `bound`.
int compare_scalar(const std::uint8_t* p, const scalar_bytes& bound) noexcept {
  return std::memcmp(p, bound.data(), bound.size());
}

bool is_zero_scalar(const std::uint8_t* p) noexcept {
  return std::all_of(p, p + 32, [](std::uint8_t b) { return b == 0; });
}

// The checks ecrecover-style verifiers apply before any curve arithmetic, in the order that
// names the most specific problem.
status<error> check_shape(const signature& sig) noexcept {
  const std::uint8_t v = sig.bytes[64];
  if (v != 27 && v != 28) return error::bad_recovery_id;
  const std::uint8_t* r = sig.data();
  const std::uint8_t* s = sig.data() + 32;
  if (is_zero_scalar(r) || compare_scalar(r, curve_order) >= 0) return error::malformed_signature;
  if (is_zero_scalar(s) || compare_scalar(s, curve_order) >= 0) return error::malformed_signature;
  if (compare_scalar(s, half_curve_order) > 0) return error::high_s_signature;
  return {};
}

constexpr std::string_view eip191_prefix = "\x19" "Ethereum Signed Message:\n32";

}  // namespace

bytes32 eip191_digest(const bytes32& msg_hash) noexcept {
  std::array<std::uint8_t, eip191_prefix.size() + 32> buf{};
  std::memcpy(buf.data(), eip191_prefix.data(), eip191_prefix.size());
  std::memcpy(buf.data() + eip191_prefix.size(), msg_hash.data(), 32);
  return keccak256(byte_span(buf.data(), buf.size()));
}

signature sign_digest(const secret_key& key, const bytes32& digest) noexcept {
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_ecdsa_recoverable_signature rsig;
  // Cannot fail: the key is valid by construction and the default nonce is RFC 6979.
  // libsecp256k1 always signs with low s.
  const int signed_ok = secp256k1_ecdsa_sign_recoverable(ctx, &rsig, digest.data(), key.bytes().data(),
                                                         nullptr, nullptr);
  (void)signed_ok;
  signature out;
  int recid = 0;
  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, out.data(), &recid, &rsig);
  // recid is 2 or 3 only when R.x >= n (probability ~2^-127); Ethereum cannot express that,
  // and such a signature would then fail verification rather than verify wrongly.
  out.bytes[64] = static_cast<std::uint8_t>(27 + (recid & 1));
  return out;
}

result<public_key, error> recover_digest(const signature& sig, const bytes32& digest) noexcept {
  CW_CHECK(check_shape(sig));
  const secp256k1_context* ctx = detail::secp_context();
  secp256k1_ecdsa_recoverable_signature rsig;
  if (secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rsig, sig.data(), sig.bytes[64] - 27) != 1) {
    return error::malformed_signature;
  }
  secp256k1_pubkey pub;
  if (secp256k1_ecdsa_recover(ctx, &pub, &rsig, digest.data()) != 1) return error::recovery_failed;
  std::array<unsigned char, 65> serial{};
  std::size_t len = serial.size();
  secp256k1_ec_pubkey_serialize(ctx, serial.data(), &len, &pub, SECP256K1_EC_UNCOMPRESSED);
  public_key out;
  std::memcpy(out.data(), serial.data() + 1, 64);
  return out;
}

signature sign_eip191(const secret_key& key, const bytes32& msg_hash) noexcept {
  return sign_digest(key, eip191_digest(msg_hash));
}

result<address, error> recover_eip191(const signature& sig, const bytes32& msg_hash) noexcept {
  CW_TRY(pub, recover_digest(sig, eip191_digest(msg_hash)));
  return address_of(pub);
}

status<error> verify_eip191(const signature& sig, const bytes32& msg_hash, const address& expected) noexcept {
  CW_TRY(signer, recover_eip191(sig, msg_hash));
  if (signer != expected) return error::signer_mismatch;
  return {};
}

// Why recovery and not secp256k1_ecdsa_verify: a plain verify accepts a signature whatever its v,
// but ecrecover on chain uses v to pick R's y parity, and libsecp256k1's public API does not
// expose R, so checking v after a verify would cost a full recovery on top (~36 + ~43 us CPU,
// bench/crypto_bench.cpp, Release). Recovering with the given v and comparing the key is the whole
// check in one step (~43 us): the recovered key is one the signature verifies against by
// construction, and it equals `signer` only if v is right. It saves only the address keccak over
// verify_eip191; its value is needing no address, not speed.
status<error> verify_eip191_with_key(const signature& sig, const bytes32& msg_hash,
                                     const public_key& signer) noexcept {
  CW_TRY(recovered, recover_digest(sig, eip191_digest(msg_hash)));
  if (recovered != signer) {
    // Only on the failure path: say whether the expected key could ever have matched.
    CW_CHECK(validate_public_key(signer));
    return error::signer_mismatch;
  }
  return {};
}

}  // namespace clearway::crypto
