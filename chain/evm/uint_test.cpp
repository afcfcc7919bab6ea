#include "chain/evm/uint.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "base/test_seed.hpp"

namespace clearway::chain::evm {
namespace {

TEST(EvmUint, QuantitiesRoundTripAndRejectGarbage) {
  EXPECT_EQ(to_quantity(0), "0x0");
  EXPECT_EQ(to_quantity(0x1a), "0x1a");
  EXPECT_EQ(u64_from_quantity("0x0"), 0u);
  EXPECT_EQ(u64_from_quantity("0x00ff"), 255u);
  EXPECT_EQ(u64_from_quantity("0xFF"), 255u);
  EXPECT_FALSE(u64_from_quantity("0x"));
  EXPECT_FALSE(u64_from_quantity("ff"));
  EXPECT_FALSE(u64_from_quantity("0xg1"));
  EXPECT_FALSE(u64_from_quantity("0x10000000000000000"));  // 2^64
  EXPECT_TRUE(u128_from_quantity("0x10000000000000000"));
  EXPECT_FALSE(u128_from_quantity("0x100000000000000000000000000000000"));  // 2^128

  std::mt19937_64 rng(test_seed("EvmUint"));
  for (int i = 0; i < 1000; ++i) {
    const u128 v = (static_cast<u128>(rng()) << (rng() % 64)) ^ rng();
    EXPECT_EQ(u128_from_quantity(to_quantity(v)), v);
    EXPECT_EQ(u128_from_word(word_from_u128(v)), v);
  }
}

TEST(EvmUint, WordsAreBigEndianAndRangeChecked) {
  const word w = word_from_u64(0x0102);
  EXPECT_EQ(w.bytes[30], 0x01);
  EXPECT_EQ(w.bytes[31], 0x02);
  EXPECT_EQ(u64_from_word(w), 0x0102u);
  word big;
  big.bytes[23] = 1;  // 2^64
  EXPECT_FALSE(u64_from_word(big));
  EXPECT_TRUE(u128_from_word(big));
  word huge;
  huge.bytes[0] = 1;
  EXPECT_FALSE(u128_from_word(huge));
}

TEST(EvmUint, MinimalBigEndianAndDecimal) {
  EXPECT_TRUE(minimal_big_endian(0).empty());
  EXPECT_EQ(minimal_big_endian(0x0400), (byte_vector{0x04, 0x00}));
  EXPECT_EQ(to_decimal(0), "0");
  EXPECT_EQ(to_decimal(static_cast<u128>(10000) * 1'000'000'000'000'000'000u), "10000000000000000000000");
  EXPECT_EQ(to_decimal(std::numeric_limits<std::uint64_t>::max()), "18446744073709551615");
}

}  // namespace
}  // namespace clearway::chain::evm
