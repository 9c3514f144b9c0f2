#include "http/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <exception>

#include "core/utf8.hpp"

namespace ssad::http {
namespace {

constexpr std::array kLatencyBuckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                     0.05,   0.1,     0.25,   0.5,   1.0,    2.5,   5.0,  10.0};

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_metric_name(std::string_view name) {
  return !name.empty() && (is_name_start(name.front()) || name.front() == ':') &&
         std::ranges::all_of(name, [](char c) { return is_name_char(c) || c == ':'; });
}

bool is_label_name(std::string_view name) {
  return !name.empty() && is_name_start(name.front()) && !name.starts_with("__") &&
         std::ranges::all_of(name, is_name_char);
}

Result<void> check_names(std::string_view name, const MetricLabels& labels) {
  if (!is_metric_name(name)) {
    return fail(ErrorCode::invalid_input, "'" + std::string(name) + "' is not a Prometheus metric name");
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!is_label_name(labels[i].first)) {
      return fail(
          ErrorCode::invalid_input,
          "'" + labels[i].first + "' is not a Prometheus label name (metric " + std::string(name) + ")");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == labels[i].first) {
        return fail(ErrorCode::invalid_input,
                    "label '" + labels[i].first + "' given twice (metric " + std::string(name) + ")");
      }
    }
  }
  return {};
}

// `text` with every byte that does not begin a well-formed UTF-8 sequence replaced by U+FFFD, and `\`,
// line feeds and (in label values) double quotes escaped as the format says.
std::string escaped(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = pos;
    if (!decode_utf8(text, pos)) {
      out += "\xEF\xBF\xBD";
      ++pos;
      continue;
    }
    const std::string_view character = text.substr(start, pos - start);
    if (character == "\\") {
      out += "\\\\";
    } else if (character == "\n") {
      out += "\\n";
    } else if (quote && character == "\"") {
      out += "\\\"";
    } else {
      out += character;
    }
  }
  return out;
}

// The format's floats (Go's ParseFloat): integers without a fraction, others in the shortest form that
// reads back exactly, +Inf, -Inf, NaN.
std::string number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::trunc(value) == value && std::abs(value) < 9.0e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::array<char, 400> buffer{};
  const double magnitude = std::abs(value);
  const auto format =
      magnitude >= 1e-6 && magnitude < 1e21 ? std::chars_format::fixed : std::chars_format::general;
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format);
  return ec == std::errc() ? std::string(buffer.data(), end) : "NaN";
}

// {a="1",b="2"}, or "" without labels; `extra` (the histogram's le) last.
std::string label_text(const MetricLabels& labels, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string text = "{";
  for (const auto& [name, value] : labels) {
    if (text.size() > 1) text += ',';
    text += name;
    text += "=\"";
    text += escaped(value, true);
    text += '"';
  }
  if (!extra_name.empty()) {
    if (text.size() > 1) text += ',';
    text += extra_name;
    text += "=\"";
    text += extra_value;
    text += '"';
  }
  return text + "}";
}

std::string_view type_name(std::uint8_t type) {
  constexpr std::array<std::string_view, 3> kNames{"counter", "gauge", "histogram"};
  return type < kNames.size() ? kNames[type] : "untyped";
}

}  // namespace

std::span<const double> latency_buckets() { return kLatencyBuckets; }

// ---- Histogram ----

Result<void> Histogram::valid_bounds(std::span<const double> bounds) {
  if (bounds.empty()) return fail(ErrorCode::invalid_input, "a histogram needs at least one bucket bound");
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) return fail(ErrorCode::invalid_input, "histogram bounds must be finite");
    if (i > 0 && bounds[i] <= bounds[i - 1]) {
      return fail(ErrorCode::invalid_input, "histogram bounds must increase strictly");
    }
  }
  return {};
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double value) noexcept {
  // The first bound at or above the value (le is "less than or equal"); NaN lands in +Inf.
  const auto bucket =
      std::isnan(value)
          ? bounds_.size()
          : static_cast<std::size_t>(std::ranges::lower_bound(bounds_, value) - bounds_.begin());
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramCounts Histogram::counts() const {
  HistogramCounts counts;
  counts.bounds = bounds_;
  counts.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts.cumulative.push_back(running);
  }
  counts.count = running;
  counts.sum = sum_.load(std::memory_order_relaxed);
  return counts;
}

// ---- Scrape ----

Result<Scrape::Family*> Scrape::family(std::string_view name, std::string_view help, Type type,
                                       const std::string& label_text) {
  std::string help_text = escaped(help, false);
  const auto found = index_.find(std::string(name));
  Family* family = nullptr;
  if (found == index_.end()) {
    index_.emplace(std::string(name), families_.size());
    family = &families_.emplace_back(Family{std::string(name), std::move(help_text), type, {}, {}});
  } else {
    family = &families_[found->second];
    if (family->type != type || family->help != help_text) {
      return fail(ErrorCode::conflict, "metric " + std::string(name) +
                                           " is already in this scrape with another type or help text");
    }
  }
  if (!family->series.insert(label_text).second) {
    return fail(ErrorCode::conflict,
                "the series " + std::string(name) + label_text + " is already in this scrape");
  }
  return family;
}

Result<void> Scrape::counter(std::string_view name, std::string_view help, const MetricLabels& labels,
                             double value) {
  SSAD_CHECK(check_names(name, labels));
  const std::string labelled = label_text(labels);
  SSAD_TRY(target, family(name, help, Type::counter, labelled));
  target->samples.append(name).append(labelled).append(" ").append(number(value)).append("\n");
  return {};
}

Result<void> Scrape::gauge(std::string_view name, std::string_view help, const MetricLabels& labels,
                           double value) {
  SSAD_CHECK(check_names(name, labels));
  const std::string labelled = label_text(labels);
  SSAD_TRY(target, family(name, help, Type::gauge, labelled));
  target->samples.append(name).append(labelled).append(" ").append(number(value)).append("\n");
  return {};
}

Result<void> Scrape::histogram(std::string_view name, std::string_view help, const MetricLabels& labels,
                               const HistogramCounts& counts) {
  SSAD_CHECK(check_names(name, labels));
  if (std::ranges::any_of(labels, [](const auto& label) { return label.first == "le"; })) {
    return fail(ErrorCode::invalid_input,
                "a histogram's labels may not include 'le' (metric " + std::string(name) + ")");
  }
  SSAD_CHECK(Histogram::valid_bounds(counts.bounds));
  if (counts.cumulative.size() != counts.bounds.size() + 1 || counts.cumulative.back() != counts.count ||
      !std::ranges::is_sorted(counts.cumulative)) {
    return fail(ErrorCode::invalid_input,
                "histogram " + std::string(name) + ": counts do not match their bounds");
  }
  const std::string labelled = label_text(labels);
  SSAD_TRY(target, family(name, help, Type::histogram, labelled));
  std::string& out = target->samples;
  for (std::size_t i = 0; i <= counts.bounds.size(); ++i) {
    const std::string le = i < counts.bounds.size() ? number(counts.bounds[i]) : "+Inf";
    out.append(name).append("_bucket").append(label_text(labels, "le", le));
    out.append(" ").append(number(static_cast<double>(counts.cumulative[i]))).append("\n");
  }
  out.append(name).append("_sum").append(labelled).append(" ").append(number(counts.sum)).append("\n");
  out.append(name).append("_count").append(labelled).append(" ");
  out.append(number(static_cast<double>(counts.count))).append("\n");
  return {};
}

Result<void> Scrape::merge(const Scrape& other) {
  for (const Family& theirs : other.families_) {
    const auto found = index_.find(theirs.name);
    if (found == index_.end()) continue;
    const Family& ours = families_[found->second];
    if (ours.type != theirs.type || ours.help != theirs.help) {
      return fail(ErrorCode::conflict,
                  "metric " + theirs.name + " is already in this scrape with another type or help text");
    }
    for (const auto& series : theirs.series) {
      if (ours.series.contains(series)) {
        return fail(ErrorCode::conflict, "the series " + theirs.name + series + " is already in this scrape");
      }
    }
  }
  for (const Family& theirs : other.families_) {
    const auto found = index_.find(theirs.name);
    if (found == index_.end()) {
      index_.emplace(theirs.name, families_.size());
      families_.push_back(theirs);
      continue;
    }
    Family& ours = families_[found->second];
    ours.series.insert(theirs.series.begin(), theirs.series.end());
    ours.samples += theirs.samples;
  }
  return {};
}

std::string Scrape::exposition() const {
  std::string text;
  for (const Family& family : families_) {
    text.append("# HELP ").append(family.name).append(" ").append(family.help).append("\n");
    text.append("# TYPE ").append(family.name).append(" ");
    text.append(type_name(static_cast<std::uint8_t>(family.type))).append("\n");
    text += family.samples;
  }
  return text;
}

// ---- MetricsRegistry ----

struct MetricsRegistry::Registered {
  Kind kind;
  std::string name;
  std::string help;
  MetricLabels labels;
  std::vector<double> bounds;
  std::unique_ptr<Counter> counter;
  std::unique_ptr<Gauge> gauge;
  std::unique_ptr<Histogram> histogram;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Result<MetricsRegistry::Registered*> MetricsRegistry::find_or_add(std::string_view name,
                                                                  std::string_view help, Kind kind,
                                                                  MetricLabels labels,
                                                                  std::span<const double> bounds) {
  SSAD_CHECK(check_names(name, labels));
  if (kind == Kind::histogram) {
    SSAD_CHECK(Histogram::valid_bounds(bounds));
    if (std::ranges::any_of(labels, [](const auto& label) { return label.first == "le"; })) {
      return fail(ErrorCode::invalid_input,
                  "a histogram's labels may not include 'le' (metric " + std::string(name) + ")");
    }
  }
  const std::lock_guard lock(mutex_);
  for (const auto& entry : registered_) {
    if (entry->name != name) continue;
    if (entry->kind != kind || entry->help != help ||
        (kind == Kind::histogram && !std::ranges::equal(entry->bounds, bounds))) {
      return fail(ErrorCode::conflict,
                  "metric " + std::string(name) + " is registered with another type, help text or buckets");
    }
    if (entry->labels == labels) return entry.get();
  }
  auto entry = std::make_unique<Registered>(Registered{kind,
                                                       std::string(name),
                                                       std::string(help),
                                                       std::move(labels),
                                                       {bounds.begin(), bounds.end()},
                                                       {},
                                                       {},
                                                       {}});
  switch (kind) {
    case Kind::counter:
      entry->counter = std::make_unique<Counter>();
      break;
    case Kind::gauge:
      entry->gauge = std::make_unique<Gauge>();
      break;
    case Kind::histogram:
      entry->histogram = std::make_unique<Histogram>(entry->bounds);
      break;
  }
  return registered_.emplace_back(std::move(entry)).get();
}

Result<Counter*> MetricsRegistry::counter(std::string_view name, std::string_view help, MetricLabels labels) {
  SSAD_TRY(entry, find_or_add(name, help, Kind::counter, std::move(labels), {}));
  return entry->counter.get();
}

Result<Gauge*> MetricsRegistry::gauge(std::string_view name, std::string_view help, MetricLabels labels) {
  SSAD_TRY(entry, find_or_add(name, help, Kind::gauge, std::move(labels), {}));
  return entry->gauge.get();
}

Result<Histogram*> MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                              std::span<const double> bounds, MetricLabels labels) {
  SSAD_TRY(entry, find_or_add(name, help, Kind::histogram, std::move(labels), bounds));
  return entry->histogram.get();
}

void MetricsRegistry::add_collector(std::string name, Collector collect) {
  const std::lock_guard lock(mutex_);
  collectors_.emplace_back(std::move(name), std::move(collect));
}

std::string MetricsRegistry::exposition() const {
  Scrape scrape;
  std::vector<std::pair<std::string, Collector>> collectors;
  {
    const std::lock_guard lock(mutex_);
    // Registered metrics were checked when registered: adding them cannot fail.
    for (const auto& entry : registered_) {
      Result<void> added;
      switch (entry->kind) {
        case Kind::counter:
          added = scrape.counter(entry->name, entry->help, entry->labels,
                                 static_cast<double>(entry->counter->value()));
          break;
        case Kind::gauge:
          added = scrape.gauge(entry->name, entry->help, entry->labels, entry->gauge->value());
          break;
        case Kind::histogram:
          added = scrape.histogram(entry->name, entry->help, entry->labels, entry->histogram->counts());
          break;
      }
      (void)added;
    }
    collectors = collectors_;
  }
  // Collectors run outside the lock: one that reads the store must not hold up registration.
  std::vector<std::pair<std::string, bool>> up;
  for (const auto& [name, collect] : collectors) {
    Scrape theirs;
    bool succeeded = false;
    try {
      succeeded = collect(theirs).has_value() && scrape.merge(theirs).has_value();
    } catch (const std::exception&) {
      succeeded = false;
    }
    up.emplace_back(name, succeeded);
  }
  for (const auto& [name, succeeded] : up) {
    const Result<void> shown = scrape.gauge(
        "ssad_metrics_collector_up",
        "Whether the collector's samples are in this scrape (1) or it failed and they are not (0).",
        {{"collector", name}}, succeeded ? 1 : 0);
    // Refused only for a second collector of the same name: the first one's gauge stands.
    if (!shown) continue;
  }
  return scrape.exposition();
}

}  // namespace ssad::http
