// Shared helpers for the channel tests: deterministic keys and seeds, an opened pair of channels,
// and one honest round driven by hand.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "crypto/hash.hpp"
#include "crypto/keys.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace clearway::protocol::test {

inline bytes32 fill32(std::uint8_t b) {
  bytes32 out;
  out.bytes.fill(b);
  return out;
}

inline crypto::key_pair key(std::uint8_t n) {
  return crypto::key_pair::from_secret(crypto::secret_key::from_material(fill32(n)));
}

inline amount sats(std::uint64_t v) { return amount::from_base_units(v); }

// A random-looking 32-byte preimage and its hash lock.
inline bytes32 preimage(std::uint64_t n) {
  bytes32 out;
  for (std::size_t i = 0; i < 8; ++i) out.bytes[i] = static_cast<std::uint8_t>(n >> (8 * i));
  out.bytes[31] = 0x5a;
  return out;
}
inline bytes32 lock_of(const bytes32& pre) { return crypto::sha256(pre.span()); }

struct step_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Unwraps a result or fails the test (gtest reports the exception with the error's name).
template <class T>
T must(result<T, channel_error> r, const char* what = "step") {
  if (!r) throw step_failed(std::string(what) + ": " + std::string(to_string(r.error())));
  return std::move(*r);
}
inline void must(status<channel_error> r, const char* what = "step") {
  if (!r) throw step_failed(std::string(what) + ": " + std::string(to_string(r.error())));
}

struct party_keys {
  crypto::key_pair keys;
  bytes32 seed;
};

inline channel_config make_config(std::uint64_t d0, std::uint64_t d1, const party_keys& p0, const party_keys& p1,
                                  std::uint8_t bank = 0xba) {
  channel_config c;
  c.bank.bytes.fill(bank);
  c.addresses = {p0.keys.addr, p1.keys.addr};
  c.public_keys = {p0.keys.pub, p1.keys.pub};
  c.deposits = {sats(d0), sats(d1)};
  c.freeze_time_s = 86'400;
  return c;
}

struct channel_pair {
  channel a;  // party 0
  channel b;  // party 1
};

// Opens a channel end to end: open/accept messages, create, the crossed commitment #0 signatures.
inline channel_pair open_pair(const channel_config& config, const party_keys& p0, const party_keys& p1) {
  const auto locks0 = derive_lock_addresses(p0.seed, 0, config.lock_batch);
  const auto locks1 = derive_lock_addresses(p1.seed, 0, config.lock_batch);
  const open_channel open = make_open_channel(config, locks0);
  must(check_open_channel(config, open), "check_open");
  const accept_channel accept = make_accept_channel(config, locks1);
  must(check_accept_channel(config, accept), "check_accept");
  channel a = must(channel::create(config, party::zero, p0.keys, p0.seed, accept.first_locks, locks0), "create a");
  channel b = must(channel::create(config, party::one, p1.keys, p1.seed, open.first_locks, locks1), "create b");
  const commit c0a = must(a.initial_commit(), "initial a");
  const commit c0b = must(b.initial_commit(), "initial b");
  must(a.receive_commit(c0b), "a gets #0");
  must(b.receive_commit(c0a), "b gets #0");
  return {std::move(a), std::move(b)};
}

inline party_keys alice() { return {key(1), fill32(0xa1)}; }
inline party_keys bob() { return {key(2), fill32(0xb2)}; }
inline party_keys carol() { return {key(3), fill32(0xc3)}; }

// One honest round: initiate, countersign + revoke, revoke, revoke.
inline void run_round(channel& initiator, channel& responder) {
  const commit c = must(initiator.initiate_commit(), "initiate");
  const auto r1 = must(responder.receive_commit(c), "responder receives initiate");
  if (!r1.countersign || !r1.revocation) throw step_failed("responder did not countersign and revoke");
  const auto r2 = must(initiator.receive_commit(*r1.countersign), "initiator receives countersign");
  if (!r2.revocation || r2.countersign) throw step_failed("initiator did not revoke");
  must(initiator.receive_revoke(*r1.revocation), "initiator receives revoke");
  must(responder.receive_revoke(*r2.revocation), "responder receives revoke");
}

// Proposals sent by `from` and received by `to`.
inline void pay_over(channel& from, channel& to, std::uint64_t value) {
  must(to.receive_pay(must(from.propose_pay(sats(value)), "propose_pay")), "receive_pay");
}
inline add_htlc add_over(channel& from, channel& to, std::uint64_t value, const bytes32& hash_lock,
                         std::uint64_t time_lock_s, std::uint64_t now_s) {
  const add_htlc m = must(from.propose_add_htlc(sats(value), hash_lock, time_lock_s, now_s), "propose_add");
  must(to.receive_add_htlc(m, now_s), "receive_add");
  return m;
}

}  // namespace clearway::protocol::test
