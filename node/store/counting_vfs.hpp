// A SQLite VFS shim that forwards everything to the default VFS and counts the fsyncs
// (xSync calls) of the files opened through it, so the store reports real fsyncs, not estimates.
// One instance per store, registered under a unique name and unregistered when destroyed (after
// the connection using it is closed).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace clearway::node {

class counting_vfs {
 public:
  // nullptr when SQLite has no default VFS or registration fails.
  [[nodiscard]] static std::unique_ptr<counting_vfs> create();
  ~counting_vfs();
  counting_vfs(const counting_vfs&) = delete;
  counting_vfs& operator=(const counting_vfs&) = delete;

  [[nodiscard]] const std::string& name() const noexcept;
  // Every xSync (write-ahead log, database file, journal).
  [[nodiscard]] std::uint64_t syncs() const noexcept;
  // Those of the write-ahead log (one per durable commit with synchronous=FULL).
  [[nodiscard]] std::uint64_t wal_syncs() const noexcept;

  struct state;

 private:
  counting_vfs() = default;
  std::unique_ptr<state> state_;
};

}  // namespace clearway::node
