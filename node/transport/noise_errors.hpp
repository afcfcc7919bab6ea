// Named errors of the BOLT 8 handshake and encrypted transport. The act-specific names follow
// BOLT 8 Appendix A (ACT1_BAD_VERSION, ACT3_BAD_PUBKEY, ...).
#pragma once

#include <string_view>

namespace clearway::node::transport {

enum class noise_error {
  act1_bad_version = 1,   // act one's version byte is not 0
  act1_bad_pubkey,        // act one's ephemeral key is not a compressed curve point
  act1_bad_tag,           // act one's MAC fails: the initiator does not know our static key
  act2_bad_version,
  act2_bad_pubkey,
  act2_bad_tag,           // act two's MAC fails
  act3_bad_version,
  act3_bad_ciphertext,    // the encrypted static key's MAC fails
  act3_bad_pubkey,        // the decrypted static key is not a compressed curve point
  act3_bad_tag,           // act three's final MAC fails
  short_read,             // the stream ended inside a handshake act or a frame
  bad_length_mac,         // a frame's encrypted length fails its MAC (tampered or garbage)
  bad_message_mac,        // a frame's body fails its MAC (tampered or garbage)
  frame_too_large,        // a frame announces more bytes than the local message limit
  message_too_large,      // asked to send more than the message limit (BOLT 8: 65535)
  invalid_remote_node_id, // the initiator was given a remote key that is not a curve point
  not_established,        // sending before the handshake finished
  session_failed,         // the session failed earlier and accepts nothing more
};

[[nodiscard]] std::string_view to_string(noise_error e) noexcept;

}  // namespace clearway::node::transport
