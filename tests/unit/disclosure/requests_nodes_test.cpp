// Disclosure requests with several nodes on one database (issue 13: "deadlines and notifications correct
// with several nodes"): two stores opened on the same database stand for two `ssad serve` nodes, each with
// its own disclosure::Requests. Their deadline watches run at once and announce a near deadline, and
// record a breach, exactly once; two reviewers claiming at once on two nodes, one wins; a request filed
// on one node is decided on the other. On SQLite (two connections to one file) and on PostgreSQL.

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "audit/log.hpp"
#include "disclosure/requests.hpp"
#include "identity/directory.hpp"
#include "support/fake_clock.hpp"
#include "support/registration_fixtures.hpp"
#include "support/store_backends.hpp"

namespace ssad::disclosure {
namespace {

using testing::at;

// A P3 request the default policy leaves to a reviewer: a network operator's purpose its group does not
// permit (legalActions), so every non-public field waits for review.
constexpr std::string_view kBody = R"json({
  "domain": "nodes.test", "purpose": "legalActions", "lawful_basis": "6(1)(f)", "priority": "P3",
  "justification": "We are preparing a claim against the holder of this domain for trademark infringement.",
  "fields": [{"key": "registrant.email", "why": "to send the notice"}],
  "terms": {"version": "1", "good_faith": true, "lawful_processing": true},
  "retention": {"days": 30}})json";

class RequestsNodesTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    clock_.set_wall(at("2026-03-02T09:00:00Z"));  // a Monday
    node_a_ = GetParam().open(place_);
    node_b_ = GetParam().open(place_);
    {
      auto work = node_a_->begin().value();
      auto& w = work->registrations();
      ASSERT_TRUE(w.put_registrar(testing::sample_registrar()).has_value());
      ASSERT_TRUE(w.put_contact(testing::sample_contact("registrant1", "Jane Doe", "jane@example.test")));
      ASSERT_TRUE(w.put_contact(testing::sample_contact("tech1", "Tom Tech", "tech@example.test")));
      ASSERT_TRUE(w.put_domain(testing::sample_domain("nodes.test", "D1-NODES")));
      ASSERT_TRUE(work->commit(clock_.now()));
    }
    identity::Directory directory(*node_a_, policy::Rules::builtin(), clock_);
    const audit::Actor console{"operator", "test"};
    const auto org = directory.add_organisation(console, {.name = "Net Ops"}, "test").value();
    requestor_id_ =
        directory.add_user(console, {.org_id = org.id, .email = "noc@netops.example"}, "test")->id;
    ASSERT_TRUE(directory.add_accreditation(console,
                                            {.org_id = org.id,
                                             .group = "network_operator",
                                             .authority = "Test AA",
                                             .valid_until = at("2030-01-01T00:00:00Z")},
                                            "test"));
    const auto staff =
        directory
            .add_organisation(console, {.name = "Operator", .kind = model::OrganisationKind::operator_staff},
                              "test")
            .value();
    for (const char* email : {"r1@operator.example", "r2@operator.example"}) {
      reviewers_.push_back(
          directory
              .add_user(console, {.org_id = staff.id, .email = email, .roles = model::kRoleReviewer}, "test")
              ->id);
    }
    RequestSettings settings;
    settings.notifications.email = true;
    settings.notifications.webhook_url = "https://hooks.operator.example/ssad";
    requests_a_.emplace(*node_a_, clock_, policy::Settings{}, settings);
    requests_b_.emplace(*node_b_, clock_, policy::Settings{}, settings);
  }

  identity::Authenticated who(store::Store& node, const std::string& user) {
    const identity::Authenticator authenticator(node.requestors(), clock_);
    return authenticator.user(user).value();
  }

  std::size_t audit_count(std::string_view action) {
    std::size_t n = 0;
    const auto head = node_a_->audit_log().head().value();
    // Bound first: a range-for over `….value()` of a temporary would read a destroyed vector.
    const auto records = node_a_->audit_log().entries(0, head.size).value();
    for (const auto& record : records) {
      if (audit::decode(record.encoding)->action == action) ++n;
    }
    return n;
  }

  std::size_t notifications_of(const std::string& request, std::string_view event) {
    std::size_t n = 0;
    const auto listed = node_b_->outbox().list(request, {.after = "", .limit = 1000}).value();
    for (const auto& notification : listed) {
      if (notification.dedupe_key.find(std::string(event)) != std::string::npos) ++n;
    }
    return n;
  }

  testing::StorePlace place_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> node_a_;
  std::unique_ptr<store::Store> node_b_;
  std::optional<Requests> requests_a_;
  std::optional<Requests> requests_b_;
  std::string requestor_id_;
  std::vector<std::string> reviewers_;
};

TEST_P(RequestsNodesTest, TwoNodesWatchingOneDeadlineAnnounceItAndRecordItsBreachOnce) {
  const auto filed = requests_a_->create(who(*node_a_, requestor_id_), kBody);
  ASSERT_TRUE(filed) << filed.error().message;
  const std::string id = filed->request.id;
  ASSERT_EQ(filed->request.status, model::RequestStatus::pending);
  ASSERT_TRUE(filed->request.clock.deadline);
  // Five business days from Monday 09:00 UTC: the next Monday 09:00.
  EXPECT_EQ(*filed->request.clock.deadline, at("2026-03-09T09:00:00Z"));

  const auto watch_both = [&] {
    std::atomic<std::size_t> changed{0};
    std::thread a([&] { changed += requests_a_->watch_deadlines().value(); });
    std::thread b([&] { changed += requests_b_->watch_deadlines().value(); });
    a.join();
    b.join();
    return changed.load();
  };
  EXPECT_EQ(watch_both(), 0U);                  // on time
  clock_.set_wall(at("2026-03-08T12:00:00Z"));  // Sunday: less than a quarter of the business time left
  EXPECT_EQ(watch_both(), 1U);
  EXPECT_EQ(watch_both(), 0U);
  clock_.set_wall(at("2026-03-09T09:00:01Z"));
  EXPECT_EQ(watch_both(), 1U);
  EXPECT_EQ(watch_both(), 0U);

  const auto request = node_b_->requests().request(id).value();
  ASSERT_TRUE(request.clock.warned);
  ASSERT_TRUE(request.clock.breached);
  EXPECT_EQ(*request.clock.breached, at("2026-03-09T09:00:01Z"));
  EXPECT_EQ(std::ranges::count(request.history, std::string("deadline_near"), &model::RequestEvent::kind), 1);
  EXPECT_EQ(std::ranges::count(request.history, std::string("deadline_breached"), &model::RequestEvent::kind),
            1);
  EXPECT_EQ(audit_count("request.deadline_near"), 1U);
  EXPECT_EQ(audit_count("request.deadline_breached"), 1U);
  // Each reviewer is emailed once per event, and the webhook called once.
  EXPECT_EQ(notifications_of(id, "request.deadline_near"), 3U);
  EXPECT_EQ(notifications_of(id, "request.deadline_breached"), 3U);
}

TEST_P(RequestsNodesTest, TwoReviewersClaimingOnTwoNodesAtOnceOneWinsAndTheOtherNodeDecides) {
  const auto filed = requests_a_->create(who(*node_a_, requestor_id_), kBody);
  ASSERT_TRUE(filed) << filed.error().message;
  const std::string id = filed->request.id;
  const auto r1 = who(*node_a_, reviewers_[0]);
  const auto r2 = who(*node_b_, reviewers_[1]);
  Result<model::DisclosureRequest> first = std::unexpected(Error{});
  Result<model::DisclosureRequest> second = std::unexpected(Error{});
  std::thread a([&] { first = requests_a_->claim(r1, id); });
  std::thread b([&] { second = requests_b_->claim(r2, id); });
  a.join();
  b.join();
  ASSERT_NE(first.has_value(), second.has_value());
  const Error& lost = first ? second.error() : first.error();
  EXPECT_EQ(lost.code, ErrorCode::conflict);
  const bool a_won = first.has_value();
  Requests& other_node = a_won ? *requests_b_ : *requests_a_;
  const auto& winner = a_won ? r1 : r2;

  Ruling ruling;
  ruling.fields = {{.key = "registrant.email", .disclose = true}};
  ruling.legitimate_interest = "A trademark claim the requestor documented.";
  ruling.necessity = "The holder cannot be reached otherwise.";
  ruling.minimisation = "The email only.";
  ruling.risk = "Low: a business contact address.";
  ruling.safeguards = "Retention of 30 days; purpose limited to the notice.";
  // The winner decides on the other node: the claim is in the database, not in a node's memory.
  const auto decided = other_node.decide(winner, id, ruling);
  ASSERT_TRUE(decided) << decided.error().message;
  EXPECT_EQ(decided->status, model::RequestStatus::decided);
  EXPECT_EQ(node_a_->requests().request(id)->status, model::RequestStatus::decided);
  EXPECT_EQ(audit_count("request.decide"), 1U);
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestsNodesTest, ::testing::ValuesIn(testing::backends()),
                         testing::backend_name);

}  // namespace
}  // namespace ssad::disclosure
