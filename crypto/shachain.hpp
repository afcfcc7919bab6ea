// BOLT 3 shachain: per-commitment secrets from one seed, and their compact storage
// (at most 49 entries whatever the number of revealed secrets).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "crypto/errors.hpp"
#include "crypto/keys.hpp"

namespace clearway::crypto {

inline constexpr std::uint64_t shachain_max_index = (std::uint64_t{1} << 48) - 1;

// BOLT 3 generate_from_seed(seed, index); index must be < 2^48.
[[nodiscard]] result<bytes32, error> shachain_derive(const bytes32& seed, std::uint64_t index) noexcept;

// Channel sequence n uses shachain index 2^48 - 1 - n (BOLT 3 counts down).
[[nodiscard]] constexpr std::uint64_t shachain_index_of_sequence(std::uint64_t sequence) noexcept {
  return shachain_max_index - sequence;
}

// The revocation lock secret key of sequence n: the shachain secret mapped to a valid scalar.
[[nodiscard]] secret_key revocation_secret_key(const bytes32& shachain_secret) noexcept;

// One stored secret of a shachain_store, for persisting it (node/store) and restoring it.
struct shachain_entry {
  std::uint64_t index = 0;
  bytes32 secret;
  friend bool operator==(const shachain_entry&, const shachain_entry&) = default;
};

// Receiver-side compact store (BOLT 3 "Efficient Per-commitment Secret Storage").
// Only occupied buckets are kept, on the heap with exact capacity: millions of channel ends must
// fit in memory and most have revealed few secrets. After n consecutive secrets at most
// floor(log2(n)) + 2 buckets are occupied (only one index of n consecutive ones can have more
// than floor(log2(n)) trailing zeros), so an empty store is 24 bytes and one with 1,000 secrets
// holds at most 11 entries of 40 bytes.
class shachain_store {
 public:
  // Accepts the secret for `index`: the first insert may use any index, every later one must be
  // exactly lowest_index() - 1 (else shachain_out_of_order). Rejects the secret (and changes
  // nothing) if it does not derive every secret stored before it.
  [[nodiscard]] status<error> insert(std::uint64_t index, const bytes32& secret) noexcept;
  // Any secret with an index >= the lowest inserted index, derived from what is stored.
  [[nodiscard]] result<bytes32, error> get(std::uint64_t index) const noexcept;
  // Lowest index inserted so far, if any.
  [[nodiscard]] std::optional<std::uint64_t> lowest_index() const noexcept;
  // Occupied buckets (stored secrets); at most max_entries.
  [[nodiscard]] std::size_t entry_count() const noexcept { return entries_.size(); }
  // The stored secrets, lowest bucket first (what restore() takes back).
  [[nodiscard]] std::vector<shachain_entry> entries() const;
  // Rebuilds a store from entries(): accepts exactly what a run of consecutive inserts can leave
  // (one entry per bucket, lowest bucket first, each the last index of its bucket inserted, every
  // earlier lower-bucket secret derivable from a later higher-bucket one), else
  // shachain_index_out_of_range / shachain_out_of_order / shachain_secret_mismatch.
  // restore(s.entries()) == s for every store s.
  [[nodiscard]] static result<shachain_store, error> restore(std::span<const shachain_entry> entries);
  // Bytes this store occupies, heap included.
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

  // Equal iff the same lowest index and the same stored (index, secret) entries.
  friend bool operator==(const shachain_store& a, const shachain_store& b) noexcept;

  static constexpr std::size_t max_entries = 49;

 private:
  struct entry {
    bytes32 secret;
    std::uint64_t index = 0;  // its bucket is its number of trailing zero bits
    friend bool operator==(const entry&, const entry&) = default;
  };
  // One per occupied bucket, lowest bucket first. The lowest index is not kept apart: the last
  // accepted secret has it and stays stored until a later insert, so it is the least stored index.
  std::vector<entry> entries_;
};

}  // namespace clearway::crypto
