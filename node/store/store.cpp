#include "node/store/store.hpp"

#include <sqlite3.h>

#include <ctime>
#include <utility>
#include <variant>

#include "node/store/counting_vfs.hpp"
#include "node/store/sqlite_statement.hpp"
#include "node/store/store_schema.hpp"
#include "protocol/channel_state_codec.hpp"

namespace clearway::node {

using sqlite::statement;

namespace {

// ---- Queued writes: encoded when queued, applied at commit ----------------------------------
struct channel_write {
  channel_id id;
  protocol::party self = protocol::party::zero;
  crypto::address peer;
  crypto::address bank;
  protocol::channel_phase phase{};
  std::uint32_t sequence = 0;
  std::array<protocol::amount, 2> balances{};
  byte_vector state;
  std::vector<stored_htlc> htlcs;
  std::optional<std::uint64_t> lowest_secret_index;
  byte_vector secrets;  // entries: u64 index (big-endian) || 32-byte secret, lowest bucket first
};
struct channel_delete {
  channel_id id;
};
using write = std::variant<channel_write, channel_delete, circuit, invoice, payment, peer_endpoint>;

struct queued {
  write w;
  durable_callback on_durable;
};

byte_vector encode_secrets(const std::vector<crypto::shachain_entry>& entries) {
  byte_vector out;
  out.reserve(entries.size() * 40);
  for (const auto& e : entries) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(e.index >> shift));
    out.insert(out.end(), e.secret.bytes.begin(), e.secret.bytes.end());
  }
  return out;
}

std::optional<std::vector<crypto::shachain_entry>> decode_secrets(byte_span b) {
  if (b.size() % 40 != 0) return std::nullopt;
  std::vector<crypto::shachain_entry> out(b.size() / 40);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint8_t* p = b.data() + 40 * i;
    for (int k = 0; k < 8; ++k) out[i].index = (out[i].index << 8) | p[k];
    std::copy(p + 8, p + 40, out[i].secret.bytes.begin());
  }
  return out;
}

std::int64_t now_s() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

struct store::impl {
  std::unique_ptr<counting_vfs> vfs;  // destroyed after db (declared first)
  sqlite3* db = nullptr;
  store_metrics m;
  bool batch_open = false;
  std::vector<queued> batch;

  statement begin, commit, rollback;
  statement upsert_channel, delete_htlcs, insert_htlc, upsert_secrets, delete_channel;
  statement upsert_circuit, upsert_invoice, upsert_payment, upsert_peer_address;
  statement select_channels, select_channel, select_secrets, select_htlcs, select_circuit, select_open_circuits,
      select_forwards, select_invoice, select_payment, select_live_invoices, select_in_flight_payments,
      select_peer_addresses;

  ~impl() {
    // Statements must be finalized before the connection closes.
    for (statement* s : {&begin, &commit, &rollback, &upsert_channel, &delete_htlcs, &insert_htlc, &upsert_secrets,
                         &delete_channel, &upsert_circuit, &upsert_invoice, &upsert_payment, &select_channels,
                         &select_channel, &select_secrets, &select_htlcs, &select_circuit, &select_open_circuits,
                         &select_forwards, &select_invoice, &select_payment, &select_live_invoices,
                         &select_in_flight_payments, &upsert_peer_address, &select_peer_addresses}) {
      *s = statement();
    }
    if (db != nullptr) sqlite3_close_v2(db);
  }

  status<store_error> prepare_all() {
    struct entry {
      statement* s;
      const char* sql;
    };
    const entry entries[] = {
        {&begin, "BEGIN IMMEDIATE"},
        {&commit, "COMMIT"},
        {&rollback, "ROLLBACK"},
        {&upsert_channel,
         "INSERT INTO channels (channel_id, self_party, peer_address, bank, phase, sequence, balance0, balance1, "
         "revision, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9) ON CONFLICT (channel_id) DO UPDATE SET "
         "self_party = excluded.self_party, peer_address = excluded.peer_address, bank = excluded.bank, "
         "phase = excluded.phase, sequence = excluded.sequence, balance0 = excluded.balance0, "
         "balance1 = excluded.balance1, revision = channels.revision + 1, state = excluded.state"},
        {&delete_htlcs, "DELETE FROM htlcs WHERE channel_id = ?1"},
        {&insert_htlc,
         "INSERT INTO htlcs (channel_id, offerer, htlc_id, amount, hash_lock, time_lock_s, state, removal) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"},
        {&upsert_secrets,
         "INSERT INTO shachain_stores (channel_id, lowest_index, entries) VALUES (?1, ?2, ?3) "
         "ON CONFLICT (channel_id) DO UPDATE SET lowest_index = excluded.lowest_index, entries = excluded.entries"},
        {&delete_channel, "DELETE FROM channels WHERE channel_id = ?1"},
        {&upsert_circuit,
         "INSERT INTO circuits (incoming_channel, incoming_htlc, outgoing_channel, outgoing_htlc, hash_lock, "
         "amount_in, amount_out, state, preimage, failure, updated_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
         "?10, ?11) ON CONFLICT (incoming_channel, incoming_htlc) DO UPDATE SET outgoing_channel = "
         "excluded.outgoing_channel, outgoing_htlc = excluded.outgoing_htlc, hash_lock = excluded.hash_lock, "
         "amount_in = excluded.amount_in, amount_out = excluded.amount_out, state = excluded.state, "
         "preimage = excluded.preimage, failure = excluded.failure, updated_s = excluded.updated_s"},
        {&upsert_invoice,
         "INSERT INTO invoices (payment_hash, preimage, amount, created_s, expiry_s, hold, state, description) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (payment_hash) DO UPDATE SET preimage = "
         "excluded.preimage, amount = excluded.amount, created_s = excluded.created_s, expiry_s = "
         "excluded.expiry_s, hold = excluded.hold, state = excluded.state, description = excluded.description"},
        {&upsert_payment,
         "INSERT INTO payments (payment_hash, amount, fee, state, preimage, failure, attempts, created_s, "
         "updated_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (payment_hash) DO UPDATE SET "
         "amount = excluded.amount, fee = excluded.fee, state = excluded.state, preimage = excluded.preimage, "
         "failure = excluded.failure, attempts = excluded.attempts, created_s = excluded.created_s, "
         "updated_s = excluded.updated_s"},
        {&select_channels,
         "SELECT channel_id, self_party, peer_address, bank, phase, sequence, balance0, balance1, revision, state "
         "FROM channels ORDER BY channel_id"},
        {&select_channel,
         "SELECT channel_id, self_party, peer_address, bank, phase, sequence, balance0, balance1, revision, state "
         "FROM channels WHERE channel_id = ?1"},
        {&select_secrets, "SELECT entries FROM shachain_stores WHERE channel_id = ?1"},
        {&select_htlcs,
         "SELECT channel_id, offerer, htlc_id, amount, hash_lock, time_lock_s, state, removal FROM htlcs "
         "WHERE channel_id = ?1 ORDER BY offerer, htlc_id"},
        {&select_circuit,
         "SELECT incoming_channel, incoming_htlc, outgoing_channel, outgoing_htlc, hash_lock, amount_in, "
         "amount_out, state, preimage, failure, updated_s FROM circuits WHERE incoming_channel = ?1 AND "
         "incoming_htlc = ?2"},
        {&select_open_circuits,
         "SELECT incoming_channel, incoming_htlc, outgoing_channel, outgoing_htlc, hash_lock, amount_in, "
         "amount_out, state, preimage, failure, updated_s FROM circuits WHERE state < 2 "
         "ORDER BY updated_s, incoming_channel, incoming_htlc"},
        {&select_forwards,
         "SELECT incoming_channel, incoming_htlc, outgoing_channel, outgoing_htlc, hash_lock, amount_in, "
         "amount_out, state, preimage, failure, updated_s FROM circuits WHERE state >= 2 "
         "ORDER BY updated_s, incoming_channel, incoming_htlc LIMIT ?1 OFFSET ?2"},
        {&select_invoice,
         "SELECT payment_hash, preimage, amount, created_s, expiry_s, hold, state, description FROM invoices "
         "WHERE payment_hash = ?1"},
        {&select_payment,
         "SELECT payment_hash, amount, fee, state, preimage, failure, attempts, created_s, updated_s FROM payments "
         "WHERE payment_hash = ?1"},
        {&upsert_peer_address,
         "INSERT INTO peer_addresses (node_id, host, port, updated_s) VALUES (?1, ?2, ?3, ?4) ON CONFLICT "
         "(node_id) DO UPDATE SET host = excluded.host, port = excluded.port, updated_s = excluded.updated_s"},
        {&select_peer_addresses, "SELECT node_id, host, port, updated_s FROM peer_addresses ORDER BY node_id"},
        {&select_live_invoices,
         "SELECT payment_hash, preimage, amount, created_s, expiry_s, hold, state, description FROM invoices "
         "WHERE state < 2 ORDER BY created_s, payment_hash"},
        {&select_in_flight_payments,
         "SELECT payment_hash, amount, fee, state, preimage, failure, attempts, created_s, updated_s FROM payments "
         "WHERE state = 0 ORDER BY created_s, payment_hash"},
    };
    for (const entry& e : entries) {
      auto s = statement::prepare(db, e.sql);
      if (!s) return s.error();
      *e.s = std::move(*s);
    }
    return {};
  }

  status<store_error> apply(const channel_write& w) {
    upsert_channel.bind_blob(1, w.id.span())
        .bind(2, static_cast<std::int64_t>(w.self))
        .bind_blob(3, w.peer.span())
        .bind_blob(4, w.bank.span())
        .bind(5, static_cast<std::int64_t>(w.phase))
        .bind(6, w.sequence)
        .bind_u64(7, w.balances[0].base_units())
        .bind_u64(8, w.balances[1].base_units())
        .bind_blob(9, w.state);
    CW_CHECK(upsert_channel.run());
    delete_htlcs.bind_blob(1, w.id.span());
    CW_CHECK(delete_htlcs.run());
    for (const stored_htlc& h : w.htlcs) {
      insert_htlc.bind_blob(1, w.id.span())
          .bind(2, static_cast<std::int64_t>(h.offerer))
          .bind_u64(3, h.id)
          .bind_u64(4, h.value.base_units())
          .bind_blob(5, h.hash_lock.span())
          .bind_u64(6, h.time_lock_s)
          .bind(7, static_cast<std::int64_t>(h.state))
          .bind(8, static_cast<std::int64_t>(h.removal));
      CW_CHECK(insert_htlc.run());
    }
    upsert_secrets.bind_blob(1, w.id.span());
    if (w.lowest_secret_index) {
      upsert_secrets.bind_u64(2, *w.lowest_secret_index);
    } else {
      upsert_secrets.bind_null(2);
    }
    upsert_secrets.bind_blob(3, w.secrets);
    return upsert_secrets.run();
  }
  status<store_error> apply(const channel_delete& w) {
    delete_channel.bind_blob(1, w.id.span());
    return delete_channel.run();
  }
  status<store_error> apply(const circuit& c) {
    upsert_circuit.bind_blob(1, c.incoming_channel.span()).bind_u64(2, c.incoming_htlc);
    if (c.outgoing_channel) {
      upsert_circuit.bind_blob(3, c.outgoing_channel->span());
    } else {
      upsert_circuit.bind_null(3);
    }
    if (c.outgoing_htlc) {
      upsert_circuit.bind_u64(4, *c.outgoing_htlc);
    } else {
      upsert_circuit.bind_null(4);
    }
    upsert_circuit.bind_blob(5, c.hash_lock.span())
        .bind_u64(6, c.amount_in.base_units())
        .bind_u64(7, c.amount_out.base_units())
        .bind(8, static_cast<std::int64_t>(c.state));
    if (c.preimage) {
      upsert_circuit.bind_blob(9, c.preimage->span());
    } else {
      upsert_circuit.bind_null(9);
    }
    if (c.failure) {
      upsert_circuit.bind(10, static_cast<std::int64_t>(*c.failure));
    } else {
      upsert_circuit.bind_null(10);
    }
    upsert_circuit.bind_u64(11, c.updated_s);
    return upsert_circuit.run();
  }
  status<store_error> apply(const invoice& i) {
    upsert_invoice.bind_blob(1, i.payment_hash.span());
    if (i.preimage) {
      upsert_invoice.bind_blob(2, i.preimage->span());
    } else {
      upsert_invoice.bind_null(2);
    }
    upsert_invoice.bind_u64(3, i.value.base_units())
        .bind_u64(4, i.created_s)
        .bind_u64(5, i.expiry_s)
        .bind(6, i.hold ? 1 : 0)
        .bind(7, static_cast<std::int64_t>(i.state))
        .bind_text(8, i.description);
    return upsert_invoice.run();
  }
  status<store_error> apply(const payment& p) {
    upsert_payment.bind_blob(1, p.payment_hash.span())
        .bind_u64(2, p.value.base_units())
        .bind_u64(3, p.fee.base_units())
        .bind(4, static_cast<std::int64_t>(p.state));
    if (p.preimage) {
      upsert_payment.bind_blob(5, p.preimage->span());
    } else {
      upsert_payment.bind_null(5);
    }
    if (p.failure) {
      upsert_payment.bind(6, static_cast<std::int64_t>(*p.failure));
    } else {
      upsert_payment.bind_null(6);
    }
    upsert_payment.bind(7, p.attempts).bind_u64(8, p.created_s).bind_u64(9, p.updated_s);
    return upsert_payment.run();
  }

  status<store_error> apply(const peer_endpoint& a) {
    upsert_peer_address.bind_blob(1, byte_span(a.node_id.data(), a.node_id.size()))
        .bind_text(2, a.host)
        .bind(3, static_cast<std::int64_t>(a.port))
        .bind_u64(4, a.updated_s);
    return upsert_peer_address.run();
  }

  void roll_back() {
    if (sqlite3_get_autocommit(db) == 0) (void)rollback.run();
  }
  void finish(status<store_error> outcome) {
    std::vector<queued> done = std::exchange(batch, {});
    batch_open = false;
    for (queued& q : done) {
      if (q.on_durable) q.on_durable(outcome);
    }
  }
  void update_sync_counts() {
    m.fsyncs = vfs->syncs();
    m.wal_fsyncs = vfs->wal_syncs();
  }
};

namespace {

status<store_error> configure(sqlite3* db, const store_options& options) {
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  sqlite3_extended_result_codes(db, 1);
  // journal_mode answers with the mode now in force.
  auto mode = statement::prepare(db, "PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  CW_TRY(row, mode->step());
  const std::string got = row ? mode->column_text(0) : std::string();
  mode->reset();
  if (got != "wal") return store_error::wal_unavailable;
  CW_CHECK(sqlite::exec(db, options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
  CW_CHECK(sqlite::exec(db, "PRAGMA foreign_keys = ON"));
  return {};
}

result<std::uint32_t, store_error> read_user_version(sqlite3* db) {
  auto s = statement::prepare(db, "PRAGMA user_version");
  if (!s) return s.error();
  CW_TRY(row, s->step());
  if (!row) return store_error::sqlite_failure;
  const std::int64_t v = s->column_int(0);
  s->reset();
  if (v < 0) return store_error::bad_row;
  return static_cast<std::uint32_t>(v);
}

status<store_error> migrate(sqlite3* db) {
  CW_TRY(current, read_user_version(db));
  const auto all = store_migrations();
  const std::uint32_t latest = all.empty() ? 0 : all.back().version;
  if (current > latest) return store_error::schema_too_new;
  for (const migration& mig : all) {
    if (mig.version <= current) continue;
    auto step = [&]() -> status<store_error> {
      CW_CHECK(sqlite::exec(db, "BEGIN IMMEDIATE"));
      CW_CHECK(sqlite::exec(db, mig.sql));
      auto ins = statement::prepare(db, "INSERT INTO schema_migrations (version, description, applied_at_s) "
                                        "VALUES (?1, ?2, ?3)");
      if (!ins) return ins.error();
      ins->bind(1, mig.version).bind_text(2, mig.description).bind(3, now_s());
      CW_CHECK(ins->run());
      const std::string set_version = "PRAGMA user_version = " + std::to_string(mig.version);
      CW_CHECK(sqlite::exec(db, set_version.c_str()));
      return sqlite::exec(db, "COMMIT");
    };
    if (auto r = step(); !r) {
      if (sqlite3_get_autocommit(db) == 0) (void)sqlite::exec(db, "ROLLBACK");
      return r.error() == store_error::busy ? store_error::busy : store_error::migration_failed;
    }
  }
  return {};
}

template <class Enum>
std::optional<Enum> enum_in(std::int64_t v, Enum last) {
  if (v < 0 || v > static_cast<std::int64_t>(last)) return std::nullopt;
  return static_cast<Enum>(v);
}

std::optional<protocol::fail_reason> reason_in(const statement& s, int col, bool& ok) {
  if (s.column_is_null(col)) return std::nullopt;
  const std::int64_t v = s.column_int(col);
  if (v < static_cast<std::int64_t>(protocol::fail_reason::unknown_payment_hash) ||
      v > static_cast<std::int64_t>(protocol::fail_reason::temporary_failure)) {
    ok = false;
    return std::nullopt;
  }
  return static_cast<protocol::fail_reason>(v);
}

result<stored_channel, store_error> read_channel(const statement& s) {
  stored_channel c;
  auto id = s.column_fixed<channel_id>(0);
  auto peer = s.column_fixed<crypto::address>(2);
  auto bank = s.column_fixed<crypto::address>(3);
  auto self = enum_in(s.column_int(1), protocol::party::one);
  auto phase = enum_in(s.column_int(4), protocol::channel_phase::closed);
  const std::int64_t seq = s.column_int(5);
  if (!id || !peer || !bank || !self || !phase || seq < 0 || seq > UINT32_MAX) return store_error::bad_row;
  c.id = *id;
  c.self = *self;
  c.peer = *peer;
  c.bank = *bank;
  c.phase = *phase;
  c.sequence = static_cast<std::uint32_t>(seq);
  c.balances = {protocol::amount::from_base_units(s.column_u64(6)), protocol::amount::from_base_units(s.column_u64(7))};
  c.revision = s.column_u64(8);
  const byte_span blob = s.column_blob(9);
  c.state.assign(blob.begin(), blob.end());
  return c;
}

result<circuit, store_error> read_circuit(const statement& s) {
  circuit c;
  bool ok = true;
  auto in = s.column_fixed<channel_id>(0);
  auto hash = s.column_fixed<bytes32>(4);
  auto state = enum_in(s.column_int(7), circuit_state::failed);
  if (!in || !hash || !state) return store_error::bad_row;
  c.incoming_channel = *in;
  c.incoming_htlc = s.column_u64(1);
  if (!s.column_is_null(2)) {
    c.outgoing_channel = s.column_fixed<channel_id>(2);
    if (!c.outgoing_channel) return store_error::bad_row;
  }
  if (!s.column_is_null(3)) c.outgoing_htlc = s.column_u64(3);
  c.hash_lock = *hash;
  c.amount_in = protocol::amount::from_base_units(s.column_u64(5));
  c.amount_out = protocol::amount::from_base_units(s.column_u64(6));
  c.state = *state;
  if (!s.column_is_null(8)) {
    c.preimage = s.column_fixed<bytes32>(8);
    if (!c.preimage) return store_error::bad_row;
  }
  c.failure = reason_in(s, 9, ok);
  c.updated_s = s.column_u64(10);
  if (!ok) return store_error::bad_row;
  return c;
}

template <class T, class F>
result<std::vector<T>, store_error> collect(statement& s, F&& read) {
  std::vector<T> out;
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) break;
    auto item = read(s);
    if (!item) {
      s.reset();
      return item.error();
    }
    out.push_back(std::move(*item));
  }
  s.reset();
  return out;
}

template <class T, class F>
result<T, store_error> one(statement& s, F&& read) {
  auto row = s.step();
  if (!row) return row.error();
  if (!*row) {
    s.reset();
    return store_error::not_found;
  }
  auto item = read(s);
  s.reset();
  return item;
}

}  // namespace

result<store, store_error> store::open(const std::string& path, const store_options& options) {
  auto p = std::make_unique<impl>();
  p->vfs = counting_vfs::create();
  if (!p->vfs) return store_error::open_failed;
  const int rc = sqlite3_open_v2(path.c_str(), &p->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 p->vfs->name().c_str());
  if (rc != SQLITE_OK) {
    const store_error e = (rc & 0xff) == SQLITE_CANTOPEN ? store_error::open_failed : store_error_of(rc);
    return e;
  }
  CW_CHECK(configure(p->db, options));
  CW_CHECK(migrate(p->db));
  CW_CHECK(p->prepare_all());
  p->update_sync_counts();
  return store(std::move(p));
}

store::store(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
store::store(store&&) noexcept = default;
store& store::operator=(store&&) noexcept = default;
store::~store() {
  if (impl_ && impl_->batch_open) impl_->finish(store_error::batch_aborted);
}

status<store_error> store::begin_batch() {
  if (impl_->batch_open) return store_error::batch_already_open;
  impl_->batch_open = true;
  return {};
}

bool store::batch_open() const noexcept { return impl_->batch_open; }
std::size_t store::queued_writes() const noexcept { return impl_->batch.size(); }

status<store_error> store::queue_channel(const channel_id& id, const protocol::channel& c, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  channel_write w;
  w.id = id;
  w.self = c.self();
  w.peer = c.config().addresses[protocol::index_of(c.peer())];
  w.bank = c.config().bank;
  w.phase = c.phase();
  w.sequence = c.sequence();
  w.balances = c.balances();
  w.state = protocol::encode_channel_state(c);
  for (const protocol::htlc_view& h : c.htlcs()) {
    w.htlcs.push_back({id, h.terms.offerer, h.id, h.terms.value, h.terms.hash_lock, h.terms.time_lock_s, h.state, h.removal});
  }
  w.lowest_secret_index = c.peer_secrets().lowest_index();
  w.secrets = encode_secrets(c.peer_secrets().entries());
  impl_->batch.push_back({std::move(w), std::move(on_durable)});
  return {};
}

status<store_error> store::queue_delete_channel(const channel_id& id, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  impl_->batch.push_back({channel_delete{id}, std::move(on_durable)});
  return {};
}

status<store_error> store::queue_circuit(const circuit& c, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  if (c.outgoing_channel.has_value() != c.outgoing_htlc.has_value()) return store_error::bad_row;
  impl_->batch.push_back({c, std::move(on_durable)});
  return {};
}

status<store_error> store::queue_invoice(const invoice& i, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  impl_->batch.push_back({i, std::move(on_durable)});
  return {};
}

status<store_error> store::queue_payment(const payment& p, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  impl_->batch.push_back({p, std::move(on_durable)});
  return {};
}

status<store_error> store::queue_peer_address(const peer_endpoint& a, durable_callback on_durable) {
  if (!impl_->batch_open) return store_error::no_open_batch;
  impl_->batch.push_back({a, std::move(on_durable)});
  return {};
}

status<store_error> store::commit_batch() {
  impl& s = *impl_;
  if (!s.batch_open) return store_error::no_open_batch;
  if (s.batch.empty()) {
    s.batch_open = false;
    return {};
  }
  auto run = [&]() -> status<store_error> {
    CW_CHECK(s.begin.run());
    for (const queued& q : s.batch) {
      CW_CHECK(std::visit([&](const auto& w) { return s.apply(w); }, q.w));
    }
    return s.commit.run();  // with synchronous=FULL the WAL is fsynced before this returns
  };
  auto outcome = run();
  if (!outcome) {
    s.roll_back();
    ++s.m.failed_commits;
    s.update_sync_counts();
    s.finish(outcome.error());
    return outcome.error();
  }
  ++s.m.commits;
  s.m.writes += s.batch.size();
  for (const queued& q : s.batch) s.m.channel_writes += std::holds_alternative<channel_write>(q.w) ? 1 : 0;
  s.m.largest_batch = std::max<std::uint64_t>(s.m.largest_batch, s.batch.size());
  s.update_sync_counts();
  s.finish({});
  return {};
}

void store::abort_batch() {
  if (impl_->batch_open) impl_->finish(store_error::batch_aborted);
}

result<std::vector<stored_channel>, store_error> store::list_channels() const {
  return collect<stored_channel>(impl_->select_channels, read_channel);
}

result<stored_channel, store_error> store::get_channel(const channel_id& id) const {
  impl_->select_channel.bind_blob(1, id.span());
  return one<stored_channel>(impl_->select_channel, read_channel);
}

result<crypto::shachain_store, store_error> store::get_peer_secrets(const channel_id& id) const {
  impl_->select_secrets.bind_blob(1, id.span());
  return one<crypto::shachain_store>(impl_->select_secrets,
                                     [](const statement& s) -> result<crypto::shachain_store, store_error> {
                                       auto entries = decode_secrets(s.column_blob(0));
                                       if (!entries) return store_error::bad_row;
                                       auto st = crypto::shachain_store::restore(*entries);
                                       if (!st) return store_error::bad_row;
                                       return std::move(*st);
                                     });
}

result<std::vector<stored_htlc>, store_error> store::list_htlcs(const channel_id& id) const {
  impl_->select_htlcs.bind_blob(1, id.span());
  return collect<stored_htlc>(impl_->select_htlcs, [](const statement& s) -> result<stored_htlc, store_error> {
    stored_htlc h;
    auto ch = s.column_fixed<channel_id>(0);
    auto hash = s.column_fixed<bytes32>(4);
    auto offerer = enum_in(s.column_int(1), protocol::party::one);
    auto state = enum_in(s.column_int(6), protocol::htlc_state::removed);
    auto removal = enum_in(s.column_int(7), protocol::removal_kind::fail);
    if (!ch || !hash || !offerer || !state || !removal) return store_error::bad_row;
    h.channel = *ch;
    h.offerer = *offerer;
    h.id = s.column_u64(2);
    h.value = protocol::amount::from_base_units(s.column_u64(3));
    h.hash_lock = *hash;
    h.time_lock_s = s.column_u64(5);
    h.state = *state;
    h.removal = *removal;
    return h;
  });
}

result<circuit, store_error> store::get_circuit(const channel_id& incoming_channel, protocol::htlc_id incoming_htlc) const {
  impl_->select_circuit.bind_blob(1, incoming_channel.span()).bind_u64(2, incoming_htlc);
  return one<circuit>(impl_->select_circuit, read_circuit);
}

result<std::vector<circuit>, store_error> store::list_open_circuits() const {
  return collect<circuit>(impl_->select_open_circuits, read_circuit);
}

result<std::vector<circuit>, store_error> store::list_forwards(std::size_t limit, std::size_t offset) const {
  impl_->select_forwards.bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
  return collect<circuit>(impl_->select_forwards, read_circuit);
}

namespace {

result<invoice, store_error> read_invoice(const statement& s) {
  invoice i;
  auto hash = s.column_fixed<bytes32>(0);
  auto state = enum_in(s.column_int(6), invoice_state::canceled);
  if (!hash || !state) return store_error::bad_row;
  i.payment_hash = *hash;
  if (!s.column_is_null(1)) {
    i.preimage = s.column_fixed<bytes32>(1);
    if (!i.preimage) return store_error::bad_row;
  }
  i.value = protocol::amount::from_base_units(s.column_u64(2));
  i.created_s = s.column_u64(3);
  i.expiry_s = s.column_u64(4);
  i.hold = s.column_int(5) != 0;
  i.state = *state;
  i.description = s.column_text(7);
  return i;
}

result<payment, store_error> read_payment(const statement& s) {
  payment p;
  bool ok = true;
  auto hash = s.column_fixed<bytes32>(0);
  auto state = enum_in(s.column_int(3), payment_state::failed);
  const std::int64_t attempts = s.column_int(6);
  if (!hash || !state || attempts < 0 || attempts > UINT32_MAX) return store_error::bad_row;
  p.payment_hash = *hash;
  p.value = protocol::amount::from_base_units(s.column_u64(1));
  p.fee = protocol::amount::from_base_units(s.column_u64(2));
  p.state = *state;
  if (!s.column_is_null(4)) {
    p.preimage = s.column_fixed<bytes32>(4);
    if (!p.preimage) return store_error::bad_row;
  }
  p.failure = reason_in(s, 5, ok);
  p.attempts = static_cast<std::uint32_t>(attempts);
  p.created_s = s.column_u64(7);
  p.updated_s = s.column_u64(8);
  if (!ok) return store_error::bad_row;
  return p;
}

}  // namespace

result<invoice, store_error> store::get_invoice(const bytes32& payment_hash) const {
  impl_->select_invoice.bind_blob(1, payment_hash.span());
  return one<invoice>(impl_->select_invoice, read_invoice);
}

result<std::vector<invoice>, store_error> store::list_live_invoices() const {
  return collect<invoice>(impl_->select_live_invoices, read_invoice);
}

result<payment, store_error> store::get_payment(const bytes32& payment_hash) const {
  impl_->select_payment.bind_blob(1, payment_hash.span());
  return one<payment>(impl_->select_payment, read_payment);
}

result<std::vector<payment>, store_error> store::list_in_flight_payments() const {
  return collect<payment>(impl_->select_in_flight_payments, read_payment);
}

result<std::vector<peer_endpoint>, store_error> store::list_peer_addresses() const {
  return collect<peer_endpoint>(impl_->select_peer_addresses, [](const statement& s) -> result<peer_endpoint, store_error> {
    peer_endpoint a;
    const byte_span id = s.column_blob(0);
    const std::int64_t port = s.column_int(2);
    if (id.size() != a.node_id.size() || port < 1 || port > 65535) return store_error::bad_row;
    std::copy(id.begin(), id.end(), a.node_id.begin());
    a.host = s.column_text(1);
    a.port = static_cast<std::uint16_t>(port);
    a.updated_s = s.column_u64(3);
    return a;
  });
}

status<store_error> store::check_integrity() const {
  auto integrity = statement::prepare(impl_->db, "PRAGMA integrity_check");
  if (!integrity) return integrity.error();
  CW_TRY(row, integrity->step());
  const bool ok = row && integrity->column_text(0) == "ok";
  integrity->reset();
  if (!ok) return store_error::integrity_check_failed;
  auto fk = statement::prepare(impl_->db, "PRAGMA foreign_key_check");
  if (!fk) return fk.error();
  CW_TRY(fk_row, fk->step());
  fk->reset();
  if (fk_row) return store_error::integrity_check_failed;
  return {};
}

result<std::uint32_t, store_error> store::schema_version() const { return read_user_version(impl_->db); }

store_metrics store::metrics() const noexcept {
  impl_->update_sync_counts();
  return impl_->m;
}

}  // namespace clearway::node
