// The RDAP use cases without HTTP: a parsed query, the caller and the time in; an answer — body, the
// fields served per object, the rules that decided — or an error value out.

#include "rdap/service.hpp"

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
  EXPECT_TRUE(legal->served[0].fields.contains("registrant.email"));
  EXPECT_TRUE(legal->served[0].fields.contains("tech.email"));
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
    decision.set(*catalog::find_field(key), {policy::Disposition::withhold, policy::Reason::no_rule});
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
               {policy::Disposition::withhold, policy::Reason::no_rule});
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

TEST_F(RdapUseCaseTest, AContactLookupIsDecidedAsTheRegistrantItWouldBe) {
  auto legal = ask("entity/leg1");
  ASSERT_TRUE(legal.has_value());
  ASSERT_EQ(legal->served.size(), 1U);
  EXPECT_EQ(legal->served[0].object, "leg1");
  EXPECT_TRUE(legal->served[0].fields.contains("registrant.email"));
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

}  // namespace
}  // namespace ssad::rdap
