// /v1/abuse/cases over HTTP (issue 14 item 3; docs/abuse.md), in process through the routes on the V1
// fixture with abuse monitoring on: cases opened by real traffic (malformed RDAP queries, a sweep of
// generated names, false P1 claims) and by the retention detector, what they do to the requestor's
// credential and to nobody else's, listing with every filter and paging, reading, lifting, expiry, and who
// may do which. Every /v1/ answer is checked against /v1/openapi.json.

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr unsigned kMalformedPerHour = 5;
constexpr double kThrottlePerMinute = 2;
constexpr unsigned kSweep = 10;  // names in sequence, and lookups the not-found ratio is taken over

class AbuseApiTest : public RequestsApiTest {
 protected:
  // Low thresholds, so that a test makes a case in a few requests: five malformed requests an hour
  // throttle the credential to two a minute; a sweep of ten generated names, none registered, is two
  // enumeration signals and suspends it.
  abuse::MonitorSettings monitor_settings() override {
    abuse::MonitorSettings settings = V1ApiTest::monitor_settings();
    settings.malformed.per_hour = kMalformedPerHour;
    settings.throttle.per_minute = kThrottlePerMinute;
    settings.enumeration.sequence_run = kSweep;
    settings.enumeration.sample = kSweep;
    return settings;
  }

  // A lookup of `domain` with `key`, under the network operator's purpose.
  Response lookup(const std::string& key, const std::string& domain = "natural.test") {
    return send(request("GET", "/rdap/domain/" + domain + "?farv1_qp=technicalIssueResolution", key));
  }
  // Malformed RDAP queries with `key` (each answered 400), as many as throttle it.
  void malformed_queries(const std::string& key, unsigned count = kMalformedPerHour) {
    for (unsigned i = 0; i < count; ++i) {
      const Response refused = send(request("GET", "/rdap/domain/bad_label!.test", key));
      ASSERT_EQ(refused.status, 400U) << refused.body;
    }
  }
  // A sweep of generated names with `key`, none registered: two enumeration signals.
  void sweep(const std::string& key, const std::string& prefix) {
    for (unsigned i = 0; i < kSweep; ++i) {
      const std::string name = prefix + std::to_string(1000 + i) + ".test";
      const Response missing = lookup(key, name);
      ASSERT_EQ(missing.status, 404U) << name << ": " << missing.body;
    }
  }

  // The cases of GET /v1/abuse/cases?`query` as `key` sees them (expects 200).
  rapidjson::Document listed(const std::string& query = "", const std::string& key = "") {
    const Response response =
        get("/v1/abuse/cases" + (query.empty() ? "" : "?" + query), key.empty() ? admin_.key : key);
    EXPECT_EQ(response.status, 200U) << query << ": " << response.body;
    return json(response);
  }
  // The ids of a list's items, in order.
  static std::vector<std::string> ids(const rapidjson::Document& list) {
    std::vector<std::string> out;
    if (!list.IsObject() || !list.HasMember("items")) return out;
    for (const auto& item : list["items"].GetArray()) out.emplace_back(item["id"].GetString());
    return out;
  }
  std::vector<std::string> listed_ids(const std::string& query) { return ids(listed(query)); }

  // The one open case of `detector` about `user` (a failure when there is not exactly one).
  std::string only_case(const std::string& detector, const std::string& user) {
    const std::vector<std::string> found = listed_ids("state=open&detector=" + detector + "&user=" + user);
    EXPECT_EQ(found.size(), 1U) << detector << " cases of " << user;
    return found.empty() ? "" : found.front();
  }

  Response lift(const std::string& id, const std::string& key, const std::string& body) {
    return post("/v1/abuse/cases/" + id + "/lift", key, body);
  }

  // Opens a case as a detector would, through abuse::Enforcement.
  std::string open_case(const std::string& detector, store::AbuseAction action, const Account& who,
                        const std::string& org) {
    store::AbuseCase c;
    c.detector = detector;
    c.action = action;
    c.dedupe_key = detector + ":" + std::string(store::to_string(action)) + ":" + who.key_id;
    c.user_id = who.user;
    c.org_id = org;
    c.credential_id = who.key_id;
    c.summary = "opened by the test";
    c.evidence = R"({"count":1})";
    const auto opened = enforcement_->open(c);
    EXPECT_TRUE(opened.has_value() && opened->has_value());
    return opened && *opened ? (*opened)->id : "";
  }

  // The audit entries of `action` about case `id`.
  std::vector<audit::Entry> case_entries(const std::string& action, const std::string& id) {
    std::vector<audit::Entry> out;
    for (audit::Entry& entry : audit_entries()) {
      if (entry.action != action) continue;
      for (const auto& [key, value] : entry.detail) {
        if (key == "case" && value == id) out.push_back(entry);
      }
    }
    return out;
  }
  static std::string detail_of(const audit::Entry& entry, std::string_view key) {
    for (const auto& [k, v] : entry.detail) {
      if (k == key) return v;
    }
    return "";
  }

  // A decision on reviewed_filing()'s field under review, with "urgent" when given.
  static std::string ruling(std::optional<bool> urgent) {
    std::string body = decision({{"registrant.email", "disclose"}});
    if (urgent) body.insert(body.size() - 1, std::string(R"(,"urgent":)") + (*urgent ? "true" : "false"));
    return body;
  }
  // Files a P1 (or `priority`) request as `who`, has the reviewer claim it and rule on it with `urgent`;
  // returns the decision's answer.
  Response file_and_decide(const Account& who, std::optional<bool> urgent, const std::string& priority = "P1",
                           std::string* id_out = nullptr) {
    Filing filing = reviewed_filing();
    filing.priority = priority;
    if (priority == "P1") {
      filing.urgent = {{"threat_to_life", "The page lists the home address of a threatened journalist."}};
    }
    const std::string id = file_id(who, filing);
    if (id_out != nullptr) *id_out = id;
    EXPECT_EQ(act(id, "claim", reviewer_).status, 200U);
    return act(id, "decision", reviewer_, ruling(urgent));
  }
};

// Malformed RDAP queries from one credential open a throttle case; that credential is then served at the
// throttle's ceiling (429 with Retry-After and an RDAP error naming the case), while another requestor and
// a colleague are served as before.
TEST_F(AbuseApiTest, MalformedQueriesThrottleThatCredentialAndNoOtherOne) {
  EXPECT_TRUE(ids(listed()).empty());
  malformed_queries(a_.key, kMalformedPerHour - 1);
  EXPECT_TRUE(ids(listed()).empty()) << "one malformed query fewer than the threshold opens nothing";
  malformed_queries(a_.key, 1);

  const rapidjson::Document list = listed();
  ASSERT_EQ(list["items"].Size(), 1U) << list.HasMember("items");
  const rapidjson::Value& c = list["items"][0];
  const std::string id = c["id"].GetString();
  EXPECT_EQ(text(c, "detector"), "malformed");
  EXPECT_EQ(text(c, "action"), "throttle");
  EXPECT_EQ(text(c, "state"), "open");
  EXPECT_EQ(text(c, "user"), a_.user);
  EXPECT_EQ(text(c, "organisation"), a_org_);
  EXPECT_EQ(text(c, "credential"), a_.key_id);
  EXPECT_EQ(text(c, "opened"), "2026-03-01T00:00:00Z");
  EXPECT_EQ(text(c, "until"), "2026-03-02T00:00:00Z");  // the throttle's default 24 hours
  EXPECT_EQ(c["evidence"]["count"].GetUint(), kMalformedPerHour);
  EXPECT_EQ(c["evidence"]["threshold"].GetUint(), kMalformedPerHour);
  EXPECT_FALSE(c.HasMember("closed"));
  const std::vector<audit::Entry> opened = case_entries("abuse.throttle", id);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened[0].object, (audit::Object{"credential", a_.key_id}));
  EXPECT_THAT(detail_of(opened[0], "evidence"), HasSubstr(R"("threshold":5)"));

  // The throttled credential: its ceiling's burst, then 429 until a token is back.
  for (int i = 0; i < static_cast<int>(kThrottlePerMinute); ++i) EXPECT_EQ(lookup(a_.key).status, 200U) << i;
  const Response refused = lookup(a_.key);
  ASSERT_EQ(refused.status, 429U) << refused.body;
  EXPECT_EQ(refused.header("Retry-After").value_or(""), "30");  // 2 a minute: one every 30 seconds
  EXPECT_EQ(refused.header("Content-Type").value_or(""), "application/rdap+json");
  const rapidjson::Document error = json(refused);
  EXPECT_EQ(error["errorCode"].GetInt(), 429);
  EXPECT_THAT(error["description"][0].GetString(), HasSubstr(id));
  EXPECT_EQ(refused.body.find(a_.email), std::string::npos);
  // Filings with it too (a problem with Retry-After on /v1/).
  const Response filing = file(a_, reviewed_filing());
  EXPECT_EQ(filing.status, 429U);
  EXPECT_THAT(detail(filing), HasSubstr(id));
  EXPECT_TRUE(filing.header("Retry-After").has_value());

  // Everyone else is served as before: another organisation, a colleague.
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(lookup(b_.key).status, 200U);
    EXPECT_EQ(lookup(a2_.key).status, 200U);
  }
  // Waiting as told is answered.
  clock_.advance(30s);
  EXPECT_EQ(lookup(a_.key).status, 200U);
  EXPECT_EQ(lookup(a_.key).status, 429U);
}

// The throttle is of the credential that made the malformed queries (docs/config.md, abuse.throttle): the
// same user's other key, which made none, is served as before, and the evidence the case used does not open
// a second case about it.
TEST_F(AbuseApiTest, TheSameUsersOtherKeyIsNotThrottledByTheFirstKeysMalformedQueries) {
  const auto second = directory_->create_key(audit::console_operator(), a_.user, std::nullopt, "test set-up");
  ASSERT_TRUE(second.has_value());
  malformed_queries(a_.key);
  const std::string id = only_case("malformed", a_.user);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(lookup(second->key).status, 200U) << i;
  EXPECT_EQ(listed_ids("state=open"), std::vector<std::string>{id});
}

// A throttle runs out on its own: the sync closes it as expired (audited), and the credential is served
// again; an expired case can no longer be lifted.
TEST_F(AbuseApiTest, AThrottleExpiresAfterItsTime) {
  malformed_queries(a_.key);
  const std::string id = only_case("malformed", a_.user);
  for (int i = 0; i < 3; ++i) (void)lookup(a_.key);
  EXPECT_EQ(lookup(a_.key).status, 429U);

  clock_.advance(24h);
  ASSERT_TRUE(monitor_->sync().has_value());
  const Response expired = get("/v1/abuse/cases/" + id, auditor_.key);
  ASSERT_EQ(expired.status, 200U);
  const rapidjson::Document c = json(expired);
  EXPECT_EQ(text(c, "state"), "expired");
  EXPECT_EQ(text(c, "closed"), "2026-03-02T00:00:00Z");
  EXPECT_FALSE(c.HasMember("closed_by"));
  EXPECT_EQ(text(c, "close_reason"), "the throttle's time ran out");
  EXPECT_EQ(case_entries("abuse.expire", id).size(), 1U);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(lookup(a_.key).status, 200U) << i;
  EXPECT_EQ(listed_ids("state=expired"), std::vector<std::string>{id});
  EXPECT_TRUE(listed_ids("state=open").empty());
  const Response again = lift(id, admin_.key, R"({"reason":"too late"})");
  EXPECT_EQ(again.status, 409U);
  EXPECT_THAT(detail(again), HasSubstr("expired"));
}

// An administrator lifts a throttle: it ends at once, the case says who and why, the audit log has an
// abuse.lift entry with the reason; lifting needs a reason, and lifting twice or an unknown case is refused.
TEST_F(AbuseApiTest, AnAdministratorLiftsAThrottleAndItEndsAtOnce) {
  malformed_queries(a_.key);
  const std::string id = only_case("malformed", a_.user);
  for (int i = 0; i < 3; ++i) (void)lookup(a_.key);
  ASSERT_EQ(lookup(a_.key).status, 429U);

  // A reason is required, within the bounds of every other reason.
  for (const char* body :
       {R"({})", R"({"reason":""})", R"({"reason":7})", R"({"why":"x"})", "", "not json"}) {
    const Response refused = lift(id, admin_.key, body);
    EXPECT_EQ(refused.status, 400U) << body << ": " << refused.body;
  }
  EXPECT_THAT(detail(lift(id, admin_.key, R"({})")), HasSubstr("reason"));
  EXPECT_THAT(detail(lift(id, admin_.key, R"({"reason":")" + std::string(501, 'x') + R"("})")),
              HasSubstr("500 bytes"));
  EXPECT_EQ(lift(id, admin_.key, R"({"reason":"line\nbreak"})").status, 400U);
  EXPECT_EQ(text(json(get("/v1/abuse/cases/" + id, admin_.key)), "state"), "open");
  EXPECT_EQ(lookup(a_.key).status, 429U) << "a refused lift changes nothing";

  clock_.advance(10min);
  const Response lifted = lift(id, admin_.key, R"({"reason":"A broken client, fixed by the requestor."})");
  ASSERT_EQ(lifted.status, 200U) << lifted.body;
  const rapidjson::Document c = json(lifted);
  EXPECT_EQ(text(c, "id"), id);
  EXPECT_EQ(text(c, "state"), "lifted");
  EXPECT_EQ(text(c, "closed"), "2026-03-01T00:10:00Z");
  EXPECT_EQ(text(c, "closed_by"), "operator:" + admin_.user);
  EXPECT_EQ(text(c, "close_reason"), "A broken client, fixed by the requestor.");
  EXPECT_EQ(get("/v1/abuse/cases/" + id, admin_.key).body, lifted.body) << "GET reads what the lift answered";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(lookup(a_.key).status, 200U) << "the throttle ended at once";
  EXPECT_TRUE(listed_ids("state=open").empty()) << "the same evidence does not open it again at once";

  const std::vector<audit::Entry> logged = case_entries("abuse.lift", id);
  ASSERT_EQ(logged.size(), 1U);
  EXPECT_EQ(logged[0].actor, (audit::Actor{"operator", admin_.user}));
  EXPECT_EQ(logged[0].object, (audit::Object{"credential", a_.key_id}));
  EXPECT_EQ(detail_of(logged[0], "reason"), "A broken client, fixed by the requestor.");
  EXPECT_EQ(detail_of(logged[0], "detector"), "malformed");

  const Response twice = lift(id, admin_.key, R"({"reason":"again"})");
  EXPECT_EQ(twice.status, 409U);
  EXPECT_THAT(detail(twice), HasSubstr("lifted"));
  EXPECT_EQ(case_entries("abuse.lift", id).size(), 1U);
  EXPECT_EQ(lift("case_aaaaaaaaaaaaaaaa", admin_.key, R"({"reason":"none such"})").status, 404U);
  EXPECT_EQ(get("/v1/abuse/cases/case_aaaaaaaaaaaaaaaa", admin_.key).status, 404U);
  EXPECT_EQ(get("/v1/abuse/cases/case_aaaaaaaaaaaaaaaa", auditor_.key).status, 404U);
}

// Every filter of the list, alone and together, paging newest first, and what the list refuses.
TEST_F(AbuseApiTest, ListsCasesByEveryFilterNewestFirstPageByPage) {
  malformed_queries(a_.key);  // 1: a throttle of a's key
  const std::string a_throttle = only_case("malformed", a_.user);
  clock_.advance(1min);
  malformed_queries(b_.key);  // 2: a throttle of b's key
  const std::string b_throttle = only_case("malformed", b_.user);
  clock_.advance(1min);
  const std::string a2_flag = open_case("volume", store::AbuseAction::flag, a2_, a_org_);  // 3
  clock_.advance(1min);
  // 4: B's accreditation has disclosures overdue for destruction (the retention detector).
  monitor_->note_overdue({{b_acc_, 7}}, [&](const std::string&) { return b_org_; });
  const std::vector<std::string> retention = listed_ids("detector=retention");
  ASSERT_EQ(retention.size(), 1U);
  const rapidjson::Document one = json(get("/v1/abuse/cases/" + retention[0], auditor_.key));
  EXPECT_EQ(text(one, "accreditation"), b_acc_);
  EXPECT_EQ(text(one, "organisation"), b_org_);
  EXPECT_FALSE(one.HasMember("user"));
  EXPECT_EQ(one["evidence"]["overdue"].GetUint(), 7U);
  ASSERT_EQ(lift(a2_flag, admin_.key, R"({"reason":"a conference week"})").status, 200U);

  const std::vector<std::string> newest_first = {retention[0], a2_flag, b_throttle, a_throttle};
  EXPECT_EQ(listed_ids(""), newest_first) << "every state without a filter";
  EXPECT_EQ(listed_ids("state=open"), (std::vector<std::string>{retention[0], b_throttle, a_throttle}));
  EXPECT_EQ(listed_ids("state=lifted"), std::vector<std::string>{a2_flag});
  EXPECT_EQ(listed_ids("state=lifted,open"), newest_first);
  EXPECT_TRUE(listed_ids("state=expired").empty());
  EXPECT_EQ(listed_ids("action=throttle"), (std::vector<std::string>{b_throttle, a_throttle}));
  EXPECT_EQ(listed_ids("action=flag,throttle"), newest_first);
  EXPECT_TRUE(listed_ids("action=suspend_credential,suspend_accreditation").empty());
  EXPECT_EQ(listed_ids("detector=malformed"), (std::vector<std::string>{b_throttle, a_throttle}));
  EXPECT_TRUE(listed_ids("detector=enumeration").empty());
  EXPECT_EQ(listed_ids("organisation=" + b_org_), (std::vector<std::string>{retention[0], b_throttle}));
  EXPECT_EQ(listed_ids("organisation=" + a_org_), (std::vector<std::string>{a2_flag, a_throttle}));
  EXPECT_EQ(listed_ids("user=" + a2_.user), std::vector<std::string>{a2_flag});
  EXPECT_EQ(
      listed_ids("organisation=" + a_org_ + "&action=throttle&state=open&detector=malformed&user=" + a_.user),
      std::vector<std::string>{a_throttle});
  EXPECT_TRUE(listed_ids("organisation=" + a_org_ + "&user=" + b_.user).empty());

  // Page by page: each page's `next` leads to the next, and together they are the whole list once.
  for (const int limit : {1, 2, 3, 4}) {
    std::vector<std::string> all;
    std::string after;
    for (int pages = 0; pages < 10; ++pages) {
      const rapidjson::Document page =
          listed("limit=" + std::to_string(limit) + (after.empty() ? "" : "&after=" + after));
      EXPECT_LE(page["items"].Size(), static_cast<unsigned>(limit));
      for (const std::string& id : ids(page)) all.push_back(id);
      if (!page.HasMember("next")) break;
      after = page["next"].GetString();
    }
    EXPECT_EQ(all, newest_first) << "limit " << limit;
  }
  EXPECT_EQ(listed_ids("limit=2&state=open&after=" + b_throttle), std::vector<std::string>{a_throttle});

  // What the list refuses, naming the parameter.
  for (const char* bad : {"state=closed", "state=open,closed", "action=ban", "action=flag,throttle,x",
                          "limit=0", "limit=1001", "limit=ten", "after=case_aaaaaaaaaaaaaaaa"}) {
    const Response refused = get(std::string("/v1/abuse/cases?") + bad, admin_.key);
    EXPECT_EQ(refused.status, 400U) << bad << ": " << refused.body;
  }
  EXPECT_THAT(detail(get("/v1/abuse/cases?state=closed", admin_.key)), HasSubstr("state"));
  EXPECT_THAT(detail(get("/v1/abuse/cases?action=ban", admin_.key)), HasSubstr("action"));
  EXPECT_THAT(detail(get("/v1/abuse/cases?limit=0", admin_.key)), HasSubstr("limit"));
}

// Administrators and auditors read cases, only administrators lift them; reviewers and requestors get 403
// on every path, whatever the case, and a requestor learns nothing of another organisation's cases (nor
// of its own). Without credentials, 401; unknown paths 404; other methods 405.
TEST_F(AbuseApiTest, OnlyTheOperatorsAdministratorsAndAuditorsSeeCasesAndOnlyAdministratorsLiftThem) {
  malformed_queries(b_.key);
  const std::string b_case = only_case("malformed", b_.user);
  malformed_queries(a_.key);
  const std::string a_case = only_case("malformed", a_.user);

  EXPECT_EQ(ids(listed("", auditor_.key)).size(), 2U);
  EXPECT_EQ(get("/v1/abuse/cases/" + b_case, auditor_.key).status, 200U);
  const Response auditor_lift = lift(b_case, auditor_.key, R"({"reason":"I audit"})");
  EXPECT_EQ(auditor_lift.status, 403U);
  EXPECT_THAT(detail(auditor_lift), HasSubstr("administrators"));

  // What a requestor asks about another's case reads exactly as what it asks about no case at all.
  const std::string none = "case_aaaaaaaaaaaaaaaa";
  for (const Account* who : {&reviewer_, &a_, &a2_}) {
    std::vector<Response> answers = {
        get("/v1/abuse/cases", who->key),
        get("/v1/abuse/cases?user=" + b_.user, who->key),
        get("/v1/abuse/cases?organisation=" + b_org_ + "&state=open", who->key),
    };
    for (const std::string& id : {b_case, a_case, none}) {
      answers.push_back(get("/v1/abuse/cases/" + id, who->key));
      answers.push_back(lift(id, who->key, R"({"reason":"let me go"})"));
    }
    for (const Response& answer : answers) {
      EXPECT_EQ(answer.status, 403U) << who->email << ": " << answer.body;
      EXPECT_EQ(answer.body.find(b_.user), std::string::npos);
      EXPECT_EQ(answer.body.find(b_org_), std::string::npos);
      EXPECT_EQ(answer.body.find("malformed"), std::string::npos);
    }
    EXPECT_EQ(get("/v1/abuse/cases/" + b_case, who->key).body, get("/v1/abuse/cases/" + none, who->key).body);
    EXPECT_EQ(lift(b_case, who->key, R"({"reason":"x"})").body,
              lift(none, who->key, R"({"reason":"x"})").body);
  }
  EXPECT_EQ(text(json(get("/v1/abuse/cases/" + b_case, admin_.key)), "state"), "open") << "nobody lifted it";

  for (const std::string& path : {std::string("/v1/abuse/cases"), "/v1/abuse/cases/" + b_case}) {
    const Response anonymous = get(path, "");
    EXPECT_EQ(anonymous.status, 401U);
    EXPECT_EQ(anonymous.header("WWW-Authenticate").value_or(""), "Bearer");
  }
  EXPECT_EQ(lift(b_case, "", R"({"reason":"x"})").status, 401U);
  EXPECT_EQ(get("/v1/abuse", admin_.key).status, 404U);
  EXPECT_EQ(get("/v1/abuse/flags", admin_.key).status, 404U);
  EXPECT_EQ(post("/v1/abuse/cases/" + b_case + "/dismiss", admin_.key, R"({"reason":"x"})").status, 404U);
  EXPECT_EQ(get("/v1/abuse/cases/" + b_case + "/lift/now", admin_.key).status, 404U);
  const Response post_list = post("/v1/abuse/cases", admin_.key, R"({"reason":"x"})");
  EXPECT_EQ(post_list.status, 405U);
  EXPECT_EQ(post_list.header("Allow").value_or(""), "GET, HEAD");
  EXPECT_EQ(send(request("DELETE", "/v1/abuse/cases/" + b_case, admin_.key)).status, 405U);
  const Response get_lift = get("/v1/abuse/cases/" + b_case + "/lift", admin_.key);
  EXPECT_EQ(get_lift.status, 405U);
  EXPECT_EQ(get_lift.header("Allow").value_or(""), "POST");
}

// A sweep of generated names suspends the credential: it gets 403 on RDAP and /v1/, its user cannot make
// itself a new key even with another one, and everything works again once an administrator lifts the
// case. A second credential of the organisation suspended suspends its accreditation (the escalation).
TEST_F(AbuseApiTest, ASweepSuspendsTheCredentialUntilTheCaseIsLifted) {
  const auto second = directory_->create_key(audit::console_operator(), a_.user, std::nullopt, "test set-up");
  ASSERT_TRUE(second.has_value());
  sweep(a_.key, "gen");
  const std::string id = only_case("enumeration", a_.user);
  const rapidjson::Document c = json(get("/v1/abuse/cases/" + id, admin_.key));
  EXPECT_EQ(text(c, "action"), "suspend_credential");
  EXPECT_EQ(text(c, "credential"), a_.key_id);
  EXPECT_EQ(text(c, "accreditation"), a_acc_);
  EXPECT_FALSE(c.HasMember("until"));
  ASSERT_TRUE(c["evidence"]["signals"].IsArray());
  EXPECT_EQ(c["evidence"]["signals"].Size(), 2U);
  const std::vector<audit::Entry> logged = case_entries("abuse.suspend_credential", id);
  ASSERT_EQ(logged.size(), 1U);
  EXPECT_THAT(detail_of(logged[0], "evidence"), HasSubstr("sequential_sweep"));

  const Response rdap = lookup(a_.key, "legal.test");
  EXPECT_EQ(rdap.status, 403U) << rdap.body;
  EXPECT_EQ(rdap.header("Content-Type").value_or(""), "application/rdap+json");
  EXPECT_EQ(get("/v1/requests", a_.key).status, 403U);
  EXPECT_EQ(file(a_, reviewed_filing()).status, 403U);
  EXPECT_EQ(get("/v1/me", a_.key).status, 403U);
  const std::string new_key = R"({"expires":"2026-06-01T00:00:00Z"})";
  EXPECT_EQ(post("/v1/keys", a_.key, new_key).status, 403U);
  const Response with_other_key = post("/v1/keys", second->key, new_key);
  EXPECT_EQ(with_other_key.status, 403U) << "not got round with a fresh key";
  EXPECT_THAT(detail(with_other_key), HasSubstr("suspended"));
  // Only that credential: the colleague and the other organisation are served.
  EXPECT_EQ(lookup(a2_.key, "legal.test").status, 200U);
  EXPECT_EQ(lookup(b_.key, "legal.test").status, 200U);
  EXPECT_EQ(post("/v1/keys", a2_.key, new_key).status, 201U);

  const Response lifted = lift(id, admin_.key, R"({"reason":"A misconfigured monitoring script."})");
  ASSERT_EQ(lifted.status, 200U) << lifted.body;
  EXPECT_EQ(lookup(a_.key, "legal.test").status, 200U);
  EXPECT_EQ(get("/v1/requests", a_.key).status, 200U);
  EXPECT_EQ(post("/v1/keys", a_.key, new_key).status, 201U);
  EXPECT_EQ(case_entries("abuse.lift", id).size(), 1U);
  // The lift made the monitor forget the sweep: the next names are not a sweep yet.
  EXPECT_EQ(lookup(a_.key, "gen2000.test").status, 404U);
  EXPECT_EQ(lookup(a_.key, "legal.test").status, 200U);
  EXPECT_TRUE(listed_ids("state=open").empty());
}

TEST_F(AbuseApiTest, TwoCredentialsOfOneOrganisationSuspendedSuspendItsAccreditation) {
  sweep(a_.key, "one");
  sweep(a2_.key, "two");
  const std::vector<std::string> escalated = listed_ids("action=suspend_accreditation");
  ASSERT_EQ(escalated.size(), 1U);
  const rapidjson::Document c = json(get("/v1/abuse/cases/" + escalated[0], admin_.key));
  EXPECT_EQ(text(c, "detector"), "escalation");
  EXPECT_EQ(text(c, "accreditation"), a_acc_);
  EXPECT_EQ(c["evidence"]["credentials_suspended"].GetUint(), 2U);
  EXPECT_EQ(text(json(get("/v1/accreditations/" + a_acc_, admin_.key)), "status"), "suspended");
  EXPECT_EQ(text(json(get("/v1/accreditations/" + b_acc_, admin_.key)), "status"), "active");

  ASSERT_EQ(lift(escalated[0], admin_.key, R"({"reason":"Both scripts were ours, fixed."})").status, 200U);
  EXPECT_EQ(text(json(get("/v1/accreditations/" + a_acc_, admin_.key)), "status"), "active");
  EXPECT_EQ(listed_ids("state=open&action=suspend_credential").size(), 2U) << "each credential's own case";
}

// A reviewer rules that a P1 request's urgent criterion did not hold: the request shows it, "urgent" on
// another priority is refused naming /urgent, and three such rulings within the window flag the requestor.
TEST_F(AbuseApiTest, FalseP1ClaimsAreShownOnTheRequestAndThreeFlagTheRequestor) {
  std::string id;
  const Response upheld = file_and_decide(a_, true, "P1", &id);
  ASSERT_EQ(upheld.status, 200U) << upheld.body;
  EXPECT_TRUE(read(id, a_)["urgent"]["upheld"].GetBool());

  const Response p2 = file_and_decide(a_, false, "P2", &id);
  EXPECT_EQ(p2.status, 400U);
  const rapidjson::Document problem = json(p2);
  ASSERT_TRUE(problem.HasMember("errors"));
  ASSERT_EQ(problem["errors"].Size(), 1U);
  EXPECT_EQ(std::string(problem["errors"][0]["pointer"].GetString()), "/urgent");
  EXPECT_EQ(text(read(id, reviewer_), "status"), "in_review") << "a refused decision changes nothing";
  const Response not_boolean = act(
      id, "decision", reviewer_, decision({{"registrant.email", "disclose"}}).insert(1, R"("urgent":"no",)"));
  EXPECT_EQ(not_boolean.status, 400U);
  EXPECT_THAT(not_boolean.body, HasSubstr("/urgent"));

  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(file_and_decide(a_, false, "P1", &id).status, 200U);
    const rapidjson::Document request = read(id, a_);
    EXPECT_FALSE(request["urgent"]["upheld"].GetBool());
    EXPECT_EQ(text(request["urgent"], "criterion"), "threat_to_life");
    EXPECT_TRUE(listed_ids("detector=false_urgent").empty()) << i + 1 << " false claims";
  }
  // A P1 request without a ruling on its urgency has no "upheld".
  std::string unruled;
  ASSERT_EQ(file_and_decide(a_, std::nullopt, "P1", &unruled).status, 200U);
  EXPECT_FALSE(read(unruled, a_)["urgent"].HasMember("upheld"));
  EXPECT_TRUE(listed_ids("detector=false_urgent").empty());

  ASSERT_EQ(file_and_decide(a_, false, "P1", &id).status, 200U);
  const std::string flag = only_case("false_urgent", a_.user);
  const rapidjson::Document c = json(get("/v1/abuse/cases/" + flag, auditor_.key));
  EXPECT_EQ(text(c, "action"), "flag");
  EXPECT_EQ(text(c, "organisation"), a_org_);
  EXPECT_EQ(text(c, "accreditation"), a_acc_);
  EXPECT_EQ(c["evidence"]["count"].GetUint(), 3U);
  EXPECT_EQ(c["evidence"]["window_days"].GetUint(), 30U);
  EXPECT_EQ(case_entries("abuse.flag", flag).size(), 1U);
  // A flag refuses nothing.
  EXPECT_EQ(lookup(a_.key).status, 200U);
  EXPECT_EQ(file(a_, reviewed_filing()).status, 201U);
  // A colleague's false claims are its own.
  ASSERT_EQ(file_and_decide(a2_, false, "P1", &id).status, 200U);
  EXPECT_EQ(listed_ids("detector=false_urgent"), std::vector<std::string>{flag});
}

// Nothing about a case reaches the audit log that names a person: ids, counts and thresholds only.
TEST_F(AbuseApiTest, CasesAndTheirAuditEntriesHoldNoEmailAddress) {
  malformed_queries(a_.key);
  sweep(b_.key, "sweep");
  const std::string id = only_case("malformed", a_.user);
  ASSERT_EQ(lift(id, admin_.key, R"({"reason":"fixed"})").status, 200U);
  const Response list = get("/v1/abuse/cases", admin_.key);
  for (const std::string& email : emails()) {
    EXPECT_EQ(list.body.find(email), std::string::npos) << email;
    for (const store::AuditRecord& record : audit_records()) {
      EXPECT_EQ(record.encoding.find(email), std::string::npos) << email;
    }
  }
}

}  // namespace
}  // namespace ssad::http
