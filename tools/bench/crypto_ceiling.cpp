#include "tools/bench/crypto_ceiling.hpp"

#include <algorithm>
#include <ctime>
#include <thread>
#include <vector>

#include "crypto/keys.hpp"
#include "crypto/signature.hpp"

namespace clearway::tools::bench {

namespace {
// CPU time of the calling thread: the ceiling is per core, so time taken by other processes on a
// loaded machine must not count against it.
class thread_cpu_clock {
 public:
  thread_cpu_clock() : start_(now()) {}
  [[nodiscard]] double seconds() const { return now() - start_; }
  void restart() { start_ = now(); }

 private:
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  double start_;
};
}  // namespace

double crypto_ceiling::cores_busy(double made_per_s, double verified_per_s) const noexcept {
  if (signs_per_s <= 0 || verifies_per_s <= 0 || cores == 0) return 0;
  return (made_per_s / signs_per_s + verified_per_s / verifies_per_s) / static_cast<double>(cores);
}

crypto_ceiling measure_crypto_ceiling(double seconds_each) {
  crypto_ceiling c;
  c.cores = std::max(1U, std::thread::hardware_concurrency());
  bytes32 material{};
  material.bytes[0] = 0x42;
  const auto key = crypto::key_pair::from_secret(crypto::secret_key::from_material(material));
  // Distinct messages, as in real rounds (RFC 6979 nonces depend on the message).
  constexpr std::size_t batch = 64;
  std::vector<bytes32> messages(batch);
  for (std::size_t i = 0; i < batch; ++i) {
    messages[i].bytes[0] = static_cast<std::uint8_t>(i);
    messages[i].bytes[31] = 0x5a;
  }
  std::vector<crypto::signature> sigs(batch);
  thread_cpu_clock sw;
  while (sw.seconds() < seconds_each || c.signs < batch) {
    for (std::size_t i = 0; i < batch; ++i) sigs[i] = crypto::sign_eip191(key.secret, messages[i]);
    c.signs += batch;
  }
  c.signs_per_s = static_cast<double>(c.signs) / sw.seconds();
  std::uint64_t failed = 0;
  sw.restart();
  while (sw.seconds() < seconds_each || c.verifies < batch) {
    for (std::size_t i = 0; i < batch; ++i) {
      if (!crypto::verify_eip191(sigs[i], messages[i], key.addr)) ++failed;
    }
    c.verifies += batch;
  }
  c.verifies_per_s = static_cast<double>(c.verifies) / sw.seconds();
  if (failed != 0) c.verifies_per_s = 0;  // cannot happen with our own signatures; never report a bogus rate
  return c;
}

}  // namespace clearway::tools::bench
