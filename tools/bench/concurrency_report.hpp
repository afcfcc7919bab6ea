// The concurrency report as JSON (field names are the tool's interface, see docs/benchmarks.md)
// and as a short summary for people.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "tools/bench/concurrency.hpp"

namespace clearway::tools::bench {

[[nodiscard]] nlohmann::ordered_json to_json(const concurrency_report& r);
void print_summary(std::ostream& out, const concurrency_report& r);

}  // namespace clearway::tools::bench
