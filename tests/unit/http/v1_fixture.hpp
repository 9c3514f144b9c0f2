#pragma once
// The /v1 API in process, composed as `ssad serve` composes it (apps/ssad/main.cpp): one SQLite store
// holding the RDAP fixture's registrations and the requestor directory, the authenticator, RDAP with
// authorised lookups recorded in the audit log, the directory, policy and disclosure request endpoints,
// and the routes. Disclosure requests run on the fake clock with request_settings(), which a derived
// fixture overrides for a calendar or notifications (unit/http/requests_fixture.hpp).
//
// The directory is populated through identity::Directory as the console operator would:
// - the operator's staff organisation, with an administrator, an auditor and a reviewer;
// - requestor organisation A (a network operator, accredited by "ICANN AA") with users a and a2;
// - requestor organisation B (a CERT, accredited by "FIRST") with user b;
// each user with an API key. Requests carry `Authorization: Bearer KEY`, and every /v1/ response a test
// sees is checked against /v1/openapi.json (tests/support/openapi.hpp).
//
// Abuse monitoring is on, as `ssad serve` has it: RDAP and disclosure requests report each requestor's use
// to an abuse::Monitor with monitor_settings() (the defaults of [abuse], which a derived fixture overrides
// for lower thresholds), whose findings abuse::Enforcement carries out; /v1/abuse serves the cases. The
// monitor exchanges nothing with other nodes until a test calls monitor_->sync().

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "abuse/cases.hpp"
#include "abuse/enforcement.hpp"
#include "abuse/monitor.hpp"
#include "abuse/rate_limiter.hpp"
#include "abuse/settings.hpp"
#include "audit/log.hpp"
#include "cache/data_version.hpp"
#include "disclosure/requests.hpp"
#include "http/routes.hpp"
#include "identity/administration.hpp"
#include "identity/authenticator.hpp"
#include "identity/directory.hpp"
#include "policy/decision.hpp"
#include "rdap/service.hpp"
#include "subject/agents.hpp"
#include "subject/mailer.hpp"
#include "subject/proofs.hpp"
#include "subject/registrant_view.hpp"
#include "support/fake_clock.hpp"
#include "support/openapi.hpp"
#include "unit/rdap/rdap_fixture.hpp"

namespace ssad::http {

class V1ApiTest : public ::testing::Test {
 protected:
  // One user of the directory and the key it authenticates with.
  struct Account {
    std::string user;
    std::string email;
    std::string key_id;
    std::string key;
  };

  void SetUp() override {
    clock_.set_wall(testing::at("2026-03-01T00:00:00Z"));
    store_ = testing::open_rdap_fixture(dir_);
    version_.emplace(store_->registrations(), clock_, std::chrono::seconds(1));
    appender_.emplace(*store_);
    rdap::ServiceOptions options;
    options.cursor_key = "v1-api-test";
    options.clock = &clock_;
    options.audit = &*appender_;
    options.subjects = &store_->subjects();
    rdap::Settings rdap_settings;
    rdap_settings.terms_of_service_url = "https://www.example.test/rdap-terms";
    service_ =
        std::make_unique<rdap::Service>(store_->registrations(), *version_, rdap_settings, policy_, options);
    authenticator_.emplace(store_->requestors(), clock_);
    enforcement_.emplace(*store_, clock_, enforcement_settings());
    monitor_.emplace(*store_, clock_, monitor_settings(), &*enforcement_);
    abuse_cases_.emplace(*store_, *enforcement_, &*monitor_);
    abuse_endpoint_.emplace(*authenticator_, *abuse_cases_);
    rdap_.emplace(*service_, *version_, clock_,
                  RdapEndpointOptions{.base_url = "https://rdap.example.test/rdap/",
                                      .cache_bytes = std::size_t{1} << 20U,
                                      .authenticator = &*authenticator_,
                                      .monitor = &*monitor_});
    readiness_.emplace(store_->registrations(), *version_);
    directory_.emplace(*store_, policy_.policy(), clock_);
    administration_.emplace(*directory_, store_->requestors(), clock_);
    directory_endpoint_.emplace(*authenticator_, *administration_);
    policy_endpoint_.emplace(*authenticator_, store_->registrations(), policy_);
    audit_endpoint_.emplace(store_->audit_log(), std::nullopt, &*authenticator_, &*appender_, &clock_);
    requests_.emplace(*store_, clock_, policy_, request_settings());
    requests_endpoint_.emplace(*authenticator_, *requests_, rdap_settings, "https://rdap.example.test/rdap/",
                               &*monitor_);
    mailer_.emplace(subject_smtp(), clock_);
    proofs_.emplace(*store_, clock_, *mailer_, proof_settings());
    registrant_view_.emplace(*store_, clock_, policy_, "Example Registry", subject_lookup_delay());
    subject_limiter_.emplace(clock_, subject_per_address_per_hour() / 3600.0,
                             std::max(1.0, static_cast<double>(subject_per_address_per_hour())));
    agents_.emplace(*store_, clock_, *mailer_, subject::AgentSettings{});
    relay_.emplace(*store_, clock_, *mailer_, *agents_, subject::relay_settings(config::SubjectConfig{}));
    subject_endpoint_.emplace(SubjectEndpoint::Parts{.authenticator = *authenticator_,
                                                     .proofs = *proofs_,
                                                     .view = *registrant_view_,
                                                     .agents = *agents_,
                                                     .relay = *relay_,
                                                     .per_address = *subject_limiter_,
                                                     .clock = clock_,
                                                     .monitor = &*monitor_,
                                                     .failed_proofs = failed_proofs()});
    router_.emplace(make_routes({.rdap = *rdap_,
                                 .readiness = *readiness_,
                                 .limiter = limiter_,
                                 .health_limiter = health_limiter_,
                                 .credential_failures = credential_failures_,
                                 .audit = &*audit_endpoint_,
                                 .directory = &*directory_endpoint_,
                                 .policy = &*policy_endpoint_,
                                 .requests = &*requests_endpoint_,
                                 .abuse = &*abuse_endpoint_,
                                 .subject = &*subject_endpoint_}));
    const Response document = router_->handle(request("GET", "/v1/openapi.json"));
    ASSERT_EQ(document.status, 200U);
    api_.emplace(document.body);
    ASSERT_TRUE(api_->parsed());
    populate();
  }

  // The settings disclosure requests are composed with, as apps/ssad/cli.cpp's request_settings() builds
  // them from ssad.toml: its defaults, the terms of use at version kTermsVersion, the built-in calendar
  // (UTC weekdays), no email and no webhook. Called once, by SetUp().
  static constexpr const char* kTermsVersion = "2026-03";
  virtual disclosure::RequestSettings request_settings() {
    disclosure::RequestSettings settings;
    settings.submission.terms_version = kTermsVersion;
    return settings;
  }

  // Abuse monitoring's thresholds, as `ssad serve` builds them from an ssad.toml without [abuse]: the
  // shipped defaults. Called once, by SetUp().
  virtual abuse::MonitorSettings monitor_settings() {
    abuse::MonitorSettings settings = abuse::monitor_settings(config::AbuseConfig{});
    settings.node = "v1-api-test";
    return settings;
  }
  // What carrying out a case needs, likewise: no webhook, the default escalation. Called once, by SetUp().
  virtual abuse::EnforcementSettings enforcement_settings() {
    return abuse::enforcement_settings(config::AbuseConfig{});
  }

  // The registrant's side (issue 15): its mail server (none: no mail goes out), its proofs' settings (the
  // shipped defaults) and the per-address budget of challenge and verify calls (0: none). Called once, by
  // SetUp().
  virtual notify::SmtpSettings subject_smtp() { return {}; }
  virtual subject::ProofSettings proof_settings() { return subject::proof_settings(config::SubjectConfig{}); }
  virtual unsigned subject_per_address_per_hour() { return 0; }
  // How long an RDAP lookup waits before the registrant sees it (0: at once), and the budget of wrong codes
  // of every client together (none).
  virtual std::chrono::days subject_lookup_delay() { return std::chrono::days(0); }
  virtual abuse::RateLimiter* failed_proofs() { return nullptr; }

  // A request as the server hands it to the router.
  static Request request(std::string method, const std::string& target, const std::string& key = "",
                         std::string body = "") {
    Request r;
    r.method = std::move(method);
    r.target = target;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) r.query = target.substr(q + 1);
    r.headers = {{"Host", "rdap.example.test"}};
    if (!key.empty()) r.headers.emplace_back("Authorization", "Bearer " + key);
    if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    r.remote_address = "192.0.2.10";
    return r;
  }

  // Sends a request through the routes; a /v1/ answer must be what the OpenAPI document says.
  Response send(const Request& r) {
    Response response = transport_ ? transport_(r) : router_->handle(r);
    if (r.path.starts_with("/v1/")) {
      EXPECT_EQ(api_->check(r, response), "") << r.method << " " << r.target << " " << r.body;
    }
    return response;
  }
  Response get(const std::string& target, const std::string& key) {
    return send(request("GET", target, key));
  }
  Response post(const std::string& target, const std::string& key, std::string body) {
    return send(request("POST", target, key, std::move(body)));
  }

  static rapidjson::Document json(const Response& response) {
    rapidjson::Document doc;
    doc.Parse(response.body.c_str(), response.body.size());
    EXPECT_FALSE(doc.HasParseError()) << response.body;
    return doc;
  }
  // The problem's detail.
  static std::string detail(const Response& response) {
    const rapidjson::Document doc = json(response);
    return doc.IsObject() && doc.HasMember("detail") ? doc["detail"].GetString() : std::string();
  }

  // Every entry of the audit log, decoded.
  std::vector<audit::Entry> audit_entries() {
    std::vector<audit::Entry> entries;
    const auto head = store_->audit_log().head();
    EXPECT_TRUE(head.has_value());
    if (!head || head->size == 0) return entries;
    const auto records = store_->audit_log().entries(0, head->size);
    EXPECT_TRUE(records.has_value());
    if (!records) return entries;
    for (const store::AuditRecord& record : *records) {
      auto entry = audit::decode(record.encoding);
      EXPECT_TRUE(entry.has_value());
      if (entry) entries.push_back(std::move(*entry));
    }
    return entries;
  }
  std::vector<store::AuditRecord> audit_records() {
    const auto head = store_->audit_log().head();
    if (!head || head->size == 0) return {};
    return store_->audit_log().entries(0, head->size).value();
  }

  // A user in `org` with a key, made by the console operator.
  Account account(const std::string& org, const std::string& email, unsigned roles = 0) {
    identity::NewUser user;
    user.org_id = org;
    user.email = email;
    user.roles = roles;
    const auto made = directory_->add_user(audit::console_operator(), user, "test set-up");
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    const auto key = directory_->create_key(audit::console_operator(), made->id, std::nullopt, "test set-up");
    EXPECT_TRUE(key.has_value());
    return {made->id, email, key->record.id, key->key};
  }

  std::string organisation(const std::string& name, model::OrganisationKind kind) {
    const auto made =
        directory_->add_organisation(audit::console_operator(), {name, kind, ""}, "test set-up");
    EXPECT_TRUE(made.has_value());
    return made->id;
  }

  std::string accreditation(const std::string& org, const std::string& group, const std::string& authority) {
    identity::NewAccreditation in;
    in.org_id = org;
    in.group = group;
    in.authority = authority;
    in.valid_until = testing::at("2027-03-01T00:00:00Z");
    const auto made = directory_->add_accreditation(audit::console_operator(), in, "test set-up");
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().message);
    return made->id;
  }

  void populate() {
    staff_org_ = organisation("Example Registry", model::OrganisationKind::operator_staff);
    admin_ = account(staff_org_, "admin@registry.example", model::kRoleAdministrator);
    auditor_ = account(staff_org_, "auditor@registry.example", model::kRoleAuditor);
    reviewer_ = account(staff_org_, "reviewer@registry.example", model::kRoleReviewer);
    a_org_ = organisation("Alpha Networks", model::OrganisationKind::requestor);
    a_ = account(a_org_, "alice@alpha.example");
    a2_ = account(a_org_, "anton@alpha.example");
    a_acc_ = accreditation(a_org_, "network_operator", "ICANN AA");
    b_org_ = organisation("Beta CERT", model::OrganisationKind::requestor);
    b_ = account(b_org_, "bob@beta.example");
    b_acc_ = accreditation(b_org_, "cert", "FIRST");
  }

  // Every email address the directory holds: none may reach the audit log.
  std::vector<std::string> emails() const {
    return {admin_.email, auditor_.email, reviewer_.email, a_.email, a2_.email, b_.email};
  }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  // Set by a fixture that serves router_ on a real listener: send() then goes over the wire through it.
  std::function<Response(const Request&)> transport_;
  std::unique_ptr<store::Store> store_;
  policy::Settings policy_{model::Operator::registry};
  std::optional<cache::DataVersion> version_;
  std::optional<audit::Appender> appender_;
  std::unique_ptr<rdap::Service> service_;
  std::optional<identity::Authenticator> authenticator_;
  std::optional<abuse::Enforcement> enforcement_;
  std::optional<abuse::Monitor> monitor_;
  std::optional<abuse::Cases> abuse_cases_;
  std::optional<AbuseEndpoint> abuse_endpoint_;
  std::optional<RdapEndpoint> rdap_;
  std::optional<Readiness> readiness_;
  abuse::RateLimiter limiter_{clock_, 0, 100};
  abuse::RateLimiter health_limiter_{clock_, 0, 100};
  abuse::RateLimiter credential_failures_{clock_, 0, 100};
  std::optional<identity::Directory> directory_;
  std::optional<identity::Administration> administration_;
  std::optional<DirectoryEndpoint> directory_endpoint_;
  std::optional<PolicyEndpoint> policy_endpoint_;
  std::optional<AuditEndpoint> audit_endpoint_;
  std::optional<disclosure::Requests> requests_;
  std::optional<RequestsEndpoint> requests_endpoint_;
  std::optional<subject::SmtpMailer> mailer_;
  std::optional<subject::Proofs> proofs_;
  std::optional<subject::RegistrantView> registrant_view_;
  std::optional<subject::Agents> agents_;
  std::optional<subject::Relay> relay_;
  std::optional<abuse::RateLimiter> subject_limiter_;
  std::optional<SubjectEndpoint> subject_endpoint_;
  std::optional<Router> router_;
  std::optional<testing::OpenApi> api_;

  std::string staff_org_, a_org_, b_org_, a_acc_, b_acc_;
  Account admin_, auditor_, reviewer_, a_, a2_, b_;
};

}  // namespace ssad::http
