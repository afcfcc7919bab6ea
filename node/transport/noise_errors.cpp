#include "node/transport/noise_errors.hpp"

namespace clearway::node::transport {

std::string_view to_string(noise_error e) noexcept {
  switch (e) {
    case noise_error::act1_bad_version: return "act1_bad_version: act one has an unknown handshake version";
    case noise_error::act1_bad_pubkey: return "act1_bad_pubkey: act one's ephemeral key is not a valid point";
    case noise_error::act1_bad_tag: return "act1_bad_tag: act one's MAC fails (wrong static key expected by the initiator)";
    case noise_error::act2_bad_version: return "act2_bad_version: act two has an unknown handshake version";
    case noise_error::act2_bad_pubkey: return "act2_bad_pubkey: act two's ephemeral key is not a valid point";
    case noise_error::act2_bad_tag: return "act2_bad_tag: act two's MAC fails";
    case noise_error::act3_bad_version: return "act3_bad_version: act three has an unknown handshake version";
    case noise_error::act3_bad_ciphertext: return "act3_bad_ciphertext: act three's encrypted static key fails its MAC";
    case noise_error::act3_bad_pubkey: return "act3_bad_pubkey: act three's static key is not a valid point";
    case noise_error::act3_bad_tag: return "act3_bad_tag: act three's final MAC fails";
    case noise_error::short_read: return "short_read: the stream ended inside a handshake act or a frame";
    case noise_error::bad_length_mac: return "bad_length_mac: a frame's length prefix fails its MAC";
    case noise_error::bad_message_mac: return "bad_message_mac: a frame's body fails its MAC";
    case noise_error::frame_too_large: return "frame_too_large: a frame announces more than the message limit";
    case noise_error::message_too_large: return "message_too_large: message longer than the limit (65535 bytes)";
    case noise_error::invalid_remote_node_id: return "invalid_remote_node_id: the remote static key is not a valid point";
    case noise_error::not_established: return "not_established: the handshake has not finished";
    case noise_error::session_failed: return "session_failed: the session failed earlier";
  }
  return "unknown_noise_error";
}

}  // namespace clearway::node::transport
