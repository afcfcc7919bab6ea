// JSON pieces shared by the scenario reports (field names are part of the tool's interface;
// docs/simulate.md lists them).
#pragma once

#include <nlohmann/json.hpp>

#include "tools/bench/crypto_ceiling.hpp"
#include "tools/bench/scenario_run.hpp"

namespace clearway::tools::bench {

[[nodiscard]] nlohmann::ordered_json to_json(const engine_knobs& k);
[[nodiscard]] nlohmann::ordered_json to_json(const crypto_ceiling& c);
[[nodiscard]] nlohmann::ordered_json to_json(const payment_outcome& o);
// {"passed", "conservation_ok", "atomicity_ok", "routes_ok", "all_finished", ...counts, "problems"}
[[nodiscard]] nlohmann::ordered_json to_json(const run_verdict& v);

}  // namespace clearway::tools::bench
