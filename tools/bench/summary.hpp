// The simulate report for people: a few aligned lines on stdout.
#pragma once

#include <iosfwd>

#include "tools/bench/simulate.hpp"

namespace clearway::tools::bench {

void print_summary(std::ostream& out, const simulate_report& r);

}  // namespace clearway::tools::bench
