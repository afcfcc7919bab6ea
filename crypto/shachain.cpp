#include "crypto/shachain.hpp"

#include <bit>

#include "crypto/hash.hpp"

namespace clearway::crypto {

namespace {

constexpr unsigned index_bits = 48;

bool test_bit(std::uint64_t index, unsigned bit) noexcept { return ((index >> bit) & 1U) != 0; }

// BOLT 3 generate_from_seed restricted to the low `bits` bits of `index`: from a secret whose
// index has those bits clear, walk down the tree to `index`.
bytes32 derive_bits(bytes32 p, unsigned bits, std::uint64_t index) noexcept {
  for (unsigned b = bits; b-- > 0;) {
    if (test_bit(index, b)) {
      p.bytes[b / 8] ^= static_cast<std::uint8_t>(1U << (b % 8));
      p = sha256(p.span());
    }
  }
  return p;
}

// The bucket of an index (< 2^48): its number of trailing zero bits (48 for index 0).
unsigned bucket_of(std::uint64_t index) noexcept {
  return static_cast<unsigned>(std::countr_zero(index | (std::uint64_t{1} << index_bits)));
}

// The indexes derivable from the secret of `stored` (which has `bucket` trailing zeros): those
// that share every bit above the bucket with it.
bool derives(std::uint64_t stored, unsigned bucket, std::uint64_t index) noexcept {
  const std::uint64_t low_mask = (std::uint64_t{1} << bucket) - 1;
  return (index & ~low_mask) == stored;
}

}  // namespace

result<bytes32, error> shachain_derive(const bytes32& seed, std::uint64_t index) noexcept {
  if (index > shachain_max_index) return error::shachain_index_out_of_range;
  return derive_bits(seed, index_bits, index);
}

secret_key revocation_secret_key(const bytes32& shachain_secret) noexcept {
  // PROTOCOL.md §5: the secret itself when it is a valid scalar (almost always), else re-hashed
  // with sha256 until valid. Unlike secret_key::from_material this does not hash first, so the
  // revealed shachain secret *is* the revocation key a counterparty can check directly.
  bytes32 candidate = shachain_secret;
  for (;;) {
    auto key = secret_key::from_bytes(candidate);
    if (key) return *key;
    candidate = sha256(candidate.span());
  }
}

status<error> shachain_store::insert(std::uint64_t index, const bytes32& secret) noexcept {
  if (index > shachain_max_index) return error::shachain_index_out_of_range;
  // Strictly decreasing and without gaps: BOLT 3 reveals index 2^48-1, then 2^48-2, ... A gap
  // would let the new secret overwrite a bucket whose range nothing else derives, silently
  // losing a secret already accepted (which a watcher may need to punish with).
  if (const auto lowest = lowest_index(); lowest && index + 1 != *lowest) return error::shachain_out_of_order;
  const unsigned bucket = bucket_of(index);
  // BOLT 3 insert_secret: every secret stored in a lower bucket is a descendant of the new one
  // (consecutive indexes guarantee it) and must be derivable from it. Lower buckets come first.
  std::size_t pos = 0;
  for (; pos < entries_.size() && bucket_of(entries_[pos].index) < bucket; ++pos) {
    const entry& e = entries_[pos];
    if (derive_bits(secret, bucket, e.index) != e.secret) return error::shachain_secret_mismatch;
  }
  // Only now, after every check passed, does anything change.
  if (pos < entries_.size() && bucket_of(entries_[pos].index) == bucket) {
    entries_[pos] = entry{secret, index};
  } else {
    // A new bucket (rare: about log2 of the secrets count times): grow to the exact size. Out of
    // memory here ends the process (noexcept), as everywhere else a small allocation fails.
    std::vector<entry> grown;
    grown.reserve(entries_.size() + 1);
    grown.insert(grown.end(), entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(pos));
    grown.push_back(entry{secret, index});
    grown.insert(grown.end(), entries_.begin() + static_cast<std::ptrdiff_t>(pos), entries_.end());
    entries_ = std::move(grown);
  }
  return {};
}

result<bytes32, error> shachain_store::get(std::uint64_t index) const noexcept {
  if (index > shachain_max_index) return error::shachain_index_out_of_range;
  for (const entry& e : entries_) {
    const unsigned bucket = bucket_of(e.index);
    if (derives(e.index, bucket, index)) return derive_bits(e.secret, bucket, index);
  }
  return error::shachain_unknown_index;
}

std::optional<std::uint64_t> shachain_store::lowest_index() const noexcept {
  if (entries_.empty()) return std::nullopt;
  std::uint64_t lowest = entries_.front().index;
  for (const entry& e : entries_) lowest = e.index < lowest ? e.index : lowest;
  return lowest;
}

std::vector<shachain_entry> shachain_store::entries() const {
  std::vector<shachain_entry> out;
  out.reserve(entries_.size());
  for (const entry& e : entries_) out.push_back({e.index, e.secret});
  return out;
}

namespace {
// The least index >= lowest with exactly `bucket` trailing zeros (bucket 48: only index 0).
std::uint64_t first_of_bucket_at_or_above(std::uint64_t lowest, unsigned bucket) noexcept {
  if (bucket >= index_bits) return lowest == 0 ? 0 : shachain_max_index + 1;
  std::uint64_t high = (lowest + ((std::uint64_t{1} << bucket) - 1)) >> bucket;  // ceil(lowest / 2^b)
  if ((high & 1U) == 0) ++high;
  return high << bucket;
}
}  // namespace

result<shachain_store, error> shachain_store::restore(std::span<const shachain_entry> entries) {
  shachain_store out;
  if (entries.empty()) return out;
  if (entries.size() > max_entries) return error::shachain_out_of_order;
  std::uint64_t lowest = shachain_max_index;
  std::uint64_t highest = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].index > shachain_max_index) return error::shachain_index_out_of_range;
    if (i > 0 && bucket_of(entries[i - 1].index) >= bucket_of(entries[i].index)) return error::shachain_out_of_order;
    lowest = entries[i].index < lowest ? entries[i].index : lowest;
    highest = entries[i].index > highest ? entries[i].index : highest;
  }
  // Consecutive inserts down to `lowest` leave, in each bucket, the least index >= lowest of that
  // bucket, and every bucket whose such index was inserted (it is at most the first index).
  std::size_t next = 0;
  for (unsigned bucket = 0; bucket <= index_bits; ++bucket) {
    const std::uint64_t expected = first_of_bucket_at_or_above(lowest, bucket);
    const bool present = next < entries.size() && bucket_of(entries[next].index) == bucket;
    if (present) {
      if (entries[next].index != expected) return error::shachain_out_of_order;
      ++next;
    } else if (expected <= highest) {
      return error::shachain_out_of_order;  // inserted since the first index, so it must be there
    }
  }
  // A lower-bucket secret inserted before a higher-bucket one (larger index) derives from it.
  for (const shachain_entry& high : entries) {
    const unsigned hb = bucket_of(high.index);
    for (const shachain_entry& low : entries) {
      if (bucket_of(low.index) >= hb || low.index < high.index) continue;
      if (!derives(high.index, hb, low.index) || derive_bits(high.secret, hb, low.index) != low.secret) {
        return error::shachain_secret_mismatch;
      }
    }
  }
  out.entries_.reserve(entries.size());
  for (const shachain_entry& e : entries) out.entries_.push_back(entry{e.secret, e.index});
  return out;
}

std::size_t shachain_store::memory_bytes() const noexcept {
  return sizeof(shachain_store) + entries_.capacity() * sizeof(entry);
}

bool operator==(const shachain_store& a, const shachain_store& b) noexcept {
  // Same entries imply the same lowest index (the least stored one).
  return a.entries_ == b.entries_;
}

}  // namespace clearway::crypto
