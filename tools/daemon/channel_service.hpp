// clearwayd's channel layer: node/channels' state machine behind the channel RPC methods, fed by
// the peer connections and a timer, with the store in between. The order that makes kill -9 safe:
// inputs change the state; flush() writes every change in one group commit (one fsync); only
// then do the messages that depend on it go to the peers. If the commit fails, nothing is sent
// and the daemon must stop (its memory is ahead of its disk).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "node/channels/channel_store_sync.hpp"
#include "node/channels/node_channels.hpp"
#include "node/metrics/node_metrics.hpp"
#include "node/store/store.hpp"
#include "tools/daemon/channel_layer.hpp"

namespace clearway::daemon {

// How the channel layer reaches peers (the daemon's peer table).
class peer_link {
 public:
  virtual ~peer_link() = default;
  enum class send_outcome { sent, busy, not_connected };
  // Queues a message to a connected peer: busy when its output buffer is full (try again after
  // the socket drained), not_connected when there is no ready connection.
  [[nodiscard]] virtual send_outcome send_to(const node::transport::node_id& peer,
                                             const node::transport::wire_message& m) = 0;
};

struct channel_service_clock {
  std::function<std::uint64_t()> now_s;   // chain-comparable wall time for time locks
  std::function<double()> monotonic_s;    // for latencies
  std::function<bytes32()> random32;      // preimages
};

class channel_service final : public channel_layer {
 public:
  // `fatal` is called when a group commit fails (memory ahead of disk): it must not return.
  channel_service(node::channels::node_channels& node, node::store& db, peer_link& peers,
                  node::metrics::node_metrics& metrics, channel_service_clock clock,
                  std::function<void(const std::string&)> fatal);

  // ---- channel_layer ----
  void openchannel(const node::rpc::openchannel_params& params, method_reply reply) override;
  void closechannel(const node::rpc::closechannel_params& params, method_reply reply) override;
  void listchannels(const node::rpc::listchannels_params& params, method_reply reply) override;
  void listhtlcs(const node::rpc::listhtlcs_params& params, method_reply reply) override;
  void invoice(const node::rpc::invoice_params& params, method_reply reply) override;
  void releasehold(const node::rpc::releasehold_params& params, method_reply reply) override;
  void cancelhold(const node::rpc::cancelhold_params& params, method_reply reply) override;
  void pay(const node::rpc::pay_params& params, method_reply reply) override;
  void listforwards(const node::rpc::listforwards_params& params, method_reply reply) override;
  void setpolicy(const node::rpc::setpolicy_params& params, method_reply reply) override;

  // ---- the poll loop ----
  void on_peer_ready(const node::transport::node_id& peer);
  void on_peer_message(const node::transport::node_id& from, const node::transport::wire_message& m);
  // The watcher, on a timer.
  void on_tick();
  // Persists what changed, then sends; answers pay requests whose payment finished. If the store
  // refuses the commit nothing is sent and `fatal` stops the daemon.
  void flush();
  [[nodiscard]] std::uint64_t refused_messages() const noexcept { return refused_messages_; }

 private:
  void finish_payments();
  // Answers once what the method changed is on disk (an invoice handed out must survive a crash).
  void reply_durable(const method_reply& reply, nlohmann::json result);
  void note_forwards(const std::vector<node::channels::forward_summary>& forwards);

  node::channels::node_channels& node_;
  node::store& db_;
  peer_link& peers_;
  node::metrics::node_metrics& metrics_;
  channel_service_clock clock_;
  std::function<void(const std::string&)> fatal_;
  struct waiting_payment {
    method_reply reply;
    double started_s = 0;
  };
  std::map<bytes32, std::vector<waiting_payment>> waiting_;
  // Forwards offered and not yet resolved, by incoming HTLC: when they were offered.
  std::map<std::pair<node::transport::channel_id, protocol::htlc_id>, double> forward_started_s_;
  std::uint64_t refused_messages_ = 0;
  // Messages a peer's full output buffer could not take yet, in order. Dropped when the peer is
  // not connected: the channel resends what was lost through reestablish when it is back.
  std::map<node::transport::node_id, std::deque<node::transport::wire_message>> unsent_;
  void send_queued();
};

}  // namespace clearway::daemon
