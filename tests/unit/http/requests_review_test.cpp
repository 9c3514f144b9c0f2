// /v1/requests (http/requests_endpoint.hpp over disclosure/requests.hpp) as an attacker would use it: what
// the live disclosure read serves once the registration has changed, a body nested deeply enough to run a
// recursive parser off its stack, the staff ids a requestor's view of its request shows, and an
// unaccredited requestor's request under a policy with rules for unaccredited callers. In process, on the
// directory, registrations and routes of v1_fixture.hpp.

#include <memory>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "disclosure/requests.hpp"
#include "http/requests_endpoint.hpp"
#include "unit/http/v1_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RequestsReviewTest : public V1ApiTest {
 protected:
  // Through the routes: every /v1/ answer is checked against /v1/openapi.json.
  Response call(const std::string& method, const std::string& target, const std::string& key,
                std::string body = "") {
    return send(request(method, target, key, std::move(body)));
  }

  // A complete request by a network operator for `fields` (JSON array members) of `domain`.
  static std::string filing(const std::string& domain, const std::string& fields,
                            const std::string& basis = "6(1)(f)") {
    return R"({"domain":")" + domain + R"(","purpose":"technicalIssueResolution","lawful_basis":")" + basis +
           R"(","priority":"P3","justification":"Our network is under attack from the domain's hosts.",)"
           R"("fields":[)" +
           fields + R"(],"terms":{"version":")" + std::string(kTermsVersion) +
           R"(","good_faith":true,"lawful_processing":true},)"
           R"("retention":{"days":30}})";
  }

  // The state of each field of a request's JSON, by key.
  static std::string state_of(const rapidjson::Value& request, const std::string& key) {
    for (const auto& field : request["fields"].GetArray()) {
      if (key == field["key"].GetString()) return field["state"].GetString();
    }
    return "";
  }
};

// Filed while the registrant had consented to publish its email and the domain had no technical contact,
// the request holds registrant.email and tech.email as "disclosed" without a retention: nothing was
// withheld then. Once the consent is withdrawn and a technical contact added, the live read must serve
// neither: neither the policy nor a reviewer ever approved them. Only the phone, which a rule disclosed,
// may be read.
TEST_F(RequestsReviewTest, LiveReadServesNoFieldThatWasOnlyPublicOrAbsentWhenFiled) {
  const Response filed =
      call("POST", "/v1/requests", a_.key,
           filing("consent.test", R"({"key":"registrant.email","why":"to reach the holder"},)"
                                  R"({"key":"registrant.phone","why":"to call the holder"},)"
                                  R"({"key":"tech.email","why":"to reach the technician"})"));
  ASSERT_EQ(filed.status, 201U) << filed.body;
  const rapidjson::Document created = json(filed);
  const rapidjson::Value& request = created["request"];
  const std::string id = request["id"].GetString();
  ASSERT_EQ(state_of(request, "registrant.email"), "disclosed");
  ASSERT_EQ(state_of(request, "registrant.phone"), "disclosed");
  ASSERT_EQ(state_of(request, "tech.email"), "disclosed");

  // The registrant withdraws its consent; the registrar adds a technical contact.
  {
    auto work = store_->begin().value();
    model::Contact withdrawn = testing::person("con1", "Carl Consent", model::PersonType::natural);
    ASSERT_TRUE(work->registrations().put_contact(withdrawn).has_value());
    model::Domain domain = testing::sample_domain("consent.test", "D3-TEST");
    domain.contacts = {{model::ContactRole::registrant, "con1"}, {model::ContactRole::tech, "tec1"}};
    domain.nameservers = {"ns1.example.test", "ns2.example.net"};
    ASSERT_TRUE(work->registrations().put_domain(domain).has_value());
    ASSERT_TRUE(work->commit(testing::at("2026-03-01T00:00:01Z")).has_value());
  }
  clock_.advance(std::chrono::hours(1));

  const Response read = call("GET", "/v1/requests/" + id + "/disclosure", a_.key);
  ASSERT_EQ(read.status, 200U) << read.body;
  const std::string phone = "703" + std::to_string(std::hash<std::string>{}("con1") % 1000000 + 1000000);
  EXPECT_THAT(read.body, HasSubstr(phone));
  EXPECT_THAT(read.body, Not(HasSubstr("con1@mail.example")));
  EXPECT_THAT(read.body, Not(HasSubstr("tec1@mail.example")));
  EXPECT_THAT(read.body, Not(HasSubstr("Tess Tech")));
}

// The confidentiality answer is read before anyone's role is checked: a body of brackets as long as the
// body limit allows must be refused as malformed, not recursed into.
TEST_F(RequestsReviewTest, DeeplyNestedConfidentialityBodyIsRefused) {
  const Response answered =
      call("POST", "/v1/requests/req_x/confidentiality", a_.key, std::string(std::size_t{1} << 20U, '['));
  EXPECT_EQ(answered.status, 400U) << answered.body;
}

// A requestor sees that a reviewer acts, never which one: not in the history's notes either.
TEST_F(RequestsReviewTest, RequestorSeesNoReviewerIdWhenAnAdministratorTakesARequestOver) {
  // 6(1)(a) is not a basis the network operators' group may use: every non-public field goes to review.
  const Response filed =
      call("POST", "/v1/requests", a_.key,
           filing("natural.test", R"({"key":"registrant.email","why":"to reach the holder"})", "6(1)(a)"));
  ASSERT_EQ(filed.status, 201U) << filed.body;
  const std::string id = json(filed)["request"]["id"].GetString();
  ASSERT_EQ(call("POST", "/v1/requests/" + id + "/claim", reviewer_.key).status, 200U);
  ASSERT_EQ(call("POST", "/v1/requests/" + id + "/claim", admin_.key).status, 200U);

  const Response seen = call("GET", "/v1/requests/" + id, a_.key);
  ASSERT_EQ(seen.status, 200U) << seen.body;
  EXPECT_THAT(seen.body, Not(HasSubstr(reviewer_.user)));
  EXPECT_THAT(seen.body, Not(HasSubstr(admin_.user)));
  // Staff still see who held it.
  const Response staff = call("GET", "/v1/requests/" + id, auditor_.key);
  EXPECT_THAT(staff.body, HasSubstr(reviewer_.user));
}

// A policy may have rules for requestors without an accreditation (accreditation = ["none"]), for
// authorised RDAP; a disclosure request of an unaccredited requestor is never automated all the same
// (issue 13 item 2, docs/requests.md): such a field waits for a reviewer, and the answer shows no value.
TEST_F(RequestsReviewTest, UnaccreditedRequestIsNeverAutomatedWhateverThePolicySays) {
  auto rules = policy::Rules::parse(
      "version = 1\n"
      "[[rule]]\n"
      "id = \"unaccredited-email\"\n"
      "accreditation = [\"none\"]\n"
      "fields = [\"registrant.email\"]\n"
      "outcome = \"disclose\"\n"
      "retention = \"30d\"\n",
      "unaccredited.toml");
  ASSERT_TRUE(rules.has_value()) << rules.error().message;
  disclosure::Requests requests(
      *store_, clock_,
      policy::Settings{model::Operator::registry, std::make_shared<policy::Rules>(std::move(*rules))},
      request_settings());
  const RequestsEndpoint endpoint(*authenticator_, requests, rdap::Settings{},
                                  "https://rdap.example.test/rdap/");
  const Account c =
      account(organisation("Gamma Research", model::OrganisationKind::requestor), "carol@gamma.example");

  const Response filed = endpoint.handle(
      request("POST", "/v1/requests", c.key,
              filing("natural.test", R"({"key":"registrant.email","why":"to reach the holder"})")));
  ASSERT_EQ(filed.status, 201U) << filed.body;
  const rapidjson::Document created = json(filed);
  EXPECT_EQ(state_of(created["request"], "registrant.email"), "review");
  EXPECT_FALSE(created["request"]["automated"].GetBool());
  EXPECT_THAT(filed.body, Not(HasSubstr("nat1@mail.example")));
}

}  // namespace
}  // namespace ssad::http
