// What the channel tells the layer above (the actor engine) and how it shows its HTLCs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <variant>

#include "base/bytes.hpp"
#include "crypto/signature.hpp"
#include "protocol/commitment.hpp"
#include "protocol/htlc_book.hpp"
#include "protocol/messages.hpp"

namespace clearway::protocol {

// Events are reported once a round completes, i.e. once both commitments that lacked the change are
// revoked (PROTOCOL.md §6.4: irrevocably committed).

// An HTLC is now irrevocably in both commitments. If offerer is the peer it is incoming: a forwarder
// may now add the outgoing HTLC, a payee may fulfill it.
struct htlc_locked_in {
  htlc_id id = 0;
  htlc_terms terms;
  friend bool operator==(const htlc_locked_in&, const htlc_locked_in&) = default;
};
// An HTLC was irrevocably removed by its receiver's fulfill: its value went to the receiver.
struct htlc_fulfilled {
  htlc_id id = 0;
  htlc_terms terms;
  bytes32 preimage;
  friend bool operator==(const htlc_fulfilled&, const htlc_fulfilled&) = default;
};
// An HTLC was irrevocably removed by its receiver's fail: its value went back to the offerer.
struct htlc_failed {
  htlc_id id = 0;
  htlc_terms terms;
  fail_reason reason = fail_reason::temporary_failure;
  friend bool operator==(const htlc_failed&, const htlc_failed&) = default;
};
// A pay is irrevocably committed (sender == the peer: we received it).
struct pay_settled {
  party sender = party::zero;
  proposal_id id = 0;
  amount value;
  friend bool operator==(const pay_settled&, const pay_settled&) = default;
};

using channel_event = std::variant<htlc_locked_in, htlc_fulfilled, htlc_failed, pay_settled>;

// Where an HTLC stands, from one party's point of view ("latest signed" = its own latest
// commitment that holds the peer's signature).
enum class htlc_state : std::uint8_t {
  proposed,     // added, not yet in the latest signed commitment
  committed,    // in the latest signed commitment, not yet irrevocably
  irrevocable,  // locked in: may be forwarded, fulfilled or failed
  resolving,    // a fulfill/fail is proposed, not yet in the latest signed commitment
  removed,      // removed in the latest signed commitment, not yet irrevocably
};

struct htlc_view {
  htlc_id id = 0;
  htlc_terms terms;
  htlc_state state = htlc_state::proposed;
  removal_kind removal = removal_kind::none;
  friend bool operator==(const htlc_view&, const htlc_view&) = default;
};

// A commitment with the peer's signature on it: what this party would hand to the bank's cash().
struct signed_commitment {
  commitment content;
  crypto::signature peer_sig;
  friend bool operator==(const signed_commitment&, const signed_commitment&) = default;
};

// A finished cooperative close: what the bank's close() takes.
struct close_result {
  std::array<amount, 2> balances;
  std::array<crypto::signature, 2> sigs;  // by party 0, by party 1
  friend bool operator==(const close_result&, const close_result&) = default;
};

enum class channel_phase : std::uint8_t {
  opening,  // exchanging the signatures on commitment #0
  open,
  closing,  // we signed a close_request; no more updates
  closed,   // both close signatures held
};

enum class round_state : std::uint8_t {
  idle,             // no round outstanding
  initiated,        // we sent commit(initiate) for #n+1 and wait for the countersign
  awaiting_revoke,  // we hold #n+1, revealed our #n and wait for the peer's revoke of #n
};

}  // namespace clearway::protocol
