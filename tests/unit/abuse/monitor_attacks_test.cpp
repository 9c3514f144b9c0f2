// Review of issue 14 (abuse monitoring) from an attacker's side: traffic shapes that get past the detectors
// at the shipped thresholds, and the escalation's counting. Each test states what should hold and FAILS
// on the code as reviewed; the report (review-14 branch) says where and how to close each gap. On SQLite
// and on PostgreSQL; time from the fake clock.

#include <algorithm>
#include <bit>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "abuse/distinct.hpp"
#include "abuse/enforcement.hpp"
#include "abuse/monitor.hpp"
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

class MonitorAttacksTest : public ::testing::TestWithParam<testing::Backend> {
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
    enforcement_ = std::make_unique<Enforcement>(*store_, clock_, EnforcementSettings{});
    MonitorSettings settings;  // the shipped thresholds
    settings.node = "node-a";
    monitor_ = std::make_unique<Monitor>(*store_, clock_, settings, enforcement_.get());
  }

  Use lookup(const std::string& domain, bool found, const std::string& key) {
    names_.push_back(domain);
    Use use;
    use.kind = Use::Kind::lookup;
    use.outcome = found ? Use::Outcome::ok : Use::Outcome::not_found;
    use.user_id = user_;
    use.org_id = org_;
    use.credential_id = key;
    use.accreditation_id = accreditation_;
    use.group = "investigator";
    use.domain = names_.back();
    use.address = "192.0.2.10";
    return use;
  }

  bool suspended(const std::string& key) { return store_->requestors().api_key(key)->suspended.has_value(); }

  std::vector<store::AbuseCase> cases(std::vector<store::CaseState> states = {}) {
    store::CaseFilter filter;
    filter.states = std::move(states);
    return store_->abuse().cases(filter, {.after = "", .limit = 100}).value();
  }
  bool any_case_of(std::string_view detector) {
    const auto all = cases();
    return std::any_of(all.begin(), all.end(),
                       [&](const store::AbuseCase& c) { return c.detector == detector; });
  }

  testing::StorePlace place_;
  testing::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Enforcement> enforcement_;
  std::unique_ptr<Monitor> monitor_;
  std::deque<std::string> names_;
  std::string org_;
  std::string user_;
  std::string accreditation_;
  std::string key_;
  std::string second_key_;
};

// Finding: after a credential is suspended for enumeration, the requestor's memo (kMemo, one hour, keyed
// by detector and action without the credential) drops the same finding on the user's next key, while
// take() has reset the sweep and the not-found sample. A scraper holding a second key sweeps on with it
// for the rest of the hour (18,000 lookups at 5/s). monitor_test's escalation test hides this by calling
// forget() between the keys, which only an administrator's lift does.
TEST_P(MonitorAttacksTest, ASecondKeyContinuingTheSweepIsSuspendedToo) {
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
TEST_P(MonitorAttacksTest, ADescendingSweepOfMissingNamesIsSuspendedLikeAnAscendingOne) {
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
TEST_P(MonitorAttacksTest, TwentyThousandDistinctNamesChosenAgainstTheHashAreNoticed) {
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
TEST_P(MonitorAttacksTest, OneKeySuspendedTwiceWithALiftBetweenDoesNotSuspendTheAccreditation) {
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
TEST_P(MonitorAttacksTest, ACertCheckingASortedTakedownFeedIsNotSuspended) {
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

INSTANTIATE_TEST_SUITE_P(Backends, MonitorAttacksTest, ::testing::ValuesIn(testing::backends()),
                         testing::backend_name);

}  // namespace
}  // namespace ssad::abuse
