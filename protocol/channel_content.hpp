// The content of one commitment sequence as the channel keeps it (PROTOCOL.md §4): balances and
// coverage; its HTLCs are the book's HTLCs that the coverage includes. Both copies of a mirror pair
// share this content and differ only in their revocation lock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.hpp"
#include "crypto/keys.hpp"
#include "protocol/amount.hpp"
#include "protocol/commitment.hpp"
#include "protocol/htlc_book.hpp"

namespace clearway::protocol {

struct commitment_content {
  std::uint32_t sequence = 0;
  std::array<amount, 2> base{};
  coverage covered{};           // proposals of each party included
  bytes32 htlcs_hash;           // htlcs_hash of the included HTLCs; zero when there is none
  std::uint32_t htlc_count = 0;
  amount htlc_total;            // their total value
  friend bool operator==(const commitment_content&, const commitment_content&) = default;
};

// The HTLCs that coverage `c` includes, in commitment order: their htlcs_hash (zero when there is
// none), how many, and their total value (nullopt on overflow).
struct htlc_digest {
  bytes32 hash;
  std::uint32_t count = 0;
  std::optional<amount> total;
};
[[nodiscard]] htlc_digest digest_htlcs(const htlc_book& book, const coverage& c);

// commitment_hash of the copy with this revocation lock, without building the HTLC list again
// (the same encodePacked as protocol::commitment_hash; the tests check they agree).
[[nodiscard]] bytes32 mirror_hash(const crypto::address& bank, std::uint64_t freeze_time_s,
                                  const commitment_content& content, const crypto::address& lock);

// The full commitment struct (HTLC list included) for one copy.
[[nodiscard]] commitment materialize(const crypto::address& bank, std::uint64_t freeze_time_s,
                                     const commitment_content& content, const htlc_book& book,
                                     const crypto::address& lock);

// Revocation-lock addresses of one party for the K sequences [low, low + K): slot s % K. Every
// revoke of `low` brings the lock of low + K, so the ring never grows.
class lock_ring {
 public:
  lock_ring() = default;
  explicit lock_ring(std::vector<crypto::address> first) : slots_(std::move(first)) {}
  // A ring restored from storage (protocol/channel_state_codec): slots as slots() returned them.
  lock_ring(std::uint64_t low, std::vector<crypto::address> slots) : low_(low), slots_(std::move(slots)) {}
  [[nodiscard]] const std::vector<crypto::address>& slots() const noexcept { return slots_; }
  [[nodiscard]] std::uint64_t low() const noexcept { return low_; }
  [[nodiscard]] std::size_t size() const noexcept { return slots_.size(); }
  [[nodiscard]] std::size_t heap_bytes() const noexcept { return slots_.capacity() * sizeof(crypto::address); }
  // The lock of `sequence`, or nullptr when outside [low, low + K).
  [[nodiscard]] const crypto::address* find(std::uint64_t sequence) const noexcept {
    if (sequence < low_ || sequence - low_ >= slots_.size()) return nullptr;
    return &slots_[static_cast<std::size_t>(sequence % slots_.size())];
  }
  // `low` is revoked: its slot now holds the lock of low + K.
  void advance(const crypto::address& lock_of_low_plus_k) noexcept {
    slots_[static_cast<std::size_t>(low_ % slots_.size())] = lock_of_low_plus_k;
    ++low_;
  }
  friend bool operator==(const lock_ring&, const lock_ring&) = default;

 private:
  std::uint64_t low_ = 0;
  std::vector<crypto::address> slots_;
};

}  // namespace clearway::protocol
