#include "tools/daemon/node_daemon.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <vector>

#include "node/rpc/rpc_codec.hpp"
#include "node/socket/local_socket.hpp"
#include "tools/daemon/secret_file.hpp"

namespace clearway::daemon {

namespace config = node::config;
namespace rpc = node::rpc;
namespace transport = node::transport;

namespace {

constexpr int poll_interval_ms = 200;  // deadlines (handshake timeouts, idle RPC clients) are checked this often

// A socket file left by a daemon that was killed: nobody answers on it. A live one is refused.
result<void, daemon_failure> clear_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};
  if (!S_ISSOCK(st.st_mode)) return daemon_failure{daemon_error::rpc_listen_failed, path + " exists and is not a socket"};
  auto probe = node::connect_unix(path);
  if (probe) return daemon_failure{daemon_error::rpc_socket_in_use, path + " is served by a running process"};
  ::unlink(path.c_str());
  return {};
}

std::string listen_detail(const config::host_port& at, std::string_view why) {
  return config::to_string(at) + ": " + std::string(why);
}

}  // namespace

result<std::unique_ptr<node_daemon>, daemon_failure> node_daemon::start(const config::node_config& cfg) {
  if (auto made = prepare_data_dir(cfg.data_dir); !made) return made.error();
  auto lock = data_dir_lock::acquire(cfg.data_dir);
  if (!lock) return lock.error();

  bool created_key = false;
  bool created_token = false;
  auto key_bytes = load_or_create_secret(under_data_dir(cfg.data_dir, cfg.identity_key_file),
                                         daemon_error::identity_key_malformed,
                                         [](const bytes32& b) { return crypto::secret_key::from_bytes(b).has_value(); },
                                         created_key);
  if (!key_bytes) return key_bytes.error();
  auto identity = crypto::secret_key::from_bytes(*key_bytes);
  if (!identity) {
    return daemon_failure{daemon_error::identity_key_invalid,
                          under_data_dir(cfg.data_dir, cfg.identity_key_file) + ": not a secp256k1 secret key (0 or >= n)"};
  }
  auto token = load_or_create_secret(under_data_dir(cfg.data_dir, cfg.rpc_token_file), daemon_error::rpc_token_malformed,
                                     [](const bytes32&) { return true; }, created_token);
  if (!token) return token.error();

  const std::string store_path = under_data_dir(cfg.data_dir, store_file_name);
  auto db = node::store::open(store_path);
  if (!db) return daemon_failure{daemon_error::store_open_failed, store_path + ": " + std::string(node::to_string(db.error()))};

  const auto peer_host = node::ipv4_literal(cfg.listen.host);
  if (!peer_host) return daemon_failure{daemon_error::listen_failed, listen_detail(cfg.listen, "not an IPv4 address")};
  auto peer_listener = transport::tcp_listener::listen(*peer_host, cfg.listen.port);
  if (!peer_listener) {
    return daemon_failure{daemon_error::listen_failed, listen_detail(cfg.listen, transport::to_string(peer_listener.error()))};
  }

  std::optional<rpc::rpc_server> rpc_server;
  if (cfg.rpc_listen) {
    auto s = rpc::rpc_server::listen_tcp(*cfg.rpc_listen);
    if (!s) return daemon_failure{daemon_error::rpc_listen_failed, listen_detail(*cfg.rpc_listen, node::to_string(s.error()))};
    rpc_server.emplace(std::move(s).value());
  } else {
    const std::string path = under_data_dir(cfg.data_dir, cfg.rpc_socket);
    if (auto cleared = clear_stale_socket(path); !cleared) return cleared.error();
    auto s = rpc::rpc_server::listen_unix(path);
    if (!s) return daemon_failure{daemon_error::rpc_listen_failed, path + ": " + std::string(node::to_string(s.error()))};
    rpc_server.emplace(std::move(s).value());
  }

  std::optional<node::metrics::metrics_http_server> metrics_http;
  if (cfg.metrics_listen) {
    auto m = node::metrics::metrics_http_server::listen(*cfg.metrics_listen);
    if (!m) {
      return daemon_failure{daemon_error::metrics_listen_failed, listen_detail(*cfg.metrics_listen, node::to_string(m.error()))};
    }
    metrics_http.emplace(std::move(m).value());
  }

  std::unique_ptr<node_daemon> d(new node_daemon(cfg, std::move(lock).value(), *identity, to_hex(*token),
                                                 std::move(db).value(), std::move(peer_listener).value(),
                                                 std::move(*rpc_server)));
  if (metrics_http) {
    d->metrics_http_ = std::move(metrics_http);
    d->metrics_http_->set_source([raw = d.get()] {
      raw->metrics_.scrape_served();
      return raw->metrics_.render();
    });
  }
  if (created_key) d->log(config::log_level::info, "created a new identity key in " + cfg.data_dir);
  if (created_token) d->log(config::log_level::info, "created a new RPC token in " + cfg.data_dir);
  return d;
}

namespace {

// A busy channel exchanges about seven messages per payment each way (proposals, commits,
// revokes, routes): the transport's default of 1,000 messages/s would cut a peer paying a few
// hundred payments a second off as a flood. Still bounded: the cost per message is at most one
// signature check (~43 us), so 10,000/s is under half a core.
transport::peer_limits daemon_peer_limits() {
  transport::peer_limits limits;
  limits.max_messages_per_second = 10'000;
  limits.message_burst = 20'000;
  return limits;
}

}  // namespace

node_daemon::node_daemon(config::node_config cfg, data_dir_lock lock, crypto::secret_key identity, std::string token,
                         node::store store, transport::tcp_listener peer_listener, rpc::rpc_server rpc)
    : config_(std::move(cfg)),
      lock_(std::move(lock)),
      identity_(identity),
      rpc_token_(std::move(token)),
      store_(std::move(store)),
      peer_listener_(std::move(peer_listener)),
      peers_(identity, daemon_peer_limits(), metrics_),
      rpc_(std::move(rpc)),
      dispatch_(*this) {
  rpc_.set_handler([this](rpc::rpc_connection_id c, std::string_view body) { on_rpc_request(c, body); });
}

node_daemon::~node_daemon() {
  peers_.close_all();
  rpc_.close();
}

void node_daemon::log(config::log_level level, const std::string& text) const {
  if (level < config_.level) return;
  std::cerr << "clearwayd: " << config::to_string(level) << ": " << text << std::endl;
}

int node_daemon::run() {
  log(config::log_level::info, "node " + to_hex(peers_.local_node_id()) + " listening on " + config_.listen.host + ":" +
                                   std::to_string(peer_listener_.port()));
  std::vector<pollfd> fds;
  while (!signals_.stop_requested()) {
    fds.clear();
    fds.push_back(pollfd{signals_.read_fd(), POLLIN, 0});
    fds.push_back(pollfd{peer_listener_.fd(), POLLIN, 0});
    const std::size_t peers_at = fds.size();
    peers_.add_pollfds(fds);
    const std::size_t rpc_at = fds.size();
    rpc_.add_pollfds(fds);
    const std::size_t metrics_at = fds.size();
    if (metrics_http_) metrics_http_->add_pollfds(fds);

    if (::poll(fds.data(), fds.size(), poll_interval_ms) < 0 && errno != EINTR) {
      log(config::log_level::error, "poll failed");
      break;
    }
    const std::span<const pollfd> all(fds);
    if (fds[0].revents != 0) signals_.drain();
    peers_.on_poll(all.subspan(peers_at, rpc_at - peers_at));
    if ((fds[1].revents & POLLIN) != 0) {
      for (int fd : peer_listener_.accept_pending()) peers_.add_inbound(fd);
    }
    const std::uint64_t now = transport::monotonic_ms();
    rpc_.on_poll(all.subspan(rpc_at, metrics_at - rpc_at), now);
    if (metrics_http_) metrics_http_->on_poll(all.subspan(metrics_at), now);
    peers_.sweep(static_cast<std::int64_t>(std::time(nullptr)));
    if (turn_hook_) turn_hook_(now);
  }
  log(config::log_level::info, "stopping");
  peers_.close_all();
  rpc_.close();
  return 0;
}

void node_daemon::on_rpc_request(rpc::rpc_connection_id connection, std::string_view body) {
  auto request = rpc::parse_request(body, rpc_token_);
  if (!request) {
    metrics_.rpc_request("refused", rpc::to_string(request.error().code));
    (void)rpc_.respond(connection, rpc::encode_refusal(request.error()));
    return;
  }
  const std::uint64_t id = request->id;
  std::string method(rpc::method_name(request->params));
  dispatch_.dispatch(request->params, [this, connection, id, method](method_outcome outcome) {
    if (outcome) {
      metrics_.rpc_request(method, "ok");
      (void)rpc_.respond(connection, rpc::encode_result(id, *outcome));
    } else {
      const method_failure f = outcome.error();
      metrics_.rpc_request(method, f.name);
      (void)rpc_.respond(connection, rpc::encode_error(id, f.code, f.name, f.message));
    }
  });
}

nlohmann::json node_daemon::node_info() const {
  nlohmann::json info{
      {"node_id", to_hex(peers_.local_node_id())},
      {"version", std::string(clearwayd_version)},
      {"network", std::string(config::to_string(config_.network))},
      {"listen", {{"host", config_.listen.host}, {"port", peer_listener_.port()}}},
      {"peers", peers_.ready_count()},
      {"pid", static_cast<std::int64_t>(::getpid())},
  };
  if (config_.rpc_listen) {
    info["rpc"] = {{"host", config_.rpc_listen->host}, {"port", rpc_.port()}};
  } else {
    info["rpc"] = {{"socket", under_data_dir(config_.data_dir, config_.rpc_socket)}};
  }
  info["metrics"] = metrics_http_ ? nlohmann::json{{"host", config_.metrics_listen->host}, {"port", metrics_http_->port()}}
                                  : nlohmann::json(nullptr);
  return info;
}

void node_daemon::connect(const rpc::connect_params& params, method_reply reply) {
  const auto host = node::ipv4_literal(params.address.host);
  if (!host) {
    reply(method_failure::of(method_error::address_not_supported,
                             params.address.host + ": only IPv4 addresses and localhost are dialled (no DNS lookups)"));
    return;
  }
  transport::node_id remote;
  std::copy(params.node_id.begin(), params.node_id.end(), remote.bytes.begin());
  const std::uint16_t port = params.address.port;
  peers_.connect(remote, *host, port,
                 [this, remote, dialled = *host, port, reply = std::move(reply)](method_outcome outcome) {
                   if (outcome && connect_hook_) connect_hook_(remote, dialled, port);
                   reply(std::move(outcome));
                 });
}

nlohmann::json node_daemon::list_peers() const { return peers_.list(); }

}  // namespace clearway::daemon
