#include "http/route_metrics.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <thread>

#include "http/error_mapping.hpp"

namespace ssad::http {
namespace {

constexpr std::array<std::string_view, 8> kMethods{"GET",   "HEAD",   "POST",    "PUT",
                                                   "PATCH", "DELETE", "OPTIONS", "other"};
constexpr std::array<std::string_view, 4> kClasses{"2xx", "3xx", "4xx", "5xx"};
constexpr std::string_view kUnmatched = "unmatched";

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethods.size(); ++i) {
    if (method == kMethods[i]) return i;
  }
  return kMethods.size() - 1;
}

// 1xx is never a final status; anything outside 200..599 (which the server does not send) counts as 5xx.
std::size_t class_index(unsigned status) {
  return status >= 200 && status < 600 ? status / 100 - 2 : kClasses.size() - 1;
}

}  // namespace

// The histograms as flat arrays of counters, shared with the registry's collector so that either may go
// first. Bounds and sums are whole nanoseconds: recording adds integers, no floating-point CAS loop.
//
// The counters are sharded: each thread records into one of `shards` copies (chosen once per thread,
// round robin) and a scrape adds the copies up. Two threads serving the same route would otherwise pass
// the same cache lines back and forth on every request (bench_metrics_record: 100 ns a record from two
// threads on one series, against 29 ns from one).
struct RouteMetrics::Series {
  std::vector<std::string> routes;      // distinct route names, then "unmatched"
  std::vector<std::size_t> slot_of;     // router index (router size: unmatched) → index in routes
  std::vector<std::int64_t> bounds_ns;  // latency_buckets() in nanoseconds
  std::size_t shards = 1;               // a power of two
  // Per shard, per series: the bucket counts (bounds + 1, the last +Inf), then the sum in nanoseconds.
  std::unique_ptr<std::atomic<std::uint64_t>[]> cells;

  [[nodiscard]] std::size_t count() const { return routes.size() * kMethods.size() * kClasses.size(); }
  [[nodiscard]] std::size_t cells_per_series() const { return bounds_ns.size() + 2; }
  [[nodiscard]] static std::size_t at(std::size_t route, std::size_t method, std::size_t status_class) {
    return (route * kMethods.size() + method) * kClasses.size() + status_class;
  }
  [[nodiscard]] std::atomic<std::uint64_t>* series_cells(std::size_t shard, std::size_t series) const {
    return &cells[(shard * count() + series) * cells_per_series()];
  }
  [[nodiscard]] HistogramCounts counts(std::size_t series) const {
    HistogramCounts counts;
    const std::span<const double> bounds = latency_buckets();
    counts.bounds.assign(bounds.begin(), bounds.end());
    counts.cumulative.assign(bounds_ns.size() + 1, 0);
    std::uint64_t sum_ns = 0;
    for (std::size_t shard = 0; shard < shards; ++shard) {
      const std::atomic<std::uint64_t>* cell = series_cells(shard, series);
      for (std::size_t i = 0; i <= bounds_ns.size(); ++i)
        counts.cumulative[i] += cell[i].load(std::memory_order_relaxed);
      sum_ns += cell[bounds_ns.size() + 1].load(std::memory_order_relaxed);
    }
    for (std::size_t i = 1; i < counts.cumulative.size(); ++i)
      counts.cumulative[i] += counts.cumulative[i - 1];
    counts.count = counts.cumulative.back();
    counts.sum = static_cast<double>(sum_ns) / 1e9;
    return counts;
  }
};

namespace {

// This thread's shard number, given once, round robin over the threads that record.
std::size_t thread_shard() {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t shard = next.fetch_add(1, std::memory_order_relaxed);
  return shard;
}

}  // namespace

RouteMetrics::RouteMetrics(const Router& router, MetricsRegistry& registry)
    : router_(router), series_(std::make_shared<Series>()) {
  Series& series = *series_;
  // Two routes of one name (the same path added twice) share their series.
  for (const std::string& name : router.route_names()) {
    const auto found = std::ranges::find(series.routes, name);
    series.slot_of.push_back(static_cast<std::size_t>(found - series.routes.begin()));
    if (found == series.routes.end()) series.routes.push_back(name);
  }
  series.slot_of.push_back(series.routes.size());
  series.routes.emplace_back(kUnmatched);
  for (const double bound : latency_buckets()) series.bounds_ns.push_back(std::llround(bound * 1e9));
  // One shard per core, at most 16: about 60 KiB each with the routes of `ssad serve`.
  series.shards = std::bit_ceil(std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16));
  series.cells = std::make_unique<std::atomic<std::uint64_t>[]>(series.shards * series.count() *
                                                                series.cells_per_series());

  registry.add_collector("http", [shared = series_](Scrape& scrape) -> Result<void> {
    for (std::size_t route = 0; route < shared->routes.size(); ++route) {
      for (std::size_t method = 0; method < kMethods.size(); ++method) {
        for (std::size_t status_class = 0; status_class < kClasses.size(); ++status_class) {
          const HistogramCounts counts = shared->counts(Series::at(route, method, status_class));
          if (counts.count == 0) continue;
          SSAD_CHECK(
              scrape.histogram("ssad_http_request_duration_seconds",
                               "Time from a request's first byte to its response's last, by route pattern, "
                               "method and status class.",
                               {{"route", shared->routes[route]},
                                {"method", std::string(kMethods[method])},
                                {"code", std::string(kClasses[status_class])}},
                               counts));
        }
      }
    }
    return {};
  });
}

void RouteMetrics::record(const Exchange& exchange) noexcept {
  const Series& series = *series_;
  const std::size_t route =
      series.slot_of[std::min(router_.route_index(exchange.path), series.slot_of.size() - 1)];
  std::atomic<std::uint64_t>* cell =
      series.series_cells(thread_shard() & (series.shards - 1),
                          Series::at(route, method_index(exchange.method), class_index(exchange.status)));
  const std::int64_t ns = std::max<std::int64_t>(0, exchange.duration.count());
  std::size_t bucket = 0;
  while (bucket < series.bounds_ns.size() && ns > series.bounds_ns[bucket]) ++bucket;
  cell[bucket].fetch_add(1, std::memory_order_relaxed);
  cell[series.bounds_ns.size() + 1].fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

Response metrics_response(const MetricsRegistry& registry, const Request& request) {
  if (request.method != "GET") {
    Response refused =
        error_response(request.path, Error{ErrorCode::method_not_allowed, "Only GET and HEAD."});
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  Response response;
  response.headers = {{"Content-Type", std::string(kMetricsContentType)}, {"Cache-Control", "no-store"}};
  response.body = registry.exposition();
  return response;
}

}  // namespace ssad::http
