#include "chain/channel_watch.hpp"

namespace clearway::chain {

watch_record make_watch_record(const protocol::channel& channel, const std::map<bytes32, bytes32>& extra_preimages) {
  watch_record record;
  const auto& config = channel.config();
  record.bank = config.bank;
  record.self = channel.self();
  record.self_address = config.addresses[protocol::index_of(channel.self())];
  record.peer_secrets = channel.peer_secrets();
  if (channel.is_open() || channel.sequence() > 0) {
    const auto latest = channel.latest_signed_own_commitment();
    record.latest_own = signed_commitment{latest.content, latest.peer_sig};
  }
  for (const auto& h : channel.htlcs()) {
    if (h.terms.offerer == channel.self()) continue;  // only HTLCs paid to us can be claimed
    if (auto pre = channel.known_preimage(h.terms.hash_lock)) record.preimages.emplace(h.terms.hash_lock, *pre);
    if (auto it = extra_preimages.find(h.terms.hash_lock); it != extra_preimages.end()) {
      record.preimages.emplace(it->first, it->second);
    }
    // Claimable and not given up: the deadline holds until the HTLC is irrevocably removed.
    if (record.preimages.contains(h.terms.hash_lock) && h.state != protocol::htlc_state::proposed &&
        h.removal != protocol::removal_kind::fail) {
      record.claim_deadlines.emplace(h.terms.hash_lock, h.terms.time_lock_s);
    }
  }
  return record;
}

}  // namespace clearway::chain
