#include "chain/evm/abi.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clearway::chain::evm::abi {
namespace {

byte_vector str(std::string_view s) { return byte_vector(s.begin(), s.end()); }

// A left-aligned bytesN value as a word.
word left_aligned(std::string_view s) {
  word w;
  std::copy(s.begin(), s.end(), w.bytes.begin());
  return w;
}

// Examples of the Solidity "Contract ABI Specification".
TEST(Abi, SpecificationStaticExample) {
  const std::array<value, 2> args{value::uint(69), value::boolean(true)};
  EXPECT_EQ(to_hex(encode_call("baz(uint32,bool)", args)),
            "cdcd77c0"
            "0000000000000000000000000000000000000000000000000000000000000045"
            "0000000000000000000000000000000000000000000000000000000000000001");
}

TEST(Abi, SpecificationDynamicExample) {
  const std::array<value, 3> args{value::bytes(str("dave")), value::boolean(true),
                                  value::array({value::uint(1), value::uint(2), value::uint(3)})};
  EXPECT_EQ(to_hex(encode_call("sam(bytes,bool,uint256[])", args)),
            "a5643bf2"
            "0000000000000000000000000000000000000000000000000000000000000060"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "00000000000000000000000000000000000000000000000000000000000000a0"
            "0000000000000000000000000000000000000000000000000000000000000004"
            "6461766500000000000000000000000000000000000000000000000000000000"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000003");
}

TEST(Abi, SpecificationMixedExample) {
  const std::array<value, 4> args{value::uint(0x123), value::array({value::uint(0x456), value::uint(0x789)}),
                                  value::uint_word(left_aligned("1234567890")), value::bytes(str("Hello, world!"))};
  EXPECT_EQ(to_hex(encode_call("f(uint256,uint32[],bytes10,bytes)", args)),
            "8be65246"
            "0000000000000000000000000000000000000000000000000000000000000123"
            "0000000000000000000000000000000000000000000000000000000000000080"
            "3132333435363738393000000000000000000000000000000000000000000000"
            "00000000000000000000000000000000000000000000000000000000000000e0"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000456"
            "0000000000000000000000000000000000000000000000000000000000000789"
            "000000000000000000000000000000000000000000000000000000000000000d"
            "48656c6c6f2c20776f726c642100000000000000000000000000000000000000");
}

// g(uint256[][], string[]) with ([[1, 2], [3]], ["one", "two", "three"]): nested dynamic arrays.
TEST(Abi, SpecificationNestedDynamicExample) {
  const std::array<value, 2> args{
      value::array({value::array({value::uint(1), value::uint(2)}), value::array({value::uint(3)})}),
      value::array({value::bytes(str("one")), value::bytes(str("two")), value::bytes(str("three"))})};
  EXPECT_EQ(to_hex(encode(args)),
            "0000000000000000000000000000000000000000000000000000000000000040"
            "0000000000000000000000000000000000000000000000000000000000000140"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000040"
            "00000000000000000000000000000000000000000000000000000000000000a0"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "0000000000000000000000000000000000000000000000000000000000000002"
            "0000000000000000000000000000000000000000000000000000000000000001"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "0000000000000000000000000000000000000000000000000000000000000060"
            "00000000000000000000000000000000000000000000000000000000000000a0"
            "00000000000000000000000000000000000000000000000000000000000000e0"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "6f6e650000000000000000000000000000000000000000000000000000000000"
            "0000000000000000000000000000000000000000000000000000000000000003"
            "74776f0000000000000000000000000000000000000000000000000000000000"
            "0000000000000000000000000000000000000000000000000000000000000005"
            "7468726565000000000000000000000000000000000000000000000000000000");
}

TEST(Abi, StaticTuplesAndFixedArraysAreInline) {
  crypto::address a;
  a.bytes[19] = 0xaa;
  const std::array<value, 2> args{value::tuple({value::address(a), value::uint(5)}), value::uint(7)};
  const byte_vector out = encode(args);
  ASSERT_EQ(out.size(), 96u);
  EXPECT_EQ(out[31], 0xaa);
  EXPECT_EQ(out[63], 5);
  EXPECT_EQ(out[95], 7);
  EXPECT_FALSE(args[0].is_dynamic());
  EXPECT_TRUE(value::tuple({value::uint(1), value::bytes({})}).is_dynamic());
}

TEST(Abi, ReaderChecksBoundsAndRanges) {
  const std::array<value, 3> args{value::uint(300), value::bytes(str("hello")), value::boolean(true)};
  const byte_vector data = encode(args);
  const reader r(data);
  EXPECT_EQ(r.uint64_at(0), 300u);
  EXPECT_EQ(r.bytes_at(1), str("hello"));
  EXPECT_EQ(r.bool_at(2), true);
  EXPECT_FALSE(r.word_at(data.size() / 32));
  EXPECT_FALSE(r.bool_at(0));  // 300 is not a bool
  // An offset pointing past the end, and a length running past it.
  byte_vector bad = data;
  bad[63] = 0xff;
  EXPECT_FALSE(reader(bad).bytes_at(1));
  byte_vector truncated(data.begin(), data.end() - 32);
  EXPECT_FALSE(reader(truncated).bytes_at(1));
  word not_address;
  not_address.bytes[0] = 1;
  EXPECT_FALSE(reader(not_address.span()).address_at(0));
  EXPECT_FALSE(reader(byte_span{}).word_at(0));
}

TEST(Abi, SelectorOfKnownSignatures) {
  EXPECT_EQ(to_hex(byte_span(selector_of("transfer(address,uint256)"))), "a9059cbb");
  EXPECT_EQ(to_hex(byte_span(selector_of("Error(string)"))), "08c379a0");
  EXPECT_EQ(to_hex(byte_span(selector_of("Panic(uint256)"))), "4e487b71");
}

}  // namespace
}  // namespace clearway::chain::evm::abi
