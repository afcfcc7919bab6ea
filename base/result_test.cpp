#include "base/result.hpp"

#include <gtest/gtest.h>

namespace clearway {
namespace {

enum class test_error { bad = 1, worse };

result<int, test_error> half(int x) {
  if (x % 2 != 0) return test_error::bad;
  return x / 2;
}

result<int, test_error> quarter(int x) {
  CW_TRY(h, half(x));
  return half(h);
}

TEST(Result, PropagatesTheFirstError) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_EQ(quarter(6).error(), test_error::bad);
  EXPECT_EQ(quarter(3).error(), test_error::bad);
}

TEST(Result, VoidStatus) {
  status<test_error> ok;
  EXPECT_TRUE(ok);
  status<test_error> fail = test_error::worse;
  EXPECT_FALSE(fail);
  EXPECT_EQ(fail.error(), test_error::worse);
}

}  // namespace
}  // namespace clearway
