#include "tools/daemon/peer_table.hpp"

#include <unistd.h>

#include <algorithm>

#include "node/socket/local_socket.hpp"

namespace clearway::daemon {

namespace transport = node::transport;

struct peer_table::entry {
  std::unique_ptr<transport::peer_connection> conn;
  bool outbound = false;
  std::string address;
  bool announced = false;  // became ready (both inits exchanged)
  bool lost_reported = false;  // the disconnect handler heard of its end
  std::int64_t connected_since_unix_s = 0;
  method_reply pending;    // an RPC connect waiting for this connection
};

peer_table::peer_table(crypto::secret_key identity, transport::peer_limits limits, node::metrics::node_metrics& metrics)
    : identity_(identity), local_id_(transport::node_id_of(identity)), limits_(limits), metrics_(metrics) {
  // Every disconnect reason is a series from the start, at zero.
  for (int r = static_cast<int>(transport::disconnect_reason::handshake_failed);
       r <= static_cast<int>(transport::disconnect_reason::local_close); ++r) {
    metrics_.peer_disconnected(transport::to_string(static_cast<transport::disconnect_reason>(r)), 0);
  }
}

peer_table::~peer_table() { close_all(); }

void peer_table::add_inbound(int fd) {
  if (entries_.size() >= max_peer_connections) {
    ::close(fd);
    ++refused_connections_;
    return;
  }
  auto e = std::make_unique<entry>();
  e->address = node::peer_address(fd);
  e->conn = transport::peer_connection::accept(fd, identity_, transport::init_message{}, limits_);
  entries_.push_back(std::move(e));
}

void peer_table::connect(const transport::node_id& remote, const std::string& ipv4, std::uint16_t port,
                         method_reply reply) {
  if (remote == local_id_) {
    reply(method_failure::of(method_error::connect_to_self, "the node id is this node's own"));
    return;
  }
  for (const auto& e : entries_) {
    if (e->announced && !e->conn->closed() && e->conn->session().remote_node() == remote) {
      nlohmann::json out = describe(*e);
      out["already_connected"] = true;
      reply(std::move(out));
      return;
    }
  }
  auto conn = transport::peer_connection::connect(ipv4, port, identity_, remote, transport::init_message{}, limits_);
  if (!conn) {
    reply(method_failure::of(method_error::connect_failed, std::string(transport::to_string(conn.error()))));
    return;
  }
  auto e = std::make_unique<entry>();
  e->conn = std::move(conn).value();
  e->outbound = true;
  e->address = ipv4 + ":" + std::to_string(port);
  e->pending = std::move(reply);
  entries_.push_back(std::move(e));
}

void peer_table::add_pollfds(std::vector<pollfd>& fds) const {
  for (const auto& e : entries_) fds.push_back(pollfd{e->conn->fd(), e->conn->wanted_events(), 0});
}

void peer_table::on_poll(std::span<const pollfd> mine) {
  for (std::size_t i = 0; i < mine.size() && i < entries_.size(); ++i) {
    if (mine[i].revents != 0) {
      entries_[i]->conn->on_poll(mine[i].revents);
    } else {
      entries_[i]->conn->on_tick();
    }
  }
}

void peer_table::sweep(std::int64_t now_unix_s) {
  // By index, over the entries present at the start: a handler may call connect(), which appends.
  const std::size_t present = entries_.size();
  for (std::size_t i = 0; i < present; ++i) {
    entry& e = *entries_[i];
    auto& conn = *e.conn;
    if (!e.announced && conn.ready()) {
      e.announced = true;
      e.connected_since_unix_s = now_unix_s;
      // One connection per node: the newer replaces an older one (a reconnect after a restart).
      for (std::size_t j = 0; j < present; ++j) {
        entry& other = *entries_[j];
        if (j != i && other.announced && !other.conn->closed() &&
            other.conn->session().remote_node() == conn.session().remote_node()) {
          other.conn->close(transport::disconnect_reason::local_close);
          other.lost_reported = true;
          if (on_disconnect_) on_disconnect_(*conn.session().remote_node());
        }
      }
      if (e.pending) std::exchange(e.pending, {})(describe(e));
      if (on_ready_ && conn.session().remote_node()) on_ready_(*conn.session().remote_node());
    }
    for (auto& message : conn.take_inbox()) {
      const auto from = conn.session().remote_node();
      if (on_message_ && conn.ready() && from) {
        on_message_(*from, std::move(message));
      } else {
        ++dropped_messages_;
      }
    }
  }
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i]->conn->closed()) finish(*entries_[i]);
  }
  std::erase_if(entries_, [](const auto& e) { return e->conn->closed(); });
  metrics_.set_peers_connected(static_cast<std::int64_t>(ready_count()));
}

void peer_table::finish(entry& e) {
  const auto reason = e.conn->reason().value_or(transport::disconnect_reason::local_close);
  metrics_.peer_disconnected(transport::to_string(reason));
  if (e.announced && !e.lost_reported && on_disconnect_) {
    e.lost_reported = true;
    if (const auto remote = e.conn->session().remote_node()) on_disconnect_(*remote);
  }
  if (!e.pending) return;
  // A responder that cannot open act one (it is not the node we named) closes without a word, so
  // the initiator sees the stream end inside act two.
  const bool closed_in_handshake =
      !e.announced && (reason == transport::disconnect_reason::truncated_stream ||
                       (reason == transport::disconnect_reason::peer_closed && e.conn->bytes_received() == 0));
  const auto named = closed_in_handshake ? transport::disconnect_reason::handshake_failed : reason;
  std::string message = closed_in_handshake
                            ? "the peer closed the connection during the handshake (" +
                                  std::string(transport::to_string(reason)) +
                                  "): the node id does not belong to the node at that address"
                            : "the connection ended before init was exchanged";
  std::exchange(e.pending, {})(method_failure{200 + static_cast<int>(named), std::string(transport::to_string(named)),
                                              std::move(message)});
}

status<transport::disconnect_reason> peer_table::send_to(const transport::node_id& to,
                                                         const transport::wire_message& message) {
  for (auto& e : entries_) {
    if (e->announced && e->conn->ready() && e->conn->session().remote_node() == to) return e->conn->send(message);
  }
  return transport::disconnect_reason::local_close;
}

bool peer_table::is_connected(const transport::node_id& peer) const noexcept {
  return std::any_of(entries_.begin(), entries_.end(), [&](const auto& e) {
    return e->announced && e->conn->ready() && e->conn->session().remote_node() == peer;
  });
}

std::size_t peer_table::ready_count() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const auto& e) { return e->announced && e->conn->ready(); }));
}

nlohmann::json peer_table::describe(const entry& e) {
  const auto remote = e.conn->session().remote_node();
  return nlohmann::json{
      {"node_id", remote ? to_hex(*remote) : std::string()},
      {"address", e.address},
      {"direction", e.outbound ? "out" : "in"},
      {"connected_since_unix_s", e.connected_since_unix_s},
      {"bytes_in", e.conn->bytes_received()},
      {"bytes_out", e.conn->bytes_sent()},
  };
}

nlohmann::json peer_table::list() const {
  nlohmann::json peers = nlohmann::json::array();
  for (const auto& e : entries_) {
    if (e->announced && e->conn->ready()) peers.push_back(describe(*e));
  }
  return nlohmann::json{{"peers", std::move(peers)}};
}

void peer_table::close_all() {
  // Taken out first: a reply may call back into this table.
  auto closing = std::move(entries_);
  entries_.clear();
  for (auto& e : closing) {
    if (e->pending) std::exchange(e->pending, {})(method_failure::of(method_error::shutting_down, "clearwayd is stopping"));
    e->conn->close(transport::disconnect_reason::local_close);
  }
}

}  // namespace clearway::daemon
