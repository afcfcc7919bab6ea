#include <array>
#include <map>
#include <vector>

#include "node/config/node_config.hpp"

namespace clearway::node::config {
namespace {

// One `key = value` setting with where it came from.
struct setting {
  std::string key;
  std::string value;
  std::string source;
  std::uint32_t line = 0;
};

constexpr std::array<std::string_view, 18> known_keys = {
    "network", "rpc_url", "data_dir", "identity_key_file", "listen", "rpc_socket", "rpc_listen",
    "rpc_token_file", "fee_base_msat", "fee_ppm", "time_lock_delta_s", "min_htlc_msat", "max_htlc_msat",
    "max_accepted_htlcs", "max_value_in_flight_msat", "commit_batch_max", "log_level", "metrics_listen"};

bool is_known_key(std::string_view key) noexcept {
  for (std::string_view known : known_keys) {
    if (known == key) return true;
  }
  return false;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// 'text' cut to 64 bytes, for a diagnostic's detail. Built by append (GCC 12 warns on "'" + s).
std::string quoted(std::string_view text, std::string_view suffix) {
  std::string out;
  out += '\'';
  out += text.substr(0, 64);
  out += '\'';
  out += suffix;
  return out;
}

config_diagnostic diag(config_error code, const setting& s, std::string detail = {}) {
  return config_diagnostic{code, s.source, s.line, s.key, std::move(detail)};
}

using settings = std::map<std::string, setting, std::less<>>;

// Adds one setting from a source; a key already seen in the same source is a duplicate.
result<void, config_diagnostic> add_setting(settings& seen_in_source, setting s) {
  if (!is_known_key(s.key)) return diag(config_error::unknown_key, s);
  if (auto it = seen_in_source.find(s.key); it != seen_in_source.end()) {
    return diag(config_error::duplicate_key, s, "first set on line " + std::to_string(it->second.line));
  }
  seen_in_source.emplace(s.key, std::move(s));
  return {};
}

result<settings, config_diagnostic> read_file_settings(std::string_view file_name, std::string_view text) {
  settings out;
  const std::string source(file_name);
  if (text.size() > max_config_file_bytes) {
    return config_diagnostic{config_error::file_too_large, source, 0, {},
                             "at most " + std::to_string(max_config_file_bytes) + " bytes"};
  }
  std::uint32_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto raw = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    const setting where{{}, {}, source, line_number};
    if (raw.size() > max_config_line_bytes) {
      return diag(config_error::line_too_long, where, "at most " + std::to_string(max_config_line_bytes) + " bytes");
    }
    const auto line = trim(raw);
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && c != '\t') || u == 0x7f) return diag(config_error::bad_character, where, "control character");
    }
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') return diag(config_error::section_not_supported, where, std::string(line));
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return diag(config_error::missing_equals, where, std::string(line));
    setting s{std::string(trim(line.substr(0, eq))), std::string(trim(line.substr(eq + 1))), source, line_number};
    if (s.key.empty()) return diag(config_error::empty_key, s);
    if (auto added = add_setting(out, std::move(s)); !added) return added.error();
  }
  return out;
}

result<settings, config_diagnostic> read_flag_settings(std::span<const std::string_view> flags) {
  settings out;
  const std::string source(command_line_source);
  for (std::size_t i = 0; i < flags.size(); ++i) {
    const auto arg = flags[i];
    const setting where{{}, {}, source, static_cast<std::uint32_t>(i + 1)};
    if (arg.size() < 3 || arg.substr(0, 2) != "--" || arg[2] == '=') {
      return diag(config_error::bad_flag, where, std::string(arg.substr(0, 64)));
    }
    for (char c : arg) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) return diag(config_error::bad_character, where, "control character");
    }
    const auto body = arg.substr(2);
    setting s{{}, {}, source, where.line};
    if (const auto eq = body.find('='); eq != std::string_view::npos) {
      s.key = std::string(body.substr(0, eq));
      s.value = std::string(body.substr(eq + 1));
    } else {
      s.key = std::string(body);
      if (!is_known_key(s.key)) return diag(config_error::unknown_key, s);
      if (i + 1 == flags.size()) return diag(config_error::missing_flag_value, s);
      s.value = std::string(flags[++i]);
      for (char c : s.value) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) return diag(config_error::bad_character, s, "control character");
      }
    }
    if (auto added = add_setting(out, std::move(s)); !added) return added.error();
  }
  return out;
}

result<std::uint64_t, config_diagnostic> parse_number(const setting& s, numeric_range range) {
  if (s.value.empty()) return diag(config_error::empty_value, s);
  std::uint64_t value = 0;
  for (char c : s.value) {
    if (c < '0' || c > '9') return diag(config_error::bad_number, s, quoted(s.value, " is not a decimal number"));
    if (__builtin_mul_overflow(value, std::uint64_t{10}, &value) ||
        __builtin_add_overflow(value, static_cast<std::uint64_t>(c - '0'), &value)) {
      return diag(config_error::number_overflow, s, "above 18446744073709551615");
    }
  }
  if (value < range.min || value > range.max) {
    return diag(config_error::out_of_range, s, "must be " + std::to_string(range.min) + ".." + std::to_string(range.max));
  }
  return value;
}

// any_port: a listening address, where port 0 means "any free port".
result<host_port, config_diagnostic> parse_address(const setting& s, bool any_port = false) {
  if (s.value.empty()) return diag(config_error::empty_value, s);
  auto hp = any_port ? parse_listen_host_port(s.value) : parse_host_port(s.value);
  if (!hp) return diag(config_error::bad_host_port, s, quoted(s.value, " is not host:port"));
  return *hp;
}

result<std::string, config_diagnostic> parse_path(const setting& s) {
  if (s.value.empty()) return diag(config_error::empty_value, s);
  return s.value;
}

bool is_valid_url(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") rest = url.substr(7);
  else if (url.substr(0, 8) == "https://") rest = url.substr(8);
  else return false;
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  if (authority.empty()) return false;
  // A URL may leave out the port: check the host with a stand-in port then.
  const bool has_port = authority.front() == '[' ? authority.find("]:") != std::string_view::npos
                                                 : authority.find(':') != std::string_view::npos;
  return parse_host_port(has_port ? std::string(authority) : std::string(authority) + ":1").has_value();
}

// Applies one validated setting to the config.
result<void, config_diagnostic> apply(node_config& c, const setting& s) {
  const std::string_view key = s.key;
  if (auto range = policy_key_range(key)) {
    auto v = parse_number(s, *range);
    if (!v) return v.error();
    (void)set_policy_field(c.policy, key, *v);
    return {};
  }
  if (key == "commit_batch_max") {
    auto v = parse_number(s, commit_batch_max_range);
    if (!v) return v.error();
    c.commit_batch_max = static_cast<std::uint32_t>(*v);
  } else if (key == "network") {
    if (s.value == "embedded") c.network = chain_network::embedded;
    else if (s.value == "evm") c.network = chain_network::evm;
    else return diag(config_error::bad_enum_value, s, "one of: embedded, evm");
  } else if (key == "log_level") {
    static constexpr std::array<log_level, 5> levels = {log_level::trace, log_level::debug, log_level::info,
                                                        log_level::warn, log_level::error};
    bool found = false;
    for (auto l : levels) {
      if (to_string(l) == s.value) {
        c.level = l;
        found = true;
      }
    }
    if (!found) return diag(config_error::bad_enum_value, s, "one of: trace, debug, info, warn, error");
  } else if (key == "rpc_url") {
    if (s.value.empty()) return diag(config_error::empty_value, s);
    if (!is_valid_url(s.value)) return diag(config_error::bad_url, s, "http://host[:port][/path] or https://...");
    c.rpc_url = s.value;
  } else if (key == "listen" || key == "rpc_listen" || key == "metrics_listen") {
    auto hp = parse_address(s, key != "rpc_listen");  // clearway-cli must know the RPC port in advance
    if (!hp) return hp.error();
    if (key == "listen") c.listen = *hp;
    else if (key == "metrics_listen") c.metrics_listen = *hp;
    else {
      if (!is_loopback(*hp)) return diag(config_error::rpc_not_loopback, s, "127.0.0.0/8, [::1] or localhost only");
      c.rpc_listen = *hp;
    }
  } else {
    auto path = parse_path(s);
    if (!path) return path.error();
    if (key == "data_dir") c.data_dir = *path;
    else if (key == "identity_key_file") c.identity_key_file = *path;
    else if (key == "rpc_socket") c.rpc_socket = *path;
    else if (key == "rpc_token_file") c.rpc_token_file = *path;
  }
  return {};
}

const setting* find(const settings& file, const settings& flags, std::string_view key) {
  if (auto it = flags.find(key); it != flags.end()) return &it->second;
  if (auto it = file.find(key); it != file.end()) return &it->second;
  return nullptr;
}

setting default_setting(std::string_view key) { return setting{std::string(key), {}, "<default>", 0}; }

result<node_config, config_diagnostic> build(const settings& file, const settings& flags) {
  node_config c;
  for (std::string_view key : known_keys) {
    if (const setting* s = find(file, flags, key)) {
      if (auto applied = apply(c, *s); !applied) return applied.error();
    }
  }
  // Cross-key rules, reported at the setting that made them fail.
  const setting* url = find(file, flags, "rpc_url");
  if (c.network == chain_network::evm && c.rpc_url.empty()) {
    const setting* net = find(file, flags, "network");
    return diag(config_error::missing_rpc_url, net ? *net : default_setting("network"), "network = evm needs rpc_url");
  }
  if (c.network == chain_network::embedded && url) {
    return diag(config_error::rpc_url_without_evm, *url, "rpc_url is only used with network = evm");
  }
  const setting* socket = find(file, flags, "rpc_socket");
  const setting* listen = find(file, flags, "rpc_listen");
  if (socket && listen) {
    return diag(config_error::conflicting_rpc_endpoints, *listen, "set rpc_socket or rpc_listen, not both");
  }
  if (listen) c.rpc_socket.clear();
  if (c.policy.min_htlc_msat > c.policy.max_htlc_msat) {
    const setting* min = find(file, flags, "min_htlc_msat");
    return diag(config_error::min_htlc_above_max, min ? *min : default_setting("min_htlc_msat"),
                std::to_string(c.policy.min_htlc_msat) + " > max_htlc_msat " + std::to_string(c.policy.max_htlc_msat));
  }
  return c;
}

}  // namespace

std::string_view to_string(chain_network n) noexcept {
  return n == chain_network::evm ? "evm" : "embedded";
}

std::string_view to_string(log_level l) noexcept {
  switch (l) {
    case log_level::trace: return "trace";
    case log_level::debug: return "debug";
    case log_level::info: return "info";
    case log_level::warn: return "warn";
    case log_level::error: return "error";
  }
  return "info";
}

result<node_config, config_diagnostic> load_config(std::string_view file_name, std::string_view file_text,
                                                   std::span<const std::string_view> flags) {
  auto file = read_file_settings(file_name, file_text);
  if (!file) return file.error();
  auto flag_settings = read_flag_settings(flags);
  if (!flag_settings) return flag_settings.error();
  return build(*file, *flag_settings);
}

result<node_config, config_diagnostic> parse_config_file(std::string_view file_name, std::string_view file_text) {
  return load_config(file_name, file_text, {});
}

std::string render_config(const node_config& c) {
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    out += key;
    out += " = ";
    out += value;
    out += '\n';
  };
  line("network", std::string(to_string(c.network)));
  if (c.network == chain_network::evm) line("rpc_url", c.rpc_url);
  line("data_dir", c.data_dir);
  line("identity_key_file", c.identity_key_file);
  line("listen", to_string(c.listen));
  if (c.rpc_listen) line("rpc_listen", to_string(*c.rpc_listen));
  else line("rpc_socket", c.rpc_socket);
  line("rpc_token_file", c.rpc_token_file);
  line("fee_base_msat", std::to_string(c.policy.fee_base_msat));
  line("fee_ppm", std::to_string(c.policy.fee_ppm));
  line("time_lock_delta_s", std::to_string(c.policy.time_lock_delta_s));
  line("min_htlc_msat", std::to_string(c.policy.min_htlc_msat));
  line("max_htlc_msat", std::to_string(c.policy.max_htlc_msat));
  line("max_accepted_htlcs", std::to_string(c.policy.max_accepted_htlcs));
  line("max_value_in_flight_msat", std::to_string(c.policy.max_value_in_flight_msat));
  line("commit_batch_max", std::to_string(c.commit_batch_max));
  line("log_level", std::string(to_string(c.level)));
  if (c.metrics_listen) line("metrics_listen", to_string(*c.metrics_listen));
  return out;
}

}  // namespace clearway::node::config
