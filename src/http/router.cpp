#include "http/router.hpp"

#include "http/error_mapping.hpp"

namespace ssad::http {

Router& Router::exact(std::string path, Route route) {
  routes_.push_back({std::move(path), false, std::move(route)});
  return *this;
}

Router& Router::prefix(std::string prefix, Route route) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  routes_.push_back({std::move(prefix), true, std::move(route)});
  return *this;
}

Router& Router::gate(Gate check) {
  gate_ = std::move(check);
  return *this;
}

Response Router::handle(const Request& request) const {
  if (gate_) {
    if (auto refused = gate_(request)) return std::move(*refused);
  }
  const std::string& path = request.path;
  const Entry* best = nullptr;
  for (const Entry& entry : routes_) {
    if (!entry.is_prefix) {
      if (path == entry.path) return entry.route(request);
      continue;
    }
    const bool under = path.starts_with(entry.path) && (path.size() == entry.path.size() ||
                                                        path[entry.path.size()] == '/' || entry.path == "/");
    if (under && (best == nullptr || entry.path.size() > best->path.size())) best = &entry;
  }
  if (best != nullptr) return best->route(request);
  return error_response(path, Error{ErrorCode::not_found, "Nothing is served at this path."});
}

}  // namespace ssad::http
