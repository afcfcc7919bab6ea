#include "tools/bench/stats.hpp"

#include <gtest/gtest.h>

#include <numeric>

namespace clearway::tools::bench {
namespace {

TEST(stats, nearest_rank_percentiles) {
  std::vector<std::uint64_t> v(100);
  std::iota(v.begin(), v.end(), 1);  // 1..100
  EXPECT_EQ(percentile(v, 0.50), 50u);
  EXPECT_EQ(percentile(v, 0.99), 99u);
  EXPECT_EQ(percentile(v, 1.0), 100u);
  EXPECT_EQ(percentile(v, 0.001), 1u);
  const std::vector<std::uint64_t> one = {7};
  EXPECT_EQ(percentile(one, 0.5), 7u);
  EXPECT_EQ(percentile(one, 0.99), 7u);
  EXPECT_EQ(percentile({}, 0.5), 0u);
}

TEST(stats, summarize_sorts_and_summarises) {
  auto d = summarize({300, 100, 200, 400, 1000});
  EXPECT_EQ(d.count, 5u);
  EXPECT_EQ(d.min, 100u);
  EXPECT_EQ(d.max, 1000u);
  EXPECT_EQ(d.p50, 300u);
  EXPECT_EQ(d.p99, 1000u);
  EXPECT_DOUBLE_EQ(d.mean, 400.0);
  auto empty = summarize({});
  EXPECT_EQ(empty.count, 0u);
  EXPECT_EQ(empty.p50, 0u);
}

}  // namespace
}  // namespace clearway::tools::bench
