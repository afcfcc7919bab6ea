// Golden vectors from the Solidity compiler itself: contracts/test/AbiProbe.sol builds VirtualBank
// calldata with abi.encodeWithSelector from seed-derived values; the same values encoded here
// must give the same bytes.
#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"
#include "chain/evm/abi.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/sender.hpp"
#include "chain/evm/virtual_bank.hpp"
#include "crypto/hash.hpp"

namespace clearway::chain::evm {
namespace {

using abi::value;

// w(seed, k) = uint256(keccak256(abi.encode(seed, k))), as AbiProbe.w.
word w(std::uint64_t seed, std::uint64_t k) {
  byte_vector buf;
  const word a = word_from_u64(seed);
  const word b = word_from_u64(k);
  buf.insert(buf.end(), a.bytes.begin(), a.bytes.end());
  buf.insert(buf.end(), b.bytes.begin(), b.bytes.end());
  return crypto::keccak256(buf);
}

byte_vector blob(std::uint64_t seed, std::uint64_t k, std::size_t len) {
  byte_vector out(len);
  for (std::size_t j = 0; j < len; ++j) out[j] = w(seed, k + j / 32).bytes[j % 32];
  return out;
}

crypto::address address_from(const word& x) {
  crypto::address a;
  std::copy(x.bytes.begin() + 12, x.bytes.end(), a.bytes.begin());
  return a;
}

word low_bits(const word& x, std::size_t bytes) {
  word out;
  std::copy(x.bytes.end() - static_cast<std::ptrdiff_t>(bytes), x.bytes.end(), out.bytes.end() - static_cast<std::ptrdiff_t>(bytes));
  return out;
}

std::uint64_t low64(const word& x) { return *u64_from_word(low_bits(x, 8)); }

class AbiGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
    deployer_.emplace(*env_->rpc, anvil_process::dev_key(3), env_->chain_id);
    const byte_vector code = testing::creation_code_of("AbiProbe");
    ASSERT_FALSE(code.empty()) << "AbiProbe artifact missing";
    auto rec = deployer_->send(std::nullopt, code);
    ASSERT_TRUE(rec) << rec.error().describe();
    ASSERT_TRUE(rec->contract_address);
    probe_ = *rec->contract_address;
  }

  // Calls a probe function that returns `bytes`, and returns those bytes.
  byte_vector probe(std::string_view signature, std::vector<value> args) {
    auto ret = deployer_->call(probe_, abi::encode_call(signature, args));
    EXPECT_TRUE(ret) << signature << ": " << (ret ? "" : ret.error().describe());
    if (!ret) return {};
    auto out = abi::reader(*ret).bytes_at(0);
    EXPECT_TRUE(out) << signature << ": return value is not bytes";
    return out.value_or(byte_vector{});
  }

  testing::anvil_env* env_ = nullptr;
  std::optional<sender> deployer_;
  crypto::address probe_;
};

TEST_F(AbiGolden, CashCalldataAtFullWidthMatchesSolc) {
  std::mt19937_64 rng(test_seed("AbiGolden.cash"));
  const word all_ones = *fixed_from_hex<word>(std::string(64, 'f'));
  for (std::size_t n : {0, 1, 2, 5}) {
    for (std::size_t sig_len : {0, 1, 31, 32, 33, 65, 100}) {
      const std::uint64_t seed = rng();
      std::vector<value> htlcs;
      for (std::size_t i = 0; i < n; ++i) {
        htlcs.push_back(value::tuple({value::uint(w(seed, 10 + 4 * i).bytes[31]), value::uint_word(w(seed, 11 + 4 * i)),
                                      value::fixed_bytes32(w(seed, 12 + 4 * i)), value::uint_word(w(seed, 13 + 4 * i))}));
      }
      const std::array<value, 2> args{
          value::tuple({value::address(address_from(w(seed, 5))), value::uint_word(low_bits(w(seed, 0), 4)),
                        value::uint_word(w(seed, 1)), value::uint_word(w(seed, 2)),
                        value::address(address_from(w(seed, 3))), value::uint_word(w(seed, 4)),
                        value::array(std::move(htlcs))}),
          value::bytes(blob(seed, 1000, sig_len))};
      const byte_vector mine = abi::encode_call(
          "cash((address,uint32,uint256,uint256,address,uint256,(uint8,uint256,bytes32,uint256)[]),bytes)", args);
      const byte_vector solc = probe("cashCalldata(uint256,uint256,uint256,uint256,uint256)",
                                     {value::uint(seed), value::uint(n), value::uint(sig_len), value::uint_word(all_ones),
                                      value::uint(256)});
      EXPECT_EQ(to_hex(mine), to_hex(solc)) << "n=" << n << " sig_len=" << sig_len << " seed=" << seed;
    }
  }
}

// virtual_bank::cash_call from a protocol::commitment (uint64 amounts and times, parties).
TEST_F(AbiGolden, CashCallOfACommitmentMatchesSolc) {
  std::mt19937_64 rng(test_seed("AbiGolden.commitment"));
  const word mask64 = word_from_u64(UINT64_MAX);
  for (std::size_t n : {0, 1, 3, 20}) {
    const std::uint64_t seed = rng();
    protocol::commitment c;
    c.bank = address_from(w(seed, 5));
    c.sequence = static_cast<std::uint32_t>(low64(w(seed, 0)));
    c.base = {protocol::amount::from_base_units(low64(w(seed, 1))), protocol::amount::from_base_units(low64(w(seed, 2)))};
    c.revocation_lock = address_from(w(seed, 3));
    c.freeze_time_s = low64(w(seed, 4));
    for (std::size_t i = 0; i < n; ++i) {
      c.htlcs.push_back(protocol::htlc_terms{static_cast<protocol::party>(w(seed, 10 + 4 * i).bytes[31] % 2),
                                             protocol::amount::from_base_units(low64(w(seed, 11 + 4 * i))),
                                             w(seed, 12 + 4 * i), low64(w(seed, 13 + 4 * i))});
    }
    crypto::signature sig;
    const byte_vector sig_bytes = blob(seed, 1000, 65);
    std::copy(sig_bytes.begin(), sig_bytes.end(), sig.bytes.begin());
    const byte_vector solc = probe("cashCalldata(uint256,uint256,uint256,uint256,uint256)",
                                   {value::uint(seed), value::uint(n), value::uint(65), value::uint_word(mask64), value::uint(2)});
    EXPECT_EQ(to_hex(virtual_bank::cash_call(c, sig)), to_hex(solc)) << "n=" << n << " seed=" << seed;
  }
}

TEST_F(AbiGolden, OtherCallsMatchSolc) {
  std::mt19937_64 rng(test_seed("AbiGolden.calls"));
  for (int round = 0; round < 4; ++round) {
    const std::uint64_t seed = rng();
    auto sig_at = [&](std::uint64_t k) {
      crypto::signature s;
      const byte_vector b = blob(seed, k, 65);
      std::copy(b.begin(), b.end(), s.bytes.begin());
      return s;
    };
    const word mask64 = word_from_u64(UINT64_MAX);
    EXPECT_EQ(to_hex(virtual_bank::close_call(protocol::amount::from_base_units(low64(w(seed, 0))),
                                              protocol::amount::from_base_units(low64(w(seed, 1))), sig_at(1000), sig_at(2000))),
              to_hex(probe("closeCalldata(uint256,uint256,uint256,uint256)",
                           {value::uint(seed), value::uint(65), value::uint(65), value::uint_word(mask64)})));
    EXPECT_EQ(to_hex(virtual_bank::punish_call(sig_at(1000))),
              to_hex(probe("punishCalldata(uint256,uint256)", {value::uint(seed), value::uint(65)})));
    EXPECT_EQ(to_hex(virtual_bank::claim_htlc_call(static_cast<std::uint32_t>(low64(w(seed, 0))), w(seed, 1))),
              to_hex(probe("claimHtlcCalldata(uint256)", {value::uint(seed)})));
    EXPECT_EQ(to_hex(virtual_bank::collect_call(address_from(w(seed, 0)))),
              to_hex(probe("collectCalldata(uint256)", {value::uint(seed)})));
    EXPECT_EQ(to_hex(virtual_bank::withdraw_call()), to_hex(probe("withdrawCalldata()", {})));
    // Constructor arguments: the creation code ends with them.
    const std::array<crypto::address, 2> clients{address_from(w(seed, 0)), address_from(w(seed, 1))};
    const std::array<protocol::amount, 2> deposits{protocol::amount::from_base_units(low64(w(seed, 2))),
                                                   protocol::amount::from_base_units(low64(w(seed, 3)))};
    const byte_vector code = virtual_bank::creation_code(clients, deposits, low64(w(seed, 4)), low64(w(seed, 5)));
    const byte_vector args = probe("constructorArgs(uint256)", {value::uint(seed)});
    ASSERT_GE(code.size(), args.size());
    EXPECT_EQ(to_hex(byte_span(code).subspan(code.size() - args.size())), to_hex(args));
  }
}

// The reader against return data the compiler encoded (static words and a dynamic bytes).
TEST_F(AbiGolden, ReaderDecodesSolcReturnData) {
  std::mt19937_64 rng(test_seed("AbiGolden.decode"));
  for (std::size_t len : {0, 5, 32, 77}) {
    const std::uint64_t seed = rng();
    auto ret = deployer_->call(probe_, abi::encode_call("decodeProbe(uint256,uint256)",
                                                        std::vector<value>{value::uint(seed), value::uint(len)}));
    ASSERT_TRUE(ret) << ret.error().describe();
    const abi::reader r(*ret);
    EXPECT_EQ(r.uint64_at(0), w(seed, 0).bytes[31]);
    EXPECT_EQ(r.word_at(1), w(seed, 1));
    EXPECT_EQ(r.word_at(2), w(seed, 2));
    EXPECT_EQ(r.address_at(3), address_from(w(seed, 3)));
    EXPECT_EQ(r.bool_at(4), (w(seed, 4).bytes[31] & 1) == 1);
    EXPECT_EQ(r.bytes_at(5), blob(seed, 1000, len));
    EXPECT_EQ(r.uint64_at(6), low64(low_bits(w(seed, 5), 4)));
  }
}

}  // namespace
}  // namespace clearway::chain::evm
