// Solidity ABI encoding (head/tail, "Contract ABI Specification") for the calls the evm backend
// makes, and a reader for the static return values, logs and revert data it gets back.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "chain/evm/uint.hpp"
#include "crypto/keys.hpp"

namespace clearway::chain::evm::abi {

using selector = std::array<std::uint8_t, 4>;

// First 4 bytes of keccak256 of a canonical signature such as "punish(uint32,bytes)".
[[nodiscard]] selector selector_of(std::string_view signature) noexcept;

// One ABI value. Every static elementary type (uintN, address, bytes32, bool) is one word;
// `bytes` and `T[]` are dynamic; a tuple (and a fixed-size array T[k], encoded the same way) is
// dynamic when one of its components is.
class value {
 public:
  [[nodiscard]] static value uint(u128 v) { return value(kind::word, word_from_u128(v)); }
  [[nodiscard]] static value uint_word(const word& w) { return value(kind::word, w); }
  [[nodiscard]] static value address(const crypto::address& a);
  [[nodiscard]] static value fixed_bytes32(const bytes32& b) { return value(kind::word, b); }
  [[nodiscard]] static value boolean(bool b) { return uint(b ? 1 : 0); }
  [[nodiscard]] static value bytes(byte_span data);
  [[nodiscard]] static value tuple(std::vector<value> components);
  [[nodiscard]] static value array(std::vector<value> elements);

  [[nodiscard]] bool is_dynamic() const noexcept;
  // Appends this value's encoding (its tail form if dynamic) to out.
  void encode_to(byte_vector& out) const;

 private:
  enum class kind : std::uint8_t { word, bytes, tuple, array };
  value(kind k, const word& w) : kind_(k), word_(w) {}
  explicit value(kind k) : kind_(k) {}
  [[nodiscard]] std::size_t static_size() const noexcept;

  kind kind_;
  word word_{};
  byte_vector bytes_;
  std::vector<value> children_;
};

// The encoding of the tuple (params...): constructor arguments, return data.
[[nodiscard]] byte_vector encode(std::span<const value> params);
// selector || encode(args).
[[nodiscard]] byte_vector encode_call(const selector& sel, std::span<const value> args);
[[nodiscard]] byte_vector encode_call(std::string_view signature, std::span<const value> args);

// Reads an encoded tuple by head slot (slot i = bytes [32 i, 32 i + 32)). Every getter returns
// nullopt on out-of-range offsets or values that do not fit their type, never reads past the end.
class reader {
 public:
  explicit reader(byte_span data) noexcept : data_(data) {}
  [[nodiscard]] std::optional<word> word_at(std::size_t slot) const noexcept;
  [[nodiscard]] std::optional<std::uint64_t> uint64_at(std::size_t slot) const noexcept;
  [[nodiscard]] std::optional<u128> uint128_at(std::size_t slot) const noexcept;
  [[nodiscard]] std::optional<crypto::address> address_at(std::size_t slot) const noexcept;
  [[nodiscard]] std::optional<bool> bool_at(std::size_t slot) const noexcept;
  // A dynamic `bytes` (or `string`) whose offset is in head slot `slot`.
  [[nodiscard]] std::optional<byte_vector> bytes_at(std::size_t slot) const;
  // A dynamic array of static elements of `words_per_element` words each, whose offset is in head
  // slot `slot`: its length and a reader whose slot k * words_per_element starts element k.
  struct array_view;
  [[nodiscard]] std::optional<array_view> static_array_at(std::size_t slot, std::size_t words_per_element) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }

 private:
  byte_span data_;
};

struct reader::array_view {
  std::size_t length = 0;
  reader elements;
};

}  // namespace clearway::chain::evm::abi
