#include "chain/events.hpp"

#include <type_traits>

namespace clearway::chain {

std::string_view name_of(const event_body& body) noexcept {
  return std::visit(
      [](const auto& e) -> std::string_view {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ev::bank_created>) return "VirtualBankCreated";
        if constexpr (std::is_same_v<T, ev::deposit>) return "Deposit";
        if constexpr (std::is_same_v<T, ev::bank_running>) return "VirtualBankRunning";
        if constexpr (std::is_same_v<T, ev::funding_cancelled>) return "FundingCancelled";
        if constexpr (std::is_same_v<T, ev::commitment_cashed>) {
          return e.htlc_count == 0 ? "CommitmentRSMC" : "CommitmentHTLC";
        }
        if constexpr (std::is_same_v<T, ev::fidelity_bond_frozen>) return "FreezeFidelityBond";
        if constexpr (std::is_same_v<T, ev::revocation_lock_opened>) return "RevocationLockOpen";
        if constexpr (std::is_same_v<T, ev::hash_lock_opened>) return "HashLockOpened";
        if constexpr (std::is_same_v<T, ev::time_lock_expired>) return "TimeLockExpire";
        if constexpr (std::is_same_v<T, ev::withdraw>) return "Withdraw";
        if constexpr (std::is_same_v<T, ev::cooperative_close>) return "CooperativeClose";
        if constexpr (std::is_same_v<T, ev::payout>) return "Payout";
        if constexpr (std::is_same_v<T, ev::bank_closed>) return "VirtualBankClosed";
      },
      body);
}

}  // namespace clearway::chain
