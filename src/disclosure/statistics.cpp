#include "disclosure/statistics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "json/json_writer.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::disclosure {
namespace {

using model::RequestOutcome;
using model::RequestStatus;

constexpr std::array kStatuses{RequestStatus::pending, RequestStatus::in_review,
                               RequestStatus::awaiting_information, RequestStatus::decided,
                               RequestStatus::cancelled};
constexpr std::array kOutcomes{RequestOutcome::approved, RequestOutcome::partly_approved,
                               RequestOutcome::refused, RequestOutcome::cancelled};
constexpr std::array kCriteria{
    model::UrgentCriterion::threat_to_life, model::UrgentCriterion::serious_bodily_injury,
    model::UrgentCriterion::critical_infrastructure, model::UrgentCriterion::child_exploitation};

std::string group_of(const model::DisclosureRequest& request) {
  return request.group.empty() ? std::string(kUnaccreditedGroup) : request.group;
}

template <class Map, class Key>
std::uint64_t value_in(const Map& map, const Key& key) {
  const auto found = map.find(key);
  return found == map.end() ? 0 : found->second;
}

// The ceil(p·n)-th smallest of `sorted` (n > 0), p = numerator / 100: the nearest-rank percentile.
std::int64_t nearest_rank(const std::vector<std::int64_t>& sorted, std::size_t percent) {
  const std::size_t rank = std::max<std::size_t>(1, (percent * sorted.size() + 99) / 100);
  return sorted[rank - 1];
}

double seconds(double milliseconds) { return milliseconds / 1000.0; }

// Appends figures to a list, so that finish() reads as the list of metrics it makes.
class Figures {
 public:
  void count(std::string name, std::uint64_t value, MetricLabels labels = {}) {
    list_.push_back({std::move(name), std::move(labels), MetricUnit::count, static_cast<double>(value)});
  }
  // part / whole, undefined when whole is 0.
  void share(std::string name, std::uint64_t part, std::uint64_t whole, MetricLabels labels = {}) {
    std::optional<double> value;
    if (whole > 0) value = static_cast<double>(part) / static_cast<double>(whole);
    list_.push_back({std::move(name), std::move(labels), MetricUnit::share, value});
  }
  // count, mean, median and p90 of `durations_ms` (unsorted), labelled stat=… after `labels`.
  void durations(const std::string& name, std::vector<std::int64_t> durations_ms,
                 const MetricLabels& labels = {}) {
    std::ranges::sort(durations_ms);
    const auto with_stat = [&labels](std::string stat) {
      MetricLabels all = labels;
      all.emplace_back("stat", std::move(stat));
      return all;
    };
    list_.push_back({name, with_stat("count"), MetricUnit::count, static_cast<double>(durations_ms.size())});
    std::optional<double> mean, median, p90;
    if (!durations_ms.empty()) {
      const double total =
          std::accumulate(durations_ms.begin(), durations_ms.end(), 0.0,
                          [](double sum, std::int64_t ms) { return sum + static_cast<double>(ms); });
      mean = seconds(total / static_cast<double>(durations_ms.size()));
      median = seconds(static_cast<double>(nearest_rank(durations_ms, 50)));
      p90 = seconds(static_cast<double>(nearest_rank(durations_ms, 90)));
    }
    list_.push_back({name, with_stat("mean"), MetricUnit::seconds, mean});
    list_.push_back({name, with_stat("median"), MetricUnit::seconds, median});
    list_.push_back({name, with_stat("p90"), MetricUnit::seconds, p90});
  }

  [[nodiscard]] std::vector<Figure> take() { return std::move(list_); }

 private:
  std::vector<Figure> list_;
};

}  // namespace

std::string_view to_string(MetricUnit unit) {
  switch (unit) {
    case MetricUnit::count:
      return "count";
    case MetricUnit::share:
      return "share";
    case MetricUnit::seconds:
      return "seconds";
  }
  return "count";
}

StatisticsCategories StatisticsCategories::defaults() {
  StatisticsCategories categories;
  for (const auto priority : {policy::Priority::p1, policy::Priority::p2, policy::Priority::p3}) {
    categories.priorities.emplace_back(policy::to_string(priority));
  }
  for (const auto basis : policy::all_lawful_bases())
    categories.lawful_bases.emplace_back(policy::to_string(basis));
  // Every reason a field can be refused for: all but "disclosed" (none) and "waiting for a reviewer".
  for (auto reason = static_cast<int>(policy::Reason::personal_data);
       reason <= static_cast<int>(policy::Reason::operator_policy); ++reason) {
    const auto value = static_cast<policy::Reason>(reason);
    if (value != policy::Reason::pending_review)
      categories.refusal_reasons.emplace_back(policy::to_string(value));
  }
  return categories;
}

Statistics::Tally::Tally(std::vector<std::string> listed) : listed_(std::move(listed)) {
  for (const auto& key : listed_) counts_.try_emplace(key, 0);
}

std::vector<std::pair<std::string, std::uint64_t>> Statistics::Tally::ordered() const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  out.reserve(counts_.size());
  for (const auto& key : listed_) {
    if (std::ranges::none_of(out, [&key](const auto& entry) { return entry.first == key; })) {
      out.emplace_back(key, value_in(counts_, key));
    }
  }
  for (const auto& [key, count] : counts_) {
    if (std::ranges::find(listed_, key) == listed_.end()) out.emplace_back(key, count);
  }
  return out;
}

Statistics::Statistics(StatisticsCategories categories)
    : categories_(std::move(categories)),
      by_purpose_(categories_.purposes),
      by_priority_(categories_.priorities),
      by_lawful_basis_(categories_.lawful_bases),
      by_group_([this] {
        std::vector<std::string> groups = categories_.groups;
        groups.emplace_back(kUnaccreditedGroup);
        return groups;
      }()),
      refused_by_reason_(categories_.refusal_reasons),
      breached_by_priority_(categories_.priorities) {}

void Statistics::note_categories(const model::DisclosureRequest& request) {
  by_purpose_.note(request.purpose);
  by_priority_.note(request.priority);
  by_lawful_basis_.note(request.lawful_basis);
  by_group_.note(group_of(request));
  breached_by_priority_.note(request.priority);
  for (const auto& field : request.fields) {
    if (field.state == model::FieldState::refused) refused_by_reason_.note(field.reason);
  }
}

void Statistics::add(const model::DisclosureRequest& request) {
  ++received_;
  by_purpose_.add(request.purpose);
  by_priority_.add(request.priority);
  by_lawful_basis_.add(request.lawful_basis);
  by_group_.add(group_of(request));
  breached_by_priority_.note(request.priority);
  if (!request.org_id.empty()) organisations_.insert(request.org_id);
  if (!request.user_id.empty()) users_.insert(request.user_id);
  ++by_status_[request.status];
  const RequestOutcome outcome = model::outcome_of(request);
  if (outcome != RequestOutcome::none) {
    ++by_outcome_[outcome];
    ++by_priority_outcome_[{request.priority, outcome}];
    ++by_group_outcome_[{group_of(request), outcome}];
  }

  for (const auto& field : request.fields) {
    ++fields_requested_;
    if (field.state == model::FieldState::disclosed) ++fields_disclosed_;
    if (field.state == model::FieldState::refused) {
      ++fields_refused_;
      refused_by_reason_.add(field.reason);
    }
  }

  const bool decided = request.status == RequestStatus::decided;
  if (decided) {
    ++(request.automated ? automated_ : reviewed_);
    if (request.decided) {
      const std::int64_t ms = (*request.decided - request.created).count();
      decision_ms_[request.priority].push_back(ms);
      all_decision_ms_.push_back(ms);
      if (outcome == RequestOutcome::approved || outcome == RequestOutcome::partly_approved) {
        approval_ms_.push_back(ms);
      } else if (outcome == RequestOutcome::refused) {
        denial_ms_.push_back(ms);
      }
    }
    ++(request.clock.breached ? decided_late_ : decided_on_time_);
  }
  if (request.clock.warned) ++warned_;
  if (request.clock.breached) {
    ++breached_;
    breached_by_priority_.add(request.priority);
  }

  switch (request.confidentiality.state) {
    case model::ConfidentialityState::none:
      break;
    case model::ConfidentialityState::requested:
      ++confidentiality_requested_;
      ++confidentiality_undecided_;
      break;
    case model::ConfidentialityState::accepted:
      ++confidentiality_requested_;
      ++confidentiality_accepted_;
      confidentiality_until_.push_back(request.confidentiality.until);
      break;
    case model::ConfidentialityState::refused:
      ++confidentiality_requested_;
      ++confidentiality_refused_;
      break;
  }

  if (request.priority == policy::to_string(policy::Priority::p1) && request.urgent_criterion) {
    ++urgent_by_criterion_[*request.urgent_criterion];
  }

  if (request.retention_due) {
    ++retention_disclosures_;
    if (request.destruction_confirmed) {
      ++retention_confirmed_;
      if (*request.destruction_confirmed > *request.retention_due) ++retention_confirmed_late_;
    } else {
      retention_unconfirmed_due_.push_back(*request.retention_due);
    }
  }
}

std::vector<Figure> Statistics::finish(Timestamp now) const {
  Figures out;
  out.count("requests_received", received_);
  for (const auto& [purpose, n] : by_purpose_.ordered())
    out.count("requests_by_purpose", n, {{"purpose", purpose}});
  for (const auto& [priority, n] : by_priority_.ordered()) {
    out.count("requests_by_priority", n, {{"priority", priority}});
  }
  for (const auto& [basis, n] : by_lawful_basis_.ordered()) {
    out.count("requests_by_lawful_basis", n, {{"lawful_basis", basis}});
  }
  for (const auto& [group, n] : by_group_.ordered())
    out.count("requests_by_user_group", n, {{"group", group}});
  out.count("requestor_organisations", organisations_.size());
  out.count("requestor_users", users_.size());

  std::uint64_t open = 0;
  for (const RequestStatus status : kStatuses) {
    const std::uint64_t n = value_in(by_status_, status);
    if (model::is_open(status)) open += n;
    out.count("requests_by_status", n, {{"status", std::string(model::to_string(status))}});
  }
  const std::uint64_t decided = value_in(by_status_, RequestStatus::decided);
  out.count("requests_open", open);
  out.count("requests_closed", decided + value_in(by_status_, RequestStatus::cancelled));
  for (const RequestOutcome outcome : kOutcomes) {
    out.count("requests_by_outcome", value_in(by_outcome_, outcome),
              {{"outcome", std::string(model::to_string(outcome))}});
  }
  for (const auto& [priority, unused] : by_priority_.ordered()) {
    for (const RequestOutcome outcome : kOutcomes) {
      out.count("requests_by_priority_and_outcome",
                value_in(by_priority_outcome_, std::pair(priority, outcome)),
                {{"priority", priority}, {"outcome", std::string(model::to_string(outcome))}});
    }
  }
  for (const auto& [group, unused] : by_group_.ordered()) {
    for (const RequestOutcome outcome : kOutcomes) {
      out.count("requests_by_user_group_and_outcome", value_in(by_group_outcome_, std::pair(group, outcome)),
                {{"group", group}, {"outcome", std::string(model::to_string(outcome))}});
    }
  }
  for (const RequestOutcome outcome : kOutcomes) {
    if (outcome == RequestOutcome::cancelled) continue;
    out.share("outcome_share", value_in(by_outcome_, outcome), decided,
              {{"outcome", std::string(model::to_string(outcome))}});
  }

  out.count("fields_requested", fields_requested_);
  out.count("fields_disclosed", fields_disclosed_);
  out.count("fields_refused", fields_refused_);
  for (const auto& [reason, n] : refused_by_reason_.ordered()) {
    out.count("fields_refused_by_reason", n, {{"reason", reason}});
  }

  out.count("requests_decided_by_handling", automated_, {{"handling", "automated"}});
  out.count("requests_decided_by_handling", reviewed_, {{"handling", "reviewed"}});
  out.share("automated_share", automated_, automated_ + reviewed_);

  for (const auto& [priority, unused] : by_priority_.ordered()) {
    const auto found = decision_ms_.find(priority);
    out.durations("decision_time_seconds",
                  found == decision_ms_.end() ? std::vector<std::int64_t>{} : found->second,
                  {{"priority", priority}});
  }
  out.durations("decision_time_seconds", all_decision_ms_, {{"priority", "all"}});
  out.durations("approval_time_seconds", approval_ms_);
  out.durations("denial_time_seconds", denial_ms_);

  out.count("deadline_warned", warned_);
  out.count("deadline_breached", breached_);
  for (const auto& [priority, n] : breached_by_priority_.ordered()) {
    out.count("deadline_breached_by_priority", n, {{"priority", priority}});
  }
  out.count("decided_within_deadline", decided_on_time_);
  out.count("decided_after_deadline", decided_late_);

  out.count("confidentiality_requested", confidentiality_requested_);
  out.count("confidentiality_accepted", confidentiality_accepted_);
  out.count("confidentiality_refused", confidentiality_refused_);
  out.count("confidentiality_undecided", confidentiality_undecided_);
  out.count("confidentiality_in_force",
            static_cast<std::uint64_t>(std::ranges::count_if(
                confidentiality_until_,
                [now](const std::optional<Timestamp>& until) { return !until || *until > now; })));

  for (const auto criterion : kCriteria) {
    out.count("urgent_requests_by_criterion", value_in(urgent_by_criterion_, criterion),
              {{"criterion", std::string(model::to_string(criterion))}});
  }

  out.count("retention_disclosures", retention_disclosures_);
  out.count("retention_confirmed", retention_confirmed_);
  out.count("retention_confirmed_late", retention_confirmed_late_);
  out.count("retention_overdue",
            static_cast<std::uint64_t>(std::ranges::count_if(retention_unconfirmed_due_,
                                                             [now](Timestamp due) { return due <= now; })));
  return out.take();
}

const Metric* Report::find(std::string_view name, const MetricLabels& labels) const {
  const auto found = std::ranges::find_if(
      metrics, [&](const Metric& metric) { return metric.name == name && metric.labels == labels; });
  return found == metrics.end() ? nullptr : &*found;
}

ReportBuilder::ReportBuilder(Period period, const StatisticsCategories& categories)
    : period_(period), in_period_(categories), cumulative_(categories) {}

void ReportBuilder::add(const model::DisclosureRequest& request) {
  if (request.created >= period_.until) return;
  cumulative_.add(request);
  if (request.created >= period_.from) {
    in_period_.add(request);
  } else {
    in_period_.note_categories(request);
  }
}

Report ReportBuilder::finish(Timestamp now) const {
  Report report{.period = period_, .generated = now, .metrics = {}};
  const std::vector<Figure> period = in_period_.finish(now);
  const std::vector<Figure> cumulative = cumulative_.finish(now);
  // Both populations list the same categories (note_categories), hence the same figures in the same order;
  // the lookup by name and labels guards the pairing all the same.
  report.metrics.reserve(cumulative.size());
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    const Figure& all = cumulative[i];
    const Figure* in_period =
        i < period.size() && period[i].name == all.name && period[i].labels == all.labels ? &period[i]
                                                                                          : nullptr;
    if (in_period == nullptr) {
      const auto found = std::ranges::find_if(period, [&all](const Figure& figure) {
        return figure.name == all.name && figure.labels == all.labels;
      });
      if (found != period.end()) in_period = &*found;
    }
    report.metrics.push_back({all.name, all.labels, all.unit,
                              in_period != nullptr            ? in_period->value
                              : all.unit == MetricUnit::count ? std::optional<double>(0)
                                                              : std::nullopt,
                              all.value});
  }
  return report;
}

// ---- Rendering ----

namespace {

bool is_integral(double value) {
  return std::isfinite(value) && std::trunc(value) == value && std::abs(value) < 9.0e15;
}

// The shortest text that reads back as `value`; integers without a fraction.
std::string number_text(double value) {
  if (is_integral(value)) return std::to_string(static_cast<std::int64_t>(value));
  std::array<char, 64> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
}

void json_value(json::JsonWriter& writer, const std::optional<double>& value) {
  if (!value) {
    writer.null();
  } else if (is_integral(*value)) {
    writer.integer(static_cast<std::int64_t>(*value));
  } else {
    writer.number(*value);
  }
}

// A CSV cell that a spreadsheet would evaluate as a formula gets a leading apostrophe (OWASP "CSV
// Injection"); then RFC 4180 quoting where the cell holds a comma, a quote or a line break.
std::string csv_cell(std::string_view text) {
  std::string cell;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) cell = "'";
  cell.append(text);
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// k=v;k=v, a `\`, `;` or `=` in a value preceded by `\`.
std::string csv_labels(const MetricLabels& labels) {
  std::string text;
  for (const auto& [name, value] : labels) {
    if (!text.empty()) text += ';';
    text += name;
    text += '=';
    for (const char c : value) {
      if (c == '\\' || c == ';' || c == '=') text += '\\';
      text += c;
    }
  }
  return text;
}

std::string fixed(double value, int decimals) {
  std::array<char, 64> buffer{};
  const int n = std::snprintf(buffer.data(), buffer.size(), "%.*f", decimals, value);
  return n > 0 ? std::string(buffer.data(),
                             static_cast<std::size_t>(std::min(n, static_cast<int>(buffer.size()) - 1)))
               : std::string();
}

std::string text_value(const std::optional<double>& value, MetricUnit unit) {
  if (!value) return "-";
  switch (unit) {
    case MetricUnit::count:
      return number_text(*value);
    case MetricUnit::share:
      return fixed(*value * 100, 1) + "%";
    case MetricUnit::seconds:
      if (*value < 60) return fixed(*value, 1) + " s";
      if (*value < 3600) return fixed(*value / 60, 1) + " min";
      if (*value < 86400) return fixed(*value / 3600, 1) + " h";
      return fixed(*value / 86400, 1) + " d";
  }
  return "-";
}

std::string metric_title(const Metric& metric) {
  if (metric.labels.empty()) return metric.name;
  std::string title = metric.name + "{";
  for (std::size_t i = 0; i < metric.labels.size(); ++i) {
    if (i > 0) title += ',';
    title += metric.labels[i].first + "=" + metric.labels[i].second;
  }
  return title + "}";
}

}  // namespace

std::string to_json(const Report& report) {
  json::JsonWriter writer(std::size_t{64} * 1024);
  writer.begin_object();
  writer.key("period").begin_object();
  writer.member("from", format_rfc3339(report.period.from));
  writer.member("until", format_rfc3339(report.period.until));
  writer.end_object();
  writer.member("generated", format_rfc3339(report.generated));
  writer.key("metrics").begin_array();
  for (const Metric& metric : report.metrics) {
    writer.begin_object();
    writer.member("name", metric.name);
    writer.key("labels").begin_object();
    for (const auto& [name, value] : metric.labels) writer.member(name, value);
    writer.end_object();
    writer.member("unit", to_string(metric.unit));
    writer.key("period");
    json_value(writer, metric.period);
    writer.key("cumulative");
    json_value(writer, metric.cumulative);
    writer.end_object();
  }
  writer.end_array();
  writer.end_object();
  return std::string(writer.view());
}

std::string to_csv(const Report& report) {
  std::string csv = "metric,labels,period,cumulative\r\n";
  for (const Metric& metric : report.metrics) {
    csv += csv_cell(metric.name);
    csv += ',';
    csv += csv_cell(csv_labels(metric.labels));
    csv += ',';
    if (metric.period) csv += number_text(*metric.period);
    csv += ',';
    if (metric.cumulative) csv += number_text(*metric.cumulative);
    csv += "\r\n";
  }
  return csv;
}

std::string to_text(const Report& report) {
  std::vector<std::array<std::string, 3>> rows;
  rows.push_back({"metric", "period", "cumulative"});
  for (const Metric& metric : report.metrics) {
    rows.push_back({metric_title(metric), text_value(metric.period, metric.unit),
                    text_value(metric.cumulative, metric.unit)});
  }
  std::array<std::size_t, 3> width{};
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::string text = "Period " + format_rfc3339(report.period.from) + " to " +
                     format_rfc3339(report.period.until) +
                     " (until excluded); cumulative: every request created before its end. Generated " +
                     format_rfc3339(report.generated) + ".\n\n";
  for (const auto& row : rows) {
    text += row[0] + std::string(width[0] - row[0].size(), ' ');
    for (std::size_t i = 1; i < row.size(); ++i) {
      text += "  " + std::string(width[i] - row[i].size(), ' ') + row[i];
    }
    text += '\n';
  }
  return text;
}

}  // namespace ssad::disclosure
