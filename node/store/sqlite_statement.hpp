// Thin RAII helpers over the SQLite C API for node/store: a prepared statement that resets itself
// after each use, with typed binds and column reads. Internal to node/store.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "node/store/store_errors.hpp"

namespace clearway::node::sqlite {

class statement {
 public:
  statement() = default;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  statement(statement&& o) noexcept : stmt_(std::exchange(o.stmt_, nullptr)) {}
  statement& operator=(statement&& o) noexcept {
    if (this != &o) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(o.stmt_, nullptr);
    }
    return *this;
  }
  ~statement() { sqlite3_finalize(stmt_); }

  // Prepared once, kept for the connection's life (SQLITE_PREPARE_PERSISTENT).
  [[nodiscard]] static result<statement, store_error> prepare(sqlite3* db, std::string_view sql) {
    statement s;
    const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                      &s.stmt_, nullptr);
    if (rc != SQLITE_OK) return store_error_of(rc);
    return s;
  }

  // Binds (1-based). Amounts and other uint64 values are stored as their int64 bit pattern.
  statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  statement& bind_u64(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  statement& bind_blob(int i, byte_span b) {
    if (b.empty()) {  // a null pointer would bind NULL, not an empty blob
      sqlite3_bind_zeroblob(stmt_, i, 0);
      return *this;
    }
    sqlite3_bind_blob(stmt_, i, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind_text(int i, std::string_view t) {
    sqlite3_bind_text(stmt_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }

  // One step: true = a row is ready, false = done; an error resets the statement.
  [[nodiscard]] result<bool, store_error> step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    reset();
    return store_error_of(sqlite3_extended_errcode(sqlite3_db_handle(stmt_)));
  }
  // Runs a statement that returns no rows, then resets it.
  [[nodiscard]] status<store_error> run() {
    auto r = step();
    reset();
    if (!r) return r.error();
    return {};
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  [[nodiscard]] std::int64_t column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  [[nodiscard]] std::uint64_t column_u64(int i) const { return static_cast<std::uint64_t>(column_int(i)); }
  [[nodiscard]] bool column_is_null(int i) const { return sqlite3_column_type(stmt_, i) == SQLITE_NULL; }
  [[nodiscard]] byte_span column_blob(int i) const {
    const void* p = sqlite3_column_blob(stmt_, i);
    const int n = sqlite3_column_bytes(stmt_, i);
    return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
  }
  [[nodiscard]] std::string column_text(int i) const {
    const unsigned char* p = sqlite3_column_text(stmt_, i);
    const int n = sqlite3_column_bytes(stmt_, i);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
  }
  // A fixed-size blob column, or nullopt when its size is wrong (or NULL).
  template <class Fixed>
  [[nodiscard]] std::optional<Fixed> column_fixed(int i) const {
    const byte_span b = column_blob(i);
    if (b.size() != Fixed::size()) return std::nullopt;
    Fixed out;
    std::copy(b.begin(), b.end(), out.bytes.begin());
    return out;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Runs SQL text without results (schema, pragmas, BEGIN/COMMIT).
[[nodiscard]] inline status<store_error> exec(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return store_error_of(sqlite3_extended_errcode(db));
  return {};
}

}  // namespace clearway::node::sqlite
