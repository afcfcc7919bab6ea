// The node supervisor: one per node. It keeps the node's invoices (preimages never leave it except
// in a fulfil), answers its payee htlc actors (settle, hold, reject), and releases or cancels hold
// invoices on the embedder's word. The node's channel ends are listed in the network's directory
// (CAF's own supervision is not needed in-process). Spawned on first use (node_of()): a node that is
// never paid needs no actor.
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstring>
#include <unordered_map>

#include "actors/network.hpp"

namespace clearway::actors {
namespace {

struct invoice_slot {
  invoice_entry entry;
  bool settled = false;
  bool cancelled = false;
  std::vector<std::pair<htlc_actor, std::uint64_t>> waiting;  // htlc actors (and tokens) holding an HTLC
};

// Hash locks are sha256 outputs: their first 8 bytes are as good a hash as any.
struct hash_lock_hash {
  std::size_t operator()(const bytes32& h) const noexcept {
    std::size_t v = 0;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

struct node_state {
  context_ptr ctx;
  node_id node = 0;
  std::unordered_map<bytes32, invoice_slot, hash_lock_hash> invoices;
  static inline const char* name = "clearway.node";
};

using self_ptr = node_actor::stateful_pointer<node_state>;

network_context& ctx_of(self_ptr self) { return *self->state.ctx; }

claim_reply reject(protocol::fail_reason reason, bool cancelled = false) {
  claim_reply r;
  r.verdict = claim_verdict::reject;
  r.reason = reason;
  r.cancelled = cancelled;
  return r;
}

claim_reply decide(self_ptr self, const claim_query& q) {
  auto& st = self->state;
  auto& ctx = ctx_of(self);
  auto it = st.invoices.find(q.hash_lock);
  if (it == st.invoices.end()) return reject(protocol::fail_reason::unknown_payment_hash);
  const invoice_slot& slot = it->second;
  if (slot.cancelled) return reject(protocol::fail_reason::unknown_payment_hash, true);
  // BOLT 4's rule: at least the invoice amount, at most twice it.
  const auto twice = slot.entry.value.checked_add(slot.entry.value);
  if (q.value < slot.entry.value || (twice && q.value > *twice)) return reject(protocol::fail_reason::incorrect_details);
  // Enough time left to claim on the bank if the upstream peer stops answering.
  if (q.time_lock_s <= ctx.now_s() + ctx.config.claim_margin_s) return reject(protocol::fail_reason::time_lock_too_close);
  if (slot.entry.hold && !slot.settled) {
    claim_reply r;
    r.verdict = claim_verdict::hold;
    return r;
  }
  claim_reply r;
  r.verdict = claim_verdict::settle;
  r.preimage = slot.entry.preimage;
  return r;
}

node_actor spawn_node(caf::actor_system& sys, context_ptr ctx, node_id node) {
  auto fn = [](self_ptr self, context_ptr c, node_id n) -> node_actor::behavior_type {
    const spawn_scope scope{*c, self};
    self->state.ctx = std::move(c);
    self->state.node = n;
    return {
        [self](invoice_atom, const invoice_entry& e) {
          const work_scope ws{ctx_of(self), self};
          self->state.invoices[e.hash_lock].entry = e;
        },
        [self](claim_atom, const claim_query& q) {
          const work_scope ws{ctx_of(self), self};
          claim_reply r = decide(self, q);
          r.token = q.token;
          if (r.verdict == claim_verdict::hold) self->state.invoices[q.hash_lock].waiting.emplace_back(q.htlc, q.token);
          post(self, ctx_of(self), q.htlc, claim_atom::value, r);
        },
        [self](release_atom, const bytes32& hash) {
          const work_scope ws{ctx_of(self), self};
          auto it = self->state.invoices.find(hash);
          if (it == self->state.invoices.end() || it->second.cancelled) return;
          it->second.settled = true;
          claim_reply r;
          r.verdict = claim_verdict::settle;
          r.preimage = it->second.entry.preimage;
          // Waiters are few per invoice (one per attempt that reached us), far below the wake limit.
          for (auto& [h, token] : it->second.waiting) {
            r.token = token;
            post(self, ctx_of(self), h, claim_atom::value, r);
          }
          it->second.waiting.clear();
        },
        [self](cancel_atom, const bytes32& hash) {
          const work_scope ws{ctx_of(self), self};
          auto it = self->state.invoices.find(hash);
          if (it == self->state.invoices.end() || it->second.settled) return;
          it->second.cancelled = true;
          claim_reply r = reject(protocol::fail_reason::unknown_payment_hash, true);
          for (auto& [h, token] : it->second.waiting) {
            r.token = token;
            post(self, ctx_of(self), h, claim_atom::value, r);
          }
          it->second.waiting.clear();
        },
    };
  };
  before_spawn(*ctx);
  return sys.spawn(fn, std::move(ctx), node);
}

}  // namespace

node_actor node_of(caf::actor_system& sys, const context_ptr& ctx, node_id node) {
  node_entry& entry = *ctx->nodes[node];
  const std::lock_guard lock(ctx->spawn_lock(node));
  if (!entry.actor) entry.actor = spawn_node(sys, ctx, node);
  return entry.actor;
}

}  // namespace clearway::actors
