#include "http/router.hpp"

#include "http/error_mapping.hpp"

namespace ssad::http {

Router& Router::exact(std::string path, Route route, QuickRoute quick) {
  routes_.push_back({std::move(path), false, std::move(route), std::move(quick)});
  return *this;
}

Router& Router::prefix(std::string prefix, Route route, QuickRoute quick) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  routes_.push_back({std::move(prefix), true, std::move(route), std::move(quick)});
  return *this;
}

Router& Router::gate(Gate check) {
  gate_ = std::move(check);
  return *this;
}

Router& Router::observe(Observer observer) {
  observer_ = std::move(observer);
  return *this;
}

const Router::Entry* Router::find(std::string_view path) const {
  const Entry* best = nullptr;
  for (const Entry& entry : routes_) {
    if (!entry.is_prefix) {
      if (path == entry.path) return &entry;
      continue;
    }
    const bool under = path.starts_with(entry.path) && (path.size() == entry.path.size() ||
                                                        path[entry.path.size()] == '/' || entry.path == "/");
    if (under && (best == nullptr || entry.path.size() > best->path.size())) best = &entry;
  }
  return best;
}

std::vector<std::string> Router::route_names() const {
  std::vector<std::string> names;
  names.reserve(routes_.size());
  for (const Entry& entry : routes_) {
    if (!entry.is_prefix) {
      names.push_back(entry.path);
    } else {
      names.push_back(entry.path == "/" ? "/*" : entry.path + "/*");
    }
  }
  return names;
}

std::size_t Router::route_index(std::string_view path) const {
  const Entry* entry = find(path);
  return entry == nullptr ? routes_.size() : static_cast<std::size_t>(entry - routes_.data());
}

Response Router::handle(const Request& request) const {
  Response response = answer(request);
  if (observer_) observer_(request, response.status);
  return response;
}

std::optional<Response> Router::quick(Request& request) const {
  std::optional<Response> response = answer_quickly(request);
  if (response && observer_) observer_(request, response->status);
  return response;
}

Response Router::answer(const Request& request) const {
  if (gate_ && !request.admitted) {
    if (auto refused = gate_(request)) return std::move(*refused);
  }
  if (const Entry* entry = find(request.path)) return entry->route(request);
  return error_response(request.path, Error{ErrorCode::not_found, "Nothing is served at this path."});
}

std::optional<Response> Router::answer_quickly(Request& request) const {
  if (gate_ && !request.admitted) {
    if (auto refused = gate_(request)) return refused;
  }
  request.admitted = true;
  const Entry* entry = find(request.path);
  if (entry == nullptr) {
    return error_response(request.path, Error{ErrorCode::not_found, "Nothing is served at this path."});
  }
  if (!entry->quick) return std::nullopt;
  return entry->quick(request);
}

}  // namespace ssad::http
