#include "chain/embedded/ledger.hpp"

#include <cassert>
#include <utility>

#include "crypto/abi_packed.hpp"
#include "crypto/hash.hpp"

namespace clearway::chain::embedded {
namespace {

__extension__ using u128 = unsigned __int128;  // sums of many uint64 amounts, for the audit

// ecrecover as the contract does it: nothing recovers -> invalid_signature; someone else -> wrong_signer.
status<error> check_signature(const signature& sig, const bytes32& msg_hash, const address& expected) {
  auto signer = crypto::recover_eip191(sig, msg_hash);
  if (!signer) return error::invalid_signature;
  if (*signer != expected) return error::wrong_signer;
  return {};
}

result<amount, error> add(amount a, amount b) {
  auto sum = a.checked_add(b);
  if (!sum) return error::amount_overflow;
  return *sum;
}

// Money the bank still holds, from its state alone (independent of paid_out).
amount held_by(const bank_view& b) {
  std::uint64_t held = 0;
  switch (b.state) {
    case bank_state::funding:
      for (std::size_t p = 0; p < 2; ++p) {
        if (b.deposited[p]) held += b.deposits[p].base_units();
      }
      break;
    case bank_state::running:
      held = b.total_deposits().base_units();
      break;
    case bank_state::auditing:
      if (!b.cashed->bond_paid) held += b.cashed->bond.base_units();
      for (const auto& h : b.cashed->htlcs) {
        if (!h.paid) held += h.terms.value.base_units();
      }
      break;
    case bank_state::closed:
      break;
  }
  return amount::from_base_units(held);
}

amount deposited_into(const bank_view& b) {
  std::uint64_t sum = 0;
  for (std::size_t p = 0; p < 2; ++p) {
    if (b.deposited[p]) sum += b.deposits[p].base_units();
  }
  return amount::from_base_units(sum);
}

bool conserves(const bank_view& b) {
  const u128 out = u128{b.paid_out[0].base_units()} + b.paid_out[1].base_units() + held_by(b).base_units();
  return out == deposited_into(b).base_units();
}

}  // namespace

address bank_address_of(const bytes32& salt, bank_id id) {
  crypto::abi_packed packed;
  packed.add_bytes32(salt).add_string("clearway.embedded.bank").add_uint256(id.value);
  const bytes32 h = crypto::keccak256(packed.bytes());
  address a;
  std::copy(h.bytes.end() - 20, h.bytes.end(), a.bytes.begin());
  return a;
}

ledger::ledger(const ledger_options& options) {
  s_.now_s = options.start_time_s;
  s_.address_salt = options.address_salt;
}

// --- helpers ---

result<bank_view*, error> ledger::client_call(const address& caller, bank_id bank, party& caller_party) {
  if (bank.value >= s_.banks.size()) return error::unknown_bank;
  bank_view& b = s_.banks[bank.value];
  auto p = b.party_of(caller);
  if (!p) return error::not_a_client;
  caller_party = *p;
  return &b;
}

void ledger::emit(bank_id bank, event_body body) { s_.events.push_back(event{bank, s_.now_s, std::move(body)}); }

void ledger::pay(bank_view& b, party to, amount value) {
  if (value.is_zero()) return;
  const std::size_t i = protocol::index_of(to);
  // Cannot overflow: every account and every payout is bounded by the money minted, which fits.
  b.paid_out[i] = b.paid_out[i].checked_add(value).value_or(amount::max());
  amount& account = s_.accounts[b.clients[i]];
  account = account.checked_add(value).value_or(amount::max());
  emit(b.id, ev::payout{to, value});
}

void ledger::close_if_settled(bank_view& b) {
  if (!b.cashed->bond_paid) return;
  for (const auto& h : b.cashed->htlcs) {
    if (!h.paid) return;
  }
  b.state = bank_state::closed;
  emit(b.id, ev::bank_closed{});
}

void ledger::debug_check([[maybe_unused]] const bank_view& b) const {
  assert(conserves(b));
  assert(b.state != bank_state::closed || held_by(b).is_zero());
}

// --- bank_backend ---

result<bank_id, error> ledger::create(const address& /*caller: anyone may create*/, const create_args& args) {
  if (args.clients[0].is_zero() || args.clients[1].is_zero()) return error::invalid_address;
  if (args.clients[0] == args.clients[1]) return error::duplicate_address;
  if (args.deposits[0].is_zero() || args.deposits[1].is_zero()) return error::zero_amount;
  CW_TRY(total, add(args.deposits[0], args.deposits[1]));
  (void)total;
  if (args.min_freeze_time_s == 0) return error::zero_min_freeze_time;
  std::uint64_t deadline = 0;
  if (__builtin_add_overflow(s_.now_s, args.funding_timeout_s, &deadline)) return error::time_overflow;

  bank_view b;
  b.id = bank_id{s_.banks.size()};
  b.bank_address = bank_address_of(s_.address_salt, b.id);
  b.state = bank_state::funding;
  b.clients = args.clients;
  b.deposits = args.deposits;
  b.min_freeze_time_s = args.min_freeze_time_s;
  b.funding_deadline_s = deadline;
  s_.banks.push_back(b);
  emit(b.id, ev::bank_created{b.clients, b.deposits, b.min_freeze_time_s, b.funding_deadline_s});
  debug_check(s_.banks.back());
  return b.id;
}

status<error> ledger::deposit(const address& caller, bank_id bank, amount value) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  const std::size_t i = protocol::index_of(who);
  if (b->state != bank_state::funding) return error::wrong_state;
  if (b->deposited[i]) return error::already_deposited;
  if (value != b->deposits[i]) return error::wrong_deposit_amount;
  const amount have = balance_of(caller);
  if (have < value) return error::insufficient_funds;

  s_.accounts[caller] = amount::from_base_units(have.base_units() - value.base_units());
  b->deposited[i] = true;
  emit(b->id, ev::deposit{who, value});
  if (b->deposited[0] && b->deposited[1]) {
    b->state = bank_state::running;
    emit(b->id, ev::bank_running{});
  }
  debug_check(*b);
  return {};
}

status<error> ledger::cancel(const address& caller, bank_id bank) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  if (b->state != bank_state::funding) return error::wrong_state;
  if (s_.now_s < b->funding_deadline_s) return error::funding_timeout_not_reached;

  emit(b->id, ev::funding_cancelled{});
  b->state = bank_state::closed;
  for (party p : {party::zero, party::one}) {
    if (b->deposited[protocol::index_of(p)]) pay(*b, p, b->deposits[protocol::index_of(p)]);
  }
  emit(b->id, ev::bank_closed{});
  debug_check(*b);
  return {};
}

status<error> ledger::cash(const address& caller, bank_id bank, const cash_args& args) {
  party submitter{};
  CW_TRY(b, client_call(caller, bank, submitter));
  const protocol::commitment& c = args.commitment;
  if (b->state != bank_state::running) return error::wrong_state;
  if (c.bank != b->bank_address) return error::bank_mismatch;
  if (c.revocation_lock.is_zero()) return error::invalid_address;
  if (c.htlcs.size() > max_htlcs_per_commitment) return error::too_many_htlcs;
  auto total = protocol::commitment_total(c);
  if (!total) return error::amount_overflow;
  if (*total != b->total_deposits()) return error::balances_do_not_add_up;
  if (c.freeze_time_s < b->min_freeze_time_s) return error::freeze_time_too_short;
  std::uint64_t freeze_end = 0;
  if (__builtin_add_overflow(s_.now_s, c.freeze_time_s, &freeze_end)) return error::time_overflow;
  const party defender = protocol::other(submitter);
  const bytes32 hash = protocol::commitment_hash(c);
  CW_CHECK(check_signature(args.defender_sig, hash, b->clients[protocol::index_of(defender)]));

  cashed_commitment cashed;
  cashed.submitter = submitter;
  cashed.sequence = c.sequence;
  cashed.base = c.base;
  cashed.revocation_lock = c.revocation_lock;
  cashed.commitment_hash = hash;
  cashed.freeze_end_s = freeze_end;
  cashed.bond = c.base[protocol::index_of(submitter)];
  cashed.htlcs.reserve(c.htlcs.size());
  for (const auto& h : c.htlcs) cashed.htlcs.push_back(bank_htlc{h, htlc_outcome::pending, false});
  b->cashed = std::move(cashed);
  b->state = bank_state::auditing;
  emit(b->id, ev::commitment_cashed{submitter, c.sequence, static_cast<std::uint32_t>(c.htlcs.size()), hash});
  emit(b->id, ev::fidelity_bond_frozen{submitter, b->cashed->bond, freeze_end});
  pay(*b, defender, c.base[protocol::index_of(defender)]);
  debug_check(*b);
  return {};
}

status<error> ledger::claim_htlc(const address& caller, bank_id bank, const claim_htlc_args& args) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  if (b->state != bank_state::auditing) return error::wrong_state;
  cashed_commitment& cashed = *b->cashed;
  if (args.index >= cashed.htlcs.size()) return error::htlc_index_out_of_range;
  bank_htlc& h = cashed.htlcs[args.index];
  if (h.outcome != htlc_outcome::pending) return error::htlc_already_resolved;
  if (s_.now_s >= h.terms.time_lock_s) return error::time_lock_expired;
  if (crypto::sha256(args.preimage.span()) != h.terms.hash_lock) return error::wrong_preimage;

  const party receiver = protocol::other(h.terms.offerer);
  h.outcome = htlc_outcome::claimed;
  emit(b->id, ev::hash_lock_opened{args.index, receiver, args.preimage});
  // The submitter's winnings wait with its bond, so a punish can still take them.
  if (receiver == cashed.defender() || cashed.bond_paid) {
    h.paid = true;
    pay(*b, receiver, h.terms.value);
    close_if_settled(*b);
  }
  debug_check(*b);
  return {};
}

status<error> ledger::punish(const address& caller, bank_id bank, const punish_args& args) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  if (b->state != bank_state::auditing) return error::wrong_state;
  cashed_commitment& cashed = *b->cashed;
  if (s_.now_s >= cashed.freeze_end_s) return error::freeze_over;
  CW_CHECK(check_signature(args.revocation_sig, protocol::revocation_message_hash(b->bank_address, cashed.sequence),
                           cashed.revocation_lock));

  // Before the freeze end the bond is unpaid, so the defender takes it and every unpaid HTLC.
  std::uint64_t seized = cashed.bond.base_units();
  cashed.bond_paid = true;
  for (auto& h : cashed.htlcs) {
    if (h.paid) continue;
    seized += h.terms.value.base_units();
    h.outcome = htlc_outcome::seized;
    h.paid = true;
  }
  emit(b->id, ev::revocation_lock_opened{cashed.sequence});
  b->state = bank_state::closed;
  pay(*b, cashed.defender(), amount::from_base_units(seized));
  emit(b->id, ev::bank_closed{});
  debug_check(*b);
  return {};
}

status<error> ledger::withdraw(const address& caller, bank_id bank) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  if (b->state != bank_state::auditing) return error::wrong_state;
  cashed_commitment& cashed = *b->cashed;
  if (s_.now_s < cashed.freeze_end_s) return error::freeze_not_over;
  bool any_expired = false;
  for (const auto& h : cashed.htlcs) {
    any_expired = any_expired || (h.outcome == htlc_outcome::pending && s_.now_s >= h.terms.time_lock_s);
  }
  if (cashed.bond_paid && !any_expired) return error::nothing_to_withdraw;

  emit(b->id, ev::withdraw{});
  const party submitter = cashed.submitter;
  std::array<std::uint64_t, 2> to{};  // by party
  for (std::uint32_t i = 0; i < cashed.htlcs.size(); ++i) {
    bank_htlc& h = cashed.htlcs[i];
    if (h.outcome == htlc_outcome::pending && s_.now_s >= h.terms.time_lock_s) {
      h.outcome = htlc_outcome::refunded;
      emit(b->id, ev::time_lock_expired{i, h.terms.offerer});
    }
    // Everything resolved and unpaid is paid now: refunds to either side, and the submitter's
    // claims that waited for the bond. Sums fit: they are parts of the deposits.
    if (h.outcome != htlc_outcome::pending && !h.paid) {
      const party receiver = h.outcome == htlc_outcome::refunded ? h.terms.offerer : protocol::other(h.terms.offerer);
      to[protocol::index_of(receiver)] += h.terms.value.base_units();
      h.paid = true;
    }
  }
  if (!cashed.bond_paid) {
    to[protocol::index_of(submitter)] += cashed.bond.base_units();
    cashed.bond_paid = true;
  }
  pay(*b, cashed.defender(), amount::from_base_units(to[protocol::index_of(cashed.defender())]));
  pay(*b, submitter, amount::from_base_units(to[protocol::index_of(submitter)]));
  close_if_settled(*b);
  debug_check(*b);
  return {};
}

status<error> ledger::close(const address& caller, bank_id bank, const close_args& args) {
  party who{};
  CW_TRY(b, client_call(caller, bank, who));
  if (b->state != bank_state::running) return error::wrong_state;
  auto total = args.balances[0].checked_add(args.balances[1]);
  if (!total) return error::amount_overflow;
  if (*total != b->total_deposits()) return error::balances_do_not_add_up;
  const bytes32 msg = protocol::close_message_hash(b->bank_address, args.balances[0], args.balances[1]);
  CW_CHECK(check_signature(args.sig0, msg, b->clients[0]));
  CW_CHECK(check_signature(args.sig1, msg, b->clients[1]));

  emit(b->id, ev::cooperative_close{args.balances});
  b->state = bank_state::closed;
  pay(*b, party::zero, args.balances[0]);
  pay(*b, party::one, args.balances[1]);
  emit(b->id, ev::bank_closed{});
  debug_check(*b);
  return {};
}

result<bank_view, error> ledger::state(bank_id bank) const {
  const bank_view* b = find(bank);
  if (b == nullptr) return error::unknown_bank;
  return *b;
}

result<event_batch, error> ledger::events_since(event_cursor from) const {
  if (from.value < s_.first_event) return error::events_pruned;
  event_batch batch;
  const std::uint64_t end = end_cursor().value;
  if (from.value < end) {
    batch.events.assign(s_.events.begin() + static_cast<std::ptrdiff_t>(from.value - s_.first_event), s_.events.end());
  }
  batch.next = event_cursor{std::max(from.value, end)};
  return batch;
}

// --- clock, accounts, inspection ---

status<error> ledger::advance_to(std::uint64_t time_s) {
  if (time_s < s_.now_s) return error::clock_backwards;
  s_.now_s = time_s;
  return {};
}

status<error> ledger::advance_by(std::uint64_t delta_s) {
  std::uint64_t t = 0;
  if (__builtin_add_overflow(s_.now_s, delta_s, &t)) return error::time_overflow;
  s_.now_s = t;
  return {};
}

status<error> ledger::mint(const address& account, amount value) {
  // Bounding the total minted bounds every account and every payout, so those never overflow.
  CW_TRY(total, add(s_.total_minted, value));
  s_.total_minted = total;
  amount& balance = s_.accounts[account];
  balance = amount::from_base_units(balance.base_units() + value.base_units());
  return {};
}

amount ledger::balance_of(const address& account) const {
  auto it = s_.accounts.find(account);
  return it == s_.accounts.end() ? amount::zero() : it->second;
}

const bank_view* ledger::find(bank_id bank) const noexcept {
  return bank.value < s_.banks.size() ? &s_.banks[bank.value] : nullptr;
}

event_cursor ledger::end_cursor() const noexcept { return event_cursor{s_.first_event + s_.events.size()}; }

void ledger::prune_events_before(event_cursor upto) {
  while (!s_.events.empty() && s_.first_event < upto.value) {
    s_.events.pop_front();
    ++s_.first_event;
  }
}

bool ledger::audit() const {
  u128 money = 0;
  for (const auto& [account, value] : s_.accounts) money += value.base_units();
  for (const auto& b : s_.banks) {
    if (!conserves(b)) return false;
    if (b.state == bank_state::closed && !held_by(b).is_zero()) return false;
    money += held_by(b).base_units();
  }
  return money == s_.total_minted.base_units();
}

}  // namespace clearway::chain::embedded
