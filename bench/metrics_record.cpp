// What recording a request's latency costs (http/route_metrics.hpp): the route lookup, the series update,
// the whole ServerHooks::observe call, from 1, 2 and 4 threads hitting the same series (the worst case:
// every thread serving GET /rdap/* 2xx), beside a mutex-guarded histogram for comparison; and what a
// scrape of /metrics costs with every series populated. Google Benchmark; run by hand:
// build/release/bench/bench_metrics_record. Results in docs/performance.md.

#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include <benchmark/benchmark.h>

#include "http/route_metrics.hpp"
#include "http/router.hpp"

namespace {

using namespace ssad;
using namespace std::chrono_literals;

// The route table of `ssad serve` (http/routes.cpp), with empty routes.
http::Router serve_routes() {
  http::Router router;
  const auto none = [](const http::Request&) { return http::Response{}; };
  router.prefix("/rdap", none);
  router.exact("/healthz", none);
  router.exact("/readyz", none);
  router.prefix("/v1/audit", none);
  router.exact("/v1/me", none);
  for (const char* collection : {"/v1/organisations", "/v1/users", "/v1/accreditations", "/v1/keys"}) {
    router.prefix(collection, none);
  }
  router.prefix("/v1/requests", none);
  router.prefix("/v1/retention", none);
  router.exact("/v1/policy/explain", none);
  router.exact("/metrics", none);
  router.exact("/v1/openapi.json", none);
  return router;
}

const http::Router& routes() {
  static const http::Router router = serve_routes();
  return router;
}

http::MetricsRegistry& registry() {
  static http::MetricsRegistry instance;
  return instance;
}

http::RouteMetrics& route_metrics() {
  static http::RouteMetrics instance(routes(), registry());
  return instance;
}

const http::Exchange kLookup{
    .method = "GET", .path = "/rdap/domain/example.com", .status = 200, .duration = 420us};

void route_lookup(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(routes().route_index(kLookup.path));
}
BENCHMARK(route_lookup);

void record(benchmark::State& state) {
  http::RouteMetrics& metrics = route_metrics();
  for (auto _ : state) metrics.record(kLookup);
}
BENCHMARK(record)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

// As the server calls it: through ServerHooks::observe's std::function.
void observe_hook(benchmark::State& state) {
  const std::function<void(const http::Exchange&)> observe = [](const http::Exchange& exchange) {
    route_metrics().record(exchange);
  };
  for (auto _ : state) observe(kLookup);
}
BENCHMARK(observe_hook)->Threads(1)->Threads(2)->UseRealTime();

// The alternative not taken: one histogram behind a mutex.
struct LockedHistogram {
  std::mutex mutex;
  std::vector<std::uint64_t> buckets = std::vector<std::uint64_t>(17);
  double sum = 0;
};

void record_with_mutex(benchmark::State& state) {
  static LockedHistogram histogram;
  const std::span<const double> bounds = http::latency_buckets();
  const double seconds = std::chrono::duration<double>(kLookup.duration).count();
  for (auto _ : state) {
    benchmark::DoNotOptimize(routes().route_index(kLookup.path));
    const std::lock_guard lock(histogram.mutex);
    ++histogram.buckets[static_cast<std::size_t>(std::ranges::lower_bound(bounds, seconds) - bounds.begin())];
    histogram.sum += seconds;
  }
}
BENCHMARK(record_with_mutex)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

// A scrape with every route × method × status class counted once (the most series there can be).
void exposition(benchmark::State& state) {
  http::MetricsRegistry scraped;
  http::RouteMetrics metrics(routes(), scraped);
  for (const std::string& route : routes().route_names()) {
    const std::string path = route.ends_with("/*") ? route.substr(0, route.size() - 2) : route;
    for (const char* method : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"}) {
      for (const unsigned status : {200U, 301U, 404U, 500U}) {
        metrics.record({.method = method, .path = path, .status = status, .duration = 1ms});
      }
    }
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = scraped.exposition();
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(exposition)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
