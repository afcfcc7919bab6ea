#include "tools/cli/cli_request.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace clearway::cli {

namespace rpc = node::rpc;

namespace {

bool is_param_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

nlohmann::json typed(const std::string& text, bool as_string) {
  if (as_string) return text;
  if (text == "true") return true;
  if (text == "false") return false;
  if (all_digits(text)) {
    // Above 2^64 - 1 becomes a float (amount_overflow); a leading zero is no JSON number, so such
    // digits stay a string (a hex id may be all digits).
    auto number = nlohmann::json::parse(text, nullptr, false);
    if (!number.is_discarded()) return number;
  }
  return text;
}

}  // namespace

std::vector<std::string_view> positional_params(std::string_view method) {
  static const std::map<std::string_view, std::vector<std::string_view>, std::less<>> table = {
      {"getinfo", {}},
      {"connect", {"node_id", "address"}},
      {"openchannel", {"node_id", "funding_msat", "peer_deposit_msat"}},
      {"closechannel", {"channel_id", "force"}},
      {"listchannels", {}},
      {"listpeers", {}},
      {"listhtlcs", {"channel_id"}},
      {"invoice", {"amount_msat", "description", "expiry_s"}},
      {"releasehold", {"preimage"}},
      {"cancelhold", {"payment_hash"}},
      {"pay", {"invoice", "amount_msat", "max_fee_msat"}},
      {"listforwards", {"limit", "cursor"}},
      {"setpolicy", {}},
  };
  const auto it = table.find(method);
  return it == table.end() ? std::vector<std::string_view>{} : it->second;
}

result<rpc::rpc_request, cli_usage_error> build_request(std::string_view method, const std::vector<std::string>& args,
                                                       std::uint64_t id) {
  std::vector<std::pair<std::string, std::string>> params;
  const auto order = positional_params(method);
  if (order.empty() && !args.empty()) {
    // A method without positional params, or no method at all: the codec names which.
    const nlohmann::json probe{{"id", id}, {"token", "cli"}, {"method", method}};
    auto known = rpc::parse_request(probe.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "cli");
    if (!known && known.error().code == rpc::rpc_error::unknown_method) {
      return cli_usage_error{"unknown_method (" + std::string(method) + ")"};
    }
  }
  std::size_t next_positional = 0;
  for (const std::string& arg : args) {
    const auto eq = arg.find('=');
    if (eq != std::string::npos && is_param_name(std::string_view(arg).substr(0, eq))) {
      params.emplace_back(arg.substr(0, eq), arg.substr(eq + 1));
      continue;
    }
    // connect node_id@host:port
    if (method == "connect" && next_positional == 0 && arg.find('@') != std::string::npos) {
      params.emplace_back("node_id", arg.substr(0, arg.find('@')));
      params.emplace_back("address", arg.substr(arg.find('@') + 1));
      next_positional = 2;
      continue;
    }
    if (next_positional >= order.size()) {
      return cli_usage_error{"too many arguments for " + std::string(method) + ": '" + arg + "'"};
    }
    params.emplace_back(std::string(order[next_positional++]), arg);
  }

  std::set<std::string> as_string;  // params the method wants as strings although they look typed
  for (;;) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, value] : params) {
      if (object.contains(key)) return cli_usage_error{"'" + key + "' given twice"};
      object[key] = typed(value, as_string.contains(key));
    }
    const nlohmann::json doc{{"id", id}, {"token", "cli"}, {"method", method}, {"params", object}};
    std::string text;
    try {
      text = doc.dump();  // strict: nlohmann throws on invalid UTF-8, the only exception here
    } catch (const nlohmann::json::exception&) {
      return cli_usage_error{"bad_utf8 (an argument is not valid UTF-8)"};
    }
    auto request = rpc::parse_request(text, "cli");
    if (request) return std::move(request).value();
    const rpc::rpc_refusal& refusal = request.error();
    const std::string param = refusal.detail.substr(0, refusal.detail.find(':'));
    if (refusal.code == rpc::rpc_error::wrong_param_type && object.contains(param) && !object[param].is_string()) {
      as_string.insert(param);
      continue;
    }
    return cli_usage_error{std::string(rpc::to_string(refusal.code)) +
                           (refusal.detail.empty() ? "" : " (" + refusal.detail + ")")};
  }
}

}  // namespace clearway::cli
