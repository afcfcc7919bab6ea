#include "chain/evm/json_rpc.hpp"

#include <curl/curl.h>

#include <mutex>
#include <nlohmann/json.hpp>

namespace clearway::chain::evm {

using nlohmann::json;

namespace {

// curl_global_init is not thread-safe; run it once for the process.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

failure malformed(std::string what) { return failure{error::malformed_response, 0, std::move(what), {}}; }

std::string hex0x(byte_span data) { return "0x" + to_hex(data); }
template <std::size_t N, class Tag>
std::string hex0x(const fixed_bytes<N, Tag>& b) {
  return hex0x(b.span());
}

const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::optional<std::string_view> string_of(const json* j) {
  if (j == nullptr || !j->is_string()) return std::nullopt;
  return std::string_view(j->get_ref<const std::string&>());
}

std::optional<u128> quantity_of(const json* j) {
  auto s = string_of(j);
  if (!s) return std::nullopt;
  return u128_from_quantity(*s);
}

std::optional<std::uint64_t> u64_of(const json* j) {
  auto s = string_of(j);
  if (!s) return std::nullopt;
  return u64_from_quantity(*s);
}

std::optional<byte_vector> data_of(const json* j) {
  auto s = string_of(j);
  if (!s || s->size() < 2 || (*s)[0] != '0' || (*s)[1] != 'x') return std::nullopt;
  return from_hex(*s);
}

template <class Fixed>
std::optional<Fixed> fixed_of(const json* j) {
  auto s = string_of(j);
  if (!s) return std::nullopt;
  return fixed_from_hex<Fixed>(*s);
}

json to_json(const call_request& req) {
  json j = json::object();
  if (req.from) j["from"] = hex0x(*req.from);
  if (req.to) j["to"] = hex0x(*req.to);
  if (req.value_wei != 0) j["value"] = to_quantity(req.value_wei);
  j["input"] = hex0x(req.data);
  return j;
}

std::optional<log_entry> parse_log(const json& j) {
  log_entry out;
  auto addr = fixed_of<crypto::address>(member(j, "address"));
  auto data = data_of(member(j, "data"));
  auto block = u64_of(member(j, "blockNumber"));
  auto index = u64_of(member(j, "logIndex"));
  auto tx = fixed_of<bytes32>(member(j, "transactionHash"));
  const json* topics = member(j, "topics");
  if (!addr || !data || !block || !index || !tx || topics == nullptr || !topics->is_array()) return std::nullopt;
  for (const json& t : *topics) {
    auto topic = fixed_of<bytes32>(&t);
    if (!topic) return std::nullopt;
    out.topics.push_back(*topic);
  }
  out.address = *addr;
  out.data = std::move(*data);
  out.block_number = *block;
  out.log_index = *index;
  out.transaction_hash = *tx;
  return out;
}

std::optional<receipt> parse_receipt(const json& j) {
  receipt out;
  auto tx = fixed_of<bytes32>(member(j, "transactionHash"));
  auto status = u64_of(member(j, "status"));
  auto gas = u64_of(member(j, "gasUsed"));
  auto block = u64_of(member(j, "blockNumber"));
  auto price = quantity_of(member(j, "effectiveGasPrice"));
  const json* logs = member(j, "logs");
  if (!tx || !status || !gas || !block || !price || logs == nullptr || !logs->is_array()) return std::nullopt;
  if (const json* created = member(j, "contractAddress"); created != nullptr && !created->is_null()) {
    auto a = fixed_of<crypto::address>(created);
    if (!a) return std::nullopt;
    out.contract_address = *a;
  }
  for (const json& l : *logs) {
    auto entry = parse_log(l);
    if (!entry) return std::nullopt;
    out.logs.push_back(std::move(*entry));
  }
  out.transaction_hash = *tx;
  out.success = *status == 1;
  out.gas_used = *gas;
  out.block_number = *block;
  out.effective_gas_price_wei = *price;
  return out;
}

// A revert is recognised by its data (geth, anvil, hardhat put the revert bytes in error.data) or,
// lacking data, by its message.
failure failure_from_error_object(const json& err) {
  failure f;
  f.what = error::rpc_error;
  if (const json* code = member(err, "code"); code != nullptr && code->is_number_integer()) {
    f.code = code->get<std::int64_t>();
  }
  if (auto msg = string_of(member(err, "message"))) f.message = std::string(*msg);
  if (auto data = data_of(member(err, "data"))) {
    f.what = error::reverted;
    f.revert_data = std::move(*data);
  } else if (f.message.find("revert") != std::string::npos) {
    f.what = error::reverted;
  }
  return f;
}

}  // namespace

struct json_rpc_client::impl {
  std::string url;
  options opts;
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  std::uint64_t next_id = 1;

  impl(std::string u, options o) : url(std::move(u)), opts(o) {
    init_curl_once();
    curl = curl_easy_init();
    headers = curl_slist_append(nullptr, "Content-Type: application/json");
  }
  ~impl() {
    curl_slist_free_all(headers);
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
};

json_rpc_client::json_rpc_client(std::string url, options opts)
    : impl_(std::make_unique<impl>(std::move(url), opts)) {}
json_rpc_client::~json_rpc_client() = default;
json_rpc_client::json_rpc_client(json_rpc_client&&) noexcept = default;
json_rpc_client& json_rpc_client::operator=(json_rpc_client&&) noexcept = default;

const std::string& json_rpc_client::url() const noexcept { return impl_->url; }

result<json, failure> json_rpc_client::request(std::string_view method, const json& params) {
  impl& s = *impl_;
  if (s.curl == nullptr || s.headers == nullptr) return failure{error::connection_failed, 0, "curl init failed", {}};
  const std::uint64_t id = s.next_id++;
  const json req = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::string(method)}, {"params", params}};
  const std::string body = req.dump();
  std::string response;
  CURL* c = s.curl;
  curl_easy_reset(c);
  curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, s.headers);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s.opts.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s.opts.request_timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM-based timeouts: safe with threads
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    return failure{error::connection_failed, 0, std::string(method) + ": " + curl_easy_strerror(rc), {}};
  }
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);

  const json reply = json::parse(response, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded() || !reply.is_object()) {
    if (http != 200) return failure{error::http_status, http, std::string(method), {}};
    return malformed(std::string(method) + ": response is not a JSON object");
  }
  if (const json* err = member(reply, "error"); err != nullptr && !err->is_null()) {
    failure f = failure_from_error_object(*err);
    f.message = std::string(method) + ": " + f.message;
    return f;
  }
  if (http != 200) return failure{error::http_status, http, std::string(method), {}};
  const json* res = member(reply, "result");
  if (res == nullptr) return malformed(std::string(method) + ": no result");
  const json* rid = member(reply, "id");
  if (rid == nullptr || !rid->is_number_unsigned() || rid->get<std::uint64_t>() != id) {
    return malformed(std::string(method) + ": response id does not match");
  }
  return *res;
}

result<std::uint64_t, failure> json_rpc_client::chain_id() {
  CW_TRY(r, request("eth_chainId", json::array()));
  auto v = u64_of(&r);
  if (!v) return malformed("eth_chainId: not a quantity");
  return *v;
}

result<std::vector<crypto::address>, failure> json_rpc_client::accounts() {
  CW_TRY(r, request("eth_accounts", json::array()));
  if (!r.is_array()) return malformed("eth_accounts: not an array");
  std::vector<crypto::address> out;
  for (const json& a : r) {
    auto addr = fixed_of<crypto::address>(&a);
    if (!addr) return malformed("eth_accounts: not an address");
    out.push_back(*addr);
  }
  return out;
}

result<std::uint64_t, failure> json_rpc_client::transaction_count(const crypto::address& a, const block_ref& at) {
  CW_TRY(r, request("eth_getTransactionCount", json::array({hex0x(a), at.tag})));
  auto v = u64_of(&r);
  if (!v) return malformed("eth_getTransactionCount: not a quantity");
  return *v;
}

result<u128, failure> json_rpc_client::balance(const crypto::address& a, const block_ref& at) {
  CW_TRY(r, request("eth_getBalance", json::array({hex0x(a), at.tag})));
  auto v = quantity_of(&r);
  if (!v) return malformed("eth_getBalance: not a quantity below 2^128");
  return *v;
}

result<byte_vector, failure> json_rpc_client::code(const crypto::address& a, const block_ref& at) {
  CW_TRY(r, request("eth_getCode", json::array({hex0x(a), at.tag})));
  auto v = data_of(&r);
  if (!v) return malformed("eth_getCode: not hex data");
  return std::move(*v);
}

result<bytes32, failure> json_rpc_client::send_raw_transaction(byte_span raw) {
  CW_TRY(r, request("eth_sendRawTransaction", json::array({hex0x(raw)})));
  auto h = fixed_of<bytes32>(&r);
  if (!h) return malformed("eth_sendRawTransaction: not a hash");
  return *h;
}

result<std::optional<receipt>, failure> json_rpc_client::transaction_receipt(const bytes32& tx_hash) {
  CW_TRY(r, request("eth_getTransactionReceipt", json::array({hex0x(tx_hash)})));
  if (r.is_null()) return std::optional<receipt>{};
  auto rec = parse_receipt(r);
  if (!rec) return malformed("eth_getTransactionReceipt: unexpected shape");
  return std::optional<receipt>(std::move(*rec));
}

result<byte_vector, failure> json_rpc_client::call(const call_request& req, const block_ref& at) {
  CW_TRY(r, request("eth_call", json::array({to_json(req), at.tag})));
  auto v = data_of(&r);
  if (!v) return malformed("eth_call: not hex data");
  return std::move(*v);
}

result<std::uint64_t, failure> json_rpc_client::estimate_gas(const call_request& req) {
  CW_TRY(r, request("eth_estimateGas", json::array({to_json(req)})));
  auto v = u64_of(&r);
  if (!v) return malformed("eth_estimateGas: not a quantity");
  return *v;
}

result<u128, failure> json_rpc_client::max_priority_fee_per_gas() {
  CW_TRY(r, request("eth_maxPriorityFeePerGas", json::array()));
  auto v = quantity_of(&r);
  if (!v) return malformed("eth_maxPriorityFeePerGas: not a quantity");
  return *v;
}

result<block_header, failure> json_rpc_client::block(const block_ref& at) {
  CW_TRY(r, request("eth_getBlockByNumber", json::array({at.tag, false})));
  if (r.is_null()) return malformed("eth_getBlockByNumber: no such block");
  block_header out;
  auto number = u64_of(member(r, "number"));
  auto ts = u64_of(member(r, "timestamp"));
  auto hash = fixed_of<bytes32>(member(r, "hash"));
  if (!number || !ts || !hash) return malformed("eth_getBlockByNumber: unexpected shape");
  out.number = *number;
  out.timestamp_s = *ts;
  out.hash = *hash;
  // Absent before London: treat as zero.
  if (const json* fee = member(r, "baseFeePerGas"); fee != nullptr && !fee->is_null()) {
    auto f = quantity_of(fee);
    if (!f) return malformed("eth_getBlockByNumber: bad baseFeePerGas");
    out.base_fee_per_gas_wei = *f;
  }
  return out;
}

result<std::vector<log_entry>, failure> json_rpc_client::logs(const log_filter& filter) {
  json f = json::object();
  if (!filter.addresses.empty()) {
    json addrs = json::array();
    for (const auto& a : filter.addresses) addrs.push_back(hex0x(a));
    f["address"] = std::move(addrs);
  }
  f["fromBlock"] = to_quantity(filter.from_block);
  f["toBlock"] = filter.to_block ? to_quantity(*filter.to_block) : std::string("latest");
  if (filter.topic0) f["topics"] = json::array({hex0x(*filter.topic0)});
  CW_TRY(r, request("eth_getLogs", json::array({f})));
  if (!r.is_array()) return malformed("eth_getLogs: not an array");
  std::vector<log_entry> out;
  for (const json& l : r) {
    auto entry = parse_log(l);
    if (!entry) return malformed("eth_getLogs: unexpected log shape");
    out.push_back(std::move(*entry));
  }
  return out;
}

status<failure> json_rpc_client::increase_time(std::uint64_t seconds) {
  CW_TRY(r, request("evm_increaseTime", json::array({seconds})));
  (void)r;
  return {};
}

status<failure> json_rpc_client::set_next_block_timestamp(std::uint64_t timestamp_s) {
  CW_TRY(r, request("evm_setNextBlockTimestamp", json::array({timestamp_s})));
  (void)r;
  return {};
}

status<failure> json_rpc_client::mine() {
  CW_TRY(r, request("evm_mine", json::array()));
  (void)r;
  return {};
}

}  // namespace clearway::chain::evm
