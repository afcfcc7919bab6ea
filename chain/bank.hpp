// chain::bank_backend: the one interface to the bank (adjudicator) of PROTOCOL.md §3, implemented
// by chain/embedded (in-process ledger, virtual clock) and chain/evm (a contract on an Ethereum
// node). The rules, their check order and the events of each call are in chain/README.md; both
// backends must give the same result and the same events for the same calls.
#pragma once

#include <cstdint>
#include <variant>

#include "base/result.hpp"
#include "chain/bank_types.hpp"
#include "chain/errors.hpp"
#include "chain/events.hpp"

namespace clearway::chain {

// What every implementation guarantees:
// - `caller` is the account that makes the call (msg.sender); the bank checks it.
// - A call that fails changes nothing and emits nothing; the error names the first rule broken,
//   in chain/README.md's order.
// - A call that succeeds appends its events to the log in order, stamped with now_s().
// - Time (now_s) never goes backwards. The bank reads it once per call.
// - Conservation: a bank never pays out more than was deposited into it, and a closed bank has
//   paid out exactly what was deposited.
class bank_backend {
 public:
  virtual ~bank_backend() = default;

  // Anyone may create a bank; it starts in Funding.
  [[nodiscard]] virtual result<bank_id, error> create(const address& caller, const create_args& args) = 0;
  // The caller deposits `value` (must equal its required deposit) from its account.
  [[nodiscard]] virtual status<error> deposit(const address& caller, bank_id bank, amount value) = 0;
  [[nodiscard]] virtual status<error> cancel(const address& caller, bank_id bank) = 0;
  [[nodiscard]] virtual status<error> cash(const address& caller, bank_id bank, const cash_args& args) = 0;
  [[nodiscard]] virtual status<error> claim_htlc(const address& caller, bank_id bank, const claim_htlc_args& args) = 0;
  [[nodiscard]] virtual status<error> punish(const address& caller, bank_id bank, const punish_args& args) = 0;
  [[nodiscard]] virtual status<error> withdraw(const address& caller, bank_id bank) = 0;
  [[nodiscard]] virtual status<error> close(const address& caller, bank_id bank, const close_args& args) = 0;

  [[nodiscard]] virtual result<bank_view, error> state(bank_id bank) const = 0;
  // Every event from `from` on (all banks), and the cursor that follows the last one.
  [[nodiscard]] virtual result<event_batch, error> events_since(event_cursor from) const = 0;
  // Chain time, seconds.
  [[nodiscard]] virtual std::uint64_t now_s() const = 0;

 protected:
  bank_backend() = default;
  bank_backend(const bank_backend&) = default;
  bank_backend& operator=(const bank_backend&) = default;
};

// One of the calls a party (or its watcher) makes on an existing bank, as a value.
using bank_call = std::variant<cancel_args, cash_args, claim_htlc_args, punish_args, withdraw_args, close_args>;

// Makes `call` on `backend` as `caller`.
[[nodiscard]] status<error> execute(bank_backend& backend, const address& caller, bank_id bank, const bank_call& call);

}  // namespace clearway::chain
