// The channel layer between nodes, message by message over the transport codec: opening on the
// bank, direct and forwarded payments, hold invoices, failures travelling back, and refusals that
// change nothing.
#include "node/channels/node_channels.hpp"

#include <gtest/gtest.h>

#include "node/channels/node_test_network.hpp"

namespace clearway::node::channels {
namespace {

using test::msat;
using test::test_network;

bytes32 preimage_of(std::uint8_t n) { return test::fill32(n); }

TEST(NodeChannels, OpensOnTheBankAndPaysDirectly) {
  test_network net;
  node_channels& a = net.add_node(1);
  node_channels& b = net.add_node(2);
  const channel_id id = net.open(a, b, 1'000'000'000, 500'000'000);
  ASSERT_TRUE(net.refusals.empty()) << net.refusals.front();
  ASSERT_TRUE(a.channel(id)->open);
  ASSERT_TRUE(b.channel(id)->open);
  // Both deposits are on the bank, which is running.
  const chain::bank_view* bank = net.ledger().find(a.channel(id)->bank);
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->state, chain::bank_state::running);

  auto text = b.create_invoice(msat(25'000'000), preimage_of(7), std::nullopt, net.now_s);
  ASSERT_TRUE(text.has_value());
  auto inv = decode_invoice(*text);
  ASSERT_TRUE(inv.has_value());
  auto hash = a.pay(*inv, net.now_s);
  ASSERT_TRUE(hash.has_value()) << describe(hash.error());
  net.deliver();
  ASSERT_TRUE(net.refusals.empty()) << net.refusals.front();
  auto p = a.payment(*hash);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->state, payment_state::succeeded);
  EXPECT_EQ(p->preimage, preimage_of(7));
  EXPECT_EQ(b.invoice_status(*hash)->state, invoice_state::settled);
  EXPECT_EQ(a.channel(id)->own_balance, msat(975'000'000));
  EXPECT_EQ(b.channel(id)->own_balance, msat(525'000'000));
  test::expect_conserved(a, b, id, 1'500'000'000);
  // Paying the same invoice again is refused.
  EXPECT_EQ(a.pay(*inv, net.now_s).error().error, node_error::duplicate_payment);
}

struct line {
  test_network net;
  node_channels* a = nullptr;
  node_channels* b = nullptr;
  node_channels* c = nullptr;
  channel_id ab;
  channel_id bc;
  line() {
    node_settings forwarder;
    forwarder.fee_base = msat(1'000);
    forwarder.fee_ppm = 100;
    forwarder.time_lock_delta_s = 1'800;
    a = &net.add_node(1);
    b = &net.add_node(2, forwarder);
    c = &net.add_node(3);
    ab = net.open(*a, *b, 1'000'000'000, 1'000'000'000);
    bc = net.open(*b, *c, 1'000'000'000, 1'000'000'000);
  }
};

TEST(NodeChannels, ForwardsThroughTheRouteHintAndTakesItsFee) {
  line l;
  ASSERT_TRUE(l.net.refusals.empty()) << l.net.refusals.front();
  auto text = l.c->create_invoice(msat(10'000'000), preimage_of(9), std::nullopt, l.net.now_s);
  ASSERT_TRUE(text.has_value());
  auto inv = decode_invoice(*text);
  ASSERT_TRUE(inv.has_value());
  ASSERT_EQ(inv->hints.size(), 1u);  // C's channel to B, with B's announced policy
  EXPECT_EQ(inv->hints[0].node, l.b->id());
  EXPECT_EQ(inv->hints[0].fee_ppm, 100u);
  auto hash = l.a->pay(*inv, l.net.now_s);
  ASSERT_TRUE(hash.has_value()) << describe(hash.error());
  l.net.deliver();
  ASSERT_TRUE(l.net.refusals.empty()) << l.net.refusals.front();
  EXPECT_EQ(l.a->payment(*hash)->state, payment_state::succeeded);
  const std::uint64_t fee = 1'000 + 10'000'000 * 100 / 1'000'000;
  EXPECT_EQ(l.a->payment(*hash)->fee, msat(fee));
  EXPECT_EQ(l.a->channel(l.ab)->own_balance, msat(1'000'000'000 - 10'000'000 - fee));
  EXPECT_EQ(l.b->channel(l.ab)->own_balance, msat(1'000'000'000 + 10'000'000 + fee));
  EXPECT_EQ(l.b->channel(l.bc)->own_balance, msat(1'000'000'000 - 10'000'000));
  EXPECT_EQ(l.c->channel(l.bc)->own_balance, msat(1'000'000'000 + 10'000'000));
  ASSERT_EQ(l.b->forwards().size(), 1u);
  EXPECT_EQ(l.b->forwards()[0].state, forward_state::settled);
  EXPECT_EQ(l.b->forwards()[0].preimage, preimage_of(9));
  test::expect_conserved(*l.a, *l.b, l.ab, 2'000'000'000);
  test::expect_conserved(*l.b, *l.c, l.bc, 2'000'000'000);
}

TEST(NodeChannels, HoldInvoiceWaitsForReleaseOrCancel) {
  line l;
  const bytes32 pre = preimage_of(11);
  const bytes32 hash = crypto::sha256(pre.span());
  auto text = l.c->create_invoice(msat(5'000'000), bytes32{}, hash, l.net.now_s);
  ASSERT_TRUE(text.has_value());
  ASSERT_TRUE(l.a->pay(*decode_invoice(*text), l.net.now_s).has_value());
  l.net.deliver();
  EXPECT_EQ(l.a->payment(hash)->state, payment_state::pending);
  EXPECT_EQ(l.c->invoice_status(hash)->state, invoice_state::accepted);
  EXPECT_EQ(l.c->channel(l.bc)->htlcs, 1u);
  // The wrong preimage is refused and nothing moves.
  EXPECT_EQ(l.c->release_hold(preimage_of(12), l.net.now_s).error().error, node_error::unknown_invoice);
  ASSERT_TRUE(l.c->release_hold(pre, l.net.now_s).has_value());
  l.net.deliver();
  EXPECT_EQ(l.a->payment(hash)->state, payment_state::succeeded);
  test::expect_conserved(*l.b, *l.c, l.bc, 2'000'000'000);

  // A cancelled hold invoice fails the payment back to the payer; balances return.
  const bytes32 hash2 = crypto::sha256(preimage_of(13).span());
  auto text2 = l.c->create_invoice(msat(5'000'000), bytes32{}, hash2, l.net.now_s);
  const auto before = l.a->channel(l.ab)->own_balance;
  ASSERT_TRUE(l.a->pay(*decode_invoice(*text2), l.net.now_s).has_value());
  l.net.deliver();
  ASSERT_TRUE(l.c->cancel_hold(hash2, l.net.now_s).has_value());
  l.net.deliver();
  EXPECT_EQ(l.a->payment(hash2)->state, payment_state::failed);
  EXPECT_EQ(l.a->payment(hash2)->reason, protocol::fail_reason::unknown_payment_hash);
  EXPECT_EQ(l.a->channel(l.ab)->own_balance, before);
  EXPECT_EQ(l.b->forwards().back().state, forward_state::failed);
  test::expect_conserved(*l.a, *l.b, l.ab, 2'000'000'000);
  test::expect_conserved(*l.b, *l.c, l.bc, 2'000'000'000);
  ASSERT_TRUE(l.net.refusals.empty()) << l.net.refusals.front();
}

TEST(NodeChannels, AForwarderThatCannotCarryItFailsItBack) {
  line l;
  // More than B holds towards C (1,000,000,000 msat), within what A holds towards B.
  auto text = l.c->create_invoice(msat(990'000'000), preimage_of(21), std::nullopt, l.net.now_s);
  ASSERT_TRUE(text.has_value());
  // B first pays C most of its side, so the forward no longer fits.
  auto small = l.c->create_invoice(msat(500'000'000), preimage_of(22), std::nullopt, l.net.now_s);
  ASSERT_TRUE(l.b->pay(*decode_invoice(*small), l.net.now_s).has_value());
  l.net.deliver();
  auto hash = l.a->pay(*decode_invoice(*text), l.net.now_s);
  ASSERT_TRUE(hash.has_value());
  l.net.deliver();
  EXPECT_EQ(l.a->payment(*hash)->state, payment_state::failed);
  EXPECT_EQ(l.a->payment(*hash)->reason, protocol::fail_reason::insufficient_balance);
  EXPECT_EQ(l.a->channel(l.ab)->own_balance, msat(1'000'000'000));
  test::expect_conserved(*l.a, *l.b, l.ab, 2'000'000'000);
  ASSERT_TRUE(l.net.refusals.empty()) << l.net.refusals.front();
}

TEST(NodeChannels, RefusedMessagesChangeNothing) {
  line l;
  const protocol::channel before = *l.b->protocol_channel(l.ab);
  const std::uint64_t now = l.net.now_s;
  // A commit with a forged signature.
  protocol::commit forged{before.sequence() + 1, protocol::commit_kind::initiate, 0, 0, crypto::signature{}};
  auto st = l.b->on_message(l.a->id(), transport::channel_wire{l.ab, forged}, now);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().error, node_error::protocol_refused);
  // The right channel from the wrong peer.
  EXPECT_EQ(l.b->on_message(l.c->id(), transport::channel_wire{l.ab, protocol::pay{1, msat(5)}}, now).error().error,
            node_error::unknown_channel);
  // A pay the sender cannot cover.
  EXPECT_EQ(l.b->on_message(l.a->id(), transport::channel_wire{l.ab, protocol::pay{1, msat(2'000'000'000)}}, now)
                .error()
                .error,
            node_error::protocol_refused);
  // A route for a proposal id already used, and a second open of the same channel.
  EXPECT_EQ(l.b->on_message(l.a->id(), transport::route_wire{l.ab, 0, {{channel_id{}, msat(1), now + 4000}}}, now)
                .error()
                .error,
            node_error::bad_route);
  protocol::open_channel reopen;
  EXPECT_EQ(l.b->on_message(l.a->id(), transport::channel_wire{l.ab, reopen}, now).error().error,
            node_error::unexpected_message);
  EXPECT_TRUE(*l.b->protocol_channel(l.ab) == before);
  EXPECT_TRUE(l.b->take_outbox().empty());
}

TEST(NodeChannels, AnOpenThatDoesNotMatchTheBankIsRefused) {
  test_network net;
  node_channels& a = net.add_node(1);
  node_channels& b = net.add_node(2);
  node_channels& c = net.add_node(3);
  ASSERT_TRUE(a.open_channel(b.id(), msat(1'000'000), msat(1'000'000)).has_value());
  auto out = a.take_outbox();
  ASSERT_EQ(out.size(), 1u);
  const auto& w = std::get<transport::channel_wire>(out[0].message);
  // Sent by someone else than party 0 of the bank.
  EXPECT_EQ(b.on_message(c.id(), w, net.now_s).error().error, node_error::open_mismatch);
  // Deposits other than the bank's.
  auto changed = std::get<protocol::open_channel>(w.message);
  changed.deposits[1] = msat(2'000'000);
  EXPECT_EQ(b.on_message(a.id(), transport::channel_wire{w.channel, changed}, net.now_s).error().error,
            node_error::open_mismatch);
  EXPECT_TRUE(b.channels().empty());
  // More than B deposits for a peer.
  node_settings stingy;
  stingy.max_accept_deposit = msat(1'000);
  node_channels& d = net.add_node(4, stingy);
  ASSERT_TRUE(a.open_channel(d.id(), msat(1'000'000), msat(1'000'000)).has_value());
  auto out2 = a.take_outbox();
  EXPECT_EQ(d.on_message(a.id(), out2[0].message, net.now_s).error().error, node_error::deposit_refused);
  EXPECT_TRUE(d.channels().empty());
  // The original is still accepted afterwards.
  EXPECT_TRUE(b.on_message(a.id(), w, net.now_s).has_value());
}

}  // namespace
}  // namespace clearway::node::channels

namespace clearway::node::channels {
namespace {

std::uint64_t account(test_network& net, const node_channels& n) {
  const auto key = transport::decompress(n.id());
  return net.ledger().balance_of(crypto::address_of(*key)).base_units();
}

TEST(NodeChannelsOnChain, ACooperativeClosePaysBothOnTheBank) {
  test_network net;
  node_channels& a = net.add_node(1);
  node_channels& b = net.add_node(2);
  const channel_id id = net.open(a, b, 1'000'000'000, 500'000'000);
  auto text = b.create_invoice(msat(25'000'000), preimage_of(3), std::nullopt, net.now_s);
  ASSERT_TRUE(a.pay(*decode_invoice(*text), net.now_s).has_value());
  net.deliver();
  ASSERT_TRUE(a.close_channel(id, false).has_value());
  // No more updates once closing.
  EXPECT_EQ(a.close_channel(id, false).error().error, node_error::protocol_refused);
  net.deliver();
  ASSERT_TRUE(net.refusals.empty()) << net.refusals.front();
  auto actions = b.watch(net.now_s);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].call, "close");
  EXPECT_FALSE(actions[0].error.has_value());
  EXPECT_TRUE(a.watch(net.now_s).empty());  // already closed: nothing left to do
  EXPECT_EQ(account(net, a), test_network::funds_msat - 25'000'000);
  EXPECT_EQ(account(net, b), test_network::funds_msat + 25'000'000);
}

TEST(NodeChannelsOnChain, APeerThatCashesARevokedCommitmentLosesEverything) {
  test_network net;
  node_channels& a = net.add_node(1);
  node_channels& b = net.add_node(2);
  const channel_id id = net.open(a, b, 1'000'000'000, 500'000'000);
  // B keeps its commitment #0 (B: 500,000,000), then pays A 100,000,000 and revokes #0.
  const protocol::signed_commitment old = b.protocol_channel(id)->latest_signed_own_commitment();
  auto text = a.create_invoice(msat(100'000'000), preimage_of(4), std::nullopt, net.now_s);
  ASSERT_TRUE(b.pay(*decode_invoice(*text), net.now_s).has_value());
  net.deliver();
  ASSERT_EQ(b.channel(id)->own_balance, msat(400'000'000));
  // B cheats: it cashes the revoked #0.
  ASSERT_TRUE(net.ledger().cash(crypto::address_of(*transport::decompress(b.id())), b.channel(id)->bank,
                                chain::cash_args{old.content, old.peer_sig})
                  .has_value());
  auto actions = a.watch(net.now_s);
  ASSERT_FALSE(actions.empty());
  EXPECT_EQ(actions[0].call, "punish");
  EXPECT_FALSE(actions[0].error.has_value());
  EXPECT_EQ(net.ledger().find(a.channel(id)->bank)->state, chain::bank_state::closed);
  // A holds both deposits; B lost its whole side.
  EXPECT_EQ(account(net, a), test_network::funds_msat + 500'000'000);
  EXPECT_EQ(account(net, b), test_network::funds_msat - 500'000'000);
}

TEST(NodeChannelsOnChain, AForceCloseCashesThenWithdrawsAfterTheFreeze) {
  test_network net;
  node_channels& a = net.add_node(1);
  node_channels& b = net.add_node(2);
  const channel_id id = net.open(a, b, 1'000'000'000, 500'000'000);
  auto text = b.create_invoice(msat(7'000'000), preimage_of(5), std::nullopt, net.now_s);
  ASSERT_TRUE(a.pay(*decode_invoice(*text), net.now_s).has_value());
  net.deliver();
  EXPECT_EQ(a.close_channel(channel_id{}, true).error().error, node_error::unknown_channel);
  ASSERT_TRUE(a.close_channel(id, true).has_value());
  auto cashed = a.watch(net.now_s);
  ASSERT_EQ(cashed.size(), 1u);
  EXPECT_EQ(cashed[0].call, "cash");
  EXPECT_TRUE(b.watch(net.now_s).empty());  // the honest peer has nothing to punish or claim
  EXPECT_EQ(account(net, b), test_network::funds_msat + 7'000'000);  // the defender is paid at once
  EXPECT_TRUE(a.watch(net.now_s).empty());  // A's bond is frozen
  ASSERT_TRUE(net.ledger().advance_by(node_settings{}.freeze_time_s).has_value());
  net.now_s += node_settings{}.freeze_time_s;
  auto withdrawn = a.watch(net.now_s);
  ASSERT_EQ(withdrawn.size(), 1u);
  EXPECT_EQ(withdrawn[0].call, "withdraw");
  EXPECT_EQ(account(net, a), test_network::funds_msat - 7'000'000);
  EXPECT_EQ(net.ledger().find(a.channel(id)->bank)->state, chain::bank_state::closed);
}

}  // namespace
}  // namespace clearway::node::channels
