// The daemon's data directory: created 0700 (with any missing parents), relative paths from the
// config resolved under it, and an exclusive flock(2) on data_dir/clearwayd.lock held for the
// process's life so two daemons never share one directory. The lock dies with the process (also
// on kill -9), so a stale lock file never blocks a restart; the file keeps the holder's pid.
#pragma once

#include <string>

#include "base/result.hpp"
#include "node/socket/unique_fd.hpp"
#include "tools/daemon/daemon_errors.hpp"

namespace clearway::daemon {

inline constexpr const char* lock_file_name = "clearwayd.lock";
inline constexpr const char* store_file_name = "clearway.sqlite";

[[nodiscard]] result<void, daemon_failure> prepare_data_dir(const std::string& data_dir);

// `path` if absolute, else data_dir/path.
[[nodiscard]] std::string under_data_dir(const std::string& data_dir, const std::string& path);

class data_dir_lock {
 public:
  [[nodiscard]] static result<data_dir_lock, daemon_failure> acquire(const std::string& data_dir);

 private:
  explicit data_dir_lock(node::unique_fd fd) : fd_(std::move(fd)) {}
  node::unique_fd fd_;
};

}  // namespace clearway::daemon
