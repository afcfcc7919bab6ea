// How an RPC method answers: a JSON result or a named failure, delivered through a reply callback
// so a method may answer at once or later (connect answers when the handshake ends). A method
// must call its reply exactly once; the daemon drops it unanswered only when it shuts down.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.hpp"

namespace clearway::daemon {

// Failures of a method that ran (refusals before a method runs are node::rpc::rpc_error, codes
// 1..99). Codes 100.. are these; a connect that ended with a transport disconnect_reason uses
// that reason's name and code 200 + its value.
enum class method_error {
  channel_layer_unavailable = 100,  // the channel layer is not plugged into this daemon
  address_not_supported,            // connect: the host is not an IPv4 literal or "localhost"
  connect_to_self,                  // connect: the node id is this node's own
  connect_failed,                   // connect: the socket could not be created
  shutting_down,                    // the daemon stopped before the method finished
};

[[nodiscard]] std::string_view to_string(method_error e) noexcept;

struct method_failure {
  int code = 0;
  std::string name;
  std::string message;
  [[nodiscard]] static method_failure of(method_error e, std::string message) {
    return method_failure{static_cast<int>(e), std::string(to_string(e)), std::move(message)};
  }
};

using method_outcome = result<nlohmann::json, method_failure>;
using method_reply = std::function<void(method_outcome)>;

}  // namespace clearway::daemon
