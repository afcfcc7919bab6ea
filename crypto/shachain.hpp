// BOLT 3 shachain: per-commitment secrets from one seed, and their compact storage
// (at most 49 entries whatever the number of revealed secrets).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

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

// Receiver-side compact store (BOLT 3 "Efficient Per-commitment Secret Storage").
class shachain_store {
 public:
  // Accepts the secret for `index`; rejects it (and changes nothing) if it does not derive
  // every secret stored before it.
  [[nodiscard]] status<error> insert(std::uint64_t index, const bytes32& secret) noexcept;
  // Any secret with an index >= the lowest inserted index, derived from what is stored.
  [[nodiscard]] result<bytes32, error> get(std::uint64_t index) const noexcept;
  // Lowest index inserted so far, if any.
  [[nodiscard]] std::optional<std::uint64_t> lowest_index() const noexcept;

  static constexpr std::size_t max_entries = 49;

 private:
  struct entry {
    std::uint64_t index = 0;
    bytes32 secret;
    bool known = false;
  };
  std::array<entry, max_entries> known_{};
  std::optional<std::uint64_t> lowest_;
};

}  // namespace clearway::crypto
