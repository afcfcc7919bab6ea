#include <gtest/gtest.h>

#include <vector>

#include "node/rpc/rpc_frame.hpp"

namespace {

using namespace clearway::node::rpc;

TEST(RpcFrame, RoundTripsAndWaitsForMoreBytes) {
  auto framed = encode_frame(R"({"id":1})");
  ASSERT_TRUE(framed.has_value());
  ASSERT_EQ(framed->size(), 12u);
  EXPECT_EQ((*framed)[3], 8);
  for (std::size_t cut = 0; cut < framed->size(); ++cut) {
    auto partial = split_frame(std::span(framed->data(), cut));
    ASSERT_TRUE(partial.has_value());
    EXPECT_FALSE(partial->has_value()) << cut;
  }
  std::vector<std::uint8_t> two = *framed;
  two.insert(two.end(), framed->begin(), framed->end());
  auto first = split_frame(two);
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ((*first)->body, R"({"id":1})");
  EXPECT_EQ((*first)->consumed, 12u);
}

TEST(RpcFrame, RefusesEmptyAndOversizedFramesFromTheHeader) {
  const std::uint8_t empty[] = {0, 0, 0, 0};
  auto e = split_frame(empty);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error(), rpc_error::frame_empty);
  const std::uint8_t huge[] = {0, 0x10, 0, 1};  // max + 1, no body needed to refuse
  auto h = split_frame(huge);
  ASSERT_FALSE(h.has_value());
  EXPECT_EQ(h.error(), rpc_error::frame_too_large);
  const std::uint8_t at_cap[] = {0, 0x10, 0, 0};  // exactly the cap: wait for the body
  auto c = split_frame(at_cap);
  ASSERT_TRUE(c.has_value());
  EXPECT_FALSE(c->has_value());
  EXPECT_EQ(encode_frame("").error(), rpc_error::frame_empty);
  EXPECT_EQ(encode_frame(std::string(max_rpc_frame_bytes + 1, 'x')).error(), rpc_error::frame_too_large);
  EXPECT_TRUE(encode_frame(std::string(max_rpc_frame_bytes, 'x')).has_value());
}

}  // namespace
