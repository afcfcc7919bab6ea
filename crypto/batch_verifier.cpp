#include "crypto/batch_verifier.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace clearway::crypto {

namespace {

void verify_range(const verify_check* checks, status<error>* results, std::size_t begin, std::size_t end) noexcept {
  for (std::size_t i = begin; i < end; ++i) {
    results[i] = verify_eip191(checks[i].sig, checks[i].msg_hash, checks[i].expected_signer);
  }
}

// Chunk `part` of `parts` contiguous chunks of [0, n).
std::size_t chunk_begin(std::size_t n, std::size_t part, std::size_t parts) noexcept { return n * part / parts; }

}  // namespace

// Workers sleep on `wake` until `generation` moves; each then verifies its own chunk of the
// published job (worker w takes chunk w + 1, the caller chunk 0) and counts itself done. All
// shared fields are read and written under `mutex`; the checks and results arrays are only
// touched between a publication and the matching `remaining == 0`, which the mutex orders.
struct batch_verifier::pool {
  std::mutex mutex;
  std::condition_variable wake;
  std::condition_variable done;
  std::uint64_t generation = 0;
  bool stopping = false;
  const verify_check* checks = nullptr;
  status<error>* results = nullptr;
  std::size_t count = 0;
  std::size_t parts = 1;
  std::size_t remaining = 0;
  std::vector<std::thread> workers;

  explicit pool(unsigned worker_count) {
    workers.reserve(worker_count);
    for (unsigned w = 0; w < worker_count; ++w) workers.emplace_back([this, w] { work(w); });
  }

  ~pool() {
    {
      const std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
  }

  void work(unsigned w) {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stopping || generation != seen; });
      if (stopping) return;
      seen = generation;
      const std::size_t part = w + 1;
      const verify_check* job_checks = checks;
      status<error>* job_results = results;
      const std::size_t n = count;
      const std::size_t job_parts = parts;
      lock.unlock();
      if (part < job_parts) {
        verify_range(job_checks, job_results, chunk_begin(n, part, job_parts), chunk_begin(n, part + 1, job_parts));
      }
      lock.lock();
      if (--remaining == 0) done.notify_one();
    }
  }

  // Runs one job across the caller and every worker; returns when all chunks are done.
  void run(const verify_check* job_checks, status<error>* job_results, std::size_t n, std::size_t job_parts) {
    {
      const std::lock_guard lock(mutex);
      checks = job_checks;
      results = job_results;
      count = n;
      parts = job_parts;
      remaining = workers.size();
      ++generation;
    }
    wake.notify_all();
    verify_range(job_checks, job_results, 0, chunk_begin(n, 1, job_parts));
    std::unique_lock lock(mutex);
    done.wait(lock, [&] { return remaining == 0; });
  }
};

batch_verifier::batch_verifier(unsigned threads)
    : threads_(threads != 0 ? threads : std::max(1U, std::thread::hardware_concurrency())),
      pool_(threads_ > 1 ? new pool(threads_ - 1) : nullptr) {}

batch_verifier::~batch_verifier() { delete pool_; }

std::size_t batch_verifier::enqueue(const verify_check& check) {
  queue_.push_back(check);
  return queue_.size() - 1;
}

std::vector<status<error>> batch_verifier::run() {
  std::vector<status<error>> results(queue_.size());
  const std::size_t parts = std::min<std::size_t>(threads_, queue_.size());
  if (pool_ == nullptr || parts <= 1) {
    verify_range(queue_.data(), results.data(), 0, queue_.size());
  } else {
    pool_->run(queue_.data(), results.data(), queue_.size(), parts);
  }
  queue_.clear();
  return results;
}

}  // namespace clearway::crypto
