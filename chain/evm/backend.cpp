#include "chain/evm/backend.hpp"

#include "chain/evm/artifact.hpp"

#include <algorithm>
#include <unordered_map>

#include "chain/evm/virtual_bank.hpp"

namespace clearway::chain::evm {

namespace {

constexpr std::uint64_t htlc_page = 256;  // HTLCs per eth_call of htlcs(from, count)

chain::bank_state to_chain(virtual_bank::bank_state s) {
  return static_cast<chain::bank_state>(static_cast<std::uint8_t>(s));  // same order, checked below
}
static_assert(static_cast<int>(chain::bank_state::closed) == static_cast<int>(virtual_bank::bank_state::closed));

chain::htlc_outcome to_chain(virtual_bank::htlc_outcome o) {
  return static_cast<chain::htlc_outcome>(static_cast<std::uint8_t>(o));
}
static_assert(static_cast<int>(chain::htlc_outcome::seized) == static_cast<int>(virtual_bank::htlc_outcome::seized));

// One bank log as the ledger's event; nullopt for EVM-only events (Collected) or a bad shape.
std::optional<event_body> to_body(const virtual_bank::bank_event& e, bool& ok) {
  using K = virtual_bank::event_kind;
  ok = true;
  auto u64 = [&](std::size_t i) {
    auto v = e.uint_arg(i);
    ok = ok && v.has_value();
    return v.value_or(0);
  };
  auto u32 = [&](std::size_t i) {
    const std::uint64_t v = u64(i);
    ok = ok && v <= UINT32_MAX;
    return static_cast<std::uint32_t>(v);
  };
  auto amt = [&](std::size_t i) { return amount::from_base_units(u64(i)); };
  auto pty = [&](std::size_t i) {
    auto p = e.party_arg(i);
    ok = ok && p.has_value();
    return p.value_or(party::zero);
  };
  auto addr = [&](std::size_t i) {
    auto a = e.address_arg(i);
    ok = ok && a.has_value();
    return a.value_or(address{});
  };
  switch (e.kind) {
    case K::virtual_bank_created:
      return ev::bank_created{{addr(0), addr(1)}, {amt(2), amt(3)}, u64(4), u64(5)};
    case K::deposit:
      return ev::deposit{pty(0), amt(1)};
    case K::virtual_bank_running:
      return ev::bank_running{};
    case K::funding_cancelled:
      return ev::funding_cancelled{};
    case K::commitment_rsmc:
      return ev::commitment_cashed{pty(0), u32(1), 0, e.args.at(2)};
    case K::commitment_htlc:
      return ev::commitment_cashed{pty(0), u32(1), u32(2), e.args.at(3)};
    case K::freeze_fidelity_bond:
      return ev::fidelity_bond_frozen{pty(0), amt(1), u64(2)};
    case K::revocation_lock_open:
      return ev::revocation_lock_opened{u32(0)};
    case K::hash_lock_opened:
      return ev::hash_lock_opened{u32(0), pty(1), e.args.at(2)};
    case K::time_lock_expire:
      return ev::time_lock_expired{u32(0), pty(1)};
    case K::withdraw:
      return ev::withdraw{};
    case K::cooperative_close:
      return ev::cooperative_close{{amt(0), amt(1)}};
    case K::payout:
      return ev::payout{pty(0), amt(1)};
    case K::virtual_bank_closed:
      return ev::bank_closed{};
    case K::collected:
      return std::nullopt;
  }
  ok = false;
  return std::nullopt;
}

}  // namespace

std::optional<chain::error> to_chain_error(bank_revert r) noexcept {
  using E = chain::error;
  switch (r) {
    case bank_revert::not_a_client: return E::not_a_client;
    case bank_revert::wrong_state: return E::wrong_state;
    case bank_revert::invalid_address: return E::invalid_address;
    case bank_revert::duplicate_address: return E::duplicate_address;
    case bank_revert::zero_amount: return E::zero_amount;
    case bank_revert::zero_min_freeze_time: return E::zero_min_freeze_time;
    case bank_revert::amount_overflow: return E::amount_overflow;
    case bank_revert::time_overflow: return E::time_overflow;
    case bank_revert::already_deposited: return E::already_deposited;
    case bank_revert::wrong_deposit_amount: return E::wrong_deposit_amount;
    case bank_revert::funding_timeout_not_reached: return E::funding_timeout_not_reached;
    case bank_revert::bank_mismatch: return E::bank_mismatch;
    case bank_revert::too_many_htlcs: return E::too_many_htlcs;
    case bank_revert::balances_do_not_add_up: return E::balances_do_not_add_up;
    case bank_revert::freeze_time_too_short: return E::freeze_time_too_short;
    case bank_revert::invalid_signature: return E::invalid_signature;
    case bank_revert::wrong_signer: return E::wrong_signer;
    case bank_revert::htlc_index_out_of_range: return E::htlc_index_out_of_range;
    case bank_revert::htlc_already_resolved: return E::htlc_already_resolved;
    case bank_revert::time_lock_expired: return E::time_lock_expired;
    case bank_revert::wrong_preimage: return E::wrong_preimage;
    case bank_revert::freeze_over: return E::freeze_over;
    case bank_revert::freeze_not_over: return E::freeze_not_over;
    case bank_revert::nothing_to_withdraw: return E::nothing_to_withdraw;
    case bank_revert::invalid_htlc_offerer:
    case bank_revert::nothing_to_collect:
    case bank_revert::collect_failed:
      return std::nullopt;
  }
  return std::nullopt;
}

backend::backend(std::unique_ptr<json_rpc_client> rpc, std::uint64_t chain_id, sender::options send)
    : rpc_(std::move(rpc)), chain_id_(chain_id), send_options_(send) {}

result<std::unique_ptr<backend>, failure> backend::connect(const options& opts) {
  auto rpc = std::make_unique<json_rpc_client>(opts.url, opts.rpc);
  CW_TRY(id, rpc->chain_id());
  if (opts.chain_id != 0 && opts.chain_id != id) {
    return failure{error::malformed_response, 0,
                   "the node's chain id is " + std::to_string(id) + ", expected " + std::to_string(opts.chain_id), {}};
  }
  return std::unique_ptr<backend>(new backend(std::move(rpc), id, opts.send));
}

void backend::add_key(const crypto::secret_key& key) {
  sender s(*rpc_, key, chain_id_, send_options_);
  const address a = s.address();
  senders_.insert_or_assign(a, std::move(s));
}

result<bank_id, chain::error> backend::track(const address& bank_address) {
  if (auto it = ids_.find(bank_address); it != ids_.end()) return it->second;
  auto code = rpc_->code(bank_address, block_ref::latest());
  if (!code) {
    last_failure_ = code.error();
    return chain::error::backend_failure;
  }
  // Only a VirtualBank is a bank: another contract at that address could answer the bank's views
  // with anything (deposits it never took, a state it is not in).
  static const byte_vector bank_code = from_hex(virtual_bank_runtime_code_hex()).value_or(byte_vector{});
  if (code->empty() || *code != bank_code) return chain::error::unknown_bank;
  const bank_id id{banks_.size()};
  banks_.push_back(bank_address);
  ids_.emplace(bank_address, id);
  if (synced_any_) backfill_.push_back(id);
  return id;
}

std::optional<address> backend::address_of(bank_id bank) const {
  if (bank.value >= banks_.size()) return std::nullopt;
  return banks_[bank.value];
}

chain::error backend::map_failure(const failure& f) const {
  last_failure_ = f;
  if (auto r = f.bank_error()) {
    if (auto e = to_chain_error(*r)) return *e;
  }
  return chain::error::backend_failure;
}

status<chain::error> backend::transact(const address& caller, bank_id bank, const byte_vector& data, amount value) {
  auto to = address_of(bank);
  if (!to) return chain::error::unknown_bank;
  auto s = senders_.find(caller);
  if (s == senders_.end()) {
    last_failure_ = failure{error::rpc_error, 0, "no key for caller 0x" + to_hex(caller), {}};
    return chain::error::backend_failure;
  }
  auto rec = s->second.send(*to, data, value.base_units());
  if (!rec) return map_failure(rec.error());
  last_gas_used_ = rec->gas_used;
  return {};
}

result<bank_id, chain::error> backend::create(const address& caller, const create_args& args) {
  auto s = senders_.find(caller);
  if (s == senders_.end()) {
    last_failure_ = failure{error::rpc_error, 0, "no key for caller 0x" + to_hex(caller), {}};
    return chain::error::backend_failure;
  }
  auto rec = s->second.send(std::nullopt, virtual_bank::creation_code(args.clients, args.deposits,
                                                                      args.min_freeze_time_s, args.funding_timeout_s));
  if (!rec) return map_failure(rec.error());
  if (!rec->contract_address) {
    last_failure_ = failure{error::malformed_response, 0, "deploy receipt without contract address", {}};
    return chain::error::backend_failure;
  }
  last_gas_used_ = rec->gas_used;
  const bank_id id{banks_.size()};
  banks_.push_back(*rec->contract_address);
  ids_.emplace(*rec->contract_address, id);
  // Its creation log is in a block the event log has not reached yet, unless a sync ran after it.
  if (synced_any_ && rec->block_number <= synced_block_) backfill_.push_back(id);
  return id;
}

status<chain::error> backend::deposit(const address& caller, bank_id bank, amount value) {
  auto sent = transact(caller, bank, virtual_bank::deposit_call(), value);
  if (sent || sent.error() != chain::error::backend_failure || !last_failure_) return sent;
  // The node refuses a value the account cannot pay before the contract runs; the ledger names
  // the contract's own reasons first, so check those from the bank's state.
  if (last_failure_->message.find("insufficient funds") == std::string::npos) return sent;
  CW_TRY(view, state(bank));
  const auto who = view.party_of(caller);
  if (!who) return chain::error::not_a_client;
  if (view.state != chain::bank_state::funding) return chain::error::wrong_state;
  if (view.deposited[protocol::index_of(*who)]) return chain::error::already_deposited;
  if (value != view.deposits[protocol::index_of(*who)]) return chain::error::wrong_deposit_amount;
  return chain::error::insufficient_funds;
}

status<chain::error> backend::cancel(const address& caller, bank_id bank) {
  return transact(caller, bank, virtual_bank::cancel_call());
}

status<chain::error> backend::cash(const address& caller, bank_id bank, const cash_args& args) {
  return transact(caller, bank, virtual_bank::cash_call(args.commitment, args.defender_sig));
}

status<chain::error> backend::claim_htlc(const address& caller, bank_id bank, const claim_htlc_args& args) {
  return transact(caller, bank, virtual_bank::claim_htlc_call(args.index, args.preimage));
}

status<chain::error> backend::punish(const address& caller, bank_id bank, const punish_args& args) {
  return transact(caller, bank, virtual_bank::punish_call(args.revocation_sig));
}

status<chain::error> backend::withdraw(const address& caller, bank_id bank) {
  return transact(caller, bank, virtual_bank::withdraw_call());
}

status<chain::error> backend::close(const address& caller, bank_id bank, const close_args& args) {
  return transact(caller, bank, virtual_bank::close_call(args.balances[0], args.balances[1], args.sig0, args.sig1));
}

status<chain::error> backend::collect(const address& caller, bank_id bank, const address& to) {
  return transact(caller, bank, virtual_bank::collect_call(to));
}

result<bank_view, chain::error> backend::state(bank_id bank) const {
  auto addr = address_of(bank);
  if (!addr) return chain::error::unknown_bank;
  // Read everything at one block, so the view is never torn between two transactions.
  auto head = rpc_->block(block_ref::latest());
  if (!head) return map_failure(head.error());
  const block_ref at = block_ref::number(head->number);
  auto raw = rpc_->call(call_request{std::nullopt, *addr, 0, virtual_bank::info_call()}, at);
  if (!raw) return map_failure(raw.error());
  auto info = virtual_bank::decode_info(*raw);
  if (!info) return map_failure(failure{error::malformed_response, 0, "info(): unexpected return data", {}});

  bank_view v;
  v.id = bank;
  v.bank_address = *addr;
  v.state = to_chain(info->state);
  v.clients = info->clients;
  v.deposits = info->deposits;
  v.deposited = info->deposited;
  v.min_freeze_time_s = info->min_freeze_time_s;
  v.funding_deadline_s = info->funding_deadline_s;
  v.paid_out = info->paid_out;
  if (info->cashed) {
    cashed_commitment c;
    c.submitter = info->submitter;
    c.sequence = info->sequence;
    c.base = info->base;
    c.revocation_lock = info->revocation_lock;
    c.commitment_hash = info->commitment_hash;
    c.freeze_end_s = info->freeze_end_s;
    c.bond = info->bond;
    c.bond_paid = info->bond_paid;
    for (std::uint64_t from = 0; from < info->htlc_count; from += htlc_page) {
      auto page_raw = rpc_->call(call_request{std::nullopt, *addr, 0, virtual_bank::htlcs_call(from, htlc_page)}, at);
      if (!page_raw) return map_failure(page_raw.error());
      auto page = virtual_bank::decode_htlcs(*page_raw);
      if (!page) return map_failure(failure{error::malformed_response, 0, "htlcs(): unexpected return data", {}});
      for (const auto& h : *page) c.htlcs.push_back(bank_htlc{h.terms, to_chain(h.outcome), h.paid});
    }
    if (c.htlcs.size() != info->htlc_count) {
      return map_failure(failure{error::malformed_response, 0, "htlcs(): fewer HTLCs than htlcCount", {}});
    }
    v.cashed = std::move(c);
  }
  return v;
}

status<chain::error> backend::sync_events() const {
  auto head = rpc_->block(block_ref::latest());
  if (!head) return map_failure(head.error());
  std::unordered_map<std::uint64_t, std::uint64_t> block_time;
  block_time[head->number] = head->timestamp_s;

  auto append = [&](std::vector<address> addrs, std::uint64_t from_block, std::uint64_t to_block) -> status<chain::error> {
    if (addrs.empty() || from_block > to_block) return {};
    auto logs = rpc_->logs(log_filter{std::move(addrs), from_block, to_block, std::nullopt});
    if (!logs) return map_failure(logs.error());
    std::sort(logs->begin(), logs->end(), [](const log_entry& a, const log_entry& b) {
      return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
    });
    for (const auto& log : *logs) {
      auto decoded = virtual_bank::decode_event(log);
      if (!decoded) return map_failure(failure{error::malformed_response, 0, "a bank log that is no bank event", {}});
      bool ok = true;
      auto body = to_body(*decoded, ok);
      if (!ok) return map_failure(failure{error::malformed_response, 0, "a bank event with bad arguments", {}});
      if (!body) continue;  // EVM-only
      auto t = block_time.find(log.block_number);
      if (t == block_time.end()) {
        auto b = rpc_->block(block_ref::number(log.block_number));
        if (!b) return map_failure(b.error());
        t = block_time.emplace(log.block_number, b->timestamp_s).first;
      }
      log_.push_back(event{ids_.at(log.address), t->second, std::move(*body)});
    }
    return {};
  };

  // Banks learnt of after the log passed their blocks: their past first (see track()).
  if (!backfill_.empty()) {
    std::vector<address> late;
    for (bank_id id : backfill_) late.push_back(banks_[id.value]);
    CW_CHECK(append(late, 0, synced_block_));
    backfill_.clear();
  }
  const std::uint64_t from = synced_any_ ? synced_block_ + 1 : 0;
  CW_CHECK(append(banks_, from, head->number));
  synced_block_ = std::max(synced_block_, head->number);
  synced_any_ = true;
  return {};
}

result<event_batch, chain::error> backend::events_since(event_cursor from) const {
  CW_CHECK(sync_events());
  event_batch batch;
  const std::uint64_t end = log_.size();
  if (from.value < end) batch.events.assign(log_.begin() + static_cast<std::ptrdiff_t>(from.value), log_.end());
  batch.next = event_cursor{std::max(from.value, end)};
  return batch;
}

std::uint64_t backend::now_s() const {
  auto head = rpc_->block(block_ref::latest());
  if (!head) {
    last_failure_ = head.error();
    return 0;
  }
  return head->timestamp_s;
}

}  // namespace clearway::chain::evm
