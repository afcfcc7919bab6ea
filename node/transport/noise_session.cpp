#include "node/transport/noise_session.hpp"

#include <algorithm>
#include <cstring>

namespace clearway::node::transport {

noise_session::noise_session(handshake hs, session_phase phase, bool is_initiator,
                             std::size_t max_message_bytes) noexcept
    : hs_(hs), phase_(phase), is_initiator_(is_initiator),
      max_message_bytes_(std::min(max_message_bytes, max_frame_message_bytes)) {}

result<noise_session, noise_error> noise_session::initiator(const crypto::secret_key& local_static,
                                                            const node_id& remote_static,
                                                            const crypto::secret_key& ephemeral,
                                                            std::size_t max_message_bytes) noexcept {
  CW_TRY(hs, handshake::initiator(local_static, remote_static, ephemeral));
  return noise_session(hs, session_phase::awaiting_act_two, true, max_message_bytes);
}

noise_session noise_session::responder(const crypto::secret_key& local_static, const crypto::secret_key& ephemeral,
                                       std::size_t max_message_bytes) noexcept {
  return noise_session(handshake::responder(local_static, ephemeral), session_phase::awaiting_act_one, false,
                       max_message_bytes);
}

void noise_session::start(byte_vector& out) {
  if (!is_initiator_) return;
  const act_one a1 = hs_.write_act_one();
  out.insert(out.end(), a1.begin(), a1.end());
}

std::optional<node_id> noise_session::remote_node() const noexcept {
  if (is_initiator_ || phase_ == session_phase::established) return hs_.keys().remote_static;
  return std::nullopt;
}

noise_error noise_session::fail(noise_error e) noexcept {
  phase_ = session_phase::failed;
  failure_ = e;
  pending_.clear();
  pending_.shrink_to_fit();
  return e;
}

std::size_t noise_session::wanted() const noexcept {
  switch (phase_) {
    case session_phase::awaiting_act_one: return act_one_bytes;
    case session_phase::awaiting_act_two: return act_two_bytes;
    case session_phase::awaiting_act_three: return act_three_bytes;
    case session_phase::established: return body_bytes_ ? *body_bytes_ + mac_bytes : frame_header_bytes;
    case session_phase::failed: return 0;
  }
  return 0;
}

status<noise_error> noise_session::feed(byte_span in, byte_vector& out, std::vector<byte_vector>& messages) {
  if (phase_ == session_phase::failed) return noise_error::session_failed;
  std::size_t pos = 0;
  while (pos < in.size()) {
    const std::size_t need = wanted();
    // Zero-copy fast path: a whole unit already in `in` with nothing pending.
    if (pending_.empty() && in.size() - pos >= need) {
      pending_.assign(in.begin() + static_cast<std::ptrdiff_t>(pos),
                      in.begin() + static_cast<std::ptrdiff_t>(pos + need));
      pos += need;
    } else {
      const std::size_t take = std::min(need - pending_.size(), in.size() - pos);
      pending_.insert(pending_.end(), in.begin() + static_cast<std::ptrdiff_t>(pos),
                      in.begin() + static_cast<std::ptrdiff_t>(pos + take));
      pos += take;
      if (pending_.size() < need) break;
    }
    if (auto st = process_unit(out, messages); !st) return st.error();
    pending_.clear();
  }
  return {};
}

status<noise_error> noise_session::process_unit(byte_vector& out, std::vector<byte_vector>& messages) {
  switch (phase_) {
    case session_phase::awaiting_act_one: {
      act_one a1;
      std::copy(pending_.begin(), pending_.end(), a1.begin());
      auto a2 = hs_.read_act_one(a1);
      if (!a2) return fail(a2.error());
      out.insert(out.end(), a2->begin(), a2->end());
      phase_ = session_phase::awaiting_act_three;
      return {};
    }
    case session_phase::awaiting_act_two: {
      act_two a2;
      std::copy(pending_.begin(), pending_.end(), a2.begin());
      auto a3 = hs_.read_act_two(a2);
      if (!a3) return fail(a3.error());
      out.insert(out.end(), a3->begin(), a3->end());
      sender_ = cipher_state(hs_.keys().sending_key, hs_.keys().chaining_key);
      receiver_ = cipher_state(hs_.keys().receiving_key, hs_.keys().chaining_key);
      phase_ = session_phase::established;
      return {};
    }
    case session_phase::awaiting_act_three: {
      act_three a3;
      std::copy(pending_.begin(), pending_.end(), a3.begin());
      if (auto st = hs_.read_act_three(a3); !st) return fail(st.error());
      sender_ = cipher_state(hs_.keys().sending_key, hs_.keys().chaining_key);
      receiver_ = cipher_state(hs_.keys().receiving_key, hs_.keys().chaining_key);
      phase_ = session_phase::established;
      return {};
    }
    case session_phase::established: {
      if (!body_bytes_) {
        std::uint8_t length_be[2];
        if (!receiver_.decrypt_to(length_be, pending_)) return fail(noise_error::bad_length_mac);
        const std::size_t length = (std::size_t{length_be[0]} << 8) | length_be[1];
        if (length > max_message_bytes_) return fail(noise_error::frame_too_large);
        body_bytes_ = length;
        return {};
      }
      byte_vector message(*body_bytes_);
      if (!receiver_.decrypt_to(message.data(), pending_)) return fail(noise_error::bad_message_mac);
      body_bytes_.reset();
      messages.push_back(std::move(message));
      return {};
    }
    case session_phase::failed: break;
  }
  return noise_error::session_failed;
}

status<noise_error> noise_session::end_of_stream() noexcept {
  if (phase_ == session_phase::failed) return noise_error::session_failed;
  if (phase_ != session_phase::established || !pending_.empty() || body_bytes_) return fail(noise_error::short_read);
  return {};
}

status<noise_error> noise_session::send(byte_span message, byte_vector& out) {
  if (phase_ == session_phase::failed) return noise_error::session_failed;
  if (phase_ != session_phase::established) return noise_error::not_established;
  if (message.size() > max_message_bytes_) return noise_error::message_too_large;  // the session stays usable
  const std::size_t at = out.size();
  out.resize(at + frame_overhead_bytes + message.size());
  const std::uint8_t length_be[2] = {static_cast<std::uint8_t>(message.size() >> 8),
                                     static_cast<std::uint8_t>(message.size())};
  sender_.encrypt_to(out.data() + at, byte_span(length_be, 2));
  sender_.encrypt_to(out.data() + at + frame_header_bytes, message);
  return {};
}

}  // namespace clearway::node::transport
