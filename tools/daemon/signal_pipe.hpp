// SIGTERM / SIGINT as a readable pipe for the poll loop (the self-pipe trick): the handler only
// sets a flag and writes one byte, so the loop wakes at once and shuts down in order. SIGPIPE is
// ignored (every socket write uses MSG_NOSIGNAL anyway).
#pragma once

namespace clearway::daemon {

class signal_pipe {
 public:
  // Installs the handlers; one per process.
  signal_pipe();
  ~signal_pipe();
  signal_pipe(const signal_pipe&) = delete;
  signal_pipe& operator=(const signal_pipe&) = delete;

  [[nodiscard]] int read_fd() const noexcept;
  [[nodiscard]] bool stop_requested() const noexcept;
  // Empties the pipe after a wake-up.
  void drain() noexcept;
};

}  // namespace clearway::daemon
