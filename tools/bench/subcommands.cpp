// The subcommand table. A new subcommand: its own file defining run_<name>, plus one line here.
#include "tools/bench/subcommand.hpp"

namespace clearway::tools::bench {

int run_simulate(std::span<const std::string_view> args, tool_io& io);     // simulate_command.cpp
int run_concurrency(std::span<const std::string_view> args, tool_io& io);  // concurrency_command.cpp
int run_throughput(std::span<const std::string_view> args, tool_io& io);   // throughput_command.cpp
int run_routing(std::span<const std::string_view> args, tool_io& io);      // routing_command.cpp
int run_cloth(std::span<const std::string_view> args, tool_io& io);        // cloth_command.cpp

namespace {
constexpr subcommand table[] = {
    {"simulate", "a seeded payment workload over a whole network (the main job)", &run_simulate},
    {"concurrency", "N payments held in flight at once over C channels: memory per channel and per HTLC hop",
     &run_concurrency},
    {"throughput", "sustained payments/s at rising offered load, up to the knee, against the crypto ceiling",
     &run_throughput},
    {"routing", "route-search latency on the real LN graph and on scale-free graphs of rising size", &run_routing},
    {"cloth", "CLoTH's workload and failure taxonomy over the same topology, to compare the two simulators",
     &run_cloth},
};
}  // namespace

std::span<const subcommand> subcommands() noexcept { return table; }

}  // namespace clearway::tools::bench
