#include "tools/daemon/secret_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "node/socket/unique_fd.hpp"

namespace clearway::daemon {
namespace {

constexpr std::size_t max_secret_file_bytes = 256;

bool is_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

result<bytes32, daemon_failure> read_secret_file(const std::string& path, daemon_error malformed) {
  node::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    return daemon_failure{daemon_error::secret_file_unreadable, path + ": " + std::strerror(errno)};
  }
  std::string text;
  char buf[max_secret_file_bytes + 1];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return daemon_failure{daemon_error::secret_file_unreadable, path + ": " + std::strerror(errno)};
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > max_secret_file_bytes) return daemon_failure{malformed, path + ": longer than one line of 64 hex digits"};
  }
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (text.size() != 64) {
    return daemon_failure{malformed, path + ": expected one line of 64 hex digits, found " + std::to_string(text.size()) + " characters"};
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!is_hex_digit(text[i])) return daemon_failure{malformed, path + ": character " + std::to_string(i + 1) + " is not a hex digit"};
  }
  const auto secret = fixed_from_hex<bytes32>(text);
  if (!secret) return daemon_failure{malformed, path + ": not hex"};
  return *secret;
}

result<bytes32, daemon_failure> random_bytes32() {
  bytes32 out;
  std::size_t got = 0;
  while (got < out.bytes.size()) {
    const ssize_t n = ::getrandom(out.bytes.data() + got, out.bytes.size() - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return daemon_failure{daemon_error::random_failed, std::strerror(errno)};
    got += static_cast<std::size_t>(n);
  }
  return out;
}

result<void, daemon_failure> write_secret_file(const std::string& path, const bytes32& secret) {
  const std::string tmp = path + ".tmp";
  auto fail = [&](const char* step) {
    const std::string why = std::string(step) + " " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return daemon_failure{daemon_error::secret_file_write_failed, why};
  };
  ::unlink(tmp.c_str());  // a leftover of a start that crashed before its rename
  {
    node::unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return fail("create");
    if (::fchmod(fd.get(), 0600) != 0) return fail("chmod");
    if (!write_all(fd.get(), to_hex(secret) + "\n")) return fail("write");
    if (::fsync(fd.get()) != 0) return fail("fsync");
  }
  // link(2) instead of rename(2): it fails if `path` appeared meanwhile, never replacing a key.
  if (::link(tmp.c_str(), path.c_str()) != 0) return fail("link to final name from");
  ::unlink(tmp.c_str());
  node::unique_fd dir(::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid() || ::fsync(dir.get()) != 0) {
    return daemon_failure{daemon_error::secret_file_write_failed, "fsync of the directory of " + path};
  }
  return {};
}

result<bytes32, daemon_failure> load_or_create_secret(const std::string& path, daemon_error malformed,
                                                      const std::function<bool(const bytes32&)>& acceptable,
                                                      bool& created) {
  created = false;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 || errno != ENOENT) return read_secret_file(path, malformed);
  for (;;) {
    auto secret = random_bytes32();
    if (!secret) return secret.error();
    if (!acceptable(*secret)) continue;
    auto written = write_secret_file(path, *secret);
    if (!written) return written.error();
    created = true;
    return *secret;
  }
}

}  // namespace clearway::daemon
