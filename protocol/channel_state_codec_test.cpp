#include "protocol/channel_state_codec.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <random>

#include "base/test_seed.hpp"
#include "crypto/hash.hpp"
#include "crypto/shachain.hpp"
#include "protocol/channel_storm_driver.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::protocol {
namespace {

using test::storm_driver;

crypto::key_pair key_of(std::size_t p) { return test::key(static_cast<std::uint8_t>(p + 1)); }

TEST(ChannelStateCodec, RoundTripsAnOpenedPair) {
  storm_driver d(7, key_of(0), key_of(1));
  for (std::size_t p : {0, 1}) {
    const byte_vector blob = encode_channel_state(d.end(p));
    auto back = decode_channel_state(blob, key_of(p));
    ASSERT_TRUE(back.has_value()) << to_string(back.error());
    EXPECT_TRUE(*back == d.end(p));
    EXPECT_EQ(encode_channel_state(*back), blob);
  }
}

// Two identical worlds driven by the same seed; in `twin`, before about one step in `every`, one
// end is replaced by restore(end, p) (nullopt: it reported a failure). Every later step, and the
// final settle, must produce the same messages, refusals and states in both. Returns the number of
// rounds the channel went through.
template <class Restore>
std::uint32_t drive_twins(std::uint64_t run_seed, std::uint64_t every, Restore&& restore) {
  storm_driver plain(run_seed, key_of(0), key_of(1));
  storm_driver twin(run_seed, key_of(0), key_of(1));
  std::mt19937_64 chooser(run_seed ^ 0x5eed);
  for (int step = 0; step < 120; ++step) {
    if (chooser() % every == 0) {
      const std::size_t p = chooser() % 2;
      std::optional<channel> back = restore(twin.end(p), p);
      if (!back) {
        ADD_FAILURE() << "run seed " << run_seed << " step " << step;
        return 0;
      }
      twin.end(p) = std::move(*back);
    }
    std::string a;
    std::string b;
    plain.step(a);
    twin.step(b);
    EXPECT_EQ(a, b) << "run seed " << run_seed << " step " << step;
    EXPECT_TRUE(plain.end(0) == twin.end(0) && plain.end(1) == twin.end(1)) << "run seed " << run_seed;
    EXPECT_EQ(plain.failure(), "") << "run seed " << run_seed;
    if (::testing::Test::HasFailure()) return 0;
  }
  std::string a;
  std::string b;
  plain.settle(a);
  twin.settle(b);
  EXPECT_EQ(a, b) << "run seed " << run_seed;
  EXPECT_TRUE(plain.end(0) == twin.end(0) && plain.end(1) == twin.end(1)) << "run seed " << run_seed;
  return plain.end(0).sequence();
}

// The stored form: channel ends replaced at random by decode(encode(end)).
TEST(ChannelStateCodec, RestoredChannelsBehaveIdentically) {
  const std::uint64_t seed = test_seed("channel_state_codec_property");
  std::mt19937_64 meta(seed);
  int restorations = 0;
  int rounds = 0;
  int with_htlcs = 0;
  for (int run = 0; run < 150 && !HasFailure(); ++run) {
    rounds += static_cast<int>(drive_twins(meta(), 3, [&](const channel& end, std::size_t p) -> std::optional<channel> {
      const byte_vector blob = encode_channel_state(end);
      auto back = decode_channel_state(blob, key_of(p));
      if (!back) {
        ADD_FAILURE() << to_string(back.error());
        return std::nullopt;
      }
      if (!(*back == end) || encode_channel_state(*back) != blob) return std::nullopt;
      ++restorations;
      with_htlcs += end.htlcs().empty() ? 0 : 1;
      return std::move(*back);
    }));
  }
  EXPECT_GT(restorations, 3000);
  EXPECT_GT(rounds, 750);
  EXPECT_GT(with_htlcs, 250);
}

TEST(ChannelStateCodec, RejectsEveryTruncationAndTrailingBytes) {
  storm_driver d(11, key_of(0), key_of(1));
  std::string trace;
  for (int i = 0; i < 60; ++i) d.step(trace);
  const byte_vector blob = encode_channel_state(d.end(0));
  for (std::size_t n = 0; n < blob.size(); ++n) {
    auto r = decode_snapshot(byte_span(blob.data(), n));
    ASSERT_FALSE(r.has_value()) << n;
    EXPECT_NE(to_string(r.error()), "unknown_channel_state_error");
  }
  byte_vector longer = blob;
  longer.push_back(0);
  EXPECT_EQ(decode_snapshot(longer).error(), channel_state_error::trailing_bytes);
  byte_vector bad = blob;
  bad[0] = 'X';
  EXPECT_EQ(decode_snapshot(bad).error(), channel_state_error::bad_magic);
  bad = blob;
  bad[5] = 2;
  EXPECT_EQ(decode_snapshot(bad).error(), channel_state_error::unsupported_version);
}

TEST(ChannelStateCodec, RejectsTheWrongKey) {
  storm_driver d(3, key_of(0), key_of(1));
  const byte_vector blob = encode_channel_state(d.end(0));
  EXPECT_EQ(decode_channel_state(blob, key_of(1)).error(), channel_state_error::own_key_mismatch);
}

// The resting form (the engine's idle ends): the stored encoding without magic, version and config,
// decoded without the consistency checks. Every state an end passes through comes back equal,
// behaves identically afterwards, and is smaller than the stored form by exactly header and config.
TEST(ChannelStateCodec, RestingStateRoundTripsAndBehavesIdentically) {
  const std::uint64_t seed = test_seed("channel_resting_state_property");
  std::mt19937_64 meta(seed);
  int rests = 0;
  int with_htlcs = 0;
  const std::size_t header_and_config = [] {
    const storm_driver opened(1, key_of(0), key_of(1));
    return encode_channel_state(opened.end(0)).size() - encode_resting_state(opened.end(0)).size();
  }();
  EXPECT_GT(header_and_config, 200u);
  for (int run = 0; run < 60 && !HasFailure(); ++run) {
    (void)drive_twins(meta(), 2, [&](const channel& end, std::size_t p) -> std::optional<channel> {
      const byte_vector blob = encode_resting_state(end);
      EXPECT_EQ(encode_channel_state(end).size() - blob.size(), header_and_config);
      auto back = decode_resting_state(blob, end.config(), key_of(p));
      if (!back) {
        ADD_FAILURE() << to_string(back.error());
        return std::nullopt;
      }
      if (!(*back == end)) return std::nullopt;
      ++rests;
      with_htlcs += end.htlcs().empty() ? 0 : 1;
      return std::move(*back);
    });
  }
  EXPECT_GT(rests, 2000);
  EXPECT_GT(with_htlcs, 200);
}

// The figures docs/embedding.md and docs/benchmarks.md quote for an end opened with the default
// config (what the engine uses).
TEST(ChannelStateCodec, RestingStateOfAnOpenedEndIsAQuarterOfTheValue) {
  const test::party_keys a = test::alice();
  const test::party_keys b = test::bob();
  const test::channel_pair opened = test::open_pair(test::make_config(100'000, 100'000, a, b), a, b);
  for (const channel* end : {&opened.a, &opened.b}) {
    EXPECT_EQ(encode_resting_state(*end).size(), 352u);
    EXPECT_EQ(end->memory_bytes(), 1'208u);
  }
}

TEST(ChannelStateCodec, RestingStateRefusesTheWrongKeyAndBadBytes) {
  storm_driver d(5, key_of(0), key_of(1));
  std::string trace;
  for (int i = 0; i < 40; ++i) d.step(trace);
  const byte_vector blob = encode_resting_state(d.end(0));
  EXPECT_EQ(decode_resting_state(blob, d.end(0).config(), key_of(1)).error(), channel_state_error::own_key_mismatch);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    EXPECT_FALSE(decode_resting_state(byte_span(blob.data(), n), d.end(0).config(), key_of(0)).has_value()) << n;
  }
  byte_vector longer = blob;
  longer.push_back(0);
  EXPECT_EQ(decode_resting_state(longer, d.end(0).config(), key_of(0)).error(), channel_state_error::trailing_bytes);
}

// Every single-byte change is either refused with a name or yields a state that re-encodes to it.
TEST(ChannelStateCodec, ByteFlipsAreRefusedOrCanonical) {
  storm_driver d(21, key_of(0), key_of(1));
  std::string trace;
  for (int i = 0; i < 80; ++i) d.step(trace);
  const byte_vector blob = encode_channel_state(d.end(1));
  int refused = 0;
  for (std::size_t i = 0; i < blob.size(); ++i) {
    byte_vector bad = blob;
    bad[i] ^= 0x01;
    auto r = decode_channel_state(bad, key_of(1));
    if (!r) {
      ++refused;
      continue;
    }
    EXPECT_EQ(encode_channel_state(*r), bad) << i;
  }
  // Most bytes (keys, balances, locks, signatures, ids) are covered by a consistency check.
  EXPECT_GT(refused, static_cast<int>(blob.size() * 3 / 4));
}

TEST(ChannelStateCodec, ConsistencyChecksHaveNames) {
  storm_driver d(5, key_of(0), key_of(1));
  std::string trace;
  d.pay_and_settle(0, 3, trace);
  ASSERT_EQ(d.failure(), "");
  const channel_snapshot good = d.end(0).snapshot();
  auto expect = [&](channel_snapshot s, channel_state_error e) {
    auto r = channel::from_snapshot(std::move(s), key_of(0));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), e) << to_string(r.error());
  };
  {
    auto s = good;
    s.held.base[0] = amount::from_base_units(s.held.base[0].base_units() + 1);
    expect(s, channel_state_error::commitment_mismatch);
  }
  {
    auto s = good;
    s.held.base[0] = amount::from_base_units(s.held.base[0].base_units() + 1);
    s.held.base[1] = amount::from_base_units(s.held.base[1].base_units() - 1);
    expect(s, channel_state_error::bad_held_signature);
  }
  {
    auto s = good;
    s.seed.bytes[0] ^= 1;
    expect(s, channel_state_error::own_locks_not_from_seed);
  }
  {
    auto s = good;
    s.round = round_state::initiated;
    expect(s, channel_state_error::pending_mismatch);
  }
  {
    auto s = good;
    s.peer_revoked.reset();
    expect(s, channel_state_error::revoked_mismatch);
  }
  {
    auto s = good;
    s.peer_secrets = crypto::shachain_store{};
    expect(s, channel_state_error::shachain_mismatch);
  }
  {
    // A store missing any bucket (even one whose secrets stay derivable) is not the peer's.
    storm_driver many(6, key_of(0), key_of(1));
    for (int i = 0; i < 40; ++i) many.pay_and_settle(static_cast<std::size_t>(i % 2), 1, trace);
    ASSERT_EQ(many.failure(), "");
    const channel_snapshot base = many.end(0).snapshot();
    const auto entries = base.peer_secrets.entries();
    ASSERT_GE(entries.size(), 3u);
    for (std::size_t drop = 0; drop < entries.size(); ++drop) {
      auto fewer = entries;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(drop));
      auto store = crypto::shachain_store::restore(fewer);
      if (!store) continue;
      auto s = base;
      s.peer_secrets = *store;
      auto r = channel::from_snapshot(std::move(s), key_of(0));
      ASSERT_FALSE(r.has_value()) << drop;
      EXPECT_EQ(r.error(), channel_state_error::shachain_mismatch);
    }
  }
  {
    auto s = good;
    s.phase = channel_phase::closed;
    expect(s, channel_state_error::phase_mismatch);
  }
  {
    auto s = good;
    s.config.lock_batch = 1;
    expect(s, channel_state_error::bad_config);
  }
  {
    auto s = good;
    s.irrevocable[0] += 1;
    expect(s, channel_state_error::coverage_mismatch);
  }
}

// The shachain store's restore() is exact for every store a run of inserts leaves, and refuses
// tampered entries.
TEST(ChannelStateCodec, ShachainRestoreIsExact) {
  bytes32 seed;
  seed.bytes.fill(0x42);
  crypto::shachain_store store;
  for (std::uint64_t n = 0; n < 300; ++n) {
    const std::uint64_t index = crypto::shachain_max_index - n;
    ASSERT_TRUE(store.insert(index, *crypto::shachain_derive(seed, index)).has_value());
    const auto entries = store.entries();
    auto back = crypto::shachain_store::restore(entries);
    ASSERT_TRUE(back.has_value()) << n;
    ASSERT_TRUE(*back == store);
    if (entries.size() >= 2) {
      // The bucket-0 secret was stored before the (even) lowest index, which derives it.
      auto bad = entries;
      bad.front().secret.bytes[3] ^= 1;
      if (index % 2 == 0) {
        EXPECT_FALSE(crypto::shachain_store::restore(bad).has_value()) << n;
      }
      bad = entries;
      std::swap(bad.front(), bad.back());
      EXPECT_FALSE(crypto::shachain_store::restore(bad).has_value()) << n;
      // Dropping a bucket either breaks the store or describes a run of other indexes (another
      // lowest index, or one that no longer reaches the first index), which the channel refuses.
      for (std::size_t drop = 0; drop < entries.size(); ++drop) {
        bad = entries;
        bad.erase(bad.begin() + static_cast<std::ptrdiff_t>(drop));
        auto r = crypto::shachain_store::restore(bad);
        EXPECT_TRUE(!r || r->lowest_index() != store.lowest_index() || r->entry_count() < store.entry_count())
            << n << " " << drop;
      }
    }
  }
}

}  // namespace
}  // namespace clearway::protocol
