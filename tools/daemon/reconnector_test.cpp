#include "tools/daemon/reconnector.hpp"

#include <gtest/gtest.h>

namespace {

using namespace clearway::daemon;

reconnector::target peer(std::uint8_t n) {
  reconnector::target t;
  t.node.bytes.fill(n);
  t.host = "127.0.0.1";
  t.port = static_cast<std::uint16_t>(9000 + n);
  return t;
}

TEST(Reconnector, DialsAtStartThenBacksOffWhileAttemptsFail) {
  reconnector r;
  r.remember(peer(2), 0);
  auto due = r.take_due(0);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].port, 9002);
  EXPECT_TRUE(r.take_due(0).empty());  // in progress: not dialled twice
  r.on_attempt_failed(peer(2).node, 0);
  EXPECT_TRUE(r.take_due(999).empty());
  EXPECT_EQ(r.take_due(1'000).size(), 1u);
  r.on_attempt_failed(peer(2).node, 1'000);  // the wait doubled
  EXPECT_TRUE(r.take_due(2'999).empty());
  EXPECT_EQ(r.take_due(3'000).size(), 1u);
  for (std::uint64_t t = 3'000; t < 1'000'000; t += 60'000) r.on_attempt_failed(peer(2).node, t);
  EXPECT_TRUE(r.take_due(1'000'000).empty());
  EXPECT_EQ(r.take_due(1'000'000 + reconnect_max_delay_ms).size(), 1u);  // never more than the cap
}

TEST(Reconnector, AConnectedPeerIsLeftAloneUntilItDrops) {
  reconnector r;
  r.remember(peer(3), 0);
  ASSERT_EQ(r.take_due(0).size(), 1u);
  r.on_connected(peer(3).node);
  EXPECT_TRUE(r.take_due(100'000).empty());
  r.on_disconnected(peer(3).node, 200'000);
  EXPECT_TRUE(r.take_due(200'500).empty());
  EXPECT_EQ(r.take_due(201'000).size(), 1u);  // back to the first wait after a success
  r.on_connected(peer(3).node);
  // An unknown peer (it dialled us) is never dialled back.
  r.on_disconnected(peer(4).node, 0);
  EXPECT_TRUE(r.take_due(10'000'000).empty());
}

}  // namespace
