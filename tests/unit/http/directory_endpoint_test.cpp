// The requestor directory over /v1 (http/directory_endpoint.hpp, identity/administration.hpp), in process
// through the routes `ssad serve` builds: what each caller may do, what another tenant can learn, what bad
// input is told, what the audit log keeps, and that a suspension bites on the very next RDAP query. Every
// /v1/ response is checked against /v1/openapi.json (v1_fixture.hpp).

#include "http/directory_endpoint.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include "unit/http/v1_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> ids_of(const rapidjson::Value& items) {
  std::vector<std::string> out;
  for (const auto& item : items.GetArray()) out.emplace_back(item["id"].GetString());
  return out;
}

// A well-formed key that is no key of the directory, and one with a known id and a wrong secret.
std::string unknown_key() { return "ssad_key_key_aaaaaaaaaaaaaaaa_" + std::string(64, '0'); }
std::string wrong_secret(const std::string& key) {
  return key.substr(0, key.size() - 64) + std::string(64, 'f');
}

class DirectoryEndpointTest : public V1ApiTest {};

TEST_F(DirectoryEndpointTest, TheDocumentListsEveryOperationAndTheCheckCatchesWhatItDoesNotSay) {
  const rapidjson::Document document = json(get("/v1/openapi.json", ""));
  for (const char* path :
       {"/v1/me", "/v1/organisations", "/v1/organisations/{id}", "/v1/organisations/{id}/registrar",
        "/v1/users", "/v1/users/{id}", "/v1/accreditations", "/v1/accreditations/{id}",
        "/v1/accreditations/{id}/suspend", "/v1/accreditations/{id}/reinstate",
        "/v1/accreditations/{id}/revoke", "/v1/keys", "/v1/keys/{id}/revoke", "/v1/policy/explain"}) {
    EXPECT_TRUE(document["paths"].HasMember(path)) << path;
  }
  // A templated path matches an id; what the answer must be is checked as for a literal path.
  Response user = get("/v1/users/" + a_.user, admin_.key);
  ASSERT_EQ(user.status, 200U);
  EXPECT_EQ(api_->check("GET", "/v1/users/" + a_.user, user), "");
  Response broken = user;
  broken.body.replace(broken.body.find(a_.user), 4, "xyz_");  // an id that is no user id
  EXPECT_THAT(api_->check("GET", "/v1/users/" + a_.user, broken), HasSubstr("pattern"));
  broken = user;
  broken.body.insert(1, R"("extra":1,)");
  EXPECT_NE(api_->check("GET", "/v1/users/" + a_.user, broken), "");
  broken = user;
  broken.headers = {{"Content-Type", "application/json"}};  // no Cache-Control: no-store
  EXPECT_THAT(api_->check("GET", "/v1/users/" + a_.user, broken), HasSubstr("Cache-Control"));
  // The patterns RapidJSON would drop silently if it could not compile them.
  Response key = post("/v1/keys", a_.key, R"({"expires":"2026-06-01T00:00:00Z"})");
  ASSERT_EQ(key.status, 201U);
  broken = key;
  broken.body.replace(broken.body.find("ssad_key_"), 9, "ssad_kez_");
  EXPECT_THAT(api_->check("POST", "/v1/keys", broken), HasSubstr("pattern"));
  broken = key;
  broken.body.replace(broken.body.find("Z\""), 1, "+00:00");  // not the server's spelling of a time
  EXPECT_THAT(api_->check("POST", "/v1/keys", broken), HasSubstr("pattern"));
  // A 401 names the scheme.
  Response refused = get("/v1/me", "");
  ASSERT_EQ(refused.status, 401U);
  broken = refused;
  broken.headers = {{"Content-Type", "application/problem+json"}};
  EXPECT_THAT(api_->check("GET", "/v1/me", broken), HasSubstr("WWW-Authenticate"));
  // An undocumented method answers 405 with Allow naming exactly the documented ones.
  Response not_allowed = send(request("DELETE", "/v1/me", a_.key));
  ASSERT_EQ(not_allowed.status, 405U);
  broken = not_allowed;
  broken.headers = {{"Content-Type", "application/problem+json"}, {"Allow", "GET"}};
  EXPECT_THAT(api_->check("DELETE", "/v1/me", broken), HasSubstr("Allow"));
  // A request body the document does not allow is caught when the server took it.
  Request extra = request("POST", "/v1/keys", a_.key, R"({"reason":"x"})");
  EXPECT_EQ(api_->check(extra, key), "");
  extra.body = R"({"reason":5})";
  EXPECT_THAT(api_->check(extra, key), HasSubstr("request body"));
}

TEST_F(DirectoryEndpointTest, MeIsTheCallerItsOrganisationAndItsAccreditationsInForce) {
  const Response response = get("/v1/me", a_.key);
  ASSERT_EQ(response.status, 200U);
  EXPECT_EQ(response.header("Cache-Control"), "no-store");
  const rapidjson::Document me = json(response);
  EXPECT_EQ(std::string(me["user"]["id"].GetString()), a_.user);
  EXPECT_EQ(std::string(me["user"]["email"].GetString()), a_.email);
  EXPECT_EQ(std::string(me["user"]["roles"][0].GetString()), "requestor");
  EXPECT_EQ(std::string(me["organisation"]["id"].GetString()), a_org_);
  EXPECT_EQ(std::string(me["organisation"]["name"].GetString()), "Alpha Networks");
  ASSERT_EQ(me["accreditations"].Size(), 1U);
  EXPECT_EQ(std::string(me["accreditations"][0]["id"].GetString()), a_acc_);
  EXPECT_EQ(std::string(me["accreditations"][0]["status"].GetString()), "active");
  EXPECT_EQ(std::string(me["credential"].GetString()), "api_key");
  // Once its end has passed, the accreditation reads expired.
  clock_.set_wall(testing::at("2027-03-01T00:00:00Z"));
  EXPECT_EQ(std::string(json(get("/v1/me", a_.key))["accreditations"][0]["status"].GetString()), "expired");
  const rapidjson::Document staff = json(get("/v1/me", admin_.key));
  EXPECT_EQ(std::string(staff["organisation"]["kind"].GetString()), "operator");
  EXPECT_EQ(std::string(staff["user"]["roles"][0].GetString()), "administrator");
  EXPECT_EQ(staff["accreditations"].Size(), 0U);
}

TEST_F(DirectoryEndpointTest, AnAdministratorAddsOrganisationsUsersAccreditationsAndKeys) {
  const Response org = post("/v1/organisations", admin_.key,
                            R"({"name":"Gamma Security","country":"NL","reason":"signed the terms"})");
  ASSERT_EQ(org.status, 201U) << org.body;
  const std::string org_id = json(org)["id"].GetString();
  EXPECT_EQ(std::string(json(org)["kind"].GetString()), "requestor");
  EXPECT_EQ(std::string(json(org)["country"].GetString()), "NL");
  EXPECT_EQ(std::string(json(org)["created"].GetString()), "2026-03-01T00:00:00Z");

  const Response user = post("/v1/users", admin_.key,
                             R"({"organisation":")" + org_id +
                                 R"(","email":"gil@gamma.example","oidc_issuer":"https://id.gamma.example",)"
                                 R"("oidc_subject":"gil","reason":"their security lead"})");
  ASSERT_EQ(user.status, 201U) << user.body;
  const std::string user_id = json(user)["id"].GetString();
  EXPECT_EQ(std::string(json(user)["roles"][0].GetString()), "requestor");
  EXPECT_EQ(std::string(json(user)["oidc_subject"].GetString()), "gil");
  EXPECT_FALSE(json(user)["disabled"].GetBool());
  // One OpenID Connect identity is one user.
  const Response twice =
      post("/v1/users", admin_.key,
           R"({"organisation":")" + org_id +
               R"(","email":"gil2@gamma.example","oidc_issuer":"https://id.gamma.example",)"
               R"("oidc_subject":"gil"})");
  EXPECT_EQ(twice.status, 409U) << twice.body;

  const Response accreditation = post(
      "/v1/accreditations", admin_.key,
      R"({"organisation":")" + org_id +
          R"(","group":"security_provider","authority":"ICANN AA","valid_from":"2026-03-01T00:00:00Z",)"
          R"("valid_until":"2027-03-01T00:00:00Z","code_of_conduct_version":"2.1",)"
          R"j("purposes":["technicalIssueResolution"],"lawful_bases":["6(1)(f)"],"reason":"accredited"})j");
  ASSERT_EQ(accreditation.status, 201U) << accreditation.body;
  const rapidjson::Document made = json(accreditation);
  const std::string acc_id = made["id"].GetString();
  EXPECT_EQ(std::string(made["status"].GetString()), "active");
  EXPECT_EQ(std::string(made["valid_until"].GetString()), "2027-03-01T00:00:00Z");
  EXPECT_EQ(std::string(made["code_of_conduct_accepted"].GetString()), "2026-03-01T00:00:00Z");
  EXPECT_EQ(std::string(made["purposes"][0].GetString()), "technicalIssueResolution");
  EXPECT_EQ(std::string(made["lawful_bases"][0].GetString()), "6(1)(f)");

  const Response key = post("/v1/keys", admin_.key, R"({"user":")" + user_id + R"(","reason":"first key"})");
  ASSERT_EQ(key.status, 201U) << key.body;
  const std::string secret = json(key)["key"].GetString();
  const std::string key_id = json(key)["id"].GetString();
  EXPECT_EQ(std::string(json(key)["user"].GetString()), user_id);
  // The key works at once, as the user it was made for.
  EXPECT_EQ(std::string(json(get("/v1/me", secret))["user"]["id"].GetString()), user_id);

  // Reading them back gives what was made.
  EXPECT_EQ(get("/v1/users/" + user_id, admin_.key).body, user.body);
  EXPECT_EQ(get("/v1/accreditations/" + acc_id, admin_.key).body, accreditation.body);
  const rapidjson::Document view = json(get("/v1/organisations/" + org_id, admin_.key));
  EXPECT_EQ(std::string(view["organisation"]["name"].GetString()), "Gamma Security");
  EXPECT_EQ(ids_of(view["users"]), std::vector<std::string>{user_id});
  EXPECT_EQ(ids_of(view["accreditations"]), std::vector<std::string>{acc_id});
  EXPECT_EQ(ids_of(view["keys"]), std::vector<std::string>{key_id});
  EXPECT_THAT(get("/v1/organisations/" + org_id, admin_.key).body, Not(HasSubstr(secret.substr(30))));

  // Suspend, reinstate, revoke: each says the status it leaves and why.
  const Response suspended =
      post("/v1/accreditations/" + acc_id + "/suspend", admin_.key, R"({"reason":"complaint under review"})");
  ASSERT_EQ(suspended.status, 200U) << suspended.body;
  EXPECT_EQ(std::string(json(suspended)["status"].GetString()), "suspended");
  EXPECT_EQ(std::string(json(suspended)["status_reason"].GetString()), "complaint under review");
  EXPECT_EQ(std::string(json(get("/v1/accreditations/" + acc_id, admin_.key))["status"].GetString()),
            "suspended");
  const Response reinstated =
      post("/v1/accreditations/" + acc_id + "/reinstate", admin_.key, R"({"reason":"complaint unfounded"})");
  EXPECT_EQ(std::string(json(reinstated)["status"].GetString()), "active");
  const Response revoked =
      post("/v1/accreditations/" + acc_id + "/revoke", admin_.key, R"({"reason":"left the programme"})");
  EXPECT_EQ(std::string(json(revoked)["status"].GetString()), "revoked");

  // An operator's user holds staff roles.
  const Response reviewer = post("/v1/users", admin_.key,
                                 R"({"organisation":")" + staff_org_ +
                                     R"(","email":"rita@registry.example","roles":["reviewer","auditor"]})");
  ASSERT_EQ(reviewer.status, 201U) << reviewer.body;
  EXPECT_EQ(json(reviewer)["roles"].Size(), 2U);
}

// Issue 15: an administrator says which organisation is which registrar; no two are one registrar.
TEST_F(DirectoryEndpointTest, AnAdministratorMakesAnOrganisationARegistrarAndNoTwoAreOne) {
  const Response org = post("/v1/organisations", admin_.key,
                            R"({"name":"Example Registrar","registrar_iana_id":9999,"reason":"contract"})");
  ASSERT_EQ(org.status, 201U) << org.body;
  const std::string org_id = json(org)["id"].GetString();
  EXPECT_EQ(json(org)["registrar_iana_id"].GetInt64(), 9999);
  EXPECT_EQ(
      json(get("/v1/organisations/" + org_id, admin_.key))["organisation"]["registrar_iana_id"].GetInt64(),
      9999);
  const Response twice =
      post("/v1/organisations", admin_.key, R"({"name":"Impostor","registrar_iana_id":9999})");
  EXPECT_EQ(twice.status, 409U) << twice.body;
  EXPECT_THAT(detail(twice), HasSubstr("9999"));

  // A requestor organisation becomes registrar 1234: its users see it as theirs at once.
  EXPECT_FALSE(json(get("/v1/me", a_.key))["organisation"].HasMember("registrar_iana_id"));
  const Response made = post("/v1/organisations/" + a_org_ + "/registrar", admin_.key,
                             R"({"registrar_iana_id":1234,"reason":"signed the registrar terms"})");
  ASSERT_EQ(made.status, 200U) << made.body;
  EXPECT_EQ(std::string(json(made)["id"].GetString()), a_org_);
  EXPECT_EQ(json(made)["registrar_iana_id"].GetInt64(), 1234);
  EXPECT_EQ(json(get("/v1/me", a_.key))["organisation"]["registrar_iana_id"].GetInt64(), 1234);
  const rapidjson::Document listed = json(get("/v1/organisations", admin_.key));
  int registrars = 0;
  for (const auto& item : listed["items"].GetArray())
    registrars += item.HasMember("registrar_iana_id") ? 1 : 0;
  EXPECT_EQ(registrars, 2);

  // Another organisation cannot be registrar 1234 or 9999; A cannot be what it is already.
  for (const char* body :
       {R"({"registrar_iana_id":1234,"reason":"x"})", R"({"registrar_iana_id":9999,"reason":"x"})"}) {
    const Response taken = post("/v1/organisations/" + b_org_ + "/registrar", admin_.key, body);
    EXPECT_EQ(taken.status, 409U) << body;
  }
  EXPECT_EQ(post("/v1/organisations/" + a_org_ + "/registrar", admin_.key,
                 R"({"registrar_iana_id":1234,"reason":"x"})")
                .status,
            409U);
  EXPECT_EQ(post("/v1/organisations/org_aaaaaaaaaaaaaaaa/registrar", admin_.key,
                 R"({"registrar_iana_id":1234,"reason":"x"})")
                .status,
            404U);

  // null: no registrar any more, and 1234 is free for B.
  const Response cleared = post("/v1/organisations/" + a_org_ + "/registrar", admin_.key,
                                R"({"registrar_iana_id":null,"reason":"contract ended"})");
  ASSERT_EQ(cleared.status, 200U) << cleared.body;
  EXPECT_FALSE(json(cleared).HasMember("registrar_iana_id"));
  EXPECT_FALSE(json(get("/v1/me", a_.key))["organisation"].HasMember("registrar_iana_id"));
  EXPECT_EQ(post("/v1/organisations/" + b_org_ + "/registrar", admin_.key,
                 R"({"registrar_iana_id":1234,"reason":"took over"})")
                .status,
            200U);

  // Each change in the audit log: the administrator, the reason, the IDs before and after.
  const std::vector<audit::Entry> entries = audit_entries();
  std::vector<const audit::Entry*> changes;
  for (const audit::Entry& entry : entries) {
    if (entry.action == "requestor.organisation.set_registrar") changes.push_back(&entry);
  }
  ASSERT_EQ(changes.size(), 3U);
  using Detail = std::pair<std::string, std::string>;
  EXPECT_EQ(changes[0]->actor, (audit::Actor{"operator", admin_.user}));
  EXPECT_EQ(changes[0]->object, (audit::Object{"organisation", a_org_}));
  EXPECT_THAT(changes[0]->detail, ::testing::Contains(Detail("reason", "signed the registrar terms")));
  EXPECT_THAT(changes[0]->detail, ::testing::Contains(Detail("registrar_iana_id_after", "1234")));
  EXPECT_THAT(changes[1]->detail, ::testing::Contains(Detail("registrar_iana_id_before", "1234")));
  EXPECT_THAT(changes[1]->detail, ::testing::Contains(Detail("registrar_iana_id_after", "none")));
  EXPECT_EQ(changes[2]->object, (audit::Object{"organisation", b_org_}));
}

TEST_F(DirectoryEndpointTest, ARegistrarIdThatIsNoPositiveIntegerIs400AndNamesTheMember) {
  const std::size_t logged = audit_records().size();
  const auto bad = [&](const std::string& target, const std::string& body, const std::string& names) {
    const Response response = post(target, admin_.key, body);
    EXPECT_EQ(response.status, 400U) << target << " " << body << " " << response.body;
    EXPECT_THAT(detail(response), HasSubstr(names)) << body;
  };
  const std::string registrar = "/v1/organisations/" + a_org_ + "/registrar";
  for (const std::string value :
       {"0", "-3", "1.5", "1e3", "\"1234\"", "true", "[1234]", "9223372036854775808"}) {
    bad("/v1/organisations", R"({"name":"X","registrar_iana_id":)" + value + "}", "registrar_iana_id");
    bad(registrar, R"({"registrar_iana_id":)" + value + R"(,"reason":"x"})", "registrar_iana_id");
  }
  bad(registrar, R"({"reason":"x"})", "\"registrar_iana_id\" is required");
  bad(registrar, R"({"registrar_iana_id":1234})", "\"reason\" is required");
  bad(registrar, R"({"registrar_iana_id":1234,"reason":""})", "reason");
  bad(registrar, R"({"registrar_iana_id":1234,"reason":"x","kind":"registrar"})", "Unknown member");
  EXPECT_EQ(audit_records().size(), logged);
  EXPECT_FALSE(json(get("/v1/me", a_.key))["organisation"].HasMember("registrar_iana_id"));
}

TEST_F(DirectoryEndpointTest, AccreditationsReadAsInForceNow) {
  clock_.set_wall(testing::at("2027-03-01T00:00:00Z"));
  EXPECT_EQ(std::string(json(get("/v1/accreditations/" + a_acc_, admin_.key))["status"].GetString()),
            "expired");
  EXPECT_EQ(std::string(json(get("/v1/accreditations/" + a_acc_, a_.key))["status"].GetString()), "expired");
  const rapidjson::Document view = json(get("/v1/organisations/" + a_org_, admin_.key));
  EXPECT_EQ(std::string(view["accreditations"][0]["status"].GetString()), "expired");
}

TEST_F(DirectoryEndpointTest, ListsPageByIdUntilTheyEnd) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(post("/v1/organisations", admin_.key, R"({"name":"Org )" + std::to_string(i) + R"("})").status,
              201U);
  }
  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  do {
    const rapidjson::Document page =
        json(get("/v1/organisations?limit=2" + (after.empty() ? "" : "&after=" + after), auditor_.key));
    EXPECT_LE(page["items"].Size(), 2U);
    for (const std::string& id : ids_of(page["items"])) seen.push_back(id);
    after = page.HasMember("next") ? page["next"].GetString() : "";
    ASSERT_LT(++pages, 10);
  } while (!after.empty());
  EXPECT_EQ(seen.size(), 6U);  // staff, A, B and three more
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
  EXPECT_EQ(json(get("/v1/organisations", admin_.key))["items"].Size(), 6U);

  std::vector<std::string> made{a_.key_id};
  for (int i = 0; i < 4; ++i)
    made.emplace_back(
        json(post("/v1/keys", a_.key, R"({"expires":"2026-06-01T00:00:00Z"})"))["id"].GetString());
  std::sort(made.begin(), made.end());
  for (const std::string& key : {a_.key, admin_.key}) {
    std::vector<std::string> keys;
    after.clear();
    pages = 0;
    do {
      const rapidjson::Document page =
          json(get("/v1/keys?user=" + a_.user + "&limit=2" + (after.empty() ? "" : "&after=" + after), key));
      for (const std::string& id : ids_of(page["items"])) keys.push_back(id);
      after = page.HasMember("next") ? page["next"].GetString() : "";
      ASSERT_LT(++pages, 10);
    } while (!after.empty());
    EXPECT_EQ(keys, made);
  }
  // The requestor's own keys without naming itself; every key for the staff.
  EXPECT_EQ(ids_of(json(get("/v1/keys", a_.key))["items"]), made);
  EXPECT_EQ(json(get("/v1/keys", auditor_.key))["items"].Size(), made.size() + 5);

  for (const char* limit : {"0", "1001", "x", "-1", "2x"}) {
    const Response bad = get(std::string("/v1/organisations?limit=") + limit, admin_.key);
    EXPECT_EQ(bad.status, 400U) << limit;
    EXPECT_THAT(detail(bad), HasSubstr("limit")) << limit;
  }
  EXPECT_EQ(get("/v1/keys?limit=0", a_.key).status, 400U);
  EXPECT_EQ(get("/v1/me?%ZZ", a_.key).status, 400U);
}

TEST_F(DirectoryEndpointTest, CredentialsThatDoNotAuthenticateAre401AndSayWhich) {
  const auto refused = [&](const std::string& authorization, const std::string& says) {
    Request r = request("GET", "/v1/me");
    if (!authorization.empty()) r.headers.emplace_back("Authorization", authorization);
    const Response response = send(r);
    EXPECT_EQ(response.status, 401U) << authorization;
    EXPECT_EQ(response.header("WWW-Authenticate"), "Bearer") << authorization;
    EXPECT_THAT(detail(response), HasSubstr(says)) << authorization;
    EXPECT_THAT(response.body, Not(HasSubstr(a_.email)));
  };
  refused("", "Authorization: Bearer");
  refused("Basic YWxpY2U6c2VjcmV0", "Only Bearer");
  refused("Bearer ssad_key_key_short", "The API key is not valid.");
  refused("Bearer " + unknown_key(), "The API key is not valid.");
  refused("Bearer " + wrong_secret(a_.key), "The API key is not valid.");
  refused("Bearer eyJhbGciOiJub25lIn0.e30.", "API keys only");
  // The same detail for a malformed, an unknown and a wrong key: a key's id cannot be confirmed.
  EXPECT_EQ(detail(get("/v1/me", unknown_key())), detail(get("/v1/me", wrong_secret(a_.key))));

  ASSERT_EQ(post("/v1/keys/" + a2_.key_id + "/revoke", admin_.key, R"({"reason":"lost laptop"})").status,
            200U);
  refused("Bearer " + a2_.key, "revoked");
  const Response expiring =
      post("/v1/keys", a_.key, R"({"expires":"2026-03-01T01:00:00Z","reason":"for a script"})");
  ASSERT_EQ(expiring.status, 201U) << expiring.body;
  const std::string short_lived = json(expiring)["key"].GetString();
  EXPECT_EQ(get("/v1/me", short_lived).status, 200U);
  clock_.advance(std::chrono::hours(1));
  refused("Bearer " + short_lived, "expired");
  EXPECT_EQ(get("/v1/me", a_.key).status, 200U);  // its other key is unaffected

  // An administrator disables the user: its keys all fail, with 403, until it is enabled again. Only an
  // administrator may, and with a reason.
  EXPECT_EQ(post("/v1/users/" + a_.user + "/disable", a_.key, R"({"reason":"myself"})").status, 403U);
  EXPECT_EQ(post("/v1/users/" + a_.user + "/disable", auditor_.key, R"({"reason":"x"})").status, 403U);
  EXPECT_EQ(post("/v1/users/" + a_.user + "/disable", admin_.key, R"({})").status, 400U);
  const Response made = post("/v1/users/" + a_.user + "/disable", admin_.key, R"({"reason":"left Alpha"})");
  ASSERT_EQ(made.status, 200U) << made.body;
  EXPECT_TRUE(json(made)["disabled"].GetBool());
  const Response disabled = get("/v1/me", a_.key);
  EXPECT_EQ(disabled.status, 403U);
  EXPECT_THAT(detail(disabled), HasSubstr("disabled"));
  EXPECT_EQ(get("/v1/organisations", a_.key).status, 403U);
  EXPECT_EQ(post("/v1/users/" + a_.user + "/disable", admin_.key, R"({"reason":"again"})").status, 409U);
  ASSERT_EQ(post("/v1/users/" + a_.user + "/enable", admin_.key, R"({"reason":"back"})").status, 200U);
  EXPECT_EQ(get("/v1/me", a_.key).status, 200U);
}

TEST_F(DirectoryEndpointTest, ARequestorManagesItsOwnKeysAndChangesNothingElse) {
  const std::size_t logged = audit_records().size();
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"/v1/organisations", R"({"name":"Mallory Inc"})"},
      {"/v1/users", R"({"organisation":")" + a_org_ + R"(","email":"eve@alpha.example"})"},
      {"/v1/accreditations",
       R"({"organisation":")" + a_org_ +
           R"(","group":"law_enforcement","authority":"self","valid_until":"2030-01-01T00:00:00Z"})"},
      {"/v1/accreditations/" + a_acc_ + "/suspend", R"({"reason":"mine"})"},
      {"/v1/accreditations/" + a_acc_ + "/reinstate", R"({"reason":"mine"})"},
      {"/v1/accreditations/" + a_acc_ + "/revoke", R"({"reason":"mine"})"},
      {"/v1/organisations", R"({"name":"Mallory Registrar","registrar_iana_id":666})"},
      {"/v1/organisations/" + a_org_ + "/registrar", R"({"registrar_iana_id":1234,"reason":"we are"})"},
      {"/v1/organisations/" + b_org_ + "/registrar", R"({"registrar_iana_id":1234,"reason":"they are"})"},
  };
  for (const auto& [target, body] : changes) {
    const Response response = post(target, a_.key, body);
    EXPECT_EQ(response.status, 403U) << target;
    EXPECT_THAT(detail(response), HasSubstr("roles")) << target;
  }
  EXPECT_EQ(audit_records().size(), logged);  // nothing changed, nothing logged

  // Its own keys: create, list, revoke.
  const Response made =
      post("/v1/keys", a_.key, R"({"reason":"CI runner","expires":"2026-06-01T00:00:00Z"})");
  ASSERT_EQ(made.status, 201U) << made.body;
  const std::string key_id = json(made)["id"].GetString();
  EXPECT_EQ(std::string(json(made)["user"].GetString()), a_.user);
  EXPECT_EQ(
      post("/v1/keys", a_.key, R"({"user":")" + a_.user + R"(","expires":"2026-06-01T00:00:00Z"})").status,
      201U);
  const Response revoked = post("/v1/keys/" + key_id + "/revoke", a_.key, "");
  ASSERT_EQ(revoked.status, 200U) << revoked.body;
  EXPECT_EQ(std::string(json(revoked)["status"].GetString()), "revoked");
  EXPECT_EQ(std::string(json(revoked)["revoked"].GetString()), "2026-03-01T00:00:00Z");
  EXPECT_EQ(get("/v1/users/" + a_.user, a_.key).status, 200U);
  EXPECT_EQ(get("/v1/accreditations/" + a_acc_, a_.key).status, 200U);
}

TEST_F(DirectoryEndpointTest, TheOperatorsAuditorsAndReviewersReadButChangeNothing) {
  for (const Account* staff : {&auditor_, &reviewer_}) {
    EXPECT_EQ(get("/v1/organisations/" + b_org_, staff->key).status, 200U);
    EXPECT_EQ(get("/v1/users/" + b_.user, staff->key).status, 200U);
    EXPECT_EQ(get("/v1/accreditations/" + b_acc_, staff->key).status, 200U);
    EXPECT_EQ(ids_of(json(get("/v1/keys?user=" + b_.user, staff->key))["items"]),
              std::vector<std::string>{b_.key_id});
    const rapidjson::Document view = json(get("/v1/organisations/" + a_org_, staff->key));
    EXPECT_EQ(view["users"].Size(), 2U);
    EXPECT_EQ(view["keys"].Size(), 2U);
  }
  const std::size_t logged = audit_records().size();
  const std::vector<std::pair<std::string, std::string>> changes = {
      {"/v1/organisations", R"({"name":"Audit Corp"})"},
      {"/v1/users", R"({"organisation":")" + b_org_ + R"(","email":"carl@beta.example"})"},
      {"/v1/accreditations",
       R"({"organisation":")" + b_org_ +
           R"(","group":"cert","authority":"FIRST","valid_until":"2030-01-01T00:00:00Z"})"},
      {"/v1/accreditations/" + b_acc_ + "/suspend", R"({"reason":"looks odd"})"},
      {"/v1/accreditations/" + b_acc_ + "/revoke", R"({"reason":"looks odd"})"},
      {"/v1/keys", R"({"user":")" + b_.user + R"("})"},
      {"/v1/keys/" + b_.key_id + "/revoke", R"({"reason":"looks odd"})"},
      {"/v1/organisations/" + b_org_ + "/registrar", R"({"registrar_iana_id":1234,"reason":"looks odd"})"},
  };
  for (const Account* staff : {&auditor_, &reviewer_}) {
    for (const auto& [target, body] : changes) {
      const Response response = post(target, staff->key, body);
      EXPECT_EQ(response.status, 403U) << target;
    }
  }
  EXPECT_EQ(audit_records().size(), logged);
  EXPECT_EQ(get("/v1/me", b_.key).status, 200U);
}

TEST_F(DirectoryEndpointTest, AnotherTenantsIdsReadAsNotFound) {
  // What A asks of B's objects, and of objects that do not exist: the same answer.
  const auto not_found = [&](const Response& theirs, const Response& none) {
    EXPECT_EQ(theirs.status, 404U) << theirs.body;
    EXPECT_EQ(none.status, 404U) << none.body;
    EXPECT_THAT(theirs.body, Not(HasSubstr("Beta")));
    EXPECT_THAT(theirs.body, Not(HasSubstr(b_.email)));
  };
  not_found(get("/v1/organisations/" + b_org_, a_.key),
            get("/v1/organisations/org_aaaaaaaaaaaaaaaa", a_.key));
  not_found(get("/v1/users/" + b_.user, a_.key), get("/v1/users/usr_aaaaaaaaaaaaaaaa", a_.key));
  not_found(get("/v1/accreditations/" + b_acc_, a_.key),
            get("/v1/accreditations/acc_aaaaaaaaaaaaaaaa", a_.key));
  not_found(get("/v1/keys?user=" + b_.user, a_.key), get("/v1/keys?user=usr_aaaaaaaaaaaaaaaa", a_.key));
  not_found(post("/v1/keys", a_.key, R"({"user":")" + b_.user + R"("})"),
            post("/v1/keys", a_.key, R"({"user":"usr_aaaaaaaaaaaaaaaa"})"));
  not_found(post("/v1/keys/" + b_.key_id + "/revoke", a_.key, R"({"reason":"mine now"})"),
            post("/v1/keys/key_aaaaaaaaaaaaaaaa/revoke", a_.key, R"({"reason":"mine now"})"));
  EXPECT_EQ(detail(get("/v1/users/" + b_.user, a_.key)), "no user " + b_.user);
  // B's key still works, and B has no key A made.
  EXPECT_EQ(get("/v1/me", b_.key).status, 200U);
  EXPECT_EQ(ids_of(json(get("/v1/keys", b_.key))["items"]), std::vector<std::string>{b_.key_id});

  // Within its own organisation a requestor sees itself only: not a2, nor a2's keys.
  not_found(get("/v1/users/" + a2_.user, a_.key), get("/v1/users/usr_bbbbbbbbbbbbbbbb", a_.key));
  not_found(post("/v1/keys/" + a2_.key_id + "/revoke", a_.key, "{}"),
            post("/v1/keys/key_bbbbbbbbbbbbbbbb/revoke", a_.key, "{}"));
  EXPECT_EQ(get("/v1/me", a2_.key).status, 200U);
  const rapidjson::Document own = json(get("/v1/organisations/" + a_org_, a_.key));
  EXPECT_EQ(ids_of(own["users"]), std::vector<std::string>{a_.user});
  EXPECT_EQ(ids_of(own["keys"]), std::vector<std::string>{a_.key_id});
  EXPECT_EQ(ids_of(own["accreditations"]), std::vector<std::string>{a_acc_});
  // Its list of organisations is itself.
  EXPECT_EQ(ids_of(json(get("/v1/organisations", a_.key))["items"]), std::vector<std::string>{a_org_});
  EXPECT_EQ(json(get("/v1/organisations?after=" + a_org_, a_.key))["items"].Size(), 0U);
}

TEST_F(DirectoryEndpointTest, BadInputIs400AndNamesTheMember) {
  const auto bad = [&](const std::string& target, const std::string& body, const std::string& names) {
    const Response response = post(target, admin_.key, body);
    EXPECT_EQ(response.status, 400U) << target << " " << body << " " << response.body;
    EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
    EXPECT_THAT(detail(response), HasSubstr(names)) << body;
  };
  bad("/v1/organisations", R"({"name":)", "not JSON");
  bad("/v1/organisations", "", "not JSON");
  bad("/v1/organisations", R"(["name"])", "JSON object");
  bad("/v1/organisations", R"({"name":"X","colour":"red"})", "Unknown member \"colour\"");
  bad("/v1/organisations", R"({"name":5})", "\"name\" must be a string");
  bad("/v1/organisations", R"({"kind":"requestor"})", "\"name\" is required");
  bad("/v1/organisations", R"({"name":""})", "name");
  bad("/v1/organisations", R"({"name":"X","kind":"bank"})", "kind");
  bad("/v1/organisations", R"({"name":"X","country":"nl"})", "country");
  bad("/v1/organisations", R"({"name":"X","reason":")" + std::string(501, 'r') + R"("})", "reason");

  const std::string org = R"("organisation":")" + a_org_ + R"(",)";
  bad("/v1/users", "{" + org + R"("email":"not-an-address"})", "email");
  bad("/v1/users", "{" + org + R"("email":["x@y.example"]})", "\"email\" must be a string");
  bad("/v1/users", "{" + org + R"("email":"x@y.example","roles":"requestor"})", "\"roles\" must be an array");
  bad("/v1/users", "{" + org + R"("email":"x@y.example","roles":["king"]})", "roles");
  bad("/v1/users", "{" + org + R"("email":"x@y.example","roles":["administrator"]})", "requestor");
  bad("/v1/users", "{" + org + R"("email":"x@y.example","oidc_issuer":"https://id.example"})", "subject");
  bad("/v1/users",
      "{" + org + R"("email":"x@y.example","oidc_issuer":"ftp://id.example","oidc_subject":"x"})", "issuer");
  EXPECT_EQ(post("/v1/users", admin_.key, R"({"organisation":"org_aaaaaaaaaaaaaaaa","email":"x@y.example"})")
                .status,
            404U);

  const std::string acc = R"("organisation":")" + a_org_ + R"(","group":"cert","authority":"FIRST",)";
  bad("/v1/accreditations", "{" + acc + R"("valid_until":"next year"})",
      "\"valid_until\" must be an RFC 3339");
  bad("/v1/accreditations", "{" + acc + R"("valid_until":"2027-13-01T00:00:00Z"})", "valid_until");
  bad("/v1/accreditations",
      "{" + acc + R"("valid_from":"2026-02-30T00:00:00Z","valid_until":"2027-01-01T00:00:00Z"})",
      "valid_from");
  bad("/v1/accreditations", "{" + acc + R"("valid_until":5})", "\"valid_until\" must be a string");
  bad("/v1/accreditations", "{" + acc + R"("reason":"x"})", "\"valid_until\" is required");
  bad("/v1/accreditations",
      "{" + acc + R"("valid_from":"2027-01-01T00:00:00Z","valid_until":"2026-06-01T00:00:00Z"})",
      "valid_until");
  bad("/v1/accreditations",
      R"({"organisation":")" + a_org_ +
          R"(","group":"plumber","authority":"FIRST","valid_until":"2027-01-01T00:00:00Z"})",
      "group");
  bad("/v1/accreditations", "{" + acc + R"("valid_until":"2027-01-01T00:00:00Z","purposes":["notAPurpose"]})",
      "purpose");
  bad("/v1/accreditations",
      "{" + acc + R"("valid_until":"2027-01-01T00:00:00Z","purposes":"technicalIssueResolution"})",
      "\"purposes\" must be an array");
  bad("/v1/accreditations",
      "{" + acc + R"j("valid_until":"2027-01-01T00:00:00Z","lawful_bases":["6(1)(z)"]})j", "lawful bas");
  bad("/v1/accreditations",
      R"({"organisation":")" + staff_org_ +
          R"(","group":"cert","authority":"FIRST","valid_until":"2027-01-01T00:00:00Z"})",
      "requestor organisations");

  bad("/v1/accreditations/" + a_acc_ + "/suspend", "", "not JSON");
  bad("/v1/accreditations/" + a_acc_ + "/suspend", "{}", "\"reason\" is required");
  bad("/v1/accreditations/" + a_acc_ + "/suspend", R"({"reason":7})", "\"reason\" must be a string");
  bad("/v1/accreditations/" + a_acc_ + "/suspend", R"({"reason":"x","until":"never"})", "Unknown member");
  bad("/v1/keys", R"({"expires":"2026-02-01T00:00:00Z"})", "expires");
  bad("/v1/keys", R"({"expires":"soon"})", "\"expires\" must be an RFC 3339");
  bad("/v1/keys", R"({"user":5})", "\"user\" must be a string");
  EXPECT_EQ(get("/v1/accreditations/" + a_acc_, admin_.key).status, 200U);  // nothing changed it
}

// Runs `work` on a thread with a stack of `bytes`, as small as a server's worker thread may have (musl's
// default is 128 KiB; glibc's follows `ulimit -s`).
template <typename Work>
void on_stack_of(std::size_t bytes, Work work) {
  pthread_attr_t attributes;
  ASSERT_EQ(pthread_attr_init(&attributes), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attributes, bytes), 0);
  pthread_t thread;
  const auto run = [](void* argument) -> void* {
    (*static_cast<Work*>(argument))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attributes, run, &work), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attributes);
}

TEST_F(DirectoryEndpointTest, ABodyNestedAsDeepAsTheBodyLimitAllowsIs400NotACrash) {
  // 64 KiB (the server's body limit) of '[': a parser that recursed per level would run off the stack of
  // the worker thread, and one requestor would end the server for everyone.
  const std::string deep(std::size_t{64} * 1024, '[');
  on_stack_of(std::size_t{1} << 20U, [&] {
    for (const auto& [target, key] : {std::pair{std::string("/v1/keys"), a_.key},
                                      std::pair{std::string("/v1/policy/explain"), admin_.key}}) {
      const Response response = post(target, key, deep);
      EXPECT_EQ(response.status, 400U) << target;
      EXPECT_THAT(detail(response), HasSubstr("not JSON")) << target;
    }
  });
}

TEST_F(DirectoryEndpointTest, AnUnknownMemberIsNamedInWholeCharactersOnly) {
  // 63 ASCII letters and a two-byte character across the 64 bytes the detail keeps of the name.
  const std::string name = std::string(63, 'n') + "\xc3\xa9";
  const Response response = post("/v1/keys", a_.key, "{\"" + name + "\":1}");
  EXPECT_EQ(response.status, 400U);
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(response.body.c_str(), response.body.size());
  EXPECT_FALSE(document.HasParseError()) << "not UTF-8: " << response.body;
  EXPECT_THAT(detail(response), HasSubstr("Unknown member \"" + std::string(63, 'n') + "\""));
}

TEST_F(DirectoryEndpointTest, AMoveTheStatusDoesNotAllowIs409) {
  EXPECT_EQ(post("/v1/accreditations/" + a_acc_ + "/reinstate", admin_.key, R"({"reason":"x"})").status,
            409U);
  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/revoke", admin_.key, R"({"reason":"fraud"})").status,
            200U);
  const Response suspend = post("/v1/accreditations/" + a_acc_ + "/suspend", admin_.key, R"({"reason":"x"})");
  EXPECT_EQ(suspend.status, 409U);
  EXPECT_THAT(detail(suspend), HasSubstr("revoked"));
  EXPECT_EQ(post("/v1/accreditations/" + a_acc_ + "/revoke", admin_.key, R"({"reason":"x"})").status, 409U);
  EXPECT_EQ(post("/v1/accreditations/acc_aaaaaaaaaaaaaaaa/revoke", admin_.key, R"({"reason":"x"})").status,
            404U);

  ASSERT_EQ(post("/v1/keys/" + a_.key_id + "/revoke", a_.key, "").status, 200U);
  const Response again = post("/v1/keys/" + a_.key_id + "/revoke", admin_.key, R"({"reason":"again"})");
  EXPECT_EQ(again.status, 409U);
  EXPECT_THAT(detail(again), HasSubstr("revoked already"));
}

TEST_F(DirectoryEndpointTest, AnotherMethodIs405WithAllow) {
  const auto refused = [&](const std::string& method, const std::string& target, const std::string& allow) {
    const Response response = send(request(method, target, admin_.key));
    EXPECT_EQ(response.status, 405U) << method << " " << target;
    EXPECT_EQ(response.header("Allow"), allow) << method << " " << target;
  };
  refused("POST", "/v1/me", "GET, HEAD");
  refused("DELETE", "/v1/organisations", "GET, HEAD, POST");
  refused("PUT", "/v1/organisations/" + a_org_, "GET, HEAD");
  refused("GET", "/v1/users", "POST");
  refused("DELETE", "/v1/users/" + a_.user, "GET, HEAD");
  refused("GET", "/v1/accreditations", "POST");
  refused("PATCH", "/v1/accreditations/" + a_acc_, "GET, HEAD");
  refused("GET", "/v1/accreditations/" + a_acc_ + "/suspend", "POST");
  refused("PATCH", "/v1/organisations/" + a_org_ + "/registrar", "POST");
  refused("GET", "/v1/accreditations/" + a_acc_ + "/revoke", "POST");
  refused("PUT", "/v1/keys", "GET, HEAD, POST");
  refused("GET", "/v1/keys/" + a_.key_id + "/revoke", "POST");
  refused("GET", "/v1/policy/explain", "POST");
  // Credentials are checked first.
  const Response anonymous = send(request("DELETE", "/v1/me"));
  EXPECT_EQ(anonymous.status, 401U);
  EXPECT_EQ(anonymous.header("WWW-Authenticate"), "Bearer");
  // Paths that are not resources.
  for (const std::string& target :
       std::vector<std::string>{"/v1/accreditations/" + a_acc_ + "/renew", "/v1/keys/" + a_.key_id,
                                "/v1/users/" + a_.user + "/keys", std::string("/v1/organisations/a/b/c/d"),
                                std::string("/v1/nothing")}) {
    EXPECT_EQ(get(target, admin_.key).status, 404U) << target;
  }
}

// Issue 14: requests with a valid key are not counted in the anonymous bucket; anonymous requests are,
// and so are failed credential checks in a bucket of their own. Both refusals are 429 with Retry-After, as
// the OpenAPI document says.
TEST_F(DirectoryEndpointTest, OnlyAnonymousRequestsAndFailedCredentialChecksAreRateLimited) {
  abuse::RateLimiter tight(clock_, 1, 1);
  abuse::RateLimiter health(clock_, 0, 100);
  abuse::RateLimiter failures(clock_, 1.0 / 60, 2);  // one a minute, two at once
  const Router limited = make_routes({.rdap = *rdap_,
                                      .readiness = *readiness_,
                                      .limiter = tight,
                                      .health_limiter = health,
                                      .credential_failures = failures,
                                      .directory = &*directory_endpoint_,
                                      .policy = &*policy_endpoint_});
  for (const Request& asked :
       {request("GET", "/v1/me", a_.key),
        request("POST", "/v1/keys", a_.key, R"({"expires":"2026-06-01T00:00:00Z"})"),
        request("POST", "/v1/policy/explain", admin_.key, R"({"domain":"natural.test"})")}) {
    for (int i = 0; i < 3; ++i) EXPECT_LT(limited.handle(asked).status, 300U) << asked.target;
  }
  const Request anonymous = request("GET", "/v1/me");
  EXPECT_EQ(limited.handle(anonymous).status, 401U);  // the anonymous bucket's one token
  const Response slow_down = limited.handle(anonymous);
  EXPECT_EQ(slow_down.status, 429U);
  EXPECT_EQ(slow_down.header("Retry-After"), "1");
  EXPECT_EQ(api_->check(anonymous, slow_down), "");
  const Request forged = request("GET", "/v1/me", "not-a-key-of-this-server");
  EXPECT_EQ(limited.handle(forged).status, 401U);
  EXPECT_EQ(limited.handle(forged).status, 401U);
  const Response refused = limited.handle(forged);
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(refused.header("Retry-After"), "60");  // one failure a minute
  EXPECT_EQ(api_->check(forged, refused), "");
}

TEST_F(DirectoryEndpointTest, EveryChangeIsInTheAuditLogWithWhoAndWhyAndNoEmail) {
  const std::size_t before = audit_records().size();
  const std::string org =
      json(post("/v1/organisations", admin_.key, R"({"name":"Delta Labs","reason":"ticket 17"})"))["id"]
          .GetString();
  const std::string user =
      json(post("/v1/users", admin_.key,
                R"({"organisation":")" + org +
                    R"(","email":"dora@delta.example","oidc_issuer":"https://id.delta.example",)"
                    R"("oidc_subject":"dora-subject-8841","reason":"ticket 18"})"))["id"]
          .GetString();
  const std::string acc = json(post(
      "/v1/accreditations", admin_.key,
      R"({"organisation":")" + org +
          R"(","group":"researcher","authority":"NREN","valid_until":"2027-01-01T00:00:00Z","reason":"ticket 19"})"))
                              ["id"]
                                  .GetString();
  ASSERT_EQ(post("/v1/accreditations/" + acc + "/suspend", admin_.key, R"({"reason":"ticket 20"})").status,
            200U);
  ASSERT_EQ(post("/v1/accreditations/" + acc + "/reinstate", admin_.key, R"({"reason":"ticket 21"})").status,
            200U);
  ASSERT_EQ(post("/v1/accreditations/" + acc + "/revoke", admin_.key, R"({"reason":"ticket 22"})").status,
            200U);
  const std::string admin_key =
      json(post("/v1/keys", admin_.key, R"({"user":")" + user + R"(","reason":"ticket 23"})"))["id"]
          .GetString();
  ASSERT_EQ(post("/v1/keys/" + admin_key + "/revoke", admin_.key, R"({"reason":"ticket 24"})").status, 200U);
  const std::string own_key =
      json(post("/v1/keys", a_.key, R"({"reason":"ticket 25","expires":"2026-06-01T00:00:00Z"})"))["id"]
          .GetString();
  ASSERT_EQ(post("/v1/keys/" + own_key + "/revoke", a_.key, R"({"reason":"ticket 26"})").status, 200U);

  struct Expected {
    std::string action, actor_kind, actor_id, object_kind, object_id, reason;
  };
  const std::vector<Expected> expected = {
      {"requestor.organisation.add", "operator", admin_.user, "organisation", org, "ticket 17"},
      {"requestor.user.add", "operator", admin_.user, "user", user, "ticket 18"},
      {"requestor.accreditation.add", "operator", admin_.user, "accreditation", acc, "ticket 19"},
      {"requestor.accreditation.suspend", "operator", admin_.user, "accreditation", acc, "ticket 20"},
      {"requestor.accreditation.reinstate", "operator", admin_.user, "accreditation", acc, "ticket 21"},
      {"requestor.accreditation.revoke", "operator", admin_.user, "accreditation", acc, "ticket 22"},
      {"requestor.key.create", "operator", admin_.user, "credential", admin_key, "ticket 23"},
      {"requestor.key.revoke", "operator", admin_.user, "credential", admin_key, "ticket 24"},
      {"requestor.key.create", "requestor", a_.user, "credential", own_key, "ticket 25"},
      {"requestor.key.revoke", "requestor", a_.user, "credential", own_key, "ticket 26"},
  };
  const std::vector<audit::Entry> entries = audit_entries();
  ASSERT_EQ(entries.size(), before + expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const audit::Entry& entry = entries[before + i];
    const Expected& want = expected[i];
    EXPECT_EQ(entry.action, want.action) << i;
    EXPECT_EQ(entry.actor, (audit::Actor{want.actor_kind, want.actor_id})) << i;
    EXPECT_EQ(entry.object, (audit::Object{want.object_kind, want.object_id})) << i;
    const auto reason = std::find_if(entry.detail.begin(), entry.detail.end(),
                                     [](const auto& pair) { return pair.first == "reason"; });
    ASSERT_NE(reason, entry.detail.end()) << i;
    EXPECT_EQ(reason->second, want.reason) << i;
    EXPECT_EQ(entry.time, clock_.now());
  }
  // No email address or OpenID Connect subject in any entry's encoding, the set-up's included.
  std::vector<std::string> addresses = emails();
  addresses.emplace_back("dora@delta.example");
  addresses.emplace_back("dora-subject-8841");
  for (const store::AuditRecord& record : audit_records()) {
    for (const std::string& address : addresses) {
      EXPECT_EQ(record.encoding.find(address), std::string::npos) << record.action;
    }
  }
}

TEST_F(DirectoryEndpointTest, ASuspensionStopsTheVeryNextRdapQueryWithAPurpose) {
  const std::string lookup = "/rdap/domain/natural.test?farv1_qp=technicalIssueResolution";
  const Response before = get(lookup, a_.key);
  ASSERT_EQ(before.status, 200U) << before.body;
  EXPECT_THAT(before.body, HasSubstr("Nadia Natural"));  // seed 000: the registrant's name, disclosed

  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/suspend", admin_.key, R"({"reason":"abuse report 4711"})")
                .status,
            200U);
  const Response after = get(lookup, a_.key);
  EXPECT_EQ(after.status, 403U);
  EXPECT_EQ(after.header("Content-Type"), "application/rdap+json");
  EXPECT_THAT(after.body, HasSubstr("suspended"));
  EXPECT_THAT(after.body, Not(HasSubstr("ldhName")));
  EXPECT_THAT(after.body, Not(HasSubstr("natural.test")));
  for (const std::string& value : testing::natural_person_values()) {
    EXPECT_THAT(after.body, Not(HasSubstr(value))) << value;
  }
  // B, accredited apart, is untouched.
  EXPECT_EQ(get(lookup, b_.key).status, 200U);
  ASSERT_EQ(
      post("/v1/accreditations/" + a_acc_ + "/reinstate", admin_.key, R"({"reason":"resolved"})").status,
      200U);
  EXPECT_EQ(get(lookup, a_.key).status, 200U);
  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/revoke", admin_.key, R"({"reason":"fraud"})").status,
            200U);
  const Response revoked = get(lookup, a_.key);
  EXPECT_EQ(revoked.status, 403U);
  EXPECT_THAT(revoked.body, HasSubstr("revoked"));
  EXPECT_THAT(revoked.body, Not(HasSubstr("Nadia Natural")));
}

// A suspended credential (issue 14; written to the store as the abuse monitor will): shown on /v1 as the
// OpenAPI document describes it, refused on RDAP and /v1 with 403 until the suspension is lifted.
TEST_F(DirectoryEndpointTest, ASuspendedKeyIsShownSuspendedAndRefusedUntilLifted) {
  const auto suspend_key = [&](std::optional<Timestamp> since) {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(
        work->requestors().set_api_key_suspension(a_.key_id, since, "case abc_7: enumeration").has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  };
  const auto key_of_a = [&] {
    const rapidjson::Document keys = json(get("/v1/keys?user=" + a_.user, admin_.key));
    for (const auto& key : keys["items"].GetArray()) {
      if (std::string(key["id"].GetString()) == a_.key_id) return std::string(key["status"].GetString());
    }
    return std::string("missing");
  };
  const std::string lookup = "/rdap/domain/natural.test?farv1_qp=technicalIssueResolution";
  suspend_key(testing::at("2026-03-01T00:00:00Z"));
  EXPECT_EQ(key_of_a(), "suspended");
  EXPECT_THAT(get("/v1/keys?user=" + a_.user, admin_.key).body,
              HasSubstr(R"("suspended":"2026-03-01T00:00:00Z","suspend_reason":"case abc_7: enumeration")"));
  const Response me = get("/v1/me", a_.key);
  EXPECT_EQ(me.status, 403U);
  EXPECT_THAT(detail(me), HasSubstr("suspended"));
  EXPECT_THAT(detail(me), Not(HasSubstr("abc_7")));
  const Response rdap = get(lookup, a_.key);
  EXPECT_EQ(rdap.status, 403U);
  EXPECT_THAT(rdap.body, Not(HasSubstr("Nadia Natural")));

  suspend_key(std::nullopt);
  EXPECT_EQ(key_of_a(), "active");
  EXPECT_EQ(get("/v1/me", a_.key).status, 200U);
  EXPECT_EQ(get(lookup, a_.key).status, 200U);

  // A key revoked while suspended reads revoked, and still shows the suspension.
  suspend_key(testing::at("2026-03-01T00:00:00Z"));
  const Response revoked = post("/v1/keys/" + a_.key_id + "/revoke", admin_.key, R"({"reason":"scraper"})");
  ASSERT_EQ(revoked.status, 200U) << revoked.body;
  EXPECT_EQ(std::string(json(revoked)["status"].GetString()), "revoked");
  EXPECT_EQ(std::string(json(revoked)["suspended"].GetString()), "2026-03-01T00:00:00Z");
}

TEST_F(DirectoryEndpointTest, AUserWhoseTokensAreSuspendedShowsSinceWhenAndItsKeysStillWork) {
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(
        work->requestors().set_tokens_suspension(a_.user, testing::at("2026-03-01T00:00:00Z")).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  const Response user = get("/v1/users/" + a_.user, admin_.key);
  ASSERT_EQ(user.status, 200U);
  EXPECT_EQ(std::string(json(user)["tokens_suspended"].GetString()), "2026-03-01T00:00:00Z");
  EXPECT_FALSE(json(get("/v1/users/" + b_.user, admin_.key)).HasMember("tokens_suspended"));
  EXPECT_EQ(get("/v1/me", a_.key).status, 200U);
}

TEST_F(DirectoryEndpointTest, AContactLookedUpByItsHandleShowsNoFieldItsDomainsLookupWithholds) {
  // bil1, a legal person, is billing.test's billing contact: its handle is public, and the person at it
  // (name, email, phone) is personal data. Seed 000 gives a network operator the registrant's, the
  // administrative and the technical contact's, and refuses the billing contact's (seed-000-minimisation).
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(
        work->registrations().put_contact(testing::person("bil1", "Bill Legal", model::PersonType::legal)));
    model::Domain billing = testing::sample_domain("billing.test", "D11-TEST");
    billing.contacts = {{model::ContactRole::registrant, "leg1"}, {model::ContactRole::billing, "bil1"}};
    ASSERT_TRUE(work->registrations().put_domain(billing));
    ASSERT_TRUE(work->commit(clock_.now()));
  }
  clock_.advance(std::chrono::seconds(2));
  const std::vector<std::string> personal = {"Bill Legal", "bil1@mail.example"};

  const Response domain = get("/rdap/domain/billing.test?farv1_qp=technicalIssueResolution", a_.key);
  ASSERT_EQ(domain.status, 200U) << domain.body;
  EXPECT_THAT(domain.body, HasSubstr("\"bil1\""));  // the handle, published
  for (const std::string& value : personal) EXPECT_THAT(domain.body, Not(HasSubstr(value))) << value;

  const std::size_t logged = audit_records().size();
  const Response contact = get("/rdap/entity/bil1?farv1_qp=technicalIssueResolution", a_.key);
  ASSERT_EQ(contact.status, 200U) << contact.body;
  for (const std::string& value : personal) EXPECT_THAT(contact.body, Not(HasSubstr(value))) << value;
  EXPECT_THAT(contact.body, HasSubstr(R"("name":{"type":"Registrant Name"})"));
  EXPECT_THAT(contact.body, HasSubstr("Not necessary for the stated purpose"));
  EXPECT_EQ(audit_records().size(), logged);  // nothing beyond the public's view: nothing disclosed
}

}  // namespace
}  // namespace ssad::http

namespace ssad::http {
namespace {

// A key a requestor makes itself expires within a year, and it holds at most ten in force: a stolen token
// or key cannot mint a credential that outlives it, nor an unbounded number of them.
TEST_F(DirectoryEndpointTest, ARequestorsOwnKeysExpireWithinAYearAndAreFewInForce) {
  EXPECT_EQ(post("/v1/keys", a_.key, R"({})").status, 400U);
  EXPECT_EQ(post("/v1/keys", a_.key, R"({"expires":"2028-03-02T00:00:00Z"})").status, 400U);
  std::size_t made = 0;
  for (int i = 0; i < 12; ++i) {
    const Response answer = post("/v1/keys", a_.key, R"({"expires":"2026-12-01T00:00:00Z"})");
    if (answer.status == 201U) {
      ++made;
    } else {
      EXPECT_EQ(answer.status, 409U);
    }
  }
  EXPECT_EQ(made, identity::kSelfServiceKeys - 1);  // its first key counts among them
  // An administrator is not bound by either.
  EXPECT_EQ(post("/v1/keys", admin_.key, R"({"user":")" + a_.user + R"("})").status, 201U);
}

}  // namespace
}  // namespace ssad::http

namespace ssad::http {
namespace {

// farv1_iss names the token's provider (RFC 9560 §6): a trusted provider other than the token's is 400.
TEST_F(DirectoryEndpointTest, Farv1IssMustNameTheTokensOwnProvider) {
  ASSERT_TRUE(directory_
                  ->add_user(audit::console_operator(),
                             {a_org_, "sso@alpha.example", "https://idp-one.example", "alpha-sso", 0}, "")
                  .has_value());
  const identity::Authenticator with_tokens(
      store_->requestors(), clock_, [](std::string_view token) -> Result<identity::VerifiedToken> {
        if (token == "token-of-one")
          return identity::VerifiedToken{"https://idp-one.example", "alpha-sso", {}, false};
        return fail(ErrorCode::unauthenticated, "The bearer token signature does not verify.");
      });
  RdapEndpoint endpoint(
      *service_, *version_, clock_,
      RdapEndpointOptions{.base_url = "https://rdap.example.test/rdap/",
                          .cache_bytes = 0,
                          .authenticator = &with_tokens,
                          .issuers = {"https://idp-one.example", "https://idp-two.example"}});
  const auto ask = [&](const std::string& issuer) {
    Request r =
        request("GET", "/rdap/domain/natural.test?farv1_qp=technicalIssueResolution&farv1_iss=" + issuer);
    r.headers.emplace_back("Authorization", "Bearer token-of-one");
    return endpoint.handle(r).status;
  };
  EXPECT_EQ(ask("https://idp-one.example"), 200U);
  EXPECT_EQ(ask("https://idp-two.example"), 400U);
  EXPECT_EQ(ask("https://idp-three.example"), 400U);
}

}  // namespace
}  // namespace ssad::http
