#pragma once
// Transparency statistics of disclosure requests (issue 13; shared/spec/policy.md §1.18 SSAD Rec 17, §2.4
// the RDRS usage metrics; docs/statistics.md names and explains every metric). A pure computation: the
// caller streams requests in (store::RequestReader::for_each), one at a time, and renders the result.
//
// A Report sets two populations side by side, as the RDRS Standing Committee asked: the period's (the
// requests CREATED in [from, until)) and the cumulative one (every request created before `until`). What
// a request has become — its status, outcome, confidentiality, retention — is read as it is now, also for
// a past period: a report of January made in March shows January's requests as they stand in March.
//
// Percentiles are exact order statistics by the nearest-rank definition: the p-th percentile of n values
// is the ceil(p·n)-th smallest. The median is the 50th percentile so defined: for an even count, the
// lower of the two middle values (never their mean), so every figure is a time some request really took.
// Durations are in seconds (millisecond precision), shares are fractions in [0, 1]. A figure that has no
// value (the median of no request, the share of none) is null in JSON, an empty cell in CSV, "-" in text;
// the metric is listed all the same, so that every report has the same rows.
//
// Labels are words of the policy and the configuration (purposes, user groups, priorities, lawful bases,
// refusal reasons, urgent criteria), never a requestor's, a user's or a registration's value.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "model/disclosure_request.hpp"

namespace ssad::disclosure {

/// The span of a report: requests created at or after `from` and before `until`.
struct Period {
  Timestamp from;
  Timestamp until;
};

/// The label a request without a user group is counted under.
inline constexpr std::string_view kUnaccreditedGroup = "unaccredited";

/// Categories every report lists, with 0 where no request has them, so that a purpose nobody used shows
/// as 0 rather than missing. Values seen in requests but not listed here are added after the listed ones,
/// in alphabetical order.
struct StatisticsCategories {
  std::vector<std::string> purposes;      // the operator's purposes (RFC 9560 and its own)
  std::vector<std::string> groups;        // the user groups of the configuration; "unaccredited" comes last
  std::vector<std::string> priorities;    // "P1", "P2", "P3"
  std::vector<std::string> lawful_bases;  // "6(1)(a)" … "6(1)(f)"
  std::vector<std::string> refusal_reasons;  // the reasons a field can be refused for (policy::Reason)

  /// Priorities, lawful bases and refusal reasons from the policy's vocabulary; no purposes, no groups.
  [[nodiscard]] static StatisticsCategories defaults();
};

/// Label names and values of one metric, in order ({"priority", "P1"}, {"stat", "median"}).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// What a metric's number is: a count, a share (a fraction of 1), or a duration in seconds.
enum class MetricUnit : std::uint8_t { count, share, seconds };
[[nodiscard]] std::string_view to_string(MetricUnit unit);

/// One figure of one population.
struct Figure {
  std::string name;  // snake_case, stable: "requests_by_purpose"
  MetricLabels labels;
  MetricUnit unit = MetricUnit::count;
  std::optional<double> value;  // nullopt: undefined (a median of nothing)
  friend bool operator==(const Figure&, const Figure&) = default;
};

/// The statistics of one population of requests, accumulated one request at a time.
class Statistics {
 public:
  explicit Statistics(StatisticsCategories categories = StatisticsCategories::defaults());

  /// Counts `request` in.
  void add(const model::DisclosureRequest& request);
  /// Lists the request's categories (purpose, group, lawful basis, priority, refusal reasons) without
  /// counting it, so that a population shows 0 for a category another population of the same report has.
  void note_categories(const model::DisclosureRequest& request);

  /// Every figure, in the order of docs/statistics.md; `now` decides what is in force or overdue now.
  [[nodiscard]] std::vector<Figure> finish(Timestamp now) const;

 private:
  // Counts per category: the listed categories first, in order, then the others seen, sorted.
  class Tally {
   public:
    Tally() = default;
    explicit Tally(std::vector<std::string> listed);
    void note(const std::string& key) { counts_.try_emplace(key, 0); }
    void add(const std::string& key) { ++counts_[key]; }
    [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> ordered() const;

   private:
    std::vector<std::string> listed_;
    std::map<std::string, std::uint64_t, std::less<>> counts_;
  };

  StatisticsCategories categories_;
  std::uint64_t received_ = 0;
  Tally by_purpose_, by_priority_, by_lawful_basis_, by_group_, refused_by_reason_;
  std::set<std::string, std::less<>> organisations_, users_;
  std::map<model::RequestStatus, std::uint64_t> by_status_;
  std::map<model::RequestOutcome, std::uint64_t> by_outcome_;
  // Outcomes per priority and per user group (SSAD Rec 17: disclosed and denied by priority, requestor type).
  std::map<std::pair<std::string, model::RequestOutcome>, std::uint64_t, std::less<>> by_priority_outcome_,
      by_group_outcome_;
  std::uint64_t fields_requested_ = 0, fields_disclosed_ = 0, fields_refused_ = 0;
  std::uint64_t automated_ = 0, reviewed_ = 0;
  // Decision times in milliseconds: per priority, approvals (approved and partly), denials (refused).
  std::map<std::string, std::vector<std::int64_t>, std::less<>> decision_ms_;
  std::vector<std::int64_t> all_decision_ms_, approval_ms_, denial_ms_;
  std::uint64_t breached_ = 0, warned_ = 0, decided_on_time_ = 0, decided_late_ = 0;
  Tally breached_by_priority_;
  std::uint64_t confidentiality_requested_ = 0, confidentiality_accepted_ = 0, confidentiality_refused_ = 0,
                confidentiality_undecided_ = 0;
  std::vector<std::optional<Timestamp>> confidentiality_until_;  // of the accepted ones; nullopt: no end
  std::map<model::UrgentCriterion, std::uint64_t> urgent_by_criterion_;
  std::uint64_t retention_disclosures_ = 0, retention_confirmed_ = 0, retention_confirmed_late_ = 0;
  std::vector<Timestamp> retention_unconfirmed_due_;
};

/// One metric of a report: the period's figure beside the cumulative one.
struct Metric {
  std::string name;
  MetricLabels labels;
  MetricUnit unit = MetricUnit::count;
  std::optional<double> period;
  std::optional<double> cumulative;
  friend bool operator==(const Metric&, const Metric&) = default;
};

/// A transparency report: its period, when it was made, and every metric in both populations.
struct Report {
  Period period;
  Timestamp generated;
  std::vector<Metric> metrics;

  /// The metric called `name` with exactly `labels`, or null.
  [[nodiscard]] const Metric* find(std::string_view name, const MetricLabels& labels = {}) const;
};

/// Builds a Report from requests streamed in any order: feed it every request created before
/// `period.until` (store::RequestFilter::created_before); others are ignored.
class ReportBuilder {
 public:
  explicit ReportBuilder(Period period,
                         const StatisticsCategories& categories = StatisticsCategories::defaults());
  /// Counts `request` in the cumulative population when created before until, and in the period's when
  /// also created at or after from.
  void add(const model::DisclosureRequest& request);
  /// The report as of `now`.
  [[nodiscard]] Report finish(Timestamp now) const;

 private:
  Period period_;
  Statistics in_period_;
  Statistics cumulative_;
};

/// {"period": {"from", "until"}, "generated", "metrics": [{"name", "labels": {…}, "unit", "period",
/// "cumulative"}]}: times in RFC 3339, counts as integers, shares and seconds as numbers, undefined
/// figures as null.
[[nodiscard]] std::string to_json(const Report& report);

/// RFC 4180 CSV (CRLF line ends): the header `metric,labels,period,cumulative`, then one row per metric.
/// Labels are written `k=v;k=v` (a `\`, `;` or `=` inside a value preceded by `\`); undefined figures are
/// empty cells. A text cell that a spreadsheet would read as a formula (starting with = + - @, a tab or a
/// carriage return) begins with an apostrophe.
[[nodiscard]] std::string to_csv(const Report& report);

/// A plain-text table for a terminal: metric{labels}, period, cumulative; shares as percentages,
/// durations in the largest fitting unit ("2.5 d"), undefined figures as "-".
[[nodiscard]] std::string to_text(const Report& report);

}  // namespace ssad::disclosure
