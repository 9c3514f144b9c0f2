// POST /v1/policy/explain (http/policy_endpoint.hpp) in process through the routes: the default policy's
// seed 000 case on a fixture domain, asked by a user of the directory and by a user group, for the
// operator's staff only. Every response is checked against /v1/openapi.json (v1_fixture.hpp).

#include "http/policy_endpoint.hpp"

#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/http/v1_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;

// Each field's outcome ("disclose", "withhold", "review") and the rule that decided it.
struct Outcome {
  std::string outcome, reason, rule;
};
std::map<std::string, Outcome> outcomes(const rapidjson::Document& explanation) {
  std::map<std::string, Outcome> out;
  for (const auto& field : explanation["fields"].GetArray()) {
    out[field["field"].GetString()] = {field["outcome"].GetString(),
                                       field.HasMember("reason") ? field["reason"].GetString() : "",
                                       field["rule"].GetString()};
  }
  return out;
}

class PolicyEndpointTest : public V1ApiTest {
 protected:
  Response explain(const std::string& body, const std::string& key) {
    return post("/v1/policy/explain", key, body);
  }
};

// Seed 000: a network operator whose network is attacked from natural.test asks for the contacts.
TEST_F(PolicyEndpointTest, Seed000ByUserDisclosesTheContactsNameEmailAndPhoneAndNothingMore) {
  const Response response =
      explain(R"({"domain":"natural.test","user":")" + a_.user +
                  R"j(","purpose":"technicalIssueResolution","lawful_basis":"6(1)(f)"})j",
              admin_.key);
  ASSERT_EQ(response.status, 200U) << response.body;
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  const rapidjson::Document explanation = json(response);
  EXPECT_EQ(std::string(explanation["domain"].GetString()), "natural.test");
  const auto& requestor = explanation["requestor"];
  EXPECT_EQ(std::string(requestor["user"].GetString()), a_.user);
  EXPECT_EQ(std::string(requestor["organisation"].GetString()), a_org_);
  EXPECT_EQ(std::string(requestor["accreditation_id"].GetString()), a_acc_);
  EXPECT_EQ(std::string(requestor["accreditation"].GetString()), "active");
  EXPECT_EQ(std::string(requestor["group"].GetString()), "network_operator");
  EXPECT_EQ(std::string(explanation["purpose"].GetString()), "technicalIssueResolution");
  EXPECT_EQ(std::string(explanation["lawful_basis"].GetString()), "6(1)(f)");
  const auto fields = outcomes(explanation);
  for (const char* key : {"registrant.name", "registrant.email", "registrant.phone", "admin.name",
                          "admin.email", "tech.name", "tech.email", "tech.phone"}) {
    EXPECT_EQ(fields.at(key).outcome, "disclose") << key;
    EXPECT_EQ(fields.at(key).rule, "seed-000-network-attack") << key;
  }
  for (const char* key : {"registrant.street", "registrant.city", "registrant.postal_code", "tech.fax"}) {
    EXPECT_EQ(fields.at(key).outcome, "withhold") << key;
    EXPECT_EQ(fields.at(key).reason, "not_necessary") << key;
  }
  EXPECT_EQ(fields.at("domain.name").outcome, "disclose");
  // The explanation names keys and rules, never a registration's values.
  EXPECT_THAT(response.body, ::testing::Not(HasSubstr("Nadia Natural")));

  // Asked for some fields only, the rest is not requested.
  const Response some =
      explain(R"({"domain":"natural.test","user":")" + a_.user +
                  R"(","purpose":"technicalIssueResolution","fields":["registrant.email"]})",
              auditor_.key);
  ASSERT_EQ(some.status, 200U) << some.body;
  const auto asked = outcomes(json(some));
  EXPECT_EQ(asked.at("registrant.email").outcome, "disclose");
  EXPECT_EQ(asked.at("registrant.name").reason, "not_requested");
}

TEST_F(PolicyEndpointTest, Seed000ByGroupDecidesAsForAUserOfThatGroup) {
  const Response by_group = explain(
      R"({"domain":"natural.test","group":"network_operator","authority":"ICANN AA","purpose":"technicalIssueResolution"})",
      reviewer_.key);
  ASSERT_EQ(by_group.status, 200U) << by_group.body;
  const rapidjson::Document explanation = json(by_group);
  EXPECT_FALSE(explanation["requestor"].HasMember("user"));
  EXPECT_EQ(std::string(explanation["requestor"]["authority"].GetString()), "ICANN AA");
  const Response by_user =
      explain(R"({"domain":"natural.test","user":")" + a_.user + R"(","purpose":"technicalIssueResolution"})",
              reviewer_.key);
  const auto group_fields = outcomes(explanation);
  const auto user_fields = outcomes(json(by_user));
  for (const auto& [key, decided] : user_fields) {
    EXPECT_EQ(group_fields.at(key).outcome, decided.outcome) << key;
    EXPECT_EQ(group_fields.at(key).rule, decided.rule) << key;
  }

  // A suspended accreditation discloses nothing beyond the public's view.
  const auto suspended = outcomes(json(explain(
      R"({"domain":"natural.test","group":"network_operator","status":"suspended","purpose":"technicalIssueResolution"})",
      reviewer_.key)));
  EXPECT_EQ(suspended.at("registrant.name").outcome, "withhold");
  EXPECT_EQ(suspended.at("registrant.name").reason, "not_accredited");
  // Without a requestor: the public's view.
  const rapidjson::Document public_view = json(explain(R"({"domain":"natural.test"})", auditor_.key));
  EXPECT_TRUE(public_view["requestor"].IsNull());
  EXPECT_FALSE(public_view.HasMember("purpose"));
  EXPECT_EQ(outcomes(public_view).at("registrant.name").reason, "personal_data");
  // A purpose outside the group's is said so.
  const auto outside = outcomes(
      json(explain(R"({"domain":"natural.test","group":"researcher","purpose":"technicalIssueResolution"})",
                   auditor_.key)));
  EXPECT_EQ(outside.at("registrant.name").reason, "purpose_not_permitted");
}

// Where RDAP refuses a requestor outright (403), the explanation says why, field by field.
TEST_F(PolicyEndpointTest, AUserRdapWouldRefuseIsExplainedFieldByField) {
  const std::string asks = R"({"domain":"natural.test","user":")" + a_.user;
  const auto outside =
      outcomes(json(explain(asks + R"(","purpose":"academicPublicInterestDNSResearch"})", admin_.key)));
  EXPECT_EQ(outside.at("registrant.name").outcome, "withhold");
  EXPECT_EQ(outside.at("registrant.name").reason, "purpose_not_permitted");

  ASSERT_EQ(
      post("/v1/accreditations/" + a_acc_ + "/suspend", admin_.key, R"({"reason":"abuse report"})").status,
      200U);
  const Response suspended = explain(asks + R"(","purpose":"technicalIssueResolution"})", admin_.key);
  ASSERT_EQ(suspended.status, 200U) << suspended.body;
  const rapidjson::Document explanation = json(suspended);
  EXPECT_EQ(std::string(explanation["requestor"]["accreditation"].GetString()), "suspended");
  EXPECT_EQ(std::string(explanation["requestor"]["accreditation_id"].GetString()), a_acc_);
  EXPECT_EQ(outcomes(explanation).at("registrant.name").reason, "not_accredited");
  EXPECT_EQ(outcomes(explanation).at("domain.name").outcome, "disclose");

  // Staff are no requestors, and a disabled user's requests never reach the policy.
  const Response staff = explain(R"({"domain":"natural.test","user":")" + admin_.user + R"("})", admin_.key);
  EXPECT_EQ(staff.status, 400U);
  EXPECT_THAT(detail(staff), HasSubstr("\"user\""));
  auto work = store_->begin().value();
  ASSERT_TRUE(work->requestors().update_user(b_.user, model::kRoleRequestor, true).has_value());
  ASSERT_TRUE(work->commit(clock_.now()).has_value());
  const Response disabled = explain(R"({"domain":"natural.test","user":")" + b_.user + R"("})", admin_.key);
  EXPECT_EQ(disabled.status, 400U);
  EXPECT_THAT(detail(disabled), HasSubstr("disabled"));
}

TEST_F(PolicyEndpointTest, TheDocumentSaysWhenAReasonAndAPurposeAreThere) {
  const Response response =
      explain(R"({"domain":"natural.test","group":"cert","purpose":"technicalIssueResolution"})", admin_.key);
  ASSERT_EQ(response.status, 200U);
  const std::string disclosed = R"("outcome":"disclose",)";
  Response broken = response;
  broken.body.insert(broken.body.find(disclosed) + disclosed.size(), R"("reason":"no_policy",)");
  EXPECT_NE(api_->check("POST", "/v1/policy/explain", broken), "");
  broken = response;
  const std::string withheld = R"("outcome":"withhold",)";
  const std::size_t reason = broken.body.find(withheld) + withheld.size();
  broken.body.erase(reason, broken.body.find(',', reason) + 1 - reason);
  EXPECT_NE(api_->check("POST", "/v1/policy/explain", broken), "");
  broken = response;
  broken.body.replace(broken.body.find(R"("purpose":)"), 10, R"("purposes":)");
  EXPECT_NE(api_->check("POST", "/v1/policy/explain", broken), "");
  broken = response;
  broken.body.replace(broken.body.find(R"("lawful_basis":"6)"), 17, R"("lawful_basis":"7)");
  EXPECT_NE(api_->check("POST", "/v1/policy/explain", broken), "");
}

TEST_F(PolicyEndpointTest, ExplanationsAreForTheOperatorsStaffOnly) {
  const std::string body = R"({"domain":"natural.test","group":"cert","purpose":"technicalIssueResolution"})";
  for (const Account* staff : {&admin_, &auditor_, &reviewer_})
    EXPECT_EQ(explain(body, staff->key).status, 200U);
  for (const Account* requestor : {&a_, &b_}) {
    const Response refused = explain(body, requestor->key);
    EXPECT_EQ(refused.status, 403U);
    EXPECT_THAT(detail(refused), HasSubstr("staff"));
  }
  // A wrong method is 405 for whoever asks.
  for (const Account* anyone : {&admin_, &a_}) {
    const Response get_it = send(request("GET", "/v1/policy/explain", anyone->key));
    EXPECT_EQ(get_it.status, 405U);
    EXPECT_EQ(get_it.header("Allow"), "POST");
  }
  const Response anonymous = explain(body, "");
  EXPECT_EQ(anonymous.status, 401U);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
}

TEST_F(PolicyEndpointTest, BadRequestsAreProblemsThatSayWhich) {
  const auto bad = [&](const std::string& body, unsigned status, const std::string& says) {
    const Response response = explain(body, admin_.key);
    EXPECT_EQ(response.status, status) << body << " " << response.body;
    EXPECT_THAT(detail(response), HasSubstr(says)) << body;
  };
  bad(R"({"group":"cert"})", 400, "\"domain\" is required");
  bad(R"({"domain":"-bad-.test"})", 400, "\"domain\"");
  bad(R"({"domain":"nowhere.test"})", 404, "not registered");
  bad(R"({"domain":"natural.test","user":")" + a_.user + R"(","group":"cert"})", 400, "not both");
  bad(R"({"domain":"natural.test","group":"plumber"})", 400, "\"group\"");
  bad(R"({"domain":"natural.test","group":"cert","purpose":"lunch"})", 400, "\"purpose\"");
  bad(R"({"domain":"natural.test","purpose":"technicalIssueResolution"})", 400,
      "\"purpose\" needs a requestor");
  bad(R"j({"domain":"natural.test","group":"cert","lawful_basis":"6(1)(g)"})j", 400, "\"lawful_basis\"");
  bad(R"({"domain":"natural.test","group":"cert","priority":"P9"})", 400, "\"priority\"");
  bad(R"({"domain":"natural.test","group":"cert","abuse_type":"jaywalking"})", 400, "\"abuse_type\"");
  bad(R"({"domain":"natural.test","group":"cert","status":"dormant"})", 400, "status");
  bad(R"({"domain":"natural.test","fields":["registrant.shoe_size"]})", 400, "\"fields\"");
  bad(R"({"domain":"natural.test","fields":"registrant.name"})", 400, "\"fields\" must be an array");
  bad(R"({"domain":"natural.test","colour":"red"})", 400, "Unknown member \"colour\"");
  bad(R"({"domain":"natural.test","user":"usr_aaaaaaaaaaaaaaaa"})", 404, "no user");
  bad("not json", 400, "not JSON");
}

}  // namespace
}  // namespace ssad::http
