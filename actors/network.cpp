// The network's driver: builds channels on the embedded bank, spawns actors, moves virtual time.
//
// Simulation model (engine.hpp): virtual time advances in ticks. At each tick the driver fires the
// due timers, injects the payments that arrive, sends `tick` to the channel ends that asked for
// one (each then starts at most one batched round), and waits for quiescence (the work tracker at
// zero) before the next tick. Messages flow at once within a tick, so a payment's virtual latency
// counts the rounds it waited for. With nothing to commit, time jumps to the next arrival or
// timer. Everything the driver sends goes out in chunks of at most `chunk` messages with
// quiescence in between: CAF 0.17 steals work by walking a victim's whole queue, so waking
// thousands of actors at once collapses throughput (MEASURED.md).
//
// The directories in the context are only grown here, while no actor runs. What is spawned on
// first use (channel-end and node actors, resting channel ends) changes under the context's spawn
// locks, through channel_end() and node_of() only. Opened channel ends rest (no actor) until used.
#include "actors/network.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "chain/bank.hpp"
#include "crypto/hash.hpp"
#include "routing/topology.hpp"

namespace clearway::actors {

namespace {
constexpr std::size_t chunk = 1000;
__extension__ using u128 = unsigned __int128;
__extension__ using i128 = __int128;

bytes32 material_of(std::uint64_t seed, std::string_view what, std::uint64_t index) {
  std::vector<std::uint8_t> buf;
  for (int i = 0; i < 8; ++i) buf.push_back(static_cast<std::uint8_t>(seed >> (8 * i)));
  buf.insert(buf.end(), what.begin(), what.end());
  for (int i = 0; i < 8; ++i) buf.push_back(static_cast<std::uint8_t>(index >> (8 * i)));
  return crypto::sha256(byte_span(buf.data(), buf.size()));
}

bytes32 to_bytes32(const std::array<std::uint8_t, 32>& a) {
  bytes32 out;
  out.bytes = a;
  return out;
}
}  // namespace

// ---- reasons ----
failure_reason failure_of(const failure_info& f) noexcept {
  using protocol::fail_reason;
  if (f.cancelled) return failure_reason::cancelled;
  switch (f.reason) {
    case fail_reason::insufficient_balance:
    case fail_reason::too_many_htlcs: return failure_reason::insufficient_balance;
    case fail_reason::time_lock_too_close: return failure_reason::time_lock;
    case fail_reason::fee_insufficient: return failure_reason::fee_insufficient;
    case fail_reason::peer_unreachable:
    case fail_reason::temporary_failure: return failure_reason::peer_failure;
    case fail_reason::expired: return failure_reason::timeout;
    case fail_reason::unknown_payment_hash:
    case fail_reason::incorrect_details: return failure_reason::incorrect_details;
  }
  return failure_reason::peer_failure;
}

bool retryable(const failure_info& f) noexcept {
  if (f.from_payee || f.cancelled) return false;  // the payee's answer does not depend on the route
  switch (f.reason) {
    case protocol::fail_reason::unknown_payment_hash:
    case protocol::fail_reason::incorrect_details: return false;
    default: return true;
  }
}

// ---- construction ----
network::network(caf::actor_system& sys, const engine_config& config, std::function<void()> quiesce)
    : sys_(sys),
      ctx_(std::make_shared<network_context>(config)),
      quiesce_(std::move(quiesce)),
      ledger_(chain::embedded::ledger_options{config.start_time_s, material_of(config.seed, "clearway.bank", 0)}),
      rng_(config.seed ^ 0x9e3779b97f4a7c15ULL) {
  ctx_->ledger = &ledger_;
  spawn_verifiers(sys_, ctx_, config.verifier_workers);
  ctx_->router = spawn_router(sys_, ctx_);
  ctx_->watcher = spawn_watcher(sys_, ctx_);
  quiesce_();
}

network::~network() { shutdown(); }

void network::shutdown() {
  if (!ctx_) return;
  quiesce_();
  ctx_->timers.clear();
  auto stop = [](auto& h) {
    if (h) caf::anon_send_exit(h, caf::exit_reason::user_shutdown);
    h = nullptr;
  };
  for (auto& c : ctx_->channels) {
    for (auto& e : c->ends) stop(e);
  }
  for (auto& n : ctx_->nodes) {
    stop(n->actor);
    const std::lock_guard lock(n->pool_mutex);
    for (auto& h : n->idle_htlcs) stop(h);
    n->idle_htlcs.clear();
  }
  {
    const std::lock_guard lock(ctx_->payment_pool_mutex);
    for (auto& p : ctx_->idle_payments) stop(p);
    ctx_->idle_payments.clear();
  }
  for (auto& w : ctx_->route_workers) stop(w);
  for (auto& v : ctx_->verifiers) stop(v);
  stop(ctx_->router);
  stop(ctx_->watcher);
  ctx_->scorer.store(nullptr);
  ctx_.reset();
}

// The driver holds one work item of its own while it sends a chunk, so the count reaches zero
// (and wakes the driver) once per chunk, not after every message the actors finish quickly.
template <class F>
void network::in_chunks(std::size_t n, F&& send_one) {
  for (std::size_t first = 0; first < n; first += chunk) {
    ctx_->work.add();
    for (std::size_t i = first; i < std::min(n, first + chunk); ++i) send_one(i);
    ctx_->work.done();
    if (first + chunk < n) quiesce_();
  }
}

// ---- building ----
node_id network::add_node() {
  const node_id id = static_cast<node_id>(ctx_->nodes.size());
  auto entry = std::make_unique<node_entry>(crypto::key_pair::from_secret(
      crypto::secret_key::from_material(material_of(ctx_->config.seed, "clearway.node", id))));
  ctx_->nodes.push_back(std::move(entry));
  return id;
}

result<channel_id, engine_error> network::add_channel(const channel_spec& spec) {
  const std::size_t n = ctx_->nodes.size();
  if (spec.a >= n || spec.b >= n) return engine_error::unknown_node;
  if (spec.a == spec.b) return engine_error::same_node;
  if (spec.deposit_a == 0 || spec.deposit_b == 0) return engine_error::zero_deposit;
  const amount da = amount::from_base_units(spec.deposit_a);
  const amount db = amount::from_base_units(spec.deposit_b);
  if (!da.checked_add(db)) return engine_error::bank_refused;
  node_entry& a = *ctx_->nodes[spec.a];
  node_entry& b = *ctx_->nodes[spec.b];

  chain::create_args args;
  args.clients = {a.keys.addr, b.keys.addr};
  args.deposits = {da, db};
  args.min_freeze_time_s = ctx_->config.freeze_time_s;
  args.funding_timeout_s = 3600;
  auto bank = ledger_.create(a.keys.addr, args);
  if (!bank) return engine_error::bank_refused;
  if (!ledger_.mint(a.keys.addr, da) || !ledger_.mint(b.keys.addr, db)) return engine_error::bank_refused;
  a.minted = a.minted.checked_add(da).value_or(amount::max());
  b.minted = b.minted.checked_add(db).value_or(amount::max());
  if (!ledger_.deposit(a.keys.addr, *bank, da) || !ledger_.deposit(b.keys.addr, *bank, db)) {
    return engine_error::bank_refused;
  }

  auto entry = std::make_unique<channel_entry>();
  entry->index = static_cast<std::uint32_t>(ctx_->channels.size());
  entry->nodes = {spec.a, spec.b};
  entry->bank = *bank;
  protocol::channel_config& cfg = entry->config;
  cfg.bank = ledger_.find(*bank)->bank_address;
  cfg.addresses = {a.keys.addr, b.keys.addr};
  cfg.public_keys = {a.keys.pub, b.keys.pub};
  cfg.deposits = {da, db};
  cfg.freeze_time_s = ctx_->config.freeze_time_s;
  cfg.limits.max_accepted_htlcs = ctx_->config.max_accepted_htlcs;
  cfg.limits.max_time_lock_delta_s = std::max(cfg.limits.max_time_lock_delta_s, ctx_->config.max_total_time_lock_s);
  entry->policy = {spec.a_to_b, spec.b_to_a};
  a.channels.push_back(entry->index);
  b.channels.push_back(entry->index);
  const channel_id id = entry->index;
  ctx_->channels.push_back(std::move(entry));
  topology_dirty_ = true;
  return id;
}

void network::rebuild_snapshot() {
  routing::topology topo;
  topo.node_count = static_cast<std::uint32_t>(ctx_->nodes.size());
  topo.channels.reserve(ctx_->channels.size());
  for (const auto& c : ctx_->channels) {
    routing::channel_spec s;
    s.ends = {routing::node_index{c->nodes[0]}, routing::node_index{c->nodes[1]}};
    s.capacity = c->config.deposits[0].checked_add(c->config.deposits[1]).value_or(amount::max());
    for (std::size_t d = 0; d < 2; ++d) {
      const direction_policy& p = c->policy[d];
      routing::edge_policy& e = s.direction[d];
      e.fee_base = amount::from_base_units(p.fee_base);
      e.fee_ppm = p.fee_ppm;
      e.time_lock_delta_s = p.time_lock_delta_s;
      e.min_htlc = amount::from_base_units(std::max<std::uint64_t>(p.min_htlc, 1));
      e.max_htlc = amount::from_base_units(p.max_htlc);
      e.balance_hint = c->config.deposits[d];
      e.enabled = true;
    }
    topo.channels.push_back(s);
  }
  auto snap = routing::graph_snapshot::build(topo);
  if (!snap) return;
  post_external(*ctx_, ctx_->router, snapshot_atom::value, *snap);
  topology_dirty_ = false;
}

void network::start_pending() {
  if (!ctx_) return;
  // A chunk of channels at a time: both ends spawned (both in the directory before either hears
  // anything), opened, then put to rest, so the actors of only one chunk exist at once.
  std::vector<channel_actor> opened;
  for (std::size_t first = spawned_channels_; first < ctx_->channels.size(); first += chunk) {
    const std::size_t count = std::min(chunk, ctx_->channels.size() - first);
    in_chunks(count, [&](std::size_t k) {
      const auto c = static_cast<std::uint32_t>(first + k);
      opened.push_back(channel_end(sys_, ctx_, c, protocol::party::zero));
      opened.push_back(channel_end(sys_, ctx_, c, protocol::party::one));
      post_external(*ctx_, opened[opened.size() - 2], open_atom::value);
    });
    quiesce_();
    // An end may have rested by itself already (engine_config::rest_idle_ends): only awake ends
    // are told, under their lock (channel_actor.cpp, "Resting").
    in_chunks(opened.size(), [&](std::size_t i) {
      const auto c = static_cast<std::uint32_t>(first + i / 2);
      const std::lock_guard lock(ctx_->spawn_lock(c));
      const channel_actor& end = ctx_->channel(c).ends[i % 2];
      if (end) post_external(*ctx_, end, rest_atom::value);
    });
    quiesce_();
    opened.clear();
  }
  spawned_channels_ = ctx_->channels.size();
  if (topology_dirty_) rebuild_snapshot();
  in_chunks(pending_invoices_.size(), [&](std::size_t i) {
    auto& [payee, entry] = pending_invoices_[i];
    post_external(*ctx_, node_of(sys_, ctx_, payee), invoice_atom::value, std::move(entry));
  });
  pending_invoices_.clear();
  quiesce_();
  started_ = true;
}

// ---- invoices and payments ----
result<invoice, engine_error> network::create_invoice(node_id payee, std::uint64_t value, bool hold) {
  if (payee >= ctx_->nodes.size()) return engine_error::unknown_node;
  if (value == 0) return engine_error::zero_amount;
  bytes32 preimage;
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t r = rng_();
    std::memcpy(preimage.bytes.data() + 8 * i, &r, 8);
  }
  const bytes32 hash = crypto::sha256(preimage.span());
  invoices_[hash] = invoice_state{payee, amount::from_base_units(value), hold, false};
  // Registered with the payee's node at the next run (before any payment can reach it).
  pending_invoices_.emplace_back(payee, invoice_entry{hash, preimage, amount::from_base_units(value), hold});
  invoice inv;
  inv.payment_hash = hash.bytes;
  inv.payee = payee;
  inv.amount = value;
  inv.hold = hold;
  return inv;
}

result<payment_id, engine_error> network::submit_payment(node_id payer, const invoice& inv, std::uint64_t arrival_ms) {
  if (payer >= ctx_->nodes.size() || inv.payee >= ctx_->nodes.size()) return engine_error::unknown_node;
  if (inv.amount == 0) return engine_error::zero_amount;
  if (arrival_ms < ctx_->now_ms()) return engine_error::arrival_in_past;
  const bytes32 hash = to_bytes32(inv.payment_hash);
  // Unknown invoices are accepted (the payee will refuse the HTLC: incorrect_details); a known one
  // is paid once.
  auto it = invoices_.find(hash);
  if (it != invoices_.end()) {
    if (it->second.used) return engine_error::invoice_already_used;
    it->second.used = true;
  }
  payment_record& rec = ctx_->payments.emplace_back();
  rec.id = ctx_->payments.size() - 1;
  rec.payer = payer;
  rec.payee = inv.payee;
  rec.value = amount::from_base_units(inv.amount);
  rec.hash_lock = hash;
  rec.arrival_ms = arrival_ms;
  arrivals_.emplace(arrival_ms, rec.id);
  return rec.id;
}

status<engine_error> network::release_hold(const invoice& inv) {
  const bytes32 hash = to_bytes32(inv.payment_hash);
  auto it = invoices_.find(hash);
  if (it == invoices_.end()) return engine_error::unknown_invoice;
  if (!it->second.hold) return engine_error::invoice_not_held;
  start_pending();
  post_external(*ctx_, node_of(sys_, ctx_, it->second.payee), release_atom::value, hash);
  quiesce_();
  return {};
}

status<engine_error> network::cancel_hold(const invoice& inv) {
  const bytes32 hash = to_bytes32(inv.payment_hash);
  auto it = invoices_.find(hash);
  if (it == invoices_.end()) return engine_error::unknown_invoice;
  if (!it->second.hold) return engine_error::invoice_not_held;
  start_pending();
  post_external(*ctx_, node_of(sys_, ctx_, it->second.payee), cancel_atom::value, hash);
  quiesce_();
  return {};
}

status<engine_error> network::release_holds(std::span<const invoice> invs) {
  std::vector<std::pair<node_id, bytes32>> targets;
  targets.reserve(invs.size());
  for (const invoice& inv : invs) {
    const bytes32 hash = to_bytes32(inv.payment_hash);
    auto it = invoices_.find(hash);
    if (it == invoices_.end()) return engine_error::unknown_invoice;
    if (!it->second.hold) return engine_error::invoice_not_held;
    targets.emplace_back(it->second.payee, hash);
  }
  start_pending();
  in_chunks(targets.size(), [&](std::size_t i) {
    post_external(*ctx_, node_of(sys_, ctx_, targets[i].first), release_atom::value, targets[i].second);
  });
  quiesce_();
  return {};
}

void network::set_offline(node_id node) {
  if (node < ctx_->nodes.size()) ctx_->nodes[node]->online.store(false);
}

// ---- time ----
std::uint64_t network::align_up(std::uint64_t t) const noexcept {
  const std::uint64_t tick = std::max<std::uint64_t>(1, ctx_->config.tick_ms);
  return (t + tick - 1) / tick * tick;
}

void network::set_time(std::uint64_t time_ms) {
  ctx_->clock.set(time_ms);
  const std::uint64_t s = ctx_->now_s();
  if (s > ledger_.now_s()) (void)ledger_.advance_to(s);
}

std::optional<std::uint64_t> network::next_event_ms() const {
  const std::uint64_t now = ctx_->now_ms();
  if (!ctx_->ticks.empty()) return align_up(now + 1);
  std::optional<std::uint64_t> next;
  auto consider = [&](std::uint64_t t) {
    if (!next || t < *next) next = t;
  };
  if (!arrivals_.empty()) consider(arrivals_.begin()->first);
  if (auto t = ctx_->timers.next_due_ms()) consider(*t);
  if (!next) return std::nullopt;
  return *next <= now ? now : align_up(*next);
}

void network::tick_at(std::uint64_t time_ms) {
  set_time(time_ms);
  const std::uint64_t now = ctx_->now_ms();
  // 1. Timers that are due (their messages carry their own work tickets).
  for (;;) {
    auto due = ctx_->timers.take_due(now, chunk);
    if (due.empty()) break;
    ctx_->work.add();
    for (auto& t : due) {
      // Counted by its work ticket (the target may have moved on; a dropped message uncounts too).
      send_external(t.target, timeout_atom::value, t.token, work_ticket{ctx_->work});
    }
    ctx_->work.done();
    quiesce_();
  }
  // 2. Payments that arrive.
  std::vector<payment_record*> starting;
  while (!arrivals_.empty() && arrivals_.begin()->first <= now) {
    starting.push_back(&ctx_->payments[arrivals_.begin()->second]);
    arrivals_.erase(arrivals_.begin());
  }
  in_chunks(starting.size(), [&](std::size_t i) {
    starting[i]->started = true;
    post_external(*ctx_, acquire_payment(sys_, ctx_), start_atom::value, payment_ref{starting[i]});
  });
  // 3. One round for every channel end with proposals waiting.
  auto ticks = ctx_->ticks.take();
  in_chunks(ticks.size(), [&](std::size_t i) { post_external(*ctx_, ticks[i], tick_atom::value); });
  quiesce_();
  ++ticks_;
}

void network::run_until(std::uint64_t time_ms) {
  start_pending();
  for (;;) {
    auto next = next_event_ms();
    if (!next || *next > time_ms) break;
    tick_at(*next);
  }
  set_time(time_ms);
}

std::uint64_t network::run_until_idle(std::uint64_t limit_ms) {
  start_pending();
  for (;;) {
    const std::uint64_t now = ctx_->now_ms();
    std::optional<std::uint64_t> next;
    if (!ctx_->ticks.empty()) {
      next = align_up(now + 1);
    } else if (!arrivals_.empty()) {
      next = std::max(now, align_up(arrivals_.begin()->first));
    } else if (auto t = ctx_->timers.next_due_ms(); t && *t <= now) {
      next = now;
    }
    if (!next || *next > limit_ms) break;
    tick_at(*next);
  }
  return ctx_->now_ms();
}

// ---- results ----
payment_result network::to_result(const payment_record& r) const {
  payment_result out;
  out.id = r.id;
  out.payer = r.payer;
  out.payee = r.payee;
  out.amount = r.value.base_units();
  out.status = r.status;
  out.reason = r.reason;
  out.start_ms = r.arrival_ms;
  out.end_ms = r.end_ms;
  out.hops = r.hops;
  out.fee = r.fee;
  out.attempts = r.attempts;
  out.route = r.route;
  // Atomic (PROTOCOL.md §10.4): within an attempt never both fulfilled and failed hops; a failed
  // payment has no fulfilled hop; a succeeded one has fulfilled hops only in its last attempt, and
  // all of them once every hop is resolved.
  if (r.status != payment_status::pending) {
    for (std::uint32_t a = 0; a < r.attempts && a < max_attempts_limit; ++a) {
      const attempt_counts& c = r.counts[a];
      const auto added = c.added.load();
      const auto ful = c.fulfilled.load();
      const auto fail = c.failed.load();
      const bool last = a + 1 == r.attempts;
      if (ful > 0 && fail > 0) out.atomic = false;
      if (ful > 0 && (r.status == payment_status::failed || !last)) out.atomic = false;
      if (r.status == payment_status::succeeded && last && added == ful + fail && ful != c.hops) out.atomic = false;
    }
  }
  return out;
}

std::optional<payment_result> network::result_of(payment_id id) const {
  if (id >= ctx_->payments.size()) return std::nullopt;
  return to_result(ctx_->payments[id]);
}

std::vector<payment_result> network::results() const {
  std::vector<payment_result> out;
  out.reserve(ctx_->payments.size());
  for (const auto& r : ctx_->payments) out.push_back(to_result(r));
  return out;
}

std::size_t network::payments_in_flight() const noexcept {
  std::size_t n = 0;
  for (const auto& r : ctx_->payments) n += r.status == payment_status::pending ? 1 : 0;
  return n;
}

engine_metrics network::metrics() const {
  const metric_counters& m = ctx_->metrics;
  engine_metrics out;
  out.signatures_made = m.signatures_made.load();
  out.signatures_verified = m.signatures_verified.load();
  out.key_derivations = m.key_derivations.load();
  out.rounds = m.rounds.load();
  out.proposals_committed = m.proposals_committed.load();
  out.max_batch = m.max_batch.load();
  for (std::size_t i = 0; i < out.batch_histogram.size(); ++i) out.batch_histogram[i] = m.batch_histogram[i].load();
  out.htlc_hops = m.htlc_hops.load();
  out.peak_in_flight_payments = static_cast<std::uint64_t>(m.payments_in_flight.peak.load());
  out.peak_in_flight_hops = static_cast<std::uint64_t>(m.hops_in_flight.peak.load());
  out.route_requests = m.route_requests.load();
  out.on_chain_calls = m.on_chain_calls.load();
  out.protocol_errors = m.protocol_errors.load();
  out.ticks = ticks_;
  out.payments_submitted = ctx_->payments.size();
  for (const auto& r : ctx_->payments) {
    out.payments_succeeded += r.status == payment_status::succeeded ? 1 : 0;
    out.payments_failed += r.status == payment_status::failed ? 1 : 0;
  }
  return out;
}

// A chunk of channels at a time: resting ends are read directly (without waking them), awake
// ones through their actors; only one chunk's reports exist at once.
template <class F>
void network::for_each_report(F&& f) {
  start_pending();
  const std::size_t n = ctx_->channels.size();
  std::vector<std::array<report_slot, 2>> slots;
  std::vector<channel_reports> reports;
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t count = std::min(chunk, n - first);
    slots.assign(count, {});
    reports.assign(count, {});
    in_chunks(count, [&](std::size_t k) {
      const auto c = static_cast<std::uint32_t>(first + k);
      const channel_entry& entry = ctx_->channel(c);
      const std::lock_guard lock(ctx_->spawn_lock(c));
      for (std::size_t e = 0; e < 2; ++e) {
        if (!entry.ends[e]) {
          std::optional<protocol::channel> chan;
          if (entry.resting[e]) chan = resting_channel(*ctx_, c, static_cast<protocol::party>(e), *entry.resting[e]);
          reports[k][e] = report_of(chan ? &*chan : nullptr, false, false);
          continue;
        }
        slots[k][e] = std::make_shared<std::optional<channel_report>>();
        post_external(*ctx_, entry.ends[e], inspect_atom::value, slots[k][e]);
      }
    });
    quiesce_();
    for (std::size_t k = 0; k < count; ++k) {
      for (std::size_t e = 0; e < 2; ++e) {
        if (slots[k][e]) reports[k][e] = std::move(*slots[k][e]);
      }
      f(static_cast<std::uint32_t>(first + k), std::as_const(reports[k]));
    }
  }
}

std::vector<network::channel_reports> network::inspect_all() {
  std::vector<channel_reports> out(ctx_->channels.size());
  for_each_report([&](std::uint32_t c, const channel_reports& r) { out[c] = r; });
  return out;
}

std::uint64_t network::spendable(const channel_entry& entry, const channel_reports& r, std::size_t side) const {
  const auto* bank = ledger_.find(entry.bank);
  const auto& own = r[side];
  if (!own || !own->open || own->on_chain || bank == nullptr || bank->state != chain::bank_state::running) return 0;
  return own->balances[side].base_units();
}

std::uint64_t network::wealth_of(node_id node) {
  if (node >= ctx_->nodes.size()) return 0;
  std::uint64_t w = ledger_.balance_of(ctx_->nodes[node]->keys.addr).base_units();
  for_each_report([&](std::uint32_t c, const channel_reports& r) {
    const channel_entry& entry = ctx_->channel(c);
    if (entry.nodes[0] == node || entry.nodes[1] == node) {
      w += spendable(entry, r, protocol::index_of(entry.side_of(node)));
    }
  });
  return w;
}

std::vector<std::uint64_t> network::wealth_of_all() {
  std::vector<std::uint64_t> out(ctx_->nodes.size());
  for (std::size_t n = 0; n < out.size(); ++n) out[n] = ledger_.balance_of(ctx_->nodes[n]->keys.addr).base_units();
  for_each_report([&](std::uint32_t c, const channel_reports& r) {
    const channel_entry& entry = ctx_->channel(c);
    for (std::size_t side = 0; side < 2; ++side) out[entry.nodes[side]] += spendable(entry, r, side);
  });
  return out;
}

audit_report network::audit() {
  audit_report out;
  auto problem = [&](bool& flag, std::string what) {
    flag = false;
    if (out.problems.size() < 50) out.problems.push_back(std::move(what));
  };

  // Conservation, per channel and network-wide; and what each node holds in running banks (for
  // the forwarders' check below), in the same one pass over every channel end.
  std::vector<std::uint64_t> held(ctx_->nodes.size());
  for_each_report([&](std::uint32_t c, const channel_reports& reports) {
    const channel_entry& entry = ctx_->channel(c);
    const auto* bank = ledger_.find(entry.bank);
    if (bank == nullptr) {
      problem(out.conservation_ok, "channel " + std::to_string(c) + ": no bank");
      return;
    }
    if (bank->state != chain::bank_state::running) {
      if (bank->state == chain::bank_state::auditing) out.settled = false;
      return;  // settled (or settling) on the bank: the ledger audit covers it
    }
    const auto& r0 = reports[0];
    const auto& r1 = reports[1];
    for (std::size_t side = 0; side < 2; ++side) {
      if (reports[side] && reports[side]->open) held[entry.nodes[side]] += reports[side]->balances[side].base_units();
    }
    if (!ctx_->online(entry.nodes[0]) || !ctx_->online(entry.nodes[1])) return;  // a crashed end has no say
    if (!r0 || !r1 || !r0->open || !r1->open) {
      problem(out.conservation_ok, "channel " + std::to_string(c) + ": not open");
      return;
    }
    if (!r0->committed_htlcs.empty() || !r1->committed_htlcs.empty() || !r0->htlcs.empty()) out.settled = false;
    if (r0->on_chain || r1->on_chain) return;
    if (r0->idle && r1->idle &&
        (r0->sequence != r1->sequence || r0->balances != r1->balances || r0->committed_htlcs != r1->committed_htlcs)) {
      problem(out.conservation_ok, "channel " + std::to_string(c) + ": the two ends disagree");
    }
    for (const auto* r : {&*r0, &*r1}) {
      std::uint64_t total = r->balances[0].base_units() + r->balances[1].base_units();
      for (const auto& h : r->committed_htlcs) total += h.value.base_units();
      if (total != bank->total_deposits().base_units()) {
        problem(out.conservation_ok, "channel " + std::to_string(c) + ": base + HTLCs != deposits");
      }
    }
  });
  if (!ledger_.audit()) problem(out.conservation_ok, "the ledger's own audit failed");
  {
    u128 total = 0;
    for (const auto& n : ctx_->nodes) total += ledger_.balance_of(n->keys.addr).base_units();
    for (const auto& c : ctx_->channels) {
      const auto* bank = ledger_.find(c->bank);
      if (bank == nullptr) continue;
      total += bank->total_deposits().base_units();
      total -= bank->paid_out[0].base_units() + static_cast<u128>(bank->paid_out[1].base_units());
    }
    if (total != ledger_.total_minted().base_units()) problem(out.conservation_ok, "network total != money minted");
  }

  // Atomicity of every finished payment that did not route through a crashed node.
  for (const auto& r : ctx_->payments) {
    if (!r.finished) continue;
    bool excused = false;
    for (const auto& nodes : r.attempt_nodes) {
      for (node_id n : nodes) excused = excused || !ctx_->online(n);
    }
    if (excused) continue;
    if (!to_result(r).atomic) problem(out.atomicity_ok, "payment " + std::to_string(r.id) + " is not atomic");
  }

  // No honest node poorer than its own payments explain (forwarders: never poorer at all).
  if (out.settled) {
    std::vector<i128> expected(ctx_->nodes.size());
    for (std::size_t n = 0; n < ctx_->nodes.size(); ++n) expected[n] = ctx_->nodes[n]->minted.base_units();
    for (const auto& r : ctx_->payments) {
      if (r.status != payment_status::succeeded || r.route.empty()) continue;
      expected[r.payee] += r.route.back().amount;
      expected[r.payer] -= r.sent_total;
    }
    for (std::size_t n = 0; n < ctx_->nodes.size(); ++n) {
      if (!ctx_->online(static_cast<node_id>(n))) continue;
      const std::uint64_t w = ledger_.balance_of(ctx_->nodes[n]->keys.addr).base_units() + held[n];
      if (static_cast<i128>(w) < expected[n]) {
        problem(out.forwarders_ok, "node " + std::to_string(n) + " ends poorer than its payments explain");
      }
    }
  }
  return out;
}

close_report network::close_all() {
  close_report out;
  std::vector<std::uint64_t> before(ctx_->nodes.size());
  for (std::size_t n = 0; n < ctx_->nodes.size(); ++n) {
    before[n] = ledger_.balance_of(ctx_->nodes[n]->keys.addr).base_units();
  }
  std::vector<std::uint32_t> candidates;
  for_each_report([&](std::uint32_t c, const channel_reports& reports) {
    const channel_entry& e = ctx_->channel(c);
    const auto* bank = ledger_.find(e.bank);
    const auto& r0 = reports[0];
    const auto& r1 = reports[1];
    if (bank == nullptr || bank->state != chain::bank_state::running) return;  // settled on chain already
    const bool closable = ctx_->online(e.nodes[0]) && ctx_->online(e.nodes[1]) && r0 && r1 && r0->open &&
                          r1->open && r0->idle && r1->idle && !r0->on_chain && !r1->on_chain && r0->htlcs.empty() &&
                          r1->htlcs.empty();
    if (closable) {
      candidates.push_back(c);
    } else {
      ++out.not_closed;
    }
  });
  in_chunks(candidates.size(), [&](std::size_t i) {
    post_external_to_end(sys_, ctx_, candidates[i], protocol::party::zero, close_atom::value);
  });
  quiesce_();
  // What party 0 of each candidate (in index order) agreed to close with.
  std::vector<std::optional<protocol::close_result>> agreed;
  agreed.reserve(candidates.size());
  for_each_report([&](std::uint32_t c, const channel_reports& reports) {
    if (agreed.size() < candidates.size() && candidates[agreed.size()] == c) {
      agreed.push_back(reports[0] ? reports[0]->close : std::nullopt);
    }
  });
  std::vector<std::uint64_t> expect = before;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const channel_entry& e = ctx_->channel(candidates[i]);
    if (!agreed[i]) {
      ++out.not_closed;
      continue;
    }
    const auto& cr = *agreed[i];
    chain::close_args args{cr.balances, cr.sigs[0], cr.sigs[1]};
    if (!ledger_.close(ctx_->nodes[e.nodes[0]]->keys.addr, e.bank, args)) {
      ++out.not_closed;
      continue;
    }
    ++out.closed;
    expect[e.nodes[0]] += cr.balances[0].base_units();
    expect[e.nodes[1]] += cr.balances[1].base_units();
  }
  out.bank_ok = ledger_.audit();
  out.balances_ok = true;
  for (std::size_t n = 0; n < ctx_->nodes.size(); ++n) {
    if (ledger_.balance_of(ctx_->nodes[n]->keys.addr).base_units() != expect[n]) out.balances_ok = false;
  }
  return out;
}

}  // namespace clearway::actors
