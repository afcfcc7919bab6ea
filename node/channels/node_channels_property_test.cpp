// PROTOCOL.md §10 over the channel layer: random payments (direct, forwarded, hold then released
// or cancelled, some too large to carry) between three nodes on a line. After each one: both ends
// of every channel agree and hold the deposits, no HTLC is left, every payment is atomic (the payer
// succeeded exactly when the payee's invoice settled), and every node's money is what it started
// with plus what it received and earned minus what it paid: the forwarder is never poorer.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <random>

#include "base/test_seed.hpp"
#include "node/channels/node_test_network.hpp"

namespace clearway::node::channels {
namespace {

using test::msat;

TEST(NodeChannelsProperty, RandomPaymentsAreAtomicAndConserveMoney) {
  const std::uint64_t seed = test_seed("node_channels_property");
  std::mt19937_64 rng(seed);
  test::test_network net;
  node_settings forwarder;
  forwarder.fee_base = msat(500);
  forwarder.fee_ppm = 2'000;
  std::array<node_channels*, 3> nodes{&net.add_node(1), &net.add_node(2, forwarder), &net.add_node(3)};
  const channel_id ab = net.open(*nodes[0], *nodes[1], 400'000'000, 300'000'000);
  const channel_id bc = net.open(*nodes[1], *nodes[2], 350'000'000, 250'000'000);
  ASSERT_TRUE(net.refusals.empty()) << net.refusals.front();
  std::array<std::int64_t, 3> expected{test::wealth(*nodes[0]), test::wealth(*nodes[1]), test::wealth(*nodes[2])};

  for (int i = 0; i < 60; ++i) {
    SCOPED_TRACE("payment " + std::to_string(i) + ", CLEARWAY_SEED=" + std::to_string(seed));
    const std::size_t payer = rng() % 3;
    std::size_t payee = rng() % 3;
    if (payee == payer) payee = (payee + 1) % 3;
    const std::uint64_t value = 1'000 + rng() % 200'000'000;
    const int kind = static_cast<int>(rng() % 4);  // 0, 1: plain; 2: hold released; 3: hold cancelled
    bytes32 pre;
    for (auto& b : pre.bytes) b = static_cast<std::uint8_t>(rng());
    const bytes32 hash = crypto::sha256(pre.span());
    auto text = nodes[payee]->create_invoice(msat(value), pre, kind >= 2 ? std::optional(hash) : std::nullopt, net.now_s);
    ASSERT_TRUE(text.has_value());
    auto paid = nodes[payer]->pay(*decode_invoice(*text), net.now_s);
    net.deliver();
    if (paid && kind == 2) (void)nodes[payee]->release_hold(pre, net.now_s);
    if (paid && kind == 3) (void)nodes[payee]->cancel_hold(hash, net.now_s);
    net.deliver();
    ASSERT_TRUE(net.refusals.empty()) << net.refusals.front();
    if (!paid) continue;  // refused before anything moved (no channel could carry it)
    const auto p = nodes[payer]->payment(hash);
    ASSERT_TRUE(p.has_value());
    ASSERT_NE(p->state, payment_state::pending);
    const bool settled = nodes[payee]->invoice_status(hash)->state == invoice_state::settled;
    ASSERT_EQ(p->state == payment_state::succeeded, settled);
    if (settled) {
      expected[payer] -= static_cast<std::int64_t>(value + p->fee.base_units());
      expected[payee] += static_cast<std::int64_t>(value);
      if (p->fee != protocol::amount::zero()) expected[1] += static_cast<std::int64_t>(p->fee.base_units());
      EXPECT_EQ(crypto::sha256(p->preimage->span()), hash);
    }
    for (std::size_t n = 0; n < 3; ++n) ASSERT_EQ(test::wealth(*nodes[n]), expected[n]) << "node " << n;
    test::expect_conserved(*nodes[0], *nodes[1], ab, 700'000'000);
    test::expect_conserved(*nodes[1], *nodes[2], bc, 600'000'000);
  }
}

}  // namespace
}  // namespace clearway::node::channels
