#pragma once
// HTTP latency histograms per route (docs/statistics.md "Prometheus"), and the /metrics answer.
//
// Where they are recorded: the server's ServerHooks::observe, the one place every response passes — the
// routes' answers, the quick ones given on the reading thread, and the server's own refusals (400, 413,
// 431, the 503 of full workers, the 500 of a handler that threw), none of which the router sees whole.
// The duration is the access log's: from the request's first byte to the response's last, queueing for
// a worker and writing included, which is what a client waits. The router only names the route
// (Router::route_index): the label is the route's pattern ("/rdap/*"), never the path, whose values are
// unbounded and may be personal data (an RDAP entity handle, a searched name).
//
// Every series (route × method × status class) is allocated up front, so that recording is a lookup by
// index and two relaxed atomic additions, with no lock and no allocation; a series is exposed once it
// has counted a request.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace ssad::http {

/// ssad_http_request_duration_seconds{route, method, code}: a histogram (latency_buckets()) per route
/// pattern of the router (or "unmatched" for a path no route answers), method (GET, HEAD, POST, PUT,
/// PATCH, DELETE, OPTIONS, or "other") and status class ("2xx" … "5xx").
class RouteMetrics {
 public:
  /// Series for every route of `router`, which must outlive this object and not change; exposed by a
  /// collector added to `registry` (named "http"), which may outlive this object.
  RouteMetrics(const Router& router, MetricsRegistry& registry);

  /// Counts one exchange (ServerHooks::observe). Lock-free; safe from any thread.
  void record(const Exchange& exchange) noexcept;

 private:
  struct Series;
  const Router& router_;
  std::shared_ptr<Series> series_;
};

/// The answer to /metrics: GET and HEAD get `registry`'s exposition (text/plain; version=0.0.4), any
/// other method a 405 with Allow: GET, HEAD.
[[nodiscard]] Response metrics_response(const MetricsRegistry& registry, const Request& request);

}  // namespace ssad::http
