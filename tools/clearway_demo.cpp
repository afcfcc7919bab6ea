// clearway-demo: the source article's scenarios, end to end, on the embedded bank with real keys
// and signatures. Every step is a call on protocol::channel (off chain) or on the bank (on chain);
// the program checks each outcome and exits non-zero if any differs from what the article says.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "chain/channel_watch.hpp"
#include "chain/embedded/ledger.hpp"
#include "chain/watcher.hpp"
#include "crypto/hash.hpp"
#include "protocol/channel.hpp"
#include "protocol/channel_opening.hpp"

namespace {

using namespace clearway;
using protocol::amount;
using protocol::channel;

constexpr std::uint64_t start_time_s = 1'700'000'000;
constexpr std::uint64_t hour_s = 3'600;

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("  %s %s\n", ok ? "ok  " : "FAIL", what.c_str());
  if (!ok) ++failures;
}

template <class T, class E>
T must(result<T, E> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "clearway-demo: %s failed: %s\n", what, std::string(to_string(r.error())).c_str());
    std::exit(2);
  }
  return std::move(*r);
}
template <class E>
void must(status<E> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "clearway-demo: %s failed: %s\n", what, std::string(to_string(r.error())).c_str());
    std::exit(2);
  }
}

amount units(std::uint64_t v) { return amount::from_base_units(v); }

bytes32 material(const char* label) { return crypto::sha256({reinterpret_cast<const std::uint8_t*>(label), std::char_traits<char>::length(label)}); }

struct person {
  const char* name;
  crypto::key_pair keys;
};

person make_person(const char* name) {
  return {name, crypto::key_pair::from_secret(crypto::secret_key::from_material(material(name)))};
}

void print_channel(const char* label, const channel& a, const channel& b) {
  const auto& bal = a.balances();
  std::printf("  %-34s #%u  Alice %llu  Bob %llu  HTLCs %zu   (both ends agree: %s)\n", label, a.sequence(),
              static_cast<unsigned long long>(bal[0].base_units()),
              static_cast<unsigned long long>(bal[1].base_units()), a.htlcs().size(),
              a.latest_content() == b.latest_content() || (a.balances() == b.balances() && a.sequence() == b.sequence())
                  ? "yes"
                  : "NO");
}

// One honest round: initiate, countersign + revoke, revoke (PROTOCOL.md §6.2).
void round(channel& initiator, channel& responder) {
  const auto c = must(initiator.initiate_commit(), "initiate commit");
  const auto reply = must(responder.receive_commit(c), "countersign");
  const auto back = must(initiator.receive_commit(*reply.countersign), "receive countersign");
  must(initiator.receive_revoke(*reply.revocation), "receive revoke");
  must(responder.receive_revoke(*back.revocation), "receive revoke");
}

struct opened {
  chain::bank_id bank;
  channel alice;
  channel bob;
};

opened open_channel(chain::embedded::ledger& ledger, const person& alice, const person& bob, std::uint64_t deposit,
                    const char* seed_label) {
  chain::create_args args;
  args.clients = {alice.keys.addr, bob.keys.addr};
  args.deposits = {units(deposit), units(deposit)};
  args.min_freeze_time_s = hour_s;
  args.funding_timeout_s = 24 * hour_s;
  const auto bank = must(ledger.create(alice.keys.addr, args), "create bank");
  must(ledger.deposit(alice.keys.addr, bank, units(deposit)), "Alice deposits");
  must(ledger.deposit(bob.keys.addr, bank, units(deposit)), "Bob deposits");

  protocol::channel_config config;
  config.bank = ledger.find(bank)->bank_address;
  config.addresses = {alice.keys.addr, bob.keys.addr};
  config.public_keys = {alice.keys.pub, bob.keys.pub};
  config.deposits = {units(deposit), units(deposit)};
  config.freeze_time_s = 2 * hour_s;

  const bytes32 seed_a = material((std::string(seed_label) + "/alice").c_str());
  const bytes32 seed_b = material((std::string(seed_label) + "/bob").c_str());
  auto locks_a = protocol::derive_lock_addresses(seed_a, 0, config.lock_batch);
  auto locks_b = protocol::derive_lock_addresses(seed_b, 0, config.lock_batch);
  const auto open_msg = protocol::make_open_channel(config, locks_a);
  must(protocol::check_open_channel(config, open_msg), "Bob checks open_channel");
  const auto accept_msg = protocol::make_accept_channel(config, locks_b);
  must(protocol::check_accept_channel(config, accept_msg), "Alice checks accept_channel");
  auto a = must(channel::create(config, protocol::party::zero, alice.keys, seed_a, accept_msg.first_locks, locks_a),
                "Alice's channel");
  auto b = must(channel::create(config, protocol::party::one, bob.keys, seed_b, open_msg.first_locks, locks_b),
                "Bob's channel");
  const auto c0a = must(a.initial_commit(), "Alice signs #0");
  const auto c0b = must(b.initial_commit(), "Bob signs #0");
  (void)must(a.receive_commit(c0b), "Alice takes #0");
  (void)must(b.receive_commit(c0a), "Bob takes #0");
  return {bank, std::move(a), std::move(b)};
}

// Runs the watcher's decisions for one party and makes the calls.
int run_watcher(chain::embedded::ledger& ledger, chain::bank_id bank, const chain::watch_record& record) {
  const auto view = must(ledger.state(bank), "bank state");
  const auto calls = must(chain::decide(record, view, {ledger.now_s(), false}), "watcher decides");
  for (const auto& call : calls) must(chain::execute(ledger, record.self_address, bank, call), "watcher call");
  return static_cast<int>(calls.size());
}

unsigned long long u(amount a) { return static_cast<unsigned long long>(a.base_units()); }

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    std::fprintf(stderr, "usage: %s\n  Runs the article's channel scenarios end to end and prints what happened.\n",
                 argv[0]);
    return 64;
  }
  chain::embedded::ledger ledger({start_time_s, material("clearway-demo ledger")});
  const person alice = make_person("Alice");
  const person bob = make_person("Bob");
  must(ledger.mint(alice.keys.addr, units(200)), "fund Alice");
  must(ledger.mint(bob.keys.addr, units(200)), "fund Bob");
  std::printf("Clearway demo: the article's channel on the embedded bank (real secp256k1 signatures)\n");
  std::printf("  Alice %s\n  Bob   %s\n", ("0x" + to_hex(alice.keys.addr)).c_str(), ("0x" + to_hex(bob.keys.addr)).c_str());

  std::printf("\n1. Open: a bank holds both deposits, the parties sign commitment #0 [100,100]\n");
  auto ch = open_channel(ledger, alice, bob, 100, "channel-1");
  print_channel("after opening", ch.alice, ch.bob);
  check(ledger.find(ch.bank)->state == chain::bank_state::running, "bank is Running with 200 deposited");
  check(ch.alice.balances() == std::array{units(100), units(100)}, "commitment #0 is [100,100]");

  std::printf("\n2. RSMC: Alice pays Bob 10 (one round: new pair #1 signed, old pair #0 revoked)\n");
  const auto pay_msg = must(ch.alice.propose_pay(units(10)), "Alice proposes pay");
  must(ch.bob.receive_pay(pay_msg), "Bob receives pay");
  round(ch.alice, ch.bob);
  print_channel("after pay 10", ch.alice, ch.bob);
  check(ch.alice.balances() == std::array{units(90), units(110)}, "commitment #1 is [90,110]");
  check(ch.alice.highest_peer_revoked() == 0u && ch.bob.highest_peer_revoked() == 0u, "both revoked #0");

  std::printf("\n3. HTLC: Alice offers Bob 5 against H = sha256(R), time lock now + 2 h\n");
  const bytes32 preimage = material("the preimage R");
  const bytes32 hash_lock = crypto::sha256(preimage.span());
  const auto now = ledger.now_s();
  const auto add = must(ch.alice.propose_add_htlc(units(5), hash_lock, now + 2 * hour_s, now), "Alice adds HTLC");
  must(ch.bob.receive_add_htlc(add, now), "Bob receives HTLC");
  round(ch.alice, ch.bob);
  print_channel("HTLC committed", ch.alice, ch.bob);
  check(ch.alice.balances() == std::array{units(85), units(110)} && ch.alice.htlcs().size() == 1,
        "commitment #2 is [85,110] + HTLC 5");
  const auto fulfill = must(ch.bob.propose_fulfill(add.id, preimage), "Bob reveals R");
  must(ch.alice.receive_fulfill(fulfill), "Alice checks R");
  round(ch.bob, ch.alice);
  print_channel("R revealed, HTLC -> RSMC", ch.alice, ch.bob);
  check(ch.alice.balances() == std::array{units(85), units(115)} && ch.alice.htlcs().empty(),
        "commitment #3 is [85,115]: the HTLC became a plain balance");

  std::printf("\n4. Cooperative close of channel 1: both sign [85,115], the bank pays at once\n");
  const auto req = must(ch.alice.propose_close(), "Alice proposes close");
  const auto outcome = must(ch.bob.receive_close_request(req), "Bob countersigns close");
  const auto done = must(ch.alice.receive_close_request(*outcome.reply), "Alice takes Bob's signature");
  must(ledger.close(alice.keys.addr, ch.bank, {done.result.balances, done.result.sigs[0], done.result.sigs[1]}),
       "bank close");
  check(ledger.find(ch.bank)->state == chain::bank_state::closed, "bank 1 is Closed");
  check(ledger.balance_of(alice.keys.addr) == units(185) && ledger.balance_of(bob.keys.addr) == units(215),
        "accounts: Alice 100 + 85 = 185, Bob 100 + 115 = 215");

  std::printf("\n5. Cheating: on a second channel Alice submits a revoked commitment and loses her bond\n");
  auto ch2 = open_channel(ledger, alice, bob, 50, "channel-2");
  const auto pay2 = must(ch2.alice.propose_pay(units(20)), "Alice pays 20");
  must(ch2.bob.receive_pay(pay2), "Bob receives 20");
  round(ch2.alice, ch2.bob);
  const auto old_alice_copy = ch2.alice.latest_signed_own_commitment();  // #1: [30,70]
  const auto pay3 = must(ch2.alice.propose_pay(units(25)), "Alice pays 25");
  must(ch2.bob.receive_pay(pay3), "Bob receives 25");
  round(ch2.alice, ch2.bob);
  print_channel("channel 2 now", ch2.alice, ch2.bob);
  std::printf("  Alice keeps her revoked copy #%u [%llu,%llu] and cashes it\n", old_alice_copy.content.sequence,
              u(old_alice_copy.content.base[0]), u(old_alice_copy.content.base[1]));
  must(ledger.cash(alice.keys.addr, ch2.bank, {old_alice_copy.content, old_alice_copy.peer_sig}), "Alice cashes #1");
  check(ledger.find(ch2.bank)->state == chain::bank_state::auditing, "bank 2 in Auditing, Alice's 30 frozen as bond");
  must(ledger.advance_by(hour_s / 2), "half an hour passes");
  const int calls = run_watcher(ledger, ch2.bank, chain::make_watch_record(ch2.bob));
  std::printf("  Bob's watcher made %d call(s): punish with the revealed revocation secret of #1\n", calls);
  check(ledger.find(ch2.bank)->state == chain::bank_state::closed, "bank 2 is Closed");
  check(ledger.find(ch2.bank)->paid_out == std::array{units(0), units(100)}, "Bob took everything: 100, Alice 0");

  std::printf("\nFinal balances (outside accounts)\n");
  std::printf("  Alice %llu (started with 200)\n  Bob   %llu (started with 200)\n", u(ledger.balance_of(alice.keys.addr)),
              u(ledger.balance_of(bob.keys.addr)));
  check(ledger.balance_of(alice.keys.addr) == units(135) && ledger.balance_of(bob.keys.addr) == units(265),
        "Alice 185 - 50 = 135, Bob 215 + 50 = 265");
  check(ledger.audit(), "ledger audit: every bank paid out exactly what was deposited");
  std::printf("\n%s\n", failures == 0 ? "All scenarios behaved as the article says." : "SOME SCENARIOS FAILED.");
  return failures == 0 ? 0 : 1;
}
