#include "protocol/proposal_log.hpp"

#include <cassert>

namespace clearway::protocol {

proposal_id id_of(const proposal& p) noexcept {
  return std::visit([](const auto& m) { return m.id; }, p);
}

const proposal* proposal_log::find(proposal_id id) const noexcept {
  if (id <= dropped_through_ || id > last_id()) return nullptr;
  return &entries_[static_cast<std::size_t>(id - dropped_through_ - 1)];
}

void proposal_log::append(proposal p) {
  assert(id_of(p) == last_id() + 1);
  entries_.push_back(std::move(p));
}

void proposal_log::drop_through(proposal_id id) {
  if (id <= dropped_through_) return;
  const auto count = static_cast<std::size_t>(id - dropped_through_);
  assert(count <= entries_.size());
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(count));
  dropped_through_ = id;
  // A burst of proposals should not pin its memory for the channel's whole life.
  if (entries_.empty() && entries_.capacity() > 64) entries_.shrink_to_fit();
}

}  // namespace clearway::protocol
