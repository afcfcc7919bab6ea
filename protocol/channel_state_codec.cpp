#include "protocol/channel_state_codec.hpp"

#include <array>
#include <utility>

#include "protocol/byte_reader.hpp"
#include "protocol/byte_writer.hpp"

namespace clearway::protocol {
namespace {

constexpr std::array<std::uint8_t, 4> magic{'C', 'W', 'C', 'S'};
constexpr auto last_fail_reason = fail_reason::temporary_failure;

// ---- Writing ---------------------------------------------------------------------------------
class state_writer {
 public:
  explicit state_writer(byte_vector& out) : w_(out) {}
  void u8(std::uint8_t v) { w_.put_u8(v); }
  void u16(std::uint16_t v) { w_.put_u16(v); }
  void u32(std::uint32_t v) { w_.put_u32(v); }
  void u64(std::uint64_t v) { w_.put_u64(v); }
  void flag(bool b) { w_.put_u8(b ? 1 : 0); }
  void amt(amount a) { u64(a.base_units()); }
  template <std::size_t N, class Tag>
  void raw(const fixed_bytes<N, Tag>& b) { w_.put_bytes(b.data(), N); }
  void count(std::size_t n) { u32(static_cast<std::uint32_t>(n)); }

  void content(const commitment_content& c) {
    u32(c.sequence);
    amt(c.base[0]);
    amt(c.base[1]);
    u64(c.covered[0]);
    u64(c.covered[1]);
    raw(c.htlcs_hash);
    u32(c.htlc_count);
    amt(c.htlc_total);
  }
  void terms(const htlc_terms& t) {
    u8(static_cast<std::uint8_t>(t.offerer));
    amt(t.value);
    raw(t.hash_lock);
    u64(t.time_lock_s);
  }
  void prop(const proposal& p) {
    u8(static_cast<std::uint8_t>(p.index()));
    if (const auto* a = std::get_if<add_htlc>(&p)) {
      u64(a->id), amt(a->value), raw(a->hash_lock), u64(a->time_lock_s);
    } else if (const auto* f = std::get_if<fulfill_htlc>(&p)) {
      u64(f->id), u64(f->htlc), raw(f->preimage);
    } else if (const auto* x = std::get_if<fail_htlc>(&p)) {
      u64(x->id), u64(x->htlc), u16(static_cast<std::uint16_t>(x->reason));
    } else {
      const pay& y = std::get<pay>(p);
      u64(y.id), amt(y.value);
    }
  }
  void event(const channel_event& e) {
    u8(static_cast<std::uint8_t>(e.index()));
    if (const auto* l = std::get_if<htlc_locked_in>(&e)) {
      u64(l->id), terms(l->terms);
    } else if (const auto* f = std::get_if<htlc_fulfilled>(&e)) {
      u64(f->id), terms(f->terms), raw(f->preimage);
    } else if (const auto* x = std::get_if<htlc_failed>(&e)) {
      u64(x->id), terms(x->terms), u16(static_cast<std::uint16_t>(x->reason));
    } else {
      const pay_settled& y = std::get<pay_settled>(e);
      u8(static_cast<std::uint8_t>(y.sender)), u64(y.id), amt(y.value);
    }
  }
  void ring(const lock_ring& r) {
    u64(r.low());
    count(r.slots().size());
    for (const auto& a : r.slots()) raw(a);
  }
  void opt_u32(const std::optional<std::uint32_t>& v) {
    flag(v.has_value());
    if (v) u32(*v);
  }

 private:
  byte_writer w_;
};

// ---- Reading ---------------------------------------------------------------------------------
// Every read returns false on the first error, which it records; `&&` chains stop there.
class state_reader {
 public:
  explicit state_reader(byte_span in) : r_(in) {}
  channel_state_error err = channel_state_error::truncated;
  [[nodiscard]] std::size_t remaining() const { return r_.remaining(); }

  bool fail(channel_state_error e) {
    err = e;
    return false;
  }
  bool u8(std::uint8_t& v) { return r_.read_u8(v) || fail(channel_state_error::truncated); }
  bool u16(std::uint16_t& v) { return r_.read_u16(v) || fail(channel_state_error::truncated); }
  bool u32(std::uint32_t& v) { return r_.read_u32(v) || fail(channel_state_error::truncated); }
  bool u64(std::uint64_t& v) { return r_.read_u64(v) || fail(channel_state_error::truncated); }
  bool flag(bool& b) {
    std::uint8_t v = 0;
    if (!u8(v)) return false;
    if (v > 1) return fail(channel_state_error::invalid_bool);
    b = v == 1;
    return true;
  }
  bool amt(amount& a) {
    std::uint64_t v = 0;
    if (!u64(v)) return false;
    a = amount::from_base_units(v);
    return true;
  }
  template <std::size_t N, class Tag>
  bool raw(fixed_bytes<N, Tag>& b) {
    return r_.read_bytes(b.data(), N) || fail(channel_state_error::truncated);
  }
  // A list count whose items (each at least min_item_bytes) must fit in what is left.
  bool count(std::size_t& n, std::size_t min_item_bytes, std::size_t limit) {
    std::uint32_t v = 0;
    if (!u32(v)) return false;
    if (v > limit || v > remaining() / min_item_bytes) return fail(channel_state_error::count_too_large);
    n = v;
    return true;
  }
  template <class Enum>
  bool enum8(Enum& e, std::uint8_t last) {
    std::uint8_t v = 0;
    if (!u8(v)) return false;
    if (v > last) return fail(channel_state_error::invalid_enum);
    e = static_cast<Enum>(v);
    return true;
  }
  bool reason(fail_reason& r) {
    std::uint16_t v = 0;
    if (!u16(v)) return false;
    if (v < static_cast<std::uint16_t>(fail_reason::unknown_payment_hash) ||
        v > static_cast<std::uint16_t>(last_fail_reason)) {
      return fail(channel_state_error::invalid_enum);
    }
    r = static_cast<fail_reason>(v);
    return true;
  }

  bool content(commitment_content& c) {
    return u32(c.sequence) && amt(c.base[0]) && amt(c.base[1]) && u64(c.covered[0]) && u64(c.covered[1]) &&
           raw(c.htlcs_hash) && u32(c.htlc_count) && amt(c.htlc_total);
  }
  bool terms(htlc_terms& t) { return enum8(t.offerer, 1) && amt(t.value) && raw(t.hash_lock) && u64(t.time_lock_s); }
  bool prop(proposal& p) {
    std::uint8_t tag = 0;
    if (!u8(tag)) return false;
    switch (tag) {
      case 0: {
        add_htlc a;
        if (!(u64(a.id) && amt(a.value) && raw(a.hash_lock) && u64(a.time_lock_s))) return false;
        p = a;
        return true;
      }
      case 1: {
        fulfill_htlc f;
        if (!(u64(f.id) && u64(f.htlc) && raw(f.preimage))) return false;
        p = f;
        return true;
      }
      case 2: {
        fail_htlc x;
        if (!(u64(x.id) && u64(x.htlc) && reason(x.reason))) return false;
        p = x;
        return true;
      }
      case 3: {
        pay y;
        if (!(u64(y.id) && amt(y.value))) return false;
        p = y;
        return true;
      }
      default:
        return fail(channel_state_error::invalid_enum);
    }
  }
  bool event(channel_event& e) {
    std::uint8_t tag = 0;
    if (!u8(tag)) return false;
    switch (tag) {
      case 0: {
        htlc_locked_in l;
        if (!(u64(l.id) && terms(l.terms))) return false;
        e = l;
        return true;
      }
      case 1: {
        htlc_fulfilled f;
        if (!(u64(f.id) && terms(f.terms) && raw(f.preimage))) return false;
        e = f;
        return true;
      }
      case 2: {
        htlc_failed x;
        if (!(u64(x.id) && terms(x.terms) && reason(x.reason))) return false;
        e = x;
        return true;
      }
      case 3: {
        pay_settled y;
        if (!(enum8(y.sender, 1) && u64(y.id) && amt(y.value))) return false;
        e = y;
        return true;
      }
      default:
        return fail(channel_state_error::invalid_enum);
    }
  }
  bool log(proposal_log& out) {
    std::uint64_t dropped = 0;
    std::size_t n = 0;
    if (!(u64(dropped) && count(n, 1 + 8 + 8, SIZE_MAX))) return false;
    std::vector<proposal> entries;
    entries.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      proposal p;
      if (!prop(p)) return false;
      entries.push_back(std::move(p));
    }
    out = proposal_log(dropped, std::move(entries));
    return true;
  }
  bool book_half(htlc_book& book, party offerer) {
    std::size_t n = 0;
    if (!count(n, 8 + 8 + 32 + 8 + 8 + 1, SIZE_MAX)) return false;
    htlc_id previous = 0;
    for (std::size_t i = 0; i < n; ++i) {
      htlc_record r;
      if (!(u64(r.id) && amt(r.value) && raw(r.hash_lock) && u64(r.time_lock_s) && u64(r.removal_id) &&
            enum8(r.removal, static_cast<std::uint8_t>(removal_kind::fail)))) {
        return false;
      }
      // htlc_book::add needs increasing ids; the rest is checked by from_snapshot.
      if (r.id <= previous) return fail(channel_state_error::htlc_book_mismatch);
      previous = r.id;
      book.add(offerer, r);
    }
    return true;
  }
  bool ring(lock_ring& out) {
    std::uint64_t low = 0;
    std::size_t n = 0;
    if (!(u64(low) && count(n, crypto::address::size(), max_lock_batch))) return false;
    std::vector<crypto::address> slots(n);
    for (auto& a : slots) {
      if (!raw(a)) return false;
    }
    out = lock_ring(low, std::move(slots));
    return true;
  }
  bool opt_u32(std::optional<std::uint32_t>& v) {
    bool present = false;
    if (!flag(present)) return false;
    if (!present) return true;
    std::uint32_t x = 0;
    if (!u32(x)) return false;
    v = x;
    return true;
  }
  bool opt_sig(std::optional<crypto::signature>& v) {
    bool present = false;
    if (!flag(present)) return false;
    if (!present) return true;
    crypto::signature s;
    if (!raw(s)) return false;
    v = s;
    return true;
  }

 private:
  byte_reader r_;
};

bool read_config(state_reader& r, channel_config& c) {
  return r.raw(c.bank) && r.raw(c.addresses[0]) && r.raw(c.addresses[1]) && r.raw(c.public_keys[0]) &&
         r.raw(c.public_keys[1]) && r.amt(c.deposits[0]) && r.amt(c.deposits[1]) && r.u64(c.freeze_time_s) &&
         r.u32(c.limits.max_accepted_htlcs) && r.amt(c.limits.max_htlc_value_in_flight) &&
         r.amt(c.limits.min_htlc_value) && r.u64(c.limits.min_time_lock_margin_s) &&
         r.u64(c.limits.max_time_lock_delta_s) && r.u32(c.lock_batch);
}

void write_config(state_writer& w, const channel_config& c) {
  w.raw(c.bank), w.raw(c.addresses[0]), w.raw(c.addresses[1]), w.raw(c.public_keys[0]), w.raw(c.public_keys[1]);
  w.amt(c.deposits[0]), w.amt(c.deposits[1]), w.u64(c.freeze_time_s);
  w.u32(c.limits.max_accepted_htlcs), w.amt(c.limits.max_htlc_value_in_flight), w.amt(c.limits.min_htlc_value);
  w.u64(c.limits.min_time_lock_margin_s), w.u64(c.limits.max_time_lock_delta_s), w.u32(c.lock_batch);
}

// Everything after the config, in declaration order.
void write_body(state_writer& w, const channel_snapshot& s) {
  w.u8(static_cast<std::uint8_t>(s.self));
  w.raw(s.seed);
  w.u8(static_cast<std::uint8_t>(s.phase));
  w.u8(static_cast<std::uint8_t>(s.round));
  w.flag(s.sent_initial);
  w.flag(s.got_initial);
  w.content(s.held);
  w.raw(s.held_sig);
  w.flag(s.pending.has_value());
  if (s.pending) w.content(*s.pending);
  w.u64(s.irrevocable[0]);
  w.u64(s.irrevocable[1]);
  for (const proposal_log& log : s.logs) {
    w.u64(log.dropped_through());
    w.count(log.entries().size());
    for (const proposal& p : log.entries()) w.prop(p);
  }
  for (party p : {party::zero, party::one}) {
    const auto& half = s.book.offered_by(p);
    w.count(half.size());
    for (const htlc_record& r : half) {
      w.u64(r.id), w.amt(r.value), w.raw(r.hash_lock), w.u64(r.time_lock_s), w.u64(r.removal_id);
      w.u8(static_cast<std::uint8_t>(r.removal));
    }
  }
  w.ring(s.own_locks);
  w.ring(s.peer_locks);
  w.opt_u32(s.own_revoked);
  w.opt_u32(s.peer_revoked);
  for (const auto& sig : s.close_sigs) {
    w.flag(sig.has_value());
    if (sig) w.raw(*sig);
  }
  w.count(s.events.size());
  for (const channel_event& e : s.events) w.event(e);
  w.u64(s.round_stamp);
  const auto secrets = s.peer_secrets.entries();
  w.u8(static_cast<std::uint8_t>(secrets.size()));
  for (const auto& e : secrets) {
    w.u64(e.index);
    w.raw(e.secret);
  }
}

status<channel_state_error> read_body(state_reader& r, channel_snapshot& s) {
  std::size_t n = 0;
  bool ok = r.enum8(s.self, 1) && r.raw(s.seed) &&
            r.enum8(s.phase, static_cast<std::uint8_t>(channel_phase::closed)) &&
            r.enum8(s.round, static_cast<std::uint8_t>(round_state::awaiting_revoke)) && r.flag(s.sent_initial) &&
            r.flag(s.got_initial) && r.content(s.held) && r.raw(s.held_sig);
  bool has_pending = false;
  ok = ok && r.flag(has_pending);
  if (ok && has_pending) {
    s.pending.emplace();
    ok = r.content(*s.pending);
  }
  ok = ok && r.u64(s.irrevocable[0]) && r.u64(s.irrevocable[1]) && r.log(s.logs[0]) && r.log(s.logs[1]) &&
       r.book_half(s.book, party::zero) && r.book_half(s.book, party::one) && r.ring(s.own_locks) &&
       r.ring(s.peer_locks) && r.opt_u32(s.own_revoked) && r.opt_u32(s.peer_revoked) && r.opt_sig(s.close_sigs[0]) &&
       r.opt_sig(s.close_sigs[1]) && r.count(n, 1 + 8 + 8, SIZE_MAX);
  if (!ok) return r.err;
  s.events.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    channel_event e;
    if (!r.event(e)) return r.err;
    s.events.push_back(e);
  }
  std::uint8_t secret_count = 0;
  if (!(r.u64(s.round_stamp) && r.u8(secret_count))) return r.err;
  if (secret_count > crypto::shachain_store::max_entries) return channel_state_error::count_too_large;
  std::vector<crypto::shachain_entry> secrets(secret_count);
  for (auto& e : secrets) {
    if (!(r.u64(e.index) && r.raw(e.secret))) return r.err;
  }
  if (r.remaining() != 0) return channel_state_error::trailing_bytes;
  auto store = crypto::shachain_store::restore(secrets);
  if (!store) return channel_state_error::shachain_mismatch;
  s.peer_secrets = std::move(*store);
  return {};
}

}  // namespace

byte_vector encode_snapshot(const channel_snapshot& s) {
  byte_vector out;
  out.reserve(1024 + 80 * s.book.size() + 90 * (s.logs[0].size() + s.logs[1].size()) + 120 * s.events.size());
  state_writer w(out);
  for (std::uint8_t b : magic) w.u8(b);
  w.u16(state_format_version);
  write_config(w, s.config);
  write_body(w, s);
  return out;
}

result<channel_snapshot, channel_state_error> decode_snapshot(byte_span bytes) {
  if (bytes.size() > max_channel_state_bytes) return channel_state_error::state_too_large;
  state_reader r(bytes);
  std::array<std::uint8_t, 4> head{};
  for (auto& b : head) {
    if (!r.u8(b)) return r.err;
  }
  if (head != magic) return channel_state_error::bad_magic;
  std::uint16_t version = 0;
  if (!r.u16(version)) return r.err;
  if (version != state_format_version) return channel_state_error::unsupported_version;
  channel_snapshot s;
  if (!read_config(r, s.config)) return r.err;
  CW_CHECK(read_body(r, s));
  return s;
}

byte_vector encode_resting_state(const channel& c) {
  const channel_snapshot s = c.snapshot();
  byte_vector out;
  out.reserve(384 + 80 * s.book.size() + 90 * (s.logs[0].size() + s.logs[1].size()) + 120 * s.events.size());
  state_writer w(out);
  write_body(w, s);
  out.shrink_to_fit();
  return out;
}

result<channel, channel_state_error> decode_resting_state(byte_span bytes, const channel_config& config,
                                                          const crypto::key_pair& keys) {
  state_reader r(bytes);
  channel_snapshot s;
  s.config = config;
  CW_CHECK(read_body(r, s));
  return channel::from_own_snapshot(std::move(s), keys);
}

byte_vector encode_channel_state(const channel& c) { return encode_snapshot(c.snapshot()); }

result<channel, channel_state_error> decode_channel_state(byte_span bytes, const crypto::key_pair& keys) {
  CW_TRY(snap, decode_snapshot(bytes));
  return channel::from_snapshot(std::move(snap), keys);
}

}  // namespace clearway::protocol
