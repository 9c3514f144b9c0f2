// GET /v1/audit/entries (http/audit_endpoint.hpp) in process through the routes: who may read which
// entries (auditors and administrators all, a requestor its own, a reviewer none), and that every read is
// itself in the log. Every response is checked against /v1/openapi.json (v1_fixture.hpp).

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/http/v1_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;

class AuditEntriesTest : public V1ApiTest {
 protected:
  std::string range() {
    const auto head = store_->audit_log().head().value();
    return "/v1/audit/entries?start=0&end=" + std::to_string(head.size - 1);
  }
  // The actors of the entries an answer holds.
  static std::vector<std::string> actors(const Response& response) {
    std::vector<std::string> out;
    const rapidjson::Document doc = json(response);
    for (const auto& entry : doc["entries"].GetArray()) {
      out.push_back(std::string(entry["actor"]["kind"].GetString()) + ":" + entry["actor"]["id"].GetString());
    }
    return out;
  }
};

TEST_F(AuditEntriesTest, AnAuditorReadsEveryEntryAndTheReadIsLogged) {
  const std::string target = range();
  const auto before = store_->audit_log().head().value().size;
  const Response answer = get(target, auditor_.key);
  ASSERT_EQ(answer.status, 200U) << answer.body;
  EXPECT_EQ(actors(answer).size(), before);
  EXPECT_EQ(answer.header("Cache-Control"), "no-store");
  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), before + 1);
  EXPECT_EQ(entries.back().action, "audit.read");
  EXPECT_EQ(entries.back().actor.kind, "operator");
  EXPECT_EQ(entries.back().actor.id, auditor_.user);
  EXPECT_EQ(get(target, admin_.key).status, 200U);
}

TEST_F(AuditEntriesTest, ARequestorReadsItsOwnDisclosuresOnly) {
  // Alpha's user discloses a domain; Beta's user asks for every entry and sees none of Alpha's.
  const Response disclosed = get("/rdap/domain/natural.test?farv1_qp=technicalIssueResolution", a_.key);
  ASSERT_EQ(disclosed.status, 200U) << disclosed.body;
  const std::string target = range();
  const Response own = get(target, a_.key);
  ASSERT_EQ(own.status, 200U) << own.body;
  EXPECT_THAT(actors(own), ::testing::Each("requestor:" + a_.user));
  EXPECT_FALSE(actors(own).empty());
  const Response other = get(target, b_.key);
  ASSERT_EQ(other.status, 200U);
  EXPECT_TRUE(actors(other).empty());
}

TEST_F(AuditEntriesTest, AReviewerNoCredentialsAndBadRangesAreRefused) {
  EXPECT_EQ(get(range(), reviewer_.key).status, 403U);
  const Response anonymous = get(range(), "");
  EXPECT_EQ(anonymous.status, 401U);
  EXPECT_THAT(std::string(anonymous.header("WWW-Authenticate").value_or("")), HasSubstr("Bearer"));
  EXPECT_EQ(get("/v1/audit/entries?start=5&end=1", auditor_.key).status, 400U);
  EXPECT_EQ(get("/v1/audit/entries?start=0&end=1000", auditor_.key).status, 400U);
  EXPECT_EQ(get("/v1/audit/entries?start=0", auditor_.key).status, 400U);
}

}  // namespace
}  // namespace ssad::http
