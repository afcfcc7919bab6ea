#include "protocol/commitment.hpp"

#include <gtest/gtest.h>

#include "crypto/hash.hpp"

namespace clearway::protocol {
namespace {

address make_address(std::uint8_t fill) {
  address a;
  a.bytes.fill(fill);
  return a;
}

// Appends v as a big-endian integer of `width` bytes, written independently of abi_packed.
void put(byte_vector& out, std::uint64_t v, std::size_t width) {
  for (std::size_t i = 0; i < width; ++i) {
    const std::size_t shift = (width - 1 - i) * 8;
    out.push_back(shift >= 64 ? 0 : static_cast<std::uint8_t>(v >> shift));
  }
}

commitment rsmc_example() {
  commitment c;
  c.bank = make_address(0xba);
  c.sequence = 2;
  c.base = {amount::from_base_units(90), amount::from_base_units(110)};
  c.revocation_lock = make_address(0x1c);
  c.freeze_time_s = 86'400;
  return c;
}

TEST(Commitment, RsmcHashIsTheArticlesEncodePacked) {
  const commitment c = rsmc_example();
  byte_vector packed;
  packed.insert(packed.end(), c.bank.bytes.begin(), c.bank.bytes.end());
  put(packed, 2, 4);
  put(packed, 90, 32);
  put(packed, 110, 32);
  packed.insert(packed.end(), c.revocation_lock.bytes.begin(), c.revocation_lock.bytes.end());
  put(packed, 86'400, 32);
  ASSERT_EQ(packed.size(), 20u + 4 + 32 + 32 + 20 + 32);
  EXPECT_EQ(commitment_hash(c), crypto::keccak256(packed));
}

TEST(Commitment, HtlcFormAppendsTheHtlcsHash) {
  commitment c = rsmc_example();
  c.base = {amount::from_base_units(80), amount::from_base_units(110)};
  bytes32 lock;
  lock.bytes.fill(0x77);
  c.htlcs.push_back({party::zero, amount::from_base_units(10), lock, 7'200});

  byte_vector htlc_packed;
  put(htlc_packed, 0, 1);
  put(htlc_packed, 10, 32);
  htlc_packed.insert(htlc_packed.end(), lock.bytes.begin(), lock.bytes.end());
  put(htlc_packed, 7'200, 32);
  const bytes32 expected_htlcs = crypto::keccak256(htlc_packed);
  EXPECT_EQ(htlcs_hash(c.htlcs), expected_htlcs);

  byte_vector packed;
  packed.insert(packed.end(), c.bank.bytes.begin(), c.bank.bytes.end());
  put(packed, 2, 4);
  put(packed, 80, 32);
  put(packed, 110, 32);
  packed.insert(packed.end(), c.revocation_lock.bytes.begin(), c.revocation_lock.bytes.end());
  put(packed, 86'400, 32);
  packed.insert(packed.end(), expected_htlcs.bytes.begin(), expected_htlcs.bytes.end());
  EXPECT_EQ(commitment_hash(c), crypto::keccak256(packed));
}

TEST(Commitment, EveryFieldChangesTheHash) {
  const commitment base = rsmc_example();
  const bytes32 h = commitment_hash(base);
  commitment c = base;
  c.sequence = 3;
  EXPECT_NE(commitment_hash(c), h);
  c = base;
  c.bank.bytes[0] ^= 1;
  EXPECT_NE(commitment_hash(c), h);
  c = base;
  c.base[0] = amount::from_base_units(91);
  EXPECT_NE(commitment_hash(c), h);
  c = base;
  c.revocation_lock.bytes[19] ^= 1;
  EXPECT_NE(commitment_hash(c), h);
  c = base;
  c.freeze_time_s += 1;
  EXPECT_NE(commitment_hash(c), h);
}

TEST(Commitment, RevocationAndCloseMessagesBindTheBank) {
  const address bank_a = make_address(1);
  const address bank_b = make_address(2);
  EXPECT_NE(revocation_message_hash(bank_a, 5), revocation_message_hash(bank_b, 5));
  EXPECT_NE(revocation_message_hash(bank_a, 5), revocation_message_hash(bank_a, 6));
  const auto a0 = amount::from_base_units(90);
  const auto a1 = amount::from_base_units(110);
  EXPECT_NE(close_message_hash(bank_a, a0, a1), close_message_hash(bank_b, a0, a1));
  EXPECT_NE(close_message_hash(bank_a, a0, a1), close_message_hash(bank_a, a1, a0));
}

TEST(Commitment, TotalIsCheckedForOverflow) {
  commitment c = rsmc_example();
  EXPECT_EQ(commitment_total(c)->base_units(), 200u);
  c.base[0] = amount::max();
  EXPECT_FALSE(commitment_total(c));
}

}  // namespace
}  // namespace clearway::protocol
