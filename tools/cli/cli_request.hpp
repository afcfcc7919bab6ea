// clearway-cli's command line turned into a typed RPC request. Params are given as key=value or
// positionally (each method's order is in positional_params). Values are typed the way a shell
// user means them -- true/false a boolean, digits a number, anything else a string -- and the
// JSON object is then checked by the daemon's own parser (rpc_codec's parse_request), so the CLI
// accepts exactly what the daemon accepts; where a param wants a string and got digits (an
// invoice description "42"), it is retried as a string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "node/rpc/rpc_codec.hpp"

namespace clearway::cli {

struct cli_usage_error {
  std::string message;  // what was wrong, for the usage line
};

// The positional order of a method's params (connect also takes one "node_id@host:port").
[[nodiscard]] std::vector<std::string_view> positional_params(std::string_view method);

// method + its arguments -> a checked request with the given id.
[[nodiscard]] result<node::rpc::rpc_request, cli_usage_error> build_request(std::string_view method,
                                                                           const std::vector<std::string>& args,
                                                                           std::uint64_t id);

}  // namespace clearway::cli
