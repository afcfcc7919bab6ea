#include "crypto/signature.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/test_seed.hpp"
#include "crypto/ecdsa_digest.hpp"
#include "crypto/hash.hpp"
#include "crypto/secp_context.hpp"

namespace clearway::crypto {
namespace {

bytes32 b32(std::string_view hex) { return *fixed_from_hex<bytes32>(hex); }

constexpr std::string_view web3_key_hex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
constexpr std::string_view curve_order_hex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// Test-only: personal_sign's digest of an arbitrary-length message,
// keccak256("\x19Ethereum Signed Message:\n" + decimal length + message).
bytes32 personal_message_digest(std::string_view msg) {
  std::string buf = "\x19" "Ethereum Signed Message:\n" + std::to_string(msg.size());
  buf.append(msg);
  return keccak256({reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size()});
}

// Big-endian 256-bit a - b (a >= b), written into out.
void subtract(const std::uint8_t* a, const std::uint8_t* b, std::uint8_t* out) {
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    const int d = a[i] - b[i] - borrow;
    borrow = d < 0 ? 1 : 0;
    out[i] = static_cast<std::uint8_t>(d + (borrow != 0 ? 256 : 0));
  }
}

secret_key web3_key() { return *secret_key::from_bytes(b32(web3_key_hex)); }

// web3.js docs, eth.accounts.sign('Some data', <web3_key>): messageHash, v, r, s.
TEST(personal_sign, web3_some_data_vector) {
  const bytes32 digest = personal_message_digest("Some data");
  EXPECT_EQ(to_hex(digest), "1da44b586eb0729ff70a73c326926f6ed5a25f5b056e7f47fbc6e58d86871655");

  const signature sig = sign_digest(web3_key(), digest);
  // RFC 6979 is deterministic, so our signer must reproduce the published signature exactly.
  EXPECT_EQ(to_hex(sig),
            "b91467e570a6466aa9e9876cbcd013baba02900b8979d43fe208a4a4f339f5fd"
            "6007e74cd82e037b800186422fc2da167c747ef045e5d18a5f5d4300f8e1a029"
            "1c");
  const auto pub = recover_digest(sig, digest);
  ASSERT_TRUE(pub);
  EXPECT_EQ(to_hex(address_of(*pub)), "2c7536e3605d9c16a7a3d7b1898e529396a65c23");
}

TEST(eip191, digest_is_personal_sign_of_the_32_byte_hash) {
  const bytes32 h = keccak256(b32(web3_key_hex).span());
  const std::string as_text(reinterpret_cast<const char*>(h.data()), 32);
  EXPECT_EQ(eip191_digest(h), personal_message_digest(as_text));
  EXPECT_EQ(sign_eip191(web3_key(), h), sign_digest(web3_key(), eip191_digest(h)));
}

TEST(eip191, round_trip_random_keys) {
  std::mt19937_64 rng(test_seed("eip191.round_trip"));
  for (int i = 0; i < 50; ++i) {
    bytes32 material, msg;
    for (auto& b : material.bytes) b = static_cast<std::uint8_t>(rng());
    for (auto& b : msg.bytes) b = static_cast<std::uint8_t>(rng());
    const key_pair kp = key_pair::from_secret(secret_key::from_material(material));
    const signature sig = sign_eip191(kp.secret, msg);
    EXPECT_TRUE(sig.bytes[64] == 27 || sig.bytes[64] == 28);
    EXPECT_EQ(sign_eip191(kp.secret, msg), sig);  // deterministic
    const auto who = recover_eip191(sig, msg);
    ASSERT_TRUE(who);
    EXPECT_EQ(*who, kp.addr);
    EXPECT_TRUE(verify_eip191(sig, msg, kp.addr));
    EXPECT_TRUE(verify_eip191_with_key(sig, msg, kp.pub));
  }
}

class rejections : public ::testing::Test {
 protected:
  key_pair kp = key_pair::from_secret(web3_key());
  bytes32 msg = keccak256(b32(web3_key_hex).span());
  signature good = sign_eip191(kp.secret, msg);

  // The same rejection from all three verifiers.
  void expect_rejected(const signature& sig, error why) {
    const auto rec = recover_eip191(sig, msg);
    ASSERT_FALSE(rec);
    EXPECT_EQ(rec.error(), why);
    EXPECT_EQ(verify_eip191(sig, msg, kp.addr).error(), why);
    EXPECT_EQ(verify_eip191_with_key(sig, msg, kp.pub).error(), why);
  }
};

TEST_F(rejections, high_s) {
  // (r, n - s, v flipped) is the malleated twin: plain ecrecover accepts it for the same signer;
  // EIP-2 and we do not.
  signature twin = good;
  const auto n = b32(curve_order_hex);
  subtract(n.data(), good.data() + 32, twin.data() + 32);
  twin.bytes[64] = good.bytes[64] == 27 ? 28 : 27;
  expect_rejected(twin, error::high_s_signature);
}

TEST_F(rejections, bad_v) {
  for (int v : {0, 1, 26, 29, 255}) {
    signature sig = good;
    sig.bytes[64] = static_cast<std::uint8_t>(v);
    expect_rejected(sig, error::bad_recovery_id);
  }
}

TEST_F(rejections, r_or_s_out_of_range) {
  const auto n = b32(curve_order_hex);
  signature sig = good;
  std::fill(sig.data(), sig.data() + 32, 0);  // r = 0
  expect_rejected(sig, error::malformed_signature);
  sig = good;
  std::fill(sig.data() + 32, sig.data() + 64, 0);  // s = 0
  expect_rejected(sig, error::malformed_signature);
  sig = good;
  std::copy(n.bytes.begin(), n.bytes.end(), sig.data());  // r = n
  expect_rejected(sig, error::malformed_signature);
  sig = good;
  std::fill(sig.data(), sig.data() + 32, 0xff);  // r > n
  expect_rejected(sig, error::malformed_signature);
  sig = good;
  std::copy(n.bytes.begin(), n.bytes.end(), sig.data() + 32);  // s = n: out of range before high
  expect_rejected(sig, error::malformed_signature);
}

TEST_F(rejections, r_not_on_the_curve) {
  // x = 5: 5^3 + 7 is not a square mod p, so no point has it and nothing recovers.
  signature sig = good;
  std::fill(sig.data(), sig.data() + 32, 0);
  sig.bytes[31] = 5;
  expect_rejected(sig, error::recovery_failed);
}

TEST_F(rejections, wrong_message_or_signer) {
  bytes32 other = msg;
  other.bytes[0] ^= 1;
  EXPECT_EQ(verify_eip191(good, other, kp.addr).error(), error::signer_mismatch);
  EXPECT_EQ(verify_eip191_with_key(good, other, kp.pub).error(), error::signer_mismatch);
  const auto rec = recover_eip191(good, other);
  ASSERT_TRUE(rec);  // some key recovers, just not ours
  EXPECT_NE(*rec, kp.addr);

  const key_pair stranger = key_pair::from_secret(secret_key::from_material(msg));
  EXPECT_EQ(verify_eip191(good, msg, stranger.addr).error(), error::signer_mismatch);
  EXPECT_EQ(verify_eip191_with_key(good, msg, stranger.pub).error(), error::signer_mismatch);
}

TEST_F(rejections, with_key_checks_v_so_chain_agrees) {
  // A flipped v still passes a plain ECDSA verify against the key, but ecrecover on chain would
  // return another address: verify_eip191_with_key must refuse it.
  signature flipped = good;
  flipped.bytes[64] = good.bytes[64] == 27 ? 28 : 27;
  {  // the premise: libsecp256k1's plain verify ignores v
    const secp256k1_context* ctx = detail::secp_context();
    secp256k1_ecdsa_signature plain;
    ASSERT_EQ(secp256k1_ecdsa_signature_parse_compact(ctx, &plain, flipped.data()), 1);
    std::array<std::uint8_t, 65> serial{0x04};
    std::copy(kp.pub.bytes.begin(), kp.pub.bytes.end(), serial.begin() + 1);
    secp256k1_pubkey pub;
    ASSERT_EQ(secp256k1_ec_pubkey_parse(ctx, &pub, serial.data(), serial.size()), 1);
    ASSERT_EQ(secp256k1_ecdsa_verify(ctx, &plain, eip191_digest(msg).data(), &pub), 1);
  }
  EXPECT_EQ(verify_eip191_with_key(flipped, msg, kp.pub).error(), error::signer_mismatch);
  EXPECT_EQ(verify_eip191(flipped, msg, kp.addr).error(), error::signer_mismatch);
}

TEST_F(rejections, with_key_reports_an_invalid_expected_key) {
  EXPECT_EQ(verify_eip191_with_key(good, msg, public_key{}).error(), error::invalid_public_key);
}

}  // namespace
}  // namespace clearway::crypto
