// Named reasons why clearwayd could not start, and the sysexits(3) code each one exits with.
#pragma once

#include <string>
#include <string_view>

namespace clearway::daemon {

enum class daemon_error {
  config_file_unreadable = 1,  // --config names a file that cannot be read            (66)
  data_dir_failed,             // data_dir cannot be created or is not a directory      (73)
  data_dir_locked,             // another clearwayd holds data_dir/clearwayd.lock       (75)
  identity_key_malformed,      // identity_key_file is not one line of 64 hex digits    (78)
  identity_key_invalid,        // 64 hex digits that are not a secp256k1 secret (0, >= n) (78)
  rpc_token_malformed,         // rpc_token_file is not one line of 64 hex digits       (78)
  secret_file_unreadable,      // the key or token file exists but cannot be read       (74)
  secret_file_write_failed,    // a new key or token file could not be written         (73)
  random_failed,               // getrandom(2) failed                                  (71)
  store_open_failed,           // the SQLite store in data_dir could not be opened      (74)
  rpc_socket_in_use,           // a live process serves the rpc_socket path             (75)
  listen_failed,               // the peer listen address could not be bound           (71)
  rpc_listen_failed,           // the RPC socket / rpc_listen could not be bound        (71)
  metrics_listen_failed,       // metrics_listen could not be bound                     (71)
  chain_unavailable,           // the chain backend (rpc_url) cannot be reached         (69)
  restore_failed,              // the store's channel states cannot be loaded back      (74)
  store_commit_failed,         // a group commit failed: the daemon stops unsent       (74)
};

[[nodiscard]] std::string_view to_string(daemon_error e) noexcept;
[[nodiscard]] int exit_code_of(daemon_error e) noexcept;

// The error and the words an operator needs (paths, the underlying cause); never a secret.
struct daemon_failure {
  daemon_error code = daemon_error::data_dir_failed;
  std::string detail;
  [[nodiscard]] std::string message() const;
};

}  // namespace clearway::daemon
