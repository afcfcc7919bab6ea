// Crash test with real processes: a child process drives channel pairs through seeded operations
// and makes each batch durable through the store, reporting on a pipe the batch it is about to
// commit ("I", with every channel's new revision and state hash) and each durable ack ("A").
// The parent kill -9s it at a seeded point (right after an intent or an ack), reopens the
// database and checks: integrity_check and foreign keys; the stored channels are exactly the
// state after the last acked batch or after the one in flight, for all channels at once (so a
// batch is atomic and nothing acked is lost); every channel decodes and conserves its deposits,
// and both ends of each pair agree; restart reconciliation finds no broken circuit. The next
// child resumes from what the previous one left, so every iteration also tests resuming.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "base/test_seed.hpp"
#include "crypto/hash.hpp"
#include "node/store/restart_reconciliation.hpp"
#include "node/store/store.hpp"
#include "protocol/channel_state_codec.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::node {
namespace {

namespace fs = std::filesystem;
using namespace protocol::test;  // NOLINT

constexpr std::size_t pairs = 3;
constexpr std::uint64_t deposit = 1'000;
constexpr std::uint64_t now_s = 1'000'000;

crypto::key_pair key_for(std::size_t pair, std::size_t p) { return key(static_cast<std::uint8_t>(10 + 2 * pair + p)); }
channel_id id_for(std::size_t pair, std::size_t p) {
  channel_id id;
  id.bytes.fill(static_cast<std::uint8_t>(1 + 2 * pair + p));
  return id;
}
std::optional<crypto::key_pair> resolve(const crypto::address& a) {
  for (std::size_t i = 0; i < pairs; ++i) {
    for (std::size_t p : {0, 1}) {
      if (key_for(i, p).addr == a) return key_for(i, p);
    }
  }
  return std::nullopt;
}
bytes32 preimage_for(std::size_t pair, protocol::party offerer, protocol::htlc_id id) {
  bytes32 b = preimage(id);
  b.bytes[20] = static_cast<std::uint8_t>(pair);
  b.bytes[21] = static_cast<std::uint8_t>(offerer);
  return b;
}
std::string short_hash(byte_span blob) { return to_hex(crypto::sha256(blob).span()).substr(0, 16); }

// ---- Child ----------------------------------------------------------------------------------
class child_process {
 public:
  child_process(int fd, std::uint64_t seed) : fd_(fd), rng_(seed) {}

  [[noreturn]] void run(const std::string& path, int max_batches) {
    auto opened = store::open(path);
    if (!opened) die("open", to_string(opened.error()));
    store db = std::move(*opened);
    auto rows = db.list_channels();
    if (!rows) die("list", to_string(rows.error()));
    std::map<channel_id, std::uint64_t> revisions;
    for (const auto& r : *rows) revisions[r.id] = r.revision;
    if (rows->empty()) {
      for (std::size_t i = 0; i < pairs; ++i) {
        party_keys k0{key_for(i, 0), fill32(static_cast<std::uint8_t>(0x40 + i))};
        party_keys k1{key_for(i, 1), fill32(static_cast<std::uint8_t>(0x60 + i))};
        ends_.push_back(open_pair(make_config(deposit, deposit, k0, k1), k0, k1));
      }
    } else {
      auto rec = reconcile_after_restart(db, resolve);
      if (!rec || !rec->unloadable.empty() || rec->channels.size() != 2 * pairs) die("reload", "channels");
      for (std::size_t i = 0; i < pairs; ++i) {
        ends_.push_back({rec->channels[2 * i].state, rec->channels[2 * i + 1].state});
      }
    }
    const bool fresh = rows->empty();
    for (int b = 0; b < max_batches; ++b) {
      if (auto r = db.begin_batch(); !r) die("begin", to_string(r.error()));
      std::vector<std::size_t> touched;
      if (fresh && b == 0) {
        for (std::size_t i = 0; i < pairs; ++i) touched.push_back(i);
      } else {
        const auto ops = 1 + rng_() % 4;
        for (std::uint64_t o = 0; o < ops; ++o) touched.push_back(operate(db));
      }
      std::ostringstream intent;
      intent << "I " << b;
      for (std::size_t i : touched) {
        for (std::size_t p : {0, 1}) {
          const protocol::channel& c = p == 0 ? ends_[i].a : ends_[i].b;
          if (auto r = db.queue_channel(id_for(i, p), c); !r) die("queue", to_string(r.error()));
          const std::uint64_t rev = ++revisions[id_for(i, p)];
          intent << " " << (2 * i + p) << ":" << rev << ":" << short_hash(protocol::encode_channel_state(c));
        }
      }
      for (const circuit& c : circuits_) {
        if (auto r = db.queue_circuit(c); !r) die("queue circuit", to_string(r.error()));
      }
      circuits_.clear();
      say(intent.str());
      if (auto r = db.commit_batch(); !r) die("commit", to_string(r.error()));
      say("A " + std::to_string(b));
    }
    say("D");
    ::_exit(0);
  }

 private:
  void say(const std::string& line) {
    const std::string out = line + "\n";
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = ::write(fd_, out.data() + done, out.size() - done);
      if (n <= 0) ::_exit(4);
      done += static_cast<std::size_t>(n);
    }
  }
  [[noreturn]] void die(const char* what, std::string_view why) {
    say(std::string("E ") + what + ": " + std::string(why));
    ::_exit(3);
  }

  // One operation on a random pair, completed by a full round; returns the pair.
  std::size_t operate(store&) {
    const std::size_t i = rng_() % pairs;
    channel_pair& cp = ends_[i];
    const std::size_t from = rng_() % 2;
    protocol::channel& x = from == 0 ? cp.a : cp.b;
    protocol::channel& y = from == 0 ? cp.b : cp.a;
    try {
      const auto kind = rng_() % 3;
      if (kind == 0 && x.own_available().base_units() > 0) {
        pay_over(x, y, 1 + rng_() % (x.own_available().base_units() / 3 + 1));
        run_round(x, y);
      } else if (kind == 1 && x.own_available().base_units() > 2 && x.htlcs().size() < 8) {
        const protocol::htlc_id id = x.last_proposal_id(x.self()) + 1;
        const std::uint64_t cap = std::min<std::uint64_t>(20, x.own_available().base_units() / 2);
        const auto m = add_over(x, y, 1 + rng_() % cap, lock_of(preimage_for(i, x.self(), id)), now_s + 7200, now_s);
        run_round(x, y);
        circuit c;
        c.incoming_channel = id_for(i, 1 - from);  // incoming at y
        c.incoming_htlc = m.id;
        c.hash_lock = m.hash_lock;
        c.amount_in = m.value;
        c.amount_out = m.value;
        c.updated_s = ++clock_;
        circuits_.push_back(c);
      } else {
        // Resolve an HTLC offered to x (incoming at x).
        for (const protocol::htlc_view& h : x.htlcs()) {
          if (h.terms.offerer != x.peer() || h.state != protocol::htlc_state::irrevocable) continue;
          const bool fulfil = rng_() % 3 != 0;
          if (fulfil) {
            must(y.receive_fulfill(must(x.propose_fulfill(h.id, preimage_for(i, h.terms.offerer, h.id)), "fulfill")),
                 "receive fulfill");
          } else {
            must(y.receive_fail(must(x.propose_fail(h.id, protocol::fail_reason::expired), "fail")), "receive fail");
          }
          run_round(x, y);
          circuit c;
          c.incoming_channel = id_for(i, from);
          c.incoming_htlc = h.id;
          c.hash_lock = h.terms.hash_lock;
          c.amount_in = h.terms.value;
          c.amount_out = h.terms.value;
          c.state = fulfil ? circuit_state::settled : circuit_state::failed;
          if (fulfil) c.preimage = preimage_for(i, h.terms.offerer, h.id);
          if (!fulfil) c.failure = protocol::fail_reason::expired;
          c.updated_s = ++clock_;
          circuits_.push_back(c);
          break;
        }
      }
      (void)cp.a.drain_events();
      (void)cp.b.drain_events();
    } catch (const std::exception& e) {
      die("operate", e.what());
    }
    return i;
  }

  int fd_;
  std::mt19937_64 rng_;
  std::vector<channel_pair> ends_;
  std::vector<circuit> circuits_;
  std::uint64_t clock_ = 0;
};

// ---- Parent ---------------------------------------------------------------------------------
using channel_states = std::map<std::string, std::pair<std::uint64_t, std::string>>;  // index -> (rev, hash)

struct child_report {
  std::vector<channel_states> intents;  // per batch: the channels it writes
  int acked = -1;                       // last acked batch
  bool done = false;
  std::string error;
};

void parse(const std::string& line, child_report& rep) {
  std::istringstream in(line);
  std::string tag;
  in >> tag;
  if (tag == "I") {
    int b = 0;
    in >> b;
    channel_states s;
    std::string item;
    while (in >> item) {
      const auto c1 = item.find(':');
      const auto c2 = item.rfind(':');
      s[item.substr(0, c1)] = {std::stoull(item.substr(c1 + 1, c2 - c1 - 1)), item.substr(c2 + 1)};
    }
    rep.intents.push_back(s);
  } else if (tag == "A") {
    in >> rep.acked;
  } else if (tag == "D") {
    rep.done = true;
  } else {
    rep.error = line;
  }
}

// Runs a child to its kill point (kill_on_intent: after reading intent #k, else ack #k; k < 0: never).
// delay_us: how long after the kill point the kill is sent (so it lands before, inside or after
// the commit in flight); seeded, never asserted on.
child_report run_child(const std::string& path, std::uint64_t seed, int max_batches, bool kill_on_intent, int k,
                       unsigned delay_us) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    ::close(fds[0]);
    child_process(fds[1], seed).run(path, max_batches);
  }
  ::close(fds[1]);
  child_report rep;
  std::string buffer;
  bool killed = false;
  char chunk[4096];
  for (;;) {
    const ssize_t n = ::read(fds[0], chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      const std::string line = buffer.substr(0, nl);
      buffer.erase(0, nl + 1);
      parse(line, rep);
      if (!killed && k >= 0) {
        const bool hit = kill_on_intent ? static_cast<int>(rep.intents.size()) == k + 1 : rep.acked == k;
        if (hit) {
          if (delay_us > 0) ::usleep(delay_us);
          ::kill(pid, SIGKILL);  // lines already in the pipe still count: keep reading
          killed = true;
        }
      }
    }
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!killed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && rep.error.empty()) {
    rep.error = "child ended abnormally, status " + std::to_string(status);
  }
  return rep;
}

channel_states read_back(store& db) {
  channel_states out;
  auto rows = db.list_channels();
  EXPECT_TRUE(rows.has_value());
  if (!rows) return out;
  for (const auto& r : *rows) out[std::to_string(r.id.bytes[0] - 1)] = {r.revision, short_hash(r.state)};
  return out;
}

void check_channels(store& db) {
  auto rec = reconcile_after_restart(db, resolve);
  ASSERT_TRUE(rec.has_value());
  ASSERT_TRUE(rec->unloadable.empty()) << "a stored channel does not load";
  ASSERT_EQ(rec->channels.size(), 2 * pairs);
  for (std::size_t i = 0; i < pairs; ++i) {
    const protocol::channel& a = rec->channels[2 * i].state;
    const protocol::channel& b = rec->channels[2 * i + 1].state;
    for (const protocol::channel* c : {&a, &b}) {
      auto total = protocol::commitment_total(c->latest_signed_own_commitment().content);
      ASSERT_TRUE(total.has_value());
      EXPECT_EQ(total->base_units(), 2 * deposit) << "conservation, pair " << i;
      EXPECT_EQ(c->round(), protocol::round_state::idle);
    }
    EXPECT_EQ(a.sequence(), b.sequence()) << "pair " << i;
    EXPECT_EQ(a.balances(), b.balances()) << "pair " << i;
    EXPECT_EQ(a.htlcs(), b.htlcs()) << "pair " << i;
  }
  for (const half_forward& h : rec->half_forwarded) {
    EXPECT_EQ(h.action, forward_action::forward_or_fail_back) << to_string(h.action);
  }
}

TEST(StoreCrash, KillNineAtSeededPointsLosesNothingAcked) {
  const std::uint64_t seed = test_seed("node_store_crash");
  std::mt19937_64 rng(seed);
  const fs::path dir = fs::temp_directory_path() / ("clearway_store_crash_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "node.db").string();

  channel_states durable;  // as verified after the previous crash
  constexpr int iterations = 32;
  int total_acks = 0;
  int in_flight_landed = 0;
  for (int it = 0; it <= iterations; ++it) {
    const bool last = it == iterations;
    const bool on_intent = rng() % 2 == 0;
    const int k = last ? -1 : static_cast<int>(rng() % 12);
    const unsigned delay_us = on_intent ? static_cast<unsigned>(rng() % 6000) : 0;
    const child_report rep = run_child(path, rng(), last ? 6 : 40, on_intent, k, delay_us);
    ASSERT_EQ(rep.error, "") << "iteration " << it;
    if (last) {
      ASSERT_TRUE(rep.done);
    }
    total_acks += rep.acked + 1;

    auto opened = store::open(path);
    ASSERT_TRUE(opened.has_value()) << to_string(opened.error());
    store db = std::move(*opened);
    ASSERT_TRUE(db.check_integrity().has_value()) << "iteration " << it;
    const channel_states got = read_back(db);
    // The state after batch j (j = -1: before any batch of this child).
    auto after = [&](int j) {
      channel_states s = durable;
      for (int b = 0; b <= j && b < static_cast<int>(rep.intents.size()); ++b) {
        for (const auto& [ch, v] : rep.intents[b]) s[ch] = v;
      }
      return s;
    };
    const bool at_acked = got == after(rep.acked);
    const bool at_next = static_cast<int>(rep.intents.size()) > rep.acked + 1 && got == after(rep.acked + 1);
    ASSERT_TRUE(at_acked || at_next) << "iteration " << it << ": the store holds neither the last acked batch ("
                                     << rep.acked << ") nor the next one";
    in_flight_landed += at_next && !at_acked ? 1 : 0;
    check_channels(db);
    if (::testing::Test::HasFatalFailure()) return;
    durable = got;
  }
  EXPECT_GT(total_acks, iterations);
  std::fprintf(stderr, "[node_store_crash] %d iterations, %d acked batches, %d in-flight batches found durable\n",
               iterations, total_acks, in_flight_landed);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace clearway::node
