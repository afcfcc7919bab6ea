#include "node/store/store_schema.hpp"

namespace clearway::node {
namespace {

// Amounts and other uint64 values are stored as INTEGER holding their int64 bit pattern.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE schema_migrations (
  version      INTEGER PRIMARY KEY,
  description  TEXT NOT NULL,
  applied_at_s INTEGER NOT NULL
);
CREATE TABLE channels (
  channel_id   BLOB PRIMARY KEY CHECK (length(channel_id) = 32),
  self_party   INTEGER NOT NULL CHECK (self_party IN (0, 1)),
  peer_address BLOB NOT NULL CHECK (length(peer_address) = 20),
  bank         BLOB NOT NULL CHECK (length(bank) = 20),
  phase        INTEGER NOT NULL CHECK (phase BETWEEN 0 AND 3),
  sequence     INTEGER NOT NULL,
  balance0     INTEGER NOT NULL,
  balance1     INTEGER NOT NULL,
  revision     INTEGER NOT NULL,
  state        BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX channels_by_peer ON channels (peer_address);
CREATE TABLE shachain_stores (
  channel_id   BLOB PRIMARY KEY REFERENCES channels (channel_id) ON DELETE CASCADE,
  lowest_index INTEGER,
  entries      BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE htlcs (
  channel_id   BLOB NOT NULL REFERENCES channels (channel_id) ON DELETE CASCADE,
  offerer      INTEGER NOT NULL CHECK (offerer IN (0, 1)),
  htlc_id      INTEGER NOT NULL,
  amount       INTEGER NOT NULL,
  hash_lock    BLOB NOT NULL CHECK (length(hash_lock) = 32),
  time_lock_s  INTEGER NOT NULL,
  state        INTEGER NOT NULL,
  removal      INTEGER NOT NULL,
  PRIMARY KEY (channel_id, offerer, htlc_id)
) WITHOUT ROWID;
CREATE INDEX htlcs_by_hash ON htlcs (hash_lock);
CREATE TABLE circuits (
  incoming_channel BLOB NOT NULL REFERENCES channels (channel_id),
  incoming_htlc    INTEGER NOT NULL,
  outgoing_channel BLOB REFERENCES channels (channel_id),
  outgoing_htlc    INTEGER,
  hash_lock        BLOB NOT NULL CHECK (length(hash_lock) = 32),
  amount_in        INTEGER NOT NULL,
  amount_out       INTEGER NOT NULL,
  state            INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
  preimage         BLOB,
  failure          INTEGER,
  updated_s        INTEGER NOT NULL,
  PRIMARY KEY (incoming_channel, incoming_htlc),
  CHECK ((outgoing_channel IS NULL) = (outgoing_htlc IS NULL))
) WITHOUT ROWID;
CREATE INDEX circuits_by_outgoing ON circuits (outgoing_channel, outgoing_htlc);
CREATE INDEX circuits_open ON circuits (state) WHERE state < 2;
CREATE INDEX circuits_by_time ON circuits (updated_s);
CREATE TABLE invoices (
  payment_hash BLOB PRIMARY KEY CHECK (length(payment_hash) = 32),
  preimage     BLOB,
  amount       INTEGER NOT NULL,
  created_s    INTEGER NOT NULL,
  expiry_s     INTEGER NOT NULL,
  hold         INTEGER NOT NULL CHECK (hold IN (0, 1)),
  state        INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),
  description  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE payments (
  payment_hash BLOB PRIMARY KEY CHECK (length(payment_hash) = 32),
  amount       INTEGER NOT NULL,
  fee          INTEGER NOT NULL,
  state        INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),
  preimage     BLOB,
  failure      INTEGER,
  attempts     INTEGER NOT NULL,
  created_s    INTEGER NOT NULL,
  updated_s    INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Where the node reached its peers, so it can dial them again after a restart or a drop.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE peer_addresses (
  node_id   BLOB PRIMARY KEY CHECK (length(node_id) = 33),
  host      TEXT NOT NULL,
  port      INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
  updated_s INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

constexpr migration migrations[] = {
    {1, "channels, shachain stores, HTLCs, circuits, invoices, payments", schema_v1},
    {2, "peer addresses", schema_v2},
};

}  // namespace

std::span<const migration> store_migrations() noexcept { return migrations; }

}  // namespace clearway::node
