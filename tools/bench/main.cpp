// clearway-bench: see tools/bench/subcommand.hpp and docs/simulate.md.
#include <unistd.h>

#include <iostream>
#include <string_view>
#include <vector>

#include "tools/bench/subcommand.hpp"
#include "tools/bench/topology_source.hpp"

int main(int argc, char** argv) {
  using namespace clearway::tools::bench;
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  tool_io io{std::cout, std::cerr, ::isatty(STDERR_FILENO) == 1,
             executable_path(argc > 0 ? std::string_view(argv[0]) : std::string_view())};
  const int code = run_tool(args, io);
  std::cout.flush();
  return code;
}
