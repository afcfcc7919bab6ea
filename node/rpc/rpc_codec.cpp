#include "node/rpc/rpc_codec.hpp"

#include <set>
#include <vector>

#include "node/config/forwarding_policy.hpp"

namespace clearway::node::rpc {
namespace {

using json = nlohmann::json;

// Thrown only inside parse_json (never out of this file) to stop the parser early.
struct parse_stop {
  rpc_error code;
  std::string detail;
};

// Parses with duplicate-key and depth checks; nlohmann's exceptions end here.
result<json, rpc_refusal> parse_json(std::string_view text) {
  std::vector<std::set<std::string>> open_objects;
  auto check = [&open_objects](int depth, json::parse_event_t event, json& parsed) -> bool {
    if (depth > max_rpc_json_depth) throw parse_stop{rpc_error::json_too_deep, "depth " + std::to_string(depth)};
    switch (event) {
      case json::parse_event_t::object_start: open_objects.emplace_back(); break;
      case json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case json::parse_event_t::key: {
        const auto& key = parsed.get_ref<const std::string&>();
        if (!open_objects.empty() && !open_objects.back().insert(key).second) {
          throw parse_stop{rpc_error::duplicate_field, key.substr(0, 64)};
        }
        break;
      }
      default: break;
    }
    return true;
  };
  try {
    return json::parse(text.begin(), text.end(), check);
  } catch (const parse_stop& stop) {
    return rpc_refusal{stop.code, std::nullopt, stop.detail};
  } catch (const json::exception& e) {
    return rpc_refusal{rpc_error::bad_json, std::nullopt, std::string(e.what()).substr(0, 200)};
  }
}

std::optional<std::uint64_t> read_u64(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  return std::nullopt;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads a method's params object: every read marks the key, finish() refuses the unread ones.
class param_reader {
 public:
  param_reader(const json& params, std::uint64_t id) : params_(params), id_(id) {}

  [[nodiscard]] const rpc_refusal* error() const { return error_ ? &*error_ : nullptr; }

  // The value of `name`, or nullptr (with missing_param when required).
  const json* field(std::string_view name, bool required) {
    if (error_) return nullptr;
    read_.insert(std::string(name));
    const auto it = params_.find(name);
    if (it == params_.end()) {
      if (required) fail(rpc_error::missing_param, name);
      return nullptr;
    }
    return &*it;
  }

  // A non-negative integer within [min, max]; amounts and counts share this.
  std::optional<std::uint64_t> number(std::string_view name, bool required, std::uint64_t min = 0,
                                      std::uint64_t max = UINT64_MAX) {
    const json* v = field(name, required);
    if (!v) return std::nullopt;
    if (auto u = read_u64(*v)) {
      if (*u < min || *u > max) {
        fail(rpc_error::param_out_of_range, name, std::to_string(min) + ".." + std::to_string(max));
        return std::nullopt;
      }
      return u;
    }
    if (v->is_number_integer()) {
      fail(rpc_error::amount_negative, name);
    } else if (v->is_number_float()) {
      const double d = v->get<double>();
      if (d < 0) fail(rpc_error::amount_negative, name);
      else if (d >= 18446744073709551615.0) fail(rpc_error::amount_overflow, name);
      else fail(rpc_error::wrong_param_type, name, "an integer");
    } else {
      fail(rpc_error::wrong_param_type, name, "an integer");
    }
    return std::nullopt;
  }

  std::optional<amount> money(std::string_view name, bool required) {
    auto v = number(name, required);
    if (!v) return std::nullopt;
    return amount::from_base_units(*v);
  }

  std::optional<bool> boolean(std::string_view name) {
    const json* v = field(name, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      fail(rpc_error::wrong_param_type, name, "true or false");
      return std::nullopt;
    }
    return v->get<bool>();
  }

  std::optional<std::string> text(std::string_view name, bool required, std::size_t min_bytes, std::size_t max_bytes) {
    const json* v = field(name, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(rpc_error::wrong_param_type, name, "a string");
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() < min_bytes || s.size() > max_bytes) {
      fail(rpc_error::param_out_of_range, name, std::to_string(min_bytes) + ".." + std::to_string(max_bytes) + " bytes");
      return std::nullopt;
    }
    return s;
  }

  template <std::size_t N>
  std::optional<std::array<std::uint8_t, N>> hex(std::string_view name, bool required) {
    const json* v = field(name, required);
    if (!v) return std::nullopt;
    if (!v->is_string()) {
      fail(rpc_error::wrong_param_type, name, "a hex string");
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    std::array<std::uint8_t, N> out{};
    if (s.size() != 2 * N) {
      fail(rpc_error::bad_hex, name, std::to_string(2 * N) + " hex digits");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < N; ++i) {
      const int hi = hex_digit(s[2 * i]);
      const int lo = hex_digit(s[2 * i + 1]);
      if (hi < 0 || lo < 0) {
        fail(rpc_error::bad_hex, name, "not a hex digit");
        return std::nullopt;
      }
      out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
    }
    return out;
  }

  std::optional<node_id_bytes> node_id(std::string_view name) {
    auto id = hex<33>(name, true);
    if (id && (*id)[0] != 0x02 && (*id)[0] != 0x03) {
      fail(rpc_error::bad_hex, name, "a compressed public key starts with 02 or 03");
      return std::nullopt;
    }
    return id;
  }

  void fail(rpc_error code, std::string_view name, std::string_view why = {}) {
    if (error_) return;
    std::string detail(name);
    if (!why.empty()) {
      detail += ": ";
      detail += why;
    }
    error_ = rpc_refusal{code, id_, std::move(detail)};
  }

  // Refuses params the method did not read.
  void finish() {
    if (error_) return;
    for (const auto& [key, value] : params_.items()) {
      if (!read_.contains(key)) {
        fail(rpc_error::unknown_param, key.substr(0, 64));
        return;
      }
    }
  }

 private:
  const json& params_;
  std::uint64_t id_;
  std::set<std::string, std::less<>> read_;
  std::optional<rpc_refusal> error_;
};

template <class T>
std::optional<T> narrow(std::optional<std::uint64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<T>(*v);
}

rpc_params read_setpolicy(param_reader& r) {
  setpolicy_params p;
  p.channel_id = r.hex<32>("channel_id", false);
  const auto range = [](std::string_view key) { return *config::policy_key_range(key); };
  p.fee_base_msat = r.number("fee_base_msat", false, range("fee_base_msat").min, range("fee_base_msat").max);
  p.fee_ppm = narrow<std::uint32_t>(r.number("fee_ppm", false, range("fee_ppm").min, range("fee_ppm").max));
  p.time_lock_delta_s = narrow<std::uint32_t>(
      r.number("time_lock_delta_s", false, range("time_lock_delta_s").min, range("time_lock_delta_s").max));
  p.min_htlc_msat = r.number("min_htlc_msat", false, range("min_htlc_msat").min, range("min_htlc_msat").max);
  p.max_htlc_msat = r.number("max_htlc_msat", false, range("max_htlc_msat").min, range("max_htlc_msat").max);
  p.max_accepted_htlcs = narrow<std::uint32_t>(
      r.number("max_accepted_htlcs", false, range("max_accepted_htlcs").min, range("max_accepted_htlcs").max));
  p.max_value_in_flight_msat = r.number("max_value_in_flight_msat", false, range("max_value_in_flight_msat").min,
                                        range("max_value_in_flight_msat").max);
  r.finish();
  if (!r.error()) {
    if (!p.fee_base_msat && !p.fee_ppm && !p.time_lock_delta_s && !p.min_htlc_msat && !p.max_htlc_msat &&
        !p.max_accepted_htlcs && !p.max_value_in_flight_msat) {
      r.fail(rpc_error::empty_policy_update, "setpolicy", "give at least one policy key");
    } else if (p.min_htlc_msat && p.max_htlc_msat && *p.min_htlc_msat > *p.max_htlc_msat) {
      r.fail(rpc_error::min_htlc_above_max, "min_htlc_msat");
    }
  }
  return p;
}

// Reads the params of `method`; nullopt for an unknown method.
std::optional<rpc_params> read_params(std::string_view method, param_reader& r) {
  if (method == "getinfo" || method == "listchannels" || method == "listpeers") {
    r.finish();
    if (method == "getinfo") return getinfo_params{};
    if (method == "listchannels") return listchannels_params{};
    return listpeers_params{};
  }
  if (method == "connect") {
    connect_params p;
    if (auto id = r.node_id("node_id")) p.node_id = *id;
    if (auto address = r.text("address", true, 1, 300)) {
      if (auto hp = config::parse_host_port(*address)) p.address = *hp;
      else r.fail(rpc_error::bad_address, "address", "host:port");
    }
    r.finish();
    return p;
  }
  if (method == "openchannel") {
    openchannel_params p;
    if (auto id = r.node_id("node_id")) p.node_id = *id;
    if (auto funding = r.money("funding_msat", true)) p.funding_msat = *funding;
    if (auto peer = r.money("peer_deposit_msat", true)) p.peer_deposit_msat = *peer;
    r.finish();
    return p;
  }
  if (method == "closechannel") {
    closechannel_params p;
    if (auto cid = r.hex<32>("channel_id", true)) p.channel_id = *cid;
    if (auto force = r.boolean("force")) p.force = *force;
    r.finish();
    return p;
  }
  if (method == "listhtlcs") {
    listhtlcs_params p;
    p.channel_id = r.hex<32>("channel_id", false);
    r.finish();
    return p;
  }
  if (method == "invoice") {
    invoice_params p;
    if (auto value = r.money("amount_msat", true)) p.amount_msat = *value;
    if (auto d = r.text("description", false, 0, max_description_bytes)) p.description = *d;
    if (auto e = r.number("expiry_s", false, 1, max_invoice_expiry_s)) p.expiry_s = static_cast<std::uint32_t>(*e);
    if (auto h = r.boolean("hold")) p.hold = *h;
    p.payment_hash = r.hex<32>("payment_hash", false);
    r.finish();
    if (p.hold && !p.payment_hash) r.fail(rpc_error::hold_needs_payment_hash, "payment_hash");
    if (!p.hold && p.payment_hash) r.fail(rpc_error::payment_hash_without_hold, "payment_hash");
    return p;
  }
  if (method == "releasehold") {
    releasehold_params p;
    if (auto pre = r.hex<32>("preimage", true)) p.preimage = *pre;
    r.finish();
    return p;
  }
  if (method == "cancelhold") {
    cancelhold_params p;
    if (auto h = r.hex<32>("payment_hash", true)) p.payment_hash = *h;
    r.finish();
    return p;
  }
  if (method == "pay") {
    pay_params p;
    if (auto inv = r.text("invoice", true, 1, max_invoice_bytes)) p.invoice = *inv;
    p.amount_msat = r.money("amount_msat", false);
    p.max_fee_msat = r.money("max_fee_msat", false);
    r.finish();
    return p;
  }
  if (method == "listforwards") {
    listforwards_params p;
    if (auto l = r.number("limit", false, 1, max_listforwards_limit)) p.limit = static_cast<std::uint32_t>(*l);
    p.cursor = r.number("cursor", false);
    r.finish();
    return p;
  }
  if (method == "setpolicy") return read_setpolicy(r);
  return std::nullopt;
}

// params → JSON, the inverse of read_params.
struct params_to_json {
  json operator()(const getinfo_params&) const { return json::object(); }
  json operator()(const listchannels_params&) const { return json::object(); }
  json operator()(const listpeers_params&) const { return json::object(); }
  json operator()(const connect_params& p) const {
    return {{"node_id", to_hex(p.node_id)}, {"address", config::to_string(p.address)}};
  }
  json operator()(const openchannel_params& p) const {
    return {{"node_id", to_hex(p.node_id)}, {"funding_msat", p.funding_msat.base_units()},
            {"peer_deposit_msat", p.peer_deposit_msat.base_units()}};
  }
  json operator()(const closechannel_params& p) const {
    return {{"channel_id", to_hex(p.channel_id)}, {"force", p.force}};
  }
  json operator()(const listhtlcs_params& p) const {
    json out = json::object();
    if (p.channel_id) out["channel_id"] = to_hex(*p.channel_id);
    return out;
  }
  json operator()(const invoice_params& p) const {
    json out = {{"amount_msat", p.amount_msat.base_units()}, {"description", p.description},
                {"expiry_s", p.expiry_s}, {"hold", p.hold}};
    if (p.payment_hash) out["payment_hash"] = to_hex(*p.payment_hash);
    return out;
  }
  json operator()(const releasehold_params& p) const { return {{"preimage", to_hex(p.preimage)}}; }
  json operator()(const cancelhold_params& p) const { return {{"payment_hash", to_hex(p.payment_hash)}}; }
  json operator()(const pay_params& p) const {
    json out = {{"invoice", p.invoice}};
    if (p.amount_msat) out["amount_msat"] = p.amount_msat->base_units();
    if (p.max_fee_msat) out["max_fee_msat"] = p.max_fee_msat->base_units();
    return out;
  }
  json operator()(const listforwards_params& p) const {
    json out = {{"limit", p.limit}};
    if (p.cursor) out["cursor"] = *p.cursor;
    return out;
  }
  json operator()(const setpolicy_params& p) const {
    json out = json::object();
    if (p.channel_id) out["channel_id"] = to_hex(*p.channel_id);
    if (p.fee_base_msat) out["fee_base_msat"] = *p.fee_base_msat;
    if (p.fee_ppm) out["fee_ppm"] = *p.fee_ppm;
    if (p.time_lock_delta_s) out["time_lock_delta_s"] = *p.time_lock_delta_s;
    if (p.min_htlc_msat) out["min_htlc_msat"] = *p.min_htlc_msat;
    if (p.max_htlc_msat) out["max_htlc_msat"] = *p.max_htlc_msat;
    if (p.max_accepted_htlcs) out["max_accepted_htlcs"] = *p.max_accepted_htlcs;
    if (p.max_value_in_flight_msat) out["max_value_in_flight_msat"] = *p.max_value_in_flight_msat;
    return out;
  }
};

}  // namespace

std::string_view method_name(const rpc_params& params) noexcept {
  static constexpr std::string_view names[] = {"getinfo",   "connect",     "openchannel", "closechannel", "listchannels",
                                               "listpeers", "listhtlcs",   "invoice",     "releasehold",  "cancelhold",
                                               "pay",       "listforwards", "setpolicy"};
  static_assert(std::size(names) == std::variant_size_v<rpc_params>);
  return names[params.index()];
}

bool constant_time_equals(std::string_view a, std::string_view b) noexcept {
  const std::size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
    const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
    diff |= x ^ y;
  }
  return diff == 0;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 0xf];
  }
  return out;
}

result<rpc_request, rpc_refusal> parse_request(std::string_view body, std::string_view expected_token) {
  auto parsed = parse_json(body);
  if (!parsed) return parsed.error();
  const json& doc = *parsed;
  if (!doc.is_object()) return rpc_refusal{rpc_error::not_an_object, std::nullopt, "request"};
  // The id first, so every later refusal can be matched to its request.
  const auto id_it = doc.find("id");
  if (id_it == doc.end()) return rpc_refusal{rpc_error::missing_field, std::nullopt, "id"};
  const auto id = read_u64(*id_it);
  if (!id) return rpc_refusal{rpc_error::bad_id, std::nullopt, "id: an unsigned 64-bit integer"};
  for (const auto& [key, value] : doc.items()) {
    if (key != "id" && key != "token" && key != "method" && key != "params") {
      return rpc_refusal{rpc_error::extra_field, id, key.substr(0, 64)};
    }
  }
  const auto token_it = doc.find("token");
  if (token_it == doc.end()) return rpc_refusal{rpc_error::missing_field, id, "token"};
  if (!token_it->is_string() || expected_token.empty() ||
      !constant_time_equals(token_it->get_ref<const std::string&>(), expected_token)) {
    return rpc_refusal{rpc_error::wrong_token, id, {}};
  }
  const auto method_it = doc.find("method");
  if (method_it == doc.end()) return rpc_refusal{rpc_error::missing_field, id, "method"};
  if (!method_it->is_string()) return rpc_refusal{rpc_error::unknown_method, id, "method is not a string"};
  const auto& method = method_it->get_ref<const std::string&>();
  const json empty = json::object();
  const json* params = &empty;
  if (const auto p = doc.find("params"); p != doc.end()) {
    if (!p->is_object()) return rpc_refusal{rpc_error::params_not_object, id, {}};
    params = &*p;
  }
  param_reader reader(*params, *id);
  auto typed = read_params(method, reader);
  if (!typed) return rpc_refusal{rpc_error::unknown_method, id, method.substr(0, 64)};
  if (reader.error()) return *reader.error();
  return rpc_request{*id, std::move(*typed)};
}

std::string encode_request(const rpc_request& request, std::string_view token) {
  const json doc = {{"id", request.id},
                    {"token", std::string(token)},
                    {"method", std::string(method_name(request.params))},
                    {"params", std::visit(params_to_json{}, request.params)}};
  return doc.dump();
}

std::string encode_result(std::uint64_t id, const json& result) {
  return json{{"id", id}, {"result", result}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_error(std::optional<std::uint64_t> id, int code, std::string_view name, std::string_view message) {
  json doc = {{"error", {{"code", code}, {"name", std::string(name)}, {"message", std::string(message)}}}};
  doc["id"] = id ? json(*id) : json(nullptr);
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encode_refusal(const rpc_refusal& refusal) {
  return encode_error(refusal.id, static_cast<int>(refusal.code), to_string(refusal.code), refusal.detail);
}

result<rpc_response, rpc_error> parse_response(std::string_view body) {
  auto parsed = parse_json(body);
  if (!parsed) return parsed.error().code;
  const json& doc = *parsed;
  if (!doc.is_object()) return rpc_error::not_an_object;
  const auto id_it = doc.find("id");
  if (id_it == doc.end()) return rpc_error::bad_response;
  rpc_response out;
  if (!id_it->is_null()) {
    out.id = read_u64(*id_it);
    if (!out.id) return rpc_error::bad_response;
  }
  const auto result_it = doc.find("result");
  const auto error_it = doc.find("error");
  if (doc.size() != 2 || (result_it == doc.end()) == (error_it == doc.end())) return rpc_error::bad_response;
  if (result_it != doc.end()) {
    out.outcome = *result_it;
    return out;
  }
  const json& e = *error_it;
  if (!e.is_object() || e.size() != 3) return rpc_error::bad_response;
  const auto code = e.find("code");
  const auto name = e.find("name");
  const auto message = e.find("message");
  if (code == e.end() || name == e.end() || message == e.end() || !code->is_number_integer() ||
      !name->is_string() || !message->is_string()) {
    return rpc_error::bad_response;
  }
  const auto code_value = code->get<std::int64_t>();
  if (code_value < INT32_MIN || code_value > INT32_MAX) return rpc_error::bad_response;
  out.outcome = rpc_error_reply{static_cast<int>(code_value), name->get<std::string>(), message->get<std::string>()};
  return out;
}

}  // namespace clearway::node::rpc
