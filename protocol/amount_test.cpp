#include "protocol/amount.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"

namespace clearway::protocol {
namespace {

TEST(Amount, AddOverflowIsAnErrorNotAWrap) {
  const auto almost = amount::from_base_units(UINT64_MAX - 1);
  EXPECT_EQ(almost.checked_add(amount::from_base_units(1))->base_units(), UINT64_MAX);
  auto over = almost.checked_add(amount::from_base_units(2));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error(), amount_error::overflow);
}

TEST(Amount, SubUnderflowIsAnError) {
  auto under = amount::from_base_units(5).checked_sub(amount::from_base_units(6));
  ASSERT_FALSE(under);
  EXPECT_EQ(under.error(), amount_error::underflow);
  EXPECT_EQ(amount::from_base_units(6).checked_sub(amount::from_base_units(6))->base_units(), 0u);
}

TEST(Amount, ProportionalFeeIsExactIn128Bits) {
  EXPECT_EQ(amount::from_base_units(1'000'000).checked_proportional_ppm(1).value().base_units(), 1u);
  EXPECT_EQ(amount::from_base_units(999'999).checked_proportional_ppm(1).value().base_units(), 0u);
  EXPECT_EQ(amount::max().checked_proportional_ppm(1'000'000).value(), amount::max());
  // A fee above 100 % of a huge amount does not fit: a named error, never a truncated fee.
  EXPECT_EQ(amount::max().checked_proportional_ppm(1'000'001).error(), amount_error::overflow);
  EXPECT_EQ(amount::max().checked_proportional_ppm(UINT32_MAX).error(), amount_error::overflow);
  EXPECT_EQ(amount::from_base_units(1'000'000).checked_proportional_ppm(UINT32_MAX).value().base_units(),
            UINT32_MAX);
}

TEST(Amount, CheckedArithmeticMatchesWideArithmetic) {
  std::mt19937_64 rng(test_seed("amount"));
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t a = rng() >> (rng() % 64);
    const std::uint64_t b = rng() >> (rng() % 64);
    const unsigned __int128 wide = static_cast<unsigned __int128>(a) + b;
    auto sum = amount::from_base_units(a).checked_add(amount::from_base_units(b));
    EXPECT_EQ(sum.has_value(), wide <= UINT64_MAX);
    if (sum) EXPECT_EQ(sum->base_units(), static_cast<std::uint64_t>(wide));
    auto diff = amount::from_base_units(a).checked_sub(amount::from_base_units(b));
    EXPECT_EQ(diff.has_value(), a >= b);
    if (diff) EXPECT_EQ(diff->base_units(), a - b);
  }
}

TEST(Amount, SumOfManyOverflows) {
  const amount parts[] = {amount::max(), amount::from_base_units(1)};
  EXPECT_FALSE(checked_sum(parts));
}

}  // namespace
}  // namespace clearway::protocol
