// clearway-cli: sends one RPC request to clearwayd and prints the answer (docs/operating.md).
//   clearway-cli [--data-dir D | --rpc-socket P | --rpc-listen H:P] [--token-file F] <method> [params]
// Exit codes: 0 result printed (pretty JSON on stdout); 1 the daemon answered with an error (name
// and message on stderr); 64 bad usage, unknown method or bad params; 66 token file unreadable;
// 69 no daemon at the endpoint; 74 the exchange broke off.
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "node/config/host_port.hpp"
#include "node/rpc/rpc_codec.hpp"
#include "node/socket/local_socket.hpp"
#include "tools/cli/cli_exchange.hpp"
#include "tools/cli/cli_request.hpp"

namespace {

using namespace clearway;

constexpr int ex_usage = 64;
constexpr int ex_noinput = 66;
constexpr int ex_unavailable = 69;
constexpr int ex_ioerr = 74;
constexpr int answer_timeout_ms = 60'000;  // connect waits for a handshake (10 s deadline at most)

const char* usage_text =
    "usage: clearway-cli [--data-dir D | --rpc-socket P | --rpc-listen H:P] [--token-file F] <method> [params]\n"
    "  params: key=value, or positional in the order below\n"
    "  methods: getinfo | connect <node_id>@<host:port> | listpeers\n"
    "           openchannel <node_id> <funding_msat> <peer_deposit_msat> | closechannel <channel_id> [force]\n"
    "           listchannels | listhtlcs [channel_id] | invoice <amount_msat> [description] [expiry_s]\n"
    "           releasehold <preimage> | cancelhold <payment_hash> | pay <invoice> [amount_msat] [max_fee_msat]\n"
    "           listforwards [limit] [cursor] | setpolicy key=value...\n"
    "  defaults: --data-dir clearway-data, socket D/clearwayd.sock, token D/rpc.token\n";

int usage(const std::string& problem) {
  if (!problem.empty()) std::cerr << "clearway-cli: " << problem << "\n";
  std::cerr << usage_text;
  return ex_usage;
}

struct options {
  std::string data_dir = "clearway-data";
  std::optional<std::string> rpc_socket;
  std::optional<node::config::host_port> rpc_listen;
  std::optional<std::string> token_file;
  std::string method;
  std::vector<std::string> args;
};

std::optional<std::string> read_token(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string token;
  std::getline(in, token);
  if (!token.empty() && token.back() == '\r') token.pop_back();
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage_text;
      return 0;
    }
    if (arg.rfind("--", 0) != 0) break;
    if (i + 1 >= argc) return usage(arg + " needs a value");
    const std::string value = argv[++i];
    if (arg == "--data-dir") {
      opt.data_dir = value;
    } else if (arg == "--rpc-socket") {
      opt.rpc_socket = value;
    } else if (arg == "--rpc-listen") {
      opt.rpc_listen = node::config::parse_host_port(value);
      if (!opt.rpc_listen) return usage("--rpc-listen: '" + value + "' is not host:port");
    } else if (arg == "--token-file") {
      opt.token_file = value;
    } else {
      return usage("unknown option " + arg);
    }
  }
  if (i >= argc) return usage("no method");
  if (opt.rpc_socket && opt.rpc_listen) return usage("--rpc-socket and --rpc-listen exclude each other");
  opt.method = argv[i++];
  for (; i < argc; ++i) opt.args.emplace_back(argv[i]);

  auto request = cli::build_request(opt.method, opt.args, 1);
  if (!request) return usage(opt.method + ": " + request.error().message);

  const std::string endpoint = opt.rpc_listen ? node::config::to_string(*opt.rpc_listen)
                                              : opt.rpc_socket.value_or(opt.data_dir + "/clearwayd.sock");
  auto fd = opt.rpc_listen ? node::connect_tcp(*opt.rpc_listen) : node::connect_unix(endpoint);
  if (!fd) {
    std::cerr << "clearway-cli: clearwayd is not running at " << endpoint << " (" << node::to_string(fd.error()) << ")\n";
    return ex_unavailable;
  }
  const std::string token_path = opt.token_file.value_or(opt.data_dir + "/rpc.token");
  const auto token = read_token(token_path);
  if (!token) {
    std::cerr << "clearway-cli: cannot read the RPC token file " << token_path << "\n";
    return ex_noinput;
  }

  auto answer = cli::exchange(fd->get(), node::rpc::encode_request(*request, *token), answer_timeout_ms);
  if (!answer) {
    std::cerr << "clearway-cli: no answer from clearwayd at " << endpoint << " (" << cli::to_string(answer.error()) << ")\n";
    return ex_ioerr;
  }
  auto response = node::rpc::parse_response(*answer);
  if (!response) {
    std::cerr << "clearway-cli: clearwayd sent an answer that is not an RPC response ("
              << node::rpc::to_string(response.error()) << ")\n";
    return ex_ioerr;
  }
  if (const auto* error = std::get_if<node::rpc::rpc_error_reply>(&response->outcome)) {
    std::cerr << "clearway-cli: " << error->name << ": " << error->message << "\n";
    return 1;
  }
  std::cout << std::get<nlohmann::json>(response->outcome).dump(2) << "\n";
  return 0;
}
