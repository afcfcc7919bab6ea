// The values the actors exchange besides the protocol's own wire messages. In-process only: they
// are whitelisted as unsafe (unserialisable) CAF message types in interfaces.hpp and never cross a
// process boundary (between untrusted peers the daemon speaks protocol/codec.hpp instead).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include "actors/interfaces.hpp"
#include "actors/runtime.hpp"
#include "base/bytes.hpp"
#include "chain/bank_types.hpp"
#include "chain/watcher.hpp"
#include "crypto/keys.hpp"
#include "crypto/signature.hpp"
#include "protocol/amount.hpp"
#include "protocol/channel_events.hpp"
#include "protocol/commitment.hpp"
#include "protocol/messages.hpp"
#include "routing/graph_snapshot.hpp"
#include "routing/route.hpp"

namespace clearway::actors {

using protocol::amount;
using crypto::signature;

struct payment_record;  // engine-side bookkeeping of one payment (network.hpp)

// The route of one payment attempt, shared read-only by every hop (the in-process stand-in for
// Lightning's onion: each node reads only its own hop and the next).
struct route_plan {
  std::uint64_t payment_id = 0;
  std::uint32_t attempt = 0;
  bytes32 hash_lock;
  std::vector<routing::route_hop> hops;
  payment_record* record = nullptr;  // where channel ends count the hop outcomes (audit)
};
using plan_ptr = std::shared_ptr<const route_plan>;

// Rides beside an add_htlc: the HTLC carried on plan->hops[hop].
struct onion {
  plan_ptr plan;
  std::uint32_t hop = 0;
};

// Rides beside a fail_htlc back to the payer: why and where the attempt failed.
struct failure_info {
  protocol::fail_reason reason = protocol::fail_reason::temporary_failure;
  std::uint32_t hop = 0;  // index in the plan of the channel that refused or failed
  bool from_payee = false;
  bool cancelled = false;  // the payee cancelled a hold invoice
};

// One protocol message between the two ends of a channel plus its side-car.
struct peer_envelope {
  protocol::message msg;
  onion route;           // with add_htlc
  failure_info failure;  // with fail_htlc
};

// Everything one channel end sends its peer in one go: proposals, then at most one round step.
struct peer_batch {
  std::vector<peer_envelope> items;
};

// Ask a channel end to offer an HTLC to its peer; `owner` hears what becomes of it.
struct htlc_offer {
  amount value;
  bytes32 hash_lock;
  std::uint64_t time_lock_s = 0;
  onion route;
  htlc_owner_actor owner;
  std::uint64_t owner_token = 0;
};

enum class htlc_update_kind : std::uint8_t {
  offer_refused,  // the channel end could not even propose it (failure.reason says why)
  fulfilled,      // the preimage is known: the peer proposed a fulfil (or claimed it on the bank)
  failed,         // irrevocably failed, refunded on the bank, or void in the cashed commitment
};

// What a channel end tells the owner of an HTLC it offered (the payment or htlc actor): exactly
// one update per HTLC, so the owner may quit as soon as it has it. `fulfilled` comes when the peer
// proposes the fulfil, before it is irrevocable: from then on the HTLC is the peer's whatever
// happens (it can claim it on the bank with the preimage), and the owner can settle upstream at
// once, which is what makes the backward phase take one tick however long the path.
struct htlc_update {
  htlc_update_kind kind = htlc_update_kind::failed;
  std::uint64_t owner_token = 0;
  bytes32 preimage;
  failure_info failure;
};

// What a payee's htlc actor asks its node about an incoming final HTLC.
struct claim_query {
  bytes32 hash_lock;
  amount value;
  std::uint64_t time_lock_s = 0;
  htlc_actor htlc;
  std::uint64_t token = 0;  // echoed in the reply
};
enum class claim_verdict : std::uint8_t { settle, hold, reject };
struct claim_reply {
  claim_verdict verdict = claim_verdict::reject;
  bytes32 preimage;
  protocol::fail_reason reason = protocol::fail_reason::unknown_payment_hash;
  bool cancelled = false;
  std::uint64_t token = 0;
};

// The payment a payment actor is started for (CAF refuses raw pointers in messages).
struct payment_ref {
  payment_record* record = nullptr;
};

// The incoming HTLC an htlc actor is started for.
struct incoming_htlc {
  std::uint32_t channel = 0;
  protocol::party side = protocol::party::zero;  // our side of the incoming channel
  std::uint64_t id = 0;
  protocol::htlc_terms terms;
  onion route;
};

// An invoice as the payee's node stores it.
struct invoice_entry {
  bytes32 hash_lock;
  bytes32 preimage;
  amount value;
  bool hold = false;
};

// A route search request from a payment actor; the answer goes to reply_to.
struct route_query {
  routing::node_index source;
  routing::node_index target;
  amount value;
  std::uint64_t now_s = 0;
  std::vector<routing::channel_index> excluded;
  payment_actor reply_to;
  std::uint64_t token = 0;  // echoed in the answer
};
struct route_answer {
  std::optional<routing::route> found;
  routing::route_error error = routing::route_error::no_route;
  std::uint64_t token = 0;
};

// What the scorer learns from one attempt.
struct route_outcome {
  routing::route route;
  bool success = false;
  std::uint32_t failed_hop = 0;
  bool liquidity_failure = false;  // the failing hop lacked balance (not a policy or node problem)
  std::uint64_t now_s = 0;
};

// A channel end handing its watch record to the watcher (it goes, or is forced, on chain).
struct watch_request {
  std::uint32_t channel = 0;
  protocol::party side = protocol::party::zero;
  chain::watch_record record;
  bool close_requested = false;
};

// What the watcher reports to a channel end about its bank after the bank was cashed.
struct chain_report {
  bool cashed = false;
  bool closed = false;
  std::uint64_t now_s = 0;
  std::vector<chain::bank_htlc> htlcs;  // of the cashed commitment
  std::vector<std::pair<bytes32, bytes32>> preimages;  // hash lock -> preimage revealed on the bank
};

// A channel end's state as the engine's audit reads it.
struct channel_report {
  bool open = false;
  bool on_chain = false;
  bool idle = false;  // no round outstanding, nothing uncovered
  std::uint32_t sequence = 0;
  std::array<amount, 2> balances{};
  std::vector<protocol::htlc_view> htlcs;           // every HTLC not yet irrevocably removed
  std::vector<protocol::htlc_terms> committed_htlcs;  // those in the latest signed commitment
  std::optional<protocol::close_result> close;
  std::uint64_t memory_bytes = 0;
};

// A commit signature check for the verifier pool: the peer's public key makes it one recovery.
struct verify_job {
  signature sig;
  bytes32 msg_hash;
  crypto::public_key signer;
  std::uint64_t token = 0;
  channel_actor reply_to;
};

}  // namespace clearway::actors

// In-process payloads: no serialisation needed (see the top of this file).
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::peer_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::htlc_offer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::htlc_update)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::failure_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::claim_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::claim_reply)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::invoice_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::route_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::route_answer)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::route_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::watch_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::chain_report)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::report_slot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::verify_job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::work_ticket)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::snapshot_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::incoming_htlc)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::actors::payment_ref)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(clearway::bytes32)
