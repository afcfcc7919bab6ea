// Batched signature verification: queue many checks, run them on worker threads, read one result
// per check. libsecp256k1 0.2 has no batch API, so the speed-up comes from parallelism.
#pragma once

#include <cstddef>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/errors.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"

namespace clearway::crypto {

struct verify_check {
  signature sig;
  bytes32 msg_hash;
  address expected_signer;
};

class batch_verifier {
 public:
  // threads == 0 means std::thread::hardware_concurrency().
  explicit batch_verifier(unsigned threads);
  ~batch_verifier();
  batch_verifier(const batch_verifier&) = delete;
  batch_verifier& operator=(const batch_verifier&) = delete;

  // Queues a check; returns its position in the results of the next run().
  std::size_t enqueue(const verify_check& check);
  [[nodiscard]] std::size_t pending() const noexcept { return queue_.size(); }
  // Verifies everything queued, in parallel; results[i] belongs to the i-th enqueue since the last run.
  [[nodiscard]] std::vector<status<error>> run();

  [[nodiscard]] unsigned threads() const noexcept { return threads_; }

 private:
  unsigned threads_;
  std::vector<verify_check> queue_;
  struct pool;
  pool* pool_;  // persistent worker threads (owned)
};

}  // namespace clearway::crypto
