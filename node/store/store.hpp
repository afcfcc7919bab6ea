// node/store: the daemon's durable state in SQLite (WAL, synchronous=FULL, foreign keys on).
//
// Holds channel states (the protocol/channel_state_codec blob plus indexed columns), the peer's
// shachain store of each channel, its HTLCs, forwarding circuits, invoices (hold invoices too),
// payments, and the schema version with a migrations table. See docs/store.md.
//
// Writes are grouped: begin_batch(), queue_*() any number of writes, commit_batch(). The batch is
// one SQLite transaction, so one fsync of the write-ahead log makes all of it durable at once
// (group commit), and a crash leaves either all of it or none. Each queue_*() may pass an
// on_durable callback: it runs after the commit returned (the data is on disk) with the outcome,
// so the daemon sends the message that depends on a state change only from there. A failed commit
// rolls everything back and tells every callback.
//
// Single-threaded: one owner (the store actor) calls everything. No exceptions; every failure is
// a named store_error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "crypto/shachain.hpp"
#include "node/store/store_errors.hpp"
#include "node/store/store_records.hpp"
#include "protocol/channel.hpp"

namespace clearway::node {

inline constexpr std::uint32_t store_schema_version = 2;

struct store_options {
  // Milliseconds a statement waits for another connection's lock before returning busy.
  int busy_timeout_ms = 5'000;
  // false: synchronous=NORMAL (not durable on power loss); only for benchmarks that compare.
  bool full_sync = true;
};

struct store_metrics {
  std::uint64_t commits = 0;         // successful commit_batch() calls with at least one write
  std::uint64_t writes = 0;          // queued writes made durable
  std::uint64_t channel_writes = 0;  // of which channel states
  std::uint64_t failed_commits = 0;
  std::uint64_t fsyncs = 0;          // every xSync SQLite issued (WAL, database file, checkpoints)
  std::uint64_t wal_fsyncs = 0;      // of which on the write-ahead log
  std::uint64_t largest_batch = 0;   // writes in the largest committed batch
};

using durable_callback = std::function<void(status<store_error>)>;

class store {
 public:
  // Opens or creates the database, enables WAL, full sync and foreign keys, and applies the
  // pending migrations. schema_too_new if a newer build wrote it.
  [[nodiscard]] static result<store, store_error> open(const std::string& path, const store_options& options = {});
  store(store&&) noexcept;
  store& operator=(store&&) noexcept;
  ~store();

  // ---- Group commit ---------------------------------------------------------------------------
  [[nodiscard]] status<store_error> begin_batch();
  // The channel end's state, its HTLC rows and the peer's shachain store. The state is encoded
  // now: the caller may keep changing `c` after this returns.
  [[nodiscard]] status<store_error> queue_channel(const channel_id& id, const protocol::channel& c,
                                                  durable_callback on_durable = {});
  [[nodiscard]] status<store_error> queue_delete_channel(const channel_id& id, durable_callback on_durable = {});
  [[nodiscard]] status<store_error> queue_circuit(const circuit& c, durable_callback on_durable = {});
  [[nodiscard]] status<store_error> queue_invoice(const invoice& i, durable_callback on_durable = {});
  [[nodiscard]] status<store_error> queue_payment(const payment& p, durable_callback on_durable = {});
  [[nodiscard]] status<store_error> queue_peer_address(const peer_endpoint& a, durable_callback on_durable = {});
  [[nodiscard]] bool batch_open() const noexcept;
  [[nodiscard]] std::size_t queued_writes() const noexcept;
  // One transaction for everything queued since begin_batch(), then the callbacks in queue order.
  // An empty batch commits nothing and costs no fsync.
  [[nodiscard]] status<store_error> commit_batch();
  // Drops the queued writes; their callbacks get batch_aborted.
  void abort_batch();

  // ---- Reads ----------------------------------------------------------------------------------
  [[nodiscard]] result<std::vector<stored_channel>, store_error> list_channels() const;
  [[nodiscard]] result<stored_channel, store_error> get_channel(const channel_id& id) const;
  // The peer's shachain store as saved with the channel (what a watcher needs to punish).
  [[nodiscard]] result<crypto::shachain_store, store_error> get_peer_secrets(const channel_id& id) const;
  [[nodiscard]] result<std::vector<stored_htlc>, store_error> list_htlcs(const channel_id& id) const;
  [[nodiscard]] result<circuit, store_error> get_circuit(const channel_id& incoming_channel,
                                                         protocol::htlc_id incoming_htlc) const;
  // Circuits not yet settled or failed, oldest first.
  [[nodiscard]] result<std::vector<circuit>, store_error> list_open_circuits() const;
  // Settled and failed circuits, oldest first, one page (listforwards).
  [[nodiscard]] result<std::vector<circuit>, store_error> list_forwards(std::size_t limit, std::size_t offset) const;
  [[nodiscard]] result<invoice, store_error> get_invoice(const bytes32& payment_hash) const;
  [[nodiscard]] result<payment, store_error> get_payment(const bytes32& payment_hash) const;
  // Invoices still open or accepted (a restart needs them), and payments still in flight.
  [[nodiscard]] result<std::vector<invoice>, store_error> list_live_invoices() const;
  [[nodiscard]] result<std::vector<payment>, store_error> list_in_flight_payments() const;
  [[nodiscard]] result<std::vector<peer_endpoint>, store_error> list_peer_addresses() const;

  // PRAGMA integrity_check and foreign_key_check: integrity_check_failed if either reports.
  [[nodiscard]] status<store_error> check_integrity() const;
  [[nodiscard]] result<std::uint32_t, store_error> schema_version() const;

  [[nodiscard]] store_metrics metrics() const noexcept;

  struct impl;

 private:
  explicit store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace clearway::node
