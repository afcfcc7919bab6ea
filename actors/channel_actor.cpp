// The channel actor: one end of one channel. It holds a protocol::channel value and turns messages
// into calls on it (STYLE.md 1: the protocol decides, the actor only routes).
//
// Batching: proposals go to the peer at once (one peer_batch per handler burst, via a self-sent
// flush), but a commitment round starts only at the next tick, or at once when
// `commit_batch_size` own proposals wait. One round covers every proposal sent so far, so under
// load one signature exchange carries hundreds of HTLC updates. One round at a time (the protocol
// enforces it); what arrives during a round rides in the next.
//
// Crypto: the commit signature check either runs inline or on the verifier pool (then the end
// parks the peer's later messages until the answer comes, so their order is kept).
//
// Events of completed rounds become messages: an incoming HTLC that locked in spawns its htlc
// actor (forwarder or payee); resolutions go to the owner of the HTLC we offered. At most
// max_wakes_per_handler actors are spawned or woken per handler; the rest follows via a self-sent
// resume (CAF's scheduling trap, MEASURED.md).
//
// Resting: most channels are idle most of the time, and an idle CAF actor costs ≈ 1.3 KB
// (MEASURED.md). Right after opening, the driver tells both ends to rest: each hands its opened
// channel to the directory (in the compact resting encoding, 352 B) and quits. With
// engine_config::rest_idle_ends an end also rests after any handler that leaves it between rounds
// with nothing queued, scheduled or owed, HTLCs pending or not (a held payment then costs no
// channel-end actor). channel_end() spawns the actor again from the resting state on first use.
// Why no message is lost: every sender enqueues to an end under the end's spawn lock
// (post_to_end), and an end rests under that lock only if its mailbox is empty; handles that
// outlive one send (tick board, claim timers, verifier jobs, self-sends) exist only while the end
// is not restable.
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "actors/fifo.hpp"
#include "actors/network.hpp"
#include "crypto/hash.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"
#include "protocol/channel_state_codec.hpp"

namespace clearway::actors {
namespace {

using protocol::party;
constexpr std::size_t max_wakes_per_handler = 500;

struct channel_state {
  context_ptr ctx;
  std::uint32_t index = 0;
  party side = party::zero;
  node_id node = 0;
  const crypto::key_pair* keys = nullptr;  // the node's (stable in the directory)
  bytes32 seed;
  std::unique_ptr<protocol::channel> chan;  // on the heap: it moves to and from the directory
  std::vector<crypto::address> own_first_locks;

  std::vector<peer_envelope> outbox;
  bool flush_scheduled = false;
  bool tick_requested = false;

  std::unordered_map<std::uint64_t, offered_htlc> ours;
  std::unordered_map<std::uint64_t, incoming_entry> theirs;
  std::unordered_map<std::uint64_t, failure_info> peer_failures;

  // A commit whose signature check is on the verifier pool, and the peer's items parked behind it.
  // On the heap: 312 bytes that an idle end (nearly all of them) would otherwise carry.
  std::unique_ptr<protocol::channel::checked_commit> checking;
  std::uint64_t check_token = 0;
  fifo<peer_envelope> parked;
  bool initiate_after_check = false;

  fifo<protocol::channel_event> undelivered;
  bool resume_scheduled = false;

  bool on_chain = false;
  bool watch_sent = false;
  bool bank_closed = false;

  static inline const char* name = "clearway.channel";
};

using self_ptr = channel_actor::stateful_pointer<channel_state>;

network_context& ctx_of(self_ptr self) { return *self->state.ctx; }

// A peer message or local request the channel refused. Never expected between honest ends, so it
// is counted (the tests require 0) and, with CLEARWAY_DEBUG set, described on stderr.
void protocol_error(self_ptr self, int line, std::optional<protocol::channel_error> e = std::nullopt) {
  ctx_of(self).metrics.add(ctx_of(self).metrics.protocol_errors);
  static const bool debug = std::getenv("CLEARWAY_DEBUG") != nullptr;
  if (debug) {
    std::fprintf(stderr, "[clearway] channel %u side %d: refused at channel_actor.cpp:%d%s%s\n", self->state.index,
                 static_cast<int>(self->state.side), line, e ? ": " : "",
                 e ? std::string(protocol::to_string(*e)).c_str() : "");
  }
}
#define CW_REFUSED(...) protocol_error(self, __LINE__ __VA_OPT__(, ) __VA_ARGS__)

void tell_owner(self_ptr self, const offered_htlc& o, htlc_update u) {
  u.owner_token = o.token;
  post(self, ctx_of(self), o.owner, update_atom::value, std::move(u));
}

void count_outcome(const onion& route, bool fulfilled) {
  if (!route.plan || route.plan->record == nullptr) return;
  auto& counts = route.plan->record->counts[route.plan->attempt];
  (fulfilled ? counts.fulfilled : counts.failed).fetch_add(1, std::memory_order_relaxed);
}

// ---- sending ----
void flush(self_ptr self) {
  auto& st = self->state;
  if (st.outbox.empty()) return;
  peer_batch batch;
  batch.items.swap(st.outbox);
  post_to_end(self, st.ctx, st.index, other(st.side), peer_atom::value, std::move(batch));
}

void schedule_flush(self_ptr self) {
  auto& st = self->state;
  if (st.flush_scheduled) return;
  st.flush_scheduled = true;
  post(self, ctx_of(self), caf::actor_cast<channel_actor>(self), flush_atom::value);
}

[[nodiscard]] std::uint64_t own_uncovered(const channel_state& st) {
  const auto& c = *st.chan;
  return c.last_proposal_id(st.side) - c.latest_content().covered[protocol::index_of(st.side)];
}

// Starts a round now if the channel is idle and something waits. The commit goes behind every
// proposal already queued, so it covers exactly what the peer will have received.
void initiate(self_ptr self) {
  auto& st = self->state;
  if (!st.chan || !st.chan->is_open() || st.on_chain) return;
  if (st.checking) {
    // A peer commit is being verified: starting our own round now would make that check stale.
    st.initiate_after_check = true;
    return;
  }
  if (st.chan->round() != protocol::round_state::idle || !st.chan->has_uncovered_proposals()) return;
  auto commit = st.chan->initiate_commit();
  if (!commit) {
    CW_REFUSED(commit.error());
    return;
  }
  ctx_of(self).metrics.add(ctx_of(self).metrics.signatures_made);
  st.outbox.push_back(peer_envelope{*commit, {}, {}});
}

// After one of our own proposals: start at once if the batch is full, else wait for a tick.
void note_own_proposal(self_ptr self) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (st.chan->round() == protocol::round_state::idle && own_uncovered(st) >= ctx.config.commit_batch_size) {
    initiate(self);
    return;
  }
  if (!st.tick_requested) {
    st.tick_requested = true;
    ctx.ticks.request(caf::actor_cast<channel_actor>(self));
  }
}

// ---- events of completed rounds ----
void handle_event(self_ptr self, const protocol::channel_event& ev) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (const auto* in = std::get_if<protocol::htlc_locked_in>(&ev)) {
    if (in->terms.offerer == st.side) return;  // ours locked in: the owner waits for the outcome
    auto it = st.theirs.find(in->id);
    incoming_htlc info{st.index, st.side, in->id, in->terms, it != st.theirs.end() ? it->second.route : onion{}};
    const htlc_actor h = acquire_htlc(*self, st.ctx, st.node);
    post(self, ctx, h, start_atom::value, std::move(info));
    return;
  }
  const bool fulfilled = std::holds_alternative<protocol::htlc_fulfilled>(ev);
  const protocol::htlc_terms* terms = nullptr;
  std::uint64_t id = 0;
  if (const auto* f = std::get_if<protocol::htlc_fulfilled>(&ev)) {
    terms = &f->terms;
    id = f->id;
  } else if (const auto* x = std::get_if<protocol::htlc_failed>(&ev)) {
    terms = &x->terms;
    id = x->id;
  } else {
    return;  // pay_settled: nothing to route
  }
  if (terms->offerer != st.side) {
    // An incoming HTLC is irrevocably removed: its claim deadline is moot.
    auto it = st.theirs.find(id);
    if (it == st.theirs.end()) return;
    ctx.timers.cancel(it->second.claim_timer);
    st.theirs.erase(it);
    return;
  }
  auto it = st.ours.find(id);
  if (it == st.ours.end()) return;
  count_outcome(it->second.route, fulfilled);
  ctx.metrics.hops_in_flight.down();
  if (!it->second.owner_told) {
    htlc_update u;
    if (fulfilled) {
      u.kind = htlc_update_kind::fulfilled;
      u.preimage = std::get<protocol::htlc_fulfilled>(ev).preimage;
    } else {
      u.kind = htlc_update_kind::failed;
      auto pf = st.peer_failures.find(id);
      if (pf != st.peer_failures.end()) {
        u.failure = pf->second;
      } else {
        u.failure.reason = std::get<protocol::htlc_failed>(ev).reason;
        u.failure.hop = it->second.route.hop;
      }
    }
    tell_owner(self, it->second, u);
  }
  st.peer_failures.erase(id);
  st.ours.erase(it);
}

void deliver_some(self_ptr self) {
  auto& st = self->state;
  std::size_t wakes = 0;
  while (!st.undelivered.empty() && wakes < max_wakes_per_handler) {
    // Moved out first: handling may queue more events (which would invalidate the reference).
    const protocol::channel_event ev = std::move(st.undelivered.front());
    st.undelivered.pop_front();
    handle_event(self, ev);
    ++wakes;
  }
  if (!st.undelivered.empty() && !st.resume_scheduled) {
    st.resume_scheduled = true;
    post(self, ctx_of(self), caf::actor_cast<channel_actor>(self), resume_atom::value);
  }
}

void collect_events(self_ptr self) {
  auto& st = self->state;
  for (auto& ev : st.chan->drain_events()) st.undelivered.push_back(std::move(ev));
  deliver_some(self);
}

// A round just completed at this end.
void after_round(self_ptr self) {
  auto& st = self->state;
  collect_events(self);
  if (st.on_chain || st.chan->round() != protocol::round_state::idle) return;
  if (own_uncovered(st) >= ctx_of(self).config.commit_batch_size) {
    initiate(self);
  } else if (own_uncovered(st) > 0 && !st.tick_requested) {
    st.tick_requested = true;
    ctx_of(self).ticks.request(caf::actor_cast<channel_actor>(self));
  }
}

// ---- opening ----
const protocol::channel_config& config_of(const channel_state& st) { return st.ctx->channel(st.index).config; }

void derive_own_locks(self_ptr self) {
  auto& st = self->state;
  const auto k = config_of(st).lock_batch;
  st.own_first_locks = protocol::derive_lock_addresses(st.seed, 0, k);
  ctx_of(self).metrics.add(ctx_of(self).metrics.key_derivations, k);
}

bool create_channel(self_ptr self, const std::vector<crypto::address>& peer_locks) {
  auto& st = self->state;
  auto c = protocol::channel::create(config_of(st), st.side, *st.keys, st.seed, peer_locks, st.own_first_locks);
  if (!c) {
    CW_REFUSED();
    return false;
  }
  st.chan = std::make_unique<protocol::channel>(std::move(*c));
  auto first = st.chan->initial_commit();
  if (!first) {
    CW_REFUSED();
    return false;
  }
  ctx_of(self).metrics.add(ctx_of(self).metrics.signatures_made);
  st.outbox.push_back(peer_envelope{*first, {}, {}});
  return true;
}

// ---- commits ----
void apply_checked(self_ptr self, const protocol::channel::checked_commit& c) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  auto reply = st.chan->apply_commit(c);
  if (!reply) {
    CW_REFUSED(reply.error());
    return;
  }
  if (reply->countersign) {
    ctx.metrics.add(ctx.metrics.signatures_made);
    st.outbox.push_back(peer_envelope{*reply->countersign, {}, {}});
  }
  if (reply->revocation) {
    ctx.metrics.add(ctx.metrics.key_derivations);
    st.outbox.push_back(peer_envelope{*reply->revocation, {}, {}});
  }
}

// Returns false if the item went to the verifier pool (the rest must wait).
bool handle_commit(self_ptr self, const protocol::commit& msg) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.chan) {
    CW_REFUSED();
    return true;
  }
  auto checked = st.chan->check_commit(msg);
  if (!checked) {
    CW_REFUSED(checked.error());
    return true;
  }
  if (checked->ignore) return true;
  const crypto::public_key& signer = config_of(st).public_keys[protocol::index_of(other(st.side))];
  if (ctx.config.verify_on_pool) {
    st.check_token += 1;
    verify_job job{checked->check.sig, checked->check.msg_hash, signer, st.check_token, caf::actor_cast<channel_actor>(self)};
    st.checking = std::make_unique<protocol::channel::checked_commit>(std::move(*checked));
    const auto n = ctx.next_verifier.fetch_add(1, std::memory_order_relaxed);
    post(self, ctx, ctx.verifiers[n % ctx.verifiers.size()], verify_atom::value, std::move(job));
    return false;
  }
  ctx.metrics.add(ctx.metrics.signatures_verified);
  if (!crypto::verify_eip191_with_key(checked->check.sig, checked->check.msg_hash, signer)) {
    CW_REFUSED();
    return true;
  }
  apply_checked(self, *checked);
  return true;
}

void handle_revoke(self_ptr self, const protocol::revoke& msg) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  if (!st.chan) {
    CW_REFUSED();
    return;
  }
  const protocol::coverage before = st.chan->irrevocable_coverage();
  ctx.metrics.add(ctx.metrics.key_derivations);
  if (auto ok = st.chan->receive_revoke(msg); !ok) {
    CW_REFUSED(ok.error());
    return;
  }
  if (st.side == party::zero) {
    const protocol::coverage after = st.chan->irrevocable_coverage();
    ctx.metrics.record_batch((after[0] - before[0]) + (after[1] - before[1]));
  }
  after_round(self);
}

// ---- the peer's items ----
// Returns false if processing must pause (a check is on the verifier pool).
bool handle_item(self_ptr self, peer_envelope& env) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  const std::uint64_t now_s = ctx.now_s();
  return std::visit(
      [&](auto& m) -> bool {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, protocol::open_channel>) {
          // We are party 1: answer with our locks and our signature on the opener's #0.
          if (st.chan || !protocol::check_open_channel(config_of(st), m)) {
            CW_REFUSED();
            return true;
          }
          derive_own_locks(self);
          st.outbox.push_back(peer_envelope{protocol::make_accept_channel(config_of(st), st.own_first_locks), {}, {}});
          create_channel(self, m.first_locks);
        } else if constexpr (std::is_same_v<T, protocol::accept_channel>) {
          if (st.chan || !protocol::check_accept_channel(config_of(st), m)) {
            CW_REFUSED();
            return true;
          }
          create_channel(self, m.first_locks);
        } else if constexpr (std::is_same_v<T, protocol::add_htlc>) {
          if (auto ok = st.chan ? st.chan->receive_add_htlc(m, now_s) : protocol::channel_error::channel_not_open; !ok) {
            CW_REFUSED(ok.error());
            return true;
          }
          st.theirs.emplace(m.id, incoming_entry{std::move(env.route), 0});
        } else if constexpr (std::is_same_v<T, protocol::fulfill_htlc>) {
          if (auto ok = st.chan ? st.chan->receive_fulfill(m) : protocol::channel_error::channel_not_open; !ok) {
            CW_REFUSED(ok.error());
            return true;
          }
          // The preimage is known now: the HTLC is the peer's, and the owner may settle upstream
          // before this is irrevocable (messages.hpp, htlc_update).
          auto it = st.ours.find(m.htlc);
          if (it != st.ours.end() && !it->second.owner_told) {
            it->second.owner_told = true;
            htlc_update u;
            u.kind = htlc_update_kind::fulfilled;
            u.preimage = m.preimage;
            tell_owner(self, it->second, u);
          }
        } else if constexpr (std::is_same_v<T, protocol::fail_htlc>) {
          if (auto ok = st.chan ? st.chan->receive_fail(m) : protocol::channel_error::channel_not_open; !ok) {
            CW_REFUSED(ok.error());
            return true;
          }
          st.peer_failures[m.htlc] = env.failure;
        } else if constexpr (std::is_same_v<T, protocol::pay>) {
          if (!st.chan || !st.chan->receive_pay(m)) CW_REFUSED();
        } else if constexpr (std::is_same_v<T, protocol::commit>) {
          return handle_commit(self, m);
        } else if constexpr (std::is_same_v<T, protocol::revoke>) {
          handle_revoke(self, m);
        } else if constexpr (std::is_same_v<T, protocol::close_request>) {
          if (!st.chan) {
            CW_REFUSED();
            return true;
          }
          ctx.metrics.add(ctx.metrics.signatures_verified);
          auto out = st.chan->receive_close_request(m);
          if (!out) {
            CW_REFUSED();
            return true;
          }
          if (out->reply) {
            ctx.metrics.add(ctx.metrics.signatures_made);
            st.outbox.push_back(peer_envelope{*out->reply, {}, {}});
          }
        } else {
          CW_REFUSED();  // error_message: nothing to do in-process
        }
        return true;
      },
      env.msg);
}

void process_parked(self_ptr self) {
  auto& st = self->state;
  while (!st.parked.empty() && !st.checking) {
    peer_envelope env = std::move(st.parked.front());
    st.parked.pop_front();
    if (!handle_item(self, env)) break;
  }
  flush(self);
}

// ---- going on chain ----
chain::watch_record make_record(const channel_state& st) {
  chain::watch_record r;
  r.bank = config_of(st).bank;
  r.self = st.side;
  r.self_address = st.keys->addr;
  if (!st.chan || !st.chan->is_open()) return r;
  r.peer_secrets = st.chan->peer_secrets();
  auto latest = st.chan->latest_signed_own_commitment();
  r.latest_own = chain::signed_commitment{std::move(latest.content), latest.peer_sig};
  for (const auto& h : st.chan->htlcs()) {
    if (h.terms.offerer == st.side) continue;
    if (auto pre = st.chan->known_preimage(h.terms.hash_lock)) r.preimages.emplace(h.terms.hash_lock, *pre);
  }
  return r;
}

void go_on_chain(self_ptr self, bool close_requested) {
  auto& st = self->state;
  st.on_chain = true;
  st.outbox.clear();
  if (st.watch_sent) return;
  st.watch_sent = true;
  watch_request req{st.index, st.side, make_record(st), close_requested};
  post(self, ctx_of(self), ctx_of(self).watcher, watch_atom::value, std::move(req));
}

// Matches our HTLCs with the cashed commitment's and resolves what the bank decided.
void apply_chain_report(self_ptr self, const chain_report& report) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  std::vector<bool> used(report.htlcs.size(), false);
  auto preimage_of = [&](const bytes32& hash) -> std::optional<bytes32> {
    for (const auto& [h, p] : report.preimages) {
      if (h == hash) return p;
    }
    return std::nullopt;
  };
  // Index of the cashed HTLC with these terms, or -1.
  auto match = [&](const protocol::htlc_terms& t) -> int {
    for (std::size_t i = 0; i < report.htlcs.size(); ++i) {
      if (!used[i] && report.htlcs[i].terms == t) {
        used[i] = true;
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  for (auto it = st.ours.begin(); it != st.ours.end();) {
    const int i = match(it->second.terms);
    std::optional<bool> fulfilled;  // resolved: true = the peer got it, false = it comes back to us
    if (i < 0) {
      fulfilled = false;  // not in the cashed commitment: void
    } else {
      const auto& h = report.htlcs[static_cast<std::size_t>(i)];
      if (h.outcome == chain::htlc_outcome::claimed) {
        fulfilled = true;
      } else if (h.outcome != chain::htlc_outcome::pending || report.now_s >= h.terms.time_lock_s || report.closed) {
        fulfilled = false;  // refunded, seized, or can no longer be claimed
      }
    }
    if (!fulfilled) {
      ++it;
      continue;
    }
    count_outcome(it->second.route, *fulfilled);
    ctx.metrics.hops_in_flight.down();
    if (!it->second.owner_told) {
      htlc_update u;
      if (*fulfilled) {
        u.kind = htlc_update_kind::fulfilled;
        u.preimage = preimage_of(it->second.terms.hash_lock).value_or(bytes32{});
      } else {
        u.kind = htlc_update_kind::failed;
        u.failure.reason = protocol::fail_reason::expired;
        u.failure.hop = it->second.route.hop;
      }
      tell_owner(self, it->second, u);
    }
    it = st.ours.erase(it);
  }
  for (auto it = st.theirs.begin(); it != st.theirs.end();) {
    // The peer's HTLC: resolved once claimed by us, refunded, or past its lock.
    std::optional<protocol::htlc_terms> terms;
    if (st.chan) {
      if (auto v = st.chan->find_htlc(other(st.side), it->first)) terms = v->terms;
    }
    const int i = terms ? match(*terms) : -1;
    bool resolved = i < 0 || report.closed;
    if (!resolved) {
      const auto& h = report.htlcs[static_cast<std::size_t>(i)];
      resolved = h.outcome != chain::htlc_outcome::pending || report.now_s >= h.terms.time_lock_s;
    }
    if (!resolved) {
      ++it;
      continue;
    }
    ctx.timers.cancel(it->second.claim_timer);
    it = st.theirs.erase(it);
  }
  if (report.closed) st.bank_closed = true;
}

// Between rounds with nothing queued, scheduled or owed by the actor itself: what matters of the
// state is the channel and its HTLC maps (resting_end). An incoming HTLC we proposed to fulfil has
// a claim timer aimed at this actor, so its end stays awake until the fulfil is irrevocable.
bool restable(const channel_state& st) {
  if (!st.chan || !st.chan->is_open() || st.chan->round() != protocol::round_state::idle ||
      st.chan->has_uncovered_proposals() || !st.outbox.empty() || st.flush_scheduled || st.tick_requested ||
      st.checking || !st.parked.empty() || st.initiate_after_check || !st.undelivered.empty() ||
      st.resume_scheduled || st.on_chain || st.watch_sent || st.bank_closed) {
    return false;
  }
  return std::none_of(st.theirs.begin(), st.theirs.end(), [](const auto& t) { return t.second.claim_timer != 0; });
}

// Rests now if the end is restable and no message waits for it: under the end's spawn lock, which
// every sender holds while it enqueues (post_to_end), so nothing can arrive after the check. The
// caller's handler must return right after.
void try_rest(self_ptr self) {
  auto& st = self->state;
  if (!restable(st)) return;
  auto& ctx = ctx_of(self);
  channel_entry& home = *ctx.channels[st.index];
  const std::size_t e = protocol::index_of(st.side);
  const std::lock_guard lock(ctx.spawn_lock(st.index));
  if (!self->mailbox().empty()) return;  // its handler will look again
  auto rest = std::make_unique<resting_end>();
  rest->state = protocol::encode_resting_state(*st.chan);
  st.chan.reset();
  if (!st.ours.empty() || !st.theirs.empty() || !st.peer_failures.empty()) {
    rest->htlcs = std::make_unique<resting_htlcs>();
    rest->htlcs->ours = std::move(st.ours);
    rest->htlcs->theirs = std::move(st.theirs);
    rest->htlcs->peer_failures = std::move(st.peer_failures);
  }
  home.resting[e] = std::move(rest);
  home.ends[e] = nullptr;
  self->quit();
}

// After a handler: rest if the engine asks idle ends to (engine_config::rest_idle_ends).
void rest_if_idle(self_ptr self) {
  if (ctx_of(self).config.rest_idle_ends) try_rest(self);
}

channel_actor spawn_end(caf::actor_system& sys, context_ptr context, std::uint32_t channel, party side,
                        std::unique_ptr<resting_end> resting) {
  auto fn = [](self_ptr self, context_ptr c, std::uint32_t index, party s,
               std::unique_ptr<resting_end> rest) -> channel_actor::behavior_type {
    auto& st = self->state;
    const spawn_scope scope{*c, self};
    st.ctx = std::move(c);
    st.index = index;
    st.side = s;
    const channel_entry& entry = st.ctx->channel(index);
    st.node = entry.nodes[protocol::index_of(s)];
    st.keys = &st.ctx->nodes[st.node]->keys;
    if (rest) {
      if (auto chan = resting_channel(*st.ctx, index, s, *rest)) {
        st.chan = std::make_unique<protocol::channel>(std::move(*chan));
      } else {
        CW_REFUSED();  // cannot happen: the bytes are our own encoding (counted: the checks fail)
      }
      if (rest->htlcs) {
        st.ours = std::move(rest->htlcs->ours);
        st.theirs = std::move(rest->htlcs->theirs);
        st.peer_failures = std::move(rest->htlcs->peer_failures);
      }
    }
    // Per-channel shachain seed: sha256(node secret || channel index), never leaves this actor.
    std::array<std::uint8_t, 36> material{};
    std::copy(st.keys->secret.bytes().bytes.begin(), st.keys->secret.bytes().bytes.end(), material.begin());
    for (int i = 0; i < 4; ++i) material[32 + i] = static_cast<std::uint8_t>(index >> (8 * i));
    st.seed = crypto::sha256(byte_span(material.data(), material.size()));
    return {
        [self](open_atom) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!ctx_of(self).online(s2.node) || s2.chan || s2.side != party::zero) return;
          derive_own_locks(self);
          s2.outbox.push_back(peer_envelope{protocol::make_open_channel(config_of(s2), s2.own_first_locks), {}, {}});
          flush(self);
        },
        [self](rest_atom) {
          const work_scope ws{ctx_of(self), self};
          try_rest(self);
        },
        [self](peer_atom, peer_batch& batch) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!ctx_of(self).online(s2.node) || s2.on_chain) return;
          for (auto& env : batch.items) s2.parked.push_back(std::move(env));
          if (!s2.checking) process_parked(self);
          rest_if_idle(self);
        },
        [self](offer_atom, htlc_offer& offer) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          auto& ctx = ctx_of(self);
          if (!ctx.online(s2.node)) return;  // a crashed node's actors do nothing
          htlc_update refusal;
          refusal.kind = htlc_update_kind::offer_refused;
          refusal.owner_token = offer.owner_token;
          refusal.failure.hop = offer.route.hop;
          if (!s2.chan || !s2.chan->is_open() || s2.on_chain) {
            refusal.failure.reason = protocol::fail_reason::peer_unreachable;
            post(self, ctx, offer.owner, update_atom::value, refusal);
            return;
          }
          auto add = s2.chan->propose_add_htlc(offer.value, offer.hash_lock, offer.time_lock_s, ctx.now_s());
          if (!add) {
            refusal.failure.reason = protocol::fail_reason_of(add.error());
            post(self, ctx, offer.owner, update_atom::value, refusal);
            return;
          }
          ctx.metrics.add(ctx.metrics.htlc_hops);
          ctx.metrics.hops_in_flight.up();
          if (offer.route.plan && offer.route.plan->record != nullptr) {
            offer.route.plan->record->counts[offer.route.plan->attempt].added.fetch_add(1, std::memory_order_relaxed);
          }
          protocol::htlc_terms terms{s2.side, offer.value, offer.hash_lock, offer.time_lock_s};
          s2.ours.emplace(add->id, offered_htlc{std::move(offer.owner), offer.owner_token, offer.route, terms, false});
          s2.outbox.push_back(peer_envelope{*add, std::move(offer.route), {}});
          note_own_proposal(self);
          schedule_flush(self);
        },
        [self](fulfill_atom, std::uint64_t id, const bytes32& preimage) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          auto& ctx = ctx_of(self);
          if (!ctx.online(s2.node)) return;
          if (s2.on_chain) {
            // Claim it on the bank instead.
            const bytes32 hash = crypto::sha256(preimage.span());
            post(self, ctx, ctx.watcher, preimage_atom::value, s2.index, static_cast<std::uint8_t>(s2.side), hash,
                 preimage);
            return;
          }
          auto msg = s2.chan->propose_fulfill(id, preimage);
          if (!msg) {
            CW_REFUSED(msg.error());
            return;
          }
          // If the peer has not taken it off-chain by its lock minus the claim margin, we claim it
          // on the bank with the preimage (PROTOCOL.md §7: an online forwarder never loses).
          if (auto v = s2.chan->find_htlc(other(s2.side), id)) {
            const std::uint64_t lock = v->terms.time_lock_s;
            const std::uint64_t margin = ctx.config.claim_margin_s;
            auto& entry = s2.theirs[id];
            entry.claim_timer = ctx.timers.schedule(ms_of(lock > margin ? lock - margin : 0),
                                                    caf::actor_cast<caf::actor>(self), id);
          }
          s2.outbox.push_back(peer_envelope{*msg, {}, {}});
          note_own_proposal(self);
          schedule_flush(self);
        },
        [self](fail_atom, std::uint64_t id, const failure_info& failure) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!ctx_of(self).online(s2.node) || s2.on_chain) return;  // on chain it refunds at its lock
          auto msg = s2.chan->propose_fail(id, failure.reason);
          if (!msg) {
            CW_REFUSED(msg.error());
            return;
          }
          s2.outbox.push_back(peer_envelope{*msg, {}, failure});
          note_own_proposal(self);
          schedule_flush(self);
        },
        [self](tick_atom) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          s2.tick_requested = false;
          if (!ctx_of(self).online(s2.node) || s2.on_chain) return;
          initiate(self);
          flush(self);
          rest_if_idle(self);
        },
        [self](flush_atom) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          s2.flush_scheduled = false;
          if (!ctx_of(self).online(s2.node) || s2.on_chain) return;
          flush(self);
          rest_if_idle(self);
        },
        [self](resume_atom) {
          const work_scope ws{ctx_of(self), self};
          self->state.resume_scheduled = false;
          deliver_some(self);
          rest_if_idle(self);
        },
        [self](verified_atom, std::uint64_t token, bool ok) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!s2.checking || token != s2.check_token) return;
          ctx_of(self).metrics.add(ctx_of(self).metrics.signatures_verified);
          auto checked = std::move(*s2.checking);
          s2.checking.reset();
          if (!ctx_of(self).online(s2.node) || s2.on_chain) return;
          if (ok) {
            apply_checked(self, checked);
          } else {
            CW_REFUSED(protocol::channel_error::bad_signature);
          }
          process_parked(self);
          if (!s2.checking && s2.initiate_after_check) {
            s2.initiate_after_check = false;
            initiate(self);
            flush(self);
          }
          rest_if_idle(self);
        },
        [self](onchain_atom) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!ctx_of(self).online(s2.node) || !s2.chan || !s2.chan->is_open()) return;
          go_on_chain(self, true);
        },
        [self](chain_atom, const chain_report& report) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          if (!ctx_of(self).online(s2.node)) return;  // an offline party does not watch
          if (!s2.watch_sent) go_on_chain(self, false);  // the peer cashed: hand our record over
          s2.on_chain = true;
          apply_chain_report(self, report);
        },
        [self](close_atom) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          auto& ctx = ctx_of(self);
          if (!ctx.online(s2.node) || !s2.chan || s2.on_chain || s2.checking) return;
          auto req = s2.chan->propose_close();
          if (!req) return;  // something pending: the engine reports the channel as not closed
          ctx.metrics.add(ctx.metrics.signatures_made);
          s2.outbox.push_back(peer_envelope{*req, {}, {}});
          flush(self);
        },
        [self](timeout_atom, std::uint64_t id, const work_ticket&) {
          const tsan_scope ts{self};
          auto& s2 = self->state;
          auto it = s2.theirs.find(id);
          if (it == s2.theirs.end()) return;
          it->second.claim_timer = 0;
          // A fulfil we proposed is still not irrevocable this close to the lock: claim on chain.
          if (ctx_of(self).online(s2.node) && s2.chan && s2.chan->is_open()) go_on_chain(self, true);
        },
        [self](inspect_atom, const report_slot& slot) {
          const work_scope ws{ctx_of(self), self};
          auto& s2 = self->state;
          *slot = report_of(s2.chan.get(), s2.checking != nullptr, s2.on_chain);
        },
    };
  };
  before_spawn(*context);
  return sys.spawn(fn, std::move(context), channel, side, std::move(resting));
}

}  // namespace

channel_actor channel_end_locked(caf::actor_system& sys, const context_ptr& ctx, std::uint32_t channel, party side) {
  channel_entry& entry = *ctx->channels[channel];
  const std::size_t e = protocol::index_of(side);
  if (!entry.ends[e]) entry.ends[e] = spawn_end(sys, ctx, channel, side, std::move(entry.resting[e]));
  return entry.ends[e];
}

std::optional<protocol::channel> resting_channel(const network_context& ctx, std::uint32_t channel, party side,
                                                const resting_end& rest) {
  const channel_entry& entry = ctx.channel(channel);
  const crypto::key_pair& keys = ctx.nodes[entry.nodes[protocol::index_of(side)]]->keys;
  auto chan = protocol::decode_resting_state(rest.state, entry.config, keys);
  if (!chan) return std::nullopt;
  return std::move(*chan);
}

channel_actor channel_end(caf::actor_system& sys, const context_ptr& ctx, std::uint32_t channel, party side) {
  const std::lock_guard lock(ctx->spawn_lock(channel));
  return channel_end_locked(sys, ctx, channel, side);
}

channel_report report_of(const protocol::channel* chan, bool checking, bool on_chain) {
  channel_report r;
  if (chan != nullptr) {
    r.open = chan->is_open() || chan->phase() == protocol::channel_phase::closing ||
             chan->phase() == protocol::channel_phase::closed;
    r.idle = chan->round() == protocol::round_state::idle && !chan->has_uncovered_proposals() && !checking;
    r.sequence = chan->sequence();
    r.balances = chan->balances();
    r.htlcs = chan->htlcs();
    if (chan->is_open()) r.committed_htlcs = chan->latest_signed_own_commitment().content.htlcs;
    r.close = chan->closing_result();
    r.memory_bytes = chan->memory_bytes();
  }
  r.on_chain = on_chain;
  return r;
}

}  // namespace clearway::actors
