#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace clearway::crypto {
namespace {

byte_span text(std::string_view s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// Published keccak256 (Ethereum, pre-NIST padding) vectors.
TEST(keccak256, published_vectors) {
  EXPECT_EQ(to_hex(keccak256(text(""))), "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  EXPECT_EQ(to_hex(keccak256(text("abc"))), "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
  EXPECT_EQ(to_hex(keccak256(text("The quick brown fox jumps over the lazy dog"))),
            "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
  // The ERC-20 Transfer event topic.
  EXPECT_EQ(to_hex(keccak256(text("Transfer(address,address,uint256)"))),
            "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
}

TEST(keccak256, is_not_nist_sha3) {
  // NIST SHA3-256("") is a7ffc6f8...; keccak256 must differ (different padding).
  EXPECT_NE(to_hex(keccak256(text(""))), "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

// FIPS 180-2 / NIST example vectors.
TEST(sha256, fips_vectors) {
  EXPECT_EQ(to_hex(sha256(text(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(text("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million_a(1'000'000, 'a');
  EXPECT_EQ(to_hex(sha256(text(million_a))), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(sha256, reused_context_gives_independent_results) {
  // The per-thread context is reused: a previous input must not leak into the next digest.
  const bytes32 first = sha256(text("abc"));
  (void)sha256(text("something else entirely"));
  EXPECT_EQ(sha256(text("abc")), first);
}

}  // namespace
}  // namespace clearway::crypto
