// The daemon's channel layer: every channel of one node with its peers, as one deterministic state
// machine. It opens channels on the bank, runs PROTOCOL.md §6 rounds over peer messages, forwards
// HTLCs under the node's policy (§7: only after the incoming one is irrevocably committed, only
// with its fee and time-lock delta), settles invoices (also hold invoices) and pays them.
//
// No I/O, threads or clock: peer messages, RPC-like calls and the time come in as arguments; what
// must go to peers comes out of take_outbox(); chain calls go through the bank_backend and
// bank_finder interfaces the caller passes (embedded ledger in tests, the EVM backend in clearwayd).
// Every signature is made and checked for real (protocol::channel does it). A refused call or
// message returns a named node_failure and changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "chain/bank.hpp"
#include "crypto/keys.hpp"
#include "node/channels/invoice.hpp"
#include "node/channels/node_errors.hpp"
#include "node/transport/wire_messages.hpp"
#include "protocol/channel.hpp"

namespace clearway::node::channels {

// Finds the bank a peer's open_channel names (the EVM backend learns a bank by its address).
class bank_finder {
 public:
  virtual ~bank_finder() = default;
  [[nodiscard]] virtual result<chain::bank_id, chain::error> find(const crypto::address& bank_address) = 0;
};

struct node_settings {
  protocol::amount fee_base = protocol::amount::from_base_units(1000);
  std::uint32_t fee_ppm = 1;
  std::uint64_t time_lock_delta_s = 3600;  // kept between an incoming HTLC and the one we forward
  protocol::amount min_htlc = protocol::amount::from_base_units(1000);
  protocol::amount max_htlc = protocol::amount::from_base_units(10'000'000'000);
  std::uint32_t max_accepted_htlcs = 483;  // HTLCs we keep offered on one channel at once when forwarding
  protocol::amount max_value_in_flight = protocol::amount::from_base_units(100'000'000'000);
  std::uint64_t final_delta_s = 3600;      // what our invoices ask for
  std::uint64_t freeze_time_s = 24 * 3600;
  std::uint64_t funding_timeout_s = 24 * 3600;
  protocol::amount max_accept_deposit = protocol::amount::from_base_units(1'000'000'000'000);
  std::uint32_t invoice_expiry_s = 3600;
};

struct outbound {
  node_id peer;
  transport::wire_message message;
};

struct channel_summary {
  channel_id id;
  node_id peer;
  chain::bank_id bank;
  crypto::address bank_address;
  protocol::party side = protocol::party::zero;
  bool open = false;
  protocol::amount own_balance;   // base balance in our latest signed commitment
  protocol::amount peer_balance;
  protocol::amount own_available;  // what we can still offer (after pending proposals)
  std::uint32_t sequence = 0;
  std::size_t htlcs = 0;
};

enum class payment_state : std::uint8_t { pending, succeeded, failed };
struct payment_summary {
  bytes32 payment_hash;
  protocol::amount value;
  protocol::amount fee;
  payment_state state = payment_state::pending;
  std::optional<protocol::fail_reason> reason;
  std::optional<bytes32> preimage;
  std::uint64_t created_s = 0;
  std::uint64_t updated_s = 0;
};

enum class forward_state : std::uint8_t { offered, settled, failed };
struct forward_summary {
  channel_id in_channel;
  protocol::htlc_id in_htlc = 0;
  channel_id out_channel;
  std::optional<protocol::htlc_id> out_htlc;  // unset if the outgoing HTLC could not be offered
  bytes32 hash_lock;
  protocol::amount in_value;
  protocol::amount out_value;
  forward_state state = forward_state::offered;
  std::optional<protocol::fail_reason> reason;
  std::optional<bytes32> preimage;
  std::uint64_t updated_s = 0;
};

enum class invoice_state : std::uint8_t { open, accepted, settled, cancelled };
struct invoice_summary {
  bytes32 payment_hash;
  protocol::amount value;
  bool hold = false;
  invoice_state state = invoice_state::open;
  std::optional<bytes32> preimage;  // unknown for a hold invoice until released
  std::uint64_t created_s = 0;
  std::uint32_t expiry_s = 0;
};

// What changed since the last take_changes(): the daemon writes all of it in one store batch
// (one fsync) before it sends anything from take_outbox().
struct node_changes {
  std::vector<channel_id> channels;
  std::vector<bytes32> invoices;
  std::vector<bytes32> payments;
  std::vector<forward_summary> forwards;  // resolved ones leave the node's memory with this call
  [[nodiscard]] bool empty() const noexcept {
    return channels.empty() && invoices.empty() && payments.empty() && forwards.empty();
  }
};

class node_channels {
 public:
  // `seed` makes every channel's revocation seed (never reuse it across nodes).
  node_channels(const crypto::key_pair& identity, const bytes32& seed, const node_settings& settings,
                chain::bank_backend& bank, bank_finder& finder);
  ~node_channels();
  node_channels(const node_channels&) = delete;
  node_channels& operator=(const node_channels&) = delete;

  [[nodiscard]] const node_id& id() const noexcept { return id_; }

  // Creates the bank on chain with both deposits, pays ours and sends open_channel.
  [[nodiscard]] result<channel_id, node_failure> open_channel(const node_id& peer, protocol::amount own_deposit,
                                                             protocol::amount peer_deposit);

  // A new invoice. Without `hold_hash` the node picks the preimage (from `preimage_material`);
  // with it, it is a hold invoice the caller settles with release_hold(preimage).
  // expiry_s 0: the node's invoice_expiry_s.
  [[nodiscard]] result<std::string, node_failure> create_invoice(protocol::amount value, const bytes32& preimage_material,
                                                                 std::optional<bytes32> hold_hash,
                                                                 std::uint64_t now_s, std::uint32_t expiry_s = 0);
  [[nodiscard]] status<node_failure> release_hold(const bytes32& preimage, std::uint64_t now_s);
  [[nodiscard]] status<node_failure> cancel_hold(const bytes32& payment_hash, std::uint64_t now_s);

  // Cooperative close (both sign the latest balances; needs no HTLC pending), or with `force` a
  // unilateral one: our latest signed commitment goes to the bank at the next watch().
  [[nodiscard]] status<node_failure> close_channel(const channel_id& id, bool force);

  // The watcher (PROTOCOL.md §8) over every channel, on the bank's current state: punishes a
  // revoked commitment the peer cashed, claims HTLCs we know the preimage of, withdraws after the
  // freeze, and goes on chain when asked to (force close) or when an HTLC we can claim nears its
  // time lock. Idempotent: call it on every new block or timer tick.
  struct watch_action {
    channel_id channel;
    std::string_view call;               // "cash", "punish", "claim_htlc", "withdraw", ...
    std::optional<chain::error> error;   // the bank refused it
  };
  [[nodiscard]] std::vector<watch_action> watch(std::uint64_t now_s);

  // Pays an invoice over a channel to the payee or through one of its route hints.
  // With max_fee, routes that cost more are not tried (fee_too_high if that leaves none).
  [[nodiscard]] result<bytes32, node_failure> pay(const invoice& inv, std::uint64_t now_s,
                                                 std::optional<protocol::amount> max_fee = std::nullopt);

  // A message from an authenticated peer (the transport names it).
  [[nodiscard]] status<node_failure> on_message(const node_id& from, const transport::wire_message& msg,
                                                std::uint64_t now_s);

  [[nodiscard]] std::vector<outbound> take_outbox();
  [[nodiscard]] node_changes take_changes();

  // A peer (re)connected: each channel with it sends its reestablish (if the connection was lost
  // or we restarted) and our policy again.
  void on_peer_connected(const node_id& peer, std::uint64_t now_s);
  // The connection to a peer is gone: messages in flight may be lost either way, so each channel
  // with it waits for a reestablish before it moves again (docs/reestablish.md).
  void on_peer_disconnected(const node_id& peer);
  // A new forwarding policy for the whole node, announced again to every peer.
  void set_policy(const node_settings& settings, std::uint64_t now_s);

  // ---- restart: feed back what the store holds, then finish_restore() ----
  [[nodiscard]] status<node_failure> restore_channel(protocol::channel chan);
  void restore_invoice(const invoice_summary& inv);
  void restore_payment(const payment_summary& p);
  void restore_forward(const forward_summary& f);
  // An incoming HTLC whose fulfil (preimage) or fail was decided before the restart but had not
  // reached the peer: proposed again once the channel is back.
  using resolution = std::variant<bytes32, protocol::fail_reason>;
  void restore_resolution(const channel_id& channel, protocol::htlc_id htlc, resolution r);
  // Links HTLCs we offered back to their payments and forwards, and hold invoices to their HTLCs.
  void finish_restore(std::uint64_t now_s);

  [[nodiscard]] std::vector<channel_summary> channels() const;
  [[nodiscard]] std::optional<channel_summary> channel(const channel_id& id) const;
  [[nodiscard]] std::optional<payment_summary> payment(const bytes32& payment_hash) const;
  [[nodiscard]] std::optional<invoice_summary> invoice_status(const bytes32& payment_hash) const;
  [[nodiscard]] std::vector<invoice_summary> invoices() const;
  [[nodiscard]] std::vector<payment_summary> payments() const;
  // Forwards in memory: unresolved ones, and resolved ones not yet handed out by take_changes()
  // (after that they live only in the store: listforwards reads it there).
  [[nodiscard]] std::vector<forward_summary> forwards() const;
  [[nodiscard]] const node_settings& settings() const noexcept { return settings_; }
  // The channel's bank as the chain shows it now (one read of the chain).
  [[nodiscard]] result<chain::bank_view, chain::error> bank_view_of(const channel_id& id) const;
  // The protocol state of a channel (for the store, the watcher and tests).
  [[nodiscard]] const protocol::channel* protocol_channel(const channel_id& id) const;

 private:
  struct channel_record;
  struct htlc_key {
    channel_id channel;
    protocol::htlc_id htlc = 0;
    friend auto operator<=>(const htlc_key&, const htlc_key&) = default;
  };
  struct forward_link {
    std::uint64_t forward = 0;  // key in forwards_
    htlc_key incoming;
  };
  using upstream = std::variant<bytes32 /* our payment's hash */, forward_link>;
  struct invoice_record {
    invoice_summary summary;
    std::vector<htlc_key> held;  // incoming HTLCs waiting for release (hold invoices)
  };

  [[nodiscard]] channel_record* find(const channel_id& id);
  [[nodiscard]] const channel_record* find(const channel_id& id) const;
  void send(const channel_record& c, protocol::message m);
  [[nodiscard]] status<node_failure> on_channel_message(channel_record& c, const protocol::message& m,
                                                        std::uint64_t now_s);
  [[nodiscard]] status<node_failure> on_open(const node_id& from, const channel_id& id,
                                             const protocol::open_channel& m);
  [[nodiscard]] status<node_failure> create_protocol_channel(channel_record& c,
                                                             std::span<const crypto::address> peer_locks);
  // Offers an HTLC on `c` with its route, remembering who is upstream.
  [[nodiscard]] result<protocol::htlc_id, protocol::channel_error> offer(channel_record& c, protocol::amount value,
                                                      const bytes32& hash_lock, std::uint64_t time_lock_s,
                                                      std::vector<transport::route_hop> hops, upstream up,
                                                      std::uint64_t now_s);
  // Drains the channel's events and acts on them; starts a round if proposals wait.
  void pump(channel_record& c, std::uint64_t now_s);
  void on_locked_in(channel_record& c, const protocol::htlc_locked_in& e, std::uint64_t now_s);
  void on_offered_resolved(const htlc_key& key, std::optional<bytes32> preimage, protocol::fail_reason reason,
                           std::uint64_t now_s);
  // Proposes the fulfil or fail of an incoming HTLC (kept for later while its channel reestablishes).
  void resolve_incoming(const htlc_key& key, const resolution& r);
  void retry_resolutions(channel_record& c);

  crypto::key_pair identity_;
  node_id id_;
  bytes32 seed_;
  node_settings settings_;
  chain::bank_backend& bank_;
  bank_finder& finder_;
  std::map<channel_id, std::unique_ptr<channel_record>> channels_;
  std::map<htlc_key, upstream> offered_;  // HTLCs we offered, by (channel, our proposal id)
  // Fulfils and fails of incoming HTLCs waiting for their channel's reestablish.
  std::map<htlc_key, resolution> pending_resolutions_;
  // Routes of HTLCs we offered, until they lock in: resent with an add_htlc lost in flight.
  std::map<htlc_key, std::vector<transport::route_hop>> sent_routes_;
  std::map<bytes32, invoice_record> invoices_;
  std::map<bytes32, payment_summary> payments_;
  std::map<std::uint64_t, forward_summary> forwards_;
  std::uint64_t next_forward_ = 0;
  std::vector<outbound> outbox_;
  std::set<channel_id> changed_channels_;
  std::set<bytes32> changed_invoices_;
  std::set<bytes32> changed_payments_;
  std::set<std::uint64_t> changed_forwards_;
};

}  // namespace clearway::node::channels
