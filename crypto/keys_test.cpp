#include "crypto/keys.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "crypto/errors.hpp"
#include "crypto/hash.hpp"

namespace clearway::crypto {
namespace {

bytes32 b32(std::string_view hex) { return *fixed_from_hex<bytes32>(hex); }

constexpr std::string_view curve_order_hex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

TEST(secret_key, from_bytes_accepts_exactly_one_to_n_minus_one) {
  EXPECT_EQ(secret_key::from_bytes(bytes32{}).error(), error::invalid_secret_key);
  EXPECT_EQ(secret_key::from_bytes(b32(curve_order_hex)).error(), error::invalid_secret_key);
  EXPECT_EQ(secret_key::from_bytes(b32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142")).error(),
            error::invalid_secret_key);
  bytes32 all_ff;
  all_ff.bytes.fill(0xff);
  EXPECT_EQ(secret_key::from_bytes(all_ff).error(), error::invalid_secret_key);

  bytes32 one;
  one.bytes[31] = 1;
  ASSERT_TRUE(secret_key::from_bytes(one));
  EXPECT_EQ(secret_key::from_bytes(one)->bytes(), one);
  ASSERT_TRUE(secret_key::from_bytes(b32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140")));
}

TEST(secret_key, from_material_is_sha256_when_that_is_valid) {
  // Re-hashing only happens for a digest >= n (probability ~2^-128), so the valid case is the
  // one a test can reach: the key must be exactly sha256(material), and deterministic.
  const bytes32 material = b32("0101010101010101010101010101010101010101010101010101010101010101");
  EXPECT_EQ(secret_key::from_material(material).bytes(), sha256(material.span()));
  EXPECT_EQ(secret_key::from_material(material), secret_key::from_material(material));
  EXPECT_NE(secret_key::from_material(material), secret_key::from_material(bytes32{}));
}

// web3.js docs (eth.accounts.privateKeyToAccount): this key controls this address.
TEST(address, from_known_private_key) {
  const auto key = secret_key::from_bytes(b32("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"));
  ASSERT_TRUE(key);
  EXPECT_EQ(to_hex(address_of(*key)), "2c7536e3605d9c16a7a3d7b1898e529396a65c23");
  const key_pair kp = key_pair::from_secret(*key);
  EXPECT_EQ(kp.addr, address_of(*key));
  EXPECT_EQ(kp.pub, derive_public_key(*key));
  EXPECT_EQ(address_of(kp.pub), kp.addr);
}

// Private key 1 -> the generator G; its address is a well-known constant.
TEST(address, generator_point) {
  bytes32 one;
  one.bytes[31] = 1;
  const public_key g = derive_public_key(*secret_key::from_bytes(one));
  EXPECT_EQ(to_hex(g),
            "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
            "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
  EXPECT_EQ(to_hex(address_of(g)), "7e5f4552091a69125d5dfcb7b8c2659029395bdf");
}

TEST(public_key, validate) {
  bytes32 one;
  one.bytes[31] = 1;
  public_key g = derive_public_key(*secret_key::from_bytes(one));
  EXPECT_TRUE(validate_public_key(g));
  EXPECT_EQ(validate_public_key(public_key{}).error(), error::invalid_public_key);
  g.bytes[63] ^= 1;  // Y no longer matches X
  EXPECT_EQ(validate_public_key(g).error(), error::invalid_public_key);
}

TEST(errors, every_error_has_a_distinct_text) {
  std::set<std::string_view> seen;
  for (int e = static_cast<int>(error::invalid_secret_key); e <= static_cast<int>(error::shachain_out_of_order); ++e) {
    const std::string_view s = to_string(static_cast<error>(e));
    EXPECT_FALSE(s.empty());
    EXPECT_NE(s, "unknown crypto error") << e;
    EXPECT_TRUE(seen.insert(s).second) << s;
  }
}

}  // namespace
}  // namespace clearway::crypto
