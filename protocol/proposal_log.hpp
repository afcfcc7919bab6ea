// One party's proposals (PROTOCOL.md §6.1) that are not yet irrevocably committed, in id order.
// Entries are dropped once a completed round made them irrevocable, so the log never grows with
// the number of rounds, only with the proposals in flight.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "protocol/messages.hpp"

namespace clearway::protocol {

using proposal = std::variant<add_htlc, fulfill_htlc, fail_htlc, pay>;

[[nodiscard]] proposal_id id_of(const proposal& p) noexcept;

class proposal_log {
 public:
  // Id of the newest proposal ever appended (0 before the first).
  [[nodiscard]] proposal_id last_id() const noexcept { return dropped_through_ + entries_.size(); }
  // Ids <= this were dropped (irrevocably committed).
  [[nodiscard]] proposal_id dropped_through() const noexcept { return dropped_through_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] bool empty() const noexcept { return entries_.empty(); }
  [[nodiscard]] std::size_t heap_bytes() const noexcept { return entries_.capacity() * sizeof(proposal); }

  // A log restored from storage (protocol/channel_state_codec): entries[i] must have id
  // dropped_through + 1 + i (the caller checks it).
  proposal_log(proposal_id dropped_through, std::vector<proposal> entries)
      : dropped_through_(dropped_through), entries_(std::move(entries)) {}
  proposal_log() = default;
  [[nodiscard]] const std::vector<proposal>& entries() const noexcept { return entries_; }

  // The proposal with this id, or nullptr if it was dropped or does not exist yet.
  [[nodiscard]] const proposal* find(proposal_id id) const noexcept;
  // Appends the next proposal; its id must be last_id() + 1.
  void append(proposal p);
  // Drops every proposal with id <= id.
  void drop_through(proposal_id id);

  // Visits proposals with first < id <= last in order.
  template <class F>
  void for_each_in(proposal_id first_exclusive, proposal_id last_inclusive, F&& f) const {
    for (proposal_id id = first_exclusive + 1; id <= last_inclusive; ++id) {
      const proposal* p = find(id);
      if (p != nullptr) f(*p);
    }
  }

  friend bool operator==(const proposal_log&, const proposal_log&) = default;

 private:
  proposal_id dropped_through_ = 0;
  std::vector<proposal> entries_;  // entries_[i] has id dropped_through_ + 1 + i
};

}  // namespace clearway::protocol
