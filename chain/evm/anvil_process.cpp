#include "chain/evm/anvil_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "chain/evm/json_rpc.hpp"

extern char** environ;

namespace clearway::chain::evm {

namespace {

// Binds 127.0.0.1:0, reads the port the kernel chose, and closes the socket again. Another
// process may take the port before anvil binds it; start() then retries with a new one.
result<std::uint16_t, std::string> pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok) return std::string("could not bind a loopback port");
  return static_cast<std::uint16_t>(ntohs(addr.sin_port));
}

std::string tail_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
  return text;
}

// fork + exec rather than posix_spawn: the child asks the kernel to kill it when the test process
// dies (PR_SET_PDEATHSIG), so a crashed test never leaves an anvil running.
result<pid_t, std::string> spawn(const std::string& path, const std::vector<std::string>& args,
                                 const std::string& log_path) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (log_fd < 0) return std::string("cannot open ") + log_path;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return std::string("fork() failed");
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(path.c_str(), argv.data(), environ);
    ::_exit(127);
  }
  ::close(log_fd);
  return pid;
}

}  // namespace

result<anvil_process, anvil_process::start_error> anvil_process::start(const options& opts) {
  if (opts.anvil_path.empty() || ::access(opts.anvil_path.c_str(), X_OK) != 0) {
    return "anvil not found or not executable at '" + opts.anvil_path +
           "' (run scripts/install-evm-tools.sh, or set CLEARWAY_ANVIL)";
  }
  std::string why = "no attempt made";
  for (int attempt = 0; attempt < opts.start_attempts; ++attempt) {
    auto port = pick_free_port();
    if (!port) return port.error();
    std::array<char, 64> log_template{};
    std::snprintf(log_template.data(), log_template.size(), "/tmp/clearway-anvil-%d-%u.log",
                  static_cast<int>(::getpid()), static_cast<unsigned>(*port));
    const std::string log_path(log_template.data());
    auto pid = spawn(opts.anvil_path,
                     {"--host", "127.0.0.1", "--port", std::to_string(*port), "--hardfork", opts.hardfork},
                     log_path);
    if (!pid) return pid.error();
    anvil_process proc(*pid, *port, log_path);

    json_rpc_client probe(proc.url(), json_rpc_client::options{200, 1000});
    const auto deadline = std::chrono::steady_clock::now() + opts.start_timeout;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      int wstatus = 0;
      if (::waitpid(proc.pid_, &wstatus, WNOHANG) == proc.pid_) {
        proc.pid_ = -1;  // already reaped
        exited = true;
        break;
      }
      if (probe.chain_id()) return proc;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    why = (exited ? "anvil exited at start on port " : "anvil did not answer eth_chainId on port ") +
          std::to_string(*port) + "; its output:\n" + tail_of(log_path);
  }
  return "could not start anvil after " + std::to_string(opts.start_attempts) + " attempts: " + why;
}

anvil_process::~anvil_process() { stop(); }

anvil_process::anvil_process(anvil_process&& other) noexcept
    : pid_(other.pid_), port_(other.port_), log_path_(std::move(other.log_path_)) {
  other.pid_ = -1;
  other.log_path_.clear();
}

anvil_process& anvil_process::operator=(anvil_process&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = other.pid_;
    port_ = other.port_;
    log_path_ = std::move(other.log_path_);
    other.pid_ = -1;
    other.log_path_.clear();
  }
  return *this;
}

std::string anvil_process::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void anvil_process::stop() noexcept {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    // Bounded wait for a clean exit, then SIGKILL.
    bool reaped = false;
    for (int i = 0; i < 250 && !reaped; ++i) {
      int wstatus = 0;
      if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {
        reaped = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    if (!reaped) {
      ::kill(pid_, SIGKILL);
      int wstatus = 0;
      ::waitpid(pid_, &wstatus, 0);
    }
    pid_ = -1;
  }
  if (!log_path_.empty()) {
    std::remove(log_path_.c_str());
    log_path_.clear();
  }
}

crypto::secret_key anvil_process::dev_key(std::size_t i) {
  static constexpr std::array<std::string_view, 4> keys = {
      "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
      "5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
      "7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  };
  // The constants are valid keys; the test checks them against eth_accounts.
  return *crypto::secret_key::from_bytes(*fixed_from_hex<bytes32>(keys.at(i)));
}

std::string anvil_process::default_anvil_path(const std::string& fallback) {
  if (const char* env = std::getenv("CLEARWAY_ANVIL"); env != nullptr && *env != '\0') return env;
  return fallback;
}

}  // namespace clearway::chain::evm
