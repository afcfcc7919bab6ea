// The public engine: one network in its own CAF actor system (pimpl, so no CAF in engine.hpp).
#include "actors/engine.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>

#include "actors/network.hpp"

namespace clearway::actors {

std::string_view to_string(engine_error e) noexcept {
  switch (e) {
    case engine_error::unknown_node: return "unknown_node";
    case engine_error::same_node: return "same_node";
    case engine_error::zero_deposit: return "zero_deposit";
    case engine_error::bank_refused: return "bank_refused";
    case engine_error::unknown_invoice: return "unknown_invoice";
    case engine_error::invoice_not_held: return "invoice_not_held";
    case engine_error::invoice_already_used: return "invoice_already_used";
    case engine_error::arrival_in_past: return "arrival_in_past";
    case engine_error::zero_amount: return "zero_amount";
    case engine_error::not_quiescent: return "not_quiescent";
  }
  return "unknown";
}

std::string_view to_string(failure_reason r) noexcept {
  switch (r) {
    case failure_reason::none: return "none";
    case failure_reason::no_path: return "no_path";
    case failure_reason::insufficient_balance: return "insufficient_balance";
    case failure_reason::time_lock: return "time_lock";
    case failure_reason::fee_insufficient: return "fee_insufficient";
    case failure_reason::peer_failure: return "peer_failure";
    case failure_reason::incorrect_details: return "incorrect_details";
    case failure_reason::timeout: return "timeout";
    case failure_reason::cancelled: return "cancelled";
  }
  return "unknown";
}

std::string_view to_string(payment_status s) noexcept {
  switch (s) {
    case payment_status::pending: return "pending";
    case payment_status::succeeded: return "succeeded";
    case payment_status::failed: return "failed";
  }
  return "unknown";
}

namespace {
caf::actor_system_config& configure(caf::actor_system_config& cfg, const engine_config& c) {
  cfg.set("scheduler.max-threads", std::max(1U, c.worker_threads));
  // Finite: an actor yields after this many messages, so no busy actor starves the others.
  cfg.set("scheduler.max-throughput", std::max<std::size_t>(1, c.max_throughput));
  cfg.set("scheduler.policy", c.work_sharing ? caf::atom("sharing") : caf::atom("stealing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  return cfg;
}
}  // namespace

struct engine::impl {
  explicit impl(const engine_config& c)
      : sys(configure(cfg, c)), net(sys, c, [this] { net_ctx().work.wait_at_most(0); }) {}
  network_context& net_ctx() { return net.context(); }
  caf::actor_system_config cfg;
  caf::actor_system sys;
  network net;
};

engine::engine(const engine_config& config) : impl_(std::make_unique<impl>(config)) {}
engine::~engine() = default;

node_id engine::add_node() { return impl_->net.add_node(); }
result<channel_id, engine_error> engine::add_channel(const channel_spec& spec) { return impl_->net.add_channel(spec); }
std::size_t engine::node_count() const noexcept { return impl_->net.context().nodes.size(); }
std::size_t engine::channel_count() const noexcept { return impl_->net.context().channels.size(); }

result<invoice, engine_error> engine::create_invoice(node_id payee, std::uint64_t amount, bool hold) {
  return impl_->net.create_invoice(payee, amount, hold);
}
result<payment_id, engine_error> engine::submit_payment(node_id payer, const invoice& inv, std::uint64_t arrival_ms) {
  return impl_->net.submit_payment(payer, inv, arrival_ms);
}
status<engine_error> engine::release_hold(const invoice& inv) { return impl_->net.release_hold(inv); }
status<engine_error> engine::release_holds(std::span<const invoice> invs) { return impl_->net.release_holds(invs); }
status<engine_error> engine::cancel_hold(const invoice& inv) { return impl_->net.cancel_hold(inv); }
void engine::set_offline(node_id node) { impl_->net.set_offline(node); }

std::uint64_t engine::now_ms() const noexcept { return impl_->net.now_ms(); }
void engine::run_until(std::uint64_t time_ms) { impl_->net.run_until(time_ms); }
void engine::advance_by(std::uint64_t delta_ms) { impl_->net.run_until(now_ms() + delta_ms); }
std::uint64_t engine::run_until_idle(std::uint64_t limit_ms) { return impl_->net.run_until_idle(limit_ms); }

std::optional<payment_result> engine::result_of(payment_id id) const { return impl_->net.result_of(id); }
std::vector<payment_result> engine::results() const { return impl_->net.results(); }
std::size_t engine::payments_in_flight() const noexcept { return impl_->net.payments_in_flight(); }
engine_metrics engine::metrics() const { return impl_->net.metrics(); }
std::uint64_t engine::wealth_of(node_id node) { return impl_->net.wealth_of(node); }
std::vector<std::uint64_t> engine::wealth_of_all() { return impl_->net.wealth_of_all(); }
audit_report engine::audit() { return impl_->net.audit(); }
close_report engine::close_all() { return impl_->net.close_all(); }
const engine_config& engine::config() const noexcept { return impl_->net.context().config; }

}  // namespace clearway::actors
