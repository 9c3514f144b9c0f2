// The registrant's side over HTTP (issue 15 items 1, 2, 5, 6; docs/subject.md): the V1 fixture served on a
// real listener on port 0, mail through a real SMTP server (tests/support/smtp_sink.py), the fake clock.
// natural.test's registrant is "nat1" (nat1@mail.example), its technical contact "tec1"; bücher.test has
// the same registrant. Requestor A is a network operator, B a CERT (unit/http/v1_fixture.hpp).

#include <algorithm>
#include <optional>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/server.hpp"
#include "support/smtp_sink.hpp"
#include "unit/http/requests_fixture.hpp"
#include "unit/property/wire_client.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SubjectTest : public RequestsApiTest {
 protected:
  void SetUp() override {
    RequestsApiTest::SetUp();
    if (HasFatalFailure()) return;
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.workers = 1;
    ServerHooks hooks;
    hooks.log_access = false;
    const Router& router = *router_;
    auto created = Server::create(options, [&router](const Request& r) { return router.handle(r); }, hooks);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    server_ = std::move(*created);
    server_->start_background();
    client_ = std::make_unique<testing::WireClient>(server_->port());
    transport_ = [this](const Request& r) { return client_->exchange(r); };
  }
  void TearDown() override {
    transport_ = nullptr;
    client_.reset();
    if (server_) server_->stop();
  }

  notify::SmtpSettings subject_smtp() override {
    notify::SmtpSettings smtp;
    smtp.url = sink_.url();
    smtp.from = "ssad@registry.example";
    smtp.starttls = notify::StartTls::off;
    smtp.timeout = std::chrono::seconds(20);
    return smtp;
  }
  unsigned subject_per_address_per_hour() override { return 100; }
  // The shipped defaults: lookups show after 30 days; 1000 wrong codes an hour from everyone together.
  std::chrono::days subject_lookup_delay() override {
    return std::chrono::days(config::SubjectConfig{}.lookup_delay_days);
  }
  abuse::RateLimiter* failed_proofs() override {
    const double budget = failed_proofs_per_hour();
    failed_proofs_.emplace(clock_, budget / 3600.0, budget);
    return &*failed_proofs_;
  }
  virtual double failed_proofs_per_hour() { return config::SubjectConfig{}.failed_proofs_per_hour; }

  Response challenge(const std::string& domain) {
    return post("/v1/subject/challenge", "", R"({"domain":")" + domain + R"("})");
  }
  Response verify(const std::string& domain, const std::string& code) {
    return post("/v1/subject/verify", "", R"({"domain":")" + domain + R"(","code":")" + code + R"("})");
  }
  // The next mail the server received, and the code in it.
  std::string next_code(const std::string& to) {
    const testing::ReceivedMail mail = sink_.next_message();
    EXPECT_EQ(mail.recipients, std::vector<std::string>{to});
    std::smatch found;
    const std::string text = mail.decoded_text;
    EXPECT_TRUE(std::regex_search(text, found, std::regex("The code is: ([0-9]{8})"))) << text;
    return found.size() > 1 ? found[1].str() : "";
  }
  // A registrant session for `domain`, proven with the emailed code: the token.
  std::string session(const std::string& domain, const std::string& email) {
    EXPECT_EQ(challenge(domain).status, 202U);
    const Response verified = verify(domain, next_code(email));
    EXPECT_EQ(verified.status, 200U) << verified.body;
    return verified.status == 200 ? json(verified)["token"].GetString() : "";
  }
  rapidjson::Document disclosures(const std::string& token) {
    const Response listed = get("/v1/subject/disclosures", token);
    EXPECT_EQ(listed.status, 200U) << listed.body;
    return json(listed);
  }
  // Files `filing` for `who` and returns the request's id.
  std::string file(const Account& who, const std::string& domain, const std::string& purpose,
                   std::vector<std::string> fields) {
    Filing filing;
    filing.domain = domain;
    filing.purpose = purpose;
    filing.fields = std::move(fields);
    return file_id(who, filing);
  }

  testing::SmtpSink sink_;
  std::optional<abuse::RateLimiter> failed_proofs_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<testing::WireClient> client_;
};

TEST_F(SubjectTest, TheEmailedCodeOpensASessionForThatDomainOnce) {
  const Response asked = challenge("Natural.TEST");
  ASSERT_EQ(asked.status, 202U) << asked.body;
  const testing::ReceivedMail mail = sink_.next_message();
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"nat1@mail.example"});
  EXPECT_EQ(mail.decoded_subject, "Your code for natural.test");
  std::smatch code;
  ASSERT_TRUE(std::regex_search(mail.decoded_text, code, std::regex("The code is: ([0-9]{8})")));

  const Response verified = verify("natural.test", code[1].str());
  ASSERT_EQ(verified.status, 200U) << verified.body;
  const std::string token = json(verified)["token"].GetString();
  EXPECT_EQ(std::string(json(verified)["domain"].GetString()), "natural.test");
  EXPECT_EQ(std::string(json(verified)["expires"].GetString()), "2026-03-01T00:30:00Z");
  const Response current = get("/v1/subject/session", token);
  ASSERT_EQ(current.status, 200U);
  EXPECT_EQ(std::string(json(current)["proof"].GetString()), "code");
  EXPECT_EQ(get("/v1/subject/disclosures", token).status, 200U);

  // Used once: the same code again fails, as a wrong one does.
  const Response again = verify("natural.test", code[1].str());
  EXPECT_EQ(again.status, 401U);
  EXPECT_EQ(detail(again), "The code is wrong, has expired or was used already.");
}

TEST_F(SubjectTest, TheAnswerIsTheSameWhetherOrNotTheDomainIsRegistered) {
  const Response unknown = challenge("nosuch.test");
  const Response known = challenge("natural.test");
  EXPECT_EQ(unknown.status, 202U);
  EXPECT_EQ(unknown.body, known.body);
  // Mail goes out in order: the first to arrive is natural.test's, so none went out for nosuch.test.
  EXPECT_EQ(sink_.next_message().decoded_subject, "Your code for natural.test");
  EXPECT_FALSE(sink_.has_message());
  const Response guessed = verify("nosuch.test", "12345678");
  EXPECT_EQ(guessed.status, 401U);
  EXPECT_EQ(detail(guessed), "The code is wrong, has expired or was used already.");
  EXPECT_EQ(challenge("not a name").status, 400U);
  EXPECT_EQ(verify("natural.test", "1234").status, 400U);
}

TEST_F(SubjectTest, WrongCodesCountAndKillTheCodeAfterFive) {
  EXPECT_EQ(challenge("natural.test").status, 202U);
  const std::string code = next_code("nat1@mail.example");
  const std::string wrong = code == "00000000" ? "00000001" : "00000000";
  EXPECT_EQ(verify("natural.test", wrong).status, 401U);
  EXPECT_EQ(verify("natural.test", code).status, 200U) << "one wrong try leaves the code alive";

  EXPECT_EQ(challenge("natural.test").status, 202U);
  const std::string second = next_code("nat1@mail.example");
  const std::string other = second == "00000000" ? "00000001" : "00000000";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(verify("natural.test", other).status, 401U);
  EXPECT_EQ(verify("natural.test", second).status, 401U) << "dead after five wrong codes";
}

TEST_F(SubjectTest, ACodeExpires) {
  EXPECT_EQ(challenge("natural.test").status, 202U);
  const std::string code = next_code("nat1@mail.example");
  clock_.advance(std::chrono::minutes(15));
  EXPECT_EQ(verify("natural.test", code).status, 401U);
}

TEST_F(SubjectTest, CodesAreLimitedPerDomainWhetherOrNotItIsRegistered) {
  for (const char* domain : {"natural.test", "nosuch.test"}) {
    for (int i = 0; i < 5; ++i) EXPECT_EQ(challenge(domain).status, 202U) << domain << " " << i;
    const Response refused = challenge(domain);
    EXPECT_EQ(refused.status, 429U) << domain;
    EXPECT_TRUE(refused.headers.end() != std::ranges::find_if(refused.headers, [](const auto& h) {
                  return h.first == "Retry-After";
                }));
  }
  clock_.advance(std::chrono::minutes(61));
  EXPECT_EQ(challenge("natural.test").status, 202U);
}

TEST_F(SubjectTest, OnlyAValidSessionTokenOpensTheRegistrantsViews) {
  const std::string token = session("natural.test", "nat1@mail.example");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(get("/v1/subject/disclosures", "").status, 401U);
  EXPECT_EQ(get("/v1/subject/disclosures", a_.key).status, 401U)
      << "an API key is not a registrant's session";
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(get("/v1/subject/disclosures", forged).status, 401U);
  EXPECT_EQ(get("/v1/requests", token).status, 401U) << "a session is no requestor credential";
  clock_.advance(std::chrono::minutes(30));
  EXPECT_EQ(get("/v1/subject/disclosures", token).status, 401U) << "expired";

  const std::string signed_in = session("natural.test", "nat1@mail.example");
  EXPECT_EQ(send(request("DELETE", "/v1/subject/session", signed_in)).status, 204U);
  EXPECT_EQ(get("/v1/subject/disclosures", signed_in).status, 401U) << "signed out";
}

TEST_F(SubjectTest, TheRegistrantSeesWhoGotItsDataButNotAHeldRequestUntilTheHoldEnds) {
  const std::string open_id = file(a_, "natural.test", "technicalIssueResolution", {"registrant.email"});
  Filing held;
  held.purpose = "technicalIssueResolution";
  held.fields = {"registrant.email", "registrant.phone"};
  held.confidentiality = {{"Art. 23 GDPR; order 2026/117", "2026-03-11T00:00:00Z"}};
  const std::string held_id = file_id(b_, held);
  ASSERT_EQ(act(held_id, "confidentiality", reviewer_, R"({"accept":true,"note":"A court order backs it."})")
                .status,
            200U);
  // An accredited RDAP lookup discloses the registrant's and the technical contact's data.
  ASSERT_EQ(get("/rdap/domain/natural.test?farv1_qp=technicalIssueResolution", b_.key).status, 200U);

  // At once: the request filed without a hold. The lookup waits 30 days (subject.lookup_delay_days), the
  // held request until its hold ends.
  const std::string token = session("natural.test", "nat1@mail.example");
  const rapidjson::Document seen = disclosures(token);
  ASSERT_EQ(seen["disclosures"].Size(), 1U);
  const rapidjson::Value& request = seen["disclosures"][0];
  EXPECT_EQ(std::string(request["source"].GetString()), "request");
  EXPECT_EQ(std::string(request["request"].GetString()), open_id);
  EXPECT_EQ(std::string(request["organisation"].GetString()), "Alpha Networks");
  EXPECT_EQ(std::string(request["user_group"].GetString()), "network_operator");
  EXPECT_EQ(std::string(request["purpose"].GetString()), "technicalIssueResolution");
  EXPECT_EQ(std::string(request["lawful_basis"].GetString()), "6(1)(f)");
  EXPECT_EQ(std::string(request["decided_by"].GetString()), "policy");
  EXPECT_EQ(request["fields"].Size(), 1U);
  EXPECT_EQ(std::string(request["retention"]["allowed"].GetString()), "incident+30d");
  std::string body = get("/v1/subject/disclosures", token).body;
  EXPECT_THAT(body, Not(HasSubstr(held_id)));
  EXPECT_THAT(body, Not(HasSubstr("alice@alpha.example")));

  // The hold ends: the held request appears; the lookup not yet.
  clock_.set_wall(testing::at("2026-03-11T00:00:00Z"));
  const std::string later = session("natural.test", "nat1@mail.example");
  body = get("/v1/subject/disclosures", later).body;
  EXPECT_THAT(body, HasSubstr(held_id));
  EXPECT_THAT(body, Not(HasSubstr(R"("source":"rdap")")));

  // 30 days after the lookup: it appears, with the registrant's fields only (the technical contact is
  // someone else).
  clock_.set_wall(testing::at("2026-03-31T00:00:01Z"));
  const std::string last = session("natural.test", "nat1@mail.example");
  const rapidjson::Document all = disclosures(last);
  ASSERT_EQ(all["disclosures"].Size(), 3U);
  const rapidjson::Value* found = nullptr;
  for (const auto& item : all["disclosures"].GetArray()) {
    if (std::string_view(item["source"].GetString()) == "rdap") found = &item;
  }
  ASSERT_NE(found, nullptr);
  const rapidjson::Value& lookup = *found;
  EXPECT_EQ(std::string(lookup["source"].GetString()), "rdap");
  EXPECT_EQ(std::string(lookup["organisation"].GetString()), "Beta CERT");
  EXPECT_EQ(std::string(lookup["user_group"].GetString()), "cert");
  EXPECT_GT(lookup["fields"].Size(), 0U);
  for (const auto& f : lookup["fields"].GetArray()) {
    EXPECT_TRUE(std::string_view(f.GetString()).starts_with("registrant.")) << f.GetString();
  }

  // Every view is audited, naming the session, never the registrant's address.
  std::size_t views = 0;
  for (const audit::Entry& entry : audit_entries()) {
    if (entry.action == "subject.disclosures") {
      ++views;
      EXPECT_EQ(entry.actor.kind, "subject");
      EXPECT_EQ(entry.object.id, "natural.test");
    }
  }
  EXPECT_EQ(views, 4U);
  for (const store::AuditRecord& record : audit_records()) {
    EXPECT_THAT(record.encoding, Not(HasSubstr("nat1@mail.example")));
  }
}

TEST_F(SubjectTest, NoRegistrantSeesAnotherDomainsDisclosures) {
  const std::string other = file(a_, "bücher.test", "technicalIssueResolution", {"registrant.email"});
  const std::string mine = file(b_, "natural.test", "technicalIssueResolution", {"registrant.email"});
  // The same person holds both: a session is for one domain all the same.
  const std::string natural = session("natural.test", "nat1@mail.example");
  std::string body = get("/v1/subject/disclosures", natural).body;
  EXPECT_THAT(body, HasSubstr(mine));
  EXPECT_THAT(body, Not(HasSubstr(other)));
  const std::string idn = session("bücher.test", "nat1@mail.example");
  body = get("/v1/subject/disclosures", idn).body;
  EXPECT_THAT(body, HasSubstr(other));
  EXPECT_THAT(body, Not(HasSubstr(mine)));
}

TEST_F(SubjectTest, ANewRegistrantDoesNotSeeWhatWasDisclosedAboutTheLastOne) {
  const std::string before = file(a_, "natural.test", "technicalIssueResolution", {"registrant.email"});
  ASSERT_EQ(get("/rdap/domain/natural.test?farv1_qp=technicalIssueResolution", b_.key).status, 200U);
  {
    auto work = store_->begin().value();
    model::Domain changed = store_->registrations().find_registration("natural.test").value().domain;
    for (auto& contact : changed.contacts) {
      if (contact.role == model::ContactRole::registrant) contact.handle = "con1";
    }
    ASSERT_TRUE(work->registrations().put_domain(changed).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  const std::string token = session("natural.test", "con1@mail.example");
  const rapidjson::Document seen = disclosures(token);
  EXPECT_EQ(seen["disclosures"].Size(), 0U) << before;
}

// A registrar's Change of Registrant often rewrites the contact object under its handle: the new holder
// is another data subject all the same (name, organisation or email changed).
TEST_F(SubjectTest, AContactRewrittenForANewHolderEndsTheSessionAndHidesTheLastOnesDisclosures) {
  const std::string before = file(a_, "natural.test", "technicalIssueResolution", {"registrant.email"});
  const std::string token = session("natural.test", "nat1@mail.example");
  ASSERT_EQ(disclosures(token)["disclosures"].Size(), 1U);
  ASSERT_EQ(challenge("natural.test").status, 202U);
  const std::string stale_code = next_code("nat1@mail.example");
  {
    auto work = store_->begin().value();
    model::Contact rewritten = store_->registrations().find_contact("nat1").value();
    rewritten.postal[0].name = "Bob Buyer";
    rewritten.email = "bob@buyer.example";
    ASSERT_TRUE(work->registrations().put_contact(rewritten).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  EXPECT_EQ(get("/v1/subject/disclosures", token).status, 401U) << "the session was the last holder's";
  // Nor does a code sent to the last holder prove anything now.
  EXPECT_EQ(verify("natural.test", stale_code).status, 401U);
  EXPECT_EQ(get("/v1/subject/report", token).status, 401U);
  const std::string buyer = session("natural.test", "bob@buyer.example");
  const rapidjson::Document seen = disclosures(buyer);
  EXPECT_EQ(seen["disclosures"].Size(), 0U) << before;
}

// Every wrong code counts against one budget of every client together: guessing across many domains from
// many addresses stays slow.
class SubjectGuessingTest : public SubjectTest {
 protected:
  double failed_proofs_per_hour() override { return 3; }
};

TEST_F(SubjectGuessingTest, WrongCodesFromEveryoneTogetherHaveABudget) {
  EXPECT_EQ(challenge("natural.test").status, 202U);
  const std::string code = next_code("nat1@mail.example");
  const std::string wrong = code == "00000000" ? "00000001" : "00000000";
  EXPECT_EQ(verify("legal.test", wrong).status, 401U);
  EXPECT_EQ(verify("consent.test", wrong).status, 401U);
  EXPECT_EQ(verify("unknown.test", wrong).status, 401U);
  const Response refused = verify("natural.test", code);
  EXPECT_EQ(refused.status, 429U);
  EXPECT_TRUE(std::ranges::any_of(refused.headers, [](const auto& h) { return h.first == "Retry-After"; }));
  clock_.advance(std::chrono::minutes(20));  // one wrong code's worth refilled (the code expired meanwhile)
  EXPECT_EQ(challenge("natural.test").status, 202U);
  EXPECT_EQ(verify("natural.test", next_code("nat1@mail.example")).status, 200U);
}

TEST_F(SubjectTest, TheArticle15ReportHoldsTheRegistrantsOwnDataAndWhoGotIt) {
  file(a_, "natural.test", "technicalIssueResolution", {"registrant.email"});
  const std::string token = session("natural.test", "nat1@mail.example");
  const Response report = get("/v1/subject/report", token);
  ASSERT_EQ(report.status, 200U) << report.body;
  EXPECT_THAT(report.body, HasSubstr("nat1@mail.example"));
  EXPECT_THAT(report.body, HasSubstr("Nadia Natural"));
  EXPECT_THAT(report.body,
              Not(HasSubstr("Tess Tech")));  // the technical contact's data is not the registrant's
  const rapidjson::Document doc = json(report);
  EXPECT_EQ(doc["disclosures"]["disclosures"].Size(), 1U);
  EXPECT_EQ(std::string(doc["controller"].GetString()), "Example Registry");

  Request page = request("GET", "/v1/subject/report?format=html", token);
  const Response html = send(page);
  ASSERT_EQ(html.status, 200U);
  EXPECT_THAT(html.body, HasSubstr("<h1>Personal data report (GDPR Art. 15) for natural.test</h1>"));
  EXPECT_THAT(html.body, HasSubstr("Alpha Networks"));
  std::size_t reports = 0;
  for (const audit::Entry& entry : audit_entries()) reports += entry.action == "subject.report" ? 1U : 0U;
  EXPECT_EQ(reports, 2U);
}

TEST_F(SubjectTest, TheSponsoringRegistrarIssuesItsCustomerASession) {
  // The fixture's registrar is IANA 1234; another registrar's organisation is 9999.
  const std::string sponsor = organisation("Example Registrar", model::OrganisationKind::requestor);
  ASSERT_TRUE(directory_->set_registrar(audit::console_operator(), sponsor, 1234, "test set-up").has_value());
  const Account desk = account(sponsor, "desk@registrar.example");
  const std::string other = organisation("Other Registrar", model::OrganisationKind::requestor);
  ASSERT_TRUE(directory_->set_registrar(audit::console_operator(), other, 9999, "test set-up").has_value());
  const Account stranger = account(other, "desk@other.example");

  const Response issued = post("/v1/subject/sessions", desk.key, R"({"domain":"natural.test"})");
  ASSERT_EQ(issued.status, 201U) << issued.body;
  const std::string token = json(issued)["token"].GetString();
  const Response current = get("/v1/subject/session", token);
  ASSERT_EQ(current.status, 200U);
  EXPECT_EQ(std::string(json(current)["proof"].GetString()), "registrar");
  EXPECT_EQ(get("/v1/subject/disclosures", token).status, 200U);
  EXPECT_FALSE(sink_.has_message()) << "no code is emailed";

  EXPECT_EQ(post("/v1/subject/sessions", stranger.key, R"({"domain":"natural.test"})").status, 403U);
  EXPECT_EQ(post("/v1/subject/sessions", a_.key, R"({"domain":"natural.test"})").status, 403U);
  EXPECT_EQ(post("/v1/subject/sessions", "", R"({"domain":"natural.test"})").status, 401U);
  EXPECT_EQ(post("/v1/subject/sessions", desk.key, R"({"domain":"nosuch.test"})").status, 404U);
  bool audited = false;
  for (const audit::Entry& entry : audit_entries()) {
    audited = audited || (entry.action == "subject.session" && entry.actor.id == desk.user &&
                          entry.object.id == "natural.test");
  }
  EXPECT_TRUE(audited);
}

class SubjectAgentTest : public SubjectTest {
 protected:
  // Designates an agent for natural.test with `token`: the answer token emailed to the agent.
  std::string designate(const std::string& token, const std::string& email = "soc@hoster.example") {
    const Response made =
        send(request("PUT", "/v1/subject/agent", token,
                     R"({"kind":"organisation","name":"Sam Soc","organization":"Hoster SOC",)"
                     R"("email":")" +
                         email + R"(","phone":"+32.21234567"})"));
    EXPECT_EQ(made.status, 201U) << made.body;
    EXPECT_EQ(std::string(json(made)["state"].GetString()), "pending");
    const testing::ReceivedMail mail = sink_.next_message();
    EXPECT_EQ(mail.recipients, std::vector<std::string>{email});
    std::smatch found;
    EXPECT_TRUE(
        std::regex_search(mail.decoded_text, found, std::regex("(ssad_agt_[a-z2-7]{16}_[0-9a-f]{64})")));
    EXPECT_THAT(mail.decoded_text, HasSubstr("I, Sam Soc (Hoster SOC), agree to act for the registrant of "
                                             "natural.test"));
    // The registrant on record is told.
    const testing::ReceivedMail notice = sink_.next_message();
    EXPECT_EQ(notice.recipients, std::vector<std::string>{"nat1@mail.example"});
    EXPECT_EQ(notice.decoded_subject, "An agent was named for natural.test");
    return found.size() > 1 ? found[1].str() : "";
  }
  static Request request_of(std::string method, const std::string& target, const std::string& key) {
    return request(std::move(method), target, key);
  }
  Response answer(const std::string& token, bool consent) {
    return post("/v1/subject/agent/answer", "",
                R"({"token":")" + token + R"(","consent":)" + (consent ? "true" : "false") + "}");
  }
};

TEST_F(SubjectAgentTest, AnAgentIsDesignatedConsentsAndCanBeWithdrawnOrDecline) {
  const std::string token = session("natural.test", "nat1@mail.example");
  const std::string invitation = designate(token);
  ASSERT_FALSE(invitation.empty());
  const Response consented = answer(invitation, true);
  ASSERT_EQ(consented.status, 200U) << consented.body;
  EXPECT_EQ(std::string(json(consented)["state"].GetString()), "active");
  EXPECT_EQ(std::string(json(consented)["consented"].GetString()), "2026-03-01T00:00:00Z");

  const Response listed = get("/v1/subject/agent", token);
  ASSERT_EQ(listed.status, 200U);
  EXPECT_EQ(json(listed)["items"].Size(), 1U);

  // Withdrawn by the registrant: the agent's token no longer answers.
  const Response withdrawn = send(request("DELETE", "/v1/subject/agent", token));
  ASSERT_EQ(withdrawn.status, 200U) << withdrawn.body;
  EXPECT_EQ(std::string(json(withdrawn)["state"].GetString()), "withdrawn");
  EXPECT_EQ(answer(invitation, false).status, 401U);
  EXPECT_EQ(send(request("DELETE", "/v1/subject/agent", token)).status, 404U);

  // Declined by the agent, after consenting.
  const std::string second = designate(token);
  ASSERT_EQ(answer(second, true).status, 200U);
  const Response declined = answer(second, false);
  ASSERT_EQ(declined.status, 200U);
  EXPECT_EQ(std::string(json(declined)["state"].GetString()), "declined");

  std::vector<std::string> actions;
  for (const audit::Entry& entry : audit_entries()) {
    if (entry.object.kind == "agent") actions.push_back(entry.action);
    for (const auto& [key, value] : entry.detail) {
      EXPECT_THAT(value, Not(HasSubstr("soc@hoster.example"))) << entry.action;
      EXPECT_THAT(value, Not(HasSubstr("Sam Soc"))) << entry.action;
    }
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"subject.agent_designate", "agent.consent", "subject.agent_withdraw",
                                      "subject.agent_designate", "agent.consent", "agent.decline"}));
}

TEST_F(SubjectAgentTest, ADomainDesignatesAtMostThreeAgentsADay) {
  const std::string token = session("natural.test", "nat1@mail.example");
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(designate(token, "soc" + std::to_string(i) + "@hoster.example").empty());
  const Response refused =
      send(request("PUT", "/v1/subject/agent", token,
                   R"({"kind":"person","name":"Mallory","email":"victim@elsewhere.example"})"));
  EXPECT_EQ(refused.status, 429U);
  EXPECT_FALSE(sink_.has_message()) << "no invitation went out";
  clock_.advance(std::chrono::hours(24));
  const std::string later = session("natural.test", "nat1@mail.example");
  EXPECT_FALSE(designate(later).empty());
}

TEST_F(SubjectAgentTest, ADesignationIsCheckedAndAForgedAnswerFails) {
  const std::string token = session("natural.test", "nat1@mail.example");
  const Response bad = send(request("PUT", "/v1/subject/agent", token,
                                    R"({"kind":"robot","name":"","email":"not an address","phone":"12"})"));
  ASSERT_EQ(bad.status, 400U);
  const rapidjson::Document problem = json(bad);
  EXPECT_EQ(problem["errors"].Size(), 4U) << bad.body;
  EXPECT_EQ(send(request("PUT", "/v1/subject/agent", a_.key,
                         R"({"kind":"person","name":"X","email":"x@y.example"})"))
                .status,
            401U);
  const std::string invitation = designate(token);
  std::string forged = invitation;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(answer(forged, true).status, 401U);
  EXPECT_EQ(answer("ssad_agt_aaaaaaaaaaaaaaaa_" + std::string(64, '0'), true).status, 401U);
  // Unanswered for longer than subject.agent_answer_days, it lapses.
  clock_.advance(std::chrono::days(14));
  EXPECT_EQ(answer(invitation, true).status, 409U);
}

TEST_F(SubjectAgentTest, TheAgentAnswersInPlaceOfTheRegistrantForANetworkUnderAttack) {
  const std::string lookup = "/rdap/domain/natural.test?farv1_qp=technicalIssueResolution";
  // Before any designation, a network operator gets the registrant's email (seed 000).
  EXPECT_THAT(get(lookup, a_.key).body, HasSubstr("nat1@mail.example"));

  const std::string token = session("natural.test", "nat1@mail.example");
  const std::string invitation = designate(token);
  // Pending: nothing changes until the agent consents.
  EXPECT_THAT(get(lookup, a_.key).body, Not(HasSubstr("soc@hoster.example")));
  ASSERT_EQ(answer(invitation, true).status, 200U);

  const Response answered = get(lookup, a_.key);
  ASSERT_EQ(answered.status, 200U) << answered.body;
  EXPECT_THAT(answered.body, HasSubstr("soc@hoster.example"));
  EXPECT_THAT(answered.body, HasSubstr("Hoster SOC"));
  // Two entities with the abuse role: the registrar's abuse contact, and the agent.
  const auto abuse_roles = [](const std::string& body) {
    std::size_t n = 0;
    for (auto at = body.find(R"("roles":["abuse"])"); at != std::string::npos;
         at = body.find(R"("roles":["abuse"])", at + 1))
      ++n;
    return n;
  };
  EXPECT_EQ(abuse_roles(answered.body), 2U);
  EXPECT_THAT(answered.body, Not(HasSubstr("nat1@mail.example"))) << "the agent answers instead";
  EXPECT_THAT(answered.body, Not(HasSubstr("Nadia Natural")));
  // A search answers as the lookup does.
  const Response searched = get("/rdap/domains?name=natural.test&farv1_qp=technicalIssueResolution", a_.key);
  ASSERT_EQ(searched.status, 200U) << searched.body;
  EXPECT_THAT(searched.body, HasSubstr("soc@hoster.example"));
  EXPECT_THAT(searched.body, Not(HasSubstr("nat1@mail.example")));
  // A requestor given nothing of the agent sees no trace of one.
  const Response other =
      get("/rdap/domain/natural.test?farv1_qp=criminalInvestigationAndDNSAbuseMitigation", b_.key);
  EXPECT_EQ(abuse_roles(other.body), 1U) << "the registrar's abuse contact only";
  EXPECT_THAT(other.body, Not(HasSubstr("Agent")));
  // The public never sees the agent; another purpose does not get it either.
  EXPECT_THAT(get("/rdap/domain/natural.test", "").body, Not(HasSubstr("soc@hoster.example")));
  EXPECT_THAT(
      get("/rdap/domain/natural.test?farv1_qp=criminalInvestigationAndDNSAbuseMitigation", b_.key).body,
      Not(HasSubstr("soc@hoster.example")));

  // A disclosure request: the registrant's email is not necessary, the agent's is given.
  Filing filing;
  filing.fields = {"registrant.email", "agent.email"};
  const rapidjson::Document filed_request = filed(a_, filing);
  const rapidjson::Value& request = filed_request["request"];
  EXPECT_EQ(text(field(request, "registrant.email"), "state"), "refused");
  EXPECT_EQ(text(field(request, "registrant.email"), "reason"), "not_necessary");
  EXPECT_EQ(text(field(request, "agent.email"), "state"), "disclosed");
  const Response delivered =
      get("/v1/requests/" + std::string(request["id"].GetString()) + "/disclosure", a_.key);
  ASSERT_EQ(delivered.status, 200U) << delivered.body;
  EXPECT_THAT(delivered.body, HasSubstr("soc@hoster.example"));
  EXPECT_THAT(delivered.body, Not(HasSubstr("nat1@mail.example")));

  // Withdrawn: the registrant's own contact again, at once.
  ASSERT_EQ(send(request_of("DELETE", "/v1/subject/agent", token)).status, 200U);
  const Response after = get(lookup, a_.key);
  EXPECT_THAT(after.body, HasSubstr("nat1@mail.example"));
  EXPECT_THAT(after.body, Not(HasSubstr("soc@hoster.example")));
}

TEST_F(SubjectTest, AnAccreditedRequestorsMessageReachesTheRegistrantWithoutItsAddress) {
  const Response relayed =
      post("/v1/contact/natural.test", a_.key,
           R"({"subject":"Your host attacks us","message":"Hosts under natural.test send )"
           R"(us 40 Gbit/s since 02:00 UTC.\nPlease call our NOC."})");
  ASSERT_EQ(relayed.status, 202U) << relayed.body;
  EXPECT_EQ(std::string(json(relayed)["recipient"].GetString()), "registrant");
  EXPECT_THAT(relayed.body, Not(HasSubstr("nat1")));
  const testing::ReceivedMail mail = sink_.next_message();
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"nat1@mail.example"});
  EXPECT_EQ(mail.header("Reply-To"), "alice@alpha.example");
  EXPECT_EQ(mail.decoded_subject, "[natural.test] Your host attacks us");
  EXPECT_THAT(mail.decoded_text, HasSubstr("Please call our NOC."));
  EXPECT_THAT(mail.decoded_text, HasSubstr("Alpha Networks"));
  for (const store::AuditRecord& record : audit_records()) {
    EXPECT_THAT(record.encoding, Not(HasSubstr("40 Gbit/s")));
    EXPECT_THAT(record.encoding, Not(HasSubstr("attacks us")));
  }

  // Who may not: the public, the operator's staff.
  EXPECT_EQ(post("/v1/contact/natural.test", "", R"({"subject":"s","message":"m"})").status, 401U);
  EXPECT_EQ(post("/v1/contact/natural.test", reviewer_.key, R"({"subject":"s","message":"m"})").status, 403U);
  EXPECT_EQ(post("/v1/contact/nosuch.test", a_.key, R"({"subject":"s","message":"m"})").status, 404U);
  EXPECT_EQ(post("/v1/contact/natural.test", a_.key,
                 R"({"subject":"s","message":")" + std::string(8193, 'x') + "\"}")
                .status,
            400U);
  // An accredited sender relays at most twenty a day, whatever the domain.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(post("/v1/contact/legal.test", b_.key, R"({"subject":"s","message":"m"})").status, 202U) << i;
    (void)sink_.next_message();
  }
  EXPECT_EQ(post("/v1/contact/natural.test", b_.key, R"({"subject":"s","message":"m"})").status, 429U);
  // Another user is another sender.
  EXPECT_EQ(post("/v1/contact/natural.test", a2_.key, R"({"subject":"s","message":"m"})").status, 202U);
}

// A sender who proved an address is one sender, however many sessions it opens; email-checked senders
// together reach one domain ten times a day, and cannot crowd out accredited requestors.
TEST_F(SubjectTest, EmailCheckedSendersAreLimitedPerAddressAndPerDomain) {
  const auto sender_session = [&](const std::string& email) {
    EXPECT_EQ(post("/v1/contact/sender/challenge", "", R"({"email":")" + email + R"("})").status, 202U);
    const Response verified = post("/v1/contact/sender/verify", "",
                                   R"({"email":")" + email + R"(","code":")" + next_code(email) + R"("})");
    EXPECT_EQ(verified.status, 200U) << verified.body;
    return std::string(json(verified)["token"].GetString());
  };
  const auto relay = [&](const std::string& token, const std::string& domain) {
    const Response relayed = post("/v1/contact/" + domain, token, R"({"subject":"s","message":"m"})");
    if (relayed.status == 202U) (void)sink_.next_message();
    return relayed.status;
  };
  const std::string first = sender_session("one@victim.example");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(relay(first, "natural.test"), 202U) << i;
  const std::string other = sender_session("two@victim.example");
  EXPECT_EQ(relay(other, "natural.test"), 429U) << "ten a day to one domain from email-checked senders";
  EXPECT_EQ(relay(a_.key, "natural.test"), 202U) << "an accredited requestor still gets through";
  for (int i = 0; i < 10; ++i) EXPECT_EQ(relay(first, "legal.test"), 202U) << i;
  const std::string again = sender_session("one@victim.example");
  EXPECT_EQ(relay(again, "consent.test"), 429U) << "a new session of the same address: the same sender";
}

TEST_F(SubjectAgentTest, AnyoneWhoConfirmsItsAddressWritesToTheAgentInForce) {
  const std::string token = session("natural.test", "nat1@mail.example");
  ASSERT_EQ(answer(designate(token), true).status, 200U);

  ASSERT_EQ(post("/v1/contact/sender/challenge", "", R"({"email":"Someone@Victim.example"})").status, 202U);
  const std::string code = next_code("someone@victim.example");
  const Response verified =
      post("/v1/contact/sender/verify", "", R"({"email":"someone@victim.example","code":")" + code + R"("})");
  ASSERT_EQ(verified.status, 200U) << verified.body;
  const std::string sender = json(verified)["token"].GetString();
  const Response relayed =
      post("/v1/contact/natural.test", sender, R"({"subject":"Phishing","message":"See it."})");
  ASSERT_EQ(relayed.status, 202U) << relayed.body;
  EXPECT_EQ(std::string(json(relayed)["recipient"].GetString()), "agent");
  const testing::ReceivedMail mail = sink_.next_message();
  EXPECT_EQ(mail.recipients, std::vector<std::string>{"soc@hoster.example"});
  EXPECT_EQ(mail.header("Reply-To"), "someone@victim.example");
  // A sender's session opens nothing of the registrant's.
  EXPECT_EQ(get("/v1/subject/disclosures", sender).status, 401U);
  // Asked for the registrant: it goes there.
  ASSERT_EQ(
      post("/v1/contact/natural.test", sender, R"({"subject":"s","message":"m","to":"registrant"})").status,
      202U);
  EXPECT_EQ(sink_.next_message().recipients, std::vector<std::string>{"nat1@mail.example"});
}

}  // namespace
}  // namespace ssad::http
