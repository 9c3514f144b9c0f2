// WHOIS answers in the gTLD key/value format with the same redaction as RDAP.

#include "whois/responder.hpp"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fake_clock.hpp"
#include "unit/rdap/rdap_fixture.hpp"

namespace ssad::whois {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using model::Operator;

// A responder as `ssad serve` builds one: its own rate limiter, the shared data-change tracker.
struct Front {
  Front(store::RegistrationReader& store, const Clock& clock, ResponderOptions options, double rate = 0,
        double burst = 100)
      : version(store, clock, std::chrono::seconds(1)),
        limiter(clock, rate, burst),
        responder(store, version, limiter, options) {}
  std::string answer(std::string_view query, std::string_view remote = {}) {
    return responder.answer(query, remote);
  }
  cache::DataVersion version;
  abuse::RateLimiter limiter;
  Responder responder;
};

class WhoisResponder : public ::testing::Test {
 protected:
  void SetUp() override { store_ = ssad::testing::open_rdap_fixture(dir_); }
  ssad::testing::TempDir dir_;
  ssad::testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
};

// Compares an answer with tests/data/whois/<file>; SSAD_UPDATE_GOLDEN=1 rewrites the file instead.
void expect_golden(const std::string& file, const std::string& answer) {
  const std::string path = std::string(SSAD_TEST_DATA_DIR) + "/whois/" + file;
  if (std::getenv("SSAD_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path, std::ios::binary) << answer;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream expected;
  expected << in.rdbuf();
  ASSERT_FALSE(expected.str().empty())
      << "missing golden file " << path << " (run with SSAD_UPDATE_GOLDEN=1)";
  EXPECT_EQ(expected.str(), answer) << file;
}

TEST_F(WhoisResponder, AnswersMatchTheirGoldenFilesInBothModes) {
  Front registry(store_->registrations(), clock_, {.mode = Operator::registry});
  Front registrar(store_->registrations(), clock_, {.mode = Operator::registrar});
  expect_golden("registry-natural-person.txt", registry.answer("natural.test"));
  expect_golden("registry-legal-person.txt", registry.answer("legal.test"));
  expect_golden("registry-idn-dnssec.txt", registry.answer("bücher.test"));
  expect_golden("registry-not-found.txt", registry.answer("nothere.test"));
  expect_golden("registrar-natural-person.txt", registrar.answer("natural.test"));
  expect_golden("registrar-consented.txt", registrar.answer("consent.test"));
}

TEST_F(WhoisResponder, AnswersInTheGtldFormatWithCrLfLines) {
  Front registry(store_->registrations(), clock_, {.mode = Operator::registry});
  const std::string answer = registry.answer("LEGAL.test");
  EXPECT_THAT(answer, HasSubstr("Domain Name: legal.test\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registry Domain ID: D2-TEST\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrar WHOIS Server: whois.registrar.example\r\n"));
  EXPECT_THAT(answer, HasSubstr("Creation Date: 2009-04-03T22:00:00Z\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registry Expiry Date: 2030-04-03T22:00:00Z\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrar IANA ID: 1234\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrar Abuse Contact Email: abuse@registrar.example\r\n"));
  EXPECT_THAT(
      answer,
      HasSubstr(
          "Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited\r\n"));
  // A legal person's organisation-level data is published, the person at it is not; streets repeat the key.
  EXPECT_THAT(answer, HasSubstr("Registrant Organization: Example Inc.\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrant Name: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrant Street: leg1 Main Street\r\nRegistrant Street: Suite leg1\r\n"));
  EXPECT_THAT(answer, HasSubstr("Name Server: ns1.example.test\r\nName Server: ns2.example.net\r\n"));
  EXPECT_THAT(answer, HasSubstr("DNSSEC: unsigned\r\n"));
  EXPECT_THAT(answer,
              HasSubstr("URL of the ICANN Whois Inaccuracy Complaint Form: https://www.icann.org/wicf/\r\n"));
  EXPECT_THAT(answer, HasSubstr(">>> Last update of WHOIS database: 2026-01-02T03:04:05Z <<<\r\n"));
  EXPECT_THAT(answer, Not(HasSubstr("Reseller:")));
  EXPECT_THAT(answer, Not(HasSubstr("Billing")));
  for (std::size_t at = answer.find('\n'); at != std::string::npos; at = answer.find('\n', at + 1)) {
    ASSERT_GT(at, 0U);
    EXPECT_EQ(answer[at - 1], '\r');
  }
}

TEST_F(WhoisResponder, WithholdsANaturalPersonsDataLikeRdap) {
  Front registry(store_->registrations(), clock_, {.mode = Operator::registry});
  const std::string answer = registry.answer("natural.test");
  for (const auto& value : ssad::testing::natural_person_values()) {
    EXPECT_THAT(answer, Not(HasSubstr(value))) << value;
  }
  EXPECT_THAT(answer, Not(HasSubstr("Adam Admin")));
  EXPECT_THAT(answer, Not(HasSubstr("Tess Tech")));
  EXPECT_THAT(answer, HasSubstr("Registry Registrant ID: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrant Name: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrant State/Province: VA\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrant Country: US\r\n"));
  EXPECT_THAT(answer,
              HasSubstr("Registrant Email: Please query the RDDS service of the Registrar of Record"));
  EXPECT_THAT(answer, HasSubstr("Admin Name: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Tech Phone: REDACTED FOR PRIVACY\r\n"));
  const std::string street = registry.answer("street.test");
  EXPECT_THAT(street, Not(HasSubstr("Secret Lane")));
  EXPECT_THAT(street, HasSubstr("Registrant Street: REDACTED FOR PRIVACY\r\n"));
  const std::string consent = registry.answer("consent.test");
  EXPECT_THAT(consent, HasSubstr("Registrant Name: Carl Consent\r\n"));
  EXPECT_THAT(consent, HasSubstr("Registrant Email: con1@mail.example\r\n"));
  EXPECT_THAT(consent, HasSubstr("Registrant Phone: REDACTED FOR PRIVACY\r\n"));
}

// A role held by several contacts shows a field only if every one of them may (see the RDAP test).
TEST_F(WhoisResponder, ARoleWithSeveralContactsWithholdsAFieldOneOfThemMayNotShow) {
  ssad::testing::add_shared_tech_domain(*store_);
  for (const Operator mode : {Operator::registry, Operator::registrar}) {
    Front front(store_->registrations(), clock_, {.mode = mode});
    const std::string answer = front.answer("shared.test");
    EXPECT_THAT(answer, HasSubstr("Domain Name: shared.test\r\n"));
    EXPECT_THAT(answer, Not(HasSubstr("tcon1@mail.example")));
    EXPECT_THAT(answer, Not(HasSubstr("tcon2@mail.example")));
    EXPECT_THAT(answer, HasSubstr("Tech Name: Tina Consent\r\n"));
    EXPECT_THAT(answer, ::testing::ContainsRegex("Tech Email: (REDACTED FOR PRIVACY|Please query)"));
  }
}

TEST_F(WhoisResponder, RegistrarModeNamesTheRegistrarExpiryAndTheReseller) {
  Front registrar(store_->registrations(), clock_, {.mode = Operator::registrar});
  const std::string answer = registrar.answer("domain natural.test");
  EXPECT_THAT(answer, HasSubstr("Registrar Registration Expiration Date: 2030-04-03T22:00:00Z\r\n"));
  EXPECT_THAT(answer, Not(HasSubstr("Registry Expiry Date")));
  EXPECT_THAT(answer, HasSubstr("Reseller: Example Reseller Ltd\r\n"));
  EXPECT_THAT(
      answer,
      HasSubstr("URL of the ICANN WHOIS Data Problem Reporting System: http://wdprs.internic.net/\r\n"));
}

TEST_F(WhoisResponder, LimitsEachClientAndAnswersFromCacheUntilTheDataChanges) {
  Front responder(store_->registrations(), clock_, {.mode = Operator::registry, .cache_bytes = 1 << 20},
                  0.001, 3);
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.1"),
              HasSubstr("Domain Status: clientTransferProhibited"));
  ssad::testing::change_legal_domain(*store_, {{"serverHold", ""}},
                                     ssad::testing::at("2026-02-01T00:00:00Z"));
  // From the cache until the data version is read again, once a second.
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.1"),
              HasSubstr("Domain Status: clientTransferProhibited"));
  clock_.advance(std::chrono::seconds(1));
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.1"), HasSubstr("Domain Status: serverHold"));
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.1"), HasSubstr("% Error: too many queries"));
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.2"), HasSubstr("Domain Status: serverHold"));
  EXPECT_THAT(responder.answer("legal.test", "192.0.2.2"),
              HasSubstr(">>> Last update of WHOIS database: 2026-02-01T00:00:00Z <<<"));
}

// The refusal names the wait, in whole seconds until the client's next query would be answered, and
// carries nothing else.
TEST_F(WhoisResponder, TheRefusalLineSaysHowLongToWait) {
  Front front(store_->registrations(), clock_, {.mode = Operator::registry}, 0.25, 2);  // one per 4 s
  EXPECT_THAT(front.answer("legal.test", "192.0.2.1"), HasSubstr("Domain Name: legal.test"));
  EXPECT_THAT(front.answer("legal.test", "192.0.2.1"), HasSubstr("Domain Name: legal.test"));
  EXPECT_EQ(front.answer("legal.test", "192.0.2.1"),
            "% Error: too many queries from this address; try again in 4 seconds.\r\n");
  clock_.advance(std::chrono::milliseconds(2500));
  EXPECT_EQ(front.answer("legal.test", "192.0.2.1"),
            "% Error: too many queries from this address; try again in 2 seconds.\r\n");  // 1.5 s, rounded up
  EXPECT_EQ(front.responder.quick("legal.test", "192.0.2.1"),
            "% Error: too many queries from this address; try again in 2 seconds.\r\n");
  clock_.advance(std::chrono::milliseconds(1500));
  EXPECT_THAT(front.answer("legal.test", "192.0.2.1"), HasSubstr("Domain Name: legal.test"));
}

// The server's reading thread asks quick() and, when it gets nothing, a worker asks answer() with the
// query admitted: one query is counted once against the rate limit, and only a cached answer or a
// refusal comes from quick().
TEST_F(WhoisResponder, TheQuickPathAnswersFromTheCacheAndCountsAQueryOnce) {
  Front front(store_->registrations(), clock_, {.mode = Operator::registry, .cache_bytes = 1 << 20}, 0.001,
              2);
  EXPECT_FALSE(front.responder.quick("legal.test", "192.0.2.1").has_value());  // not cached: a store read
  EXPECT_THAT(front.responder.answer("legal.test", "192.0.2.1", true), HasSubstr("Domain Name: legal.test"));
  // The second query of a burst of two: from the cache, on the reading thread.
  EXPECT_THAT(front.responder.quick("LEGAL.test", "192.0.2.1").value_or(""),
              HasSubstr("Domain Name: legal.test"));
  EXPECT_THAT(front.responder.quick("legal.test", "192.0.2.1").value_or(""),
              HasSubstr("% Error: too many queries"));
  EXPECT_THAT(front.responder.quick("not a name!", "192.0.2.3").value_or(""),
              HasSubstr("% Error: not a valid"));
}

TEST_F(WhoisResponder, TheRendererReportsTheFieldsItServed) {
  auto natural = store_->registrations().find_registration("natural.test").value();
  const policy::Decision decision = policy::decide(identity::Caller::anonymous(), natural, {});
  catalog::FieldSet served;
  const std::string answer = render_answer(natural, decision, Operator::registry, std::nullopt, served);
  EXPECT_THAT(answer, HasSubstr("Registrant Country: US\r\n"));
  EXPECT_TRUE(served.contains("registrant.country_code"));
  EXPECT_TRUE(served.contains("domain.name"));
  EXPECT_TRUE(served.contains("domain.nameservers"));
  EXPECT_FALSE(served.contains("domain.reseller"));  // not in registry output
  for (const char* withheld : {"registrant.email", "registrant.name", "registrant.street", "tech.email"}) {
    EXPECT_FALSE(served.contains(withheld)) << withheld;
  }
  catalog::FieldSet registrar_served;
  (void)render_answer(natural, decision, Operator::registrar, std::nullopt, registrar_served);
  EXPECT_TRUE(registrar_served.contains("domain.reseller"));
}

// A policy that withholds a domain or registrar field is obeyed too, not only for contacts.
TEST_F(WhoisResponder, DomainAndRegistrarFieldsFollowTheDecision) {
  auto natural = store_->registrations().find_registration("natural.test").value();
  policy::Decision decision = policy::decide(identity::Caller::anonymous(), natural, {});
  for (const char* key : {"domain.reseller", "registrar.abuse_email", "domain.handle"}) {
    decision.set(*catalog::find_field(key), {policy::Disposition::withhold, policy::Reason::no_policy});
  }
  catalog::FieldSet served;
  const std::string answer = render_answer(natural, decision, Operator::registrar, std::nullopt, served);
  EXPECT_THAT(answer, Not(HasSubstr("Example Reseller Ltd")));
  EXPECT_THAT(answer, Not(HasSubstr("abuse@registrar.example")));
  EXPECT_THAT(answer, Not(HasSubstr("D1-TEST")));
  EXPECT_THAT(answer, HasSubstr("Reseller: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registrar Abuse Contact Email: REDACTED FOR PRIVACY\r\n"));
  EXPECT_THAT(answer, HasSubstr("Registry Domain ID: REDACTED FOR PRIVACY\r\n"));
  EXPECT_FALSE(served.contains("domain.reseller"));
  EXPECT_FALSE(served.contains("registrar.abuse_email"));
  EXPECT_TRUE(served.contains("registrar.abuse_phone"));
}

// A stored value cannot add a line to the answer (a forged key, a fake end of answer).
TEST_F(WhoisResponder, AStoredValueCannotInjectALine) {
  auto legal = store_->registrations().find_registration("legal.test").value();
  legal.contacts[0].second.postal[0].organization = "Evil Corp\r\nRegistrant Email: forged@evil.example\n";
  const policy::Decision decision = policy::decide(identity::Caller::anonymous(), legal, {});
  catalog::FieldSet served;
  const std::string answer = render_answer(legal, decision, Operator::registry, std::nullopt, served);
  EXPECT_THAT(answer,
              HasSubstr("Registrant Organization: Evil Corp  Registrant Email: forged@evil.example \r\n"));
  EXPECT_THAT(answer, Not(HasSubstr("\nRegistrant Email: forged")));
  for (std::size_t at = answer.find('\n'); at != std::string::npos; at = answer.find('\n', at + 1)) {
    ASSERT_GT(at, 0U);
    EXPECT_EQ(answer[at - 1], '\r');
  }
}

TEST_F(WhoisResponder, AcceptsULabelsAndRefusesBadQueriesWithoutEchoingThem) {
  Front registry(store_->registrations(), clock_, {.mode = Operator::registry});
  EXPECT_THAT(registry.answer("BÜCHER.test"), HasSubstr("Domain Name: xn--bcher-kva.test\r\n"));
  EXPECT_THAT(registry.answer("bücher.test"), HasSubstr("DNSSEC: signedDelegation\r\n"));
  EXPECT_THAT(registry.answer("nothere.test"), HasSubstr("No match for \"nothere.test\".\r\n"));
  for (const char* bad :
       {"", "   ", "bad_label!.test", "xn--bcher-kva.bücher.test", "a..test", "<script>.test"}) {
    const std::string answer = registry.answer(bad);
    EXPECT_TRUE(answer.starts_with("% Error:")) << bad;
    if (std::string_view(bad).size() > 3) {
      EXPECT_THAT(answer, Not(HasSubstr(bad)));
    }
  }
}

}  // namespace
}  // namespace ssad::whois
