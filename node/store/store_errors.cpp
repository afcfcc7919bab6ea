#include "node/store/store_errors.hpp"

#include <sqlite3.h>

namespace clearway::node {

std::string_view to_string(store_error e) noexcept {
  switch (e) {
    case store_error::open_failed: return "open_failed";
    case store_error::busy: return "busy";
    case store_error::io_error: return "io_error";
    case store_error::disk_full: return "disk_full";
    case store_error::corrupt: return "corrupt";
    case store_error::read_only: return "read_only";
    case store_error::constraint_violation: return "constraint_violation";
    case store_error::schema_too_new: return "schema_too_new";
    case store_error::migration_failed: return "migration_failed";
    case store_error::wal_unavailable: return "wal_unavailable";
    case store_error::batch_already_open: return "batch_already_open";
    case store_error::no_open_batch: return "no_open_batch";
    case store_error::batch_aborted: return "batch_aborted";
    case store_error::not_found: return "not_found";
    case store_error::bad_channel_state: return "bad_channel_state";
    case store_error::bad_row: return "bad_row";
    case store_error::integrity_check_failed: return "integrity_check_failed";
    case store_error::sqlite_failure: return "sqlite_failure";
  }
  return "unknown_store_error";
}

store_error store_error_of(int sqlite_code) noexcept {
  switch (sqlite_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return store_error::busy;
    case SQLITE_IOERR: return store_error::io_error;
    case SQLITE_FULL: return store_error::disk_full;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return store_error::corrupt;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN: return store_error::read_only;
    case SQLITE_CONSTRAINT: return store_error::constraint_violation;
    default: return store_error::sqlite_failure;
  }
}

}  // namespace clearway::node
