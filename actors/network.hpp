// The network inside an actor system: the context every actor shares (read-only directories,
// clock, timers, counters), and `network`, which builds channels on the embedded bank, spawns the
// actors and drives virtual time tick by tick. The public engine (engine.hpp) wraps one network in
// its own actor system; the deterministic tests wrap one in CAF's test coordinator.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>
#include <vector>

#include <caf/abstract_actor.hpp>
#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/local_actor.hpp>
#include <caf/mailbox_element.hpp>
#include <caf/message_id.hpp>
#include <caf/send.hpp>

#include "actors/engine.hpp"
#include "actors/interfaces.hpp"
#include "actors/messages.hpp"
#include "actors/runtime.hpp"
#include "chain/embedded/ledger.hpp"
#include "crypto/keys.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_config.hpp"
#include "routing/graph_snapshot.hpp"
#include "routing/liquidity_scorer.hpp"

namespace clearway::actors {

// Per attempt: HTLCs added for it, and how many were irrevocably fulfilled / failed (counted by
// the offering channel ends; read by the audit).
struct attempt_counts {
  std::atomic<std::uint32_t> added{0};
  std::atomic<std::uint32_t> fulfilled{0};
  std::atomic<std::uint32_t> failed{0};
  std::uint32_t hops = 0;  // written by the payment actor
};

inline constexpr std::uint32_t max_attempts_limit = 16;

// One payment. The engine writes the request fields before the payment starts; afterwards only
// its payment actor writes the outcome fields; channel ends only touch the atomics.
struct payment_record {
  payment_id id = 0;
  node_id payer = 0;
  node_id payee = 0;
  amount value;
  bytes32 hash_lock;
  std::uint64_t arrival_ms = 0;
  bool started = false;
  // outcome (payment actor)
  payment_status status = payment_status::pending;
  failure_reason reason = failure_reason::none;
  std::uint64_t end_ms = 0;
  std::uint32_t attempts = 0;
  std::uint64_t fee = 0;
  std::uint32_t hops = 0;
  std::uint64_t sent_total = 0;  // what the payer's first hop carried in the successful attempt
  std::vector<hop_view> route;
  std::vector<std::vector<node_id>> attempt_nodes;  // nodes each attempt's route visited
  bool finished = false;  // no HTLC of it is unresolved any more
  std::array<attempt_counts, max_attempts_limit> counts;
};

struct node_entry {
  explicit node_entry(const crypto::key_pair& k) : keys(k) {}
  crypto::key_pair keys;
  node_actor actor;  // guarded by network_context::spawn_lock; see node_of()
  std::atomic<bool> online{true};
  std::vector<std::uint32_t> channels;
  amount minted;  // what the ledger minted for this node's deposits
  // Settled htlc actors of this node, waiting for the next incoming HTLC (see htlc_actor.cpp).
  std::mutex pool_mutex;
  std::vector<htlc_actor> idle_htlcs;
};

// An HTLC a channel end offered to its peer, and who hears its outcome.
struct offered_htlc {
  htlc_owner_actor owner;
  std::uint64_t token = 0;
  onion route;
  protocol::htlc_terms terms;
  bool owner_told = false;  // the owner has its one update (fulfilled on the peer's proposal)
};

// An HTLC the peer offered to a channel end.
struct incoming_entry {
  onion route;
  timer_service::timer_id claim_timer = 0;  // set once we proposed its fulfil
};

// The HTLCs a resting channel end routes (the actor's maps, moved).
struct resting_htlcs {
  std::unordered_map<std::uint64_t, offered_htlc> ours;
  std::unordered_map<std::uint64_t, incoming_entry> theirs;
  std::unordered_map<std::uint64_t, failure_info> peer_failures;
};

// What a channel end keeps while it rests (no actor): its channel in the compact resting encoding
// (protocol::encode_resting_state, 352 B for an opened channel against 1,208 B as a value) and
// the HTLCs it routes. An end rests only between rounds, with nothing queued, scheduled or owed
// (channel_actor.cpp).
struct resting_end {
  byte_vector state;
  std::unique_ptr<resting_htlcs> htlcs;  // null while the end routes no HTLC
};

// Immutable once the channel is opened, except `ends` and `resting` (network_context::spawn_lock).
// After opening, each end is either awake (an actor in `ends`) or resting (its state in `resting`,
// no actor): channel_end() wakes a resting end on first use.
struct channel_entry {
  std::uint32_t index = 0;
  std::array<node_id, 2> nodes{};  // party 0 (a), party 1 (b)
  std::array<channel_actor, 2> ends;
  std::array<std::unique_ptr<resting_end>, 2> resting;
  chain::bank_id bank;
  protocol::channel_config config;
  std::array<direction_policy, 2> policy;  // [p]: forwarded by party p
  [[nodiscard]] protocol::party side_of(node_id n) const noexcept {
    return nodes[0] == n ? protocol::party::zero : protocol::party::one;
  }
};

struct network_context {
  explicit network_context(const engine_config& c)
      : config(c), clock(c.start_time_s * 1000) {}

  engine_config config;
  virtual_clock clock;
  timer_service timers;
  tick_board<channel_actor> ticks;
  work_tracker work;
  metric_counters metrics;
  int spawn_sync = 0;  // TSan: spawn arguments happen-before the spawned actor's start
  // Guard what is spawned on first use: channel_entry::ends and ::resting (by channel index),
  // node_entry::actor (by node id). Striped: a mutex per entry would cost 40 B each.
  std::array<std::mutex, 64> spawn_locks;

  // Directories: grown by the driver only while no actor runs; read by actors.
  std::vector<std::unique_ptr<node_entry>> nodes;
  std::vector<std::unique_ptr<channel_entry>> channels;
  std::deque<payment_record> payments;

  std::vector<route_worker_actor> route_workers;
  std::atomic<std::uint64_t> next_route_worker{0};
  router_actor router;
  watcher_actor watcher;
  std::vector<verifier_actor> verifiers;
  std::atomic<std::uint64_t> next_verifier{0};
  // Finished payment actors, waiting for the next payment (see payment_actor.cpp).
  std::mutex payment_pool_mutex;
  std::vector<payment_actor> idle_payments;

  // The router publishes read-only scorer copies here; route workers load them (read/update split).
  std::atomic<std::shared_ptr<const routing::liquidity_scorer>> scorer;

  chain::embedded::ledger* ledger = nullptr;  // while actors run, only the watcher calls it

  [[nodiscard]] std::uint64_t now_ms() const noexcept { return clock.now_ms(); }
  [[nodiscard]] std::uint64_t now_s() const noexcept { return clock.now_s(); }
  [[nodiscard]] bool online(node_id n) const noexcept { return nodes[n]->online.load(std::memory_order_relaxed); }
  [[nodiscard]] const channel_entry& channel(std::uint32_t c) const noexcept { return *channels[c]; }
  [[nodiscard]] std::mutex& spawn_lock(std::uint32_t i) noexcept { return spawn_locks[i % spawn_locks.size()]; }
};
using context_ptr = std::shared_ptr<network_context>;

// Opens a handler: TSan acquire on the actor, and uncounts the handled work item when it ends.
class work_scope {
 public:
  work_scope(network_context& ctx, const caf::abstract_actor* self) noexcept : ctx_(ctx), self_(self) {
    tsan_acquire(self_);
  }
  ~work_scope() {
    tsan_release(self_);
    ctx_.work.done();
  }
  work_scope(const work_scope&) = delete;
  work_scope& operator=(const work_scope&) = delete;

 private:
  network_context& ctx_;
  const caf::abstract_actor* self_;
};

// For messages that carry their own work_ticket: only the TSan ordering.
class tsan_scope {
 public:
  explicit tsan_scope(const caf::abstract_actor* self) noexcept : self_(self) { tsan_acquire(self_); }
  ~tsan_scope() { tsan_release(self_); }
  tsan_scope(const tsan_scope&) = delete;
  tsan_scope& operator=(const tsan_scope&) = delete;

 private:
  const caf::abstract_actor* self_;
};

// Sends from an actor. Under TSan the mailbox element is built first and released before it is
// enqueued, so its contents happen-before the receiver's handler (which acquires); otherwise the
// plain, statically type-checked send (the same call sites compile through it in every other
// build, so the interface check is never lost).
template <class Self, class Handle, class... Ts>
void send_from(Self* self, const Handle& dest, Ts&&... xs) {
#ifdef CLEARWAY_TSAN
  auto* target = caf::actor_cast<caf::abstract_actor*>(dest);
  auto element = caf::make_mailbox_element(caf::actor_cast<caf::strong_actor_ptr>(self->ctrl()), caf::make_message_id(),
                                           {}, std::forward<Ts>(xs)...);
  tsan_release(target);
  target->enqueue(std::move(element), self->context());
#else
  self->send(dest, std::forward<Ts>(xs)...);
#endif
}

// Sends from outside the actors (the driver).
template <class Handle, class... Ts>
void send_external(const Handle& dest, Ts&&... xs) {
#ifdef CLEARWAY_TSAN
  auto* target = caf::actor_cast<caf::abstract_actor*>(dest);
  auto element = caf::make_mailbox_element(nullptr, caf::make_message_id(), {}, std::forward<Ts>(xs)...);
  tsan_release(target);
  target->enqueue(std::move(element), nullptr);
#else
  caf::anon_send(dest, std::forward<Ts>(xs)...);
#endif
}

// A counted work message from an actor (its handler opens a work_scope).
template <class Self, class Handle, class... Ts>
void post(Self* self, network_context& ctx, const Handle& dest, Ts&&... xs) {
  if (!dest) return;
  ctx.work.add();
  send_from(self, dest, std::forward<Ts>(xs)...);
}

// A counted work message from the driver.
template <class Handle, class... Ts>
void post_external(network_context& ctx, const Handle& dest, Ts&&... xs) {
  if (!dest) return;
  ctx.work.add();
  send_external(dest, std::forward<Ts>(xs)...);
}

// Before a counted spawn (the spawned actor's initial behaviour opens a spawn_scope).
inline void before_spawn(network_context& ctx) noexcept {
  ctx.work.add();
  tsan_release(&ctx.spawn_sync);
}
class spawn_scope {
 public:
  spawn_scope(network_context& ctx, const caf::abstract_actor* self) noexcept : ctx_(ctx), self_(self) {
    tsan_acquire(&ctx.spawn_sync);
    tsan_acquire(self_);
  }
  ~spawn_scope() {
    tsan_release(self_);
    ctx_.work.done();
  }
  spawn_scope(const spawn_scope&) = delete;
  spawn_scope& operator=(const spawn_scope&) = delete;

 private:
  network_context& ctx_;
  const caf::abstract_actor* self_;
};

// Maps chain time (s) to virtual time (ms) for timers.
[[nodiscard]] constexpr std::uint64_t ms_of(std::uint64_t time_s) noexcept { return time_s * 1000; }

// ---- spawning (each actor's file defines its own) ----
// The one way to reach a channel end: its actor, spawned on first use (from its resting channel,
// or fresh before opening). Thread-safe: of callers racing to wake the same end, exactly one spawns.
[[nodiscard]] channel_actor channel_end(caf::actor_system& sys, const context_ptr& ctx, std::uint32_t channel,
                                        protocol::party side);
// channel_end() for a caller that holds ctx->spawn_lock(channel).
[[nodiscard]] channel_actor channel_end_locked(caf::actor_system& sys, const context_ptr& ctx, std::uint32_t channel,
                                               protocol::party side);
// Posts a counted work message to a channel end, waking it if it rests. The send happens under the
// end's spawn lock: an awake end rests only under that lock and with an empty mailbox, so no
// message can reach an actor that has quit (channel_actor.cpp, "Resting").
template <class Self, class... Ts>
void post_to_end(Self* self, const context_ptr& ctx, std::uint32_t channel, protocol::party side, Ts&&... xs) {
  const std::lock_guard lock(ctx->spawn_lock(channel));
  ctx->work.add();
  send_from(self, channel_end_locked(self->system(), ctx, channel, side), std::forward<Ts>(xs)...);
}
// The same from the driver.
template <class... Ts>
void post_external_to_end(caf::actor_system& sys, const context_ptr& ctx, std::uint32_t channel, protocol::party side,
                          Ts&&... xs) {
  const std::lock_guard lock(ctx->spawn_lock(channel));
  ctx->work.add();
  send_external(channel_end_locked(sys, ctx, channel, side), std::forward<Ts>(xs)...);
}
// The channel of a resting end, decoded (inspect reads resting ends without waking them).
[[nodiscard]] std::optional<protocol::channel> resting_channel(const network_context& ctx, std::uint32_t channel,
                                                              protocol::party side, const resting_end& rest);
// What an end reports (inspect_atom), from its channel (null: not opened) and actor-only flags.
[[nodiscard]] channel_report report_of(const protocol::channel* chan, bool checking, bool on_chain);
// The one way to reach a node's supervisor: spawned on first use, thread-safe like channel_end().
[[nodiscard]] node_actor node_of(caf::actor_system& sys, const context_ptr& ctx, node_id node);
// An idle payment actor from the pool, or a new one; the caller posts (start_atom, record).
[[nodiscard]] payment_actor acquire_payment(caf::actor_system& sys, context_ptr ctx);
[[nodiscard]] router_actor spawn_router(caf::actor_system& sys, context_ptr ctx);
[[nodiscard]] watcher_actor spawn_watcher(caf::actor_system& sys, context_ptr ctx);
void spawn_verifiers(caf::actor_system& sys, context_ptr ctx, unsigned count);

// An idle htlc actor of `node` from its pool, or a new one; the caller posts (start_atom, incoming).
[[nodiscard]] htlc_actor acquire_htlc(caf::local_actor& parent, context_ptr ctx, node_id node);


// ---- mapping reasons ----
[[nodiscard]] failure_reason failure_of(const failure_info& f) noexcept;
[[nodiscard]] bool retryable(const failure_info& f) noexcept;

// ---- the network and its driver ----
class network {
 public:
  // `quiesce` returns once the actors have no work left (the engine waits on the work tracker;
  // tests run CAF's test coordinator).
  network(caf::actor_system& sys, const engine_config& config, std::function<void()> quiesce);
  ~network();
  network(const network&) = delete;
  network& operator=(const network&) = delete;

  [[nodiscard]] node_id add_node();
  [[nodiscard]] result<channel_id, engine_error> add_channel(const channel_spec& spec);
  [[nodiscard]] result<invoice, engine_error> create_invoice(node_id payee, std::uint64_t amount, bool hold = false);
  [[nodiscard]] result<payment_id, engine_error> submit_payment(node_id payer, const invoice& inv,
                                                               std::uint64_t arrival_ms);
  [[nodiscard]] status<engine_error> release_hold(const invoice& inv);
  [[nodiscard]] status<engine_error> cancel_hold(const invoice& inv);
  [[nodiscard]] status<engine_error> release_holds(std::span<const invoice> invs);
  void set_offline(node_id node);

  void run_until(std::uint64_t time_ms);
  std::uint64_t run_until_idle(std::uint64_t limit_ms);
  // Spawns what was added since the last run and lets the new channels open.
  void start_pending();

  [[nodiscard]] std::optional<payment_result> result_of(payment_id id) const;
  [[nodiscard]] std::vector<payment_result> results() const;
  [[nodiscard]] std::size_t payments_in_flight() const noexcept;
  [[nodiscard]] engine_metrics metrics() const;
  [[nodiscard]] std::uint64_t wealth_of(node_id node);
  [[nodiscard]] std::vector<std::uint64_t> wealth_of_all();
  [[nodiscard]] audit_report audit();
  [[nodiscard]] close_report close_all();

  // Both ends' reports of one channel.
  using channel_reports = std::array<std::optional<channel_report>, 2>;
  // Every channel end's state (quiescent afterwards). The engine's own checks stream instead
  // (for_each_report): this materialises two reports per channel.
  [[nodiscard]] std::vector<channel_reports> inspect_all();

  [[nodiscard]] network_context& context() noexcept { return *ctx_; }
  // A channel end's actor, woken if it rests (channel_end()).
  [[nodiscard]] channel_actor end_actor(std::uint32_t channel, protocol::party side) {
    return channel_end(sys_, ctx_, channel, side);
  }
  [[nodiscard]] chain::embedded::ledger& ledger() noexcept { return ledger_; }
  [[nodiscard]] std::uint64_t now_ms() const noexcept { return ctx_->now_ms(); }
  // One tick at `time_ms` (>= now): timers, arrivals, channel ticks, then quiescence.
  void tick_at(std::uint64_t time_ms);
  void shutdown();

 private:
  [[nodiscard]] std::optional<std::uint64_t> next_event_ms() const;
  [[nodiscard]] std::uint64_t align_up(std::uint64_t t) const noexcept;
  void set_time(std::uint64_t time_ms);
  void rebuild_snapshot();
  [[nodiscard]] payment_result to_result(const payment_record& r) const;
  // Calls f(channel, reports) for every channel in index order (quiescent afterwards).
  template <class F>
  void for_each_report(F&& f);
  // What `side` of this channel may spend off-chain: its balance while open, off chain, in a running bank.
  [[nodiscard]] std::uint64_t spendable(const channel_entry& entry, const channel_reports& r, std::size_t side) const;
  // Sends in chunks of at most `chunk` and waits for quiescence between chunks (CAF's scheduling trap).
  template <class F>
  void in_chunks(std::size_t n, F&& send_one);

  caf::actor_system& sys_;
  context_ptr ctx_;
  std::function<void()> quiesce_;
  chain::embedded::ledger ledger_;
  std::mt19937_64 rng_;
  std::size_t spawned_channels_ = 0;
  bool topology_dirty_ = false;
  bool started_ = false;
  struct invoice_state {
    node_id payee = 0;
    amount value;
    bool hold = false;
    bool used = false;
  };
  std::map<bytes32, invoice_state> invoices_;
  std::vector<std::pair<node_id, invoice_entry>> pending_invoices_;
  std::multimap<std::uint64_t, payment_id> arrivals_;
  std::uint64_t ticks_ = 0;
};

}  // namespace clearway::actors
