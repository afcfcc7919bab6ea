// Cooperative close (PROTOCOL.md §3 close): both sign keccak256(bank, "close", a0, a1) over the
// latest balances once nothing is pending. If the peer's proposal crosses our close_request, each
// side refuses the other's message (channel_closing / close_not_allowed): the layer above then
// settles on chain with latest_signed_own_commitment().
#include "protocol/channel.hpp"

namespace clearway::protocol {

bool channel::nothing_pending() const noexcept {
  // When idle, the logs hold only uncovered proposals (covered ones are irrevocable and dropped).
  return s_.round == round_state::idle && s_.book.empty() && s_.logs[0].empty() && s_.logs[1].empty();
}

result<close_request, channel_error> channel::propose_close() {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  if (s_.phase == channel_phase::opening) return channel_error::channel_not_open;
  if (s_.phase == channel_phase::closed) return channel_error::channel_closed;
  if (s_.close_sigs[index_of(self())] || !nothing_pending()) return channel_error::close_not_allowed;
  const bytes32 hash = close_message_hash(s_.config.bank, s_.held.base[0], s_.held.base[1]);
  const crypto::signature sig = crypto::sign_eip191(keys_.secret, hash);
  s_.close_sigs[index_of(self())] = sig;
  s_.phase = channel_phase::closing;
  ++s_.round_stamp;
  return close_request{s_.held.base, sig};
}

result<crypto::verify_check, channel_error> channel::check_close_request(const close_request& msg) const {
  if (awaiting_reestablish_) return channel_error::awaiting_reestablish;
  if (s_.phase == channel_phase::opening) return channel_error::channel_not_open;
  if (s_.phase == channel_phase::closed) return channel_error::channel_closed;
  if (s_.close_sigs[index_of(peer())]) return channel_error::unexpected_close;
  // In `closing` we checked these when we signed, and nothing could change since.
  if (s_.phase == channel_phase::open && !nothing_pending()) return channel_error::close_not_allowed;
  if (msg.balances != s_.held.base) return channel_error::wrong_close_balances;
  return crypto::verify_check{msg.sig, close_message_hash(s_.config.bank, msg.balances[0], msg.balances[1]),
                              s_.config.addresses[index_of(peer())]};
}

result<channel::close_outcome, channel_error> channel::apply_close_request(const close_request& msg) {
  CW_TRY(check, check_close_request(msg));
  (void)check;  // the caller verified it
  close_outcome out;
  if (!s_.close_sigs[index_of(self())]) {
    const crypto::signature sig =
        crypto::sign_eip191(keys_.secret, close_message_hash(s_.config.bank, s_.held.base[0], s_.held.base[1]));
    s_.close_sigs[index_of(self())] = sig;
    out.reply = close_request{s_.held.base, sig};
  }
  s_.close_sigs[index_of(peer())] = msg.sig;
  s_.phase = channel_phase::closed;
  ++s_.round_stamp;
  out.result = *closing_result();
  return out;
}

result<channel::close_outcome, channel_error> channel::receive_close_request(const close_request& msg) {
  CW_TRY(check, check_close_request(msg));
  if (!crypto::verify_eip191_with_key(check.sig, check.msg_hash, s_.config.public_keys[index_of(peer())])) {
    return channel_error::bad_signature;
  }
  return apply_close_request(msg);
}

}  // namespace clearway::protocol
