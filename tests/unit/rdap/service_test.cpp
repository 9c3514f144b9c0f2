// The RDAP use cases without HTTP: a parsed query, the caller and the time in; an answer — body, the
// fields served per object, the rules that decided — or an error value out.

#include "rdap/service.hpp"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rdap_fixture.hpp"
#include "support/fake_clock.hpp"

namespace ssad::rdap {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RdapUseCaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ssad::testing::open_rdap_fixture(dir_);
    version_ = std::make_unique<cache::DataVersion>(store_->registrations(), clock_, std::chrono::seconds(1));
    ServiceOptions options;
    options.page_size = 2;
    service_ = std::make_unique<Service>(store_->registrations(), *version_, Settings{}, policy::Settings{},
                                         options);
  }

  Result<Answer> ask(std::string_view path, std::string_view query = {}) {
    auto request = parse_request(path, query);
    if (!request) return std::unexpected(request.error());
    return service_->answer(
        {std::move(*request), {"https://rdap.example/rdap/", "https://rdap.example/rdap/x"}},
        identity::Caller::anonymous(), clock_.now());
  }

  ssad::testing::TempDir dir_;
  ssad::testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<cache::DataVersion> version_;
  std::unique_ptr<Service> service_;
};

TEST_F(RdapUseCaseTest, ADomainLookupReportsWhatItServedAndWhichRulesDecided) {
  auto natural = ask("domain/natural.test");
  ASSERT_TRUE(natural.has_value()) << natural.error().message;
  ASSERT_EQ(natural->served.size(), 1U);
  const Served& served = natural->served[0];
  EXPECT_EQ(served.object, "natural.test");
  EXPECT_TRUE(served.fields.contains("domain.name"));
  EXPECT_TRUE(served.fields.contains("registrant.country_code"));
  EXPECT_TRUE(served.fields.contains("registrar.abuse_email"));
  EXPECT_TRUE(served.fields.contains("domain.reseller"));
  for (const char* withheld : {"registrant.email", "registrant.name", "registrant.handle", "tech.email",
                               "admin.name", "billing.email"}) {
    EXPECT_FALSE(served.fields.contains(withheld)) << withheld;
  }
  EXPECT_THAT(natural->rules, ::testing::Contains(policy::rule::kPersonalData));
  // Each withheld field's reason is the decision's.
  EXPECT_THAT(natural->body, HasSubstr(std::string(policy::describe(policy::Reason::personal_data))));

  auto legal = ask("domain/legal.test");
  ASSERT_TRUE(legal.has_value());
  EXPECT_TRUE(legal->served[0].fields.contains("registrant.organization"));
  EXPECT_TRUE(legal->served[0].fields.contains("tech.street"));
  // The person at a legal person is personal data.
  EXPECT_FALSE(legal->served[0].fields.contains("registrant.email"));
  EXPECT_FALSE(legal->served[0].fields.contains("tech.email"));
  EXPECT_THAT(legal->rules, ::testing::Contains(policy::rule::kLegalPerson));
}

// The renderer writes no field the decision withholds, domain and registrar fields included: each gets
// its redaction entry instead.
TEST(RdapRenderTest, DomainAndRegistrarFieldsFollowTheDecision) {
  ssad::testing::TempDir dir;
  auto store = ssad::testing::open_rdap_fixture(dir);
  auto natural = store->registrations().find_registration("natural.test").value();
  policy::Decision decision = policy::decide(identity::Caller::anonymous(), natural, {});
  for (const char* key : {"domain.reseller", "registrar.abuse_email", "domain.handle", "domain.expires"}) {
    decision.set(*catalog::find_field(key), {policy::Disposition::withhold, policy::Reason::no_policy});
  }
  const Settings settings;
  Context context;
  context.settings = &settings;
  context.base_url = "https://rdap.example/rdap/";
  context.query_url = "https://rdap.example/rdap/domain/natural.test";
  json::JsonWriter out;
  catalog::FieldSet served;
  EXPECT_TRUE(write_domain(out, natural, decision, context, Detail::full, "$", served));
  const std::string body(out.view());
  EXPECT_THAT(body, Not(HasSubstr("Example Reseller Ltd")));
  EXPECT_THAT(body, Not(HasSubstr("abuse@registrar.example")));
  EXPECT_THAT(body, Not(HasSubstr("D1-TEST")));
  EXPECT_THAT(body, Not(HasSubstr(R"("eventAction":"expiration")")));
  EXPECT_THAT(body, HasSubstr(R"({"name":{"type":"Registry Domain ID"},"prePath":"$.handle")"));
  EXPECT_THAT(body, HasSubstr(R"({"name":{"description":"Reseller"})"));
  EXPECT_THAT(body, HasSubstr(R"({"name":{"description":"Registrar Abuse Contact Email"})"));
  EXPECT_THAT(body, HasSubstr(R"({"name":{"description":"Registry Expiry Date"})"));
  for (const char* key : {"domain.reseller", "registrar.abuse_email", "domain.handle", "domain.expires"}) {
    EXPECT_FALSE(served.contains(key)) << key;
  }
  EXPECT_TRUE(served.contains("registrar.abuse_phone"));
  EXPECT_TRUE(served.contains("domain.created"));

  // A withheld registrar name is emptied in the abuse entity too; a withheld reseller keeps its entity
  // with an empty fn, where its emptyValue redaction points.
  decision.set(*catalog::find_field("registrar.name"),
               {policy::Disposition::withhold, policy::Reason::no_policy});
  json::JsonWriter again;
  catalog::FieldSet served_again;
  EXPECT_TRUE(write_domain(again, natural, decision, context, Detail::full, "$", served_again));
  const std::string second(again.view());
  EXPECT_THAT(second, Not(HasSubstr("Example Registrar, Inc.")));
  EXPECT_THAT(
      second,
      HasSubstr(
          R"("roles":["reseller"],"vcardArray":["vcard",[["version",{},"text","4.0"],["fn",{},"text",""]]])"));
  EXPECT_THAT(
      second,
      HasSubstr(R"("postPath":"$.entities[?(@.roles[0]=='reseller')].vcardArray[1][?(@[0]=='fn')][3]")"));

  // The brief field set writes the redactions of what it withholds.
  json::JsonWriter brief;
  catalog::FieldSet served_brief;
  EXPECT_TRUE(write_domain(brief, natural, decision, context, Detail::brief, "$.domainSearchResults[0]",
                           served_brief));
  EXPECT_THAT(
      std::string(brief.view()),
      HasSubstr(R"({"name":{"type":"Registry Domain ID"},"prePath":"$.domainSearchResults[0].handle")"));
}

// 2024 profile §2.4.6 (tool -47700): the registrar's about link leads to its web site whenever one is
// known; its value is the registrar's RDAP base URL, or this response's URL (RFC 9083 §4.2's context)
// when the deposit and the registrar directory give none.
TEST(RdapRenderTest, TheRegistrarsAboutLinkLeadsToItsWebSite) {
  ssad::testing::TempDir dir;
  auto store = ssad::testing::open_rdap_fixture(dir);
  auto natural = store->registrations().find_registration("natural.test").value();
  const policy::Decision decision = policy::decide(identity::Caller::anonymous(), natural, {});
  const Settings settings;
  Context context;
  context.settings = &settings;
  context.base_url = "https://rdap.example/rdap/";
  context.query_url = "https://rdap.example/rdap/domain/natural.test";
  auto render = [&](const model::Registration& registration) {
    json::JsonWriter out;
    catalog::FieldSet served;
    (void)write_domain(out, registration, decision, context, Detail::full, "$", served);
    return std::string(out.view());
  };
  EXPECT_THAT(render(natural), HasSubstr(R"({"value":"https://rdap.registrar.example/","rel":"about",)"
                                         R"("href":"https://registrar.example","type":"text/html"})"));

  natural.registrar.rdap_base_url.clear();  // an RFC 9022 deposit, no directory entry
  EXPECT_THAT(render(natural),
              HasSubstr(R"({"value":"https://rdap.example/rdap/domain/natural.test",)"
                        R"("rel":"about","href":"https://registrar.example","type":"text/html"})"));

  natural.registrar.url.clear();  // nothing to link to: no link is made up
  EXPECT_THAT(render(natural), Not(HasSubstr(R"("rel":"about")")));
}

TEST_F(RdapUseCaseTest, ASearchReportsEveryDomainItRendered) {
  auto page = ask("domains", "name=exam*");
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->served.size(), 2U);  // page size 2
  EXPECT_EQ(page->served[0].object, "exam1.test");
  EXPECT_EQ(page->served[1].object, "exam2.test");
  auto ids = ask("domains", "name=exam*&fieldSet=id");
  ASSERT_TRUE(ids.has_value());
  EXPECT_FALSE(ids->served[0].fields.contains("domain.status"));  // the id field set writes names only
  EXPECT_TRUE(ids->served[0].fields.contains("domain.name"));
}

// Counts the registrations a use case loads; everything else goes to the real store.
class CountingReader final : public store::RegistrationReader {
 public:
  explicit CountingReader(store::RegistrationReader& inner) : inner_(inner) {}
  int registrations_loaded = 0;
  int hosts_loaded = 0;

  Result<model::Registration> find_registration(std::string_view name) override {
    ++registrations_loaded;
    return inner_.find_registration(name);
  }
  Result<model::Contact> find_contact(std::string_view handle) override {
    return inner_.find_contact(handle);
  }
  Result<model::Host> find_host(std::string_view name) override {
    ++hosts_loaded;
    return inner_.find_host(name);
  }
  Result<model::Registrar> find_registrar(std::string_view handle) override {
    return inner_.find_registrar(handle);
  }
  Result<model::Registrar> find_registrar_by_iana_id(std::int64_t id) override {
    return inner_.find_registrar_by_iana_id(id);
  }
  Result<std::vector<std::string>> domains_by_registrar(std::string_view handle,
                                                        const store::Page& page) override {
    return inner_.domains_by_registrar(handle, page);
  }
  Result<std::vector<DomainName>> search(const store::NameSearch& search, const store::Page& page) override {
    return inner_.search(search, page);
  }
  Result<std::int64_t> count(const store::NameSearch& search) override { return inner_.count(search); }
  Result<store::StoreCounts> counts() override { return inner_.counts(); }
  Result<std::optional<Timestamp>> data_updated() override { return inner_.data_updated(); }
  Result<std::optional<store::DepositRecord>> last_deposit() override { return inner_.last_deposit(); }
  Result<std::optional<store::DepositRecord>> find_deposit(std::string_view id) override {
    return inner_.find_deposit(id);
  }

 private:
  store::RegistrationReader& inner_;
};

TEST_F(RdapUseCaseTest, AnIdFieldSetSearchIsWrittenFromTheNamesWithoutLoadingAnyObject) {
  CountingReader counting(store_->registrations());
  const Service service(counting, *version_, Settings{}, policy::Settings{}, {.page_size = 10});
  auto ask_counted = [&](std::string_view path, std::string_view query) {
    return service.answer({parse_request(path, query).value(), {"https://rdap.example/rdap/", "q"}},
                          identity::Caller::anonymous(), clock_.now());
  };
  auto ids = ask_counted("domains", "name=bü*&fieldSet=id");
  ASSERT_TRUE(ids.has_value()) << ids.error().message;
  EXPECT_THAT(ids->body,
              HasSubstr(R"({"objectClassName":"domain","ldhName":"xn--bcher-kva.test","unicodeName":)"
                        R"("bücher.test","links":[{"value":"q","rel":"self",)"
                        R"("href":"https://rdap.example/rdap/domain/xn--bcher-kva.test")"));
  auto hosts = ask_counted("nameservers", "name=ns*&fieldSet=id");
  ASSERT_TRUE(hosts.has_value()) << hosts.error().message;
  EXPECT_THAT(hosts->body, HasSubstr(R"("ldhName":"ns1.example.test")"));
  EXPECT_EQ(counting.registrations_loaded, 0);
  EXPECT_EQ(counting.hosts_loaded, 0);
  // The brief field set still loads each object: it shows what the caller's decision allows.
  ASSERT_TRUE(ask_counted("domains", "name=exam*&fieldSet=brief").has_value());
  EXPECT_EQ(counting.registrations_loaded, 3);
  // An exact name with the id field set is looked up: the name alone does not say it exists.
  auto missing = ask_counted("domains", "name=nothere.test&fieldSet=id");
  ASSERT_TRUE(missing.has_value());
  EXPECT_THAT(missing->body, Not(HasSubstr("nothere")));
}

TEST_F(RdapUseCaseTest, AWildcardNeedsTheConfiguredNumberOfCharactersBeforeTheStar) {
  EXPECT_EQ(ask("domains", "name=e*").error().code, ErrorCode::unsupported);
  EXPECT_THAT(ask("domains", "name=e*").error().message, HasSubstr("at least 2 characters"));
  EXPECT_EQ(ask("nameservers", "name=n*").error().code, ErrorCode::unsupported);
  EXPECT_TRUE(ask("domains", "name=ex*").has_value());
  EXPECT_TRUE(ask("domains", "name=e.test").has_value());  // no wildcard: any length
  // The characters count in the label the '*' ends: "ns1." narrows nothing when the suffix is read per row.
  EXPECT_EQ(ask("nameservers", "name=ns1.*.test").error().code, ErrorCode::unsupported);
  EXPECT_EQ(ask("nameservers", "name=ns1.e*.test").error().code, ErrorCode::unsupported);
  EXPECT_TRUE(ask("nameservers", "name=ns1.ex*.test").has_value());
  EXPECT_TRUE(ask("domains", "name=natural.*").has_value());  // a whole label, no suffix: that label counts
  EXPECT_EQ(ask("domains", "name=n.*").error().code, ErrorCode::unsupported);
  const Service strict(store_->registrations(), *version_, Settings{}, policy::Settings{},
                       {.min_search_prefix = 3});
  auto strict_ask = [&](std::string_view query) {
    return strict.answer({parse_request("domains", query).value(), {"https://rdap.example/rdap/", "q"}},
                         identity::Caller::anonymous(), clock_.now());
  };
  // Characters, not bytes: "bü" is three bytes of UTF-8 but two characters.
  EXPECT_EQ(strict_ask("name=bü*").error().code, ErrorCode::unsupported);
  EXPECT_TRUE(strict_ask("name=büc*").has_value());
}

TEST_F(RdapUseCaseTest, ASearchOverItsTimeBudgetAnswersTimedOutInsteadOfRunningOn) {
  const Service budgeted(
      store_->registrations(), *version_, Settings{}, policy::Settings{},
      {.page_size = 10, .query_budget = std::chrono::milliseconds(1000), .clock = &clock_});
  auto search = [&] {
    return budgeted.answer(
        {parse_request("domains", "name=exam*").value(), {"https://rdap.example/rdap/", "q"}},
        identity::Caller::anonymous(), clock_.now());
  };
  ASSERT_TRUE(search().has_value());                    // time stands still: within budget
  clock_.tick_on_read(std::chrono::milliseconds(400));  // each step of the work takes 0.4 s
  auto late = search();
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::timed_out);
  EXPECT_THAT(late.error().message, HasSubstr("Narrow a search"));
  clock_.tick_on_read(std::chrono::milliseconds(0));
  EXPECT_TRUE(search().has_value());
}

TEST_F(RdapUseCaseTest, AContactLookupIsDecidedAsTheRegistrantItWouldBe) {
  auto legal = ask("entity/leg1");
  ASSERT_TRUE(legal.has_value());
  ASSERT_EQ(legal->served.size(), 1U);
  EXPECT_EQ(legal->served[0].object, "leg1");
  EXPECT_TRUE(legal->served[0].fields.contains("registrant.organization"));
  EXPECT_FALSE(legal->served[0].fields.contains("registrant.email"));  // the person at a legal person
  auto natural = ask("entity/nat1");
  ASSERT_FALSE(natural.has_value());
  EXPECT_EQ(natural.error().code, ErrorCode::not_found);
  EXPECT_THAT(natural.error().message, Not(HasSubstr("nat1")));
}

TEST_F(RdapUseCaseTest, RefusalsAreErrorValuesWithTheirKind) {
  EXPECT_EQ(ask("domain/nothere.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(ask("domain/bad_label!.test").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(ask("domains", "name=*.test").error().code, ErrorCode::unsupported);
  EXPECT_EQ(ask("entities", "fn=Nadia*").error().code, ErrorCode::forbidden);
  EXPECT_EQ(ask("ip/192.0.2.1").error().code, ErrorCode::not_implemented);
  EXPECT_EQ(ask("domains/reverse_search/entity", "handle=nat1").error().code, ErrorCode::not_implemented);
  EXPECT_EQ(ask("domains", "name=exam*&cursor=AAAA").error().code, ErrorCode::invalid_input);
  for (const char* path : {"domain/nothere.test", "entity/nat1"}) {
    EXPECT_THAT(ask(path).error().message, Not(HasSubstr("nothere"))) << path;
  }
}

TEST_F(RdapUseCaseTest, TheLastUpdateEventFollowsTheDataVersion) {
  auto answer = ask("domain/legal.test");
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(
      answer->body,
      HasSubstr(R"("eventAction":"last update of RDAP database","eventDate":"2026-01-02T03:04:05Z")"));
}

TEST_F(RdapUseCaseTest, EveryPersonalValueADisclosureShowsIsAmongTheValuesItsAuditEntryCommitsTo) {
  audit::Appender appender(*store_);
  ServiceOptions options;
  options.audit = &appender;
  const Service service(store_->registrations(), *version_, Settings{}, policy::Settings{}, options);
  // A CERT investigating phishing: seed 001 gives it the registrant's address, every street line of it.
  identity::Requestor requestor;
  requestor.user.id = "usr_aaaaaaaaaaaaaaaa";
  requestor.organisation.id = "org_aaaaaaaaaaaaaaaa";
  requestor.accreditation.emplace();
  requestor.accreditation->id = "acc_aaaaaaaaaaaaaaaa";
  requestor.accreditation->group = "cert";
  requestor.accreditation->authority = "FIRST";
  policy::Ask ask;
  ask.abuse_type = "phishing";
  const auto answer =
      service.answer({parse_request("domain/natural.test", "").value(),
                      {"https://rdap.example/rdap/", "https://rdap.example/rdap/x"}},
                     identity::Caller::requestor(requestor, "criminalInvestigationAndDNSAbuseMitigation"),
                     clock_.now(), ask);
  ASSERT_TRUE(answer.has_value()) << answer.error().message;
  ASSERT_EQ(answer->disclosures.size(), 1U);
  const auto& values = answer->disclosures[0].values;
  EXPECT_THAT(answer->body, HasSubstr("Suite nat1"));  // the second street line, served
  for (const std::string& value : ssad::testing::natural_person_values()) {
    if (answer->body.find(value) == std::string::npos) continue;
    EXPECT_TRUE(
        std::any_of(values.begin(), values.end(),
                    [&](const auto& served) { return served.second.find(value) != std::string::npos; }))
        << value << " is shown but not committed to";
  }
}

}  // namespace
}  // namespace ssad::rdap
