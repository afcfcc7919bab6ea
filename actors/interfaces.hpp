// Every actor's interface, as a CAF 0.17 typed_actor alias, in one place (VAST style): one comment
// per message. No actor reaches into another's state; they only exchange these messages.
//
// Delivery: CAF keeps the order of messages between one sender and one receiver, which the
// channel protocol relies on (a commit covers the proposals the initiator sent before it).
// Accounting: every message that is "work" is counted by the sender (runtime.hpp: work_tracker)
// and uncounted by the receiver's handler, so the simulation driver knows when a tick is over.
#pragma once

#include <caf/atom.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <memory>
#include <optional>

#include "base/bytes.hpp"

namespace clearway::routing {
class graph_snapshot;
}

namespace clearway::actors {

// ---- payloads (defined in messages.hpp) ----
struct peer_batch;
struct htlc_offer;
struct htlc_update;
struct failure_info;
struct claim_query;
struct claim_reply;
struct invoice_entry;
struct route_query;
struct route_answer;
struct route_outcome;
struct watch_request;
struct chain_report;
struct channel_report;
struct verify_job;
struct incoming_htlc;
struct payment_record;
struct payment_ref;
class work_ticket;
using report_slot = std::shared_ptr<std::optional<channel_report>>;
using snapshot_ptr = std::shared_ptr<const routing::graph_snapshot>;

// ---- atoms (CAF 0.17: at most 10 characters) ----
using open_atom = caf::atom_constant<caf::atom("open")>;
using rest_atom = caf::atom_constant<caf::atom("rest")>;
using peer_atom = caf::atom_constant<caf::atom("peer")>;
using offer_atom = caf::atom_constant<caf::atom("offer")>;
using fulfill_atom = caf::atom_constant<caf::atom("fulfill")>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using resume_atom = caf::atom_constant<caf::atom("resume")>;
using verified_atom = caf::atom_constant<caf::atom("verified")>;
using verify_atom = caf::atom_constant<caf::atom("verify")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using onchain_atom = caf::atom_constant<caf::atom("onchain")>;
using chain_atom = caf::atom_constant<caf::atom("chain")>;
using preimage_atom = caf::atom_constant<caf::atom("preimage")>;
using close_atom = caf::atom_constant<caf::atom("close")>;
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;
using update_atom = caf::atom_constant<caf::atom("update")>;
using claim_atom = caf::atom_constant<caf::atom("claim")>;
using invoice_atom = caf::atom_constant<caf::atom("invoice")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
using route_atom = caf::atom_constant<caf::atom("route")>;
using learn_atom = caf::atom_constant<caf::atom("learn")>;
using snapshot_atom = caf::atom_constant<caf::atom("snapshot")>;
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using start_atom = caf::atom_constant<caf::atom("start")>;

// One end of one channel (actors/channel_actor.cpp). Owns a protocol::channel value.
using channel_actor = caf::typed_actor<
    // engine: party 0 starts the opening exchange (open_channel -> accept_channel -> commit #0)
    caf::reacts_to<open_atom>,
    // engine, right after opening: if opened and idle, hand the channel to the directory and quit
    // (an idle end needs no actor; channel_end() spawns it again on first use)
    caf::reacts_to<rest_atom>,
    // the peer end: protocol messages with their side-cars, in order
    caf::reacts_to<peer_atom, peer_batch>,
    // a local payment or htlc actor: offer an HTLC to the peer; the owner hears the outcome
    caf::reacts_to<offer_atom, htlc_offer>,
    // the local htlc actor of an incoming HTLC: settle it with its preimage
    caf::reacts_to<fulfill_atom, std::uint64_t, bytes32>,
    // the local htlc actor of an incoming HTLC: fail it back (side-car for the payer)
    caf::reacts_to<fail_atom, std::uint64_t, failure_info>,
    // driver: a tick began; start one batched round if proposals wait
    caf::reacts_to<tick_atom>,
    // self: send the queued proposals to the peer as one batch
    caf::reacts_to<flush_atom>,
    // self: hand the rest of a round's events to the htlc actors (at most ~500 wakes per handler)
    caf::reacts_to<resume_atom>,
    // verifier pool: the result of the commit signature check sent with `token`
    caf::reacts_to<verified_atom, std::uint64_t, bool>,
    // an htlc or payment actor: a deadline came with the peer unresponsive; settle on the bank
    caf::reacts_to<onchain_atom>,
    // watcher: the bank was cashed (by either side): what it now holds and pays
    caf::reacts_to<chain_atom, chain_report>,
    // engine (close_all): party 0 proposes a cooperative close
    caf::reacts_to<close_atom>,
    // timers: the claim deadline of an incoming HTLC we fulfilled (token: its id) came
    caf::reacts_to<timeout_atom, std::uint64_t, work_ticket>,
    // engine: write the state into the slot (audit, tests)
    caf::reacts_to<inspect_atom, report_slot>>;

// Whoever owns an HTLC a channel end offered (payment actor at the payer, htlc actor at a forwarder).
using htlc_owner_actor = caf::typed_actor<
    // a channel end: what became of the HTLC (refused / fulfilled / failed), exactly once
    caf::reacts_to<update_atom, htlc_update>>;

// One in-flight HTLC hop at a forwarder or payee (actors/htlc_actor.cpp). Settled ones wait in
// their node's pool for the next incoming HTLC.
using htlc_actor = htlc_owner_actor::extend<
    // a channel end: this incoming HTLC is irrevocably committed; forward it or claim it
    caf::reacts_to<start_atom, incoming_htlc>,
    // the payee's node: settle, hold or reject a final HTLC
    caf::reacts_to<claim_atom, claim_reply>,
    // timers: a deadline this hop owns came (fail-back at the outgoing lock, hold expiry)
    caf::reacts_to<timeout_atom, std::uint64_t, work_ticket>>;

// One outgoing payment at its payer (actors/payment_actor.cpp). Finished ones wait in a pool.
using payment_actor = htlc_owner_actor::extend<
    // driver: this payment arrives now
    caf::reacts_to<start_atom, payment_ref>,
    // a route worker: the route (or why there is none)
    caf::reacts_to<route_atom, route_answer>,
    // timers: the first hop's lock came with the HTLC unresolved
    caf::reacts_to<timeout_atom, std::uint64_t, work_ticket>>;

// A node's supervisor (actors/node_actor.cpp): invoices, hold invoices, final-hop decisions.
using node_actor = caf::typed_actor<
    // engine: register an invoice (preimage kept here)
    caf::reacts_to<invoice_atom, invoice_entry>,
    // a payee htlc actor: may this HTLC be settled? (answer: claim_reply to the htlc actor)
    caf::reacts_to<claim_atom, claim_query>,
    // engine: release / cancel a hold invoice (answers its waiting htlc actors)
    caf::reacts_to<release_atom, bytes32>, caf::reacts_to<cancel_atom, bytes32>>;

// A route search worker (actors/router_actor.cpp): shares the immutable graph snapshot.
using route_worker_actor = caf::typed_actor<
    // a payment actor: find a route (answer: route_atom, route_answer to reply_to)
    caf::reacts_to<route_atom, route_query>,
    // router: a new graph snapshot replaces the old one whole
    caf::reacts_to<snapshot_atom, snapshot_ptr>>;

// The router (actors/router_actor.cpp): owns the liquidity scorer, publishes read-only copies.
using router_actor = caf::typed_actor<
    // a payment actor: what an attempt taught (success, or which hop failed and why)
    caf::reacts_to<learn_atom, route_outcome>,
    // engine: a new graph snapshot for every worker
    caf::reacts_to<snapshot_atom, snapshot_ptr>>;

// The watcher (actors/watcher_actor.cpp): the one owner of the bank interface while actors run;
// executes chain::decide()'s calls for the channel ends that went on chain.
using watcher_actor = caf::typed_actor<
    // a channel end: watch (and, if close_requested, cash) its bank with this record
    caf::reacts_to<watch_atom, watch_request>,
    // a channel end on chain: a preimage it may claim with (channel, side, hash lock, preimage)
    caf::reacts_to<preimage_atom, std::uint32_t, std::uint8_t, bytes32, bytes32>,
    // timers: re-decide for a bank (a lock or the freeze end came)
    caf::reacts_to<timeout_atom, std::uint64_t, work_ticket>>;

// A verifier worker (actors/verifier_pool.cpp): checks commit signatures off the channel actors.
using verifier_actor = caf::typed_actor<
    // a channel end: check this; answer verified_atom(token, ok) to reply_to
    caf::reacts_to<verify_atom, verify_job>>;

}  // namespace clearway::actors
