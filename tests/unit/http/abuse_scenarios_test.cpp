// Issue 14 item 4: simulated traffic of the seeds' requestors and of scrapers through a real server on
// port 0 (served_fixture.hpp), with abuse monitoring at the shipped thresholds (config::AbuseConfig's
// defaults, as ssad.toml without an [abuse] table gives them) and the shipped anonymous limits
// (rdap.rate_limit_*), time from the fixture's FakeClock. Each test is one row of the table in docs/abuse.md
// and prints it:
//   "[ scenario ] <name> | <requests> | <outcome>".
// Requestors stand behind a trusted proxy at 127.0.0.1 that names their address in X-Forwarded-For. The
// node syncs its usage with the store every five simulated minutes (the composition root does it every
// abuse.sync_seconds), so that baselines and throttles come and go as they do in `ssad serve`.

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "unit/http/served_fixture.hpp"

namespace ssad::http {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kRegistered = 2500;  // registered names besides the RDAP fixture's

// What one scenario saw.
struct Tally {
  std::size_t requests = 0;
  std::map<unsigned, std::size_t> statuses;
  std::optional<std::size_t> first_refusal;  // the number of the first request refused 403 or 429 (from 1)

  void count(unsigned status) {
    ++requests;
    ++statuses[status];
    if ((status == 403 || status == 429) && !first_refusal) first_refusal = requests;
  }
  [[nodiscard]] std::size_t refused() const {
    return (statuses.contains(403) ? statuses.at(403) : 0) + (statuses.contains(429) ? statuses.at(429) : 0);
  }
};

class AbuseScenariosTest : public ServedV1Test {
 protected:
  void SetUp() override {
    ServedV1Test::SetUp();
    if (HasFatalFailure()) return;
    register_domains();
    last_sync_ = clock_.now();
  }

  // kRegistered names in random order of no pattern ("k3v9q2….test"), ten attack domains of a network
  // operator's incident ("attack0.test" …), and one in fifty of the scraper's sweep ("w00000.test", …).
  void register_domains() {
    std::mt19937_64 random(14);
    auto work = store_->begin().value();
    auto& w = work->registrations();
    const auto put = [&](const std::string& name, std::size_t n) {
      model::Domain d = testing::sample_domain(name.c_str(), ("DS" + std::to_string(n) + "-TEST").c_str());
      d.contacts = {{model::ContactRole::registrant, n % 2 == 0 ? "nat1" : "leg1"}};
      ASSERT_TRUE(w.put_domain(d).has_value()) << name;
    };
    for (std::size_t i = 0; i < kRegistered; ++i) {
      std::string label;
      for (int c = 0; c < 10; ++c) label += "abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36];
      registered_.push_back(label + ".test");
      put(registered_.back(), i);
    }
    for (std::size_t i = 0; i < 10; ++i) put("attack" + std::to_string(i) + ".test", kRegistered + i);
    for (std::size_t i = 0; i < 10000; i += 50) put(sweep_name(i), kRegistered + 10 + i);
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }

  static std::string sweep_name(std::size_t i) {
    char name[32];
    std::snprintf(name, sizeof name, "w%05zu.test", i);
    return name;
  }

  // An authorised lookup of `domain` for `purpose` by `who` from `address`.
  Response lookup(const Account& who, const std::string& domain, const std::string& address = "192.0.2.10",
                  const std::string& purpose = "criminalInvestigationAndDNSAbuseMitigation") {
    return from(address, "GET", "/rdap/domain/" + domain + "?farv1_qp=" + purpose, who.key);
  }

  Response anonymous(const std::string& domain, const std::string& address) {
    return from(address, "GET", "/rdap/domain/" + domain);
  }

  // A disclosure request for the registrant's email of `domain`.
  Response file(const Account& who, const std::string& domain, const std::string& purpose) {
    const std::string body =
        R"j({"domain":")j" + domain + R"j(","purpose":")j" + purpose +
        R"j(","lawful_basis":"6(1)(f)","priority":"P3",)j"
        R"j("justification":"The domain hosts a phishing page aimed at our customers; we need its holder.",)j"
        R"j("fields":[{"key":"registrant.email","why":"to reach the holder about the phishing page"}],)j"
        R"j("terms":{"version":")j" +
        std::string(kTermsVersion) +
        R"j(","good_faith":true,"lawful_processing":true},"retention":{"days":30}})j";
    return from("192.0.2.10", "POST", "/v1/requests", who.key, body);
  }

  // Lets `span` of simulated time pass, syncing every five minutes as the node's timer would.
  void pass(milliseconds span) {
    clock_.advance(span);
    if (clock_.now() - last_sync_ >= minutes(5)) {
      ASSERT_TRUE(monitor_->sync().has_value());
      last_sync_ = clock_.now();
    }
  }

  // The strongest action taken against `who`, "none" when no case was opened.
  std::string strongest(const Account& who) {
    std::optional<store::AbuseAction> worst;
    for (const auto& c : cases_of(who)) {
      if (!worst || static_cast<int>(c.action) > static_cast<int>(*worst)) worst = c.action;
    }
    return worst ? std::string(store::to_string(*worst)) : "none";
  }
  std::string detectors_of(const Account& who) {
    std::string out;
    for (const auto& c : cases_of(who)) {
      out += (out.empty() ? "" : ", ") + c.detector + " → " + std::string(store::to_string(c.action));
    }
    return out.empty() ? "no case" : out;
  }

  static void report(const std::string& scenario, const Tally& tally, const std::string& outcome) {
    std::cout << "[ scenario ] " << scenario << " | " << tally.requests << " | " << outcome << "\n";
  }

  std::vector<std::string> registered_;
  Timestamp last_sync_;
};

// Seed 000: a network operator under attack looks up its attack domains 300 times an hour for a day.
TEST_F(AbuseScenariosTest, ANetworkOperatorUnderAttackIsNeverThrottled) {
  const Account noc = requestor("noc-under-attack", "network_operator");
  Tally tally;
  for (int hour = 0; hour < 24; ++hour) {
    for (int i = 0; i < 300; ++i) {
      const Response response =
          lookup(noc, "attack" + std::to_string(i % 10) + ".test", "192.0.2.20", "technicalIssueResolution");
      tally.count(response.status);
      ASSERT_EQ(response.status, 200U) << "hour " << hour << ", lookup " << i << ": " << response.body;
      pass(seconds(12));
    }
  }
  EXPECT_EQ(tally.refused(), 0U);
  for (const auto& c : cases_of(noc)) EXPECT_EQ(c.action, store::AbuseAction::flag) << c.detector;
  report("network operator under attack: 300 lookups/h of 10 attack domains for 24 h", tally,
         "never throttled; " + detectors_of(noc));
}

// Seed 001: an investigator makes 2,000 varied lookups and disclosure requests in a day.
TEST_F(AbuseScenariosTest, AnInvestigatorsVariedDayIsNeverThrottled) {
  const Account investigator = requestor("gamma-investigations", "investigator");
  std::mt19937_64 random(2000);
  Tally tally;
  for (int i = 0; i < 2000; ++i) {
    const std::string& domain = registered_[random() % registered_.size()];
    Response response;
    if (i % 20 == 0) {  // 100 disclosure requests
      response = file(investigator, domain, "criminalInvestigationAndDNSAbuseMitigation");
      ASSERT_EQ(response.status, 201U) << response.body << " " << domain;
    } else if (i % 10 == 3) {  // one lookup in ten is of a name already deleted
      response = lookup(investigator, "gone" + std::to_string(random() % 100000) + ".test");
      ASSERT_EQ(response.status, 404U) << response.body;
    } else {
      response = lookup(investigator, domain);
      ASSERT_EQ(response.status, 200U) << response.body;
    }
    tally.count(response.status);
    pass(milliseconds(43200));  // 2,000 in 24 hours
  }
  EXPECT_EQ(tally.refused(), 0U);
  for (const auto& c : cases_of(investigator)) EXPECT_EQ(c.action, store::AbuseAction::flag) << c.detector;
  report("investigator: 1,900 varied lookups (10 % not found) and 100 disclosure requests in 24 h", tally,
         "never throttled; " + detectors_of(investigator));
}

// A CERT with a week of steady use whose volume doubles for two days of an incident.
TEST_F(AbuseScenariosTest, ACertWhoseVolumeDoublesInAnIncidentIsFlaggedAtMost) {
  const Account cert = requestor("delta-cert", "cert");
  std::mt19937_64 random(7);
  Tally tally;
  for (int day = 0; day < 9; ++day) {
    const int per_hour = day < 7 ? 30 : 60;  // ten working hours a day: 300 a day, then 600
    for (int hour = 0; hour < 10; ++hour) {
      for (int i = 0; i < per_hour; ++i) {
        const Response response = lookup(cert, registered_[random() % registered_.size()], "192.0.2.30",
                                         "technicalIssueResolution");
        tally.count(response.status);
        ASSERT_EQ(response.status, 200U) << "day " << day << ": " << response.body;
        pass(milliseconds(3600000 / per_hour));
      }
    }
    pass(hours(14));
  }
  EXPECT_EQ(tally.refused(), 0U);
  for (const auto& c : cases_of(cert)) EXPECT_EQ(c.action, store::AbuseAction::flag) << c.detector;
  report("CERT: 300 lookups a day for 7 days, then 600 a day for 2 days of an incident", tally,
         "never blocked; " + detectors_of(cert));
}

// A scraper sweeping 10,000 generated names as fast as it is answered (five a second).
TEST_F(AbuseScenariosTest, AScraperSweepingGeneratedNamesIsSuspendedWithinItsFirst500Requests) {
  const Account scraper = requestor("scrape-co", "investigator");
  const std::string spare_key =
      directory_->create_key(audit::console_operator(), scraper.user, std::nullopt, "a second key")->key;
  Tally tally;
  for (std::size_t i = 0; i < 10000; ++i) {
    const Response response = lookup(scraper, sweep_name(i), "198.51.100.66");
    tally.count(response.status);
    if (response.status == 403) break;
    pass(milliseconds(200));
  }
  ASSERT_TRUE(tally.first_refusal.has_value()) << "never stopped";
  EXPECT_LE(*tally.first_refusal, 500U);
  EXPECT_EQ(strongest(scraper), "suspend_credential");
  const std::size_t suspended_at = *tally.first_refusal;
  // It stays stopped: further lookups, filings, and a fresh key it would make itself are refused.
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(lookup(scraper, sweep_name(9000 + i)).status, 403U);
  EXPECT_EQ(file(scraper, registered_[0], "criminalInvestigationAndDNSAbuseMitigation").status, 403U);
  // Its other key still works (the credential was suspended, not the user), but cannot make a new one.
  EXPECT_EQ(lookup(Account{scraper.user, "", "", spare_key}, registered_[1]).status, 200U);
  Request make_key = request("POST", "/v1/keys", spare_key, R"({"expires":"2026-06-01T00:00:00Z"})");
  const Response refused_key = client_->exchange(make_key);
  EXPECT_EQ(refused_key.status, 403U) << refused_key.body;
  report("scraper: 10,000 generated names in sequence, 5 a second", tally,
         "suspended at request " + std::to_string(suspended_at) + "; " + detectors_of(scraper));
}

// A slow scraper: one lookup a minute of names in sequence ("aaa-slow.test", "aab-slow.test", …).
TEST_F(AbuseScenariosTest, ASlowScraperOfSequentialNamesIsCaughtWithinADay) {
  const Account scraper = requestor("slow-scrape", "investigator");
  Tally tally;
  std::optional<int> flagged_minute;
  std::optional<int> stopped_minute;
  for (int minute = 0; minute < 24 * 60; ++minute) {
    std::string label = "aaa";
    for (int n = minute, i = 2; i >= 0; --i, n /= 26)
      label[static_cast<std::size_t>(i)] = static_cast<char>('a' + n % 26);
    const Response response = lookup(scraper, label + "-slow.test", "198.51.100.77");
    tally.count(response.status);
    if (!flagged_minute && !cases_of(scraper).empty()) flagged_minute = minute;
    if (response.status == 403) {
      stopped_minute = minute;
      break;
    }
    pass(minutes(1));
  }
  ASSERT_TRUE(flagged_minute.has_value()) << "not caught in a day";
  ASSERT_TRUE(stopped_minute.has_value()) << "flagged but not stopped in a day";
  EXPECT_LT(*stopped_minute, 24 * 60);
  report("slow scraper: one lookup a minute of names in sequence", tally,
         "flagged after " + std::to_string(*flagged_minute + 1) + " minutes, suspended after " +
             std::to_string(*stopped_minute) + " minutes; " + detectors_of(scraper));
}

// One API key used from 30 addresses within half an hour, by an organisation that shares it.
TEST_F(AbuseScenariosTest, ACredentialSharedAcrossManyAddressesIsFlagged) {
  const Account shared = requestor("shared-key-corp", "investigator");
  std::mt19937_64 random(30);
  Tally tally;
  for (int i = 0; i < 30; ++i) {
    const Response response =
        lookup(shared, registered_[random() % registered_.size()], "203.0.113." + std::to_string(i + 1));
    tally.count(response.status);
    EXPECT_EQ(response.status, 200U);  // a flag only: every lookup is answered
    pass(minutes(1));
  }
  EXPECT_EQ(tally.refused(), 0U);
  const auto opened = cases_of(shared);
  ASSERT_EQ(opened.size(), 1U);
  EXPECT_EQ(opened[0].detector, "shared_credential");
  EXPECT_EQ(opened[0].action, store::AbuseAction::flag);
  report("one API key from 30 addresses in 30 minutes", tally, "flagged; " + detectors_of(shared));
}

// Anonymous clients at the shipped limit (rdap.rate_limit_per_second = 10, burst 100): one at 9.5 a second
// for five minutes is never refused; one sending 300 at once gets 429 with a Retry-After it can honour.
TEST_F(AbuseScenariosTest, AnAnonymousClientUnderTheLimitIsNeverRefusedAndOneOverItGets429WithRetryAfter) {
  Tally under;
  for (milliseconds t{0}; t < minutes(5); t += milliseconds(105)) {
    const Response response = anonymous(registered_[under.requests % registered_.size()], "192.0.2.99");
    under.count(response.status);
    ASSERT_NE(response.status, 429U) << "after " << t.count() << " ms";
    clock_.advance(milliseconds(105));
  }
  Tally over;
  std::optional<Response> refused;
  for (int i = 0; i < 300; ++i) {
    Response response = anonymous("legal.test", "192.0.2.98");
    over.count(response.status);
    if (response.status == 429 && !refused) refused = std::move(response);
  }
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(over.statuses[200], 100U);  // the burst
  EXPECT_EQ(refused->header("Content-Type"), "application/rdap+json");
  const auto retry = refused->header("Retry-After");
  ASSERT_TRUE(retry.has_value());
  clock_.advance(seconds(std::stoll(std::string(*retry))));
  EXPECT_EQ(anonymous("legal.test", "192.0.2.98").status, 200U);
  report("anonymous client at 9.5 lookups/s for 5 minutes (limit 10/s, burst 100)", under, "never refused");
  report("anonymous client sending 300 lookups at once", over,
         "first 100 answered, then 429 with Retry-After " + std::string(*retry) + " s; answered after it");
}

}  // namespace
}  // namespace ssad::http
