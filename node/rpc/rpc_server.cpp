#include "node/rpc/rpc_server.hpp"

#include <unistd.h>

#include "node/rpc/rpc_codec.hpp"
#include "node/rpc/rpc_frame.hpp"
#include "node/socket/nonblocking_io.hpp"

namespace clearway::node::rpc {

struct rpc_server::connection {
  unique_fd fd;
  std::string in;
  std::string out;
  bool busy = false;           // a request was handed out and is not answered yet
  bool close_after_write = false;
  bool dead = false;
  std::uint64_t last_activity_ms = 0;
};

rpc_server::rpc_server(unique_fd listener, std::string unix_path, rpc_server_limits limits)
    : listener_(std::move(listener)), unix_path_(std::move(unix_path)), limits_(limits) {}

rpc_server::rpc_server(rpc_server&&) noexcept = default;
rpc_server& rpc_server::operator=(rpc_server&&) noexcept = default;

rpc_server::~rpc_server() { close(); }

result<rpc_server, socket_setup_error> rpc_server::listen_unix(const std::string& path, rpc_server_limits limits) {
  auto fd = node::listen_unix(path, 0600);
  if (!fd) return fd.error();
  return rpc_server(std::move(fd).value(), path, limits);
}

result<rpc_server, socket_setup_error> rpc_server::listen_tcp(const config::host_port& address,
                                                              rpc_server_limits limits) {
  auto fd = node::listen_tcp(address);
  if (!fd) return fd.error();
  return rpc_server(std::move(fd).value(), "", limits);
}

std::uint16_t rpc_server::port() const noexcept { return unix_path_.empty() ? bound_port(listener_.get()) : 0; }

void rpc_server::add_pollfds(std::vector<pollfd>& fds) {
  fds.push_back(pollfd{listener_.get(), POLLIN, 0});
  polled_.clear();
  for (auto& [id, c] : connections_) {
    short events = 0;
    if (!c->busy && !c->close_after_write) events |= POLLIN;
    if (!c->out.empty()) events |= POLLOUT;
    fds.push_back(pollfd{c->fd.get(), events, 0});
    polled_.push_back(id);
  }
}

void rpc_server::on_poll(std::span<const pollfd> mine, std::uint64_t now_ms) {
  if (!listener_.valid() || mine.empty()) return;
  for (std::size_t i = 0; i + 1 < mine.size() && i < polled_.size(); ++i) {
    const auto it = connections_.find(polled_[i]);
    if (it != connections_.end()) serve(it->first, *it->second, mine[i + 1].revents, now_ms);
  }
  if ((mine[0].revents & POLLIN) != 0) accept_pending(now_ms);
  for (auto it = connections_.begin(); it != connections_.end();) {
    connection& c = *it->second;
    const bool idle_too_long = !c.busy && c.out.empty() && now_ms - c.last_activity_ms > limits_.idle_timeout_ms;
    const bool finished = c.close_after_write && c.out.empty() && !c.busy;
    it = (c.dead || idle_too_long || finished) ? connections_.erase(it) : std::next(it);
  }
}

void rpc_server::accept_pending(std::uint64_t now_ms) {
  for (;;) {
    unique_fd fd = accept_nonblocking(listener_.get());
    if (!fd.valid()) return;
    if (connections_.size() >= limits_.max_connections) continue;  // closed at once by unique_fd
    auto c = std::make_unique<connection>();
    c->fd = std::move(fd);
    c->last_activity_ms = now_ms;
    connections_.emplace(next_id_++, std::move(c));
  }
}

void rpc_server::serve(rpc_connection_id id, connection& c, short revents, std::uint64_t now_ms) {
  if (c.dead) return;
  if ((revents & (POLLIN | POLLHUP | POLLERR)) != 0 && !c.busy && !c.close_after_write) {
    // Never more than one frame (header + the largest body) is held.
    const io_outcome got = read_available(c.fd.get(), c.in, rpc_frame_header_bytes + max_rpc_frame_bytes);
    if (!c.in.empty()) c.last_activity_ms = now_ms;
    if (got != io_outcome::open) {
      // A client that closes its side before its answer gets none; one that sent a request and
      // half-closed still gets the answer queued below (write errors then end it).
      if (c.in.empty() && !c.busy) {
        c.dead = true;
        return;
      }
      c.close_after_write = true;
    }
  }
  // Frames already buffered (pipelined requests) are taken one at a time, each after the last answer.
  take_frames(id, c);
  if (!c.out.empty() && write_pending(c.fd.get(), c.out) == io_outcome::failed) c.dead = true;
  // Error or full hang-up: nothing more can be delivered (and POLLHUP would wake every poll).
  if ((revents & (POLLERR | POLLNVAL | POLLHUP)) != 0) c.dead = true;
}

void rpc_server::take_frames(rpc_connection_id id, connection& c) {
  if (c.busy || c.in.empty()) return;
  const auto split = split_frame(std::span(reinterpret_cast<const std::uint8_t*>(c.in.data()), c.in.size()));
  if (!split) {
    // The length alone is wrong: answer with its name, then close (the stream cannot be resynced).
    c.out += [&] {
      auto frame = encode_frame(encode_error(std::nullopt, static_cast<int>(split.error()), to_string(split.error()),
                                             "bad frame length"));
      return std::string(frame->begin(), frame->end());
    }();
    c.in.clear();
    c.close_after_write = true;
    return;
  }
  if (!split.value()) return;  // more bytes needed
  const std::string body(split.value()->body);
  c.in.erase(0, split.value()->consumed);
  c.busy = true;
  if (handler_) handler_(id, body);
}

bool rpc_server::respond(rpc_connection_id id, std::string_view body) {
  const auto it = connections_.find(id);
  if (it == connections_.end() || it->second->dead) return false;
  connection& c = *it->second;
  auto frame = encode_frame(body);
  if (!frame) {
    auto err = encode_frame(encode_error(std::nullopt, static_cast<int>(frame.error()), to_string(frame.error()),
                                         "the answer does not fit in one frame"));
    frame = std::move(err);
  }
  if (c.out.size() + frame->size() > limits_.max_unsent_bytes) {
    c.dead = true;
    return false;
  }
  c.out.append(frame->begin(), frame->end());
  c.busy = false;
  return true;
}

void rpc_server::close() {
  connections_.clear();
  polled_.clear();
  if (listener_.valid()) {
    listener_.reset();
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
  }
}

}  // namespace clearway::node::rpc
