// Review of issue 14 (abuse monitoring) from an attacker's side, through a real server on port 0
// (served_fixture.hpp: shipped thresholds, a trusted proxy at 127.0.0.1 naming the client in
// X-Forwarded-For, the fake clock). Each test states what should hold; each failed on the code as first
// reviewed.

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/http/served_fixture.hpp"

namespace ssad::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// seed-001-abuse-investigation: the registrant's name, address, email and phone to investigators.
constexpr const char* kPurpose = "criminalInvestigationAndDNSAbuseMitigation&ssad_abuse_type=phishing";

class AbuseAttacksTest : public ServedV1Test {
 protected:
  void SetUp() override {
    ServedV1Test::SetUp();
    if (HasFatalFailure()) return;
    register_domains();
  }

  // 600 registered names "zq000.test" … "zq599.test", half with a natural-person registrant.
  void register_domains() {
    auto work = store_->begin().value();
    auto& w = work->registrations();
    for (std::size_t i = 0; i < kZone; ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "zq%03zu.test", i);
      model::Domain d = testing::sample_domain(name, ("ZQ" + std::to_string(i) + "-TEST").c_str());
      d.contacts = {{model::ContactRole::registrant, i % 2 == 0 ? "nat1" : "leg1"}};
      ASSERT_TRUE(w.put_domain(d).has_value()) << name;
    }
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }

  Response get(const Account& who, const std::string& target, const std::string& address) {
    return from(address, "GET", target, who.key);
  }

  // The `next` link of a search page, as a target on this server ("" on the last page).
  static std::string next_of(const std::string& body) {
    rapidjson::Document document;
    document.Parse(body.c_str(), body.size());
    if (!document.IsObject() || !document.HasMember("paging_metadata")) return {};
    const auto& paging = document["paging_metadata"];
    if (!paging.HasMember("links")) return {};
    const auto& links = paging["links"];
    for (const auto& link : links.GetArray()) {
      if (std::string(link["rel"].GetString()) == "next") {
        std::string href = link["href"].GetString();
        return href.substr(href.find("/rdap/"));
      }
    }
    return {};
  }
  static std::size_t results_of(const std::string& body) {
    rapidjson::Document document;
    document.Parse(body.c_str(), body.size());
    if (!document.IsObject() || !document.HasMember("domainSearchResults")) return 0;
    return document["domainSearchResults"].Size();
  }

  static constexpr std::size_t kZone = 600;
};

// Finding: an accredited search returns up to 50 full objects per page, rendered with the caller's
// disclosure decision, and counts as one "lookup" of volume only: no domain enters the sweep, the
// not-found sample or the distinct sketch. 12 pages carry 600 registrations; at the volume floor (500
// requests an hour, a flag at most) that is 25,000 records an hour, 600,000 a day, and no case at all.
TEST_F(AbuseAttacksTest, PagingThroughSearchesIsNoticedLikeTheLookupsItReplaces) {
  const Account scraper = requestor("search-scrape", "investigator");
  std::size_t pages = 0;
  std::size_t records = 0;
  std::size_t registrant_emails = 0;
  std::string target = "/rdap/domains?name=zq*.test&farv1_qp=" + std::string(kPurpose);
  while (!target.empty() && pages < 100) {
    const Response page = get(scraper, target, "198.51.100.5");
    ASSERT_EQ(page.status, 200U) << page.body;
    ++pages;
    records += results_of(page.body);
    // The sample registrants' own addresses (not the registrar's abuse address), disclosed by the policy.
    for (std::size_t at = page.body.find("@mail.example"); at != std::string::npos;
         at = page.body.find("@mail.example", at + 1)) {
      ++registrant_emails;
    }
    target = next_of(page.body);
    clock_.advance(seconds(2));
  }
  std::cout << "[ attack ] " << pages << " search pages returned " << records << " registrations ("
            << registrant_emails << " registrants' email addresses); cases: " << cases_of(scraper).size()
            << "\n";
  ASSERT_EQ(records, kZone) << "the search pages reach every registration";
  EXPECT_GE(registrant_emails, kZone / 2) << "the natural registrants' emails are disclosed in the pages";
  ASSERT_TRUE(monitor_->sync().has_value());
  EXPECT_FALSE(cases_of(scraper).empty())
      << "every registration of the zone read in " << pages << " requests without a case";
}

// Finding (low under the default policy, which answers 404 for a natural person's handle and renders a
// contact with what every role would disclose): an entity lookup sets no domain, so it never enters the
// sweep, the not-found sample or the distinct sketch. A sweep of contact handles, every one not found, is
// volume only (a flag above 500 an hour); under a policy that discloses contacts it is a free scrape.
TEST_F(AbuseAttacksTest, ASweepOfContactHandlesIsSuspendedLikeASweepOfDomainNames) {
  const Account scraper = requestor("handle-scrape", "investigator");
  std::size_t made = 0;
  bool refused = false;
  for (; made < 1000 && !refused; ++made) {
    char handle[32];
    std::snprintf(handle, sizeof handle, "C%06zu-TEST", made);
    const Response response =
        get(scraper, "/rdap/entity/" + std::string(handle) + "?farv1_qp=" + kPurpose, "198.51.100.6");
    ASSERT_NE(response.status, 500U) << response.body;
    refused = response.status == 403 || response.status == 429;
    clock_.advance(milliseconds(200));
  }
  ASSERT_TRUE(monitor_->sync().has_value());
  std::string detectors;
  for (const auto& c : cases_of(scraper))
    detectors += c.detector + "→" + std::string(to_string(c.action)) + " ";
  std::cout << "[ attack ] " << made << " sequential contact handles; cases: " << detectors << "\n";
  EXPECT_TRUE(refused) << made << " sequential contact handles, every one not found, never refused";
}

// Finding (framing): the failed-credential bucket is keyed by client address and, once empty, refuses
// every request with credentials from that address "before any credential is checked, a valid one's
// too". Anyone who shares the address — a NAT, a carrier-grade NAT, an IPv6 /64 of a hosting provider —
// sends 20 requests with made-up keys (then one every 6 s) and the CERT behind it is refused 429 on its
// valid key: a legitimate requestor rate-limited by someone else.
TEST_F(AbuseAttacksTest, ForgedKeysFromASharedAddressDoNotRefuseAValidKeyFromIt) {
  const Account cert = requestor("shared-nat-cert", "cert");
  const std::string shared = "203.0.113.77";  // the NAT's public address
  ASSERT_EQ(get(cert, "/rdap/domain/zq001.test?farv1_qp=technicalIssueResolution", shared).status, 200U);
  for (int i = 0; i < 20; ++i) {
    Request forged = request("GET", "/rdap/domain/zq002.test", "ssad_made_up_key_" + std::to_string(i));
    forged.headers.emplace_back("X-Forwarded-For", shared);
    ASSERT_EQ(client_->exchange(forged).status, 401U) << i;
  }
  const Response answered = get(cert, "/rdap/domain/zq003.test?farv1_qp=technicalIssueResolution", shared);
  EXPECT_EQ(answered.status, 200U) << "the CERT's valid key, refused because of another client's forgeries: "
                                   << answered.body;
}

}  // namespace
}  // namespace ssad::http
