#include "chain/watcher.hpp"

#include <limits>

#include "crypto/hash.hpp"
#include "crypto/signature.hpp"

namespace clearway::chain {
namespace {

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? std::numeric_limits<std::uint64_t>::max() : out;
}

// Whether the party must cash its own latest commitment now (Lightning's "fail the channel"
// deadlines): an HTLC it can claim is near its lock, or one it offered is past its lock.
bool must_go_on_chain(const watch_record& record, const watch_input& input, const watch_policy& policy) {
  if (input.close_requested) return true;
  for (const auto& [hash_lock, time_lock_s] : record.claim_deadlines) {
    if (record.preimages.contains(hash_lock) && saturating_add(input.now_s, policy.claim_margin_s) >= time_lock_s) {
      return true;
    }
  }
  for (const auto& h : record.latest_own->commitment.htlcs) {
    const bool receives = h.offerer != record.self;
    if (receives && record.preimages.contains(h.hash_lock) &&
        saturating_add(input.now_s, policy.claim_margin_s) >= h.time_lock_s) {
      return true;
    }
    if (!receives && input.now_s >= saturating_add(h.time_lock_s, policy.refund_grace_s)) return true;
  }
  return false;
}

void add_claims(const watch_record& record, const cashed_commitment& cashed, std::uint64_t now_s,
                std::vector<bank_call>& calls) {
  for (std::uint32_t i = 0; i < cashed.htlcs.size(); ++i) {
    const bank_htlc& h = cashed.htlcs[i];
    if (h.outcome != htlc_outcome::pending || h.terms.offerer == record.self || now_s >= h.terms.time_lock_s) continue;
    auto it = record.preimages.find(h.terms.hash_lock);
    if (it != record.preimages.end()) calls.emplace_back(claim_htlc_args{i, it->second});
  }
}

// withdraw() pays this party something or frees its money: as submitter, the bond (and the claims
// waiting with it) or any expired HTLC; as defender, the refund of an HTLC it offered.
bool should_withdraw(const watch_record& record, const cashed_commitment& cashed, std::uint64_t now_s) {
  if (now_s < cashed.freeze_end_s) return false;
  const bool is_submitter = cashed.submitter == record.self;
  if (is_submitter && !cashed.bond_paid) return true;
  for (const auto& h : cashed.htlcs) {
    if (h.outcome != htlc_outcome::pending || now_s < h.terms.time_lock_s) continue;
    if (is_submitter || h.terms.offerer == record.self) return true;
  }
  return false;
}

}  // namespace

std::optional<std::uint32_t> highest_revoked_sequence(const crypto::shachain_store& peer_secrets) {
  auto lowest = peer_secrets.lowest_index();
  if (!lowest) return std::nullopt;
  const std::uint64_t sequence = crypto::shachain_max_index - *lowest;
  if (sequence > std::numeric_limits<std::uint32_t>::max()) return std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(sequence);
}

std::optional<punish_args> build_punish(const watch_record& record, std::uint32_t sequence,
                                        const address& revocation_lock) {
  auto secret = record.peer_secrets.get(crypto::shachain_index_of_sequence(sequence));
  if (!secret) return std::nullopt;
  const crypto::secret_key key = crypto::revocation_secret_key(*secret);
  // A lock the peer did not derive from its shachain cannot be opened; the bank would refuse.
  if (crypto::address_of(key) != revocation_lock) return std::nullopt;
  return punish_args{crypto::sign_eip191(key, protocol::revocation_message_hash(record.bank, sequence))};
}

result<std::vector<bank_call>, error> decide(const watch_record& record, const bank_view& view,
                                             const watch_input& input, const watch_policy& policy) {
  if (record.bank != view.bank_address) return error::bank_mismatch;
  const std::size_t self = protocol::index_of(record.self);
  if (view.clients[self] != record.self_address) return error::not_a_client;

  std::vector<bank_call> calls;
  switch (view.state) {
    case bank_state::funding:
      // Our deposit is stuck if the peer never deposits: take it back after the deadline.
      if (view.deposited[self] && input.now_s >= view.funding_deadline_s) calls.emplace_back(cancel_args{});
      break;
    case bank_state::running:
      if (record.latest_own && must_go_on_chain(record, input, policy)) {
        calls.emplace_back(cash_args{record.latest_own->commitment, record.latest_own->peer_sig});
      }
      break;
    case bank_state::auditing: {
      const cashed_commitment& cashed = *view.cashed;
      if (cashed.submitter != record.self && input.now_s < cashed.freeze_end_s) {
        if (auto punish = build_punish(record, cashed.sequence, cashed.revocation_lock)) {
          calls.emplace_back(*punish);  // takes everything still in the bank: nothing else to do
          break;
        }
      }
      add_claims(record, cashed, input.now_s, calls);
      if (should_withdraw(record, cashed, input.now_s)) calls.emplace_back(withdraw_args{});
      break;
    }
    case bank_state::closed:
      break;
  }
  return calls;
}

std::map<bytes32, bytes32> revealed_preimages(const std::vector<event>& events, bank_id bank) {
  std::map<bytes32, bytes32> out;
  for (const auto& e : events) {
    if (e.bank != bank) continue;
    if (const auto* opened = e.as<ev::hash_lock_opened>()) {
      out.emplace(crypto::sha256(opened->preimage.span()), opened->preimage);
    }
  }
  return out;
}

}  // namespace clearway::chain
