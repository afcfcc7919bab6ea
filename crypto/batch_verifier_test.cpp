#include "crypto/batch_verifier.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "base/test_seed.hpp"

namespace clearway::crypto {
namespace {

// A mix of valid checks and every kind of invalid one, in random order.
std::vector<verify_check> mixed_checks(std::mt19937_64& rng, std::size_t count) {
  std::vector<key_pair> keys;
  for (int i = 0; i < 4; ++i) {
    bytes32 material;
    for (auto& b : material.bytes) b = static_cast<std::uint8_t>(rng());
    keys.push_back(key_pair::from_secret(secret_key::from_material(material)));
  }
  std::vector<verify_check> checks;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t signer = rng() % keys.size();
    const key_pair& kp = keys[signer];
    bytes32 msg;
    for (auto& b : msg.bytes) b = static_cast<std::uint8_t>(rng());
    verify_check c{sign_eip191(kp.secret, msg), msg, kp.addr};
    switch (rng() % 6) {
      case 0: c.sig.bytes[64] ^= 3; break;                              // v 27 <-> 24, 28 <-> 31
      case 1: c.msg_hash.bytes[rng() % 32] ^= 1; break;                  // wrong message
      case 2: c.expected_signer = keys[(signer + 1) % keys.size()].addr; break;
      case 3: std::fill(c.sig.data(), c.sig.data() + 32, 0); break;     // r = 0
      default: break;                                                    // valid
    }
    checks.push_back(c);
  }
  return checks;
}

std::vector<status<error>> expected_results(const std::vector<verify_check>& checks) {
  std::vector<status<error>> out;
  for (const auto& c : checks) out.push_back(verify_eip191(c.sig, c.msg_hash, c.expected_signer));
  return out;
}

void expect_same(const std::vector<status<error>>& got, const std::vector<status<error>>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].has_value(), want[i].has_value()) << i;
    if (!got[i]) {
      EXPECT_EQ(got[i].error(), want[i].error()) << i;
    }
  }
}

TEST(batch_verifier, same_results_as_verify_in_enqueue_order_and_reusable) {
  std::mt19937_64 rng(test_seed("batch_verifier.mixed"));
  for (unsigned threads : {1U, 2U, 3U}) {
    SCOPED_TRACE(threads);
    batch_verifier verifier(threads);
    EXPECT_EQ(verifier.threads(), threads);
    // Several runs on one verifier, of sizes below, at and above the thread count.
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{37}, std::size_t{64}}) {
      const auto checks = mixed_checks(rng, count);
      for (std::size_t i = 0; i < checks.size(); ++i) EXPECT_EQ(verifier.enqueue(checks[i]), i);
      EXPECT_EQ(verifier.pending(), count);
      const auto results = verifier.run();
      EXPECT_EQ(verifier.pending(), 0U);
      expect_same(results, expected_results(checks));
    }
  }
}

TEST(batch_verifier, the_mix_has_both_outcomes) {
  // Guards the test above against a generator that only makes valid (or only invalid) checks.
  std::mt19937_64 rng(test_seed("batch_verifier.mix"));
  const auto want = expected_results(mixed_checks(rng, 64));
  std::size_t ok = 0;
  for (const auto& r : want) ok += r.has_value() ? 1 : 0;
  EXPECT_GT(ok, 0U);
  EXPECT_LT(ok, want.size());
}

TEST(batch_verifier, zero_threads_means_hardware_concurrency) {
  batch_verifier verifier(0);
  EXPECT_GE(verifier.threads(), 1U);
  EXPECT_TRUE(verifier.run().empty());
}

}  // namespace
}  // namespace clearway::crypto
