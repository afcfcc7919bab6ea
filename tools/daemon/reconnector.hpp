// Which peers clearwayd dials again, and when. Every peer it reached with an outbound connect is
// remembered (in the store) and dialled at start and whenever its connection drops; while the
// attempts fail the wait doubles from 1 s up to 60 s. Pure: the daemon passes the time in and
// makes the connects.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "node/transport/noise_primitives.hpp"

namespace clearway::daemon {

inline constexpr std::uint64_t reconnect_first_delay_ms = 1'000;
inline constexpr std::uint64_t reconnect_max_delay_ms = 60'000;

class reconnector {
 public:
  struct target {
    node::transport::node_id node;
    std::string host;
    std::uint16_t port = 0;
  };

  // A known address (from the store at start, or a connect that just succeeded). Due at once
  // unless the peer is connected.
  void remember(const target& t, std::uint64_t now_ms);
  void on_connected(const node::transport::node_id& node);
  // Dialled again after the current wait.
  void on_disconnected(const node::transport::node_id& node, std::uint64_t now_ms);
  // The dial failed: the wait doubles.
  void on_attempt_failed(const node::transport::node_id& node, std::uint64_t now_ms);
  // The peers to dial now; each is then in progress until on_connected or on_attempt_failed.
  [[nodiscard]] std::vector<target> take_due(std::uint64_t now_ms);

 private:
  struct entry {
    target t;
    bool connected = false;
    bool dialling = false;
    std::uint64_t due_ms = 0;
    std::uint64_t delay_ms = reconnect_first_delay_ms;
  };
  std::map<node::transport::node_id, entry> entries_;
};

}  // namespace clearway::daemon
