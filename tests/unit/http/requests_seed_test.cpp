// The seed use cases of disclosure requests (issue 13 item 12) over /v1, end to end in process: automated
// approval, partial approval and refusal with reasons, a review decided within its deadline, a breach, P1
// with and without its criterion, confidentiality accepted and ended, retention confirmed and overdue,
// messages, and an incomplete request refused with every missing member named. Each asserts the HTTP
// status, the JSON, the RDAP document's disclosed and redacted fields, and the audit entries written.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tlog/hash.hpp"
#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;
using ::testing::Not;

constexpr const char* kNotNecessary = "Not necessary for the stated purpose (data minimisation)";
constexpr const char* kPersonalData = "Personal data, not published without a lawful basis for the requestor";

// The pointers of a problem's `errors`.
std::vector<std::string> pointers(const rapidjson::Document& problem) {
  std::vector<std::string> out;
  if (!problem.HasMember("errors")) return out;
  for (const auto& e : problem["errors"].GetArray()) out.emplace_back(e["pointer"].GetString());
  return out;
}

class RequestSeedTest : public RequestsApiTest {};

TEST_F(RequestSeedTest, TheDocumentListsEveryOperationOfTheEndpoint) {
  const rapidjson::Document document = json(get("/v1/openapi.json", ""));
  for (const char* path :
       {"/v1/requests", "/v1/requests/{id}", "/v1/requests/{id}/disclosure", "/v1/requests/{id}/evidence/{n}",
        "/v1/requests/{id}/cancel", "/v1/requests/{id}/messages", "/v1/requests/{id}/claim",
        "/v1/requests/{id}/release", "/v1/requests/{id}/information", "/v1/requests/{id}/decision",
        "/v1/requests/{id}/confidentiality", "/v1/requests/{id}/destruction", "/v1/retention/overdue"}) {
    EXPECT_TRUE(document["paths"].HasMember(path)) << path;
  }
  EXPECT_THAT(std::string(document["info"]["summary"].GetString()), HasSubstr("disclosure requests"));
  // The check catches a member the writer does not write, and a field's state without what it needs.
  const Response created = file(a_, Filing{});
  ASSERT_EQ(created.status, 201U);
  Response broken = created;
  broken.body.insert(broken.body.find("\"request\":{") + 11, R"("extra":1,)");
  EXPECT_NE(api_->check("POST", "/v1/requests", broken), "");
  broken = created;
  broken.body.replace(broken.body.find(R"("state":"disclosed")"), 19, R"("state":"refused")");
  EXPECT_NE(api_->check("POST", "/v1/requests", broken), "");
  // A list holds summaries: a member only the whole request has is caught.
  const Response list = get("/v1/requests", a_.key);
  ASSERT_EQ(list.status, 200U);
  EXPECT_EQ(api_->check("GET", "/v1/requests", list), "");
  broken = list;
  broken.body.insert(broken.body.find(R"("id":)"), R"("history":[],)");
  EXPECT_NE(api_->check("GET", "/v1/requests", broken), "");
  // Methods and paths the document does not list.
  const std::string id = json(created)["request"]["id"].GetString();
  EXPECT_EQ(send(request("DELETE", "/v1/requests/" + id, a_.key)).status, 405U);
  EXPECT_EQ(send(request("GET", "/v1/requests/" + id + "/claim", reviewer_.key)).status, 405U);
  EXPECT_EQ(send(request("POST", "/v1/requests/" + id + "/disclosure", a_.key)).status, 405U);
  EXPECT_EQ(send(request("PUT", "/v1/requests", a_.key)).status, 405U);
  EXPECT_EQ(send(request("POST", "/v1/retention/overdue", admin_.key)).status, 405U);
  EXPECT_EQ(get("/v1/requests/" + id + "/approve", a_.key).status, 404U);
  EXPECT_EQ(get("/v1/requests/" + id + "/evidence", a_.key).status, 404U);
  EXPECT_EQ(get("/v1/retention/due", admin_.key).status, 404U);
  EXPECT_EQ(get("/v1/requests", "").status, 401U);
}

// Seed 000: a network operator under attack asks for the contacts' name and email; the policy discloses
// them at once.
TEST_F(RequestSeedTest, AutomatedApprovalAnswersAtOnceWithTheDisclosedFieldsAndNothingElse) {
  Filing filing;
  filing.fields = {"registrant.name", "registrant.email", "tech.email"};
  filing.retention_days = 10;
  filing.evidence = {{.media_type = "text/plain", .content = "MDI6MDAgU1lOIGZsb29k"},  // "02:00 SYN flood"
                     {.kind = "report", .description = "Our incident report INC-2026-0301"}};
  const Response response = file(a_, filing);
  ASSERT_EQ(response.status, 201U) << response.body;
  const rapidjson::Document created = json(response);
  const rapidjson::Value& r = created["request"];
  const std::string id = r["id"].GetString();
  EXPECT_EQ(response.header("Location"), "/v1/requests/" + id);
  EXPECT_EQ(text(r, "status"), "decided");
  EXPECT_EQ(text(r, "outcome"), "approved");
  EXPECT_TRUE(r["automated"].GetBool());
  EXPECT_EQ(text(r, "accreditation"), a_acc_);
  EXPECT_EQ(text(r, "group"), "network_operator");
  EXPECT_EQ(text(r, "organisation"), a_org_);
  EXPECT_EQ(text(r, "user"), a_.user);
  EXPECT_EQ(text(r, "terms_version"), kTermsVersion);
  EXPECT_EQ(text(r, "created"), "2026-03-01T00:00:00Z");
  EXPECT_EQ(text(r, "decided"), "2026-03-01T00:00:00Z");
  EXPECT_FALSE(r["deadline"].HasMember("due"));
  for (const char* key : {"registrant.name", "registrant.email", "tech.email"}) {
    const rapidjson::Value& f = field(r, key);
    EXPECT_EQ(text(f, "state"), "disclosed") << key;
    EXPECT_EQ(text(f, "rule"), "seed-000-network-attack") << key;
    EXPECT_EQ(text(f, "retention"), "incident+30d") << key;
    EXPECT_EQ(text(f["decided_by"], "kind"), "system") << key;
  }
  // Kept for the shorter of what the rule allows (30 days) and what the requestor asked (10).
  EXPECT_EQ(text(r["retention"], "due"), "2026-03-11T00:00:00Z");
  EXPECT_EQ(events(r), (std::vector<std::string>{"submitted", "decided"}));
  ASSERT_EQ(r["evidence"].Size(), 2U);
  EXPECT_EQ(text(r["evidence"][0]["attachment"], "media_type"), "text/plain");
  EXPECT_EQ(r["evidence"][0]["attachment"]["size"].GetInt(), 15);
  EXPECT_FALSE(r["evidence"][1].HasMember("attachment"));

  // The RDAP document holds the public data and exactly the fields disclosed.
  const rapidjson::Value& rdap = created["rdap"];
  EXPECT_EQ(text(rdap, "ldhName"), "natural.test");
  expect_served(response.body, {"registrant.name", "registrant.email", "tech.email"});
  const auto withheld = redacted(rdap);
  EXPECT_FALSE(withheld.contains("Registrant Email"));
  EXPECT_FALSE(withheld.contains("Registrant Name"));
  EXPECT_EQ(withheld.at("Registrant Street"), kPersonalData);
  EXPECT_EQ(withheld.at("Tech Name"), kPersonalData);

  // Reading the request shows the decision, never a value.
  const Response again = get("/v1/requests/" + id, a_.key);
  ASSERT_EQ(again.status, 200U);
  expect_no_values(again.body);
  // The attachment comes back as a download; the item without one has none.
  const Response evidence = get("/v1/requests/" + id + "/evidence/0", a_.key);
  ASSERT_EQ(evidence.status, 200U);
  EXPECT_EQ(evidence.body, "02:00 SYN flood");
  EXPECT_EQ(evidence.header("Content-Type"), "text/plain");
  EXPECT_EQ(evidence.header("Content-Disposition"), "attachment; filename=\"evidence-0\"");
  EXPECT_EQ(evidence.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(get("/v1/requests/" + id + "/evidence/1", a_.key).status, 404U);
  EXPECT_EQ(get("/v1/requests/" + id + "/evidence/2", a_.key).status, 404U);
  EXPECT_EQ(get("/v1/requests/" + id + "/evidence/0", reviewer_.key).status, 200U);

  // One audit entry: the creation, with the fields served and a commitment to their values.
  const auto entries = logged(id);
  ASSERT_EQ(entries.size(), 1U);
  const Logged& create = entries[0];
  EXPECT_EQ(create.entry.action, "request.create");
  EXPECT_EQ(create.entry.actor.kind, "requestor");
  EXPECT_EQ(create.entry.actor.id, a_.user);
  EXPECT_EQ(create.entry.purpose, "technicalIssueResolution");
  EXPECT_EQ(create.entry.lawful_basis, "6(1)(f)");
  EXPECT_EQ(create.detail("automated"), "true");
  EXPECT_EQ(create.detail("outcome"), "disclosed=3 refused=0 review=0");
  EXPECT_EQ(create.detail("accreditation"), a_acc_);
  EXPECT_EQ(create.detail("requested"), "registrant.email registrant.name tech.email");
  expect_commitment(create, {{"registrant.email", "nat1@mail.example"},
                             {"registrant.name", "Nadia Natural"},
                             {"tech.email", "tec1@mail.example"}});
  // Neither email nor webhook is configured here: nothing waits to be sent.
  EXPECT_TRUE(outbox().empty());
}

TEST_F(RequestSeedTest, PartialApprovalNamesTheReasonForEachRefusedField) {
  Filing filing;
  filing.fields = {"registrant.email", "registrant.phone", "registrant.street"};
  const Response response = file(a_, filing);
  ASSERT_EQ(response.status, 201U) << response.body;
  const rapidjson::Document created = json(response);
  const rapidjson::Value& r = created["request"];
  EXPECT_EQ(text(r, "status"), "decided");
  EXPECT_EQ(text(r, "outcome"), "partly_approved");
  EXPECT_EQ(text(field(r, "registrant.email"), "state"), "disclosed");
  EXPECT_EQ(text(field(r, "registrant.phone"), "state"), "disclosed");
  const rapidjson::Value& street = field(r, "registrant.street");
  EXPECT_EQ(text(street, "state"), "refused");
  EXPECT_EQ(text(street, "reason"), "not_necessary");
  EXPECT_EQ(text(street, "rule"), "seed-000-minimisation");
  EXPECT_EQ(
      text(street, "explanation"),
      std::string(kNotNecessary) + " (Network under attack: nothing beyond what reaches the contacts).");
  EXPECT_FALSE(street.HasMember("retention"));
  expect_served(response.body, {"registrant.email", "registrant.phone"});
  EXPECT_EQ(redacted(created["rdap"]).at("Registrant Street"), kNotNecessary);

  const auto entries = logged(r["id"].GetString());
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].detail("outcome"), "disclosed=2 refused=1 review=0");
  EXPECT_EQ(entries[0].entry.fields, (std::vector<std::string>{"registrant.email", "registrant.phone"}));
}

TEST_F(RequestSeedTest, RefusalGivesEveryFieldItsReasonAndDisclosesNothing) {
  Filing filing;
  filing.fields = {"registrant.street", "registrant.postal_code"};
  const Response response = file(a_, filing);
  ASSERT_EQ(response.status, 201U) << response.body;
  const rapidjson::Document created = json(response);
  const rapidjson::Value& r = created["request"];
  const std::string id = r["id"].GetString();
  EXPECT_EQ(text(r, "status"), "decided");
  EXPECT_EQ(text(r, "outcome"), "refused");
  EXPECT_TRUE(r["automated"].GetBool());
  for (const char* key : {"registrant.street", "registrant.postal_code"}) {
    EXPECT_EQ(text(field(r, key), "reason"), "not_necessary") << key;
    EXPECT_THAT(text(field(r, key), "explanation"), HasSubstr(kNotNecessary)) << key;
  }
  EXPECT_FALSE(r["retention"].HasMember("due"));
  expect_served(response.body, {});
  EXPECT_EQ(redacted(created["rdap"]).at("Registrant Postal Code"), kNotNecessary);
  // Nothing to read, nothing to destroy.
  EXPECT_EQ(get("/v1/requests/" + id + "/disclosure", a_.key).status, 403U);
  EXPECT_EQ(act(id, "destruction", a_).status, 409U);
  const auto entries = logged(id);
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_TRUE(entries[0].entry.fields.empty());
  EXPECT_FALSE(entries[0].entry.values_commitment.has_value());
}

// consent.test has no technical contact: its tech.email has no value, which nobody needs to review.
TEST_F(RequestSeedTest, AFieldOfAContactNobodyHoldsIsAnsweredAtOnceNotQueued) {
  Filing filing;
  filing.domain = "consent.test";
  filing.fields = {"registrant.phone", "tech.email"};
  const rapidjson::Document created = filed(a_, filing);
  const rapidjson::Value& r = created["request"];
  EXPECT_EQ(text(r, "status"), "decided");
  EXPECT_TRUE(r["automated"].GetBool());
  EXPECT_FALSE(r["deadline"].HasMember("due"));
  const rapidjson::Value& tech = field(r, "tech.email");
  EXPECT_EQ(text(tech, "state"), "disclosed");
  EXPECT_EQ(text(tech, "explanation"),
            "The registration holds no value for this field: there is nothing to withhold.");
  EXPECT_FALSE(tech.HasMember("retention"));
  EXPECT_EQ(text(field(r, "registrant.phone"), "rule"), "seed-000-network-attack");
  EXPECT_EQ(json(get("/v1/requests?status=pending", reviewer_.key))["items"].Size(), 0U);
}

// Seed 001 from a network operator: the policy leaves the registrant's email to a reviewer, who decides
// within the deadline.
TEST_F(RequestSeedTest, AReviewIsPartlyAnsweredAtOnceThenDecidedWithinItsDeadline) {
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));  // a Monday
  const Response response = file(a_, reviewed_filing());
  ASSERT_EQ(response.status, 201U) << response.body;
  const rapidjson::Document created = json(response);
  const rapidjson::Value& r = created["request"];
  const std::string id = r["id"].GetString();
  EXPECT_EQ(text(r, "status"), "pending");
  EXPECT_EQ(text(r, "outcome"), "none");
  EXPECT_FALSE(r["automated"].GetBool());
  EXPECT_EQ(text(field(r, "registrant.email"), "state"), "review");
  EXPECT_EQ(text(field(r, "registrant.email"), "rule"), "seed-001-review");
  EXPECT_EQ(text(field(r, "admin.email"), "state"), "refused");
  EXPECT_EQ(text(field(r, "admin.email"), "reason"), "not_necessary");
  EXPECT_EQ(text(field(r, "registrant.country_code"), "state"), "disclosed");
  EXPECT_EQ(text(field(r, "registrant.country_code"), "explanation"), "Public data.");
  // Five business days of the built-in calendar (UTC, Monday to Friday).
  EXPECT_EQ(text(r["deadline"], "due"), "2026-03-09T09:00:00Z");
  EXPECT_EQ(events(r), (std::vector<std::string>{"submitted", "queued"}));
  expect_served(response.body, {});
  EXPECT_EQ(redacted(created["rdap"]).at("Registrant Email"),
            "Disclosed only after a reviewer decides on a disclosure request (POST /v1/requests)");
  EXPECT_EQ(get("/v1/requests/" + id + "/disclosure", a_.key).status, 403U);

  // The reviewer finds it in the queue, claims it and decides it.
  clock_.set_wall(testing::at("2026-03-04T10:00:00Z"));
  const rapidjson::Document queue = json(get("/v1/requests?status=pending&order=deadline", reviewer_.key));
  ASSERT_EQ(queue["items"].Size(), 1U);
  EXPECT_EQ(text(queue["items"][0], "id"), id);
  const Response claimed = act(id, "claim", reviewer_);
  ASSERT_EQ(claimed.status, 200U) << claimed.body;
  EXPECT_EQ(text(json(claimed), "status"), "in_review");
  EXPECT_EQ(text(json(claimed), "reviewer"), reviewer_.user);
  EXPECT_FALSE(read(id, a_).HasMember("reviewer"));  // the requestor does not learn who
  EXPECT_EQ(act(id, "claim", reviewer_).status, 409U);

  // An incomplete decision is refused with every fault named, and changes nothing.
  const Response incomplete = act(
      id, "decision", reviewer_,
      R"({"fields":[{"key":"registrant.email","outcome":"refuse"}],"balancing_test":{"necessity":"none"}})");
  ASSERT_EQ(incomplete.status, 400U) << incomplete.body;
  EXPECT_THAT(pointers(json(incomplete)),
              IsSupersetOf({"/balancing_test/legitimate_interest", "/balancing_test/necessity",
                            "/balancing_test/minimisation", "/balancing_test/risk",
                            "/balancing_test/safeguards", "/fields/0/reason", "/fields/0/explanation"}));
  const Response not_under_review = act(id, "decision", reviewer_, decision({{"admin.email", "disclose"}}));
  ASSERT_EQ(not_under_review.status, 400U);
  EXPECT_THAT(pointers(json(not_under_review)), ElementsAre("/fields/0/key"));
  EXPECT_EQ(text(read(id, reviewer_), "status"), "in_review");

  clock_.set_wall(testing::at("2026-03-05T15:00:00Z"));
  const Response decided = act(id, "decision", reviewer_, decision({{"registrant.email", "disclose"}}));
  ASSERT_EQ(decided.status, 200U) << decided.body;
  const rapidjson::Document after = read(id, a_);
  EXPECT_EQ(text(after, "status"), "decided");
  EXPECT_EQ(text(after, "outcome"), "partly_approved");
  EXPECT_FALSE(after["automated"].GetBool());
  EXPECT_EQ(text(after, "decided"), "2026-03-05T15:00:00Z");
  EXPECT_FALSE(after["deadline"].HasMember("breached"));
  const rapidjson::Value& email = field(after, "registrant.email");
  EXPECT_EQ(text(email, "state"), "disclosed");
  EXPECT_EQ(text(email, "retention"), "30d");
  EXPECT_EQ(text(email["decided_by"], "kind"), "reviewer");
  EXPECT_FALSE(email["decided_by"].HasMember("id"));
  ASSERT_EQ(after["balancing_tests"].Size(), 1U);
  EXPECT_EQ(text(after["balancing_tests"][0], "outcome"), "disclose");
  EXPECT_FALSE(after["balancing_tests"][0].HasMember("reviewer"));
  EXPECT_EQ(text(read(id, auditor_)["balancing_tests"][0], "reviewer"), reviewer_.user);
  EXPECT_EQ(events(after), (std::vector<std::string>{"submitted", "queued", "claimed", "decided"}));
  EXPECT_EQ(text(after["retention"], "due"), "2026-04-04T15:00:00Z");

  // The requestor reads the email the reviewer approved, and nothing it was refused.
  const Response disclosure = get("/v1/requests/" + id + "/disclosure", a_.key);
  ASSERT_EQ(disclosure.status, 200U) << disclosure.body;
  expect_served(disclosure.body, {"registrant.email"});
  EXPECT_EQ(text(json(disclosure), "valid_until"), "2026-04-04T15:00:00Z");
  // The administrative contact, of which nothing is disclosed, is left out whole.
  EXPECT_TRUE(redacted(json(disclosure)["rdap"]).contains("Administrative Contact"));
  EXPECT_FALSE(redacted(json(disclosure)["rdap"]).contains("Registrant Email"));

  const auto entries = logged(id);
  EXPECT_EQ(actions(id),
            (std::vector<std::string>{"request.create", "request.claim", "request.decide", "request.read"}));
  EXPECT_TRUE(entries[0].entry.fields.empty());  // the country is public: nothing to commit to
  EXPECT_EQ(entries[1].entry.actor.id, reviewer_.user);
  EXPECT_EQ(entries[2].detail("decided"), "registrant.email");
  EXPECT_EQ(entries[2].detail("disclosed"), "1");
  EXPECT_EQ(entries[2].detail("status"), "decided");
  expect_commitment(entries[3], {{"registrant.email", "nat1@mail.example"}});
}

TEST_F(RequestSeedTest, AReviewMayDecideFieldsInStepsAndChangeHands) {
  Filing filing = reviewed_filing();
  filing.fields = {"registrant.email", "registrant.name"};
  const std::string id = file_id(a_, filing);
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  const Response twice = act(id, "decision", reviewer_,
                             decision({{"registrant.email", "disclose"}, {"registrant.email", "refuse"}}));
  ASSERT_EQ(twice.status, 400U);
  EXPECT_THAT(pointers(json(twice)), ElementsAre("/fields/1/key"));

  ASSERT_EQ(act(id, "decision", reviewer_, decision({{"registrant.email", "disclose"}})).status, 200U);
  const rapidjson::Document partly = read(id, a_);
  EXPECT_EQ(text(partly, "status"), "in_review");
  EXPECT_EQ(text(partly, "outcome"), "none");
  EXPECT_EQ(events(partly).back(), "field_decided");
  EXPECT_EQ(text(field(partly, "registrant.name"), "state"), "review");
  // What is decided may be read before the rest is.
  const Response early = get("/v1/requests/" + id + "/disclosure", a_.key);
  ASSERT_EQ(early.status, 200U);
  expect_served(early.body, {"registrant.email"});
  EXPECT_EQ(act(id, "decision", reviewer_, decision({{"registrant.email", "refuse"}})).status, 400U);

  // Back in the queue, another reviewer takes it and decides the rest.
  ASSERT_EQ(act(id, "release", reviewer_).status, 200U);
  EXPECT_EQ(text(read(id, a_), "status"), "pending");
  EXPECT_EQ(act(id, "decision", reviewer_, decision({{"registrant.name", "refuse"}})).status, 409U);
  const Account other = account(staff_org_, "rob@registry.example", model::kRoleReviewer);
  ASSERT_EQ(act(id, "claim", other).status, 200U);
  ASSERT_EQ(act(id, "decision", other, decision({{"registrant.name", "refuse"}})).status, 200U);
  const rapidjson::Document done = read(id, auditor_);
  EXPECT_EQ(text(done, "status"), "decided");
  EXPECT_EQ(text(done, "outcome"), "partly_approved");
  ASSERT_EQ(done["balancing_tests"].Size(), 2U);
  EXPECT_EQ(text(done["balancing_tests"][0], "reviewer"), reviewer_.user);
  EXPECT_EQ(text(done["balancing_tests"][1], "reviewer"), other.user);
  EXPECT_EQ(text(done["balancing_tests"][1], "outcome"), "refuse");
  EXPECT_EQ(text(field(done, "registrant.name"), "explanation"), "The public data answers your purpose.");
  EXPECT_EQ(text(field(done, "registrant.name")["decided_by"], "id"), other.user);
  EXPECT_EQ(events(done), (std::vector<std::string>{"submitted", "queued", "claimed", "field_decided",
                                                    "released", "claimed", "decided"}));
}

TEST_F(RequestSeedTest, ABreachIsRecordedOnceWhenTheDeadlinePassesUndecided) {
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
  const std::string id = file_id(a_, reviewed_filing());
  ASSERT_FALSE(id.empty());
  clock_.set_wall(testing::at("2026-03-09T09:00:01Z"));  // a second past the deadline
  EXPECT_EQ(requests_->watch_deadlines().value(), 1U);
  EXPECT_EQ(requests_->watch_deadlines().value(), 0U);
  const rapidjson::Document breached = read(id, reviewer_);
  EXPECT_EQ(text(breached["deadline"], "breached"), "2026-03-09T09:00:01Z");
  EXPECT_EQ(text(breached["deadline"], "due"), "2026-03-09T09:00:00Z");
  EXPECT_THAT(events(breached), Contains("deadline_breached").Times(1));
  EXPECT_EQ(text(breached["history"][breached["history"].Size() - 1]["actor"], "kind"), "system");
  // Listed among the late by deadline; decided late, it stays breached.
  const rapidjson::Document late =
      json(get("/v1/requests?deadline_before=2026-03-09T09:00:01Z", reviewer_.key));
  ASSERT_EQ(late["items"].Size(), 1U);
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  ASSERT_EQ(act(id, "decision", reviewer_, decision({{"registrant.email", "refuse"}})).status, 200U);
  const rapidjson::Document decided = read(id, a_);
  EXPECT_EQ(text(decided, "outcome"), "partly_approved");  // the public country is disclosed
  EXPECT_EQ(text(decided["deadline"], "breached"), "2026-03-09T09:00:01Z");
  EXPECT_THAT(actions(id), Contains("request.deadline_breached").Times(1));
  for (const Logged& l : logged(id)) {
    if (l.entry.action != "request.deadline_breached") continue;
    EXPECT_EQ(l.entry.actor.kind, "system");
    EXPECT_EQ(l.detail("deadline"), "2026-03-09T09:00:00Z");
  }
}

TEST_F(RequestSeedTest, APriorityOneRequestNeedsItsUrgentCriterionAndStatement) {
  clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
  Filing urgent = reviewed_filing();
  urgent.priority = "P1";
  const Response missing = file(a_, urgent);
  ASSERT_EQ(missing.status, 400U) << missing.body;
  EXPECT_THAT(pointers(json(missing)), ElementsAre("/urgent"));

  urgent.urgent = {{"threat_to_life", "short"}};
  const Response short_statement = file(a_, urgent);
  ASSERT_EQ(short_statement.status, 400U);
  EXPECT_THAT(pointers(json(short_statement)), ElementsAre("/urgent/statement"));
  urgent.urgent = {{"danger", "A named person was threatened with violence on this site."}};
  EXPECT_THAT(pointers(json(file(a_, urgent))), ElementsAre("/urgent/criterion"));

  urgent.urgent = {{"threat_to_life", "A named person was threatened with violence on this site."}};
  const rapidjson::Document created = filed(a_, urgent);
  const rapidjson::Value& r = created["request"];
  EXPECT_EQ(text(r, "priority"), "P1");
  EXPECT_EQ(text(r["urgent"], "criterion"), "threat_to_life");
  EXPECT_EQ(text(r["urgent"], "statement"), "A named person was threatened with violence on this site.");
  EXPECT_EQ(text(r["deadline"], "due"), "2026-03-03T09:00:00Z");  // one business day
  EXPECT_EQ(logged(r["id"].GetString())[0].detail("priority"), "P1");

  // Only a P1 is urgent.
  Filing not_urgent = urgent;
  not_urgent.priority = "P3";
  const Response refused = file(a_, not_urgent);
  ASSERT_EQ(refused.status, 400U);
  EXPECT_THAT(pointers(json(refused)), ElementsAre("/urgent"));
  EXPECT_EQ(json(get("/v1/requests", a_.key))["items"].Size(), 1U);
}

TEST_F(RequestSeedTest, ConfidentialityIsAcceptedAndReadAsEndedOnceItsDatePasses) {
  Filing filing;
  filing.confidentiality = {
      {"Art. 23 GDPR; order 2026/117 of the investigating judge", "2026-04-01T00:00:00Z"}};
  const rapidjson::Document created = filed(a_, filing);
  const std::string id = created["request"]["id"].GetString();
  const rapidjson::Value& asked = created["request"]["confidentiality"];
  EXPECT_EQ(text(asked, "state"), "requested");
  EXPECT_EQ(text(asked, "until"), "2026-04-01T00:00:00Z");
  EXPECT_EQ(logged(id)[0].detail("confidentiality"), "requested");

  // Only the operator's reviewers and administrators answer it, once.
  const std::string accept = R"({"accept":true,"note":"A court order backs the hold."})";
  EXPECT_EQ(act(id, "confidentiality", a_, accept).status, 403U);
  EXPECT_EQ(act(id, "confidentiality", auditor_, accept).status, 403U);
  EXPECT_EQ(act(id, "confidentiality", reviewer_, R"({"note":"no answer"})").status, 400U);
  clock_.advance(std::chrono::hours(2));
  const Response accepted = act(id, "confidentiality", reviewer_, accept);
  ASSERT_EQ(accepted.status, 200U) << accepted.body;
  const rapidjson::Document after = read(id, a_);
  EXPECT_EQ(text(after["confidentiality"], "state"), "accepted");
  EXPECT_TRUE(after["confidentiality"]["in_force"].GetBool());
  EXPECT_EQ(text(after["confidentiality"], "note"), "A court order backs the hold.");
  EXPECT_EQ(text(after["confidentiality"], "decided"), "2026-03-01T02:00:00Z");
  EXPECT_EQ(text(after["confidentiality"]["decided_by"], "kind"), "reviewer");
  EXPECT_EQ(events(after).back(), "confidentiality_accepted");
  EXPECT_EQ(act(id, "confidentiality", admin_, R"({"accept":false,"note":"changed our mind"})").status, 409U);
  const auto entries = logged(id);
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[1].entry.action, "request.confidentiality");
  EXPECT_EQ(entries[1].detail("confidentiality"), "accepted");

  const std::string other = file_id(a_, filing);

  // When the hold ends it is no longer in force: it reads as it was decided, its end in the past (the
  // data subject's view, issue 15, shows the disclosure from then on).
  clock_.set_wall(testing::at("2026-04-02T00:00:00Z"));
  const rapidjson::Document ended = read(id, a_);
  EXPECT_EQ(text(ended["confidentiality"], "state"), "accepted");
  EXPECT_FALSE(ended["confidentiality"]["in_force"].GetBool());
  EXPECT_LT(text(ended["confidentiality"], "until"), format_rfc3339(clock_.now()));

  // One refused; one asked with an end in the past or too far ahead is incomplete.
  ASSERT_EQ(
      act(other, "confidentiality", admin_, R"({"accept":false,"note":"No legal basis for a hold."})").status,
      200U);
  EXPECT_EQ(text(read(other, a_)["confidentiality"], "state"), "refused");
  filing.confidentiality->second = "2026-04-01T00:00:00Z";
  EXPECT_THAT(pointers(json(file(a_, filing))), ElementsAre("/confidentiality/until"));
  filing.confidentiality = {{"", "2029-01-01T00:00:00Z"}};
  EXPECT_THAT(pointers(json(file(a_, filing))),
              ElementsAre("/confidentiality/legal_reference", "/confidentiality/until"));
}

TEST_F(RequestSeedTest, RetentionIsConfirmedByTheRequestorAndOverdueListedForAdministrators) {
  Filing filing;
  filing.retention_days = 10;
  const std::string late = file_id(a_, filing);
  filing.retention_days = 20;
  const std::string early = file_id(a_, filing);
  EXPECT_EQ(json(get("/v1/retention/overdue", admin_.key))["items"].Size(), 0U);

  // Confirmed before its retention ends: closed, not overdue, and no longer readable.
  clock_.set_wall(testing::at("2026-03-06T00:00:00Z"));
  ASSERT_EQ(get("/v1/requests/" + early + "/disclosure", a_.key).status, 200U);
  const Response confirmed = act(early, "destruction", a_, R"({"statement":"Deleted from the case file."})");
  ASSERT_EQ(confirmed.status, 200U) << confirmed.body;
  EXPECT_EQ(text(json(confirmed)["retention"], "destruction_confirmed"), "2026-03-06T00:00:00Z");
  EXPECT_EQ(text(json(confirmed)["history"][2], "note"),
            "Destruction confirmed: Deleted from the case file.");
  EXPECT_EQ(get("/v1/requests/" + early + "/disclosure", a_.key).status, 403U);
  EXPECT_EQ(act(early, "destruction", a_).status, 409U);
  EXPECT_EQ(act(early, "destruction", admin_).status, 403U);
  EXPECT_EQ(logged(early).back().detail("late"), "false");

  // The other one's retention ends unconfirmed: overdue, for administrators and auditors only.
  clock_.set_wall(testing::at("2026-03-11T00:00:01Z"));
  EXPECT_EQ(get("/v1/requests/" + late + "/disclosure", a_.key).status, 403U);
  for (const Account* staff : {&admin_, &auditor_}) {
    const rapidjson::Document overdue = json(get("/v1/retention/overdue", staff->key));
    ASSERT_EQ(overdue["items"].Size(), 1U);
    EXPECT_EQ(text(overdue["items"][0], "id"), late);
    EXPECT_EQ(text(overdue["items"][0]["retention"], "due"), "2026-03-11T00:00:00Z");
  }
  EXPECT_EQ(get("/v1/retention/overdue", reviewer_.key).status, 403U);
  EXPECT_EQ(get("/v1/retention/overdue", a_.key).status, 403U);

  const Response confirmed_late = act(late, "destruction", a2_, "");
  ASSERT_EQ(confirmed_late.status, 200U) << confirmed_late.body;
  EXPECT_EQ(text(json(confirmed_late)["history"][2], "note"),
            "Destruction confirmed after the retention ended.");
  EXPECT_EQ(logged(late).back().entry.action, "request.destruction_confirmed");
  EXPECT_EQ(logged(late).back().detail("late"), "true");
  EXPECT_EQ(logged(late).back().detail("retention_due"), "2026-03-11T00:00:00Z");
  EXPECT_EQ(json(get("/v1/retention/overdue", admin_.key))["items"].Size(), 0U);
}

TEST_F(RequestSeedTest, MessagesPassBetweenTheRequestorAndTheReviewers) {
  const std::string id = file_id(a_, reviewed_filing());
  const Response asked = act(id, "messages", a_, R"({"body":"We hold more logs,\nif they help."})");
  ASSERT_EQ(asked.status, 200U) << asked.body;
  clock_.advance(std::chrono::minutes(30));
  ASSERT_EQ(act(id, "messages", reviewer_, R"({"body":"Thank you; not needed."})").status, 200U);

  const rapidjson::Document mine = read(id, a_);
  ASSERT_EQ(mine["messages"].Size(), 2U);
  EXPECT_EQ(text(mine["messages"][0], "body"), "We hold more logs,\nif they help.");
  EXPECT_EQ(text(mine["messages"][0]["author"], "id"), a_.user);
  EXPECT_FALSE(mine["messages"][0]["asks_information"].GetBool());
  EXPECT_EQ(text(mine["messages"][1]["author"], "kind"), "reviewer");
  EXPECT_FALSE(mine["messages"][1]["author"].HasMember("id"));
  EXPECT_EQ(text(read(id, admin_)["messages"][1]["author"], "id"), reviewer_.user);
  EXPECT_EQ(events(mine), (std::vector<std::string>{"submitted", "queued", "message", "message"}));
  EXPECT_EQ(text(mine, "status"), "pending");  // a message is not a claim

  EXPECT_EQ(act(id, "messages", auditor_, R"({"body":"hello"})").status, 403U);
  EXPECT_EQ(act(id, "messages", a_, R"({"body":""})").status, 400U);
  EXPECT_EQ(act(id, "messages", a_, R"({"text":"hello"})").status, 400U);
  EXPECT_EQ(act(id, "messages", a_, "").status, 400U);
  ASSERT_EQ(act(id, "cancel", a_, R"({"reason":"Solved another way."})").status, 200U);
  EXPECT_EQ(act(id, "messages", a_, R"({"body":"one more"})").status, 409U);
  EXPECT_EQ(actions(id), (std::vector<std::string>{"request.create", "request.message", "request.message",
                                                   "request.cancel"}));
  EXPECT_EQ(text(read(id, a_), "outcome"), "cancelled");
  EXPECT_EQ(act(id, "cancel", a_).status, 409U);
}

TEST_F(RequestSeedTest, AnIncompleteRequestIsRefusedWithEveryMissingMemberNamedAndNeverQueued) {
  const Response empty = post("/v1/requests", a_.key, "{}");
  ASSERT_EQ(empty.status, 400U) << empty.body;
  EXPECT_EQ(empty.header("Content-Type"), "application/problem+json");
  EXPECT_THAT(pointers(json(empty)), ElementsAre("/domain", "/purpose", "/lawful_basis", "/priority",
                                                 "/justification", "/fields", "/terms", "/retention"));
  EXPECT_THAT(detail(empty), HasSubstr("8 members need attention"));

  // Every fault at once, each at its member, none repeating what was sent.
  Filing broken;
  broken.purpose = "curiosity";
  broken.priority = "P1";
  broken.fields = {"registrant.email", "registrant.shoe_size", "registrant.email"};
  broken.terms_version = "2025-01";
  broken.evidence = {{.sha256 = "ABC", .media_type = "application/x-msdownload", .content = "TVo="}};
  broken.retention_days = 0;
  std::string body = broken.json();
  body.insert(1, R"("colour":"blue",)");
  const Response faulty = post("/v1/requests", a_.key, body);
  ASSERT_EQ(faulty.status, 400U) << faulty.body;
  EXPECT_THAT(
      pointers(json(faulty)),
      IsSupersetOf({"/colour", "/purpose", "/urgent", "/fields/1/key", "/fields/2/key", "/evidence/0/sha256",
                    "/evidence/0/attachment/media_type", "/terms/version", "/retention/days"}));
  EXPECT_THAT(faulty.body, Not(HasSubstr("curiosity")));
  EXPECT_THAT(faulty.body, Not(HasSubstr("shoe_size")));
  EXPECT_THAT(faulty.body, Not(HasSubstr("x-msdownload")));

  const Response not_json = post("/v1/requests", a_.key, "{\"domain\":");
  ASSERT_EQ(not_json.status, 400U);
  EXPECT_THAT(pointers(json(not_json)), ElementsAre(""));
  Filing elsewhere;
  elsewhere.domain = "example.org";
  const Response unknown = file(a_, elsewhere);
  ASSERT_EQ(unknown.status, 404U);
  EXPECT_THAT(pointers(json(unknown)), ElementsAre("/domain"));

  // Nothing reached a reviewer: no request, no audit entry, no notification.
  EXPECT_EQ(json(get("/v1/requests", a_.key))["items"].Size(), 0U);
  EXPECT_EQ(json(get("/v1/requests", reviewer_.key))["items"].Size(), 0U);
  for (const audit::Entry& entry : audit_entries()) EXPECT_NE(entry.object.kind, "request");
  EXPECT_TRUE(outbox().empty());
}

TEST_F(RequestSeedTest, EvidenceAttachmentsAreBoundedInSizeTypeAndNumber) {
  // 32 KiB is the default limit: at it the attachment is kept byte for byte; one byte over, refused.
  std::string bytes(32 * 1024, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7 % 256);
  Filing filing;
  filing.evidence = {
      {.kind = "packet_capture", .media_type = "application/pdf", .content = tlog::base64(bytes)}};
  const rapidjson::Document created = filed(a_, filing);
  const rapidjson::Value& attachment = created["request"]["evidence"][0]["attachment"];
  EXPECT_EQ(attachment["size"].GetInt(), 32 * 1024);
  EXPECT_EQ(text(attachment, "sha256"), tlog::hex(tlog::sha256(bytes)));
  const Response served = get("/v1/requests/" + text(created["request"], "id") + "/evidence/0", a_.key);
  ASSERT_EQ(served.status, 200U);
  EXPECT_EQ(served.body, bytes);
  EXPECT_EQ(served.header("Content-Type"), "application/pdf");

  filing.evidence[0].content = tlog::base64(bytes + "x");
  const Response large = file(a_, filing);
  ASSERT_EQ(large.status, 400U);
  EXPECT_THAT(pointers(json(large)), ElementsAre("/evidence/0/attachment/content"));
  filing.evidence[0].content = "not base64!";
  EXPECT_THAT(pointers(json(file(a_, filing))), ElementsAre("/evidence/0/attachment/content"));
  filing.evidence[0] = {.kind = "hearsay", .description = "?", .sha256 = std::string(64, 'g')};
  EXPECT_THAT(pointers(json(file(a_, filing))),
              ElementsAre("/evidence/0/kind", "/evidence/0/description", "/evidence/0/sha256"));
  filing.evidence = std::vector<EvidenceItem>(11);
  EXPECT_THAT(pointers(json(file(a_, filing))), ElementsAre("/evidence"));
  EXPECT_EQ(json(get("/v1/requests", a_.key))["items"].Size(), 1U);
}

TEST_F(RequestSeedTest, AnUnaccreditedRequestorMayFileButIsNeverDecidedAutomatically) {
  const std::string org = organisation("Gamma Hosting", model::OrganisationKind::requestor);
  const Account c = account(org, "carol@gamma.example");
  const Response response = file(c, Filing{});
  ASSERT_EQ(response.status, 201U) << response.body;
  const rapidjson::Document created = json(response);
  const rapidjson::Value& r = created["request"];
  EXPECT_EQ(text(r, "status"), "pending");
  EXPECT_FALSE(r["automated"].GetBool());
  EXPECT_FALSE(r.HasMember("accreditation"));
  EXPECT_FALSE(r.HasMember("group"));
  EXPECT_EQ(text(field(r, "registrant.email"), "state"), "review");
  EXPECT_EQ(text(field(r, "registrant.email"), "explanation"),
            "A reviewer decides this field. The requestor has no accreditation in force.");
  expect_served(response.body, {});
  // The operator's staff and a suspended organisation may not file.
  EXPECT_EQ(file(reviewer_, Filing{}).status, 403U);
  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/suspend", admin_.key, R"({"reason":"complaint"})").status,
            200U);
  const Response suspended = file(a_, Filing{});
  EXPECT_EQ(suspended.status, 403U);
  EXPECT_THAT(detail(suspended), HasSubstr("suspended or revoked"));
  Filing named;
  named.accreditation = b_acc_;
  EXPECT_EQ(file(b_, Filing{}).status, 201U);
  EXPECT_EQ(file(a2_, named).status, 403U);  // another organisation's accreditation
}

class ClosedToUnaccreditedTest : public RequestsApiTest {
 protected:
  disclosure::RequestSettings request_settings() override {
    disclosure::RequestSettings settings = RequestsApiTest::request_settings();
    settings.accept_unaccredited = false;
    return settings;
  }
};

TEST_F(ClosedToUnaccreditedTest, AnOperatorMayAcceptAccreditedRequestorsOnly) {
  const Account c =
      account(organisation("Gamma Hosting", model::OrganisationKind::requestor), "c@gamma.example");
  const Response refused = file(c, Filing{});
  EXPECT_EQ(refused.status, 403U);
  EXPECT_THAT(detail(refused), HasSubstr("accredited organisations only"));
  EXPECT_EQ(file(a_, Filing{}).status, 201U);
}

// A requestor that never answers a request for information cannot hold its request open: the reviewer
// holding it decides it all the same, and the clock runs again first.
TEST_F(RequestSeedTest, AReviewerDecidesARequestAwaitingInformationWithoutTheAnswer) {
  const std::string id = file_id(a_, reviewed_filing());
  ASSERT_EQ(act(id, "claim", reviewer_, "").status, 200U);
  ASSERT_EQ(
      act(id, "information", reviewer_, R"({"question":"Which attack? Send the flow records."})").status,
      200U);
  EXPECT_EQ(text(read(id, a_), "status"), "awaiting_information");
  clock_.advance(std::chrono::hours(30));
  const rapidjson::Document fields = read(id, reviewer_);
  std::vector<std::pair<std::string, std::string>> refusals;
  for (const auto& field : fields["fields"].GetArray()) {
    if (std::string_view(field["state"].GetString()) == "review")
      refusals.emplace_back(field["key"].GetString(), "refuse");
  }
  ASSERT_FALSE(refusals.empty());
  const Response decided = act(id, "decision", reviewer_, decision(refusals));
  ASSERT_EQ(decided.status, 200U) << decided.body;
  const rapidjson::Document after = json(decided);
  EXPECT_EQ(text(after, "status"), "decided");
  EXPECT_EQ(act(id, "decision", b_, decision(refusals)).status, 403U);  // a requestor never decides
}

}  // namespace
}  // namespace ssad::http
