// Named reasons why the durable store refused or failed an operation. SQLite result codes are
// mapped to these (store_error_of); nothing in node/store throws.
#pragma once

#include <string_view>

namespace clearway::node {

enum class store_error {
  open_failed = 1,         // the database file could not be opened or created
  busy,                    // another connection holds a lock (SQLITE_BUSY / SQLITE_LOCKED)
  io_error,                // the disk failed a read, write or fsync (SQLITE_IOERR)
  disk_full,               // SQLITE_FULL
  corrupt,                 // the file is damaged or not a database (SQLITE_CORRUPT / SQLITE_NOTADB)
  read_only,               // the file or directory is read-only (SQLITE_READONLY / SQLITE_PERM / SQLITE_CANTOPEN)
  constraint_violation,    // a row broke a key, foreign key or check constraint
  schema_too_new,          // the database was written by a newer build (higher schema version)
  migration_failed,        // a schema migration could not be applied
  wal_unavailable,         // journal_mode=WAL could not be enabled
  batch_already_open,      // begin_batch() while a batch is open
  no_open_batch,           // a queue_*/commit_batch() without begin_batch()
  batch_aborted,           // the batch was dropped by abort_batch() or a failed commit
  not_found,               // no such row
  bad_channel_state,       // a stored channel blob does not decode (see the load's detail)
  bad_row,                 // a stored row has a value out of range (wrong blob size, unknown state)
  integrity_check_failed,  // PRAGMA integrity_check or foreign_key_check reported a problem
  sqlite_failure,          // any other SQLite error
};

[[nodiscard]] std::string_view to_string(store_error e) noexcept;

// The store_error for a SQLite result code (primary or extended); only called for failures.
[[nodiscard]] store_error store_error_of(int sqlite_code) noexcept;

}  // namespace clearway::node
