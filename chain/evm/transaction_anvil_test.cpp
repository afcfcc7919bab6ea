// Locally signed EIP-1559 transactions and the JSON-RPC client against a real node.
#include <gtest/gtest.h>

#include <random>

#include "base/test_seed.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/sender.hpp"
#include "chain/evm/transaction.hpp"
#include "chain/evm/virtual_bank.hpp"

namespace clearway::chain::evm {
namespace {

class EvmNode : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
  }
  json_rpc_client& rpc() { return *env_->rpc; }
  testing::anvil_env* env_ = nullptr;
};

TEST_F(EvmNode, DevKeysAreTheNodesAccounts) {
  auto accounts = rpc().accounts();
  ASSERT_TRUE(accounts) << accounts.error().describe();
  ASSERT_GE(accounts->size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(crypto::address_of(anvil_process::dev_key(i)), (*accounts)[i]) << i;
  EXPECT_EQ(env_->chain_id, 31337u);
}

TEST_F(EvmNode, SignedTransferIsMinedAndMovesExactlyTheValue) {
  std::mt19937_64 rng(test_seed("EvmNode.transfer"));
  sender from(rpc(), anvil_process::dev_key(3), env_->chain_id);
  crypto::address to;
  for (auto& b : to.bytes) b = static_cast<std::uint8_t>(rng());
  const u128 value = 1'000'000'007u + rng() % 1000;
  auto before_from = rpc().balance(from.address(), block_ref::latest());
  auto before_to = rpc().balance(to, block_ref::latest());
  ASSERT_TRUE(before_from && before_to);
  auto rec = from.send(to, {}, value);
  ASSERT_TRUE(rec) << rec.error().describe();
  EXPECT_TRUE(rec->success);
  EXPECT_EQ(rec->gas_used, 21000u);
  auto after_from = rpc().balance(from.address(), block_ref::latest());
  auto after_to = rpc().balance(to, block_ref::latest());
  ASSERT_TRUE(after_from && after_to);
  EXPECT_EQ(*after_to - *before_to, value);
  EXPECT_EQ(*before_from - *after_from, value + rec->effective_gas_price_wei * rec->gas_used);
}

TEST_F(EvmNode, DeployLandsAtTheCreateAddress) {
  sender from(rpc(), anvil_process::dev_key(3), env_->chain_id);
  auto nonce = rpc().transaction_count(from.address(), block_ref::pending());
  ASSERT_TRUE(nonce);
  const byte_vector code = testing::creation_code_of("Refuser");
  ASSERT_FALSE(code.empty());
  auto rec = from.send(std::nullopt, code);
  ASSERT_TRUE(rec) << rec.error().describe();
  ASSERT_TRUE(rec->contract_address);
  EXPECT_EQ(*rec->contract_address, create_address(from.address(), *nonce));
  auto deployed = rpc().code(*rec->contract_address, block_ref::latest());
  ASSERT_TRUE(deployed);
  EXPECT_FALSE(deployed->empty());
}

TEST_F(EvmNode, ErrorsAreNamed) {
  // A method the node does not know: the JSON-RPC error code comes through.
  auto unknown = rpc().request("clearway_noSuchMethod", nlohmann::json::array());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().what, error::rpc_error);
  EXPECT_EQ(unknown.error().code, -32601);
  // Nothing listens on a port we just closed (bind 0, read it, close).
  auto port_holder = anvil_process::start(anvil_process::options{"/nonexistent/anvil"});
  EXPECT_FALSE(port_holder);  // a missing binary is reported, not skipped
  json_rpc_client nowhere("http://127.0.0.1:1", json_rpc_client::options{200, 500});
  auto id = nowhere.chain_id();
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().what, error::connection_failed);
  // A revert with data: a transfer to a contract that refuses ether.
  sender from(rpc(), anvil_process::dev_key(3), env_->chain_id);
  auto refuser = from.send(std::nullopt, testing::creation_code_of("Refuser"));
  ASSERT_TRUE(refuser && refuser->contract_address);
  auto refused = from.send(*refuser->contract_address, {}, 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().what, error::reverted);
  EXPECT_EQ(refused.error().reason().what, revert_reason::kind::error_string);
  EXPECT_EQ(refused.error().reason().text, "refused");
  // The same sent anyway (gas limit given, no estimate): mined with status 0, reason recovered.
  auto mined = from.send(*refuser->contract_address, {}, 1, 100000);
  ASSERT_FALSE(mined);
  EXPECT_EQ(mined.error().what, error::transaction_failed);
  EXPECT_EQ(mined.error().reason().text, "refused");
}

TEST_F(EvmNode, TimeMovesWithIncreaseTimeAndMine) {
  auto before = rpc().block(block_ref::latest());
  ASSERT_TRUE(before);
  ASSERT_TRUE(rpc().increase_time(5000));
  ASSERT_TRUE(rpc().mine());
  auto after = rpc().block(block_ref::latest());
  ASSERT_TRUE(after);
  EXPECT_EQ(after->number, before->number + 1);
  EXPECT_GE(after->timestamp_s, before->timestamp_s + 5000);
  EXPECT_GT(after->base_fee_per_gas_wei, 0u);
}

}  // namespace
}  // namespace clearway::chain::evm
