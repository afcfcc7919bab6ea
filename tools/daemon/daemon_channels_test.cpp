// Three clearwayd processes A-B-C on loopback with anvil as the chain (issue 6, part 5): channels
// opened on VirtualBank contracts, payments A->C through B, B killed with SIGKILL while payments
// are in flight and restarted on its data dir; afterwards every payment ended atomically, both
// ends of each channel agree, money is conserved and nothing was lost; the peers reconnect by
// themselves (stored addresses, backoff). And a node that restarts
// from an old backup and cashes the revoked commitment it holds is punished by its peer's watcher.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "base/test_seed.hpp"
#include "chain/evm/anvil_fixture.hpp"
#include "tools/daemon/process_test_support.hpp"

namespace {

using namespace clearway;
using namespace clearway::daemon::test;
using nlohmann::json;

constexpr std::uint64_t deposit_msat = 1'000'000'000;

struct evm_node {
  std::string dir;
  std::size_t key_index = 0;
  daemon_proc proc;
};

// A data dir whose identity key is anvil's dev key `i` (its account holds ether for the banks).
std::string make_dir(const std::string& root, const std::string& name, std::size_t i) {
  const std::string dir = root + "/" + name;
  std::filesystem::create_directory(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  std::ofstream(dir + "/identity.key") << to_hex(chain::evm::anvil_process::dev_key(i).bytes()) << "\n";
  std::filesystem::permissions(dir + "/identity.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return dir;
}

// port 0: any free port; else that port (a restart where its peers expect it).
daemon_proc start_evm(const std::string& dir, const std::string& rpc_url, std::uint16_t port = 0) {
  return start_daemon(dir, {"--network=evm", "--rpc_url=" + rpc_url, "--listen=127.0.0.1:" + std::to_string(port)});
}

bool connected(const daemon_proc& x, const daemon_proc& y) { return has_peer(x.peers(), y.node_id()); }

json channels_of(const daemon_proc& d) {
  auto r = d.cli({"listchannels"});
  EXPECT_EQ(r.code, 0) << r.err;
  return r.code == 0 ? json::parse(r.out)["channels"] : json::array();
}

json channel_with(const daemon_proc& d, const std::string& id) {
  for (const auto& c : channels_of(d)) {
    if (c["channel_id"] == id) return c;
  }
  return json();
}

std::string open_channel(const daemon_proc& from, const daemon_proc& to) {
  auto r = from.cli({"openchannel", to.node_id(), std::to_string(deposit_msat), std::to_string(deposit_msat)});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  if (r.code != 0) return "";
  const std::string id = json::parse(r.out)["channel_id"];
  wait_until([&] {
    const json a = channel_with(from, id);
    const json b = channel_with(to, id);
    return !a.is_null() && !b.is_null() && a["open"] == true && b["open"] == true;
  }, "channel " + id + " to open on both ends");
  return id;
}

bool calm(const std::vector<const daemon_proc*>& nodes) {
  for (const auto* d : nodes) {
    for (const auto& c : channels_of(*d)) {
      if (c["htlcs"] != 0) return false;
    }
  }
  return true;
}

// Both ends agree and the two balances add up to the deposits.
void expect_conserved(const daemon_proc& x, const daemon_proc& y, const std::string& id) {
  const json a = channel_with(x, id);
  const json b = channel_with(y, id);
  ASSERT_FALSE(a.is_null() || b.is_null());
  EXPECT_EQ(a["own_balance_msat"], b["peer_balance_msat"]);
  EXPECT_EQ(a["peer_balance_msat"], b["own_balance_msat"]);
  EXPECT_EQ(a["sequence"], b["sequence"]);
  EXPECT_EQ(a["own_balance_msat"].get<std::uint64_t>() + a["peer_balance_msat"].get<std::uint64_t>(), 2 * deposit_msat);
}

std::int64_t own_total(const daemon_proc& d) {
  std::int64_t total = 0;
  for (const auto& c : channels_of(d)) total += c["own_balance_msat"].get<std::int64_t>();
  return total;
}

class DaemonChannels : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = &chain::evm::testing::shared_anvil();
    ASSERT_TRUE(env_->ok()) << env_->start_error;
  }
  chain::evm::testing::anvil_env* env_ = nullptr;
};

TEST_F(DaemonChannels, PaymentsThroughBSurviveKillNineOfB) {
  const std::uint64_t seed = test_seed("daemon_kill9");
  std::mt19937_64 rng(seed);
  const scratch_root scratch;
  const std::string url = env_->anvil->url();
  daemon_proc a = start_evm(make_dir(scratch.path, "a", 0), url);
  daemon_proc b = start_evm(make_dir(scratch.path, "b", 1), url);
  daemon_proc c = start_evm(make_dir(scratch.path, "c", 2), url);
  ASSERT_FALSE(a.info.is_null() || b.info.is_null() || c.info.is_null());
  ASSERT_EQ(a.cli({"connect", b.address()}).code, 0);
  ASSERT_EQ(b.cli({"connect", c.address()}).code, 0);
  const std::string ab = open_channel(a, b);
  const std::string bc = open_channel(b, c);
  ASSERT_FALSE(ab.empty() || bc.empty());
  // B's policy reached C and A (the invoice's route hint needs it).
  wait_until([&] {
    auto r = c.cli({"invoice", "1000"});
    return r.code == 0 && r.out.find("cwi1") != std::string::npos &&
           json::parse(r.out)["invoice"].get<std::string>().size() > 4 + 2 * (33 + 32 + 8 + 8 + 4 + 8 + 1 + 65);
  }, "an invoice of C with B as its route hint");
  const std::int64_t a0 = own_total(a);
  const std::int64_t b0 = own_total(b);
  const std::int64_t c0 = own_total(c);

  // Payments with distinct amounts, each paid by its own CLI process; B is killed after a
  // seeded number of them started (twice), and restarted on its data dir.
  constexpr int payments = 10;
  const std::set<int> kill_after{static_cast<int>(1 + rng() % 4), static_cast<int>(5 + rng() % 4)};
  std::vector<pid_t> payers;
  std::vector<std::uint64_t> amounts;
  for (int i = 0; i < payments; ++i) {
    const std::uint64_t amount = 1'000'000 + static_cast<std::uint64_t>(i) * 10'007;
    auto inv = c.cli({"invoice", std::to_string(amount)});
    ASSERT_EQ(inv.code, 0) << inv.err;
    amounts.push_back(amount);
    payers.push_back(spawn({CLEARWAY_CLI_PATH, "--data-dir", a.dir, "pay", json::parse(inv.out)["invoice"]},
                           a.dir + ".pay" + std::to_string(i) + ".out", a.dir + ".pay" + std::to_string(i) + ".err"));
    if (kill_after.contains(i + 1)) {
      ::kill(b.pid, SIGKILL);
      EXPECT_EQ(wait_exit(b.pid), 128 + SIGKILL);
      b = start_evm(b.dir, url, b.port());  // same data dir, key and port
      ASSERT_FALSE(b.info.is_null());
      // Nobody runs connect: A dials B again (its connection dropped), B dials C (stored address).
      ASSERT_TRUE(wait_until([&] { return connected(a, b) && connected(b, c); }, "the peers to reconnect by themselves"));
    }
  }
  // Every pay ends (succeeded or failed by name), and every HTLC is resolved.
  std::uint64_t paid = 0;
  int succeeded = 0;
  for (int i = 0; i < payments; ++i) {
    const int code = wait_exit(payers[static_cast<std::size_t>(i)], 90'000);
    const std::string out = slurp(a.dir + ".pay" + std::to_string(i) + ".out");
    const std::string err = slurp(a.dir + ".pay" + std::to_string(i) + ".err");
    ASSERT_TRUE(code == 0 || code == 1) << "pay " << i << " exited " << code << ": " << err;
    if (code == 0) {
      paid += amounts[static_cast<std::size_t>(i)];
      ++succeeded;
    } else {
      // Failed on the way, or refused before anything moved while B was down or reconnecting.
      EXPECT_TRUE(err.find("payment_failed") != std::string::npos || err.find("peer_unavailable") != std::string::npos)
          << err;
    }
  }
  std::fprintf(stderr, "[daemon_kill9] %d of %d payments succeeded around two kills of B\n", succeeded, payments);
  ASSERT_TRUE(wait_until([&] { return calm({&a, &b, &c}); }, "every HTLC resolved", 60'000));
  expect_conserved(a, b, ab);
  expect_conserved(b, c, bc);
  // Atomic and nothing lost: C got exactly the payments A was told succeeded; A paid that plus
  // B's fees; B is never poorer.
  EXPECT_EQ(own_total(c) - c0, static_cast<std::int64_t>(paid));
  EXPECT_GE(own_total(b), b0);
  EXPECT_EQ(a0 - own_total(a), static_cast<std::int64_t>(paid) + (own_total(b) - b0));
  EXPECT_GT(succeeded, 0);
  for (auto* d : {&a, &b, &c}) {
    ::kill(d->pid, SIGTERM);
    EXPECT_EQ(wait_exit(d->pid), 0);
  }
}

TEST_F(DaemonChannels, ACheaterRestoredFromAnOldBackupIsPunished) {
  const scratch_root scratch;
  const std::string url = env_->anvil->url();
  daemon_proc a = start_evm(make_dir(scratch.path, "a", 0), url);
  daemon_proc b = start_evm(make_dir(scratch.path, "b", 3), url);
  ASSERT_EQ(a.cli({"connect", b.address()}).code, 0);
  const std::string ab = open_channel(a, b);
  ASSERT_FALSE(ab.empty());
  // B's backup while it holds commitment #0 (B: all of its deposit).
  ::kill(b.pid, SIGTERM);
  ASSERT_EQ(wait_exit(b.pid), 0);
  std::filesystem::copy(b.dir, b.dir + ".backup", std::filesystem::copy_options::recursive);
  b = start_evm(b.dir, url);
  ASSERT_EQ(a.cli({"connect", b.address()}).code, 0);
  // B pays A 300,000,000 msat: #0 is revoked.
  auto inv = a.cli({"invoice", "300000000"});
  ASSERT_EQ(inv.code, 0);
  auto paid = b.cli({"pay", json::parse(inv.out)["invoice"]});
  ASSERT_EQ(paid.code, 0) << paid.out << paid.err;
  // B goes back to its backup and, without talking to A, cashes what it holds: the revoked #0.
  ::kill(b.pid, SIGTERM);
  ASSERT_EQ(wait_exit(b.pid), 0);
  std::filesystem::remove_all(b.dir);
  std::filesystem::rename(b.dir + ".backup", b.dir);
  b = start_evm(b.dir, url);
  ASSERT_EQ(b.cli({"closechannel", ab, "true"}).code, 0);
  // A's watcher punishes it: the bank closes having paid A both deposits, B nothing.
  ASSERT_TRUE(wait_until([&] {
    const json c = channel_with(a, ab);
    return !c.is_null() && c.value("bank_state", "") == "closed";
  }, "A's watcher to punish B's revoked commitment", 60'000));
  const json closed = channel_with(a, ab);
  EXPECT_EQ(closed["paid_out_msat"]["own"].get<std::uint64_t>(), 2 * deposit_msat);
  EXPECT_EQ(closed["paid_out_msat"]["peer"].get<std::uint64_t>(), 0u);
  for (auto* d : {&a, &b}) {
    ::kill(d->pid, SIGTERM);
    EXPECT_EQ(wait_exit(d->pid), 0);
  }
}

}  // namespace
