// Test support for clearwayd as real processes: fork/exec of the built binaries, bounded polling
// waits (never a sleep as synchronisation), a scratch directory, the CLI, a metrics scrape.
// Needs CLEARWAYD_PATH and CLEARWAY_CLI_PATH defined by the test target.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.hpp"
#include "node/socket/local_socket.hpp"

namespace clearway::daemon::test {

constexpr std::uint64_t bound_ms = 20'000;

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch()).count());
}

// Polls `done` every 10 ms until it holds; false (and a test failure naming `what`) after the bound.
bool wait_until(const std::function<bool()>& done, const std::string& what, std::uint64_t limit_ms = bound_ms) {
  const std::uint64_t start = now_ms();
  while (!done()) {
    if (now_ms() - start > limit_ms) {
      ADD_FAILURE() << "gave up waiting for: " << what;
      return false;
    }
    ::poll(nullptr, 0, 10);
  }
  return true;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch directory removed at the end of the test. Short: unix socket paths hold 107 bytes.
struct scratch_root {
  std::string path;
  scratch_root() {
    std::string pattern = "/tmp/cwd_XXXXXX";
    EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
    path = pattern;
  }
  ~scratch_root() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

// The exit status of `pid` once it ends (bounded); -1 if it did not end in time (it is then killed).
int wait_exit(pid_t pid, std::uint64_t limit_ms = bound_ms) {
  int status = 0;
  bool ended = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, "process exit", limit_ms);
  if (!ended) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};

run_result run(const std::vector<std::string>& argv, const std::string& scratch) {
  const pid_t pid = spawn(argv, scratch + ".out", scratch + ".err");
  run_result r;
  r.code = wait_exit(pid, 30'000);
  r.out = slurp(scratch + ".out");
  r.err = slurp(scratch + ".err");
  return r;
}

struct daemon_proc {
  std::string dir;
  pid_t pid = -1;
  nlohmann::json info;
  std::string scratch() const { return dir + ".cli"; }
  run_result cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {CLEARWAY_CLI_PATH, "--data-dir", dir});
    return run(args, scratch());
  }
  std::string node_id() const { return info["node_id"].get<std::string>(); }
  std::uint16_t port() const { return info["listen"]["port"].get<std::uint16_t>(); }
  std::string address() const { return node_id() + "@127.0.0.1:" + std::to_string(port()); }
  nlohmann::json peers() const {
    auto r = cli({"listpeers"});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? nlohmann::json::parse(r.out)["peers"] : nlohmann::json::array();
  }
};

daemon_proc start_daemon(const std::string& dir, std::vector<std::string> extra = {}) {
  daemon_proc d;
  d.dir = dir;
  // `extra` may name its own --listen (a restart on the same port).
  const bool own_listen =
      std::any_of(extra.begin(), extra.end(), [](const std::string& a) { return a.rfind("--listen=", 0) == 0; });
  std::vector<std::string> argv = {CLEARWAYD_PATH, "--data_dir=" + dir, "--metrics_listen=127.0.0.1:0",
                                   "--log_level=warn"};
  if (!own_listen) argv.push_back("--listen=127.0.0.1:0");
  argv.insert(argv.end(), extra.begin(), extra.end());
  d.pid = spawn(argv, dir + ".out", dir + ".err");
  wait_until([&] {
    auto r = d.cli({"getinfo"});
    if (r.code == 0) d.info = nlohmann::json::parse(r.out);
    int status = 0;
    if (r.code != 0 && ::waitpid(d.pid, &status, WNOHANG) == d.pid) {
      ADD_FAILURE() << "clearwayd exited at start: " << slurp(dir + ".err");
      return true;
    }
    return r.code == 0;
  }, "clearwayd in " + dir + " to answer getinfo");
  return d;
}

bool has_peer(const nlohmann::json& peers, const std::string& node_id) {
  for (const auto& p : peers) {
    if (p["node_id"] == node_id) return true;
  }
  return false;
}

std::string scrape(std::uint16_t port) {
  auto fd = node::connect_tcp({"127.0.0.1", port});
  EXPECT_TRUE(fd.has_value());
  if (!fd) return "";
  const std::string request = "GET /metrics HTTP/1.0\r\n\r\n";
  EXPECT_EQ(::send(fd->get(), request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  std::string got;
  wait_until([&] {
    char buf[8192];
    const ssize_t n = ::recv(fd->get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) got.append(buf, static_cast<std::size_t>(n));
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }, "the scrape to end");
  return got;
}

// True once the peer closed the socket (end of stream or reset).
bool closed_by_peer(int fd) {
  char buf[4096];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

void send_all(int fd, byte_span bytes) {
  ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

}  // namespace clearway::daemon::test
