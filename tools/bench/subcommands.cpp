// The subcommand table. A new subcommand: its own file defining run_<name>, plus one line here.
#include "tools/bench/subcommand.hpp"

namespace clearway::tools::bench {

int run_simulate(std::span<const std::string_view> args, tool_io& io);  // simulate_command.cpp

namespace {
constexpr subcommand table[] = {
    {"simulate", "a seeded payment workload over a whole network (the main job)", &run_simulate},
};
}  // namespace

std::span<const subcommand> subcommands() noexcept { return table; }

}  // namespace clearway::tools::bench
