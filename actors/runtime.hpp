// The environment the actors run in, as small interfaces with their guarantees written down:
// the clock, virtual-time timers, the tick board (which channel ends want the next tick), the
// work tracker (when is a tick over?) and the metric counters.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/actor.hpp>

namespace clearway::actors {

// ---- ThreadSanitizer annotations ----
// libcaf_core is not TSan-instrumented, so TSan cannot see that CAF's mailbox and scheduler queues
// order a message's construction before its handling, nor an actor's state between two worker
// threads. We tell it: a sender releases on the receiver's address before enqueueing, a handler
// acquires on its actor's address when it starts and releases when it ends. That is exactly
// CAF's own guarantee (a message happens-before its handling; an actor's handlers are ordered).
#if defined(__SANITIZE_THREAD__)
#define CLEARWAY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLEARWAY_TSAN 1
#endif
#endif
#ifdef CLEARWAY_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
inline void tsan_acquire(const void* p) noexcept { __tsan_acquire(const_cast<void*>(p)); }
inline void tsan_release(const void* p) noexcept { __tsan_release(const_cast<void*>(p)); }
#else
inline void tsan_acquire(const void*) noexcept {}
inline void tsan_release(const void*) noexcept {}
#endif

// ---- clock ----
// An implementation guarantees: now_ms() never decreases, and may be read from any thread.
class clock {
 public:
  virtual ~clock() = default;
  [[nodiscard]] virtual std::uint64_t now_ms() const noexcept = 0;
  [[nodiscard]] std::uint64_t now_s() const noexcept { return now_ms() / 1000; }
};

// Virtual time for simulations: only the driver moves it, and only while no actor runs.
class virtual_clock final : public clock {
 public:
  explicit virtual_clock(std::uint64_t start_ms) : now_ms_(start_ms) {}
  [[nodiscard]] std::uint64_t now_ms() const noexcept override { return now_ms_.load(std::memory_order_acquire); }
  void set(std::uint64_t t_ms) noexcept {
    if (t_ms > now_ms_.load(std::memory_order_relaxed)) now_ms_.store(t_ms, std::memory_order_release);
  }

 private:
  std::atomic<std::uint64_t> now_ms_;
};

// ---- timers in virtual time ----
// Actors schedule (time, target, token); the driver takes the due ones at each tick and sends
// (timeout_atom, token, work_ticket). Guarantees: thread-safe; a cancelled timer is never returned;
// due timers come out in time order (ties in scheduling order). One timer per deadline, never one
// per message. Most timers are cancelled long before they are due (an HTLC settles in a few ticks,
// its deadline is hours away), so cancel is O(1): the entry leaves the table and its heap slot is
// skipped when it surfaces; the heap is rebuilt when dead slots outnumber live ones.
class timer_service {
 public:
  using timer_id = std::uint64_t;
  struct due_timer {
    std::uint64_t at_ms = 0;
    caf::actor target;
    std::uint64_t token = 0;
  };

  timer_id schedule(std::uint64_t at_ms, caf::actor target, std::uint64_t token) {
    const std::lock_guard lock(mutex_);
    const timer_id id = ++last_id_;
    live_.emplace(id, due_timer{at_ms, std::move(target), token});
    push(slot{at_ms, id});
    return id;
  }
  void cancel(timer_id id) {
    if (id == 0) return;
    const std::lock_guard lock(mutex_);
    if (live_.erase(id) == 0) return;
    if (heap_.size() > 1024 && heap_.size() > 2 * live_.size()) compact();
  }
  // At most `max` timers due at or before now_ms, removed.
  [[nodiscard]] std::vector<due_timer> take_due(std::uint64_t now_ms, std::size_t max) {
    std::vector<due_timer> out;
    const std::lock_guard lock(mutex_);
    while (!heap_.empty() && out.size() < max && heap_.front().at_ms <= now_ms) {
      const slot top = pop();
      auto it = live_.find(top.id);
      if (it == live_.end()) continue;  // cancelled
      out.push_back(std::move(it->second));
      live_.erase(it);
    }
    return out;
  }
  [[nodiscard]] std::optional<std::uint64_t> next_due_ms() {
    const std::lock_guard lock(mutex_);
    while (!heap_.empty() && !live_.contains(heap_.front().id)) (void)pop();
    if (heap_.empty()) return std::nullopt;
    return heap_.front().at_ms;
  }
  [[nodiscard]] std::size_t size() const {
    const std::lock_guard lock(mutex_);
    return live_.size();
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    heap_.clear();
    live_.clear();
  }

 private:
  struct slot {
    std::uint64_t at_ms;
    timer_id id;  // ids grow: ties come out in scheduling order
    [[nodiscard]] bool before(const slot& o) const noexcept { return at_ms != o.at_ms ? at_ms < o.at_ms : id < o.id; }
  };
  void push(slot s) {
    heap_.push_back(s);
    std::push_heap(heap_.begin(), heap_.end(), [](const slot& a, const slot& b) { return b.before(a); });
  }
  slot pop() {
    std::pop_heap(heap_.begin(), heap_.end(), [](const slot& a, const slot& b) { return b.before(a); });
    const slot s = heap_.back();
    heap_.pop_back();
    return s;
  }
  void compact() {
    std::vector<slot> kept;
    kept.reserve(live_.size());
    for (const auto& [id, t] : live_) kept.push_back(slot{t.at_ms, id});
    heap_.swap(kept);
    std::make_heap(heap_.begin(), heap_.end(), [](const slot& a, const slot& b) { return b.before(a); });
  }

  mutable std::mutex mutex_;
  timer_id last_id_ = 0;
  std::vector<slot> heap_;  // min-heap on (at_ms, id), with cancelled slots left in
  std::unordered_map<timer_id, due_timer> live_;
};

// ---- the tick board ----
// Channel ends with proposals waiting put themselves here (once per tick); the driver takes the
// list at the next tick and sends each a tick. Thread-safe.
template <class Handle>
class tick_board {
 public:
  void request(Handle h) {
    const std::lock_guard lock(mutex_);
    waiting_.push_back(std::move(h));
  }
  [[nodiscard]] std::vector<Handle> take() {
    const std::lock_guard lock(mutex_);
    std::vector<Handle> out;
    out.swap(waiting_);
    return out;
  }
  [[nodiscard]] bool empty() const {
    const std::lock_guard lock(mutex_);
    return waiting_.empty();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Handle> waiting_;
};

// ---- quiescence ----
// Counts outstanding work items: +1 when a work message is sent (or an actor spawned with work in
// its constructor), -1 when its handler has finished. Zero means no actor has anything to do.
// Guarantee relied on: a handler's own sends are counted before its own item is uncounted, so the
// count cannot touch zero while work is still flowing.
// The counter is 32-bit so that waiting on it is a plain futex (libstdc++ waits on wider atomics
// through a mutex and condition variable).
class work_tracker {
 public:
  void add(std::int32_t n = 1) noexcept { outstanding_.fetch_add(n, std::memory_order_relaxed); }
  void done() noexcept {
    if (outstanding_.fetch_sub(1, std::memory_order_acq_rel) == 1) outstanding_.notify_all();
  }
  [[nodiscard]] std::int32_t outstanding() const noexcept { return outstanding_.load(std::memory_order_acquire); }
  // Blocks until the count is at most `bound` (0: quiescent).
  void wait_at_most(std::int32_t bound) const noexcept {
    std::int32_t v = outstanding_.load(std::memory_order_acquire);
    while (v > bound) {
      outstanding_.wait(v, std::memory_order_acquire);
      v = outstanding_.load(std::memory_order_acquire);
    }
  }
 private:
  std::atomic<std::int32_t> outstanding_{0};
};

// A counted work item that travels inside a message and is uncounted when the message is
// destroyed, handled or not (used for timer messages: their target may have quit meanwhile, and a
// dropped message must not leave the count above zero). Copies count separately.
class work_ticket {
 public:
  work_ticket() = default;
  explicit work_ticket(work_tracker& w) noexcept : w_(&w) { w_->add(); }
  work_ticket(const work_ticket& o) noexcept : w_(o.w_) {
    if (w_ != nullptr) w_->add();
  }
  work_ticket(work_ticket&& o) noexcept : w_(o.w_) { o.w_ = nullptr; }
  work_ticket& operator=(const work_ticket&) = delete;
  work_ticket& operator=(work_ticket&&) = delete;
  ~work_ticket() {
    if (w_ != nullptr) w_->done();
  }

 private:
  work_tracker* w_ = nullptr;
};

// ---- metrics ----
struct peak_counter {
  std::atomic<std::int64_t> current{0};
  std::atomic<std::int64_t> peak{0};
  void up() noexcept {
    const std::int64_t now = current.fetch_add(1, std::memory_order_relaxed) + 1;
    std::int64_t seen = peak.load(std::memory_order_relaxed);
    while (now > seen && !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  void down() noexcept { current.fetch_sub(1, std::memory_order_relaxed); }
};

struct metric_counters {
  std::atomic<std::uint64_t> signatures_made{0};
  std::atomic<std::uint64_t> signatures_verified{0};
  std::atomic<std::uint64_t> key_derivations{0};
  std::atomic<std::uint64_t> rounds{0};
  std::atomic<std::uint64_t> proposals_committed{0};
  std::atomic<std::uint64_t> max_batch{0};
  std::array<std::atomic<std::uint64_t>, 12> batch_histogram{};
  std::atomic<std::uint64_t> htlc_hops{0};
  std::atomic<std::uint64_t> route_requests{0};
  std::atomic<std::uint64_t> on_chain_calls{0};
  std::atomic<std::uint64_t> protocol_errors{0};
  peak_counter payments_in_flight;
  peak_counter hops_in_flight;

  void add(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) noexcept { c.fetch_add(n, std::memory_order_relaxed); }
  void record_batch(std::uint64_t proposals) noexcept {
    add(rounds);
    add(proposals_committed, proposals);
    std::uint64_t seen = max_batch.load(std::memory_order_relaxed);
    while (proposals > seen && !max_batch.compare_exchange_weak(seen, proposals, std::memory_order_relaxed)) {
    }
    std::size_t bucket = 0;
    while (bucket + 1 < batch_histogram.size() && (std::uint64_t{2} << bucket) <= proposals) ++bucket;
    add(batch_histogram[bucket]);
  }
};

}  // namespace clearway::actors
