// A monotone priority queue for Dijkstra-like searches with integer keys: O(1) push, amortised
// O(log key range) pop. Every pushed key must be >= the last key taken out (true in Dijkstra, where
// new keys are the settled key plus a non-negative weight). Entries are never updated; callers skip
// stale ones.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clearway::routing {

template <class Payload>
class radix_heap {
 public:
  struct entry {
    std::uint64_t key;
    Payload payload;
  };

  void clear() noexcept {
    for (auto& b : buckets_) b.clear();
    last_ = 0;
    size_ = 0;
  }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  void push(std::uint64_t key, Payload payload) {
    assert(key >= last_);
    buckets_[bucket_of(key)].push_back(entry{key, payload});
    ++size_;
  }
  // The entry with the smallest key (the heap must not be empty).
  [[nodiscard]] const entry& top() {
    refill();
    return buckets_[0].back();
  }
  void pop() {
    refill();
    buckets_[0].pop_back();
    --size_;
  }

 private:
  [[nodiscard]] std::size_t bucket_of(std::uint64_t key) const noexcept {
    return key == last_ ? 0 : 64 - static_cast<std::size_t>(__builtin_clzll(key ^ last_));
  }
  // Makes bucket 0 hold the minimum: the first non-empty bucket's smallest key becomes `last_`, and
  // its entries move to lower buckets (they share more leading bits with the new `last_`).
  void refill() {
    if (!buckets_[0].empty()) return;
    std::size_t i = 1;
    while (buckets_[i].empty()) ++i;  // size_ > 0, so some bucket is not empty
    std::uint64_t smallest = buckets_[i].front().key;
    for (const entry& e : buckets_[i]) smallest = e.key < smallest ? e.key : smallest;
    last_ = smallest;
    for (const entry& e : buckets_[i]) buckets_[bucket_of(e.key)].push_back(e);
    buckets_[i].clear();
  }

  std::array<std::vector<entry>, 65> buckets_;
  std::uint64_t last_ = 0;
  std::size_t size_ = 0;
};

}  // namespace clearway::routing
