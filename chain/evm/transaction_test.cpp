#include "chain/evm/transaction.hpp"

#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"
#include "chain/evm/test_rlp_decoder.hpp"
#include "crypto/ecdsa_digest.hpp"
#include "crypto/hash.hpp"

namespace clearway::chain::evm {
namespace {

crypto::address addr(std::string_view hex) { return *fixed_from_hex<crypto::address>(hex); }

// The widely published CREATE examples for sender 0x6ac7...dbf0.
TEST(EvmTransaction, CreateAddressVectors) {
  const auto sender = addr("6ac7ea33f8831ea9dcc53393aaa88b25a785dbf0");
  EXPECT_EQ(create_address(sender, 0), addr("cd234a471b72ba2f1ccf0a70fcaba648a5eecd8d"));
  EXPECT_EQ(create_address(sender, 1), addr("343c43a37d37dff08ae8c4a11544c718abb4fcf8"));
  EXPECT_EQ(create_address(sender, 2), addr("f778b86fa74e846c4f0a1fbd1335fe81c00a0c91"));
}

u128 as_uint(const byte_vector& be) {
  u128 v = 0;
  for (auto b : be) v = (v << 8) | b;
  return v;
}

// The raw transaction decodes to the fields given, and its signature recovers the signer's
// address from the signing hash (which is keccak256(0x02 || rlp(first nine fields))).
TEST(EvmTransaction, SignedTransactionDecodesAndRecoversSigner) {
  std::mt19937_64 rng(test_seed("EvmTransaction"));
  for (int i = 0; i < 50; ++i) {
    bytes32 raw_key;
    for (auto& b : raw_key.bytes) b = static_cast<std::uint8_t>(rng());
    raw_key.bytes[0] &= 0x7f;  // below the curve order
    raw_key.bytes[31] |= 1;    // not zero
    const auto key = *crypto::secret_key::from_bytes(raw_key);

    eip1559_transaction tx;
    tx.chain_id = 31337;
    tx.nonce = rng() % 3 == 0 ? 0 : rng();
    tx.max_priority_fee_per_gas_wei = rng() % 1000;
    tx.max_fee_per_gas_wei = (static_cast<u128>(rng()) << 32) | rng();
    tx.gas_limit = 21000 + rng() % 1'000'000;
    if (rng() % 4 != 0) {
      crypto::address to;
      for (auto& b : to.bytes) b = static_cast<std::uint8_t>(rng());
      tx.to = to;
    }
    tx.value_wei = rng() % 2 == 0 ? 0 : rng();
    tx.data.resize(rng() % 200);
    for (auto& b : tx.data) b = static_cast<std::uint8_t>(rng());

    const byte_vector raw = sign_transaction(tx, key);
    ASSERT_EQ(raw[0], 0x02);
    const auto decoded = testing::rlp_decode(byte_span(raw).subspan(1));
    ASSERT_TRUE(decoded && decoded->is_list);
    const auto& f = decoded->items;
    ASSERT_EQ(f.size(), 12u);
    EXPECT_EQ(as_uint(f[0].bytes), tx.chain_id);
    EXPECT_EQ(as_uint(f[1].bytes), tx.nonce);
    EXPECT_EQ(as_uint(f[2].bytes), tx.max_priority_fee_per_gas_wei);
    EXPECT_EQ(as_uint(f[3].bytes), tx.max_fee_per_gas_wei);
    EXPECT_EQ(as_uint(f[4].bytes), tx.gas_limit);
    EXPECT_EQ(f[5].bytes, tx.to ? byte_vector(tx.to->bytes.begin(), tx.to->bytes.end()) : byte_vector{});
    EXPECT_EQ(as_uint(f[6].bytes), tx.value_wei);
    EXPECT_EQ(f[7].bytes, tx.data);
    EXPECT_TRUE(f[8].is_list && f[8].items.empty());
    ASSERT_LE(f[9].bytes.size(), 1u);
    const std::uint8_t parity = f[9].bytes.empty() ? 0 : f[9].bytes[0];
    ASSERT_LE(parity, 1);
    ASSERT_LE(f[10].bytes.size(), 32u);
    ASSERT_LE(f[11].bytes.size(), 32u);
    // Integers are minimal: no leading zero byte.
    for (int k : {0, 1, 2, 3, 4, 6, 10, 11}) {
      if (!f[k].bytes.empty()) {
        EXPECT_NE(f[k].bytes[0], 0) << "field " << k;
      }
    }
    crypto::signature sig;
    std::copy(f[10].bytes.begin(), f[10].bytes.end(), sig.bytes.begin() + (32 - f[10].bytes.size()));
    std::copy(f[11].bytes.begin(), f[11].bytes.end(), sig.bytes.begin() + 32 + (32 - f[11].bytes.size()));
    sig.bytes[64] = static_cast<std::uint8_t>(27 + parity);
    const auto recovered = crypto::recover_digest(sig, signing_hash(tx));
    ASSERT_TRUE(recovered);
    EXPECT_EQ(crypto::address_of(*recovered), crypto::address_of(key));
    EXPECT_EQ(transaction_hash(raw), crypto::keccak256(raw));
  }
}

}  // namespace
}  // namespace clearway::chain::evm
