#include "chain/bank.hpp"

#include <type_traits>

namespace clearway::chain {

std::string_view to_string(bank_state s) noexcept {
  switch (s) {
    case bank_state::funding:
      return "funding";
    case bank_state::running:
      return "running";
    case bank_state::auditing:
      return "auditing";
    case bank_state::closed:
      return "closed";
  }
  return "unknown";
}

std::string_view to_string(htlc_outcome o) noexcept {
  switch (o) {
    case htlc_outcome::pending:
      return "pending";
    case htlc_outcome::claimed:
      return "claimed";
    case htlc_outcome::refunded:
      return "refunded";
    case htlc_outcome::seized:
      return "seized";
  }
  return "unknown";
}

status<error> execute(bank_backend& backend, const address& caller, bank_id bank, const bank_call& call) {
  return std::visit(
      [&](const auto& args) -> status<error> {
        using T = std::decay_t<decltype(args)>;
        if constexpr (std::is_same_v<T, cancel_args>) {
          return backend.cancel(caller, bank);
        } else if constexpr (std::is_same_v<T, cash_args>) {
          return backend.cash(caller, bank, args);
        } else if constexpr (std::is_same_v<T, claim_htlc_args>) {
          return backend.claim_htlc(caller, bank, args);
        } else if constexpr (std::is_same_v<T, punish_args>) {
          return backend.punish(caller, bank, args);
        } else if constexpr (std::is_same_v<T, withdraw_args>) {
          return backend.withdraw(caller, bank);
        } else {
          static_assert(std::is_same_v<T, close_args>);
          return backend.close(caller, bank, args);
        }
      },
      call);
}

}  // namespace clearway::chain
