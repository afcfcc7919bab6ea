// chain::embedded::ledger: the bank of PROTOCOL.md §3 as an in-process value. Many banks, one
// ordered event log, a virtual clock that only moves forward, and the accounts of the outside
// world (so a test can see who got paid). Pure: no threads, no clock, no I/O; copyable, so a test
// can compare a ledger before and after a rejected call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "chain/bank.hpp"

namespace clearway::chain::embedded {

struct ledger_options {
  std::uint64_t start_time_s = 0;
  // Mixed into every bank address, so two ledgers (or a ledger and an EVM) never share one.
  bytes32 address_salt{};
};

// The address of bank `id` of a ledger with `salt`: the last 20 bytes of
// keccak256(abi.encodePacked(bytes32 salt, "clearway.embedded.bank", uint256 id)).
[[nodiscard]] address bank_address_of(const bytes32& salt, bank_id id);

class ledger final : public bank_backend {
 public:
  explicit ledger(const ledger_options& options = {});

  // --- bank_backend ---
  [[nodiscard]] result<bank_id, error> create(const address& caller, const create_args& args) override;
  [[nodiscard]] status<error> deposit(const address& caller, bank_id bank, amount value) override;
  [[nodiscard]] status<error> cancel(const address& caller, bank_id bank) override;
  [[nodiscard]] status<error> cash(const address& caller, bank_id bank, const cash_args& args) override;
  [[nodiscard]] status<error> claim_htlc(const address& caller, bank_id bank, const claim_htlc_args& args) override;
  [[nodiscard]] status<error> punish(const address& caller, bank_id bank, const punish_args& args) override;
  [[nodiscard]] status<error> withdraw(const address& caller, bank_id bank) override;
  [[nodiscard]] status<error> close(const address& caller, bank_id bank, const close_args& args) override;
  [[nodiscard]] result<bank_view, error> state(bank_id bank) const override;
  [[nodiscard]] result<event_batch, error> events_since(event_cursor from) const override;
  [[nodiscard]] std::uint64_t now_s() const override { return s_.now_s; }

  // --- virtual clock ---
  [[nodiscard]] status<error> advance_to(std::uint64_t time_s);
  [[nodiscard]] status<error> advance_by(std::uint64_t delta_s);

  // --- outside accounts ---
  // Creates money in an account (tests and simulations fund their parties with it).
  [[nodiscard]] status<error> mint(const address& account, amount value);
  [[nodiscard]] amount balance_of(const address& account) const;
  [[nodiscard]] amount total_minted() const noexcept { return s_.total_minted; }

  // --- inspection without copies (a pointer stays valid as long as the ledger) ---
  [[nodiscard]] const bank_view* find(bank_id bank) const noexcept;
  [[nodiscard]] std::size_t bank_count() const noexcept { return s_.banks.size(); }
  [[nodiscard]] event_cursor end_cursor() const noexcept;
  // Forgets events before `upto` (bounded memory in long simulations); later events keep their cursors.
  void prune_events_before(event_cursor upto);

  // Conservation, recomputed from scratch: for every bank, paid out + held == deposited and a closed
  // bank holds nothing; all accounts + all banks' holdings == all money minted.
  [[nodiscard]] bool audit() const;

  friend bool operator==(const ledger& a, const ledger& b) { return a.s_ == b.s_; }

 private:
  struct state_t {
    std::uint64_t now_s = 0;
    bytes32 address_salt;
    std::deque<bank_view> banks;  // a deque: find()'s pointers survive create()
    std::deque<event> events;
    std::uint64_t first_event = 0;  // cursor of events.front()
    std::map<address, amount> accounts;
    amount total_minted;
    friend bool operator==(const state_t&, const state_t&) = default;
  };

  result<bank_view*, error> client_call(const address& caller, bank_id bank, party& caller_party);
  void emit(bank_id bank, event_body body);
  void pay(bank_view& b, party to, amount value);
  void close_if_settled(bank_view& b);
  void debug_check(const bank_view& b) const;

  state_t s_;
};

}  // namespace clearway::chain::embedded
