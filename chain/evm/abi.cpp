#include "chain/evm/abi.hpp"

#include <algorithm>
#include <limits>

#include "crypto/hash.hpp"

namespace clearway::chain::evm::abi {

namespace {

void put_word(byte_vector& out, const word& w) { out.insert(out.end(), w.bytes.begin(), w.bytes.end()); }

// Encodes components as a tuple: static ones in place, dynamic ones as an offset (from the start
// of this tuple) into the tail area that follows the heads.
void encode_sequence(byte_vector& out, const std::vector<value>& components, std::size_t head_size) {
  byte_vector tails;
  for (const value& c : components) {
    if (c.is_dynamic()) {
      put_word(out, word_from_u64(head_size + tails.size()));
      c.encode_to(tails);
    } else {
      c.encode_to(out);
    }
  }
  out.insert(out.end(), tails.begin(), tails.end());
}

std::size_t head_size_of(const std::vector<value>& components, std::size_t (*size_of)(const value&)) {
  std::size_t total = 0;
  for (const value& c : components) total += c.is_dynamic() ? 32 : size_of(c);
  return total;
}

}  // namespace

selector selector_of(std::string_view signature) noexcept {
  const bytes32 h = crypto::keccak256(
      byte_span(reinterpret_cast<const std::uint8_t*>(signature.data()), signature.size()));
  return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

value value::address(const crypto::address& a) {
  word w;
  std::copy(a.bytes.begin(), a.bytes.end(), w.bytes.begin() + 12);
  return value(kind::word, w);
}

value value::bytes(byte_span data) {
  value v(kind::bytes);
  v.bytes_.assign(data.begin(), data.end());
  return v;
}

value value::tuple(std::vector<value> components) {
  value v(kind::tuple);
  v.children_ = std::move(components);
  return v;
}

value value::array(std::vector<value> elements) {
  value v(kind::array);
  v.children_ = std::move(elements);
  return v;
}

bool value::is_dynamic() const noexcept {
  switch (kind_) {
    case kind::word:
      return false;
    case kind::bytes:
    case kind::array:
      return true;
    case kind::tuple:
      return std::any_of(children_.begin(), children_.end(), [](const value& c) { return c.is_dynamic(); });
  }
  return true;
}

std::size_t value::static_size() const noexcept {
  if (kind_ == kind::word) return 32;
  std::size_t total = 0;  // a static tuple: its components in place
  for (const value& c : children_) total += c.static_size();
  return total;
}

void value::encode_to(byte_vector& out) const {
  switch (kind_) {
    case kind::word:
      put_word(out, word_);
      return;
    case kind::bytes: {
      put_word(out, word_from_u64(bytes_.size()));
      out.insert(out.end(), bytes_.begin(), bytes_.end());
      out.insert(out.end(), (32 - bytes_.size() % 32) % 32, 0);  // right-padded to whole words
      return;
    }
    case kind::array:
      put_word(out, word_from_u64(children_.size()));
      [[fallthrough]];
    case kind::tuple:
      encode_sequence(out, children_, head_size_of(children_, [](const value& c) { return c.static_size(); }));
      return;
  }
}

byte_vector encode(std::span<const value> params) {
  byte_vector out;
  value::tuple(std::vector<value>(params.begin(), params.end())).encode_to(out);
  return out;
}

byte_vector encode_call(const selector& sel, std::span<const value> args) {
  byte_vector out(sel.begin(), sel.end());
  const byte_vector body = encode(args);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

byte_vector encode_call(std::string_view signature, std::span<const value> args) {
  return encode_call(selector_of(signature), args);
}

std::optional<word> reader::word_at(std::size_t slot) const noexcept {
  if (slot > data_.size() / 32 || data_.size() - 32 * slot < 32) return std::nullopt;
  word w;
  std::copy_n(data_.begin() + static_cast<std::ptrdiff_t>(32 * slot), 32, w.bytes.begin());
  return w;
}

std::optional<std::uint64_t> reader::uint64_at(std::size_t slot) const noexcept {
  auto w = word_at(slot);
  if (!w) return std::nullopt;
  return u64_from_word(*w);
}

std::optional<u128> reader::uint128_at(std::size_t slot) const noexcept {
  auto w = word_at(slot);
  if (!w) return std::nullopt;
  return u128_from_word(*w);
}

std::optional<crypto::address> reader::address_at(std::size_t slot) const noexcept {
  auto w = word_at(slot);
  if (!w) return std::nullopt;
  if (!std::all_of(w->bytes.begin(), w->bytes.begin() + 12, [](std::uint8_t b) { return b == 0; })) {
    return std::nullopt;
  }
  crypto::address a;
  std::copy(w->bytes.begin() + 12, w->bytes.end(), a.bytes.begin());
  return a;
}

std::optional<bool> reader::bool_at(std::size_t slot) const noexcept {
  auto v = uint64_at(slot);
  if (!v || *v > 1) return std::nullopt;
  return *v == 1;
}

std::optional<byte_vector> reader::bytes_at(std::size_t slot) const {
  auto offset = uint64_at(slot);
  if (!offset || *offset > data_.size() || data_.size() - *offset < 32) return std::nullopt;
  const word len_word = *reader(data_.subspan(*offset)).word_at(0);
  auto len = u64_from_word(len_word);
  const std::size_t start = *offset + 32;
  if (!len || *len > data_.size() - start) return std::nullopt;
  return byte_vector(data_.begin() + static_cast<std::ptrdiff_t>(start),
                     data_.begin() + static_cast<std::ptrdiff_t>(start + *len));
}

}  // namespace clearway::chain::evm::abi

namespace clearway::chain::evm::abi {

std::optional<reader::array_view> reader::static_array_at(std::size_t slot, std::size_t words_per_element) const noexcept {
  auto offset = uint64_at(slot);
  if (!offset || words_per_element == 0 || *offset > data_.size() || data_.size() - *offset < 32) return std::nullopt;
  const byte_span tail = data_.subspan(*offset);
  auto length = reader(tail).uint64_at(0);
  const std::size_t available_words = (tail.size() - 32) / 32;
  if (!length || *length > available_words / words_per_element) return std::nullopt;
  return array_view{static_cast<std::size_t>(*length), reader(tail.subspan(32, *length * words_per_element * 32))};
}

}  // namespace clearway::chain::evm::abi
