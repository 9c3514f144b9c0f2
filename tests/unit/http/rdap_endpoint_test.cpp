// RDAP over HTTP without sockets — the router, the RDAP endpoint and the use cases behind it: golden
// responses (validated separately against ICANN's schemas by tests/conformance/validate_rdap.py), errors
// for bad input, the privacy invariant, the rate limit and the cache.

#include "http/rdap_endpoint.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "abuse/rate_limiter.hpp"
#include "cache/data_version.hpp"
#include "http/health.hpp"
#include "http/routes.hpp"
#include "rdap/service.hpp"
#include "support/fake_clock.hpp"
#include "support/openapi.hpp"
#include "unit/rdap/rdap_fixture.hpp"

namespace ssad::http {
namespace {

using model::Operator;
using rdap::Settings;
using ssad::testing::TempDir;

const std::string kGoldenDir = std::string(SSAD_TEST_DATA_DIR) + "/rdap/golden/";

Request get(const std::string& target, const std::string& remote = "192.0.2.10") {
  Request r;
  r.method = "GET";
  r.target = target;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.headers = {{"Host", "rdap.example.test"}, {"Accept", "application/rdap+json"}};
  r.remote_address = remote;
  return r;
}

Settings settings_for(Operator mode) {
  Settings s;
  s.mode = mode;
  s.terms_of_service_url = "https://www.example.test/rdap-terms";
  s.port43 = "whois.example.test";
  return s;
}

rdap::ServiceOptions test_options() {
  rdap::ServiceOptions o;
  o.page_size = 2;
  o.cursor_key = "golden-test-key";
  return o;
}

struct Limits {
  double rate = 0;  // unlimited
  double burst = 100;
};

// One RDAP front door as `ssad serve` builds it: use cases, data-change tracker, rate limiters, endpoint,
// readiness check, routes.
struct Door {
  Door(store::RegistrationReader& store, const Clock& clock, Operator mode, Limits limits = {},
       std::chrono::milliseconds check_interval = std::chrono::seconds(1), std::size_t cache_bytes = 1 << 20)
      : Door(store, clock, settings_for(mode), limits, check_interval, cache_bytes) {}
  Door(store::RegistrationReader& store, const Clock& clock, const Settings& settings, Limits limits = {},
       std::chrono::milliseconds check_interval = std::chrono::seconds(1), std::size_t cache_bytes = 1 << 20)
      : version(store, clock, check_interval),
        service(store, version, settings, policy::Settings{settings.mode}, test_options()),
        limiter(clock, limits.rate, limits.burst),
        health_limiter(clock, limits.rate, limits.burst),
        credential_failures(clock, 0, 100),
        endpoint(service, version, clock,
                 {.base_url = "https://rdap.example.test/rdap/", .cache_bytes = cache_bytes}),
        readiness(store, version),
        router(make_routes({.rdap = endpoint,
                            .readiness = readiness,
                            .limiter = limiter,
                            .health_limiter = health_limiter,
                            .credential_failures = credential_failures})) {}
  Response handle(const Request& request) const { return router.handle(request); }

  cache::DataVersion version;
  rdap::Service service;
  abuse::RateLimiter limiter;
  abuse::RateLimiter health_limiter;
  abuse::RateLimiter credential_failures;
  RdapEndpoint endpoint;
  Readiness readiness;
  Router router;
};

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

// {"status", "headers", "body"} pretty-printed: the golden file format the conformance checker reads.
std::string wrap(const Response& response) {
  rapidjson::Document wrapper(rapidjson::kObjectType);
  auto& a = wrapper.GetAllocator();
  wrapper.AddMember("status", response.status, a);
  rapidjson::Value headers(rapidjson::kObjectType);
  for (const auto& [name, value] : response.headers) {
    headers.AddMember(rapidjson::Value(name.c_str(), a), rapidjson::Value(value.c_str(), a), a);
  }
  wrapper.AddMember("headers", headers, a);
  rapidjson::Document body = parse(response.body);
  wrapper.AddMember("body", rapidjson::Value(body, a), a);
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  wrapper.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RdapEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = ssad::testing::open_rdap_fixture(dir_); }
  Door& service(Operator mode = Operator::registry) {
    auto& slot = mode == Operator::registry ? registry_ : registrar_;
    if (!slot) slot = std::make_unique<Door>(store_->registrations(), clock_, mode);
    return *slot;
  }

  // Compares a response with its golden file; SSAD_UPDATE_GOLDEN=1 rewrites the file instead.
  void expect_golden(const std::string& file, const Response& response) {
    const std::string actual = wrap(response);
    const std::string path = kGoldenDir + file;
    if (std::getenv("SSAD_UPDATE_GOLDEN") != nullptr) {
      std::ofstream(path) << actual;
      return;
    }
    const std::string expected = read_file(path);
    ASSERT_FALSE(expected.empty()) << "missing golden file " << path << " (run with SSAD_UPDATE_GOLDEN=1)";
    EXPECT_EQ(parse(expected), parse(actual)) << "golden " << file << " differs; actual:\n" << actual;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_{ssad::testing::at("2026-06-01T00:00:00Z")};
  std::unique_ptr<Door> registry_, registrar_;
};

TEST_F(RdapEndpointTest, TheRouteTableServesItsOpenApiDocumentWhichDescribesItself) {
  Request request;
  request.method = "GET";
  request.target = request.path = "/v1/openapi.json";
  request.remote_address = "192.0.2.1";
  const Response response = service().handle(request);
  EXPECT_EQ(response.status, 200U);
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  const ssad::testing::OpenApi api(response.body);
  ASSERT_TRUE(api.parsed());
  EXPECT_EQ(api.check("GET", "/v1/openapi.json", response), "");
  EXPECT_EQ(parse(response.body)["openapi"].GetString(), std::string("3.1.0"));
  // Without an audit door (a route table built without one), its paths are not found.
  request.target = request.path = "/v1/audit/checkpoint";
  EXPECT_EQ(service().handle(request).status, 404U);
}

struct GoldenCase {
  const char* file;
  const char* target;
  Operator mode = Operator::registry;
};

TEST_F(RdapEndpointTest, LookupsSearchesAndErrorsMatchTheirGoldenFiles) {
  const GoldenCase cases[] = {
      {"domain-natural-person.json", "/rdap/domain/natural.test"},
      {"domain-legal-person.json", "/rdap/domain/legal.test"},
      {"domain-consented-name-and-email.json", "/rdap/domain/consent.test"},
      {"domain-unknown-person-type.json", "/rdap/domain/unknown.test"},
      {"domain-idn-dnssec-by-u-label.json", "/rdap/domain/b%C3%BCcher.test"},
      {"domain-registrar-mode.json", "/rdap/domain/natural.test", Operator::registrar},
      {"domains-registrar-mode.json", "/rdap/domains?name=na*&count=yes", Operator::registrar},
      {"nameserver-registrar-mode.json", "/rdap/nameserver/NS1.example.test", Operator::registrar},
      {"error-registrar-mode-not-found.json", "/rdap/domain/nothere.test", Operator::registrar},
      {"nameserver-lookup.json", "/rdap/nameserver/ns1.example.test"},
      {"entity-registrar.json", "/rdap/entity/1234"},
      {"entity-legal-contact.json", "/rdap/entity/leg1"},
      {"help-help.json", "/rdap/help"},
      {"domains-prefix-page-1.json", "/rdap/domains?name=exam*.test&count=true&sort=name"},
      {"domains-field-set-id.json", "/rdap/domains?name=exam*&fieldSet=id"},
      {"domains-field-set-brief.json", "/rdap/domains?name=exam*&fieldSet=brief"},
      {"domains-exact-name.json", "/rdap/domains?name=NATURAL.test"},
      {"domains-by-nameserver-ip.json", "/rdap/domains?nsIp=2001:DB8::1&fieldSet=id&count=1"},
      {"domains-u-label-prefix.json", "/rdap/domains?name=b%C3%BC*"},
      {"nameservers-by-ip.json", "/rdap/nameservers?ip=192.0.2.1"},
      {"nameservers-prefix.json", "/rdap/nameservers?name=ns*"},
      {"error-not-found.json", "/rdap/domain/nothere.test"},
      {"error-invalid-label.json", "/rdap/domain/bad_label!.test"},
      {"error-mixed-labels.json", "/rdap/domain/xn--bcher-kva.b%C3%BCcher.test"},
      {"error-bad-percent-encoding.json", "/rdap/domain/natural%2.test"},
      {"error-two-wildcards.json", "/rdap/domains?name=ex*am*"},
      {"error-unsupported-partial-match.json", "/rdap/domains?name=*.test"},
      {"error-entity-search-refused.json", "/rdap/entities?fn=Nadia*"},
      {"error-reverse-search.json", "/rdap/domains/reverse_search/entity?handle=nat1"},
      {"error-unknown-path.json", "/rdap/registrars/1234"},
      {"error-bad-field-set.json", "/rdap/domains?name=exam*&fieldSet=everything"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    expect_golden(c.file, service(c.mode).handle(get(c.target)));
  }
}

// With the contact relay's form (subject.contact_url), the registrant's withheld email is replaced by a
// contact-uri; tests/conformance checks these files' paths and the 2024 profile's rules for it too.
TEST_F(RdapEndpointTest, TheRelaysFormReplacesTheRegistrantEmailInGoldenFiles) {
  Settings settings = settings_for(Operator::registry);
  settings.contact_url = "https://www.example.test/contact?domain={domain}";
  const Door door(store_->registrations(), clock_, settings);
  expect_golden("domain-natural-person-contact-uri.json", door.handle(get("/rdap/domain/natural.test")));
  expect_golden("domains-exact-name-contact-uri.json", door.handle(get("/rdap/domains?name=NATURAL.test")));
  expect_golden("domain-legal-person-contact-uri.json", door.handle(get("/rdap/domain/legal.test")));
}

TEST_F(RdapEndpointTest, TheNextLinkLeadsThroughEveryPageAndNoFurther) {
  auto first = service().handle(get("/rdap/domains?name=exam*.test&count=true&sort=name"));
  ASSERT_EQ(first.status, 200U);
  auto doc = parse(first.body);
  const std::string next = doc["paging_metadata"]["links"][0]["href"].GetString();
  const std::string base = "https://rdap.example.test";
  // The next page repeats the search and its sort, not its count (totalCount is on the first page).
  ASSERT_TRUE(next.starts_with(base + "/rdap/domains?name=exam*.test&sort=name&cursor="));
  auto second = service().handle(get(next.substr(base.size())));
  expect_golden("domains-prefix-page-2.json", second);
  auto page2 = parse(second.body);
  ASSERT_EQ(page2["domainSearchResults"].Size(), 1U);
  EXPECT_STREQ(page2["domainSearchResults"][0]["ldhName"].GetString(), "exam3.test");
  EXPECT_FALSE(page2["paging_metadata"].HasMember("links"));
  EXPECT_EQ(page2["paging_metadata"]["pageNumber"].GetInt(), 2);

  // A later page is never counted, even when asked: totalCount is the first page's.
  const auto counted_again = parse(service().handle(get(next.substr(base.size()) + "&count=true")).body);
  EXPECT_FALSE(counted_again["paging_metadata"].HasMember("totalCount"));
  EXPECT_EQ(counted_again["paging_metadata"]["pageNumber"].GetInt(), 2);

  // A cursor is bound to its search and cannot be forged.
  const std::string cursor = next.substr(next.find("cursor=") + 7);
  EXPECT_EQ(service().handle(get("/rdap/domains?name=legal*&cursor=" + cursor)).status, 400U);
  EXPECT_EQ(service().handle(get("/rdap/domains?name=exam*.test&cursor=" + cursor + "A")).status, 400U);
}

TEST_F(RdapEndpointTest, NamesMatchWhateverTheCaseOrLabelForm) {
  const auto lower = service().handle(get("/rdap/domain/natural.test"));
  const auto upper = service().handle(get("/rdap/domain/NATURAL.Test"));
  ASSERT_EQ(upper.status, 200U);
  auto a = parse(lower.body);
  auto b = parse(upper.body);
  EXPECT_EQ(a["entities"], b["entities"]);
  EXPECT_STREQ(b["ldhName"].GetString(), "natural.test");
  const auto a_label = parse(service().handle(get("/rdap/domain/xn--bcher-kva.test")).body);
  const auto u_label = parse(service().handle(get("/rdap/domain/B%C3%9Ccher.test")).body);
  EXPECT_STREQ(u_label["unicodeName"].GetString(), "bücher.test");
  EXPECT_EQ(a_label["secureDNS"], u_label["secureDNS"]);
}

TEST_F(RdapEndpointTest, EveryResponseIsRdapJsonWithCorsAndIgnoresUnknownParameters) {
  for (const char* target : {"/rdap/domain/natural.test?x=1&_=cachebust", "/rdap/domain/nothere.test",
                             "/rdap/help", "/rdap/bogus", "/rdap/domains?name=exam*&whatever=1"}) {
    const auto r = service().handle(get(target));
    EXPECT_EQ(r.header("content-type"), "application/rdap+json") << target;
    EXPECT_EQ(r.header("access-control-allow-origin"), "*") << target;
    auto doc = parse(r.body);
    EXPECT_TRUE(doc.HasMember("rdapConformance")) << target;
    if (r.status != 200) {
      EXPECT_EQ(doc["errorCode"].GetUint(), r.status) << target;
    }
  }
  EXPECT_EQ(service().handle(get("/rdap/domain/natural.test?x=1")).status, 200U);
  EXPECT_EQ(service().handle(get("/rdap/domains?name=exam*&whatever=1")).status, 200U);
}

TEST_F(RdapEndpointTest, BadInputGetsTheRightErrorNeverACrash) {
  const std::string long_label(64, 'a');
  const std::string long_name = std::string(63, 'a') + "." + std::string(63, 'b') + "." +
                                std::string(63, 'c') + "." + std::string(63, 'd') +
                                ".test";  // 260 characters
  struct Case {
    std::string target;
    unsigned status;
  };
  const Case cases[] = {
      {"/rdap/domain/" + long_label + ".test", 400},
      {"/rdap/domain/" + long_name, 400},
      {"/rdap/domain/a..test", 400},
      {"/rdap/domain/%", 400},
      {"/rdap/domain/%C3", 400},          // truncated UTF-8
      {"/rdap/domain/%C0%AF.test", 400},  // overlong encoding
      {"/rdap/domain/na%00me.test", 400},
      {"/rdap/domain/", 400},
      {"/rdap/domain/natural.test/extra", 400},
      {"/rdap/nameserver/ns1..test", 400},
      {"/rdap/domains", 400},
      {"/rdap/domains?name=a*&nsIp=192.0.2.1", 400},
      {"/rdap/domains?name=", 400},
      {"/rdap/domains?name=*", 422},
      {"/rdap/domains?name=e*x", 422},
      {"/rdap/domains?nsLdhName=ns*", 422},
      {"/rdap/domains?nsIp=300.1.1.1", 400},
      {"/rdap/domains?name=exam*&count=maybe", 400},
      {"/rdap/domains?name=exam*&sort=expirationDate", 400},
      {"/rdap/domains?name=exam*&cursor=!!", 400},
      {"/rdap/domains?name=xn--bcher-kva.b%C3%BC*", 400},
      {"/rdap/domains?name=%FF*", 400},
      {"/rdap/entities?handle=nat1", 403},
      {"/rdap/entities", 400},
      {"/rdap/ip/192.0.2.1", 501},
      {"/rdap/autnum/64496", 501},
      {"/rdap", 400},
      {"/rdap/", 400},
      {"/rdap/nameserver/nothere.example.test", 404},
      {"/rdap/entity/99999", 404},
  };
  for (const auto& c : cases) {
    const auto r = service().handle(get(c.target));
    EXPECT_EQ(r.status, c.status) << c.target;
    auto doc = parse(r.body);
    EXPECT_EQ(doc["errorCode"].GetUint(), r.status) << c.target;
  }
  Request with_body = get("/rdap/domain/natural.test");
  with_body.body = "x";
  EXPECT_EQ(service().handle(with_body).status, 400U);  // a GET carries no body
  Request post = get("/rdap/help");
  post.method = "POST";
  const auto refused = service().handle(post);
  EXPECT_EQ(refused.status, 405U);
  EXPECT_EQ(refused.header("allow"), "GET, HEAD");
}

// DESIGN.md §4 invariant 1: nothing of a natural person's data leaves in anonymous output, and a contact
// whose handle is withheld cannot be looked up (its existence is not confirmed).
TEST_F(RdapEndpointTest, NoPersonalValueOfANaturalPersonReachesTheAnonymousPublic) {
  for (const char* target :
       {"/rdap/domain/natural.test", "/rdap/domain/xn--bcher-kva.test", "/rdap/domains?name=natural*",
        "/rdap/domains?name=b%C3%BC*", "/rdap/domains?nsLdhName=ns1.example.test", "/rdap/entity/nat1",
        "/rdap/entity/adm1", "/rdap/entity/tec1", "/rdap/entity/unk1", "/rdap/entities?fn=Nadia*"}) {
    for (const Operator mode : {Operator::registry, Operator::registrar}) {
      const auto r = service(mode).handle(get(target));
      for (const auto& value : ssad::testing::natural_person_values()) {
        EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr(value))) << target;
      }
      EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("Adam Admin")));
      EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("Tess Tech")));
      EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("Una Unknown")));
    }
  }
  const auto street = service().handle(get("/rdap/domain/street.test")).body;
  EXPECT_THAT(street, ::testing::Not(::testing::HasSubstr("Secret Lane")));
  EXPECT_THAT(street, ::testing::HasSubstr("\"type\":\"Registrant Street\""));
  EXPECT_EQ(service().handle(get("/rdap/entity/nat1")).status, 404U);
  EXPECT_EQ(service().handle(get("/rdap/entity/leg1")).status, 200U);
  // Consent publishes exactly the consented elements.
  const auto consent = service().handle(get("/rdap/domain/consent.test")).body;
  EXPECT_THAT(consent, ::testing::HasSubstr("Carl Consent"));
  EXPECT_THAT(consent, ::testing::HasSubstr("con1@mail.example"));
  EXPECT_THAT(consent, ::testing::Not(::testing::HasSubstr("7035555555")));
}

// A role held by several contacts shows a field only if every one of them may: tcon1 consented to publish
// its email, tcon2 did not, so neither email is shown while both consented names are.
TEST_F(RdapEndpointTest, ARoleWithSeveralContactsWithholdsAFieldOneOfThemMayNotShow) {
  ssad::testing::add_shared_tech_domain(*store_);
  for (const Operator mode : {Operator::registry, Operator::registrar}) {
    const auto r = service(mode).handle(get("/rdap/domain/shared.test"));
    ASSERT_EQ(r.status, 200U);
    EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("tcon1@mail.example")));
    EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("tcon2@mail.example")));
    EXPECT_THAT(r.body, ::testing::HasSubstr(R"("type":"Tech Email")"));
    EXPECT_THAT(r.body, ::testing::HasSubstr("Tina Consent"));
    EXPECT_THAT(r.body, ::testing::HasSubstr("Theo Consent"));
  }
}

TEST_F(RdapEndpointTest, TooManyQueriesFromOneAddressGet429WithTheBucketsRetryAfter) {
  Door limited(store_->registrations(), clock_, Operator::registry, {.rate = 0.5, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limited.handle(get("/rdap/help")).status, 200U);
  const auto refused = limited.handle(get("/rdap/help"));
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(refused.header("retry-after"), "2");  // one token per 2 s
  EXPECT_EQ(refused.header("content-type"), "application/rdap+json");
  EXPECT_EQ(parse(refused.body)["errorCode"].GetUint(), 429U);
  EXPECT_EQ(limited.handle(get("/rdap/help", "198.51.100.7")).status, 200U);  // another address
  clock_.advance(std::chrono::seconds(2));
  EXPECT_EQ(limited.handle(get("/rdap/help")).status, 200U);  // when Retry-After said
  EXPECT_EQ(limited.handle(get("/rdap/help")).status, 429U);
}

TEST_F(RdapEndpointTest, ACachedLookupIsRenderedAgainOnceTheDataChangeIsSeen) {
  Door fresh(store_->registrations(), clock_, Operator::registry, {}, std::chrono::seconds(1));
  const auto before = fresh.handle(get("/rdap/domain/legal.test"));
  EXPECT_EQ(fresh.handle(get("/rdap/domain/legal.test")).body, before.body);
  ssad::testing::change_legal_domain(*store_, {{"serverHold", ""}},
                                     ssad::testing::at("2026-02-01T00:00:00Z"));
  EXPECT_EQ(fresh.handle(get("/rdap/domain/legal.test")).body, before.body);  // within the check interval
  clock_.advance(std::chrono::seconds(1));
  const auto after = fresh.handle(get("/rdap/domain/legal.test"));
  EXPECT_THAT(after.body, ::testing::HasSubstr("\"server hold\""));
  EXPECT_THAT(after.body, ::testing::HasSubstr("2026-02-01T00:00:00Z"));
}

// Issue 9 item 7: the cache is keyed by the canonical request, so that case, label form, parameter order,
// unknown parameters and the Host header cannot multiply its entries; each client still reads the URL it
// asked for in the links' `value`, never another client's.
TEST_F(RdapEndpointTest, RequestsForOneObjectShareOneCacheEntryWhateverTheirSpelling) {
  Door door(store_->registrations(), clock_, Operator::registry);
  ASSERT_EQ(door.handle(get("/rdap/domain/legal.test")).status, 200U);
  ASSERT_EQ(door.endpoint.cached_lookups(), 1U);
  const std::vector<std::string> variants = {
      "/rdap/domain/LEGAL.Test", "/rdap/domain/legal.test?x=1", "/rdap/domain/legal.test?a=1&b=2",
      "/rdap/domain/legal.test?b=2&a=1", "/rdap/domain/legal.test?_=1717171717"};
  for (const auto& target : variants) {
    const auto r = door.handle(get(target));
    EXPECT_EQ(r.status, 200U) << target;
    EXPECT_THAT(r.body, ::testing::HasSubstr(R"("value":"https://rdap.example.test)" + target + "\""))
        << target;
    if (!target.ends_with("x=1")) {
      EXPECT_THAT(r.body, ::testing::Not(::testing::HasSubstr("x=1")))
          << target << " has another client's URL";
    }
  }
  for (const char* host : {"evil.example", "", "a\x01b", "rdap.example.test:443"}) {
    Request r = get("/rdap/domain/legal.test");
    r.headers[0].second = host;
    EXPECT_EQ(door.handle(r).status, 200U);
  }
  EXPECT_EQ(door.endpoint.cached_lookups(), 1U);
  // A U-label and its A-label are one name; a nameserver is another object.
  EXPECT_EQ(door.handle(get("/rdap/domain/b%C3%BCcher.test")).status, 200U);
  EXPECT_EQ(door.handle(get("/rdap/domain/XN--BCHER-KVA.test?lang=de")).status, 200U);
  EXPECT_EQ(door.handle(get("/rdap/nameserver/NS1.example.test")).status, 200U);
  EXPECT_EQ(door.endpoint.cached_lookups(), 3U);
  // A registrar by IANA ID: its plain spelling is kept; leading zeros are answered, not kept (they could
  // multiply entries, and "0042" may be a contact where "42" is a registrar).
  for (const char* target : {"/rdap/entity/1234", "/rdap/entity/01234", "/rdap/entity/0000000001234"}) {
    EXPECT_EQ(door.handle(get(target)).status, 200U) << target;
  }
  EXPECT_EQ(door.endpoint.cached_lookups(), 4U);
  // The cached body is the rendered one: served twice, the same bytes.
  EXPECT_EQ(door.handle(get("/rdap/domain/legal.test")).body,
            door.handle(get("/rdap/domain/legal.test")).body);
}

// Issue 9 item 7: a request with credentials never meets the anonymous cache, either way, and tells every
// cache on the way to keep its answer to itself. Proved before credentials mean anything.
// What the server's reading thread answers (Router::quick) and what it leaves to the workers: refusals and
// cached lookups are answered there, and answered exactly as handle() would; store work is left.
TEST_F(RdapEndpointTest, TheQuickPathAnswersRefusalsAndCachedLookupsAndLeavesStoreWorkToTheWorkers) {
  Door door(store_->registrations(), clock_, Operator::registry);
  Request first = get("/rdap/domain/legal.test");
  EXPECT_FALSE(door.router.quick(first).has_value());  // not cached yet: the service must render it
  const Response rendered = door.router.handle(first);
  Request again = get("/rdap/domain/LEGAL.test");
  const auto cached = door.router.quick(again);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, 200U);
  EXPECT_THAT(cached->body, ::testing::HasSubstr(R"("ldhName":"legal.test")"));
  EXPECT_THAT(cached->body, ::testing::HasSubstr("https://rdap.example.test/rdap/domain/LEGAL.test"));
  EXPECT_EQ(cached->body.size(), rendered.body.size());  // the same answer, with this request's URL
  Request search = get("/rdap/domains?name=exam*");
  EXPECT_FALSE(door.router.quick(search).has_value());
  Request bad = get("/rdap/domain/bad_label!.test");
  EXPECT_EQ(door.router.quick(bad)->status, 400U);
  Request post = get("/rdap/domain/legal.test");
  post.method = "POST";
  EXPECT_EQ(door.router.quick(post)->status, 405U);
  Request with_credentials = get("/rdap/domain/legal.test");
  with_credentials.headers.emplace_back("Authorization", "Bearer x");
  EXPECT_FALSE(door.router.quick(with_credentials).has_value());
  Request health = get("/healthz");
  EXPECT_EQ(door.router.quick(health)->status, 200U);
  Request ready = get("/readyz");
  EXPECT_FALSE(door.router.quick(ready).has_value());  // nothing counted yet: a worker's job
  EXPECT_EQ(door.router.handle(ready).status, 200U);
  Request ready_again = get("/readyz");
  EXPECT_EQ(door.router.quick(ready_again)->status, 200U);  // the counts of this data, from memory
  // When the data version is due for a check, the quick path leaves it (and the cached lookups) to a
  // worker rather than read the store on the reading thread.
  clock_.advance(std::chrono::seconds(2));
  Request later = get("/rdap/domain/LEGAL.test");
  EXPECT_FALSE(door.router.quick(later).has_value());
  Request ready_later = get("/readyz");
  EXPECT_FALSE(door.router.quick(ready_later).has_value());
}

TEST_F(RdapEndpointTest, ARequestWithCredentialsIsNeitherServedFromNorStoredInTheCache) {
  Door door(store_->registrations(), clock_, Operator::registry);
  for (const auto& [name, value] :
       {std::pair{"Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln"},
        std::pair{"Cookie", "session=abc"}, std::pair{"authorization", "Basic dTpw"}}) {
    SCOPED_TRACE(name);
    Request request = get("/rdap/domain/legal.test");
    request.headers.emplace_back(name, value);
    const auto r = door.handle(request);
    EXPECT_EQ(r.status, 200U);
    EXPECT_EQ(r.header("cache-control"), "private, no-store");
    EXPECT_EQ(r.header("vary"), "Authorization");
    EXPECT_EQ(door.endpoint.cached_lookups(), 0U);
    Request missing = get("/rdap/domain/nothere.test");
    missing.headers.emplace_back(name, value);
    EXPECT_EQ(door.handle(missing).header("cache-control"), "private, no-store");
  }
  // The anonymous answer is cached; a change not yet seen by the data-change tracker keeps it served...
  const auto anonymous = door.handle(get("/rdap/domain/legal.test"));
  EXPECT_EQ(anonymous.header("cache-control"), std::nullopt);
  EXPECT_EQ(door.endpoint.cached_lookups(), 1U);
  ssad::testing::change_legal_domain(*store_, {{"serverHold", ""}},
                                     ssad::testing::at("2026-02-01T00:00:00Z"));
  EXPECT_THAT(door.handle(get("/rdap/domain/legal.test")).body,
              ::testing::Not(::testing::HasSubstr("server hold")));
  // ...but a request with credentials is rendered from the store, not from the cache.
  Request with_credentials = get("/rdap/domain/legal.test");
  with_credentials.headers.emplace_back("Authorization", "Bearer x");
  EXPECT_THAT(door.handle(with_credentials).body, ::testing::HasSubstr("\"server hold\""));
}

// Issue 9 item 6: the rate limit is the router's, for every path, not only /rdap/; the health checks have
// buckets of their own.
TEST_F(RdapEndpointTest, EveryPathIsRateLimitedAndHealthChecksHaveTheirOwnBucket) {
  Door limited(store_->registrations(), clock_, Operator::registry, {.rate = 0.5, .burst = 2});
  EXPECT_EQ(limited.handle(get("/nothing/here")).status, 404U);
  EXPECT_EQ(limited.handle(get("/v1/whatever")).status, 404U);
  const auto refused = limited.handle(get("/nothing/here"));
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(refused.header("retry-after"), "2");
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  EXPECT_EQ(parse(refused.body)["status"].GetUint(), 429U);
  const auto rdap = limited.handle(get("/rdap/help"));  // the same bucket
  EXPECT_EQ(rdap.status, 429U);
  EXPECT_EQ(rdap.header("content-type"), "application/rdap+json");
  Request post = get("/rdap/help");
  post.method = "POST";
  EXPECT_EQ(limited.handle(post).status, 429U);  // refused before anything else is looked at
  // A load balancer's polling neither spends the queries' bucket nor is refused for it...
  EXPECT_EQ(limited.handle(get("/healthz")).status, 200U);
  EXPECT_EQ(limited.handle(get("/readyz")).status, 200U);
  // ...and is limited in its own.
  EXPECT_EQ(limited.handle(get("/healthz")).status, 429U);
  EXPECT_EQ(limited.handle(get("/healthz", "198.51.100.7")).status, 200U);
}

// A reader that counts the calls /readyz could make on every poll, and can be made to fail.
class CountingReader final : public store::RegistrationReader {
 public:
  explicit CountingReader(store::RegistrationReader& inner) : inner_(inner) {}
  Result<model::Registration> find_registration(std::string_view n) override {
    return inner_.find_registration(n);
  }
  Result<model::Contact> find_contact(std::string_view h) override { return inner_.find_contact(h); }
  Result<model::Host> find_host(std::string_view n) override { return inner_.find_host(n); }
  Result<model::Registrar> find_registrar(std::string_view h) override { return inner_.find_registrar(h); }
  Result<model::Registrar> find_registrar_by_iana_id(std::int64_t id) override {
    return inner_.find_registrar_by_iana_id(id);
  }
  Result<std::vector<std::string>> domains_by_registrar(std::string_view h,
                                                        const store::Page& page) override {
    return inner_.domains_by_registrar(h, page);
  }
  Result<std::vector<DomainName>> search(const store::NameSearch& q, const store::Page& page) override {
    return inner_.search(q, page);
  }
  Result<std::int64_t> count(const store::NameSearch& q) override { return inner_.count(q); }
  Result<store::StoreCounts> counts() override {
    ++counts_calls;
    return inner_.counts();
  }
  Result<std::optional<Timestamp>> data_updated() override {
    if (failing) return fail(ErrorCode::unavailable, "disk gone");
    return inner_.data_updated();
  }
  Result<std::optional<store::DepositRecord>> last_deposit() override { return inner_.last_deposit(); }
  Result<std::optional<store::DepositRecord>> find_deposit(std::string_view id) override {
    return inner_.find_deposit(id);
  }
  int counts_calls = 0;
  bool failing = false;

 private:
  store::RegistrationReader& inner_;
};

// Issue 9 item 6: /readyz is polled often; it counts the store's rows once per data change, not per call.
TEST_F(RdapEndpointTest, ReadyzCountsTheStoreOncePerDataChangeNotPerCall) {
  CountingReader reader(store_->registrations());
  Door door(reader, clock_, Operator::registry);
  const auto first = door.handle(get("/readyz"));
  ASSERT_EQ(first.status, 200U);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(door.handle(get("/readyz")).body, first.body);
  clock_.advance(std::chrono::seconds(5));  // the store is asked again for its last change: none
  EXPECT_EQ(door.handle(get("/readyz")).status, 200U);
  EXPECT_EQ(reader.counts_calls, 1);
  ssad::testing::change_legal_domain(*store_, {}, ssad::testing::at("2026-02-01T00:00:00Z"));
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(door.handle(get("/readyz")).status, 200U);
  EXPECT_EQ(reader.counts_calls, 2);
  reader.failing = true;  // the store cannot be read: not ready once that is seen
  clock_.advance(std::chrono::seconds(1));
  const auto unready = door.handle(get("/readyz"));
  EXPECT_EQ(unready.status, 503U);
  EXPECT_EQ(unready.header("content-type"), "application/problem+json");
}

TEST_F(RdapEndpointTest, AnExpiredCursorIsRefused) {
  auto first = service().handle(get("/rdap/domains?name=exam*.test"));
  const std::string next = parse(first.body)["paging_metadata"]["links"][0]["href"].GetString();
  const std::string target = next.substr(std::string("https://rdap.example.test").size());
  EXPECT_EQ(service().handle(get(target)).status, 200U);
  clock_.advance(std::chrono::hours(1) + std::chrono::seconds(1));
  const auto expired = service().handle(get(target));
  EXPECT_EQ(expired.status, 400U);
  EXPECT_THAT(expired.body, ::testing::HasSubstr("expired"));
}

TEST_F(RdapEndpointTest, OtherPathsGetProblemDetailsAndHealthAnswers) {
  const auto missing = service().handle(get("/nothing/here"));
  EXPECT_EQ(missing.status, 404U);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
  auto problem = parse(missing.body);
  EXPECT_EQ(problem["status"].GetUint(), 404U);
  EXPECT_STREQ(problem["title"].GetString(), "Not Found");
  EXPECT_FALSE(problem.HasMember("rdapConformance"));
  EXPECT_EQ(service().handle(get("/rdapx")).status, 404U);  // not under /rdap/
  EXPECT_EQ(service().handle(get("/rdapx")).header("content-type"), "application/problem+json");
  const auto health = service().handle(get("/healthz"));
  EXPECT_EQ(health.status, 200U);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  const auto ready = service().handle(get("/readyz"));
  EXPECT_EQ(ready.status, 200U);
  Request put = get("/healthz");
  put.method = "PUT";
  const auto refused = service().handle(put);
  EXPECT_EQ(refused.status, 405U);
  EXPECT_EQ(refused.header("allow"), "GET, HEAD");
  EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  Request with_body = get("/readyz");
  with_body.body = "{}";
  EXPECT_EQ(service().handle(with_body).status, 400U);
  EXPECT_THAT(ready.body, ::testing::HasSubstr(R"("domains":)"));
}

// /readyz names the registrars whose RDAP answers lack an abuse contact (issue 9, item 2): the store is
// ready, but their domains' answers fail the ICANN profile, and nothing is invented in their place.
TEST_F(RdapEndpointTest, ReadyzNamesTheRegistrarsWithoutAnAbuseContact) {
  {
    auto work = store_->begin().value();
    model::Registrar bare = ssad::testing::sample_registrar("bare", 4321);
    bare.name = "Bare Registrar";
    bare.abuse_email.clear();
    bare.abuse_phone.clear();
    ASSERT_TRUE(work->registrations().put_registrar(bare).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  cache::DataVersion version(store_->registrations(), clock_, std::chrono::seconds(1));
  cache::AbuseContactGaps gaps(store_->registrar_directory(), version);
  Readiness readiness(store_->registrations(), version, &gaps);
  const Response ready = readiness.handle(get("/readyz"));
  EXPECT_EQ(ready.status, 200U);
  EXPECT_EQ(ready.body, R"({"status":"ready","domains":)" +
                            std::to_string(store_->registrations().counts().value().domains) +
                            R"(,"registrars_without_abuse_contact_count":1)"
                            R"(,"registrars_without_abuse_contact":[{"iana_id":4321,"handle":"bare",)"
                            R"("name":"Bare Registrar","missing":["email","phone"]}]})");
}

// The endpoint is called from every server thread at once; the cache, the rate limiter and the data-change
// check must hold up while an import commits (run under TSan by make test-tsan).
TEST_F(RdapEndpointTest, ServesConcurrentQueriesWhileTheDataChanges) {
  const SystemClock real;  // the threads race the commits: no fake time needed
  Door shared(store_->registrations(), real, Operator::registry, {.rate = 1000000, .burst = 1000000},
              std::chrono::milliseconds(0));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const char* targets[] = {"/rdap/domain/legal.test", "/rdap/domain/natural.test",
                               "/rdap/domains?name=exam*", "/rdap/nameserver/ns1.example.test",
                               "/rdap/domain/nothere.test"};
      for (int i = 0; i < 100; ++i) {
        const auto r = shared.handle(get(targets[(i + t) % 5], "192.0.2." + std::to_string(t)));
        if (r.status != 200 && r.status != 404) ++failures;
      }
    });
  }
  for (int i = 0; i < 5; ++i) {
    ssad::testing::change_legal_domain(*store_, {},
                                       ssad::testing::at("2026-03-01T00:00:00Z") + std::chrono::seconds(i));
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_THAT(shared.handle(get("/rdap/domain/legal.test")).body,
              ::testing::HasSubstr("2026-03-01T00:00:04Z"));
}

}  // namespace
}  // namespace ssad::http
