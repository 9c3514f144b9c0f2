#include "disclosure/statistics.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace ssad::disclosure {
namespace {

using model::ConfidentialityState;
using model::FieldState;
using model::RequestStatus;
using model::UrgentCriterion;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

const Period kFebruary{.from = at("2026-02-01T00:00:00Z"), .until = at("2026-03-01T00:00:00Z")};
const Timestamp kNow = at("2026-03-10T12:00:00Z");

model::RequestedField field(std::string key, FieldState state, std::string reason = "") {
  model::RequestedField f;
  f.key = std::move(key);
  f.state = state;
  f.reason = std::move(reason);
  return f;
}

// A P3 request of org_a's user_a under 6(1)(f) for "cybersecurity", created at `created`, still pending
// with one field under review; each test changes what it looks at.
model::DisclosureRequest request(Timestamp created, std::string id = "req_1") {
  model::DisclosureRequest r;
  r.id = std::move(id);
  r.org_id = "org_a";
  r.user_id = "user_a";
  r.group = "network_operators";
  r.domain = "example.com";
  r.purpose = "cybersecurity";
  r.lawful_basis = "6(1)(f)";
  r.priority = "P3";
  r.fields = {field("registrant.email", FieldState::review)};
  r.status = RequestStatus::pending;
  r.created = created;
  r.updated = created;
  return r;
}

// `r` decided `after` its creation, its fields set to `states` (a refused one for not_necessary).
model::DisclosureRequest decided(model::DisclosureRequest r, milliseconds after,
                                 std::vector<FieldState> states, bool automated = true) {
  r.fields.clear();
  for (std::size_t i = 0; i < states.size(); ++i) {
    r.fields.push_back(field("registrant.f" + std::to_string(i), states[i],
                             states[i] == FieldState::refused ? "not_necessary" : ""));
  }
  r.status = RequestStatus::decided;
  r.decided = r.created + after;
  r.automated = automated;
  return r;
}

// The value of one metric in both columns, for EXPECT_EQ.
struct Pair {
  std::optional<double> period;
  std::optional<double> cumulative;
  friend bool operator==(const Pair&, const Pair&) = default;
  friend std::ostream& operator<<(std::ostream& out, const Pair& pair) {
    const auto text = [](const std::optional<double>& v) {
      return v ? std::to_string(*v) : std::string("null");
    };
    return out << "{" << text(pair.period) << ", " << text(pair.cumulative) << "}";
  }
};

Pair values(const Report& report, std::string_view name, const MetricLabels& labels = {}) {
  const Metric* metric = report.find(name, labels);
  EXPECT_NE(metric, nullptr) << name;
  if (metric == nullptr) return {};
  return {metric->period, metric->cumulative};
}

// The cumulative figure alone (every request of these tests is in the period unless it says otherwise).
std::optional<double> total(const Report& report, std::string_view name, const MetricLabels& labels = {}) {
  return values(report, name, labels).cumulative;
}

Report report_of(const std::vector<model::DisclosureRequest>& requests, Period period = kFebruary,
                 const StatisticsCategories& categories = StatisticsCategories::defaults()) {
  ReportBuilder builder(period, categories);
  for (const auto& r : requests) builder.add(r);
  return builder.finish(kNow);
}

const Timestamp kFeb2 = at("2026-02-02T09:00:00Z");

TEST(StatisticsTest, CountsRequestsByPurposePriorityLawfulBasisGroupAndRequestor) {
  auto urgent = request(kFeb2, "req_2");
  urgent.priority = "P1";
  urgent.urgent_criterion = UrgentCriterion::threat_to_life;
  urgent.purpose = "criminalInvestigation";
  auto unaccredited = request(kFeb2, "req_3");
  unaccredited.group.clear();
  unaccredited.org_id = "org_b";
  unaccredited.user_id = "user_b";
  unaccredited.lawful_basis = "6(1)(c)";
  auto colleague = request(kFeb2, "req_4");
  colleague.user_id = "user_a2";
  const Report report = report_of({request(kFeb2), urgent, unaccredited, colleague});

  EXPECT_EQ(total(report, "requests_received"), 4);
  EXPECT_EQ(total(report, "requests_by_purpose", {{"purpose", "cybersecurity"}}), 3);
  EXPECT_EQ(total(report, "requests_by_purpose", {{"purpose", "criminalInvestigation"}}), 1);
  EXPECT_EQ(total(report, "requests_by_priority", {{"priority", "P1"}}), 1);
  EXPECT_EQ(total(report, "requests_by_priority", {{"priority", "P2"}}), 0);
  EXPECT_EQ(total(report, "requests_by_priority", {{"priority", "P3"}}), 3);
  EXPECT_EQ(total(report, "requests_by_lawful_basis", {{"lawful_basis", "6(1)(f)"}}), 3);
  EXPECT_EQ(total(report, "requests_by_lawful_basis", {{"lawful_basis", "6(1)(c)"}}), 1);
  EXPECT_EQ(total(report, "requests_by_lawful_basis", {{"lawful_basis", "6(1)(a)"}}), 0);
  EXPECT_EQ(total(report, "requests_by_user_group", {{"group", "network_operators"}}), 3);
  EXPECT_EQ(total(report, "requests_by_user_group", {{"group", "unaccredited"}}), 1);
  // RDRS's "unique requestor accounts": two organisations, three users.
  EXPECT_EQ(total(report, "requestor_organisations"), 2);
  EXPECT_EQ(total(report, "requestor_users"), 3);
  EXPECT_EQ(total(report, "urgent_requests_by_criterion", {{"criterion", "threat_to_life"}}), 1);
  EXPECT_EQ(total(report, "urgent_requests_by_criterion", {{"criterion", "child_exploitation"}}), 0);
}

TEST(StatisticsTest, CountsStatusesOutcomesAndTheirSharesOfTheDecided) {
  auto in_review = request(kFeb2, "r2");
  in_review.status = RequestStatus::in_review;
  auto waiting = request(kFeb2, "r3");
  waiting.status = RequestStatus::awaiting_information;
  auto cancelled = request(kFeb2, "r4");
  cancelled.status = RequestStatus::cancelled;
  const auto approved =
      decided(request(kFeb2, "r5"), hours(1), {FieldState::disclosed, FieldState::disclosed});
  const auto partly =
      decided(request(kFeb2, "r6"), hours(2), {FieldState::disclosed, FieldState::refused}, false);
  const auto refused = decided(request(kFeb2, "r7"), hours(3), {FieldState::refused}, false);
  auto refused_legal = decided(request(kFeb2, "r8"), hours(4), {FieldState::refused, FieldState::refused});
  refused_legal.fields[1].reason = "legal_restriction";
  const Report report = report_of(
      {request(kFeb2, "r1"), in_review, waiting, cancelled, approved, partly, refused, refused_legal});

  EXPECT_EQ(total(report, "requests_by_status", {{"status", "pending"}}), 1);
  EXPECT_EQ(total(report, "requests_by_status", {{"status", "in_review"}}), 1);
  EXPECT_EQ(total(report, "requests_by_status", {{"status", "awaiting_information"}}), 1);
  EXPECT_EQ(total(report, "requests_by_status", {{"status", "decided"}}), 4);
  EXPECT_EQ(total(report, "requests_by_status", {{"status", "cancelled"}}), 1);
  EXPECT_EQ(total(report, "requests_open"), 3);
  EXPECT_EQ(total(report, "requests_closed"), 5);
  EXPECT_EQ(total(report, "requests_by_outcome", {{"outcome", "approved"}}), 1);
  EXPECT_EQ(total(report, "requests_by_outcome", {{"outcome", "partly_approved"}}), 1);
  EXPECT_EQ(total(report, "requests_by_outcome", {{"outcome", "refused"}}), 2);
  EXPECT_EQ(total(report, "requests_by_outcome", {{"outcome", "cancelled"}}), 1);
  EXPECT_EQ(total(report, "requests_by_priority_and_outcome", {{"priority", "P3"}, {"outcome", "refused"}}),
            2);
  EXPECT_EQ(total(report, "requests_by_priority_and_outcome", {{"priority", "P1"}, {"outcome", "refused"}}),
            0);
  EXPECT_EQ(total(report, "requests_by_user_group_and_outcome",
                  {{"group", "network_operators"}, {"outcome", "partly_approved"}}),
            1);
  EXPECT_EQ(total(report, "requests_by_user_group_and_outcome",
                  {{"group", "unaccredited"}, {"outcome", "approved"}}),
            0);
  EXPECT_EQ(total(report, "outcome_share", {{"outcome", "approved"}}), 0.25);
  EXPECT_EQ(total(report, "outcome_share", {{"outcome", "partly_approved"}}), 0.25);
  EXPECT_EQ(total(report, "outcome_share", {{"outcome", "refused"}}), 0.5);
  EXPECT_EQ(report.find("outcome_share", {{"outcome", "cancelled"}}), nullptr);

  // Fields: 5 pending (one per open or cancelled request) + 2 + 2 + 1 + 2.
  EXPECT_EQ(total(report, "fields_requested"), 11);
  EXPECT_EQ(total(report, "fields_disclosed"), 3);
  EXPECT_EQ(total(report, "fields_refused"), 4);
  EXPECT_EQ(total(report, "fields_refused_by_reason", {{"reason", "not_necessary"}}), 3);
  EXPECT_EQ(total(report, "fields_refused_by_reason", {{"reason", "legal_restriction"}}), 1);
  EXPECT_EQ(total(report, "fields_refused_by_reason", {{"reason", "subject_rights_override"}}), 0);
  EXPECT_EQ(report.find("fields_refused_by_reason", {{"reason", "pending_review"}}), nullptr);

  EXPECT_EQ(total(report, "requests_decided_by_handling", {{"handling", "automated"}}), 2);
  EXPECT_EQ(total(report, "requests_decided_by_handling", {{"handling", "reviewed"}}), 2);
  EXPECT_EQ(total(report, "automated_share"), 0.5);

  // Approval: approved and partly approved (1 h, 2 h); denial: refused (3 h, 4 h).
  EXPECT_EQ(total(report, "approval_time_seconds", {{"stat", "count"}}), 2);
  EXPECT_EQ(total(report, "approval_time_seconds", {{"stat", "mean"}}), 5400);
  EXPECT_EQ(total(report, "approval_time_seconds", {{"stat", "median"}}), 3600);
  EXPECT_EQ(total(report, "denial_time_seconds", {{"stat", "mean"}}), 12600);
  EXPECT_EQ(total(report, "denial_time_seconds", {{"stat", "median"}}), 10800);
  EXPECT_EQ(total(report, "denial_time_seconds", {{"stat", "p90"}}), 14400);
}

TEST(StatisticsTest, DecisionTimesArePerPriorityAndOverall) {
  auto urgent = decided(request(kFeb2, "r1"), milliseconds(1500), {FieldState::disclosed});
  urgent.priority = "P1";
  const auto slow = decided(request(kFeb2, "r2"), hours(50), {FieldState::refused}, false);
  const auto quick = decided(request(kFeb2, "r3"), seconds(10), {FieldState::disclosed});
  const Report report = report_of({urgent, slow, quick, request(kFeb2, "open")});

  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P1"}, {"stat", "count"}}), 1);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P1"}, {"stat", "median"}}), 1.5);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P3"}, {"stat", "count"}}), 2);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P3"}, {"stat", "mean"}}),
            (180000 + 10) / 2.0);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P3"}, {"stat", "median"}}), 10);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "P3"}, {"stat", "p90"}}), 180000);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "all"}, {"stat", "count"}}), 3);
  EXPECT_EQ(total(report, "decision_time_seconds", {{"priority", "all"}, {"stat", "median"}}), 10);
  // Nobody asked at P2: a count of 0, and no mean, median or p90.
  EXPECT_EQ(values(report, "decision_time_seconds", {{"priority", "P2"}, {"stat", "count"}}), (Pair{0, 0}));
  EXPECT_EQ(values(report, "decision_time_seconds", {{"priority", "P2"}, {"stat", "median"}}),
            (Pair{std::nullopt, std::nullopt}));
}

// Nearest rank: the ceil(p·n)-th smallest. Odd n = 5: median the 3rd, p90 the 5th (ceil 4.5). Even n = 4:
// median the 2nd (the lower middle, not the mean of 2nd and 3rd), p90 the 4th (ceil 3.6). n = 10: median
// the 5th, p90 the 9th.
TEST(StatisticsTest, MediansAndP90AreNearestRankOrderStatisticsOnOddAndEvenCounts) {
  const auto report_of_seconds = [](std::vector<int> times) {
    std::vector<model::DisclosureRequest> requests;
    for (std::size_t i = 0; i < times.size(); ++i) {
      // Given in reverse, so that nothing depends on the order requests arrive in.
      requests.push_back(decided(request(kFeb2, "r" + std::to_string(i)),
                                 seconds(times[times.size() - 1 - i]), {FieldState::disclosed}));
    }
    return report_of(requests);
  };
  const MetricLabels median{{"priority", "all"}, {"stat", "median"}};
  const MetricLabels p90{{"priority", "all"}, {"stat", "p90"}};
  const MetricLabels mean{{"priority", "all"}, {"stat", "mean"}};

  const Report odd = report_of_seconds({10, 20, 30, 40, 50});
  EXPECT_EQ(total(odd, "decision_time_seconds", median), 30);
  EXPECT_EQ(total(odd, "decision_time_seconds", p90), 50);
  EXPECT_EQ(total(odd, "decision_time_seconds", mean), 30);

  const Report even = report_of_seconds({10, 20, 30, 100});
  EXPECT_EQ(total(even, "decision_time_seconds", median), 20);
  EXPECT_EQ(total(even, "decision_time_seconds", p90), 100);
  EXPECT_EQ(total(even, "decision_time_seconds", mean), 40);

  const Report ten = report_of_seconds({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  EXPECT_EQ(total(ten, "decision_time_seconds", median), 5);
  EXPECT_EQ(total(ten, "decision_time_seconds", p90), 9);
  EXPECT_EQ(total(ten, "decision_time_seconds", mean), 5.5);

  const Report one = report_of_seconds({7});
  EXPECT_EQ(total(one, "decision_time_seconds", median), 7);
  EXPECT_EQ(total(one, "decision_time_seconds", p90), 7);
}

TEST(StatisticsTest, CountsDeadlineBreachesWarningsAndDecisionsOnTime) {
  auto late = decided(request(kFeb2, "r1"), hours(200), {FieldState::disclosed}, false);
  late.clock.warned = kFeb2 + hours(100);
  late.clock.breached = kFeb2 + hours(150);
  auto open_breached = request(kFeb2, "r2");
  open_breached.priority = "P1";
  open_breached.clock.warned = kFeb2 + hours(10);
  open_breached.clock.breached = kFeb2 + hours(24);
  auto warned_only = decided(request(kFeb2, "r3"), hours(30), {FieldState::refused}, false);
  warned_only.clock.warned = kFeb2 + hours(20);
  const auto on_time = decided(request(kFeb2, "r4"), seconds(1), {FieldState::disclosed});
  const Report report = report_of({late, open_breached, warned_only, on_time});

  EXPECT_EQ(total(report, "deadline_warned"), 3);
  EXPECT_EQ(total(report, "deadline_breached"), 2);
  EXPECT_EQ(total(report, "deadline_breached_by_priority", {{"priority", "P1"}}), 1);
  EXPECT_EQ(total(report, "deadline_breached_by_priority", {{"priority", "P2"}}), 0);
  EXPECT_EQ(total(report, "deadline_breached_by_priority", {{"priority", "P3"}}), 1);
  EXPECT_EQ(total(report, "decided_within_deadline"), 2);
  EXPECT_EQ(total(report, "decided_after_deadline"), 1);
}

TEST(StatisticsTest, ConfidentialityInForceIsJudgedAtTheTimeOfTheReport) {
  const auto with = [](std::string id, ConfidentialityState state, std::optional<Timestamp> until) {
    auto r = request(kFeb2, std::move(id));
    r.confidentiality.state = state;
    r.confidentiality.legal_reference = "Code of Criminal Procedure §1";
    r.confidentiality.until = until;
    return r;
  };
  const Report report = report_of({
      with("r1", ConfidentialityState::accepted, kNow + hours(1)),  // in force
      with("r2", ConfidentialityState::accepted, kNow),             // ended exactly now
      with("r3", ConfidentialityState::accepted, std::nullopt),     // no end: in force
      with("r4", ConfidentialityState::refused, kNow + hours(1)),
      with("r5", ConfidentialityState::requested, kNow + hours(1)),
      with("r6", ConfidentialityState::none, std::nullopt),
  });
  EXPECT_EQ(total(report, "confidentiality_requested"), 5);
  EXPECT_EQ(total(report, "confidentiality_accepted"), 3);
  EXPECT_EQ(total(report, "confidentiality_refused"), 1);
  EXPECT_EQ(total(report, "confidentiality_undecided"), 1);
  EXPECT_EQ(total(report, "confidentiality_in_force"), 2);
}

TEST(StatisticsTest, RetentionConfirmationsLateAndOverdueAtTheTimeOfTheReport) {
  const auto disclosed = [](std::string id, Timestamp due, std::optional<Timestamp> confirmed) {
    auto r = decided(request(kFeb2, std::move(id)), seconds(1), {FieldState::disclosed});
    r.retention_due = due;
    r.destruction_confirmed = confirmed;
    return r;
  };
  const Report report = report_of({
      disclosed("r1", kNow - hours(1), kNow - hours(2)),                 // confirmed in time
      disclosed("r2", kNow - hours(10), kNow - hours(1)),                // confirmed late
      disclosed("r3", kNow, std::nullopt),                               // due exactly now: overdue
      disclosed("r4", kNow + hours(1), std::nullopt),                    // not yet due
      decided(request(kFeb2, "r5"), seconds(1), {FieldState::refused}),  // nothing to keep
  });
  EXPECT_EQ(total(report, "retention_disclosures"), 4);
  EXPECT_EQ(total(report, "retention_confirmed"), 2);
  EXPECT_EQ(total(report, "retention_confirmed_late"), 1);
  EXPECT_EQ(total(report, "retention_overdue"), 1);
}

// The period is [from, until): a request created at `from` is in it, one at `until` is in neither column,
// one a millisecond before `from` is in the cumulative column only.
TEST(StatisticsTest, ThePeriodIncludesItsStartAndExcludesItsEndAndCumulativeEndsWithIt) {
  auto before =
      decided(request(kFebruary.from - milliseconds(1), "before"), seconds(4), {FieldState::disclosed});
  before.purpose = "trademarkInfringement";
  const auto first = decided(request(kFebruary.from, "first"), seconds(2), {FieldState::disclosed});
  const auto last = request(kFebruary.until - milliseconds(1), "last");
  auto after = request(kFebruary.until, "after");
  after.purpose = "dnsAbuse";
  const Report report = report_of({before, first, last, after});

  EXPECT_EQ(report.period.from, kFebruary.from);
  EXPECT_EQ(report.period.until, kFebruary.until);
  EXPECT_EQ(report.generated, kNow);
  EXPECT_EQ(values(report, "requests_received"), (Pair{2, 3}));
  EXPECT_EQ(values(report, "requests_by_status", {{"status", "decided"}}), (Pair{1, 2}));
  EXPECT_EQ(values(report, "decision_time_seconds", {{"priority", "all"}, {"stat", "mean"}}), (Pair{2, 3}));
  // A purpose seen before the period shows 0 in it; one seen only after the period's end nowhere.
  EXPECT_EQ(values(report, "requests_by_purpose", {{"purpose", "trademarkInfringement"}}), (Pair{0, 1}));
  EXPECT_EQ(report.find("requests_by_purpose", {{"purpose", "dnsAbuse"}}), nullptr);
}

TEST(StatisticsTest, ListedCategoriesComeFirstWithZerosThenTheOthersSeenInAlphabeticalOrder) {
  StatisticsCategories categories = StatisticsCategories::defaults();
  categories.purposes = {"phishing_takedown", "cybersecurity"};
  categories.groups = {"cert"};
  auto other = request(kFeb2, "r2");
  other.purpose = "academicResearch";
  other.group = "ip_holders";
  const Report report = report_of({request(kFeb2), other}, kFebruary, categories);

  std::vector<std::string> purposes, groups;
  for (const Metric& metric : report.metrics) {
    if (metric.name == "requests_by_purpose") purposes.push_back(metric.labels.at(0).second);
    if (metric.name == "requests_by_user_group") groups.push_back(metric.labels.at(0).second);
  }
  EXPECT_EQ(purposes, (std::vector<std::string>{"phishing_takedown", "cybersecurity", "academicResearch"}));
  EXPECT_EQ(groups, (std::vector<std::string>{"cert", "unaccredited", "ip_holders", "network_operators"}));
  EXPECT_EQ(total(report, "requests_by_purpose", {{"purpose", "phishing_takedown"}}), 0);
}

TEST(StatisticsTest, AnEmptyReportListsEveryMetricWithZerosAndUndefinedFigures) {
  StatisticsCategories categories = StatisticsCategories::defaults();
  categories.purposes = {"cybersecurity"};
  categories.groups = {"network_operators"};
  const Report empty = report_of({}, kFebruary, categories);
  const Report full =
      report_of({decided(request(kFeb2), seconds(1), {FieldState::disclosed})}, kFebruary, categories);
  ASSERT_EQ(empty.metrics.size(), full.metrics.size());
  for (std::size_t i = 0; i < empty.metrics.size(); ++i) {
    EXPECT_EQ(empty.metrics[i].name, full.metrics[i].name);
    EXPECT_EQ(empty.metrics[i].labels, full.metrics[i].labels);
  }
  EXPECT_EQ(values(empty, "requests_received"), (Pair{0, 0}));
  EXPECT_EQ(values(empty, "outcome_share", {{"outcome", "approved"}}), (Pair{std::nullopt, std::nullopt}));
  EXPECT_EQ(values(empty, "automated_share"), (Pair{std::nullopt, std::nullopt}));
  EXPECT_EQ(values(empty, "approval_time_seconds", {{"stat", "median"}}), (Pair{std::nullopt, std::nullopt}));
}

// A report made by hand, so that the renderers' output can be compared whole.
Report small_report() {
  Report report;
  report.period = kFebruary;
  report.generated = kNow;
  report.metrics = {
      {"requests_received", {}, MetricUnit::count, 3, 10},
      {"requests_by_purpose", {{"purpose", "cybersecurity"}}, MetricUnit::count, 2, 7},
      {"outcome_share", {{"outcome", "approved"}}, MetricUnit::share, 0.25, 1.0 / 3},
      {"decision_time_seconds",
       {{"priority", "P1"}, {"stat", "median"}},
       MetricUnit::seconds,
       std::nullopt,
       90061.5},
  };
  return report;
}

TEST(StatisticsTest, JsonHasThePeriodTheTimeMadeAndOneFlatListOfMetrics) {
  const std::string json = to_json(small_report());
  EXPECT_EQ(json,
            R"({"period":{"from":"2026-02-01T00:00:00Z","until":"2026-03-01T00:00:00Z"},)"
            R"("generated":"2026-03-10T12:00:00Z","metrics":[)"
            R"({"name":"requests_received","labels":{},"unit":"count","period":3,"cumulative":10},)"
            R"({"name":"requests_by_purpose","labels":{"purpose":"cybersecurity"},"unit":"count","period":2,)"
            R"("cumulative":7},)"
            R"({"name":"outcome_share","labels":{"outcome":"approved"},"unit":"share","period":0.25,)"
            R"("cumulative":0.3333333333333333},)"
            R"({"name":"decision_time_seconds","labels":{"priority":"P1","stat":"median"},"unit":"seconds",)"
            R"("period":null,"cumulative":90061.5}]})");

  // A real report parses, and every metric has the five members with numbers or null.
  const std::string real = to_json(report_of({decided(request(kFeb2), seconds(1), {FieldState::disclosed})}));
  rapidjson::Document doc;
  doc.Parse(real.c_str(), real.size());
  ASSERT_FALSE(doc.HasParseError());
  ASSERT_TRUE(doc["metrics"].IsArray());
  for (const auto& metric : doc["metrics"].GetArray()) {
    EXPECT_TRUE(metric["name"].IsString());
    EXPECT_TRUE(metric["labels"].IsObject());
    EXPECT_TRUE(metric["unit"].IsString());
    EXPECT_TRUE(metric["period"].IsNumber() || metric["period"].IsNull());
    EXPECT_TRUE(metric["cumulative"].IsNumber() || metric["cumulative"].IsNull());
  }
}

TEST(StatisticsTest, CsvHasAHeaderOneRowPerMetricAndEmptyCellsForUndefinedFigures) {
  EXPECT_EQ(to_csv(small_report()),
            "metric,labels,period,cumulative\r\n"
            "requests_received,,3,10\r\n"
            "requests_by_purpose,purpose=cybersecurity,2,7\r\n"
            "outcome_share,outcome=approved,0.25,0.3333333333333333\r\n"
            "decision_time_seconds,priority=P1;stat=median,,90061.5\r\n");
}

// Labels come from the configuration (purposes, group names); a spreadsheet must read them as text.
TEST(StatisticsTest, CsvQuotesWhatNeedsQuotingAndDefusesFormulas) {
  Report report;
  report.period = kFebruary;
  report.generated = kNow;
  report.metrics = {
      {"requests_by_user_group", {{"group", "a,b"}}, MetricUnit::count, 1, 1},
      {"requests_by_user_group", {{"group", "say \"hi\""}}, MetricUnit::count, 1, 1},
      {"requests_by_user_group", {{"group", "two\r\nlines"}}, MetricUnit::count, 1, 1},
      {"requests_by_user_group", {{"group", "x;y=z\\"}}, MetricUnit::count, 1, 1},
      {"=HYPERLINK(\"http://evil.example\")", {}, MetricUnit::count, 1, 1},
      {"+1", {}, MetricUnit::count, 1, 1},
      {"-1", {}, MetricUnit::count, 1, 1},
      {"@SUM(A1)", {}, MetricUnit::count, 1, 1},
      {"x", {{"=cmd", "v"}}, MetricUnit::count, 1, 1},
  };
  EXPECT_EQ(to_csv(report),
            "metric,labels,period,cumulative\r\n"
            "requests_by_user_group,\"group=a,b\",1,1\r\n"
            "requests_by_user_group,\"group=say \"\"hi\"\"\",1,1\r\n"
            "requests_by_user_group,\"group=two\r\nlines\",1,1\r\n"
            "requests_by_user_group,group=x\\;y\\=z\\\\,1,1\r\n"
            "\"'=HYPERLINK(\"\"http://evil.example\"\")\",,1,1\r\n"
            "'+1,,1,1\r\n"
            "'-1,,1,1\r\n"
            "'@SUM(A1),,1,1\r\n"
            "x,'=cmd=v,1,1\r\n");
}

TEST(StatisticsTest, TheTextTableShowsSharesAsPercentagesAndDurationsInTheirLargestUnit) {
  const std::string text = to_text(small_report());
  EXPECT_THAT(text, HasSubstr("Period 2026-02-01T00:00:00Z to 2026-03-01T00:00:00Z"));
  EXPECT_THAT(text, HasSubstr("Generated 2026-03-10T12:00:00Z"));
  EXPECT_THAT(text, HasSubstr("metric                                          period  cumulative\n"
                              "requests_received                                    3          10\n"
                              "requests_by_purpose{purpose=cybersecurity}           2           7\n"
                              "outcome_share{outcome=approved}                  25.0%       33.3%\n"
                              "decision_time_seconds{priority=P1,stat=median}       -       1.0 d\n"));
}

}  // namespace
}  // namespace ssad::disclosure
