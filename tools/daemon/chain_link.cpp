#include "tools/daemon/chain_link.hpp"

namespace clearway::daemon {
namespace {

class evm_link final : public chain_link, public node::channels::bank_finder {
 public:
  explicit evm_link(std::unique_ptr<chain::evm::backend> b) : backend_(std::move(b)) {}
  chain::bank_backend& bank() noexcept override { return *backend_; }
  node::channels::bank_finder& finder() noexcept override { return *this; }
  void advance_to(std::uint64_t) override {}  // the node's blocks carry the time
  [[nodiscard]] std::string last_failure() const override {
    return backend_->last_failure() ? backend_->last_failure()->describe() : std::string();
  }
  [[nodiscard]] result<chain::bank_id, chain::error> find(const crypto::address& bank_address) override {
    return backend_->track(bank_address);
  }

 private:
  std::unique_ptr<chain::evm::backend> backend_;
};

class embedded_link final : public chain_link, public node::channels::bank_finder {
 public:
  explicit embedded_link(std::uint64_t now_s) : ledger_(chain::embedded::ledger_options{now_s, {}}) {}
  chain::bank_backend& bank() noexcept override { return ledger_; }
  node::channels::bank_finder& finder() noexcept override { return *this; }
  void advance_to(std::uint64_t now_s) override {
    if (now_s > ledger_.now_s()) (void)ledger_.advance_to(now_s);
  }
  [[nodiscard]] std::string last_failure() const override { return {}; }
  [[nodiscard]] result<chain::bank_id, chain::error> find(const crypto::address& bank_address) override {
    for (std::uint64_t i = 0; i < ledger_.bank_count(); ++i) {
      const chain::bank_view* v = ledger_.find(chain::bank_id{i});
      if (v != nullptr && v->bank_address == bank_address) return v->id;
    }
    return chain::error::unknown_bank;
  }
  chain::embedded::ledger& ledger() noexcept { return ledger_; }

 private:
  chain::embedded::ledger ledger_;
};

}  // namespace

result<std::unique_ptr<chain_link>, std::string> chain_link::open(const node::config::node_config& config,
                                                                 const crypto::key_pair& identity, std::uint64_t now_s) {
  if (config.network == node::config::chain_network::evm) {
    auto backend = chain::evm::backend::connect(config.rpc_url);
    if (!backend) return "cannot reach the EVM node at " + config.rpc_url + ": " + backend.error().describe();
    (*backend)->add_key(identity.secret);
    return std::unique_ptr<chain_link>(std::make_unique<evm_link>(std::move(*backend)));
  }
  auto link = std::make_unique<embedded_link>(now_s);
  if (!link->ledger().mint(identity.addr, protocol::amount::from_base_units(embedded_demo_funds_msat))) {
    return std::string("cannot credit the demo account on the embedded ledger");
  }
  return std::unique_ptr<chain_link>(std::move(link));
}

}  // namespace clearway::daemon
