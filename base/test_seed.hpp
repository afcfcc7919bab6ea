// The seed of a randomized test: CLEARWAY_SEED if set, else a fresh one. Always printed, so any
// failing run can be replayed with CLEARWAY_SEED=<seed>.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace clearway {

[[nodiscard]] inline std::uint64_t test_seed(const char* what = "test") {
  std::uint64_t seed = 0;
  if (const char* env = std::getenv("CLEARWAY_SEED"); env != nullptr && *env != '\0') {
    seed = std::strtoull(env, nullptr, 0);
  } else {
    std::random_device rd;
    seed = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }
  std::fprintf(stderr, "[%s] CLEARWAY_SEED=%llu\n", what, static_cast<unsigned long long>(seed));
  return seed;
}

}  // namespace clearway
