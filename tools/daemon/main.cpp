// clearwayd: the Clearway node daemon (docs/operating.md, "Running clearwayd").
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>

#include "node/config/node_config.hpp"
#include "node/socket/unique_fd.hpp"
#include "tools/daemon/daemon_args.hpp"
#include "tools/daemon/node_daemon.hpp"
#include "tools/daemon/node_runtime.hpp"

namespace {

using namespace clearway;
using namespace clearway::daemon;

constexpr int ex_usage = 64;

// The config file's text, at most one byte over the limit (load_config then names file_too_large).
result<std::string, daemon_failure> read_config_file(const std::string& path) {
  node::unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return daemon_failure{daemon_error::config_file_unreadable, path + ": " + std::strerror(errno)};
  std::string text;
  char buf[65536];
  while (text.size() <= node::config::max_config_file_bytes) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return daemon_failure{daemon_error::config_file_unreadable, path + ": " + std::strerror(errno)};
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = parse_daemon_args(argc, argv);
  if (!args) {
    std::cerr << "clearwayd: " << args.error().message() << "\n" << daemon_usage();
    return ex_usage;
  }
  if (args->help) {
    std::cout << daemon_usage();
    return 0;
  }
  std::string file_text;
  std::string file_name = "<no config file>";
  if (args->config_file) {
    auto text = read_config_file(*args->config_file);
    if (!text) {
      std::cerr << "clearwayd: " << text.error().message() << "\n";
      return exit_code_of(text.error().code);
    }
    file_text = std::move(text).value();
    file_name = *args->config_file;
  }
  auto cfg = node::config::load_config(file_name, file_text, args->config_flags);
  if (!cfg) {
    auto diagnostic = cfg.error();
    point_at_argv(diagnostic, *args);
    std::cerr << "clearwayd: " << diagnostic.message() << "\n";
    return ex_usage;
  }
  ::umask(077);  // every file the daemon makes (store, WAL, keys) is the operator's alone
  auto daemon = node_daemon::start(*cfg);
  if (!daemon) {
    std::cerr << "clearwayd: " << daemon.error().message() << "\n";
    return exit_code_of(daemon.error().code);
  }
  auto runtime = node_runtime::attach(**daemon);
  if (!runtime) {
    std::cerr << "clearwayd: " << runtime.error().message() << "\n";
    return exit_code_of(runtime.error().code);
  }
  return (*daemon)->run();
}
