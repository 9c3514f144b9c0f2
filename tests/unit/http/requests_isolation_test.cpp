// Isolation between tenants and roles on /v1/requests (issue 13 item 10): a requestor sees only its own
// organisation's requests; another requestor trying every endpoint on one of them gets 403 or 404 and
// learns nothing — not even that it exists; requestors and auditors cannot act as reviewers; reviewers see
// the queue of every organisation; list filters never widen a requestor's view; a requestor never learns
// which of the operator's staff handled its request.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<std::string> ids_of(const rapidjson::Document& list) {
  std::vector<std::string> out;
  for (const auto& item : list["items"].GetArray()) out.emplace_back(item["id"].GetString());
  return out;
}

class RequestIsolationTest : public RequestsApiTest {
 protected:
  // What of organisation A's requests no one else may learn.
  std::vector<std::string> secrets_of_a() const {
    return {"natural.test", "ALPHA-7731", "Art. 23 GDPR", a_org_, a_.user, a_acc_, "Zmxvdw", "flow"};
  }

  // Every endpoint on request `id` as `who`: (what was asked, the answer).
  std::vector<std::pair<std::string, Response>> every_endpoint(const std::string& id, const Account& who) {
    const std::string at = "/v1/requests/" + id;
    std::vector<std::pair<std::string, Response>> out;
    out.emplace_back("GET", get(at, who.key));
    out.emplace_back("GET disclosure", get(at + "/disclosure", who.key));
    out.emplace_back("GET evidence", get(at + "/evidence/0", who.key));
    out.emplace_back("cancel", act(id, "cancel", who, R"({"reason":"not mine"})"));
    out.emplace_back("messages", act(id, "messages", who, R"({"body":"hello"})"));
    out.emplace_back("claim", act(id, "claim", who));
    out.emplace_back("release", act(id, "release", who));
    out.emplace_back("information", act(id, "information", who, R"({"question":"Who are you?"})"));
    out.emplace_back("decision", act(id, "decision", who, decision({{"registrant.email", "disclose"}})));
    out.emplace_back("confidentiality",
                     act(id, "confidentiality", who, R"({"accept":true,"note":"fine by us"})"));
    out.emplace_back("destruction", act(id, "destruction", who, R"({"statement":"gone"})"));
    return out;
  }

  // A's request with something in every member another tenant might fish for.
  Filing filing_of_a() const {
    Filing filing = reviewed_filing();
    filing.justification = "Phishing kit imitating Alpha's portal (case ALPHA-7731).";
    filing.evidence = {{.media_type = "text/plain", .content = "Zmxvdw=="}};  // "flow"
    filing.confidentiality = {{"Art. 23 GDPR; order 7731", "2026-06-01T00:00:00Z"}};
    return filing;
  }
};

TEST_F(RequestIsolationTest, AnotherOrganisationGetsNothingOfARequestOnAnyEndpoint) {
  const std::string open = file_id(a_, filing_of_a());
  Filing automated = filing_of_a();
  automated.purpose = "technicalIssueResolution";
  automated.abuse_type.clear();
  automated.fields = {"registrant.email"};
  const std::string disclosed = file_id(a_, automated);  // decided at once: something to read and destroy
  ASSERT_FALSE(open.empty());
  ASSERT_FALSE(disclosed.empty());
  const std::string before = get("/v1/requests/" + open, a_.key).body;
  const std::size_t logged_before = audit_entries().size();

  for (const std::string& id : {open, disclosed}) {
    for (const auto& [what, response] : every_endpoint(id, b_)) {
      EXPECT_TRUE(response.status == 403U || response.status == 404U) << what << ": " << response.status;
      EXPECT_EQ(response.header("Content-Type"), "application/problem+json") << what;
      EXPECT_THAT(response.body, Not(HasSubstr(id))) << what;
      for (const std::string& secret : secrets_of_a()) {
        EXPECT_THAT(response.body, Not(HasSubstr(secret))) << what << " tells " << secret;
      }
      expect_no_values(response.body);
    }
  }
  // An id that exists reads exactly like one that does not: nothing tells them apart.
  const auto made_up = every_endpoint("req_aaaaaaaaaaaaaaaa", b_);
  const auto real = every_endpoint(open, b_);
  for (std::size_t i = 0; i < real.size(); ++i) {
    EXPECT_EQ(real[i].second.status, made_up[i].second.status) << real[i].first;
    EXPECT_EQ(real[i].second.body, made_up[i].second.body) << real[i].first;
  }
  // Nothing changed, and nothing B tried was recorded against A's requests.
  EXPECT_EQ(get("/v1/requests/" + open, a_.key).body, before);
  EXPECT_EQ(audit_entries().size(), logged_before);
  EXPECT_EQ(get("/v1/requests/" + disclosed + "/disclosure", a_.key).status, 200U);
  // Another user of A's own organisation sees and acts on it.
  EXPECT_EQ(get("/v1/requests/" + open + "/evidence/0", a2_.key).body, "flow");
  EXPECT_EQ(act(open, "messages", a2_, R"({"body":"I am on this case too."})").status, 200U);
}

TEST_F(RequestIsolationTest, RequestorsAndAuditorsCannotActAsReviewers) {
  const std::string id = file_id(a_, filing_of_a());
  for (const Account* who : {&a_, &a2_, &auditor_}) {
    EXPECT_EQ(act(id, "claim", *who).status, 403U) << who->email;
    EXPECT_EQ(act(id, "release", *who).status, 403U) << who->email;
    EXPECT_EQ(act(id, "information", *who, R"({"question":"Which campaign?"})").status, 403U) << who->email;
    EXPECT_EQ(act(id, "decision", *who, decision({{"registrant.email", "disclose"}})).status, 403U)
        << who->email;
    EXPECT_EQ(act(id, "confidentiality", *who, R"({"accept":true,"note":"fine by us"})").status, 403U)
        << who->email;
  }
  // The auditor reads and lists, but neither writes nor withdraws, nor reads the disclosed data.
  EXPECT_EQ(get("/v1/requests/" + id, auditor_.key).status, 200U);
  EXPECT_THAT(ids_of(json(get("/v1/requests", auditor_.key))), UnorderedElementsAre(id));
  EXPECT_EQ(act(id, "messages", auditor_, R"({"body":"hello"})").status, 403U);
  EXPECT_EQ(act(id, "cancel", auditor_).status, 403U);
  EXPECT_EQ(act(id, "destruction", auditor_).status, 403U);
  EXPECT_EQ(get("/v1/requests/" + id + "/disclosure", auditor_.key).status, 403U);
  // The operator's staff do not file, withdraw or confirm destruction.
  EXPECT_EQ(file(admin_, Filing{}).status, 403U);
  EXPECT_EQ(act(id, "cancel", reviewer_).status, 403U);
  // Nothing any of them tried changed the request: still pending, never claimed.
  const rapidjson::Document after = read(id, reviewer_);
  EXPECT_EQ(text(after, "status"), "pending");
  EXPECT_FALSE(after.HasMember("reviewer"));
  EXPECT_EQ(events(after), (std::vector<std::string>{"submitted", "queued"}));
}

TEST_F(RequestIsolationTest, ReviewersSeeTheQueueOfEveryOrganisationAndRequestorsTheirOwn) {
  const std::string a1 = file_id(a_, reviewed_filing());
  clock_.advance(std::chrono::minutes(1));
  const std::string a2 = file_id(a2_, Filing{});
  clock_.advance(std::chrono::minutes(1));
  Filing of_b = reviewed_filing();
  of_b.abuse_type =
      "spam";  // a CERT's phishing case would be answered at once (seed-001-abuse-investigation)
  const std::string b1 = file_id(b_, of_b);
  clock_.advance(std::chrono::minutes(1));
  of_b.domain = "legal.test";
  const std::string b2 = file_id(b_, of_b);

  EXPECT_THAT(ids_of(json(get("/v1/requests", reviewer_.key))), UnorderedElementsAre(a1, a2, b1, b2));
  EXPECT_THAT(ids_of(json(get("/v1/requests", a_.key))), UnorderedElementsAre(a1, a2));
  EXPECT_THAT(ids_of(json(get("/v1/requests", a2_.key))), UnorderedElementsAre(a1, a2));
  EXPECT_THAT(ids_of(json(get("/v1/requests", b_.key))), UnorderedElementsAre(b1, b2));
  // Filters narrow a requestor's view, never widen it: naming another organisation's user, domain or
  // status finds only its own.
  EXPECT_THAT(ids_of(json(get("/v1/requests?user=" + a_.user, b_.key))), UnorderedElementsAre());
  EXPECT_THAT(ids_of(json(get("/v1/requests?user=" + a_.user, reviewer_.key))), UnorderedElementsAre(a1));
  EXPECT_THAT(ids_of(json(get("/v1/requests?domain=natural.test", b_.key))), UnorderedElementsAre(b1));
  EXPECT_THAT(ids_of(json(get("/v1/requests?domain=natural.test", reviewer_.key))),
              UnorderedElementsAre(a1, a2, b1));
  EXPECT_THAT(ids_of(json(get("/v1/requests?status=decided", b_.key))), UnorderedElementsAre());
  EXPECT_THAT(ids_of(json(get("/v1/requests?status=decided", a_.key))), UnorderedElementsAre(a2));
  EXPECT_THAT(ids_of(json(get("/v1/requests?status=pending&order=deadline", b_.key))),
              UnorderedElementsAre(b1, b2));
  ASSERT_EQ(act(a1, "claim", reviewer_).status, 200U);
  EXPECT_THAT(ids_of(json(get("/v1/requests?reviewer=" + reviewer_.user, b_.key))), UnorderedElementsAre());
  EXPECT_THAT(ids_of(json(get("/v1/requests?reviewer=" + reviewer_.user, a_.key))), UnorderedElementsAre(a1));
  // A requestor's list never names the reviewer; the staff's does.
  EXPECT_THAT(get("/v1/requests", a_.key).body, Not(HasSubstr(reviewer_.user)));
  EXPECT_THAT(get("/v1/requests", auditor_.key).body, HasSubstr(reviewer_.user));
}

TEST_F(RequestIsolationTest, ARequestorNeverLearnsWhichOfTheStaffHandledItsRequest) {
  const std::string id = file_id(a_, reviewed_filing());
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  // Another reviewer may not take it; an administrator may.
  const Account other = account(staff_org_, "rob@registry.example", model::kRoleReviewer);
  EXPECT_EQ(act(id, "claim", other).status, 409U);
  EXPECT_EQ(act(id, "release", other).status, 409U);
  const Response taken = act(id, "claim", admin_);
  ASSERT_EQ(taken.status, 200U) << taken.body;
  EXPECT_EQ(text(json(taken), "reviewer"), admin_.user);
  ASSERT_EQ(act(id, "messages", admin_, R"({"body":"I took this over."})").status, 200U);
  ASSERT_EQ(act(id, "release", admin_).status, 200U);
  ASSERT_EQ(act(id, "claim", other).status, 200U);
  ASSERT_EQ(act(id, "decision", other, decision({{"registrant.email", "refuse"}})).status, 200U);

  const Response mine = get("/v1/requests/" + id, a_.key);
  ASSERT_EQ(mine.status, 200U);
  for (const Account* staff : std::vector<const Account*>{&reviewer_, &admin_, &other}) {
    EXPECT_THAT(mine.body, Not(HasSubstr(staff->user))) << staff->email;
  }
  EXPECT_EQ(events(json(mine)), (std::vector<std::string>{"submitted", "queued", "claimed", "claimed",
                                                          "message", "released", "claimed", "decided"}));
  // The staff see who did what; the audit log names the reviewer taken over from.
  const Response theirs = get("/v1/requests/" + id, auditor_.key);
  EXPECT_THAT(theirs.body, HasSubstr(reviewer_.user));
  EXPECT_THAT(theirs.body, HasSubstr(other.user));
  std::vector<std::string> taken_from;
  for (const Logged& l : logged(id)) {
    if (l.entry.action == "request.claim" && !l.detail("previous_reviewer").empty())
      taken_from.push_back(l.detail("previous_reviewer"));
  }
  EXPECT_EQ(taken_from, std::vector<std::string>{reviewer_.user});
}

}  // namespace
}  // namespace ssad::http
