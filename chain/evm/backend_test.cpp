// chain::evm::backend through the chain::bank_backend interface, against anvil.
#include "chain/evm/backend.hpp"

#include <gtest/gtest.h>

#include <set>

#include "chain/evm/anvil_fixture.hpp"
#include "chain/evm/bank_revert.hpp"
#include "chain/evm/sender.hpp"
#include "crypto/hash.hpp"
#include "crypto/signature.hpp"

namespace clearway::chain::evm {
namespace {

amount units(std::uint64_t v) { return amount::from_base_units(v); }

class EvmBackend : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
    auto b = backend::connect(env_->anvil->url());
    ASSERT_TRUE(b) << b.error().describe();
    backend_ = std::move(*b);
    for (std::size_t i = 0; i < 3; ++i) {
      keys_.push_back(crypto::key_pair::from_secret(anvil_process::dev_key(i)));
      backend_->add_key(anvil_process::dev_key(i));
    }
    cursor_ = backend_->events_since({}).value().next;  // ignore what earlier tests did
  }
  const address& addr(std::size_t i) const { return keys_[i].addr; }

  std::vector<std::string_view> new_event_names() {
    auto batch = backend_->events_since(cursor_);
    EXPECT_TRUE(batch);
    std::vector<std::string_view> out;
    if (!batch) return out;
    for (const auto& e : batch->events) out.push_back(name_of(e.body));
    cursor_ = batch->next;
    return out;
  }

  testing::anvil_env* env_ = nullptr;
  std::unique_ptr<backend> backend_;
  std::vector<crypto::key_pair> keys_;
  event_cursor cursor_;
};

// bank_revert's names are chain::error's (bank_revert_test checks them against the contract); the
// mapping is one to one, and only the three EVM-only reverts have no chain::error.
TEST_F(EvmBackend, BankRevertsMapOneToOneOntoChainErrors) {
  std::set<chain::error> seen;
  std::size_t unmapped = 0;
  for (const auto& info : bank_reverts()) {
    auto mapped = to_chain_error(info.code);
    if (!mapped) {
      ++unmapped;
      continue;
    }
    EXPECT_TRUE(seen.insert(*mapped).second) << info.cpp_name << " maps onto an error already taken";
  }
  EXPECT_EQ(unmapped, 3u);
  EXPECT_EQ(seen.size(), bank_reverts().size() - 3);
}

TEST_F(EvmBackend, ArticleFlowThroughTheInterface) {
  const create_args args{{addr(0), addr(1)}, {units(100), units(100)}, 600, 3600};
  auto id = backend_->create(addr(0), args);
  ASSERT_TRUE(id) << to_string(id.error());
  ASSERT_TRUE(backend_->deposit(addr(0), *id, units(100)));
  EXPECT_EQ(backend_->deposit(addr(2), *id, units(100)).error(), chain::error::not_a_client);
  EXPECT_EQ(backend_->deposit(addr(1), *id, units(99)).error(), chain::error::wrong_deposit_amount);
  ASSERT_TRUE(backend_->deposit(addr(1), *id, units(100)));
  EXPECT_EQ(new_event_names(), (std::vector<std::string_view>{"VirtualBankCreated", "Deposit", "Deposit",
                                                                "VirtualBankRunning"}));

  auto view = backend_->state(*id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->state, bank_state::running);
  EXPECT_EQ(view->clients[1], addr(1));
  EXPECT_EQ(view->bank_address, backend_->address_of(*id));

  const auto lock = crypto::secret_key::from_material(crypto::sha256(view->bank_address.span()));
  const bytes32 preimage = crypto::sha256(lock.bytes().span());
  protocol::commitment c;
  c.bank = view->bank_address;
  c.sequence = 7;
  c.base = {units(60), units(110)};
  c.htlcs = {{party::zero, units(30), crypto::sha256(preimage.span()), backend_->now_s() + 100000}};
  c.revocation_lock = crypto::address_of(lock);
  c.freeze_time_s = 600;
  const cash_args cash{c, crypto::sign_eip191(keys_[1].secret, protocol::commitment_hash(c))};
  auto wrong = cash;
  wrong.defender_sig = crypto::sign_eip191(keys_[0].secret, protocol::commitment_hash(c));
  EXPECT_EQ(backend_->cash(addr(0), *id, wrong).error(), chain::error::wrong_signer);
  ASSERT_TRUE(backend_->cash(addr(0), *id, cash));
  const std::uint64_t cashed_at = backend_->now_s();
  ASSERT_TRUE(backend_->claim_htlc(addr(1), *id, claim_htlc_args{0, preimage}));

  auto batch = backend_->events_since(cursor_);
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->events.size(), 5u);  // CommitmentHTLC, FreezeFidelityBond, Payout, HashLockOpened, Payout
  const auto* cashed = batch->events[0].as<ev::commitment_cashed>();
  ASSERT_NE(cashed, nullptr);
  EXPECT_EQ(cashed->submitter, party::zero);
  EXPECT_EQ(cashed->sequence, 7u);
  EXPECT_EQ(cashed->htlc_count, 1u);
  EXPECT_EQ(cashed->commitment_hash, protocol::commitment_hash(c));
  EXPECT_EQ(batch->events[0].time_s, cashed_at);
  const auto* bond = batch->events[1].as<ev::fidelity_bond_frozen>();
  ASSERT_NE(bond, nullptr);
  EXPECT_EQ(bond->freeze_end_s, cashed_at + 600);
  const auto* paid = batch->events[4].as<ev::payout>();
  ASSERT_NE(paid, nullptr);
  EXPECT_EQ(*paid, (ev::payout{party::one, units(30)}));
  cursor_ = batch->next;

  view = backend_->state(*id);
  ASSERT_TRUE(view && view->cashed);
  EXPECT_EQ(view->state, bank_state::auditing);
  EXPECT_EQ(view->cashed->htlcs.size(), 1u);
  EXPECT_EQ(view->cashed->htlcs[0].outcome, htlc_outcome::claimed);
  EXPECT_TRUE(view->cashed->htlcs[0].paid);
  EXPECT_EQ(view->paid_out, (std::array<amount, 2>{units(0), units(140)}));

  EXPECT_EQ(backend_->withdraw(addr(0), *id).error(), chain::error::freeze_not_over);
  ASSERT_TRUE(env_->rpc->increase_time(600));
  ASSERT_TRUE(env_->rpc->mine());
  ASSERT_TRUE(backend_->withdraw(addr(0), *id));
  EXPECT_EQ(new_event_names(), (std::vector<std::string_view>{"Withdraw", "Payout", "VirtualBankClosed"}));
  view = backend_->state(*id);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->state, bank_state::closed);
  EXPECT_EQ(view->paid_out, (std::array<amount, 2>{units(60), units(140)}));
  ASSERT_TRUE(backend_->collect(addr(0), *id, addr(0)));
  EXPECT_EQ(new_event_names(), std::vector<std::string_view>{});  // Collected is EVM-only
}

TEST_F(EvmBackend, UnknownBanksKeysAndNodes) {
  EXPECT_EQ(backend_->withdraw(addr(0), bank_id{999}).error(), chain::error::unknown_bank);
  EXPECT_EQ(backend_->state(bank_id{999}).error(), chain::error::unknown_bank);
  const create_args args{{addr(0), addr(1)}, {units(1), units(1)}, 1, 1};
  auto stranger = crypto::key_pair::from_secret(crypto::secret_key::from_material(bytes32{}));
  EXPECT_EQ(backend_->create(stranger.addr, args).error(), chain::error::backend_failure);
  ASSERT_TRUE(backend_->last_failure());
  EXPECT_NE(backend_->last_failure()->message.find("no key"), std::string::npos);
  backend::options unreachable;
  unreachable.url = "http://127.0.0.1:1";
  unreachable.rpc = {200, 500};
  auto nowhere = backend::connect(unreachable);
  ASSERT_FALSE(nowhere);
  EXPECT_EQ(nowhere.error().what, error::connection_failed);
}

// A second backend (the counterparty's node client) follows a bank the first one created.
TEST_F(EvmBackend, TrackFollowsABankCreatedElsewhere) {
  const create_args args{{addr(0), addr(1)}, {units(5), units(6)}, 60, 60};
  auto id = backend_->create(addr(0), args);
  ASSERT_TRUE(id);
  ASSERT_TRUE(backend_->deposit(addr(0), *id, units(5)));
  auto other = backend::connect(env_->anvil->url());
  ASSERT_TRUE(other);
  (*other)->add_key(anvil_process::dev_key(1));
  auto tracked = (*other)->track(*backend_->address_of(*id));
  ASSERT_TRUE(tracked);
  EXPECT_EQ((*other)->track(addr(2)).error(), chain::error::unknown_bank);  // no code there
  // A contract that is not a VirtualBank is no bank, whatever its views would answer.
  sender deployer(*env_->rpc, anvil_process::dev_key(3), env_->chain_id);
  auto probe = deployer.send(std::nullopt, testing::creation_code_of("AbiProbe"));
  ASSERT_TRUE(probe && probe->contract_address);
  EXPECT_EQ((*other)->track(*probe->contract_address).error(), chain::error::unknown_bank);
  ASSERT_TRUE((*other)->deposit(addr(1), *tracked, units(6)));
  auto batch = (*other)->events_since({});
  ASSERT_TRUE(batch);
  std::vector<std::string_view> names;
  for (const auto& e : batch->events) {
    EXPECT_EQ(e.bank, *tracked);
    names.push_back(name_of(e.body));
  }
  EXPECT_EQ(names, (std::vector<std::string_view>{"VirtualBankCreated", "Deposit", "Deposit", "VirtualBankRunning"}));
  auto view = (*other)->state(*tracked);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->state, bank_state::running);
}

}  // namespace
}  // namespace clearway::chain::evm
