#include "tools/daemon/signal_pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <csignal>

namespace clearway::daemon {
namespace {

volatile std::sig_atomic_t stop_flag = 0;
int pipe_fds[2] = {-1, -1};

extern "C" void on_stop_signal(int) {
  stop_flag = 1;
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(pipe_fds[1], &byte, 1);  // async-signal-safe; full pipe = already woken
}

}  // namespace

signal_pipe::signal_pipe() {
  if (::pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) != 0) pipe_fds[0] = pipe_fds[1] = -1;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

signal_pipe::~signal_pipe() {
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  for (int& fd : pipe_fds) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

int signal_pipe::read_fd() const noexcept { return pipe_fds[0]; }
bool signal_pipe::stop_requested() const noexcept { return stop_flag != 0; }

void signal_pipe::drain() noexcept {
  char buf[64];
  while (::read(pipe_fds[0], buf, sizeof buf) > 0) {
  }
}

}  // namespace clearway::daemon
