#include "chain/evm/virtual_bank.hpp"

#include <algorithm>

#include "chain/evm/abi.hpp"
#include "chain/evm/artifact.hpp"
#include "crypto/hash.hpp"

namespace clearway::chain::evm::virtual_bank {

namespace {

using abi::value;

byte_vector call0(std::string_view signature) { return abi::encode_call(signature, {}); }

byte_vector call1(std::string_view signature, value v) {
  const std::array<value, 1> args{std::move(v)};
  return abi::encode_call(signature, args);
}

value amount_value(protocol::amount a) { return value::uint(a.base_units()); }

struct event_spec {
  event_kind kind;
  std::string_view name;
  std::string_view signature;
  std::size_t arg_count;
};

constexpr std::array<event_spec, 15> event_specs = {{
    {event_kind::virtual_bank_created, "VirtualBankCreated",
     "VirtualBankCreated(address,address,uint256,uint256,uint256,uint256)", 6},
    {event_kind::deposit, "Deposit", "Deposit(uint8,uint256)", 2},
    {event_kind::virtual_bank_running, "VirtualBankRunning", "VirtualBankRunning()", 0},
    {event_kind::funding_cancelled, "FundingCancelled", "FundingCancelled()", 0},
    {event_kind::commitment_rsmc, "CommitmentRSMC", "CommitmentRSMC(uint8,uint32,bytes32)", 3},
    {event_kind::commitment_htlc, "CommitmentHTLC", "CommitmentHTLC(uint8,uint32,uint32,bytes32)", 4},
    {event_kind::freeze_fidelity_bond, "FreezeFidelityBond", "FreezeFidelityBond(uint8,uint256,uint256)", 3},
    {event_kind::revocation_lock_open, "RevocationLockOpen", "RevocationLockOpen(uint32)", 1},
    {event_kind::hash_lock_opened, "HashLockOpened", "HashLockOpened(uint32,uint8,bytes32)", 3},
    {event_kind::time_lock_expire, "TimeLockExpire", "TimeLockExpire(uint32,uint8)", 2},
    {event_kind::withdraw, "Withdraw", "Withdraw()", 0},
    {event_kind::cooperative_close, "CooperativeClose", "CooperativeClose(uint256,uint256)", 2},
    {event_kind::payout, "Payout", "Payout(uint8,uint256)", 2},
    {event_kind::virtual_bank_closed, "VirtualBankClosed", "VirtualBankClosed()", 0},
    {event_kind::collected, "Collected", "Collected(uint8,address,uint256)", 3},
}};

std::array<event_info, event_specs.size()> make_event_table() {
  std::array<event_info, event_specs.size()> t{};
  for (std::size_t i = 0; i < event_specs.size(); ++i) {
    const auto& s = event_specs[i];
    t[i] = {s.kind, s.name, s.signature,
            crypto::keccak256(byte_span(reinterpret_cast<const std::uint8_t*>(s.signature.data()), s.signature.size()))};
  }
  return t;
}

std::optional<protocol::party> party_of(std::optional<std::uint64_t> v) {
  if (!v || *v > 1) return std::nullopt;
  return static_cast<protocol::party>(*v);
}

std::optional<protocol::amount> amount_of(std::optional<std::uint64_t> v) {
  if (!v) return std::nullopt;
  return protocol::amount::from_base_units(*v);
}

}  // namespace

byte_vector creation_code(const std::array<crypto::address, 2>& clients,
                          const std::array<protocol::amount, 2>& deposits, std::uint64_t min_freeze_time_s,
                          std::uint64_t funding_timeout_s) {
  auto code = from_hex(virtual_bank_creation_code_hex());
  byte_vector out = code ? std::move(*code) : byte_vector{};
  const std::array<value, 4> args{
      value::tuple({value::address(clients[0]), value::address(clients[1])}),
      value::tuple({amount_value(deposits[0]), amount_value(deposits[1])}),
      value::uint(min_freeze_time_s),
      value::uint(funding_timeout_s),
  };
  const byte_vector encoded = abi::encode(args);
  out.insert(out.end(), encoded.begin(), encoded.end());
  return out;
}

byte_vector deposit_call() { return call0("deposit()"); }
byte_vector cancel_call() { return call0("cancel()"); }
byte_vector withdraw_call() { return call0("withdraw()"); }

byte_vector cash_call(const protocol::commitment& c, const crypto::signature& defender_sig) {
  std::vector<value> htlcs;
  htlcs.reserve(c.htlcs.size());
  for (const auto& h : c.htlcs) {
    htlcs.push_back(value::tuple({value::uint(static_cast<std::uint8_t>(h.offerer)), amount_value(h.value),
                                  value::fixed_bytes32(h.hash_lock), value::uint(h.time_lock_s)}));
  }
  const std::array<value, 2> args{
      value::tuple({value::address(c.bank), value::uint(c.sequence), amount_value(c.base[0]), amount_value(c.base[1]),
                    value::address(c.revocation_lock), value::uint(c.freeze_time_s), value::array(std::move(htlcs))}),
      value::bytes(defender_sig.span()),
  };
  return abi::encode_call(
      "cash((address,uint32,uint256,uint256,address,uint256,(uint8,uint256,bytes32,uint256)[]),bytes)", args);
}

byte_vector claim_htlc_call(std::uint32_t index, const bytes32& preimage) {
  const std::array<value, 2> args{value::uint(index), value::fixed_bytes32(preimage)};
  return abi::encode_call("claimHtlc(uint32,bytes32)", args);
}

byte_vector punish_call(const crypto::signature& revocation_sig) {
  return call1("punish(bytes)", value::bytes(revocation_sig.span()));
}

byte_vector close_call(protocol::amount balance0, protocol::amount balance1, const crypto::signature& sig0,
                       const crypto::signature& sig1) {
  const std::array<value, 4> args{amount_value(balance0), amount_value(balance1), value::bytes(sig0.span()),
                                  value::bytes(sig1.span())};
  return abi::encode_call("close(uint256,uint256,bytes,bytes)", args);
}

byte_vector collect_call(const crypto::address& to) { return call1("collect(address)", value::address(to)); }

byte_vector info_call() { return call0("info()"); }

std::optional<bank_info> decode_info(byte_span ret) {
  constexpr std::size_t words = 24;
  if (ret.size() != words * 32) return std::nullopt;
  const abi::reader r(ret);
  bank_info i;
  auto state = r.uint64_at(0);
  auto c0 = r.address_at(1);
  auto c1 = r.address_at(2);
  auto d0 = amount_of(r.uint64_at(3));
  auto d1 = amount_of(r.uint64_at(4));
  auto dep0 = r.bool_at(5);
  auto dep1 = r.bool_at(6);
  auto min_freeze = r.uint64_at(7);
  auto deadline = r.uint64_at(8);
  auto paid0 = amount_of(r.uint64_at(9));
  auto paid1 = amount_of(r.uint64_at(10));
  auto cashed = r.bool_at(11);
  auto submitter = party_of(r.uint64_at(12));
  auto sequence = r.uint64_at(13);
  auto base0 = amount_of(r.uint64_at(14));
  auto base1 = amount_of(r.uint64_at(15));
  auto lock = r.address_at(16);
  auto hash = r.word_at(17);
  auto freeze_end = r.uint64_at(18);
  auto bond = amount_of(r.uint64_at(19));
  auto bond_paid = r.bool_at(20);
  auto count = r.uint64_at(21);
  auto col0 = amount_of(r.uint64_at(22));
  auto col1 = amount_of(r.uint64_at(23));
  if (!state || *state > 3 || !c0 || !c1 || !d0 || !d1 || !dep0 || !dep1 || !min_freeze || !deadline || !paid0 ||
      !paid1 || !cashed || !submitter || !sequence || *sequence > UINT32_MAX || !base0 || !base1 || !lock || !hash ||
      !freeze_end || !bond || !bond_paid || !count || !col0 || !col1) {
    return std::nullopt;
  }
  i.state = static_cast<bank_state>(*state);
  i.clients = {*c0, *c1};
  i.deposits = {*d0, *d1};
  i.deposited = {*dep0, *dep1};
  i.min_freeze_time_s = *min_freeze;
  i.funding_deadline_s = *deadline;
  i.paid_out = {*paid0, *paid1};
  i.cashed = *cashed;
  i.submitter = *submitter;
  i.sequence = static_cast<std::uint32_t>(*sequence);
  i.base = {*base0, *base1};
  i.revocation_lock = *lock;
  i.commitment_hash = *hash;
  i.freeze_end_s = *freeze_end;
  i.bond = *bond;
  i.bond_paid = *bond_paid;
  i.htlc_count = *count;
  i.collected = {*col0, *col1};
  return i;
}

byte_vector htlcs_call(std::uint64_t from, std::uint64_t count) {
  const std::array<value, 2> args{value::uint(from), value::uint(count)};
  return abi::encode_call("htlcs(uint256,uint256)", args);
}

std::optional<std::vector<htlc_view>> decode_htlcs(byte_span ret) {
  constexpr std::size_t words = 6;
  auto array = abi::reader(ret).static_array_at(0, words);
  if (!array) return std::nullopt;
  std::vector<htlc_view> out;
  out.reserve(array->length);
  for (std::size_t k = 0; k < array->length; ++k) {
    const abi::reader& e = array->elements;
    const std::size_t s = k * words;
    auto offerer = party_of(e.uint64_at(s));
    auto value = amount_of(e.uint64_at(s + 1));
    auto lock = e.word_at(s + 2);
    auto time_lock = e.uint64_at(s + 3);
    auto outcome = e.uint64_at(s + 4);
    auto paid = e.bool_at(s + 5);
    if (!offerer || !value || !lock || !time_lock || !outcome || *outcome > 3 || !paid) return std::nullopt;
    htlc_view v;
    v.terms = protocol::htlc_terms{*offerer, *value, *lock, *time_lock};
    v.outcome = static_cast<htlc_outcome>(*outcome);
    v.paid = *paid;
    out.push_back(v);
  }
  return out;
}

std::span<const event_info> events() noexcept {
  static const auto table = make_event_table();  // thread-safe static initialisation, then read-only
  return table;
}

std::string_view to_string(event_kind k) noexcept {
  for (const auto& s : event_specs) {
    if (s.kind == k) return s.name;
  }
  return "unknown";
}

std::optional<std::uint64_t> bank_event::uint_arg(std::size_t i) const noexcept {
  if (i >= args.size()) return std::nullopt;
  return u64_from_word(args[i]);
}

std::optional<crypto::address> bank_event::address_arg(std::size_t i) const noexcept {
  if (i >= args.size()) return std::nullopt;
  return abi::reader(args[i].span()).address_at(0);
}

std::optional<protocol::party> bank_event::party_arg(std::size_t i) const noexcept { return party_of(uint_arg(i)); }

std::optional<bank_event> decode_event(const log_entry& log) {
  if (log.topics.size() != 1) return std::nullopt;
  const auto table = events();
  for (std::size_t e = 0; e < table.size(); ++e) {
    if (table[e].topic0 != log.topics[0]) continue;
    const event_spec& spec = event_specs[e];
    if (log.data.size() != 32 * spec.arg_count) return std::nullopt;
    bank_event out;
    out.kind = spec.kind;
    out.bank = log.address;
    out.block_number = log.block_number;
    out.log_index = log.log_index;
    const abi::reader data(log.data);
    for (std::size_t i = 0; i < spec.arg_count; ++i) out.args.push_back(*data.word_at(i));
    return out;
  }
  return std::nullopt;
}

}  // namespace clearway::chain::evm::virtual_bank
