// Embedding the Clearway engine: a three-node network a - b - c on the embedded bank, one payment
// from a to c through b, the result and the audit. Build it against an installed Clearway with
//   find_package(clearway REQUIRED)  target_link_libraries(embed_engine PRIVATE clearway::actors)
#include <cstdio>

#include "actors/engine.hpp"

int main() {
  using namespace clearway::actors;
  engine_config config;
  config.worker_threads = 2;
  config.seed = 42;
  engine net(config);

  const node_id alice = net.add_node();
  const node_id bob = net.add_node();
  const node_id carol = net.add_node();
  for (auto [from, to] : {std::pair{alice, bob}, std::pair{bob, carol}}) {
    channel_spec ch;
    ch.a = from;
    ch.b = to;
    ch.deposit_a = 100'000;
    ch.deposit_b = 100'000;
    ch.a_to_b = direction_policy{/*fee_base=*/10, /*fee_ppm=*/1'000, /*time_lock_delta_s=*/3'600, 1, 50'000};
    ch.b_to_a = ch.a_to_b;
    if (auto id = net.add_channel(ch); !id) {
      std::fprintf(stderr, "add_channel: %s\n", std::string(to_string(id.error())).c_str());
      return 1;
    }
  }

  auto inv = net.create_invoice(carol, 10'000);
  if (!inv) return 1;
  auto pay = net.submit_payment(alice, *inv, net.now_ms());
  if (!pay) return 1;
  net.run_until_idle();

  const payment_result r = *net.result_of(*pay);
  std::printf("payment %llu: %s (%s), %u hops, fee %llu, %u attempt(s), %llu ms virtual\n",
              static_cast<unsigned long long>(r.id), std::string(to_string(r.status)).c_str(),
              std::string(to_string(r.reason)).c_str(), r.hops, static_cast<unsigned long long>(r.fee), r.attempts,
              static_cast<unsigned long long>(r.end_ms - r.start_ms));
  for (const hop_view& h : r.route) {
    std::printf("  channel %u: %u -> %u, %llu units, lock %llu\n", h.channel, h.from, h.to,
                static_cast<unsigned long long>(h.amount), static_cast<unsigned long long>(h.time_lock_s));
  }
  std::printf("wealth: alice %llu, bob %llu, carol %llu\n", static_cast<unsigned long long>(net.wealth_of(alice)),
              static_cast<unsigned long long>(net.wealth_of(bob)), static_cast<unsigned long long>(net.wealth_of(carol)));
  const engine_metrics m = net.metrics();
  std::printf("signatures made %llu, verified %llu, rounds %llu\n",
              static_cast<unsigned long long>(m.signatures_made), static_cast<unsigned long long>(m.signatures_verified),
              static_cast<unsigned long long>(m.rounds));
  const audit_report audit = net.audit();
  const close_report closed = net.close_all();
  std::printf("audit: conservation %s, atomicity %s, forwarders %s; closed %zu channels, bank %s\n",
              audit.conservation_ok ? "ok" : "FAILED", audit.atomicity_ok ? "ok" : "FAILED",
              audit.forwarders_ok ? "ok" : "FAILED", closed.closed, closed.bank_ok && closed.balances_ok ? "ok" : "FAILED");
  return r.status == payment_status::succeeded && audit.ok() && closed.bank_ok && closed.balances_ok ? 0 : 1;
}
