// Channel setup, the commitment #0 exchange, accessors and equality.
#include "protocol/channel.hpp"

#include <algorithm>
#include <cassert>
#include <utility>

#include "protocol/channel_opening.hpp"

namespace clearway::protocol {

result<channel, channel_error> channel::create(const channel_config& config, party self, const crypto::key_pair& keys,
                                               const bytes32& seed, std::span<const crypto::address> peer_first_locks,
                                               std::span<const crypto::address> own_first_locks) {
  CW_CHECK(validate_config(config));
  if (keys.addr != config.addresses[index_of(self)] || keys.pub != config.public_keys[index_of(self)]) {
    return channel_error::own_key_mismatch;
  }
  const std::uint32_t k = config.lock_batch;
  auto bad_locks = [k](std::span<const crypto::address> locks) {
    return locks.size() != k || std::any_of(locks.begin(), locks.end(), [](const auto& a) { return a.is_zero(); });
  };
  if (bad_locks(peer_first_locks)) return channel_error::wrong_lock_count;
  std::vector<crypto::address> own;
  if (own_first_locks.empty()) {
    own = derive_lock_addresses(seed, 0, k);
  } else {
    if (bad_locks(own_first_locks)) return channel_error::wrong_lock_count;
    own.assign(own_first_locks.begin(), own_first_locks.end());  // trusted: derived by our own side
  }

  channel ch(keys);
  state& s = ch.s_;
  s.config = config;
  s.self = self;
  s.seed = seed;
  s.held.sequence = 0;
  s.held.base = config.deposits;  // #0: the deposits, no HTLC
  s.own_locks = lock_ring(std::move(own));
  s.peer_locks = lock_ring(std::vector<crypto::address>(peer_first_locks.begin(), peer_first_locks.end()));
  ch.recompute_caches();
  return ch;
}

// The opening exchange: each side signs the other's copy of #0 and sends it as a countersign
// (there is nothing to initiate: #0's content is fixed by the config). No revoke follows #0.
result<commit, channel_error> channel::initial_commit() {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  if (s_.phase != channel_phase::opening || s_.sent_initial) return channel_error::unexpected_commit;
  const crypto::address* lock = s_.peer_locks.find(0);
  assert(lock != nullptr);
  const bytes32 hash = mirror_hash(s_.config.bank, s_.config.freeze_time_s, s_.held, *lock);
  commit msg;
  msg.sequence = 0;
  msg.kind = commit_kind::countersign;
  msg.sig = crypto::sign_eip191(keys_.secret, hash);
  s_.sent_initial = true;
  if (s_.got_initial) s_.phase = channel_phase::open;
  ++s_.round_stamp;
  return msg;
}

std::vector<channel_event> channel::drain_events() { return std::exchange(s_.events, {}); }

signed_commitment channel::latest_signed_own_commitment() const {
  const crypto::address* lock = s_.own_locks.find(s_.held.sequence);
  assert(lock != nullptr);
  signed_commitment out{materialize(s_.config.bank, s_.config.freeze_time_s, s_.held, s_.book, *lock), s_.held_sig};
  assert(commitment_hash(out.content) == mirror_hash(s_.config.bank, s_.config.freeze_time_s, s_.held, *lock));
  return out;
}

std::optional<commitment> channel::pending_own_commitment() const {
  if (!s_.pending) return std::nullopt;
  const crypto::address* lock = s_.own_locks.find(s_.pending->sequence);
  assert(lock != nullptr);
  return materialize(s_.config.bank, s_.config.freeze_time_s, *s_.pending, s_.book, *lock);
}

namespace {
htlc_state state_of(party offerer, const htlc_record& r, const coverage& held, const coverage& irrevocable) {
  const std::size_t o = index_of(offerer);
  if (r.id > held[o]) return htlc_state::proposed;
  if (r.removal == removal_kind::none) return r.id <= irrevocable[o] ? htlc_state::irrevocable : htlc_state::committed;
  return htlc_book::removed_in(offerer, r, held) ? htlc_state::removed : htlc_state::resolving;
}
}  // namespace

std::vector<htlc_view> channel::htlcs() const {
  std::vector<htlc_view> out;
  out.reserve(s_.book.size());
  for (party p : {party::zero, party::one}) {
    for (const htlc_record& r : s_.book.offered_by(p)) {
      out.push_back({r.id, terms_of(p, r), state_of(p, r, s_.held.covered, s_.irrevocable), r.removal});
    }
  }
  return out;
}

std::optional<htlc_view> channel::find_htlc(party offerer, htlc_id id) const {
  const htlc_record* r = s_.book.find(offerer, id);
  if (r == nullptr) return std::nullopt;
  return htlc_view{r->id, terms_of(offerer, *r), state_of(offerer, *r, s_.held.covered, s_.irrevocable), r->removal};
}

std::optional<bytes32> channel::known_preimage(const bytes32& hash_lock) const {
  for (party remover : {party::zero, party::one}) {
    const proposal_log& log = s_.logs[index_of(remover)];
    std::optional<bytes32> found;
    log.for_each_in(log.dropped_through(), log.last_id(), [&](const proposal& p) {
      const auto* f = std::get_if<fulfill_htlc>(&p);
      if (f == nullptr || found) return;
      const htlc_record* r = s_.book.find(other(remover), f->htlc);
      if (r != nullptr && r->hash_lock == hash_lock) found = f->preimage;
    });
    if (found) return found;
  }
  return std::nullopt;
}

std::optional<crypto::address> channel::peer_lock(std::uint64_t sequence) const noexcept {
  const crypto::address* a = s_.peer_locks.find(sequence);
  return a != nullptr ? std::optional<crypto::address>(*a) : std::nullopt;
}

std::optional<crypto::address> channel::own_lock(std::uint64_t sequence) const noexcept {
  const crypto::address* a = s_.own_locks.find(sequence);
  return a != nullptr ? std::optional<crypto::address>(*a) : std::nullopt;
}

std::optional<close_result> channel::closing_result() const {
  if (!s_.close_sigs[0] || !s_.close_sigs[1]) return std::nullopt;
  return close_result{s_.held.base, {*s_.close_sigs[0], *s_.close_sigs[1]}};
}

std::size_t channel::memory_bytes() const noexcept {
  return sizeof(channel) + s_.logs[0].heap_bytes() + s_.logs[1].heap_bytes() + s_.book.heap_bytes() +
         s_.own_locks.heap_bytes() + s_.peer_locks.heap_bytes() + s_.events.capacity() * sizeof(channel_event);
}

void channel::recompute_caches() {
  for (party p : {party::zero, party::one}) {
    const std::size_t i = index_of(p);
    const proposal_log& log = s_.logs[i];
    amount available = s_.held.base[i];
    log.for_each_in(s_.held.covered[i], log.last_id(), [&](const proposal& prop) {
      amount out;
      if (const auto* a = std::get_if<add_htlc>(&prop)) out = a->value;
      if (const auto* y = std::get_if<pay>(&prop)) out = y->value;
      auto left = available.checked_sub(out);
      assert(left);  // every accepted proposal was covered by the sender's balance
      available = left.value_or(amount::zero());
    });
    s_.available[i] = available;
    std::uint32_t count = 0;
    amount value;
    for (const htlc_record& r : s_.book.offered_by(p)) {
      if (htlc_book::removed_in(p, r, s_.held.covered)) continue;
      ++count;
      value = value.checked_add(r.value).value_or(amount::max());
    }
    s_.offered_count[i] = count;
    s_.offered_value[i] = value;
  }
}

bool operator==(const channel& a, const channel& b) {
  if (!(a.s_ == b.s_)) return false;
  if (!(a.keys_.secret == b.keys_.secret) || a.keys_.pub != b.keys_.pub || a.keys_.addr != b.keys_.addr) return false;
  return a.peer_secrets_ == b.peer_secrets_ && a.awaiting_reestablish_ == b.awaiting_reestablish_;
}

}  // namespace clearway::protocol
