#include "tools/daemon/reconnector.hpp"

#include <algorithm>

namespace clearway::daemon {

void reconnector::remember(const target& t, std::uint64_t now_ms) {
  entry& e = entries_[t.node];
  e.t = t;
  if (!e.connected && !e.dialling) e.due_ms = now_ms;
}

void reconnector::on_connected(const node::transport::node_id& node) {
  auto it = entries_.find(node);
  if (it == entries_.end()) return;
  it->second.connected = true;
  it->second.dialling = false;
  it->second.delay_ms = reconnect_first_delay_ms;
}

void reconnector::on_disconnected(const node::transport::node_id& node, std::uint64_t now_ms) {
  auto it = entries_.find(node);
  if (it == entries_.end()) return;
  it->second.connected = false;
  if (!it->second.dialling) it->second.due_ms = now_ms + it->second.delay_ms;
}

void reconnector::on_attempt_failed(const node::transport::node_id& node, std::uint64_t now_ms) {
  auto it = entries_.find(node);
  if (it == entries_.end()) return;
  entry& e = it->second;
  e.dialling = false;
  if (e.connected) return;  // the peer dialled us meanwhile
  e.due_ms = now_ms + e.delay_ms;
  e.delay_ms = std::min(e.delay_ms * 2, reconnect_max_delay_ms);
}

std::vector<reconnector::target> reconnector::take_due(std::uint64_t now_ms) {
  std::vector<target> out;
  for (auto& [node, e] : entries_) {
    if (e.connected || e.dialling || e.due_ms > now_ms) continue;
    e.dialling = true;
    out.push_back(e.t);
  }
  return out;
}

}  // namespace clearway::daemon
