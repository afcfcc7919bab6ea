// The single-core crypto ceiling, measured in-process before a scenario runs: how many recoverable
// ECDSA signatures (sign_eip191) and recover-verifications (verify_eip191) one thread makes per
// second of its CPU time (not wall time: on a loaded machine other processes' share does not count). A commitment round costs each end one of each, so these bound
// what the engine can do without batching.
#pragma once

#include <cstdint>

namespace clearway::tools::bench {

struct crypto_ceiling {
  double signs_per_s = 0;     // one core
  double verifies_per_s = 0;  // one core
  std::uint64_t signs = 0;    // how many were timed
  std::uint64_t verifies = 0;
  unsigned cores = 1;         // std::thread::hardware_concurrency() (at least 1)
  // CPU-seconds per second the given signature rates take, over every core: 1.0 = all cores busy
  // doing nothing but crypto.
  [[nodiscard]] double cores_busy(double made_per_s, double verified_per_s) const noexcept;
};

// Signs for about `seconds_each` of thread CPU time, then verifies for about as long.
[[nodiscard]] crypto_ceiling measure_crypto_ceiling(double seconds_each);

}  // namespace clearway::tools::bench
