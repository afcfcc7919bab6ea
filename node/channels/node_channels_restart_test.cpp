// Restarts from the store (SQLite on disk): a node that restarts between messages comes back with
// its channels, its forwarding circuits, its payments and its hold invoices, and what was in
// flight through it completes afterwards.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "node/channels/node_test_network.hpp"

namespace clearway::node::channels {
namespace {

using test::msat;

class NodeChannelsRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "cw-restart-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    for (int n = 0; n < 3; ++n) {
      auto db = store::open((dir_ / ("node" + std::to_string(n) + ".db")).string());
      ASSERT_TRUE(db.has_value());
      stores_.push_back(std::make_unique<store>(std::move(*db)));
    }
    node_settings forwarder;
    forwarder.fee_base = msat(1'000);
    forwarder.fee_ppm = 10;
    net_.add_node(1, {}, stores_[0].get());
    net_.add_node(2, forwarder, stores_[1].get());
    net_.add_node(3, {}, stores_[2].get());
    ab_ = net_.open(net_.node(0), net_.node(1), 1'000'000'000, 1'000'000'000);
    bc_ = net_.open(net_.node(1), net_.node(2), 1'000'000'000, 1'000'000'000);
    ASSERT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  }
  void TearDown() override {
    stores_.clear();
    std::filesystem::remove_all(dir_);
  }

  test::test_network net_;
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<store>> stores_;
  channel_id ab_;
  channel_id bc_;
};

TEST_F(NodeChannelsRestart, ARestartedForwarderKeepsItsChannelsAndForwardsAgain) {
  auto text = net_.node(2).create_invoice(msat(3'000'000), test::fill32(1), std::nullopt, net_.now_s);
  ASSERT_TRUE(net_.node(0).pay(*decode_invoice(*text), net_.now_s).has_value());
  net_.deliver();
  const protocol::channel before_ab = *net_.node(1).protocol_channel(ab_);
  const protocol::channel before_bc = *net_.node(1).protocol_channel(bc_);
  node_channels& b = net_.restart(1);
  ASSERT_EQ(b.channels().size(), 2u);
  // Exactly the states it had (the whole protocol state, shachain store included).
  EXPECT_TRUE(*b.protocol_channel(ab_) == before_ab);
  EXPECT_TRUE(*b.protocol_channel(bc_) == before_bc);
  net_.deliver();  // B's policies go out again once it is back
  auto again = net_.node(2).create_invoice(msat(2'000'000), test::fill32(2), std::nullopt, net_.now_s);
  auto hash = net_.node(0).pay(*decode_invoice(*again), net_.now_s);
  ASSERT_TRUE(hash.has_value());
  net_.deliver();
  ASSERT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  EXPECT_EQ(net_.node(0).payment(*hash)->state, payment_state::succeeded);
  test::expect_conserved(net_.node(0), net_.node(1), ab_, 2'000'000'000);
  test::expect_conserved(net_.node(1), net_.node(2), bc_, 2'000'000'000);
}

TEST_F(NodeChannelsRestart, AHeldPaymentSurvivesARestartOfEveryNode) {
  const bytes32 pre = test::fill32(9);
  const bytes32 hash = crypto::sha256(pre.span());
  auto text = net_.node(2).create_invoice(msat(4'000'000), bytes32{}, hash, net_.now_s);
  ASSERT_TRUE(net_.node(0).pay(*decode_invoice(*text), net_.now_s).has_value());
  net_.deliver();
  ASSERT_EQ(net_.node(2).invoice_status(hash)->state, invoice_state::accepted);
  for (std::size_t n = 0; n < 3; ++n) (void)net_.restart(n);
  net_.deliver();
  // Everything in flight was rebuilt from the store: the payer's payment, the forwarder's circuit,
  // the payee's held HTLC.
  ASSERT_EQ(net_.node(0).payment(hash)->state, payment_state::pending);
  ASSERT_EQ(net_.node(2).invoice_status(hash)->state, invoice_state::accepted);
  ASSERT_TRUE(net_.node(2).release_hold(pre, net_.now_s).has_value());
  net_.deliver();
  ASSERT_TRUE(net_.refusals.empty()) << net_.refusals.front();
  EXPECT_EQ(net_.node(0).payment(hash)->state, payment_state::succeeded);
  EXPECT_EQ(net_.node(0).payment(hash)->preimage, pre);
  auto circuit = stores_[1]->list_forwards(10, 0);
  ASSERT_TRUE(circuit.has_value());
  ASSERT_EQ(circuit->size(), 1u);
  EXPECT_EQ((*circuit)[0].state, circuit_state::settled);
  EXPECT_EQ((*circuit)[0].preimage, pre);
  test::expect_conserved(net_.node(0), net_.node(1), ab_, 2'000'000'000);
  test::expect_conserved(net_.node(1), net_.node(2), bc_, 2'000'000'000);
  // The payer's store has the payment as succeeded.
  EXPECT_EQ(stores_[0]->get_payment(hash)->state, node::payment_state::succeeded);
}

}  // namespace
}  // namespace clearway::node::channels
