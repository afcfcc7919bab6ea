#include "tools/cli/cli_exchange.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

#include "node/rpc/rpc_frame.hpp"

namespace clearway::cli {

std::string_view to_string(exchange_error e) noexcept {
  switch (e) {
    case exchange_error::write_failed: return "write_failed";
    case exchange_error::closed_early: return "closed_early";
    case exchange_error::timed_out: return "timed_out";
    case exchange_error::bad_frame: return "bad_frame";
  }
  return "bad_frame";
}

result<std::string, exchange_error> exchange(int fd, const std::string& body, int timeout_ms) {
  auto frame = node::rpc::encode_frame(body);
  if (!frame) return exchange_error::bad_frame;
  std::size_t sent = 0;
  while (sent < frame->size()) {
    const ssize_t n = ::send(fd, frame->data() + sent, frame->size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return exchange_error::write_failed;
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<std::uint8_t> in;
  for (;;) {
    auto split = node::rpc::split_frame(in);
    if (!split) return exchange_error::bad_frame;
    if (*split) return std::string((*split)->body);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return exchange_error::timed_out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) == 0) continue;
    std::uint8_t buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return exchange_error::closed_early;
    in.insert(in.end(), buf, buf + n);
  }
}

}  // namespace clearway::cli
