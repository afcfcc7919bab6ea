// A first-in-first-out queue that allocates nothing while it is empty. std::deque allocates its
// first 512-byte block and its map when constructed, which is ~1.2 KB per idle channel end for
// the end's two queues (measured: 12 KB per channel before, see docs/benchmarks.md "Concurrency").
// A vector with a read index: push_back appends, pop_front advances; the storage is released when
// the queue runs empty and compacted when the consumed prefix is at least half of it.
// References returned by front() are invalidated by push_back (move the front out first).
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace clearway::actors {

template <class T>
class fifo {
 public:
  [[nodiscard]] bool empty() const noexcept { return head_ == items_.size(); }
  [[nodiscard]] std::size_t size() const noexcept { return items_.size() - head_; }
  [[nodiscard]] T& front() noexcept { return items_[head_]; }
  [[nodiscard]] const T& front() const noexcept { return items_[head_]; }
  void push_back(T x) { items_.push_back(std::move(x)); }
  // Precondition: !empty().
  void pop_front() {
    ++head_;
    if (head_ == items_.size()) {
      std::vector<T>().swap(items_);  // empty again: give the storage back
      head_ = 0;
    } else if (head_ >= compact_after && 2 * head_ >= items_.size()) {
      items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
  }

 private:
  static constexpr std::size_t compact_after = 64;
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace clearway::actors
