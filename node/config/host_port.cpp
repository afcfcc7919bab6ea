#include "node/config/host_port.hpp"

#include <charconv>

namespace clearway::node::config {
namespace {

bool is_dns_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool is_valid_dns_name(std::string_view host) noexcept {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
  std::size_t label = 0;
  char previous = '.';
  for (char c : host) {
    if (!is_dns_char(c)) return false;
    if (c == '.') {
      if (previous == '.' || previous == '-' ) return false;  // empty label or label ending in '-'
      label = 0;
    } else {
      if (c == '-' && previous == '.') return false;  // label starting with '-'
      if (++label > 63) return false;
    }
    previous = c;
  }
  return previous != '-';
}

bool is_valid_ipv6(std::string_view host) noexcept {
  if (host.size() < 2 || host.size() > 45) return false;
  int groups = 0;
  int double_colons = 0;
  std::size_t group_len = 0;
  for (std::size_t i = 0; i < host.size(); ++i) {
    const char c = host[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (hex) {
      if (++group_len > 4) return false;
      if (group_len == 1) ++groups;
    } else if (c == ':') {
      if (i + 1 < host.size() && host[i + 1] == ':') {
        if (++double_colons > 1) return false;
        ++i;
      } else if (i == 0 || i + 1 == host.size()) {
        return false;  // a single leading or trailing ':'
      }
      group_len = 0;
    } else {
      return false;  // embedded IPv4 and zone ids are not accepted
    }
  }
  return double_colons == 1 ? groups <= 7 : groups == 8;
}

std::optional<std::uint16_t> parse_port(std::string_view text) noexcept {
  if (text.empty() || text.size() > 5) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::optional<host_port> parse_host_port(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (!is_valid_ipv6(host)) return std::nullopt;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (!is_valid_dns_name(host)) return std::nullopt;  // also covers dotted IPv4
  }
  const auto parsed_port = parse_port(port);
  if (!parsed_port) return std::nullopt;
  return host_port{std::string(host), *parsed_port};
}

std::optional<host_port> parse_listen_host_port(std::string_view text) {
  if (text.size() > 2 && text.substr(text.size() - 2) == ":0") {
    auto hp = parse_host_port(std::string(text.substr(0, text.size() - 1)) + "1");
    if (hp) hp->port = 0;
    return hp;
  }
  return parse_host_port(text);
}

std::string to_string(const host_port& hp) {
  const bool ipv6 = hp.host.find(':') != std::string::npos;
  std::string out = ipv6 ? "[" + hp.host + "]" : hp.host;
  out += ':';
  out += std::to_string(hp.port);
  return out;
}

bool is_loopback(const host_port& hp) noexcept {
  if (hp.host == "localhost" || hp.host == "::1" || hp.host == "0:0:0:0:0:0:0:1") return true;
  // 127.a.b.c with four decimal octets.
  std::string_view h = hp.host;
  if (h.substr(0, 4) != "127.") return false;
  int octets = 0;
  std::size_t start = 0;
  while (start <= h.size()) {
    const auto dot = h.find('.', start);
    const auto part = h.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || part.size() > 3 || ec != std::errc{} || ptr != part.data() + part.size() || value > 255) return false;
    ++octets;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return octets == 4;
}

}  // namespace clearway::node::config
