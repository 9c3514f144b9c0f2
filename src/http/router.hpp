#pragma once
// The one router (DESIGN.md §3): which front door answers which path. A route is an exact path
// ("/healthz") or a prefix that ends a path segment ("/rdap" matches "/rdap" and "/rdap/..."); exact
// routes win, then the longest prefix. A path nobody answers gets a 404 through the one error mapping, in
// the dialect of its path. Thread-safe once built (routes are added before serving).

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace ssad::http {

using Route = std::function<Response(const Request&)>;
/// Runs before any route: a response ends the request there (a refusal), nullopt lets it through.
using Gate = std::function<std::optional<Response>(const Request&)>;
/// A route's answer when it needs no store work (a refusal, a cached answer); nullopt: ask the Route.
using QuickRoute = std::function<std::optional<Response>(const Request&)>;
/// Told of every response the router gives, with its request and status, before it is sent: for counting
/// what came of requests (failed credential checks). Called on the thread that answered; must be cheap.
using Observer = std::function<void(const Request&, unsigned status)>;

class Router {
 public:
  /// Answers exactly `path`. `quick`, when given, is tried first on the server's reading thread (quick()).
  Router& exact(std::string path, Route route, QuickRoute quick = {});
  /// Answers `prefix` and every path below it ("/rdap": "/rdap", "/rdap/domain/x"; not "/rdapx").
  Router& prefix(std::string prefix, Route route, QuickRoute quick = {});
  /// Every request, whatever its path and whether a route answers it, passes `check` first.
  Router& gate(Gate check);
  /// `observer` sees every response, the gate's refusals and 404s included, once per request.
  Router& observe(Observer observer);

  /// The matching route's response, or a 404. The gate is skipped for a request quick() admitted.
  [[nodiscard]] Response handle(const Request& request) const;

  /// The part of handle() that needs no store work, for the server's reading thread (http::QuickHandler):
  /// the gate's refusal, a 404, or the route's quick answer. nullopt: handle() must answer, on a worker;
  /// the request is then marked admitted, so that the gate does not count it twice.
  [[nodiscard]] std::optional<Response> quick(Request& request) const;

  /// The routes' names, in the order they were added: an exact route's path ("/healthz"), a prefix's
  /// followed by "/*" ("/rdap/*"). For metrics: a route names a bounded set of paths, a path does not.
  [[nodiscard]] std::vector<std::string> route_names() const;
  /// The index in route_names() of the route that answers `path`, or route_names().size() when none does.
  [[nodiscard]] std::size_t route_index(std::string_view path) const;

 private:
  struct Entry {
    std::string path;
    bool is_prefix;
    Route route;
    QuickRoute quick;
  };
  /// The route for `path`, or null.
  [[nodiscard]] const Entry* find(std::string_view path) const;
  [[nodiscard]] Response answer(const Request& request) const;
  [[nodiscard]] std::optional<Response> answer_quickly(Request& request) const;
  std::vector<Entry> routes_;
  Gate gate_;
  Observer observer_;
};

}  // namespace ssad::http
