// clearwayd and clearway-cli as real processes (fork/exec of the built binaries): three daemons
// on loopback connect A->B and B->C and see each other in listpeers; a connect naming the wrong
// node id fails with handshake_failed and changes nothing on B; garbage and a tampered frame sent
// to B by hand are disconnected while B keeps serving; a wrong RPC token is refused by name; a
// raw-socket scrape shows the peer gauge and the disconnect reasons; a bad config line, a
// malformed key file and a second daemon on one data_dir are each refused by name with their
// exit codes; SIGTERM stops cleanly and removes the socket; kill -9 then a restart on the same
// data_dir works. Every wait is a bounded polling loop that fails with a message; no sleep is
// used as synchronisation.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "node/socket/local_socket.hpp"
#include "tools/daemon/process_test_support.hpp"
#include "node/transport/noise_session.hpp"
#include "node/transport/wire_codec.hpp"

namespace {

using namespace clearway;
namespace transport = clearway::node::transport;
using namespace clearway::daemon::test;

std::uint64_t counter_value(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return UINT64_MAX;
  return std::stoull(text.substr(at + series.size() + 2));
}

TEST(DaemonProcess, ThreeDaemonsConnectAndSurviveBadPeers) {
  const scratch_root scratch;
  const std::string& root = scratch.path;
  daemon_proc a = start_daemon(root + "/a");
  daemon_proc b = start_daemon(root + "/b");
  daemon_proc c = start_daemon(root + "/c");
  ASSERT_FALSE(a.info.is_null() || b.info.is_null() || c.info.is_null());

  auto ab = a.cli({"connect", b.address()});
  ASSERT_EQ(ab.code, 0) << ab.err;
  EXPECT_EQ(nlohmann::json::parse(ab.out)["node_id"], b.node_id());
  auto bc = b.cli({"connect", c.address()});
  ASSERT_EQ(bc.code, 0) << bc.err;
  EXPECT_TRUE(has_peer(a.peers(), b.node_id()));
  // The responder side sees the peer once its own sweep ran: wait for it, bounded.
  wait_until([&] { return has_peer(b.peers(), a.node_id()) && has_peer(b.peers(), c.node_id()); }, "B to list A and C");
  wait_until([&] { return has_peer(c.peers(), b.node_id()); }, "C to list B");
  EXPECT_EQ(b.peers().size(), 2u);

  // C's node id at B's address: B cannot open act one, the handshake fails, B keeps its peers.
  auto wrong = a.cli({"connect", c.node_id() + "@127.0.0.1:" + std::to_string(b.port())});
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.err.find("handshake_failed"), std::string::npos) << wrong.err;
  EXPECT_EQ(b.peers().size(), 2u);

  // Garbage instead of act one.
  {
    auto raw = node::connect_tcp({"127.0.0.1", b.port()});
    ASSERT_TRUE(raw.has_value());
    std::vector<std::uint8_t> junk(200);
    for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<std::uint8_t>(i * 37 + 11);
    send_all(raw->get(), junk);
    wait_until([&] { return closed_by_peer(raw->get()); }, "B to drop the garbage client");
  }
  // A correct handshake and init, then a frame with one bit flipped.
  {
    auto raw = node::connect_tcp({"127.0.0.1", b.port()});
    ASSERT_TRUE(raw.has_value());
    bytes32 material;
    material.bytes.fill(0x42);
    transport::node_id b_id = *fixed_from_hex<transport::node_id>(b.node_id());
    material.bytes[0] = 1;
    const auto ephemeral = crypto::secret_key::from_material(material);
    material.bytes[0] = 2;
    auto session = transport::noise_session::initiator(crypto::secret_key::from_material(material), b_id, ephemeral);
    ASSERT_TRUE(session.has_value());
    byte_vector out;
    session->start(out);
    send_all(raw->get(), out);
    std::vector<byte_vector> messages;
    wait_until([&] {
      std::uint8_t buf[4096];
      const ssize_t n = ::recv(raw->get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        byte_vector reply;
        EXPECT_TRUE(session->feed(byte_span(buf, static_cast<std::size_t>(n)), reply, messages).has_value());
        if (!reply.empty()) send_all(raw->get(), reply);
      }
      return session->established() && !messages.empty();  // B's init arrived
    }, "the handshake with B and B's init");
    byte_vector init_frame;
    ASSERT_TRUE(session->send(*transport::encode_wire(transport::init_message{}), init_frame).has_value());
    send_all(raw->get(), init_frame);
    byte_vector tampered;
    ASSERT_TRUE(session->send(*transport::encode_wire(transport::ping_wire{4, {}, {}}), tampered).has_value());
    tampered.back() ^= 0x01;
    send_all(raw->get(), tampered);
    wait_until([&] { return closed_by_peer(raw->get()); }, "B to drop the tampering client");
  }
  // B still serves, with the same two peers.
  auto info = b.cli({"getinfo"});
  ASSERT_EQ(info.code, 0) << info.err;
  EXPECT_EQ(nlohmann::json::parse(info.out)["peers"], 2);

  // A's token at B's socket: refused by name.
  auto bad_token = run({CLEARWAY_CLI_PATH, "--rpc-socket", b.dir + "/clearwayd.sock", "--token-file", a.dir + "/rpc.token",
                        "getinfo"}, root + "/tok");
  EXPECT_EQ(bad_token.code, 1);
  EXPECT_NE(bad_token.err.find("wrong_token"), std::string::npos) << bad_token.err;
  // Channel methods refuse bad input by name (channels themselves: daemon_channels_test).
  auto unknown = a.cli({"closechannel", std::string(64, '0')});
  EXPECT_EQ(unknown.code, 1);
  EXPECT_NE(unknown.err.find("unknown_channel"), std::string::npos) << unknown.err;
  auto garbage = a.cli({"pay", "lnbc1notours"});
  EXPECT_EQ(garbage.code, 1);
  EXPECT_NE(garbage.err.find("bad_prefix"), std::string::npos) << garbage.err;

  // Metrics of B over a raw socket.
  const std::string metrics = scrape(b.info["metrics"]["port"].get<std::uint16_t>());
  EXPECT_EQ(metrics.rfind("HTTP/1.0 200 OK", 0), 0u) << metrics.substr(0, 200);
  EXPECT_EQ(counter_value(metrics, "clearway_peers_connected"), 2u) << metrics;
  // The wrong-id connect and the garbage: handshake_failed; the flipped bit: bad_frame.
  EXPECT_EQ(counter_value(metrics, "clearway_peer_disconnects_total{reason=\"handshake_failed\"}"), 2u);
  EXPECT_EQ(counter_value(metrics, "clearway_peer_disconnects_total{reason=\"bad_frame\"}"), 1u);
  EXPECT_EQ(counter_value(metrics, "clearway_rpc_requests_total{method=\"refused\",outcome=\"wrong_token\"}"), 1u);

  // SIGTERM: exit 0, socket file gone.
  for (daemon_proc* d : {&a, &b, &c}) {
    ASSERT_EQ(::kill(d->pid, SIGTERM), 0);
    EXPECT_EQ(wait_exit(d->pid), 0) << slurp(d->dir + ".err");
    EXPECT_FALSE(exists(d->dir + "/clearwayd.sock"));
  }
}

TEST(DaemonProcess, BadConfigMalformedKeyAndSharedDataDirAreRefused) {
  const scratch_root scratch;
  const std::string& root = scratch.path;
  // A bad line: exit 64, the line named, nothing created.
  const std::string conf = root + "/bad.conf";
  std::ofstream(conf) << "# node\ndata_dir = " << root << "/never\nfee_ppm = 2000000\n";
  auto bad = run({CLEARWAYD_PATH, "--config", conf}, root + "/bad");
  EXPECT_EQ(bad.code, 64);
  EXPECT_NE(bad.err.find(conf + ":3: fee_ppm: out_of_range"), std::string::npos) << bad.err;
  EXPECT_FALSE(exists(root + "/never"));
  auto bad_flag = run({CLEARWAYD_PATH, "--data_dir=" + root + "/never", "--config", conf, "--nosuch=1"}, root + "/bad");
  EXPECT_EQ(bad_flag.code, 64);
  EXPECT_NE(bad_flag.err.find("<command line>:4: nosuch: unknown_key"), std::string::npos) << bad_flag.err;
  EXPECT_FALSE(exists(root + "/never"));
  auto help = run({CLEARWAYD_PATH, "--help"}, root + "/help");
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("usage: clearwayd"), std::string::npos);

  // A malformed identity key: exit 78, the file as it was.
  const std::string keyed = root + "/keyed";
  ASSERT_EQ(::mkdir(keyed.c_str(), 0700), 0);
  std::ofstream(keyed + "/identity.key") << "not a key\n";
  auto malformed = run({CLEARWAYD_PATH, "--data_dir=" + keyed, "--listen=127.0.0.1:0"}, root + "/mal");
  EXPECT_EQ(malformed.code, 78);
  EXPECT_NE(malformed.err.find("identity_key_malformed"), std::string::npos) << malformed.err;
  EXPECT_EQ(slurp(keyed + "/identity.key"), "not a key\n");
  std::ofstream(keyed + "/identity.key", std::ios::trunc) << std::string(64, '0') << "\n";
  auto zero = run({CLEARWAYD_PATH, "--data_dir=" + keyed, "--listen=127.0.0.1:0"}, root + "/zero");
  EXPECT_EQ(zero.code, 78);
  EXPECT_NE(zero.err.find("identity_key_invalid"), std::string::npos) << zero.err;

  // Two daemons on one data_dir: the second is refused by name and leaves the first serving.
  daemon_proc first = start_daemon(root + "/shared");
  auto second = run({CLEARWAYD_PATH, "--data_dir=" + root + "/shared", "--listen=127.0.0.1:0"}, root + "/second");
  EXPECT_EQ(second.code, 75);
  EXPECT_NE(second.err.find("data_dir_locked"), std::string::npos) << second.err;
  EXPECT_EQ(first.cli({"getinfo"}).code, 0);
  ASSERT_EQ(::kill(first.pid, SIGTERM), 0);
  EXPECT_EQ(wait_exit(first.pid), 0);

  // No daemon: the CLI says so with 69.
  auto none = first.cli({"getinfo"});
  EXPECT_EQ(none.code, 69);
  EXPECT_NE(none.err.find("not running"), std::string::npos) << none.err;
  EXPECT_EQ(first.cli({"nosuchmethod"}).code, 64);
}

TEST(DaemonProcess, KillNineThenRestartOnTheSameDataDir) {
  const scratch_root scratch;
  const std::string& root = scratch.path;
  daemon_proc d = start_daemon(root + "/n");
  ASSERT_FALSE(d.info.is_null());
  const std::string id = d.node_id();
  ASSERT_EQ(::kill(d.pid, SIGKILL), 0);
  EXPECT_EQ(wait_exit(d.pid), 128 + SIGKILL);
  EXPECT_TRUE(exists(d.dir + "/clearwayd.sock"));  // stale socket and lock file left behind
  daemon_proc again = start_daemon(root + "/n");
  ASSERT_FALSE(again.info.is_null());
  EXPECT_EQ(again.node_id(), id);  // the same identity key
  ASSERT_EQ(::kill(again.pid, SIGTERM), 0);
  EXPECT_EQ(wait_exit(again.pid), 0);
  EXPECT_FALSE(exists(again.dir + "/clearwayd.sock"));
}

// rpc_listen instead of the unix socket. The port is one the kernel just gave out and took back;
// should another process take it meanwhile, the daemon exits rpc_listen_failed and the test tries
// another port (at most 3 times).
TEST(DaemonProcess, RpcOverLoopbackTcp) {
  const scratch_root scratch;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::uint16_t port = 0;
    {
      auto probe = node::listen_tcp({"127.0.0.1", 0});
      ASSERT_TRUE(probe.has_value());
      port = node::bound_port(probe->get());
    }
    const std::string dir = scratch.path + "/t" + std::to_string(attempt);
    const std::string endpoint = "127.0.0.1:" + std::to_string(port);
    const pid_t pid = spawn({CLEARWAYD_PATH, "--data_dir=" + dir, "--listen=127.0.0.1:0", "--rpc_listen=" + endpoint,
                             "--log_level=warn"}, dir + ".out", dir + ".err");
    auto cli_tcp = [&](const std::string& token_file) {
      return run({CLEARWAY_CLI_PATH, "--rpc-listen", endpoint, "--token-file", token_file, "getinfo"}, dir + ".cli");
    };
    run_result info;
    int status = 0;
    bool exited = false;
    wait_until([&] {
      info = cli_tcp(dir + "/rpc.token");
      exited = info.code != 0 && ::waitpid(pid, &status, WNOHANG) == pid;
      return exited || info.code == 0;
    }, "clearwayd to answer on " + endpoint);
    if (exited && WIFEXITED(status) && WEXITSTATUS(status) == 71) continue;  // the port was taken meanwhile
    ASSERT_EQ(info.code, 0) << info.err << slurp(dir + ".err");
    const auto json = nlohmann::json::parse(info.out);
    EXPECT_EQ(json["rpc"]["port"], port);
    EXPECT_FALSE(exists(dir + "/clearwayd.sock"));
    std::ofstream(dir + ".badtoken") << std::string(64, '0') << "\n";
    auto refused = cli_tcp(dir + ".badtoken");
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("wrong_token"), std::string::npos) << refused.err;
    ASSERT_EQ(::kill(pid, SIGTERM), 0);
    EXPECT_EQ(wait_exit(pid), 0);
    return;
  }
  FAIL() << "three ports in a row were taken before clearwayd could bind them";
}

}  // namespace
