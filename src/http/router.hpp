#pragma once
// The one router (DESIGN.md §3): which front door answers which path. A route is an exact path
// ("/healthz") or a prefix that ends a path segment ("/rdap" matches "/rdap" and "/rdap/..."); exact
// routes win, then the longest prefix. A path nobody answers gets a 404 through the one error mapping, in
// the dialect of its path. Thread-safe once built (routes are added before serving).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace ssad::http {

using Route = std::function<Response(const Request&)>;
/// Runs before any route: a response ends the request there (a refusal), nullopt lets it through.
using Gate = std::function<std::optional<Response>(const Request&)>;

class Router {
 public:
  /// Answers exactly `path`.
  Router& exact(std::string path, Route route);
  /// Answers `prefix` and every path below it ("/rdap": "/rdap", "/rdap/domain/x"; not "/rdapx").
  Router& prefix(std::string prefix, Route route);
  /// Every request, whatever its path and whether a route answers it, passes `check` first.
  Router& gate(Gate check);

  /// The matching route's response, or a 404.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  struct Entry {
    std::string path;
    bool is_prefix;
    Route route;
  };
  std::vector<Entry> routes_;
  Gate gate_;
};

}  // namespace ssad::http
