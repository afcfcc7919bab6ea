// Every HTLC of a channel that is not yet irrevocably removed, with the proposal ids that add and
// remove it. Whether an HTLC is in a commitment follows from the commitment's coverage (how many of
// each party's proposals it includes), so commitments themselves need not store HTLC lists.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/bytes.hpp"
#include "protocol/amount.hpp"
#include "protocol/commitment.hpp"
#include "protocol/messages.hpp"
#include "protocol/party.hpp"

namespace clearway::protocol {

// Proposals of party 0 and party 1 included so far, by id (ids are 1, 2, 3, ... per party).
using coverage = std::array<proposal_id, 2>;

enum class removal_kind : std::uint8_t { none = 0, fulfill, fail };

// 72 bytes. The offerer is implied by the book half that holds it.
struct htlc_record {
  htlc_id id = 0;  // proposal id of the offerer's add_htlc
  amount value;
  bytes32 hash_lock;
  std::uint64_t time_lock_s = 0;
  proposal_id removal_id = 0;  // the receiver's fulfill/fail proposal id, 0 while none
  removal_kind removal = removal_kind::none;
  friend bool operator==(const htlc_record&, const htlc_record&) = default;
};

class htlc_book {
 public:
  [[nodiscard]] const htlc_record* find(party offerer, htlc_id id) const noexcept;
  [[nodiscard]] htlc_record* find(party offerer, htlc_id id) noexcept;
  // Appends an HTLC; ids per offerer arrive increasing.
  void add(party offerer, const htlc_record& record);
  [[nodiscard]] std::size_t size() const noexcept { return halves_[0].size() + halves_[1].size(); }
  [[nodiscard]] bool empty() const noexcept { return size() == 0; }
  [[nodiscard]] std::size_t heap_bytes() const noexcept {
    return (halves_[0].capacity() + halves_[1].capacity()) * sizeof(htlc_record);
  }
  [[nodiscard]] const std::vector<htlc_record>& offered_by(party offerer) const noexcept {
    return halves_[index_of(offerer)];
  }

  // Is this HTLC part of a commitment with coverage `c`? (added and not yet removed there)
  [[nodiscard]] static bool in(party offerer, const htlc_record& r, const coverage& c) noexcept {
    if (r.id > c[index_of(offerer)]) return false;
    return r.removal == removal_kind::none || r.removal_id > c[index_of(other(offerer))];
  }
  // Was it removed in a commitment with coverage `c`?
  [[nodiscard]] static bool removed_in(party offerer, const htlc_record& r, const coverage& c) noexcept {
    return r.removal != removal_kind::none && r.removal_id <= c[index_of(other(offerer))];
  }

  // Visits the HTLCs of a commitment with coverage `c` in commitment order: offerer 0 then 1,
  // each by increasing id.
  template <class F>
  void for_each_in(const coverage& c, F&& f) const {
    for (party p : {party::zero, party::one}) {
      for (const htlc_record& r : halves_[index_of(p)]) {
        if (in(p, r, c)) f(p, r);
      }
    }
  }

  // Forgets HTLCs removed in a commitment with coverage `c` (called once `c` is irrevocable).
  void erase_removed_in(const coverage& c);

  friend bool operator==(const htlc_book&, const htlc_book&) = default;

 private:
  std::array<std::vector<htlc_record>, 2> halves_;  // by offerer, each sorted by id
};

[[nodiscard]] inline htlc_terms terms_of(party offerer, const htlc_record& r) noexcept {
  return {offerer, r.value, r.hash_lock, r.time_lock_s};
}

}  // namespace clearway::protocol
