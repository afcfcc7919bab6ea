#include "base/bytes.hpp"

#include <gtest/gtest.h>

namespace clearway {
namespace {

TEST(Hex, RoundTrip) {
  const byte_vector data{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(data), "0001abff");
  EXPECT_EQ(from_hex("0x0001ABff"), data);
}

TEST(Hex, RejectsOddLengthAndBadDigits) {
  EXPECT_FALSE(from_hex("abc").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
  EXPECT_FALSE(fixed_from_hex<bytes32>("00").has_value());
}

}  // namespace
}  // namespace clearway
