// Test support: a local anvil node on a loopback port picked free at run time, owned by this
// object (stopped on destruction). Starting fails with a reason; callers must fail, not skip.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "base/result.hpp"
#include "crypto/keys.hpp"

namespace clearway::chain::evm {

class anvil_process {
 public:
  struct options {
    std::string anvil_path;                  // the binary (see default_anvil_path)
    std::string hardfork = "prague";         // what compile.js compiles for
    int start_attempts = 5;                  // a fresh port each time (another process may take one)
    std::chrono::milliseconds start_timeout{20000};  // per attempt, until eth_chainId answers
  };

  // Why start() failed, for the test's failure message.
  using start_error = std::string;
  [[nodiscard]] static result<anvil_process, start_error> start(const options& opts);

  ~anvil_process();
  anvil_process(anvil_process&& other) noexcept;
  anvil_process& operator=(anvil_process&& other) noexcept;
  anvil_process(const anvil_process&) = delete;
  anvil_process& operator=(const anvil_process&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string url() const;
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  // Anvil's published dev keys (mnemonic "test test ... junk", m/44'/60'/0'/0/i), i < 4; each
  // account starts with 10,000 ether.
  [[nodiscard]] static crypto::secret_key dev_key(std::size_t i);
  // $CLEARWAY_ANVIL if set, else `fallback` (the build passes the npm-installed binary).
  [[nodiscard]] static std::string default_anvil_path(const std::string& fallback);

 private:
  anvil_process(pid_t pid, std::uint16_t port, std::string log_path) noexcept
      : pid_(pid), port_(port), log_path_(std::move(log_path)) {}
  void stop() noexcept;

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
};

}  // namespace clearway::chain::evm
