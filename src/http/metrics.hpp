#pragma once
// Operational metrics in the Prometheus text exposition format 0.0.4 (served at /metrics; docs/statistics.md
// "Prometheus"): counters, gauges and histograms registered once and updated lock-free, plus collectors —
// callbacks that add samples when a scrape happens (figures read from the store, say).
//
// Recording costs one or two relaxed atomic additions and takes no lock; registering and scraping take the
// registry's mutex. Names follow the format: metric names [a-zA-Z_:][a-zA-Z0-9_:]*, label names
// [a-zA-Z_][a-zA-Z0-9_]* not starting with "__". Label values and help texts may hold any text; they are
// escaped as the format says (and bytes that are not UTF-8 replaced by U+FFFD). Never put a personal value
// or a credential in a label: a label is published to whoever may scrape.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ssad::http {

/// Label names and values of one series, in the order they are written.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// The media type of the exposition.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

/// A value that only goes up (requests served).
class Counter {
 public:
  void add(std::uint64_t amount = 1) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (connections open, requests waiting).
class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// A histogram's state at one instant: `cumulative[i]` observations were at most `bounds[i]`, and
/// `cumulative.back()` (the +Inf bucket) is `count`, every observation.
struct HistogramCounts {
  std::vector<double> bounds;
  std::vector<std::uint64_t> cumulative;  // bounds.size() + 1 entries
  double sum = 0;
  std::uint64_t count = 0;
};

/// Observations sorted into buckets by upper bound. The bounds are finite and strictly increasing; +Inf is
/// implicit. observe() is one bucket search and two relaxed atomic additions.
class Histogram {
 public:
  /// `bounds` must be valid (valid_bounds()); the registry checks before it constructs one.
  explicit Histogram(std::vector<double> bounds);

  void observe(double value) noexcept;
  /// A duration, observed in seconds.
  void observe(std::chrono::nanoseconds duration) noexcept {
    observe(std::chrono::duration<double>(duration).count());
  }
  /// The state now. Taken bucket by bucket while others may observe: the counts are each exact and
  /// cumulative, `count` is their total, and `sum` may lag an observation or two behind.
  [[nodiscard]] HistogramCounts counts() const;

  [[nodiscard]] static Result<void> valid_bounds(std::span<const double> bounds);

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bucket (not cumulative); bounds_ + 1
  std::atomic<double> sum_{0};
};

/// Buckets for request latencies, in seconds: 0.1 ms to 10 s, about three per decade.
[[nodiscard]] std::span<const double> latency_buckets();

/// The samples of one scrape, grouped by metric family in the order the families first appear. Each
/// call adds one series; errors: invalid_input for a malformed metric or label name (or a histogram
/// labelled "le", or counts that do not match their bounds), conflict for a family already in this scrape
/// with another type or help text, or for a series (same name and labels) already in it.
class Scrape {
 public:
  [[nodiscard]] Result<void> counter(std::string_view name, std::string_view help, const MetricLabels& labels,
                                     double value);
  [[nodiscard]] Result<void> gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
                                   double value);
  /// `name`_bucket{…,le="…"} for each bound and +Inf, then `name`_sum and `name`_count.
  [[nodiscard]] Result<void> histogram(std::string_view name, std::string_view help,
                                       const MetricLabels& labels, const HistogramCounts& counts);

  /// Adds every family and series of `other`; on an error nothing of `other` is added.
  [[nodiscard]] Result<void> merge(const Scrape& other);

  /// The text exposition: per family `# HELP`, `# TYPE`, then its samples, each line ending in "\n".
  [[nodiscard]] std::string exposition() const;

 private:
  enum class Type : std::uint8_t { counter, gauge, histogram };
  struct Family {
    std::string name;
    std::string help;  // escaped
    Type type;
    std::unordered_set<std::string> series;  // each series' label text, to refuse a duplicate
    std::string samples;                     // the sample lines
  };
  [[nodiscard]] Result<Family*> family(std::string_view name, std::string_view help, Type type,
                                       const std::string& label_text);
  std::vector<Family> families_;
  std::unordered_map<std::string, std::size_t> index_;
};

/// Adds samples to a scrape when /metrics is read. An error leaves out what this collector added (the
/// registry reports it as ssad_metrics_collector_up{collector="…"} 0).
using Collector = std::function<Result<void>(Scrape&)>;

/// The metrics of one process. Thread-safe: register and scrape from any thread; update the returned
/// metrics (which live as long as the registry) from any thread without a lock.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// The metric `name` with `labels`. Asking again for the same name and labels returns the same one.
  /// Errors: invalid_input for malformed names or histogram bounds; conflict when `name` is registered
  /// with another type, help text or (histograms) other bounds.
  [[nodiscard]] Result<Counter*> counter(std::string_view name, std::string_view help,
                                         MetricLabels labels = {});
  [[nodiscard]] Result<Gauge*> gauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  [[nodiscard]] Result<Histogram*> histogram(std::string_view name, std::string_view help,
                                             std::span<const double> bounds, MetricLabels labels = {});

  /// Calls `collect` on every scrape, after the registered metrics, in the order collectors were added.
  /// `name` labels its ssad_metrics_collector_up gauge.
  void add_collector(std::string name, Collector collect);

  /// Every registered metric and every collector's samples, in the text exposition format.
  [[nodiscard]] std::string exposition() const;

 private:
  enum class Kind : std::uint8_t { counter, gauge, histogram };
  struct Registered;
  [[nodiscard]] Result<Registered*> find_or_add(std::string_view name, std::string_view help, Kind kind,
                                                MetricLabels labels, std::span<const double> bounds);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Registered>> registered_;
  std::vector<std::pair<std::string, Collector>> collectors_;
};

}  // namespace ssad::http
