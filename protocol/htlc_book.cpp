#include "protocol/htlc_book.hpp"

#include <algorithm>
#include <cassert>

namespace clearway::protocol {

namespace {
auto lower(const std::vector<htlc_record>& half, htlc_id id) {
  return std::lower_bound(half.begin(), half.end(), id,
                          [](const htlc_record& r, htlc_id key) { return r.id < key; });
}
}  // namespace

const htlc_record* htlc_book::find(party offerer, htlc_id id) const noexcept {
  const auto& half = halves_[index_of(offerer)];
  auto it = lower(half, id);
  return it != half.end() && it->id == id ? &*it : nullptr;
}

htlc_record* htlc_book::find(party offerer, htlc_id id) noexcept {
  return const_cast<htlc_record*>(static_cast<const htlc_book*>(this)->find(offerer, id));
}

void htlc_book::add(party offerer, const htlc_record& record) {
  auto& half = halves_[index_of(offerer)];
  assert(half.empty() || half.back().id < record.id);
  half.push_back(record);
}

void htlc_book::erase_removed_in(const coverage& c) {
  for (party p : {party::zero, party::one}) {
    auto& half = halves_[index_of(p)];
    std::erase_if(half, [&](const htlc_record& r) { return removed_in(p, r, c); });
    if (half.empty() && half.capacity() > 64) half.shrink_to_fit();
  }
}

}  // namespace clearway::protocol
