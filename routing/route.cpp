#include "routing/route.hpp"

namespace clearway::routing {

std::string_view to_string(route_error e) noexcept {
  switch (e) {
    case route_error::unknown_node: return "unknown_node";
    case route_error::source_equals_target: return "source_equals_target";
    case route_error::amount_too_small: return "amount_too_small";
    case route_error::amount_too_large: return "amount_too_large";
    case route_error::hop_limit: return "hop_limit";
    case route_error::time_lock_limit: return "time_lock_limit";
    case route_error::no_route: return "no_route";
    case route_error::search_budget_exhausted: return "search_budget_exhausted";
  }
  return "unknown route_error";
}

}  // namespace clearway::routing
