// One request/response exchange with clearwayd over its RPC socket: blocking I/O with a deadline
// (the CLI has nothing else to do meanwhile), frames as in node/rpc/rpc_frame.hpp.
#pragma once

#include <string>

#include "base/result.hpp"

namespace clearway::cli {

enum class exchange_error {
  write_failed = 1,   // the daemon closed the socket while the request was sent
  closed_early,       // the daemon closed the socket before a whole answer
  timed_out,          // no whole answer within the deadline
  bad_frame,          // the answer's length prefix is 0 or above the cap
};

[[nodiscard]] std::string_view to_string(exchange_error e) noexcept;

// Sends `body` as one frame on the connected socket, returns the body of the answer frame.
[[nodiscard]] result<std::string, exchange_error> exchange(int fd, const std::string& body, int timeout_ms);

}  // namespace clearway::cli
