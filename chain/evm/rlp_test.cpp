#include "chain/evm/rlp.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/test_seed.hpp"
#include "chain/evm/test_rlp_decoder.hpp"

namespace clearway::chain::evm {
namespace {

byte_vector str(std::string_view s) { return byte_vector(s.begin(), s.end()); }
std::string hex(const byte_vector& b) { return to_hex(b); }

// The examples of the RLP specification (Ethereum wiki / yellow paper appendix B).
TEST(Rlp, SpecificationExamples) {
  EXPECT_EQ(hex(rlp::encode_bytes(str("dog"))), "83646f67");
  EXPECT_EQ(hex(rlp::encode_list({rlp::encode_bytes(str("cat")), rlp::encode_bytes(str("dog"))})),
            "c88363617483646f67");
  EXPECT_EQ(hex(rlp::encode_bytes({})), "80");
  EXPECT_EQ(hex(rlp::encode_list(std::span<const byte_vector>{})), "c0");
  EXPECT_EQ(hex(rlp::encode_uint(0)), "80");
  EXPECT_EQ(hex(rlp::encode_bytes(byte_vector{0x00})), "00");
  EXPECT_EQ(hex(rlp::encode_uint(15)), "0f");
  EXPECT_EQ(hex(rlp::encode_uint(1024)), "820400");
  EXPECT_EQ(hex(rlp::encode_uint(0x80)), "8180");
  // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
  const byte_vector empty = rlp::encode_list(std::span<const byte_vector>{});
  const byte_vector one = rlp::encode_list({empty});
  EXPECT_EQ(hex(rlp::encode_list({empty, one, rlp::encode_list({empty, one})})), "c7c0c1c0c3c0c1c0");
  const std::string lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
  EXPECT_EQ(hex(rlp::encode_bytes(str(lorem))), "b838" + to_hex(str(lorem)));
}

TEST(Rlp, LongListsAndStringsUseLengthOfLength) {
  const byte_vector s1024(1024, 0xab);
  const byte_vector enc = rlp::encode_bytes(s1024);
  EXPECT_EQ(hex(byte_vector(enc.begin(), enc.begin() + 3)), "b90400");
  std::vector<byte_vector> items(20, rlp::encode_bytes(str("dog")));  // 80-byte payload
  const byte_vector list = rlp::encode_list(items);
  EXPECT_EQ(hex(byte_vector(list.begin(), list.begin() + 2)), "f850");
  EXPECT_EQ(list.size(), 82u);
}

// Random nested items encode to what an independent decoder reads back.
testing::rlp_item random_item(std::mt19937_64& rng, int depth) {
  testing::rlp_item item;
  if (depth > 0 && rng() % 3 == 0) {
    item.is_list = true;
    const std::size_t n = rng() % 6;
    for (std::size_t i = 0; i < n; ++i) item.items.push_back(random_item(rng, depth - 1));
    return item;
  }
  const std::size_t sizes[] = {0, 1, 2, 55, 56, 57, 300};
  item.bytes.resize(sizes[rng() % 7]);
  for (auto& b : item.bytes) b = static_cast<std::uint8_t>(rng() % 3 == 0 ? rng() % 0x80 : rng());
  return item;
}

byte_vector encode(const testing::rlp_item& item) {
  if (!item.is_list) return rlp::encode_bytes(item.bytes);
  std::vector<byte_vector> encoded;
  for (const auto& c : item.items) encoded.push_back(encode(c));
  return rlp::encode_list(encoded);
}

TEST(Rlp, RandomNestedItemsRoundTrip) {
  std::mt19937_64 rng(test_seed("Rlp"));
  for (int i = 0; i < 500; ++i) {
    const testing::rlp_item item = random_item(rng, 4);
    const auto decoded = testing::rlp_decode(encode(item));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, item);
  }
}

}  // namespace
}  // namespace clearway::chain::evm
