#include "tools/daemon/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clearway::daemon {
namespace {

bool make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0) return true;
  if (errno != EEXIST) return false;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

result<void, daemon_failure> prepare_data_dir(const std::string& data_dir) {
  if (data_dir.empty()) return daemon_failure{daemon_error::data_dir_failed, "data_dir is empty"};
  for (std::size_t slash = data_dir.find('/', 1); slash != std::string::npos; slash = data_dir.find('/', slash + 1)) {
    const std::string parent = data_dir.substr(0, slash);
    if (!make_dir(parent)) return daemon_failure{daemon_error::data_dir_failed, parent + ": " + std::strerror(errno)};
  }
  if (!make_dir(data_dir)) {
    return daemon_failure{daemon_error::data_dir_failed, data_dir + ": " + (errno == EEXIST ? "not a directory" : std::strerror(errno))};
  }
  return {};
}

std::string under_data_dir(const std::string& data_dir, const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  return data_dir + "/" + path;
}

result<data_dir_lock, daemon_failure> data_dir_lock::acquire(const std::string& data_dir) {
  const std::string path = under_data_dir(data_dir, lock_file_name);
  node::unique_fd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return daemon_failure{daemon_error::data_dir_failed, path + ": " + std::strerror(errno)};
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return daemon_failure{daemon_error::data_dir_failed, path + ": " + std::strerror(errno)};
    char pid[32] = {};
    const ssize_t n = ::pread(fd.get(), pid, sizeof pid - 1, 0);
    std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return daemon_failure{daemon_error::data_dir_locked,
                          data_dir + " is in use by another clearwayd" + (holder.empty() ? "" : " (pid " + holder + ")")};
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd.get(), 0) != 0 || ::pwrite(fd.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return daemon_failure{daemon_error::data_dir_failed, path + ": cannot write the pid"};
  }
  return data_dir_lock(std::move(fd));
}

}  // namespace clearway::daemon
