// Where a run's network comes from: `--topology ln-2020-12` (a named data set under
// <data dir>/topologies/), `--topology scale-free:N` (generated, seeded) or `--topology DIR` (a
// directory with nodes_ln.csv, channels_ln.csv, edges_ln.csv, plain or .xz, in CLoTH's format).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "routing/topology.hpp"

namespace clearway::tools::bench {

inline constexpr std::string_view default_topology = "ln-2020-12";
inline constexpr std::uint32_t max_scale_free_nodes = 10'000'000;

struct topology_spec {
  enum class kind : std::uint8_t { named, scale_free, directory };
  kind what = kind::named;
  std::string name;                 // named: the data set's name
  std::uint32_t nodes = 0;          // scale_free: node count
  std::filesystem::path directory;  // directory: the path as given
};

// Pure: classifies the text. "scale-free:N" (2 <= N <= max_scale_free_nodes); text with a '/' or
// starting with '.' is a directory; a plain name ([A-Za-z0-9._-]) is a named data set. The error
// is a message for people (without the flag name).
[[nodiscard]] result<topology_spec, std::string> parse_topology_spec(std::string_view text);

// The data directories searched for named data sets, in order: `override_dir` alone if given;
// otherwise <exe dir>/../share/clearway/data (an installed tool), <exe dir>/data, and the source
// tree's data/ (CLEARWAY_DATA_DIR, compiled in). Only existing directories are returned.
[[nodiscard]] std::vector<std::filesystem::path> data_dirs(const std::optional<std::filesystem::path>& override_dir,
                                                           const std::filesystem::path& executable);

// The running executable (/proc/self/exe), or `argv0` if that cannot be read.
[[nodiscard]] std::filesystem::path executable_path(std::string_view argv0);

struct topology_failure {
  enum class kind : std::uint8_t {
    unknown,         // no such data set or directory: a usage error
    bad_parameters,  // a generator parameter out of its range: a usage error
    bad_data,        // the files exist but do not parse
  };
  kind what = kind::unknown;
  std::string message;
};

struct loaded_topology {
  routing::topology network;
  std::string label;             // "ln-2020-12", "scale-free:1000", "/path/to/dir"
  std::filesystem::path source;  // the directory read, empty when generated
};

// Loads or generates the network. `seed` seeds the scale-free generator.
[[nodiscard]] result<loaded_topology, topology_failure> load_topology(const topology_spec& spec,
                                                                      const std::vector<std::filesystem::path>& dirs,
                                                                      std::uint64_t seed);

}  // namespace clearway::tools::bench
