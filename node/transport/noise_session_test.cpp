// noise_session beyond the published vectors: random keys and messages, arbitrary read splits,
// tampering with any byte, size limits, and that a failed session stays failed.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "base/test_seed.hpp"
#include "node/transport/noise_session.hpp"

namespace {

using namespace clearway;
using namespace clearway::node::transport;

crypto::secret_key seeded_key(std::mt19937_64& rng) {
  for (;;) {
    bytes32 raw;
    for (auto& b : raw.bytes) b = static_cast<std::uint8_t>(rng());
    if (auto k = crypto::secret_key::from_bytes(raw)) return *k;
  }
}

struct pair_of_sessions {
  noise_session initiator;
  noise_session responder;
};

// Runs the handshake between two fresh sessions; the responder's limit may differ.
pair_of_sessions connected(std::mt19937_64& rng, std::size_t responder_limit = max_frame_message_bytes) {
  const auto responder_key = seeded_key(rng);
  auto init = *noise_session::initiator(seeded_key(rng), node_id_of(responder_key), seeded_key(rng));
  auto resp = noise_session::responder(responder_key, seeded_key(rng), responder_limit);
  byte_vector a, b;
  std::vector<byte_vector> none;
  init.start(a);
  EXPECT_TRUE(resp.feed(a, b, none).has_value());
  a.clear();
  EXPECT_TRUE(init.feed(b, a, none).has_value());
  EXPECT_TRUE(resp.feed(a, b, none).has_value());
  EXPECT_TRUE(init.established() && resp.established());
  EXPECT_TRUE(none.empty());
  return {init, resp};
}

TEST(NoiseSession, RandomMessagesSurviveAnyReadSplit) {
  std::mt19937_64 rng(test_seed("noise_session_split"));
  auto [init, resp] = connected(rng);
  for (int round = 0; round < 20; ++round) {
    std::vector<byte_vector> sent;
    byte_vector wire;
    for (int i = 0; i < 30; ++i) {
      byte_vector m(rng() % 3 == 0 ? rng() % 4000 : rng() % 300);
      for (auto& b : m) b = static_cast<std::uint8_t>(rng());
      ASSERT_TRUE(init.send(m, wire).has_value());
      sent.push_back(std::move(m));
    }
    std::vector<byte_vector> got;
    byte_vector replies;
    for (std::size_t at = 0; at < wire.size();) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 700, wire.size() - at);
      ASSERT_TRUE(resp.feed(byte_span(wire.data() + at, n), replies, got).has_value());
      EXPECT_LE(resp.buffered_bytes(), frame_header_bytes + 4000 + mac_bytes);
      at += n;
    }
    EXPECT_EQ(got, sent);
    EXPECT_TRUE(replies.empty());
  }
  // And the other direction.
  byte_vector wire;
  ASSERT_TRUE(resp.send(byte_vector{1, 2, 3}, wire).has_value());
  std::vector<byte_vector> got;
  byte_vector none;
  ASSERT_TRUE(init.feed(wire, none, got).has_value());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (byte_vector{1, 2, 3}));
}

TEST(NoiseSession, EveryTamperedByteIsRejected) {
  std::mt19937_64 rng(test_seed("noise_session_tamper"));
  const byte_vector message = {0x00, 0x12, 0x00, 0x04, 0x00, 0x00};
  // Flip each byte of one frame (fresh sessions each time, since a failure is final).
  for (std::size_t i = 0; i < frame_overhead_bytes + message.size(); ++i) {
    auto [init, resp] = connected(rng);
    byte_vector wire;
    ASSERT_TRUE(init.send(message, wire).has_value());
    wire[i] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    std::vector<byte_vector> got;
    byte_vector out;
    auto st = resp.feed(wire, out, got);
    EXPECT_TRUE(got.empty()) << "byte " << i;
    if (i < frame_header_bytes) {
      ASSERT_FALSE(st.has_value()) << "byte " << i;
      EXPECT_EQ(st.error(), noise_error::bad_length_mac);
    } else {
      ASSERT_FALSE(st.has_value()) << "byte " << i;
      EXPECT_EQ(st.error(), noise_error::bad_message_mac);
    }
    EXPECT_EQ(resp.phase(), session_phase::failed);
    // Failed for good: even the untampered frame is refused now.
    auto again = resp.feed(wire, out, got);
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error(), noise_error::session_failed);
    EXPECT_EQ(resp.buffered_bytes(), 0u);
  }
}

TEST(NoiseSession, SizeLimits) {
  std::mt19937_64 rng(test_seed("noise_session_limits"));
  auto [init, resp] = connected(rng, 1024);
  byte_vector wire;
  // The sender refuses more than 65535 bytes and stays usable.
  auto too_big = init.send(byte_vector(65'536), wire);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_EQ(too_big.error(), noise_error::message_too_large);
  EXPECT_TRUE(wire.empty());
  ASSERT_TRUE(init.send(byte_vector(65'535), wire).has_value());
  // The responder's own limit is 1024: it refuses after reading just the 18-byte header.
  std::vector<byte_vector> got;
  byte_vector out;
  auto st = resp.feed(byte_span(wire.data(), frame_header_bytes), out, got);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), noise_error::frame_too_large);
  EXPECT_EQ(resp.buffered_bytes(), 0u);
}

TEST(NoiseSession, WrongResponderKeyFailsActOne) {
  std::mt19937_64 rng(test_seed("noise_session_wrong_key"));
  const auto real = seeded_key(rng);
  const auto other = seeded_key(rng);
  auto init = *noise_session::initiator(seeded_key(rng), node_id_of(other), seeded_key(rng));
  auto resp = noise_session::responder(real, seeded_key(rng));
  byte_vector a, b;
  std::vector<byte_vector> none;
  init.start(a);
  auto st = resp.feed(a, b, none);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), noise_error::act1_bad_tag);
  EXPECT_TRUE(b.empty());  // BOLT 8: terminate without any further message
}

TEST(NoiseSession, InvalidRemoteKeyAndEarlySend) {
  std::mt19937_64 rng(test_seed("noise_session_misuse"));
  node_id bogus;
  bogus.bytes.fill(0x07);
  auto init = noise_session::initiator(seeded_key(rng), bogus, seeded_key(rng));
  ASSERT_FALSE(init.has_value());
  EXPECT_EQ(init.error(), noise_error::invalid_remote_node_id);
  auto resp = noise_session::responder(seeded_key(rng), seeded_key(rng));
  byte_vector out;
  auto st = resp.send(byte_vector{1}, out);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error(), noise_error::not_established);
  EXPECT_TRUE(resp.end_of_stream().has_value() == false);
}

TEST(NoiseSession, EndOfStreamBetweenFramesIsClean) {
  std::mt19937_64 rng(test_seed("noise_session_eof"));
  auto [init, resp] = connected(rng);
  byte_vector wire;
  ASSERT_TRUE(init.send(byte_vector{9, 9}, wire).has_value());
  std::vector<byte_vector> got;
  byte_vector out;
  ASSERT_TRUE(resp.feed(byte_span(wire.data(), wire.size() - 1), out, got).has_value());
  EXPECT_FALSE(resp.end_of_stream().has_value());  // inside a frame: short_read
  auto [i2, r2] = connected(rng);
  wire.clear();
  ASSERT_TRUE(i2.send(byte_vector{9, 9}, wire).has_value());
  ASSERT_TRUE(r2.feed(wire, out, got).has_value());
  EXPECT_TRUE(r2.end_of_stream().has_value());
}

}  // namespace
