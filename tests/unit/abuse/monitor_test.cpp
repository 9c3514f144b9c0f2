// Abuse monitoring of accredited use (issue 14): the detectors over a requestor's usage, the graduated
// actions they take through the store (cases, audit entries, suspensions in the requestor directory,
// alerts in the outbox), lifting, expiry, and two nodes on one database seeing a requestor whole. On
// SQLite and on PostgreSQL; time from the fake clock. The traffic of the seeds' use cases through the
// real server is tests/unit/http/abuse_scenarios_test.cpp.

#include "abuse/monitor.hpp"

#include <bit>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "abuse/distinct.hpp"
#include "abuse/enforcement.hpp"
#include "audit/entry.hpp"
#include "identity/directory.hpp"
#include "policy/rules.hpp"
#include "support/fake_clock.hpp"
#include "support/store_backends.hpp"

namespace ssad::abuse {
namespace {

using namespace std::chrono_literals;

Timestamp at(std::string_view text) { return parse_rfc3339(text).value(); }

// The rank DistinctCounter::add gives a hash (1 + trailing zeros above the 6 register bits).
unsigned rank_of(std::uint64_t hash) {
  const std::uint64_t rest = hash >> 6U;
  return rest == 0 ? 59U : static_cast<unsigned>(std::countr_zero(rest)) + 1U;
}

class MonitorTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    clock_.set_wall(at("2026-03-02T09:00:00Z"));
    store_ = GetParam().open(place_);
    identity::Directory directory(*store_, policy::Rules::builtin(), clock_);
    const audit::Actor console{"operator", "test"};
    org_ = directory.add_organisation(console, {.name = "Scrapers Inc"}, "test")->id;
    user_ = directory.add_user(console, {.org_id = org_, .email = "bot@scrapers.example"}, "test")->id;
    accreditation_ = directory
                         .add_accreditation(console,
                                            {.org_id = org_,
                                             .group = "investigator",
                                             .authority = "Test AA",
                                             .valid_until = at("2030-01-01T00:00:00Z")},
                                            "test")
                         ->id;
    key_ = directory.create_key(console, user_, std::nullopt, "test")->record.id;
    second_key_ = directory.create_key(console, user_, std::nullopt, "test")->record.id;
  }

  void start(MonitorSettings settings = {}, std::string webhook = "") {
    settings.node = "node-a";
    enforcement_ = std::make_unique<Enforcement>(*store_, clock_,
                                                 EnforcementSettings{.webhook_url = std::move(webhook)});
    monitor_ = std::make_unique<Monitor>(*store_, clock_, settings, enforcement_.get());
  }

  Use lookup(const std::string& domain, bool found, std::string_view key = {}) {
    names_.push_back(domain);
    Use use;
    use.kind = Use::Kind::lookup;
    use.outcome = found ? Use::Outcome::ok : Use::Outcome::not_found;
    use.user_id = user_;
    use.org_id = org_;
    use.credential_id = key.empty() ? std::string_view(key_) : key;
    use.accreditation_id = accreditation_;
    use.group = "investigator";
    use.domain = names_.back();
    use.address = "192.0.2.10";
    return use;
  }

  bool suspended(const std::string& key) { return store_->requestors().api_key(key)->suspended.has_value(); }
  bool any_case_of(std::string_view detector) {
    const auto all = cases({});
    return std::any_of(all.begin(), all.end(),
                       [&](const store::AbuseCase& c) { return c.detector == detector; });
  }

  std::vector<store::AbuseCase> cases(std::vector<store::CaseState> states = {store::CaseState::open}) {
    store::CaseFilter filter;
    filter.states = std::move(states);
    return store_->abuse().cases(filter, {.after = "", .limit = 100}).value();
  }

  std::vector<audit::Entry> audit_entries(std::string_view action) {
    std::vector<audit::Entry> found;
    const auto head = store_->audit_log().head().value();
    const auto records = store_->audit_log().entries(0, head.size).value();
    for (const auto& record : records) {
      auto entry = audit::decode(record.encoding).value();
      if (entry.action == action) found.push_back(std::move(entry));
    }
    return found;
  }

  testing::StorePlace place_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Enforcement> enforcement_;
  std::unique_ptr<Monitor> monitor_;
  std::deque<std::string> names_;  // the Uses' domains point into it
  std::string org_;
  std::string user_;
  std::string accreditation_;
  std::string key_;
  std::string second_key_;
};

TEST(DistinctCounterTest, EstimatesWithinAQuarterAndMergesLikeOneCounter) {
  for (const int n : {10, 100, 1000, 5000, 20000}) {
    DistinctCounter counter;
    DistinctCounter first_half;
    DistinctCounter second_half;
    for (int i = 0; i < n; ++i) {
      const std::string name = "name" + std::to_string(i) + ".example";
      counter.add(stable_hash(name));
      counter.add(stable_hash(name));  // repeats do not count
      (i % 2 == 0 ? first_half : second_half).add(stable_hash(name));
    }
    EXPECT_NEAR(counter.estimate(), n, n * 0.25) << n;
    first_half.merge(second_half);
    EXPECT_EQ(first_half.registers(), counter.registers()) << n;
  }
  EXPECT_EQ(DistinctCounter().estimate(), 0);
  EXPECT_EQ(stable_hash("example.com"), stable_hash("example.com"));
}

TEST_P(MonitorTest, AGeneratedSweepOfMissingNamesSuspendsTheCredentialWithinTwoHundredLookups) {
  start();
  int used = 0;
  for (; used < 500; ++used) {
    char name[32];
    std::snprintf(name, sizeof name, "gen%05d.example", used);
    ASSERT_FALSE(monitor_->admit(user_, key_).has_value());
    monitor_->record(lookup(name, used % 10 == 0));
    clock_.advance(200ms);
    if (store_->requestors().api_key(key_)->suspended) break;
  }
  EXPECT_LE(used, 200);
  const auto key = store_->requestors().api_key(key_).value();
  ASSERT_TRUE(key.suspended.has_value());
  // The other key of the same user is not touched: the credential, not the user, is suspended.
  EXPECT_FALSE(store_->requestors().api_key(second_key_)->suspended.has_value());

  const auto open = cases();
  const auto suspension = std::find_if(open.begin(), open.end(), [](const store::AbuseCase& c) {
    return c.action == store::AbuseAction::suspend_credential;
  });
  ASSERT_NE(suspension, open.end());
  EXPECT_EQ(suspension->detector, "enumeration");
  EXPECT_EQ(suspension->credential_id, key_);
  EXPECT_NE(suspension->evidence.find("\"sequential_sweep\""), std::string::npos) << suspension->evidence;
  EXPECT_NE(suspension->evidence.find("\"not_found_ratio\""), std::string::npos) << suspension->evidence;
  // No domain name, no address in the evidence: counts and thresholds only.
  EXPECT_EQ(suspension->evidence.find("example"), std::string::npos);
  EXPECT_EQ(suspension->evidence.find("192.0.2"), std::string::npos);

  const auto entries = audit_entries("abuse.suspend_credential");
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].object.kind, "credential");
  EXPECT_EQ(entries[0].object.id, key_);
}

TEST_P(MonitorTest, VariedLookupsOfRegisteredNamesOpenNoCase) {
  start();
  // An investigator: 2,000 lookups of unrelated names in a day, a tenth of them already deleted.
  std::uint64_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const std::string name = "case" + std::to_string(state >> 40U) + ".example";
    ASSERT_FALSE(monitor_->admit(user_, key_).has_value());
    monitor_->record(lookup(name, i % 10 != 3));
    clock_.advance(43s);
    if (i % 50 == 0) {
      ASSERT_TRUE(monitor_->sync());
    }
  }
  EXPECT_TRUE(cases().empty());
}

TEST_P(MonitorTest, MalformedRequestsThrottleTheCredentialUntilTheThrottleRunsOut) {
  MonitorSettings settings;
  settings.malformed.per_hour = 20;
  settings.throttle.per_minute = 6;
  settings.throttle.duration = 2h;
  start(settings);
  for (int i = 0; i < 20; ++i) {
    Use use = lookup("", true);
    use.outcome = Use::Outcome::malformed;
    monitor_->record(use);
  }
  const auto open = cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].action, store::AbuseAction::throttle);
  EXPECT_EQ(open[0].detector, "malformed");
  ASSERT_TRUE(open[0].until.has_value());
  EXPECT_EQ(*open[0].until, clock_.now() + 2h);

  // Six a minute, then told when to come back; the other key of the user is not throttled.
  for (int i = 0; i < 6; ++i) {
    EXPECT_FALSE(monitor_->admit(user_, key_).has_value()) << i;
  }
  const auto refused = monitor_->admit(user_, key_);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->case_id, open[0].id);
  EXPECT_GE(refused->retry_after.count(), 1);
  EXPECT_LE(refused->retry_after.count(), 10);
  EXPECT_FALSE(monitor_->admit(user_, second_key_).has_value());
  clock_.advance(refused->retry_after);
  EXPECT_FALSE(monitor_->admit(user_, key_).has_value());

  clock_.advance(2h);
  ASSERT_TRUE(monitor_->sync());
  EXPECT_TRUE(cases().empty());
  EXPECT_EQ(cases({store::CaseState::expired}).size(), 1U);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(monitor_->admit(user_, key_).has_value());
  EXPECT_EQ(audit_entries("abuse.throttle").size(), 1U);
  EXPECT_EQ(audit_entries("abuse.expire").size(), 1U);
}

TEST_P(MonitorTest, LiftingASuspensionRestoresTheKeyAndTheSameEvidenceDoesNotReopenIt) {
  start({}, "https://alerts.operator.example/abuse");
  for (int i = 0; i < 300 && !store_->requestors().api_key(key_)->suspended; ++i) {
    monitor_->record(lookup("sweep" + std::to_string(1000 + i) + ".example", false));
  }
  ASSERT_TRUE(store_->requestors().api_key(key_)->suspended.has_value());
  auto open = cases();
  const auto suspension = std::find_if(open.begin(), open.end(), [](const store::AbuseCase& c) {
    return c.action == store::AbuseAction::suspend_credential;
  });
  ASSERT_NE(suspension, open.end());

  EXPECT_EQ(enforcement_->lift({"operator", "admin"}, suspension->id, "").error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(enforcement_->lift({"operator", "admin"}, "case_nope", "x").error().code, ErrorCode::not_found);
  const auto lifted = enforcement_->lift({"operator", "admin"}, suspension->id, "false positive: a test run");
  ASSERT_TRUE(lifted) << lifted.error().message;
  EXPECT_EQ(lifted->state, store::CaseState::lifted);
  EXPECT_FALSE(store_->requestors().api_key(key_)->suspended.has_value());
  EXPECT_EQ(enforcement_->lift({"operator", "admin"}, suspension->id, "again").error().code,
            ErrorCode::conflict);
  monitor_->forget(user_);
  EXPECT_EQ(audit_entries("abuse.lift").size(), 1U);

  // The alerts went to the webhook through the outbox: opened and lifted, no domain name in them.
  const auto alerts = store_->outbox().list("", {.after = "", .limit = 100}).value();
  std::size_t opened = 0;
  std::size_t lifted_alerts = 0;
  for (const auto& n : alerts) {
    EXPECT_EQ(n.destination, "https://alerts.operator.example/abuse");
    EXPECT_EQ(n.body.find("sweep"), std::string::npos);
    if (n.subject == "abuse.case_opened") ++opened;
    if (n.subject == "abuse.case_lifted") ++lifted_alerts;
  }
  EXPECT_GE(opened, 1U);
  EXPECT_EQ(lifted_alerts, 1U);
}

TEST_P(MonitorTest, SecondSuspendedCredentialOfAnOrganisationSuspendsItsAccreditation) {
  start();
  for (const std::string& key : {key_, second_key_}) {
    for (int i = 0; i < 300 && !store_->requestors().api_key(key)->suspended; ++i) {
      monitor_->record(lookup("k" + key.substr(4, 3) + std::to_string(10000 + i) + ".example", false, key));
    }
    ASSERT_TRUE(store_->requestors().api_key(key)->suspended.has_value()) << key;
    monitor_->forget(user_);
  }
  const auto accreditation = store_->requestors().accreditation(accreditation_).value();
  EXPECT_EQ(accreditation.status, model::AccreditationStatus::suspended);
  const auto open = cases();
  const auto escalation = std::find_if(open.begin(), open.end(), [](const store::AbuseCase& c) {
    return c.action == store::AbuseAction::suspend_accreditation;
  });
  ASSERT_NE(escalation, open.end());
  EXPECT_EQ(escalation->detector, "escalation");

  // Lifting it makes the accreditation active again.
  ASSERT_TRUE(enforcement_->lift({"operator", "admin"}, escalation->id, "reviewed with the organisation"));
  EXPECT_EQ(store_->requestors().accreditation(accreditation_)->status, model::AccreditationStatus::active);
}

TEST_P(MonitorTest, OneCredentialFromManyAddressesIsFlagged) {
  start();
  std::vector<std::string> addresses;
  for (int i = 0; i < 25; ++i) addresses.push_back("198.51.100." + std::to_string(i + 1));
  for (int i = 0; i < 25; ++i) {
    Use use = lookup("shared" + std::to_string(i % 3) + ".example", true);
    use.address = addresses[static_cast<std::size_t>(i)];
    monitor_->record(use);
    clock_.advance(30s);
  }
  const auto open = cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].detector, "shared_credential");
  EXPECT_EQ(open[0].action, store::AbuseAction::flag);
  EXPECT_FALSE(store_->requestors().api_key(key_)->suspended.has_value());
  EXPECT_EQ(open[0].evidence.find("198.51"), std::string::npos);
}

TEST_P(MonitorTest, AddressesOfOneNetworkCountOnceAndOldOnesLeaveTheWindow) {
  start();
  // 25 addresses of one IPv6 /64 are one client; 25 IPv4 addresses an hour apart are never 20 at once.
  for (int i = 0; i < 25; ++i) {
    Use use = lookup("a.example", true);
    const std::string address = "2001:db8:1:2::" + std::to_string(i + 1);
    use.address = address;
    monitor_->record(use);
  }
  for (int i = 0; i < 25; ++i) {
    Use use = lookup("b.example", true);
    const std::string address = "203.0.113." + std::to_string(i + 1);
    use.address = address;
    monitor_->record(use);
    clock_.advance(10min);
  }
  EXPECT_TRUE(cases().empty());
}

TEST_P(MonitorTest, VolumeFarAboveTheBaselineIsOnlyFlagged) {
  MonitorSettings settings;
  settings.volume.floor_per_hour = 50;
  settings.volume.factor = 5;
  start(settings);
  // A week at 20 an hour, eight hours a day.
  for (int day = 0; day < 7; ++day) {
    for (int hour = 0; hour < 8; ++hour) {
      for (int i = 0; i < 20; ++i) monitor_->record(lookup("known" + std::to_string(i) + ".example", true));
      clock_.advance(1h);
      ASSERT_TRUE(monitor_->sync());
    }
    clock_.advance(16h);
    ASSERT_TRUE(monitor_->sync());
  }
  EXPECT_TRUE(cases().empty());
  // Doubling is not far above: nothing.
  for (int i = 0; i < 40; ++i) monitor_->record(lookup("known" + std::to_string(i % 20) + ".example", true));
  EXPECT_TRUE(cases().empty());
  clock_.advance(1h);
  ASSERT_TRUE(monitor_->sync());
  // Ten times is: a flag, and every request still goes ahead.
  for (int i = 0; i < 201; ++i) {
    ASSERT_FALSE(monitor_->admit(user_, key_).has_value());
    monitor_->record(lookup("known" + std::to_string(i % 20) + ".example", true));
  }
  const auto open = cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].detector, "volume");
  EXPECT_EQ(open[0].action, store::AbuseAction::flag);
  EXPECT_FALSE(monitor_->admit(user_, key_).has_value());
}

TEST_P(MonitorTest, TwoNodesSeeARequestorsTrafficWholeAfterASync) {
  MonitorSettings settings;
  settings.malformed.per_hour = 30;
  start(settings);
  auto other_store = GetParam().open(place_);
  Enforcement other_enforcement(*other_store, clock_, {});
  settings.node = "node-b";
  Monitor other(*other_store, clock_, settings, &other_enforcement);
  // 20 malformed requests on each node: neither alone reaches 30.
  for (int i = 0; i < 20; ++i) {
    Use use = lookup("", true);
    use.outcome = Use::Outcome::malformed;
    monitor_->record(use);
    other.record(use);
  }
  EXPECT_TRUE(cases().empty());
  ASSERT_TRUE(other.sync());      // node b writes its counts
  ASSERT_TRUE(monitor_->sync());  // node a writes its own, reads b's and sees 40
  const auto open = cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].detector, "malformed");
  // Node b learns of the throttle at its next sync, and then throttles too.
  ASSERT_TRUE(other.sync());
  bool refused = false;
  for (int i = 0; i < 10 && !refused; ++i) refused = other.admit(user_, key_).has_value();
  EXPECT_TRUE(refused);
  // Both syncing again opens nothing more.
  ASSERT_TRUE(other.sync());
  ASSERT_TRUE(monitor_->sync());
  EXPECT_EQ(cases().size(), 1U);
}

TEST_P(MonitorTest, FalseUrgentClaimsAndOverdueRetentionAreFlagged) {
  start();
  monitor_->note_false_urgent(user_, org_, accreditation_, 2);
  EXPECT_TRUE(cases().empty());
  monitor_->note_false_urgent(user_, org_, accreditation_, 3);
  monitor_->note_overdue({{accreditation_, 4}}, [&](const std::string&) { return org_; });
  ASSERT_EQ(cases().size(), 1U);
  monitor_->note_overdue({{accreditation_, 5}}, [&](const std::string&) { return org_; });
  const auto open = cases();
  ASSERT_EQ(open.size(), 2U);
  std::vector<std::string> detectors;
  for (const auto& c : open) detectors.push_back(c.detector);
  std::sort(detectors.begin(), detectors.end());
  EXPECT_EQ(detectors, (std::vector<std::string>{"false_urgent", "retention"}));
  // Noted again: still one case each.
  monitor_->note_overdue({{accreditation_, 6}}, [&](const std::string&) { return org_; });
  monitor_->note_false_urgent(user_, org_, accreditation_, 4);
  EXPECT_EQ(cases().size(), 2U);
}

TEST_P(MonitorTest, DuplicateFilingsThrottle) {
  MonitorSettings settings;
  settings.duplicates.per_day = 5;
  start(settings);
  for (int i = 0; i < 6; ++i) {
    Use use = lookup("dup.example", true);
    use.kind = Use::Kind::filing;
    use.fingerprint = stable_hash("dup.example|network_abuse|registrant.email");
    monitor_->record(use);
    clock_.advance(10min);
  }
  const auto open = cases();
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].detector, "duplicates");
  EXPECT_EQ(open[0].action, store::AbuseAction::throttle);
}

TEST_P(MonitorTest, OffCountsNothing) {
  MonitorSettings settings;
  settings.enabled = false;
  start(settings);
  for (int i = 0; i < 500; ++i)
    monitor_->record(lookup("off" + std::to_string(10000 + i) + ".example", false));
  ASSERT_TRUE(monitor_->sync());
  EXPECT_TRUE(cases().empty());
  EXPECT_EQ(monitor_->footprint().requestors, 0U);
}

// An attacker's-eye review of issue 14 added these: each failed on the code as first reviewed.

// Finding: after a credential is suspended for enumeration, the requestor's memo (kMemo, one hour, keyed
// by detector and action without the credential) drops the same finding on the user's next key, while
// take() has reset the sweep and the not-found sample. A scraper holding a second key sweeps on with it
// for the rest of the hour (18,000 lookups at 5/s). monitor_test's escalation test hides this by calling
// forget() between the keys, which only an administrator's lift does.
TEST_P(MonitorTest, ASecondKeyContinuingTheSweepIsSuspendedToo) {
  start();
  int used = 0;
  for (; used < 1000 && !suspended(key_); ++used) {
    char name[32];
    std::snprintf(name, sizeof name, "gen%05d.example", used);
    monitor_->record(lookup(name, used % 50 == 0, key_));
    clock_.advance(200ms);
  }
  ASSERT_TRUE(suspended(key_)) << "the first key is suspended (as the scenario test shows)";
  // The same sweep goes on with the second key, five lookups a second, for ten more minutes.
  int with_second = 0;
  for (; with_second < 3000 && !suspended(second_key_); ++with_second, ++used) {
    char name[32];
    std::snprintf(name, sizeof name, "gen%05d.example", used);
    monitor_->record(lookup(name, used % 50 == 0, second_key_));
    clock_.advance(200ms);
  }
  EXPECT_TRUE(suspended(second_key_)) << with_second << " lookups of the same sweep on the second key";
  EXPECT_LE(with_second, 500);
}

// Finding: sorts_after() counts ascending steps only. The same generated sweep walked downwards
// ("gen09999", "gen09998", …) never builds a run, so only the not-found signal holds: a flag, never a
// suspension, until the day's distinct estimate reaches 5,000.
TEST_P(MonitorTest, ADescendingSweepOfMissingNamesIsSuspendedLikeAnAscendingOne) {
  start();
  int used = 0;
  for (; used < 1000 && !suspended(key_); ++used) {
    char name[32];
    std::snprintf(name, sizeof name, "gen%05d.example", 9999 - used);
    monitor_->record(lookup(name, used % 50 == 0, key_));
    clock_.advance(200ms);
  }
  EXPECT_TRUE(suspended(key_)) << "after " << used << " lookups of a descending sweep, 98 % not found";
  EXPECT_LE(used, 500);
}

// The distinct-domains sketch hashes with a fixed, public function (sketches of different nodes must
// merge): a scraper that drops the names whose hash has a rank of 7 or more (1.6 % of them) keeps its 64
// registers at 6 or below, estimated at about 2,900 whatever the number of names. Each node therefore also
// counts the day's distinct names exactly, keyed with a secret of its own: 20,000 registered names in a day
// (a shuffled zone file, filtered so) are noticed at the threshold of 5,000.
TEST_P(MonitorTest, TwentyThousandDistinctNamesChosenAgainstTheHashAreNoticed) {
  start();
  int kept = 0;
  for (int i = 0; kept < 20000; ++i) {
    // Scrambled so that no two consecutive names ascend.
    const std::string name = "zone" + std::to_string((i * 7919) % 100003) + ".example";
    if (rank_of(stable_hash(name)) >= 7) continue;
    monitor_->record(lookup(name, true, key_));
    ++kept;
    clock_.advance(4s);  // 20,000 in about 22 hours
    if (kept % 75 == 0) {
      ASSERT_TRUE(monitor_->sync());
    }
  }
  EXPECT_TRUE(any_case_of("enumeration")) << "20,000 distinct registered names in a day, no enumeration case";
}

// Finding: the escalation counts suspend_credential cases of the organisation in any state, and cases
// rather than credentials. One key suspended, lifted by an administrator as a false positive, and
// suspended again later suspends the whole accreditation — "2 credentials suspended" with one credential,
// one of whose suspensions the operator itself overturned.
TEST_P(MonitorTest, OneKeySuspendedTwiceWithALiftBetweenDoesNotSuspendTheAccreditation) {
  start();
  const auto sweep = [&](int from) {
    for (int i = from; i < from + 400 && !suspended(key_); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "gen%05d.example", i);
      monitor_->record(lookup(name, false, key_));
      clock_.advance(200ms);
    }
  };
  sweep(0);
  ASSERT_TRUE(suspended(key_));
  auto open = cases({store::CaseState::open});
  const auto first = std::find_if(open.begin(), open.end(), [](const store::AbuseCase& c) {
    return c.action == store::AbuseAction::suspend_credential;
  });
  ASSERT_NE(first, open.end());
  ASSERT_TRUE(enforcement_->lift({"operator", "admin"}, first->id, "false positive: a sorted takedown feed")
                  .has_value());
  monitor_->forget(user_);
  clock_.advance(2h);
  sweep(1000);
  ASSERT_TRUE(suspended(key_));
  EXPECT_EQ(store_->requestors().accreditation(accreditation_)->status, model::AccreditationStatus::active)
      << "one credential, one lifted suspension: the accreditation was suspended by the escalation";
}

// Finding (false positive, and a way to frame a CERT by poisoning a public feed it checks): a CERT that
// checks a sorted list of 250 reported phishing domains, most of them already taken down, meets both
// the sequence and the not-found signal and loses its key; a second time, its accreditation.
TEST_P(MonitorTest, ACertCheckingASortedTakedownFeedIsNotSuspended) {
  start();
  std::vector<std::string> feed;
  for (int i = 0; i < 250; ++i) {
    char name[48];
    std::snprintf(name, sizeof name, "%c%c-secure-login%03d.example", 'a' + (i / 26) % 26, 'a' + i % 26, i);
    feed.emplace_back(name);
  }
  std::sort(feed.begin(), feed.end());  // `sort -u feed.txt | while read d; do rdap …`
  for (std::size_t i = 0; i < feed.size(); ++i) {
    monitor_->record(lookup(feed[i], i % 3 == 0, key_));  // two in three already deleted
    clock_.advance(2s);
  }
  EXPECT_FALSE(suspended(key_)) << "a CERT checking its sorted takedown feed lost its key";
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitorTest, ::testing::ValuesIn(testing::backends()),
                         testing::backend_name);

}  // namespace
}  // namespace ssad::abuse
