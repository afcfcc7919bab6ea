// Loads a CLoTH-format network from a directory: the one place in routing/ that touches files.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.hpp"
#include "routing/topology.hpp"
#include "routing/topology_csv.hpp"

namespace clearway::routing {

// Reads dir/nodes_ln.csv, dir/channels_ln.csv and dir/edges_ln.csv; for each, a plain .csv is used
// if present, else the same name with .xz (decompressed with liblzma, or by piping through
// `xz -dc` when Clearway was built without liblzma).
[[nodiscard]] result<topology, load_failure> load_topology_dir(const std::filesystem::path& dir);

// A whole file as text; `.xz` files are decompressed.
[[nodiscard]] result<std::string, load_failure> read_text_file(const std::filesystem::path& path);

// The `xz -dc` pipe on its own (the fallback of read_text_file), for tests.
[[nodiscard]] result<std::string, load_failure> read_xz_with_tool(const std::filesystem::path& path);

// Whether read_text_file decompresses in-process.
[[nodiscard]] bool built_with_liblzma() noexcept;

}  // namespace clearway::routing
