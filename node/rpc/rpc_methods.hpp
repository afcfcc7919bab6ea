// The method table of clearwayd's local RPC: one params struct per method, all fields typed.
// Money is protocol::amount (msat, uint64); ids and hashes are fixed-size byte arrays.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "node/config/host_port.hpp"
#include "protocol/amount.hpp"

namespace clearway::node::rpc {

using node_id_bytes = std::array<std::uint8_t, 33>;  // compressed secp256k1 public key
using hash_bytes = std::array<std::uint8_t, 32>;     // channel id, payment hash or preimage
using protocol::amount;

inline constexpr std::size_t max_description_bytes = 640;
inline constexpr std::size_t max_invoice_bytes = 4096;
inline constexpr std::uint32_t max_invoice_expiry_s = 365 * 24 * 3600;
inline constexpr std::uint32_t max_listforwards_limit = 1000;

struct getinfo_params {
  friend bool operator==(const getinfo_params&, const getinfo_params&) = default;
};
struct connect_params {
  node_id_bytes node_id{};
  config::host_port address;
  friend bool operator==(const connect_params&, const connect_params&) = default;
};
struct openchannel_params {
  node_id_bytes node_id{};
  amount funding_msat;
  amount peer_deposit_msat;  // what the peer deposits into the bank (the bank needs both sides > 0)
  friend bool operator==(const openchannel_params&, const openchannel_params&) = default;
};
struct closechannel_params {
  hash_bytes channel_id{};
  bool force = false;  // optional: unilateral close instead of a cooperative one
  friend bool operator==(const closechannel_params&, const closechannel_params&) = default;
};
struct listchannels_params {
  friend bool operator==(const listchannels_params&, const listchannels_params&) = default;
};
struct listpeers_params {
  friend bool operator==(const listpeers_params&, const listpeers_params&) = default;
};
struct listhtlcs_params {
  std::optional<hash_bytes> channel_id;  // optional: only this channel's HTLCs
  friend bool operator==(const listhtlcs_params&, const listhtlcs_params&) = default;
};
struct invoice_params {
  amount amount_msat;
  std::string description;              // optional, at most max_description_bytes
  std::uint32_t expiry_s = 3600;        // optional, 1..max_invoice_expiry_s
  bool hold = false;                    // optional: a hold invoice, settled by releasehold
  std::optional<hash_bytes> payment_hash;  // required with hold (the caller keeps the preimage)
  friend bool operator==(const invoice_params&, const invoice_params&) = default;
};
struct releasehold_params {
  hash_bytes preimage{};
  friend bool operator==(const releasehold_params&, const releasehold_params&) = default;
};
struct cancelhold_params {
  hash_bytes payment_hash{};
  friend bool operator==(const cancelhold_params&, const cancelhold_params&) = default;
};
struct pay_params {
  std::string invoice;                 // 1..max_invoice_bytes
  std::optional<amount> amount_msat;   // optional: for an invoice without an amount
  std::optional<amount> max_fee_msat;  // optional: refuse routes with a higher fee
  friend bool operator==(const pay_params&, const pay_params&) = default;
};
struct listforwards_params {
  std::uint32_t limit = 100;             // optional, 1..max_listforwards_limit
  std::optional<std::uint64_t> cursor;   // optional: the next_cursor of the previous page
  friend bool operator==(const listforwards_params&, const listforwards_params&) = default;
};
// Every field optional, at least one policy field present; ranges as in node/config.
struct setpolicy_params {
  std::optional<hash_bytes> channel_id;  // optional: one channel instead of the node default
  std::optional<std::uint64_t> fee_base_msat;
  std::optional<std::uint32_t> fee_ppm;
  std::optional<std::uint32_t> time_lock_delta_s;
  std::optional<std::uint64_t> min_htlc_msat;
  std::optional<std::uint64_t> max_htlc_msat;
  std::optional<std::uint32_t> max_accepted_htlcs;
  std::optional<std::uint64_t> max_value_in_flight_msat;
  friend bool operator==(const setpolicy_params&, const setpolicy_params&) = default;
};

using rpc_params = std::variant<getinfo_params, connect_params, openchannel_params, closechannel_params,
                                listchannels_params, listpeers_params, listhtlcs_params, invoice_params,
                                releasehold_params, cancelhold_params, pay_params, listforwards_params,
                                setpolicy_params>;

// "getinfo", "connect", ...: the wire name of the params' method.
[[nodiscard]] std::string_view method_name(const rpc_params& params) noexcept;

}  // namespace clearway::node::rpc
