#include "tools/bench/topology_source.hpp"

#include <algorithm>
#include <system_error>

#include "routing/scale_free_generator.hpp"
#include "routing/topology_files.hpp"
#include "tools/bench/cli.hpp"

namespace clearway::tools::bench {

namespace fs = std::filesystem;

result<topology_spec, std::string> parse_topology_spec(std::string_view text) {
  topology_spec spec;
  if (text.empty()) return std::string("the value is empty");
  constexpr std::string_view scale_free = "scale-free:";
  if (text.starts_with(scale_free)) {
    const auto n = parse_u64(text.substr(scale_free.size()));
    if (!n && n.error() == number_error::not_a_number) {
      return "'" + std::string(text) + "': expected scale-free:N with N a whole number of nodes";
    }
    if (!n || *n < 2 || *n > max_scale_free_nodes) {
      return "'" + std::string(text) + "': the node count is out of range (2 .. " +
             std::to_string(max_scale_free_nodes) + ")";
    }
    spec.what = topology_spec::kind::scale_free;
    spec.nodes = static_cast<std::uint32_t>(*n);
    return spec;
  }
  if (text.find('/') != std::string_view::npos || text.front() == '.') {
    spec.what = topology_spec::kind::directory;
    spec.directory = fs::path(std::string(text));
    return spec;
  }
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!plain) {
    return "unknown topology '" + std::string(text) + "' (expected " + std::string(default_topology) +
           ", scale-free:N or a directory path)";
  }
  spec.what = topology_spec::kind::named;
  spec.name = std::string(text);
  return spec;
}

fs::path executable_path(std::string_view argv0) {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && !p.empty()) return p;
  return fs::path(std::string(argv0));
}

std::vector<fs::path> data_dirs(const std::optional<fs::path>& override_dir, const fs::path& executable) {
  std::vector<fs::path> candidates;
  if (override_dir) {
    candidates.push_back(*override_dir);
  } else {
    const fs::path exe_dir = executable.parent_path();
    if (!exe_dir.empty()) {
      candidates.push_back(exe_dir / ".." / "share" / "clearway" / "data");
      candidates.push_back(exe_dir / "data");
    }
#ifdef CLEARWAY_DATA_DIR
    candidates.emplace_back(CLEARWAY_DATA_DIR);
#endif
  }
  std::vector<fs::path> out;
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_directory(c, ec)) out.push_back(c.lexically_normal());
  }
  return out;
}

namespace {

result<loaded_topology, topology_failure> load_directory(const fs::path& dir, std::string label) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return topology_failure{topology_failure::kind::unknown, "no such directory: " + dir.string()};
  }
  auto topo = routing::load_topology_dir(dir);
  if (!topo) {
    const auto& f = topo.error();
    if (f.code == routing::load_error::cannot_open) {
      return topology_failure{topology_failure::kind::unknown,
                              dir.string() + " is not a topology directory (" + routing::to_string(f) + ")"};
    }
    return topology_failure{topology_failure::kind::bad_data, dir.string() + ": " + routing::to_string(f)};
  }
  return loaded_topology{std::move(*topo), std::move(label), dir};
}

std::string known_names(const std::vector<fs::path>& dirs) {
  std::vector<std::string> names;
  for (const auto& d : dirs) {
    std::error_code ec;
    for (fs::directory_iterator it(d / "topologies", ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_directory(ec)) names.push_back(it->path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none found" : out;
}

}  // namespace

result<loaded_topology, topology_failure> load_topology(const topology_spec& spec, const std::vector<fs::path>& dirs,
                                                        std::uint64_t seed) {
  switch (spec.what) {
    case topology_spec::kind::scale_free: {
      routing::scale_free_params p;
      p.node_count = spec.nodes;
      // Barabási–Albert needs fewer channels per new node than nodes: tiny networks get fewer.
      p.channels_per_node = std::min(p.channels_per_node, spec.nodes - 1);
      p.seed = seed;
      auto topo = routing::generate_scale_free(p);
      if (!topo) {
        return topology_failure{
            topology_failure::kind::bad_parameters,
            "scale-free:" + std::to_string(spec.nodes) + ": " + std::string(routing::to_string(topo.error()))};
      }
      return loaded_topology{std::move(*topo), "scale-free:" + std::to_string(spec.nodes), {}};
    }
    case topology_spec::kind::directory:
      return load_directory(spec.directory, spec.directory.string());
    case topology_spec::kind::named: {
      for (const auto& d : dirs) {
        const fs::path candidate = d / "topologies" / spec.name;
        std::error_code ec;
        if (fs::is_directory(candidate, ec)) return load_directory(candidate, spec.name);
      }
      // A plain relative directory name works too.
      std::error_code ec;
      if (fs::is_directory(fs::path(spec.name), ec)) return load_directory(fs::path(spec.name), spec.name);
      std::string searched;
      for (const auto& d : dirs) searched += (searched.empty() ? "" : ", ") + d.string();
      return topology_failure{topology_failure::kind::unknown,
                              "unknown topology '" + spec.name + "' (known: " + known_names(dirs) +
                                  "; searched data dirs: " + (searched.empty() ? "none found" : searched) +
                                  "; or give scale-free:N or a directory path)"};
    }
  }
  return topology_failure{topology_failure::kind::unknown, "unknown topology"};
}

}  // namespace clearway::tools::bench
