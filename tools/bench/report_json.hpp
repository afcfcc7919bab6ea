// The simulate report as one JSON object (nlohmann::json), and writing it to a file.
// Field names are part of the tool's interface (docs/simulate.md lists them).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"
#include "tools/bench/simulate.hpp"

namespace clearway::tools::bench {

[[nodiscard]] nlohmann::ordered_json to_json(const simulate_report& r);

// Writes `doc` (pretty-printed, with a final newline) to `path`, through a temporary file renamed
// into place so a reader never sees half a report. The error is a message for people.
[[nodiscard]] status<std::string> write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& doc);

}  // namespace clearway::tools::bench
