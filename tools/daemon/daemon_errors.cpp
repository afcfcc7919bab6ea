#include "tools/daemon/daemon_errors.hpp"

namespace clearway::daemon {

std::string_view to_string(daemon_error e) noexcept {
  switch (e) {
    case daemon_error::config_file_unreadable: return "config_file_unreadable";
    case daemon_error::data_dir_failed: return "data_dir_failed";
    case daemon_error::data_dir_locked: return "data_dir_locked";
    case daemon_error::identity_key_malformed: return "identity_key_malformed";
    case daemon_error::identity_key_invalid: return "identity_key_invalid";
    case daemon_error::rpc_token_malformed: return "rpc_token_malformed";
    case daemon_error::secret_file_unreadable: return "secret_file_unreadable";
    case daemon_error::secret_file_write_failed: return "secret_file_write_failed";
    case daemon_error::random_failed: return "random_failed";
    case daemon_error::store_open_failed: return "store_open_failed";
    case daemon_error::rpc_socket_in_use: return "rpc_socket_in_use";
    case daemon_error::listen_failed: return "listen_failed";
    case daemon_error::rpc_listen_failed: return "rpc_listen_failed";
    case daemon_error::metrics_listen_failed: return "metrics_listen_failed";
    case daemon_error::chain_unavailable: return "chain_unavailable";
    case daemon_error::restore_failed: return "restore_failed";
    case daemon_error::store_commit_failed: return "store_commit_failed";
  }
  return "data_dir_failed";
}

int exit_code_of(daemon_error e) noexcept {
  switch (e) {
    case daemon_error::config_file_unreadable: return 66;  // EX_NOINPUT
    case daemon_error::data_dir_failed:
    case daemon_error::secret_file_write_failed: return 73;  // EX_CANTCREAT
    case daemon_error::data_dir_locked:
    case daemon_error::rpc_socket_in_use: return 75;  // EX_TEMPFAIL
    case daemon_error::identity_key_malformed:
    case daemon_error::identity_key_invalid:
    case daemon_error::rpc_token_malformed: return 78;  // EX_CONFIG
    case daemon_error::secret_file_unreadable:
    case daemon_error::store_open_failed:
    case daemon_error::restore_failed:
    case daemon_error::store_commit_failed: return 74;  // EX_IOERR
    case daemon_error::chain_unavailable: return 69;  // EX_UNAVAILABLE
    case daemon_error::random_failed:
    case daemon_error::listen_failed:
    case daemon_error::rpc_listen_failed:
    case daemon_error::metrics_listen_failed: return 71;  // EX_OSERR
  }
  return 1;
}

std::string daemon_failure::message() const {
  std::string out(to_string(code));
  if (!detail.empty()) out += ": " + detail;
  return out;
}

}  // namespace clearway::daemon
