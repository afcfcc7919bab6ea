// clearway::actors::engine: a whole payment-channel network in one process, as a library.
//
// Every channel end, every in-flight HTLC hop and every payment is a CAF actor, but nothing of CAF
// shows here: embedders include this header and link clearway::actors (see docs/embedding.md).
//
// Threading and time model:
// - The engine owns an actor system with `worker_threads` threads. Its public functions are called
//   from ONE thread (the embedder's); they are not thread-safe against each other.
// - Time is virtual. The engine's clock only moves inside run_until()/advance_by()/
//   run_until_idle(), in ticks of `tick_ms`: at each tick it fires the timers that are due, injects
//   the payments that arrive in the tick, lets every channel end with waiting proposals start one
//   batched commitment round, and waits until the actors are quiescent. A payment's latency is the
//   number of ticks its rounds waited for, times tick_ms.
// - Chain time (the embedded bank's clock, time locks) is the virtual time in seconds.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace clearway::actors {

using node_id = std::uint32_t;
using channel_id = std::uint32_t;
using payment_id = std::uint64_t;

struct engine_config {
  unsigned worker_threads = 2;        // CAF scheduler threads
  std::size_t max_throughput = 100;   // messages an actor handles before yielding (CAF's default is unbounded)
  std::uint64_t tick_ms = 100;        // virtual time per tick
  std::uint32_t commit_batch_size = 483;  // a channel end starts a round at once when this many own proposals wait
  std::uint64_t start_time_s = 1'600'000'000;  // virtual chain time at creation
  std::uint64_t freeze_time_s = 86'400;        // freeze time of every commitment (and the banks' minimum)
  std::uint64_t final_time_lock_delta_s = 40 * 600;   // the payee's HTLC lock: now + this
  std::uint64_t max_total_time_lock_s = 2016 * 600;   // first hop's lock - now at most this
  std::uint32_t max_hops = 20;
  std::uint32_t max_attempts = 4;      // route attempts per payment (1 = no retry)
  std::uint64_t claim_margin_s = 3'600;  // go on chain this long before a lock we can claim expires
  std::uint32_t max_accepted_htlcs = 483;  // per direction and channel (Lightning's limit)
  bool work_sharing = false;    // CAF scheduler policy: one shared queue (true) or work stealing (false)
  bool verify_on_pool = false;  // commit signature checks on verifier worker actors instead of inline
  unsigned verifier_workers = 2;
  unsigned route_workers = 2;
  // An awake channel end hands its state to the directory and quits whenever it is between rounds
  // with nothing queued (HTLCs pending or not), instead of only right after opening: an idle end
  // then costs no CAF actor (≈ 1.7 KB), at the price of a spawn when it is used again.
  bool rest_idle_ends = false;
  std::uint64_t seed = 1;       // keys, preimages: a run is replayable from its seed
};

// One direction's forwarding policy (what the forwarding node charges and requires).
struct direction_policy {
  std::uint64_t fee_base = 0;   // base units
  std::uint32_t fee_ppm = 0;    // millionths of the forwarded amount
  std::uint32_t time_lock_delta_s = 40 * 600;
  std::uint64_t min_htlc = 1;
  std::uint64_t max_htlc = UINT64_MAX;
};

struct channel_spec {
  node_id a = 0;  // party 0, opens the channel
  node_id b = 0;
  std::uint64_t deposit_a = 0;
  std::uint64_t deposit_b = 0;
  direction_policy a_to_b;  // forwarded by a
  direction_policy b_to_a;  // forwarded by b
};

enum class engine_error {
  unknown_node = 1,
  same_node,            // a channel from a node to itself
  zero_deposit,         // the bank requires both deposits > 0
  bank_refused,         // the embedded bank refused create/deposit (amount overflow, ...)
  unknown_invoice,
  invoice_not_held,     // release/cancel of an invoice that is not a hold invoice
  invoice_already_used,
  arrival_in_past,      // a payment cannot arrive before the current virtual time
  zero_amount,
  not_quiescent,        // internal: the actors did not settle (a bug)
};
[[nodiscard]] std::string_view to_string(engine_error e) noexcept;

struct invoice {
  std::array<std::uint8_t, 32> payment_hash{};
  node_id payee = 0;
  std::uint64_t amount = 0;
  bool hold = false;
};

enum class payment_status : std::uint8_t { pending, succeeded, failed };

enum class failure_reason : std::uint8_t {
  none = 0,
  no_path,               // the router found no route (on the first try, or none left to retry)
  insufficient_balance,  // a hop could not carry the amount (balance, HTLC slots, max in flight)
  time_lock,             // a time lock was too close or too far for a hop
  fee_insufficient,      // a forwarder refused the fee
  peer_failure,          // a peer was offline, unresponsive or failed the HTLC for another reason
  incorrect_details,     // the payee did not know the hash, or amount/lock did not match the invoice
  timeout,               // an HTLC reached its time lock unresolved and was settled on chain
  cancelled,             // the payee cancelled a hold invoice
};
[[nodiscard]] std::string_view to_string(failure_reason r) noexcept;
[[nodiscard]] std::string_view to_string(payment_status s) noexcept;

struct hop_view {
  channel_id channel = 0;
  node_id from = 0;
  node_id to = 0;
  std::uint64_t amount = 0;
  std::uint64_t time_lock_s = 0;
  std::uint32_t time_lock_delta_s = 0;  // the forwarding node's delta on this hop's channel (0 for the payer's hop)
};

struct payment_result {
  payment_id id = 0;
  node_id payer = 0;
  node_id payee = 0;
  std::uint64_t amount = 0;
  payment_status status = payment_status::pending;
  failure_reason reason = failure_reason::none;
  std::uint64_t start_ms = 0;  // arrival (virtual)
  std::uint64_t end_ms = 0;    // preimage known to the payer, or failure final (virtual)
  std::uint32_t hops = 0;      // channels of the last attempt's route
  std::uint64_t fee = 0;       // of the successful route
  std::uint32_t attempts = 0;
  std::vector<hop_view> route;  // the last attempt's route
  bool atomic = true;           // every hop of every attempt resolved the same way (fulfilled only for the last success)
};

struct engine_metrics {
  std::uint64_t signatures_made = 0;
  std::uint64_t signatures_verified = 0;
  std::uint64_t key_derivations = 0;    // revocation-lock public keys derived
  std::uint64_t rounds = 0;             // completed commitment rounds (counted once per channel)
  std::uint64_t proposals_committed = 0;  // proposals covered by those rounds
  std::uint64_t max_batch = 0;          // most proposals covered by one round
  std::array<std::uint64_t, 12> batch_histogram{};  // rounds covering [2^i, 2^(i+1)) proposals (last: more)
  std::uint64_t htlc_hops = 0;          // HTLCs added on any channel
  std::uint64_t peak_in_flight_payments = 0;
  std::uint64_t peak_in_flight_hops = 0;
  std::uint64_t route_requests = 0;
  std::uint64_t on_chain_calls = 0;
  std::uint64_t protocol_errors = 0;    // peer messages a channel end refused (0 between honest ends)
  std::uint64_t ticks = 0;
  std::uint64_t payments_submitted = 0;
  std::uint64_t payments_succeeded = 0;
  std::uint64_t payments_failed = 0;
};

struct audit_report {
  bool conservation_ok = true;  // both ends agree, base + HTLCs == deposits, total money unchanged
  bool atomicity_ok = true;     // every finished payment: all hops fulfilled or all removed
  bool forwarders_ok = true;    // no node poorer than its own payments explain
  bool settled = true;          // no HTLC in flight anywhere (the forwarder check needs it)
  std::vector<std::string> problems;  // what failed, for people
  [[nodiscard]] bool ok() const noexcept { return conservation_ok && atomicity_ok && forwarders_ok; }
};

struct close_report {
  std::size_t closed = 0;      // channels closed cooperatively
  std::size_t not_closed = 0;  // channels with HTLCs pending, on chain already, or offline ends
  bool bank_ok = false;        // the ledger's own audit after the closes
  bool balances_ok = false;    // every node's account == what its channel ends said it owned
};

class engine {
 public:
  explicit engine(const engine_config& config = {});
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  // ---- building the network (any time; new channels open at the next run) ----
  [[nodiscard]] node_id add_node();
  // Creates the bank, funds and makes both deposits, then (at the next run) the two channel ends
  // exchange their opening messages and the signatures on commitment #0.
  [[nodiscard]] result<channel_id, engine_error> add_channel(const channel_spec& spec);
  [[nodiscard]] std::size_t node_count() const noexcept;
  [[nodiscard]] std::size_t channel_count() const noexcept;

  // ---- invoices and payments ----
  [[nodiscard]] result<invoice, engine_error> create_invoice(node_id payee, std::uint64_t amount, bool hold = false);
  // The payment starts at virtual time arrival_ms (>= now_ms()).
  [[nodiscard]] result<payment_id, engine_error> submit_payment(node_id payer, const invoice& inv,
                                                               std::uint64_t arrival_ms);
  // Hold invoices: the payee settles (release) or fails (cancel) the HTLCs it holds.
  [[nodiscard]] status<engine_error> release_hold(const invoice& inv);
  [[nodiscard]] status<engine_error> cancel_hold(const invoice& inv);
  // Releases many hold invoices at once (sent in chunks, one wait for quiescence per chunk instead
  // of one per invoice). Every invoice is checked first: on an error nothing is released.
  [[nodiscard]] status<engine_error> release_holds(std::span<const invoice> invs);

  // ---- fault injection ----
  // A node that goes offline stops answering for good (a crash without recovery): its peers settle
  // on the bank when their locks come near.
  void set_offline(node_id node);

  // ---- time ----
  [[nodiscard]] std::uint64_t now_ms() const noexcept;
  // Runs every tick up to `time_ms`, firing timers (time locks, deadlines) on the way.
  void run_until(std::uint64_t time_ms);
  void advance_by(std::uint64_t delta_ms);
  // Runs ticks while work remains at the current times (payments to inject, rounds to commit), but
  // never jumps ahead to a future deadline; at most until `limit_ms`. Returns the time reached.
  std::uint64_t run_until_idle(std::uint64_t limit_ms = UINT64_MAX);

  // ---- results ----
  [[nodiscard]] std::optional<payment_result> result_of(payment_id id) const;
  [[nodiscard]] std::vector<payment_result> results() const;
  [[nodiscard]] std::size_t payments_in_flight() const noexcept;
  [[nodiscard]] engine_metrics metrics() const;
  // The node's off-chain balance (sum of its ends' base balances) plus its on-chain account.
  [[nodiscard]] std::uint64_t wealth_of(node_id node);
  // wealth_of() of every node (index = node id) from ONE read of every channel end: the cheap
  // whole-network read (wealth_of() alone inspects every channel per call).
  [[nodiscard]] std::vector<std::uint64_t> wealth_of_all();
  [[nodiscard]] audit_report audit();
  // Cooperative close of every channel with nothing pending, then the bank's own audit.
  [[nodiscard]] close_report close_all();

  [[nodiscard]] const engine_config& config() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace clearway::actors
