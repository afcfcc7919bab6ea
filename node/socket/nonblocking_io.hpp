// Reads and writes on a non-blocking stream socket, shared by the local servers (RPC, metrics):
// what is there is moved between the socket and a byte string, never more than a cap.
#pragma once

#include <cstddef>
#include <string>

namespace clearway::node {

enum class io_outcome {
  open,    // the socket may have more later (EAGAIN)
  closed,  // the peer closed its side (read returned 0)
  failed,  // a socket error (ECONNRESET, EPIPE, ...)
};

// Appends what the socket holds to `in` until EAGAIN, end of stream, or `in` reaches `cap` bytes.
[[nodiscard]] io_outcome read_available(int fd, std::string& in, std::size_t cap);
// Writes from the front of `out` until it is empty or the socket is full; drops what was written.
[[nodiscard]] io_outcome write_pending(int fd, std::string& out);

}  // namespace clearway::node
