#include "node/store/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "protocol/channel_state_codec.hpp"
#include "protocol/channel_storm_driver.hpp"
#include "protocol/channel_test_support.hpp"

namespace clearway::node {
namespace {

namespace fs = std::filesystem;
using protocol::test::storm_driver;

crypto::key_pair key_of(std::size_t p) { return protocol::test::key(static_cast<std::uint8_t>(p + 1)); }

channel_id id_of(std::uint8_t n) {
  channel_id id;
  id.bytes.fill(n);
  return id;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clearway_store_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "node.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  store open() {
    auto s = store::open(path_);
    if (!s) throw std::runtime_error(std::string(to_string(s.error())));
    return std::move(*s);
  }

  // A driven pair with HTLCs and revocations in it.
  storm_driver driven(std::uint64_t seed, int steps) {
    storm_driver d(seed, key_of(0), key_of(1));
    std::string trace;
    for (int i = 0; i < steps; ++i) d.step(trace);
    return d;
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(StoreTest, CreatesTheSchemaAndKeepsItsVersion) {
  {
    store s = open();
    EXPECT_EQ(*s.schema_version(), store_schema_version);
    EXPECT_TRUE(s.check_integrity().has_value());
  }
  store again = open();
  EXPECT_EQ(*again.schema_version(), store_schema_version);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*) FROM schema_migrations", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), static_cast<int>(store_schema_version));
  sqlite3_finalize(q);
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &q, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)), "wal");
  sqlite3_finalize(q);
  sqlite3_close(raw);
}

TEST_F(StoreTest, PeerAddressesRoundTripAndUpdate) {
  store s = open();
  peer_endpoint a;
  a.node_id.fill(0x02);
  a.host = "127.0.0.1";
  a.port = 9735;
  a.updated_s = 10;
  peer_endpoint b = a;
  b.node_id[1] = 0x03;
  b.host = "localhost";
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_peer_address(b).has_value());
  ASSERT_TRUE(s.queue_peer_address(a).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  auto listed = s.list_peer_addresses();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], a);  // ordered by node id
  EXPECT_EQ((*listed)[1], b);
  a.port = 9999;  // the peer moved: the newer address replaces the old one
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_peer_address(a).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  EXPECT_EQ(s.list_peer_addresses()->at(0).port, 9999);
  // Outside a batch: refused by name.
  EXPECT_EQ(s.queue_peer_address(a).error(), store_error::no_open_batch);
}

TEST_F(StoreTest, RefusesANewerSchemaAndGarbageFiles) {
  { store s = open(); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  auto newer = store::open(path_);
  ASSERT_FALSE(newer.has_value());
  EXPECT_EQ(newer.error(), store_error::schema_too_new);

  const std::string junk = (dir_ / "junk.db").string();
  std::ofstream(junk) << std::string(8192, 'x');
  auto bad = store::open(junk);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error(), store_error::corrupt);

  auto missing = store::open((dir_ / "no" / "such" / "dir.db").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error(), store_error::open_failed);
}

TEST_F(StoreTest, BatchCallsNeedAnOpenBatch) {
  store s = open();
  storm_driver d = driven(1, 10);
  EXPECT_EQ(s.queue_channel(id_of(1), d.end(0)).error(), store_error::no_open_batch);
  EXPECT_EQ(s.commit_batch().error(), store_error::no_open_batch);
  ASSERT_TRUE(s.begin_batch().has_value());
  EXPECT_EQ(s.begin_batch().error(), store_error::batch_already_open);
  const auto before = s.metrics();
  ASSERT_TRUE(s.commit_batch().has_value());  // empty: nothing written, no fsync
  EXPECT_EQ(s.metrics().commits, before.commits);
  EXPECT_EQ(s.metrics().fsyncs, before.fsyncs);
  EXPECT_FALSE(s.batch_open());
}

TEST_F(StoreTest, ChannelStatesRoundTripWithHtlcsAndSecrets) {
  store s = open();
  storm_driver d = driven(42, 150);
  int durable = 0;
  ASSERT_TRUE(s.begin_batch().has_value());
  for (std::size_t p : {0, 1}) {
    ASSERT_TRUE(s.queue_channel(id_of(static_cast<std::uint8_t>(p + 1)), d.end(p), [&](status<store_error> r) {
                   EXPECT_TRUE(r.has_value());
                   ++durable;
                 }).has_value());
  }
  EXPECT_EQ(durable, 0);  // not before the commit
  ASSERT_TRUE(s.commit_batch().has_value());
  EXPECT_EQ(durable, 2);
  for (std::size_t p : {0, 1}) {
    const channel_id id = id_of(static_cast<std::uint8_t>(p + 1));
    auto row = s.get_channel(id);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->revision, 1u);
    EXPECT_EQ(row->self, d.end(p).self());
    EXPECT_EQ(row->sequence, d.end(p).sequence());
    EXPECT_EQ(row->balances, d.end(p).balances());
    auto back = protocol::decode_channel_state(row->state, key_of(p));
    ASSERT_TRUE(back.has_value());
    EXPECT_TRUE(*back == d.end(p));
    auto secrets = s.get_peer_secrets(id);
    ASSERT_TRUE(secrets.has_value());
    EXPECT_TRUE(*secrets == d.end(p).peer_secrets());
    auto htlcs = s.list_htlcs(id);
    ASSERT_TRUE(htlcs.has_value());
    const auto views = d.end(p).htlcs();
    ASSERT_EQ(htlcs->size(), views.size());
    for (std::size_t i = 0; i < views.size(); ++i) {
      EXPECT_EQ((*htlcs)[i].id, views[i].id);
      EXPECT_EQ((*htlcs)[i].state, views[i].state);
      EXPECT_EQ((*htlcs)[i].value, views[i].terms.value);
    }
  }
  // A second write bumps the revision and replaces the HTLC rows.
  std::string trace;
  d.settle(trace);
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0)).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  EXPECT_EQ(s.get_channel(id_of(1))->revision, 2u);
  EXPECT_EQ(s.list_htlcs(id_of(1))->size(), d.end(0).htlcs().size());
  EXPECT_EQ(s.get_channel(id_of(9)).error(), store_error::not_found);
  EXPECT_EQ(s.list_channels()->size(), 2u);
}

TEST_F(StoreTest, OneBatchIsOneCommitAndOneLogFsync) {
  store s = open();
  storm_driver d = driven(3, 40);
  const auto m0 = s.metrics();
  ASSERT_TRUE(s.begin_batch().has_value());
  for (std::uint8_t i = 0; i < 100; ++i) ASSERT_TRUE(s.queue_channel(id_of(i), d.end(i % 2)).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  const auto m1 = s.metrics();
  EXPECT_EQ(m1.commits - m0.commits, 1u);
  EXPECT_EQ(m1.writes - m0.writes, 100u);
  EXPECT_EQ(m1.largest_batch, 100u);
  EXPECT_GE(m1.wal_fsyncs - m0.wal_fsyncs, 1u);
  EXPECT_LE(m1.wal_fsyncs - m0.wal_fsyncs, 2u);
  for (std::uint8_t i = 0; i < 20; ++i) {
    ASSERT_TRUE(s.begin_batch().has_value());
    ASSERT_TRUE(s.queue_channel(id_of(i), d.end(i % 2)).has_value());
    ASSERT_TRUE(s.commit_batch().has_value());
  }
  const auto m2 = s.metrics();
  EXPECT_EQ(m2.commits - m1.commits, 20u);
  EXPECT_GE(m2.wal_fsyncs - m1.wal_fsyncs, 20u);  // one per commit at least
  EXPECT_GE(m2.fsyncs, m2.wal_fsyncs);
}

TEST_F(StoreTest, AFailedWriteRollsBackTheWholeBatch) {
  store s = open();
  storm_driver d = driven(8, 20);
  std::vector<store_error> told;
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0), [&](status<store_error> r) { told.push_back(r.error()); }).has_value());
  circuit orphan;  // names a channel that does not exist: the foreign key refuses it
  orphan.incoming_channel = id_of(77);
  orphan.incoming_htlc = 1;
  ASSERT_TRUE(s.queue_circuit(orphan, [&](status<store_error> r) { told.push_back(r.error()); }).has_value());
  auto r = s.commit_batch();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), store_error::constraint_violation);
  EXPECT_EQ(told, (std::vector<store_error>{store_error::constraint_violation, store_error::constraint_violation}));
  EXPECT_EQ(s.get_channel(id_of(1)).error(), store_error::not_found);
  EXPECT_EQ(s.metrics().failed_commits, 1u);
  EXPECT_FALSE(s.batch_open());

  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0), [&](status<store_error> res) { told.push_back(res.error()); }).has_value());
  s.abort_batch();
  EXPECT_EQ(told.back(), store_error::batch_aborted);
  EXPECT_EQ(s.get_channel(id_of(1)).error(), store_error::not_found);
  EXPECT_TRUE(s.check_integrity().has_value());
}

TEST_F(StoreTest, CircuitsInvoicesAndPaymentsRoundTrip) {
  store s = open();
  storm_driver d = driven(5, 10);
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0)).has_value());
  ASSERT_TRUE(s.queue_channel(id_of(2), d.end(1)).has_value());
  std::vector<circuit> circuits;
  for (std::uint64_t i = 1; i <= 6; ++i) {
    circuit c;
    c.incoming_channel = id_of(1);
    c.incoming_htlc = i;
    c.hash_lock.bytes.fill(static_cast<std::uint8_t>(i));
    c.amount_in = protocol::amount::from_base_units(100 + i);
    c.amount_out = protocol::amount::from_base_units(100);
    c.updated_s = 1000 + i;
    if (i >= 2) {
      c.state = circuit_state::forwarded;
      c.outgoing_channel = id_of(2);
      c.outgoing_htlc = i;
    }
    if (i >= 4) {
      c.state = circuit_state::settled;
      c.preimage = bytes32{};
    }
    if (i == 6) {
      c.state = circuit_state::failed;
      c.preimage.reset();
      c.failure = protocol::fail_reason::expired;
    }
    circuits.push_back(c);
    ASSERT_TRUE(s.queue_circuit(c).has_value());
  }
  invoice inv;
  inv.payment_hash.bytes.fill(0x11);
  inv.value = protocol::amount::from_base_units(500);
  inv.hold = true;
  inv.state = invoice_state::accepted;
  inv.description = "coffee";
  inv.expiry_s = 3600;
  ASSERT_TRUE(s.queue_invoice(inv).has_value());
  payment pay;
  pay.payment_hash.bytes.fill(0x22);
  pay.value = protocol::amount::from_base_units(900);
  pay.fee = protocol::amount::from_base_units(3);
  pay.state = payment_state::failed;
  pay.failure = protocol::fail_reason::insufficient_balance;
  pay.attempts = 4;
  ASSERT_TRUE(s.queue_payment(pay).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());

  EXPECT_EQ(*s.get_circuit(id_of(1), 5), circuits[4]);
  EXPECT_EQ(s.get_circuit(id_of(1), 99).error(), store_error::not_found);
  auto open_ones = s.list_open_circuits();
  ASSERT_TRUE(open_ones.has_value());
  ASSERT_EQ(open_ones->size(), 3u);
  EXPECT_EQ((*open_ones)[0], circuits[0]);
  EXPECT_EQ((*open_ones)[2], circuits[2]);
  auto page1 = s.list_forwards(2, 0);
  auto page2 = s.list_forwards(2, 2);
  ASSERT_TRUE(page1.has_value() && page2.has_value());
  ASSERT_EQ(page1->size(), 2u);
  ASSERT_EQ(page2->size(), 1u);
  EXPECT_EQ((*page2)[0], circuits[5]);
  EXPECT_EQ(*s.get_invoice(inv.payment_hash), inv);
  EXPECT_EQ(*s.get_payment(pay.payment_hash), pay);
  EXPECT_EQ(s.get_invoice(pay.payment_hash).error(), store_error::not_found);
  // What a restart reloads: the accepted hold invoice, but no finished payment.
  auto live = s.list_live_invoices();
  ASSERT_TRUE(live.has_value());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0], inv);
  auto in_flight = s.list_in_flight_payments();
  ASSERT_TRUE(in_flight.has_value());
  EXPECT_TRUE(in_flight->empty());
  ASSERT_TRUE(s.begin_batch().has_value());
  payment pending = pay;
  pending.payment_hash.bytes.fill(0x23);
  pending.state = payment_state::in_flight;
  pending.failure.reset();
  ASSERT_TRUE(s.queue_payment(pending).has_value());
  invoice settled = inv;
  settled.payment_hash.bytes.fill(0x12);
  settled.state = invoice_state::settled;
  settled.preimage = bytes32{};
  ASSERT_TRUE(s.queue_invoice(settled).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  in_flight = s.list_in_flight_payments();
  ASSERT_TRUE(in_flight.has_value());
  ASSERT_EQ(in_flight->size(), 1u);
  EXPECT_EQ((*in_flight)[0], pending);
  EXPECT_EQ(s.list_live_invoices()->size(), 1u);

  // A channel still named by circuits cannot be deleted.
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_delete_channel(id_of(2)).has_value());
  EXPECT_EQ(s.commit_batch().error(), store_error::constraint_violation);
  EXPECT_TRUE(s.check_integrity().has_value());
}

TEST_F(StoreTest, ALockedDatabaseIsBusyAndChangesNothing) {
  store_options quick;
  quick.busy_timeout_ms = 0;
  auto opened = store::open(path_, quick);
  ASSERT_TRUE(opened.has_value());
  store s = std::move(*opened);
  storm_driver d = driven(9, 10);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);  // holds the write lock
  std::optional<store_error> told;
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0), [&](status<store_error> r) { told = r.error(); }).has_value());
  auto r = s.commit_batch();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), store_error::busy);
  EXPECT_EQ(told, store_error::busy);
  ASSERT_EQ(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  EXPECT_EQ(s.get_channel(id_of(1)).error(), store_error::not_found);
  // The same batch goes through once the lock is gone.
  ASSERT_TRUE(s.begin_batch().has_value());
  ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0)).has_value());
  ASSERT_TRUE(s.commit_batch().has_value());
  EXPECT_EQ(s.get_channel(id_of(1))->revision, 1u);
}

TEST_F(StoreTest, BadRowsAreNamed) {
  {
    store s = open();
    storm_driver d = driven(2, 5);
    ASSERT_TRUE(s.begin_batch().has_value());
    ASSERT_TRUE(s.queue_channel(id_of(1), d.end(0)).has_value());
    ASSERT_TRUE(s.commit_batch().has_value());
  }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE shachain_stores SET entries = x'0102'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  store s = open();
  EXPECT_EQ(s.get_peer_secrets(id_of(1)).error(), store_error::bad_row);
}

}  // namespace
}  // namespace clearway::node
