#include "store/request_store.hpp"

#include <string>

namespace ssad::store {

// "n.<created_ms>.<id>" (newest_first) or "d.<deadline_ms, or - for none>.<id>" (deadline_first): the
// order, then the key of the request in that order. request_rows::parse_cursor() reads it.
std::string cursor_of(const model::DisclosureRequest& request, RequestFilter::Order order) {
  if (order == RequestFilter::Order::deadline_first) {
    const auto& deadline = request.clock.deadline;
    return "d." + (deadline ? std::to_string(to_unix_ms(*deadline)) : std::string("-")) + "." + request.id;
  }
  return "n." + std::to_string(to_unix_ms(request.created)) + "." + request.id;
}

}  // namespace ssad::store
