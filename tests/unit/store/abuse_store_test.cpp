// Contract tests for abuse monitoring's records (store/abuse_store.hpp): every backend must pass them
// (store_contract.hpp): usage rows put, replaced, read back by the other nodes and summed into volumes,
// pruned; cases opened once per dedupe key (also by two stores racing), closed, listed and paged. Then
// what only PostgreSQL has (a unit of work waiting for another's uncommitted key), and both backends'
// upgrade of a database of the schema before.

#include "store/abuse_store.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/embedded.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> postgres_migrations();
}

namespace ssad::store {
namespace {

using testing::at;
using Ids = std::vector<std::string>;

UsageRow usage(std::string user_id, std::string node, const char* hour, const char* updated,
               std::uint64_t lookups = 10) {
  UsageRow u;
  u.user_id = std::move(user_id);
  u.org_id = "org_" + u.user_id.substr(4);
  u.group = "cert";
  u.node = std::move(node);
  u.hour = at(hour);
  u.lookups = lookups;
  u.not_found = lookups / 2;
  u.filings = 1;
  u.malformed = 2;
  u.duplicates = 3;
  u.purpose_refusals = 4;
  u.sketch = std::string("\x00\x01\xff sketch", 10);
  u.updated = at(updated);
  return u;
}

AbuseCase abuse_case(std::string id, std::string dedupe_key, const char* opened = "2026-03-01T10:00:00Z") {
  AbuseCase c;
  c.id = std::move(id);
  c.dedupe_key = std::move(dedupe_key);
  c.opened = at(opened);
  c.detector = "enumeration";
  c.action = AbuseAction::suspend_credential;
  c.user_id = "usr_scraper";
  c.org_id = "org_scraper";
  c.credential_id = "key_scraper";
  c.accreditation_id = "acc_scraper";
  c.summary = "412 generated names in 10 minutes, 97% not found";
  c.evidence = R"({"window":"10m","distinct":412,"not_found_ratio":0.97,"threshold":{"distinct":300}})";
  return c;
}

template <class T>
Ids ids_of(const std::vector<T>& list) {
  Ids ids;
  for (const auto& item : list) ids.push_back(item.id);
  return ids;
}

class AbuseStoreContract : public StoreContract {
 protected:
  AbuseReader& abuse() { return store_->abuse(); }

  // Runs `write` in one unit of work from begin_audit() and commits it.
  template <class Write>
  void committed(Write write) {
    auto work = store_->begin_audit().value();
    write(work->abuse());
    const auto done = work->commit(at("2026-03-01T00:00:00Z"));
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  void put(const std::vector<UsageRow>& rows) {
    committed([&](AbuseWriter& w) {
      const auto put = w.put_usage(rows);
      ASSERT_TRUE(put.has_value()) << put.error().message;
    });
  }

  // Every usage row no node "nobody" wrote, in update order.
  std::vector<UsageRow> every_row() {
    return abuse().usage_updated_since(at("1970-01-01T00:00:00Z"), "nobody", 1000).value();
  }

  std::vector<AbuseCase> listed(const CaseFilter& filter, const Page& page = {}) {
    auto list = abuse().cases(filter, page);
    EXPECT_TRUE(list.has_value()) << list.error().message;
    return list.value_or(std::vector<AbuseCase>{});
  }

  // Opens `c` in a unit of work of its own: whether it was added.
  bool opened(const AbuseCase& c) {
    bool added = false;
    committed([&](AbuseWriter& w) {
      const auto result = w.open_case(c);
      ASSERT_TRUE(result.has_value()) << c.id << ": " << result.error().message;
      added = *result;
    });
    return added;
  }
};

TEST_P(AbuseStoreContract, AUsageRowReadsBackExactlyAsPutAndAPutReplacesTheRowOfItsUserNodeAndHour) {
  UsageRow first = usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z");
  UsageRow other_hour = usage("usr_a", "node-1", "2026-03-01T11:00:00Z", "2026-03-01T11:00:05Z");
  other_hour.sketch.clear();
  other_hour.group.clear();
  UsageRow large =
      usage("usr_b", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:06Z", std::uint64_t{1} << 40U);
  large.sketch = std::string(4096, '\xab');
  put({first, other_hour, large});
  EXPECT_EQ(every_row(), (std::vector{first, large, other_hour}));

  // The node's next flush: the same (user, node, hour) with its latest counts replaces the row; of two
  // rows with one key in one put, the later one stays.
  UsageRow later = first;
  later.lookups = 25;
  later.org_id = "org_moved";
  later.group = "investigator";
  later.sketch = "new sketch";
  later.updated = at("2026-03-01T10:00:10Z");
  UsageRow latest = later;
  latest.lookups = 30;
  latest.updated = at("2026-03-01T10:00:15Z");
  put({later, latest});
  EXPECT_EQ(every_row(), (std::vector{large, latest, other_hour}));
}

TEST_P(AbuseStoreContract, InvalidUsageRowsAreRefusedAndNothingOfTheirPutIsWritten) {
  const UsageRow good = usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z");
  UsageRow mid_hour = usage("usr_b", "node-1", "2026-03-01T10:30:00Z", "2026-03-01T10:30:05Z");
  UsageRow no_node = usage("usr_c", "", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z");
  UsageRow no_user = usage("usr_d", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z");
  no_user.user_id.clear();
  UsageRow big_sketch = usage("usr_e", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z");
  big_sketch.sketch = std::string(4097, 'x');
  auto work = store_->begin_audit().value();
  for (const UsageRow& bad : {mid_hour, no_node, no_user, big_sketch}) {
    const auto refused = work->abuse().put_usage({good, bad});
    ASSERT_FALSE(refused.has_value()) << bad.user_id;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input) << refused.error().message;
  }
  ASSERT_TRUE(work->commit(at("2026-03-01T11:00:00Z")).has_value());
  EXPECT_TRUE(every_row().empty());
}

TEST_P(AbuseStoreContract, RowsUpdatedSinceLeaveOutTheAskingNodeAndPageInUpdateOrder) {
  // Node 1 flushed three requestors at one instant (one `updated`), node 2 two at another; node 3 asks.
  put({usage("usr_c", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z"),
       usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z"),
       usage("usr_b", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z"),
       usage("usr_a", "node-2", "2026-03-01T10:00:00Z", "2026-03-01T10:00:07Z"),
       usage("usr_a", "node-2", "2026-03-01T09:00:00Z", "2026-03-01T10:00:07Z"),
       usage("usr_z", "node-3", "2026-03-01T10:00:00Z", "2026-03-01T10:00:06Z"),
       usage("usr_old", "node-1", "2026-03-01T09:00:00Z", "2026-03-01T09:59:59.999Z")});
  const auto key = [](const UsageRow& u) { return u.user_id + "@" + u.node + "/" + format_rfc3339(u.hour); };
  const auto keys = [&](const std::vector<UsageRow>& rows) {
    Ids out;
    for (const UsageRow& u : rows) out.push_back(key(u));
    return out;
  };
  const Timestamp since = at("2026-03-01T10:00:00Z");
  EXPECT_EQ(keys(abuse().usage_updated_since(since, "node-3", 100).value()),
            (Ids{"usr_a@node-1/2026-03-01T10:00:00Z", "usr_b@node-1/2026-03-01T10:00:00Z",
                 "usr_c@node-1/2026-03-01T10:00:00Z", "usr_a@node-2/2026-03-01T09:00:00Z",
                 "usr_a@node-2/2026-03-01T10:00:00Z"}));
  // At or after: a row written at `since` exactly is in.
  EXPECT_EQ(keys(abuse().usage_updated_since(at("2026-03-01T10:00:07Z"), "node-1", 100).value()),
            (Ids{"usr_a@node-2/2026-03-01T09:00:00Z", "usr_a@node-2/2026-03-01T10:00:00Z"}));

  // Pages of two, each continuing after the last row of the one before, even within one instant.
  std::vector<UsageRow> page = abuse().usage_updated_since(since, "node-3", 2).value();
  Ids paged = keys(page);
  while (page.size() == 2) {
    page = abuse().usage_updated_after(page.back(), "node-3", 2).value();
    for (const auto& k : keys(page)) paged.push_back(k);
  }
  EXPECT_EQ(paged, keys(abuse().usage_updated_since(since, "node-3", 100).value()));
  EXPECT_TRUE(abuse().usage_updated_since(since, "node-3", 0).value().empty());
  EXPECT_TRUE(abuse().usage_updated_since(at("2026-03-01T10:00:08Z"), "node-3", 10).value().empty());
}

TEST_P(AbuseStoreContract, VolumesSumEveryNodeAndHourOfTheSpanAndCountDistinctHours) {
  UsageRow a_10_n1 = usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:59:00Z", 5);
  UsageRow a_10_n2 = usage("usr_a", "node-2", "2026-03-01T10:00:00Z", "2026-03-01T10:59:00Z", 3);
  UsageRow a_11_n1 = usage("usr_a", "node-1", "2026-03-01T11:00:00Z", "2026-03-01T11:59:00Z", 2);
  a_11_n1.group = "investigator";  // its latest row: its group counts
  a_11_n1.filings = 4;
  UsageRow a_before = usage("usr_a", "node-1", "2026-03-01T09:00:00Z", "2026-03-01T09:59:00Z", 1000);
  UsageRow a_after = usage("usr_a", "node-1", "2026-03-01T12:00:00Z", "2026-03-01T12:59:00Z", 1000);
  a_after.group = "law_enforcement";
  UsageRow b_11 = usage("usr_b", "node-2", "2026-03-01T11:00:00Z", "2026-03-01T11:59:00Z", 7);
  b_11.group.clear();
  put({a_10_n1, a_10_n2, a_11_n1, a_before, a_after, b_11});

  const auto volumes = abuse().usage_volumes(at("2026-03-01T10:00:00Z"), at("2026-03-01T12:00:00Z")).value();
  // usr_a: (5 + 1) + (3 + 1) + (2 + 4) over hours 10 and 11; usr_b: 7 + 1 in hour 11.
  EXPECT_EQ(volumes, (std::vector<UsageVolume>{{"usr_a", "investigator", 16, 2}, {"usr_b", "", 8, 1}}));
  EXPECT_TRUE(abuse().usage_volumes(at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z")).value().empty());
  EXPECT_EQ(abuse().usage_volumes(at("2026-03-01T00:00:00Z"), at("2026-03-02T00:00:00Z")).value().at(0),
            (UsageVolume{"usr_a", "law_enforcement", 2002 + 16, 4}));
}

TEST_P(AbuseStoreContract, PruningRemovesTheRowsOfEarlierHoursAndSaysHowMany) {
  put({usage("usr_a", "node-1", "2026-03-01T08:00:00Z", "2026-03-01T08:59:00Z"),
       usage("usr_a", "node-2", "2026-03-01T09:00:00Z", "2026-03-01T09:59:00Z"),
       usage("usr_b", "node-1", "2026-03-01T09:00:00Z", "2026-03-01T10:00:01Z"),
       usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:01Z")});
  std::size_t pruned = 0;
  committed([&](AbuseWriter& w) { pruned = w.prune_usage(at("2026-03-01T10:00:00Z")).value(); });
  EXPECT_EQ(pruned, 3U);
  const auto rows = every_row();
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].hour, at("2026-03-01T10:00:00Z"));
  committed([&](AbuseWriter& w) { pruned = w.prune_usage(at("2026-03-01T10:00:00Z")).value(); });
  EXPECT_EQ(pruned, 0U);
}

TEST_P(AbuseStoreContract, ACaseReadsBackExactlyAsOpened) {
  AbuseCase full = abuse_case("abc_full", "enumeration/key_scraper");
  full.action = AbuseAction::throttle;
  full.until = at("2026-03-01T11:00:00.250Z");
  full.summary = "Ünïcødé — \"quoted\" and \\ back\nslash";
  AbuseCase bare = abuse_case("abc_bare", "volume/usr_other", "2026-03-01T09:00:00.001Z");
  bare.action = AbuseAction::flag;
  bare.credential_id.clear();
  bare.accreditation_id.clear();
  bare.evidence = "{}";
  EXPECT_TRUE(opened(full));
  EXPECT_TRUE(opened(bare));
  EXPECT_EQ(abuse().abuse_case("abc_full").value(), full);
  EXPECT_EQ(abuse().abuse_case("abc_bare").value(), bare);
  EXPECT_EQ(listed({}), (std::vector{full, bare}));
  const auto missing = abuse().abuse_case("abc_missing");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("abc_missing"), std::string::npos);
}

TEST_P(AbuseStoreContract, OneCaseIsOpenPerDedupeKeyAndATakenIdIsAConflictAndTheUnitOfWorkGoesOn) {
  EXPECT_TRUE(opened(abuse_case("abc_1", "enumeration/key_scraper")));
  // Another node, seeing the same evidence later: no second case, and no error.
  EXPECT_FALSE(opened(abuse_case("abc_2", "enumeration/key_scraper", "2026-03-01T10:05:00Z")));

  auto work = store_->begin_audit().value();
  const auto taken = work->abuse().open_case(abuse_case("abc_1", "volume/usr_scraper"));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_NE(taken.error().message.find("abc_1"), std::string::npos);
  // Within one unit of work too: the second of one key is not added.
  EXPECT_TRUE(work->abuse().open_case(abuse_case("abc_3", "volume/usr_scraper")).value());
  EXPECT_FALSE(work->abuse().open_case(abuse_case("abc_4", "volume/usr_scraper")).value());
  ASSERT_TRUE(work->commit(at("2026-03-01T10:10:00Z")).has_value());
  EXPECT_EQ(ids_of(listed({})), (Ids{"abc_3", "abc_1"}));
  EXPECT_EQ(abuse().abuse_case("abc_1").value().dedupe_key, "enumeration/key_scraper");
}

TEST_P(AbuseStoreContract, ACaseWithoutIdOrDedupeKeyOrNotOpenIsRefused) {
  auto work = store_->begin_audit().value();
  AbuseCase lifted = abuse_case("abc_c", "key-c");
  lifted.state = CaseState::lifted;
  AbuseCase closed = abuse_case("abc_d", "key-d");
  closed.closed = at("2026-03-01T10:00:00Z");
  for (const AbuseCase& c : {abuse_case("", "key-a"), abuse_case("abc_b", ""), lifted, closed}) {
    const auto refused = work->abuse().open_case(c);
    ASSERT_FALSE(refused.has_value()) << c.id;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  }
  ASSERT_TRUE(work->commit(at("2026-03-01T10:10:00Z")).has_value());
  EXPECT_TRUE(listed({}).empty());
}

TEST_P(AbuseStoreContract, ACaseClosesOnceAndThenItsKeyIsFreeForANewCase) {
  AbuseCase throttle = abuse_case("abc_t", "volume/key_cert");
  throttle.action = AbuseAction::throttle;
  throttle.until = at("2026-03-01T12:00:00Z");
  EXPECT_TRUE(opened(throttle));
  EXPECT_TRUE(opened(abuse_case("abc_s", "enumeration/key_scraper")));
  committed([](AbuseWriter& w) {
    ASSERT_TRUE(w.close_case("abc_s", CaseState::lifted, at("2026-03-01T10:30:00Z"), "operator:usr_admin",
                             "a researcher's announced scan")
                    .has_value());
    ASSERT_TRUE(w.close_case("abc_t", CaseState::expired, at("2026-03-01T12:00:00Z"), "", "").has_value());
  });
  AbuseCase lifted = abuse_case("abc_s", "enumeration/key_scraper");
  lifted.state = CaseState::lifted;
  lifted.closed = at("2026-03-01T10:30:00Z");
  lifted.closed_by = "operator:usr_admin";
  lifted.close_reason = "a researcher's announced scan";
  EXPECT_EQ(abuse().abuse_case("abc_s").value(), lifted);
  EXPECT_EQ(abuse().abuse_case("abc_t").value().state, CaseState::expired);
  EXPECT_EQ(abuse().abuse_case("abc_t").value().closed, std::optional(at("2026-03-01T12:00:00Z")));

  auto work = store_->begin_audit().value();
  const auto again =
      work->abuse().close_case("abc_s", CaseState::expired, at("2026-03-01T11:00:00Z"), "", "");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_NE(again.error().message.find("lifted"), std::string::npos) << again.error().message;
  EXPECT_EQ(
      work->abuse().close_case("abc_x", CaseState::lifted, at("2026-03-01T11:00:00Z"), "", "").error().code,
      ErrorCode::not_found);
  EXPECT_EQ(
      work->abuse().close_case("abc_t", CaseState::open, at("2026-03-01T11:00:00Z"), "", "").error().code,
      ErrorCode::invalid_input);
  // The same evidence again after the case was lifted: a new case.
  EXPECT_TRUE(work->abuse().open_case(abuse_case("abc_s2", "enumeration/key_scraper")).value());
  ASSERT_TRUE(work->commit(at("2026-03-01T11:00:00Z")).has_value());
  EXPECT_EQ(abuse().abuse_case("abc_s").value(), lifted);  // untouched by the refused close
  EXPECT_EQ(ids_of(listed({})), (Ids{"abc_t", "abc_s2", "abc_s"}));
}

TEST_P(AbuseStoreContract, ListsFilterByEveryConditionAndPageNewestFirst) {
  struct Spec {
    const char* id;
    const char* opened;
    const char* user;
    const char* detector;
    AbuseAction action;
    CaseState state;
  };
  // Two opened at one instant: the greater id first.
  const Spec specs[] = {
      {"abc_1", "2026-03-01T10:00:00Z", "usr_a", "volume", AbuseAction::flag, CaseState::open},
      {"abc_2", "2026-03-01T12:00:00Z", "usr_b", "enumeration", AbuseAction::suspend_credential,
       CaseState::open},
      {"abc_3", "2026-03-01T11:00:00Z", "usr_a", "enumeration", AbuseAction::throttle, CaseState::lifted},
      {"abc_4", "2026-03-01T11:00:00Z", "usr_a", "malformed", AbuseAction::throttle, CaseState::open},
      {"abc_5", "2026-03-01T09:00:00Z", "usr_c", "manual", AbuseAction::suspend_accreditation,
       CaseState::open},
      {"abc_6", "2026-03-01T13:00:00Z", "usr_b", "volume", AbuseAction::flag, CaseState::expired},
  };
  for (const Spec& s : specs) {
    AbuseCase c = abuse_case(s.id, std::string("key/") + s.id, s.opened);
    c.user_id = s.user;
    c.org_id = std::string("org_") + (std::string(s.user) == "usr_c" ? "c" : "ab");
    c.detector = s.detector;
    c.action = s.action;
    EXPECT_TRUE(opened(c));
    if (s.state != CaseState::open) {
      committed([&](AbuseWriter& w) {
        ASSERT_TRUE(w.close_case(s.id, s.state, at("2026-03-01T14:00:00Z"), "", "").has_value());
      });
    }
  }
  EXPECT_EQ(ids_of(listed({})), (Ids{"abc_6", "abc_2", "abc_4", "abc_3", "abc_1", "abc_5"}));
  EXPECT_EQ(ids_of(listed({.user_id = "usr_a"})), (Ids{"abc_4", "abc_3", "abc_1"}));
  EXPECT_EQ(ids_of(listed({.org_id = "org_c"})), (Ids{"abc_5"}));
  EXPECT_EQ(ids_of(listed({.detector = "enumeration"})), (Ids{"abc_2", "abc_3"}));
  EXPECT_EQ(ids_of(listed({.actions = {AbuseAction::throttle, AbuseAction::suspend_credential}})),
            (Ids{"abc_2", "abc_4", "abc_3"}));
  EXPECT_EQ(ids_of(listed({.states = {CaseState::open}})), (Ids{"abc_2", "abc_4", "abc_1", "abc_5"}));
  EXPECT_EQ(ids_of(listed({.states = {CaseState::lifted, CaseState::expired}})), (Ids{"abc_6", "abc_3"}));
  EXPECT_EQ(ids_of(listed({.opened_from = at("2026-03-01T11:00:00Z")})),
            (Ids{"abc_6", "abc_2", "abc_4", "abc_3"}));
  // Every condition at once.
  EXPECT_EQ(ids_of(listed({.user_id = "usr_a",
                           .org_id = "org_ab",
                           .detector = "malformed",
                           .actions = {AbuseAction::throttle},
                           .states = {CaseState::open},
                           .opened_from = at("2026-03-01T10:30:00Z")})),
            (Ids{"abc_4"}));
  EXPECT_TRUE(listed({.user_id = "usr_none"}).empty());

  // Pages of two through everything, and through a filter.
  Ids paged;
  std::vector<AbuseCase> page = listed({}, {.limit = 2});
  while (!page.empty()) {
    for (const auto& c : page) paged.push_back(c.id);
    page = listed({}, {.after = page.back().id, .limit = 2});
  }
  EXPECT_EQ(paged, (Ids{"abc_6", "abc_2", "abc_4", "abc_3", "abc_1", "abc_5"}));
  EXPECT_EQ(ids_of(listed({.user_id = "usr_a"}, {.after = "abc_4", .limit = 1})), (Ids{"abc_3"}));
  // A cursor of another list still continues from its place in time.
  EXPECT_EQ(ids_of(listed({.user_id = "usr_a"}, {.after = "abc_2", .limit = 10})),
            (Ids{"abc_4", "abc_3", "abc_1"}));
  EXPECT_TRUE(listed({}, {.after = "abc_5"}).empty());
  EXPECT_TRUE(listed({}, {.limit = 0}).empty());
  const auto unknown = abuse().cases({}, {.after = "abc_missing"});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::invalid_input);
}

TEST_P(AbuseStoreContract, NothingIsVisibleBeforeCommitNorAfterARollback) {
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->abuse()
                    .put_usage({usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z")})
                    .has_value());
    ASSERT_TRUE(work->abuse().open_case(abuse_case("abc_1", "key-1")).value());
    EXPECT_TRUE(every_row().empty());
    EXPECT_EQ(abuse().abuse_case("abc_1").error().code, ErrorCode::not_found);
  }  // destroyed without commit
  EXPECT_TRUE(every_row().empty());
  EXPECT_TRUE(listed({}).empty());
  EXPECT_EQ(abuse().abuse_case("abc_1").error().code, ErrorCode::not_found);
  // The rolled back key is free.
  EXPECT_TRUE(opened(abuse_case("abc_2", "key-1")));

  // A rolled back close leaves the case open.
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->abuse()
                    .close_case("abc_2", CaseState::lifted, at("2026-03-01T11:00:00Z"), "operator:x", "")
                    .has_value());
    ASSERT_TRUE(work->abuse().prune_usage(at("2030-01-01T00:00:00Z")).has_value());
  }
  EXPECT_EQ(abuse().abuse_case("abc_2").value().state, CaseState::open);
}

TEST_P(AbuseStoreContract, ACaseCommitsWithItsAuditEntryAndNeitherChangesTheRegistrationData) {
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->abuse().open_case(abuse_case("abc_1", "key-1")).value());
  AuditRecord entry;
  entry.time = at("2026-03-01T10:00:00Z");
  entry.actor_kind = "system";
  entry.actor_id = "abuse-monitor";
  entry.action = "abuse.case.open";
  entry.object_kind = "case";
  entry.object_id = "abc_1";
  entry.encoding = "open abc_1";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T10:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(ids_of(listed({})), Ids{"abc_1"});
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(AbuseStoreContract, WritesAfterCommitFail) {
  auto work = store_->begin().value();
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  AbuseWriter& w = work->abuse();
  EXPECT_EQ(
      w.put_usage({usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z")}).error().code,
      ErrorCode::internal);
  EXPECT_EQ(w.prune_usage(at("2026-03-01T00:00:00Z")).error().code, ErrorCode::internal);
  EXPECT_EQ(w.open_case(abuse_case("abc_1", "key-1")).error().code, ErrorCode::internal);
  EXPECT_EQ(w.close_case("abc_1", CaseState::lifted, at("2026-03-01T00:00:00Z"), "", "").error().code,
            ErrorCode::internal);
  EXPECT_TRUE(every_row().empty());
  EXPECT_TRUE(listed({}).empty());
}

// Two nodes (two stores on one database), several detectors on each, see the same evidence at once and
// open a case for it, each in its own unit of work: exactly one case is opened. SQLite runs the units of
// work one after the other; PostgreSQL runs them at once, and the partial unique index decides.
TEST_P(AbuseStoreContract, DetectorsOnTwoNodesOpeningOneKeyAtOnceOpenOneCase) {
  auto other = GetParam().open(place_);
  constexpr int kDetectors = 8;
  std::atomic<int> added = 0;
  std::atomic<int> failed = 0;
  std::atomic<bool> go = false;
  std::vector<std::thread> detectors;
  for (int i = 0; i < kDetectors; ++i) {
    Store& store = i % 2 == 0 ? *store_ : *other;
    detectors.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto work = store.begin_audit();
      if (!work) {
        ++failed;
        return;
      }
      const auto result =
          (*work)->abuse().open_case(abuse_case("abc_" + std::to_string(i), "enumeration/key_x"));
      if (!result || !(*work)->commit(at("2026-03-01T10:00:00Z"))) {
        ++failed;
        return;
      }
      if (*result) ++added;
    });
  }
  go = true;
  for (auto& detector : detectors) detector.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(added.load(), 1);
  const auto open = listed({.states = {CaseState::open}});
  ASSERT_EQ(open.size(), 1U);
  EXPECT_EQ(open[0].dedupe_key, "enumeration/key_x");
}

INSTANTIATE_TEST_SUITE_P(Backends, AbuseStoreContract, ::testing::ValuesIn(backends()), backend_name);

// On PostgreSQL an open case's key that another unit of work holds uncommitted waits for it: when that one
// rolls back, the waiting one opens its case; when it commits, the waiting one adds none.
TEST(AbuseStorePostgresTest, ACaseWaitingForAnUncommittedKeyOpensOnlyWhenThatOneRollsBack) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  const auto wait_until_blocked = [&] {
    // The second insert waits for the first's transaction once the server says so (a bounded poll: no
    // event announces a lock wait).
    bool waiting = false;
    for (int i = 0; i < 1000 && !waiting; ++i) {
      waiting = ssad::testing::PostgresSchema::query_value(
                    schema.admin_url(),
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE "
                    "'INSERT INTO abuse_cases%'") != "0";
    }
    return waiting;
  };
  for (const bool first_commits : {false, true}) {
    const std::string key = first_commits ? "key-committed" : "key-rolled-back";
    auto first = store->begin_audit().value();
    ASSERT_TRUE(first->abuse().open_case(abuse_case("abc_first_" + key, key)).value());
    Result<bool> added = false;
    std::thread second([&] {
      auto work = store->begin_audit().value();
      added = work->abuse().open_case(abuse_case("abc_second_" + key, key));
      if (added) (void)work->commit(at("2026-03-01T10:00:00Z"));
    });
    EXPECT_TRUE(wait_until_blocked());
    if (first_commits) {
      ASSERT_TRUE(first->commit(at("2026-03-01T10:00:00Z")).has_value());
    } else {
      first.reset();  // rolled back
    }
    second.join();
    ASSERT_TRUE(added.has_value()) << added.error().message;
    EXPECT_EQ(*added, !first_commits);
    const auto open = store->abuse().cases({.states = {CaseState::open}}, {}).value();
    const auto with_key =
        std::count_if(open.begin(), open.end(), [&](const AbuseCase& c) { return c.dedupe_key == key; });
    EXPECT_EQ(with_key, 1);
  }
}

// An import holds the store's write lock from begin() to its commit; a case opened by an audit unit of work
// (a suspension with its audit entry) does not wait for it.
TEST(AbuseStorePostgresTest, AnAuditUnitOfWorkOpensACaseWhileAnImportHoldsTheStore) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto import = store->begin().value();
  ASSERT_TRUE(
      import->registrations().put_registrar(ssad::testing::sample_registrar("registrarI", 77)).has_value());
  auto work = store->begin_audit().value();
  ASSERT_TRUE(work->abuse().open_case(abuse_case("abc_1", "key-1")).value());
  ASSERT_TRUE(work->abuse()
                  .put_usage({usage("usr_a", "node-1", "2026-03-01T10:00:00Z", "2026-03-01T10:00:05Z")})
                  .has_value());
  const auto done = work->commit(at("2026-03-01T10:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(store->abuse().abuse_case("abc_1").value().id, "abc_1");
  ASSERT_TRUE(import->commit(at("2026-03-02T00:00:00Z")).has_value());
}

// On PostgreSQL a node flushes thousands of rows at once: they go in batches, every one written.
TEST(AbuseStorePostgresTest, AFlushOfMoreRowsThanOneBatchWritesThemAll) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  std::vector<UsageRow> rows;
  for (int i = 0; i < 1234; ++i) {
    rows.push_back(usage("usr_" + std::to_string(10000 + i), "node-1", "2026-03-01T10:00:00Z",
                         "2026-03-01T10:00:05Z", static_cast<std::uint64_t>(i)));
  }
  auto work = store->begin_audit().value();
  ASSERT_TRUE(work->abuse().put_usage(rows).has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T10:00:05Z")).has_value());
  const auto read = store->abuse().usage_updated_since(at("2026-03-01T00:00:00Z"), "node-2", 5000).value();
  EXPECT_EQ(read, rows);
}

// A database made by the binary before abuse monitoring (SQLite schema 8, PostgreSQL schema 6) upgrades
// when opened, keeping its keys and users, none of them suspended.
TEST(AbuseStoreMigrationTest, AnSqliteDatabaseOfTheSchemaBeforeUpgradesAndKeepsItsCredentials) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    auto db = sqlite::Database::open(path, true).value();
    ASSERT_EQ(sqlite::schema_version(*db).value(), 0);
    for (const auto& file : embedded::sqlite_migrations()) {
      const std::string_view name = file.name;
      if (name >= "0009") continue;
      ASSERT_TRUE(db->exec(file.text).has_value()) << name;
      ASSERT_TRUE(db->exec("INSERT INTO schema_migration (version, name, applied_ms) VALUES (" +
                           std::string(name.substr(0, 4)) + ", '" + std::string(name) + "', 0)")
                      .has_value());
    }
    ASSERT_EQ(sqlite::schema_version(*db).value(), 8);
    ASSERT_TRUE(
        db->exec(
              "INSERT INTO organisation (id, name, kind, created_ms) VALUES ('org_a', 'A', 'requestor', 0);"
              "INSERT INTO org_user (id, org_id, email, roles, created_ms) VALUES "
              "('usr_a', 'org_a', 'a@a.example', 1, 0);"
              "INSERT INTO api_key (id, user_id, secret_hash, created_ms) VALUES "
              "('key_a', 'usr_a', zeroblob(32), 0)")
            .has_value());
  }
  const auto refused = sqlite::open_sqlite_store(path, {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = sqlite::open_sqlite_store(path).value();
  const model::ApiKey key = store->requestors().api_key("key_a").value();
  EXPECT_FALSE(key.suspended.has_value());
  EXPECT_EQ(key.suspend_reason, "");
  EXPECT_FALSE(store->requestors().user("usr_a").value().tokens_suspended.has_value());
  auto work = store->begin().value();
  ASSERT_TRUE(work->abuse().open_case(abuse_case("abc_1", "key-1")).value());
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->abuse().abuse_case("abc_1").value(), abuse_case("abc_1", "key-1"));
}

TEST(AbuseStoreMigrationTest, APostgresqlSchemaOfTheVersionBeforeUpgradesAndKeepsItsCredentials) {
  const ssad::testing::PostgresSchema schema;
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_ms bigint NOT NULL)");
  for (const auto& file : embedded::postgres_migrations()) {
    const std::string_view name = file.name;
    if (name >= "0007") continue;
    ssad::testing::PostgresSchema::execute(schema.url(), std::string(file.text));
    ssad::testing::PostgresSchema::execute(schema.url(), "INSERT INTO schema_migration VALUES (" +
                                                             std::string(name.substr(0, 4)) + ", '" +
                                                             std::string(name) + "', 0)");
  }
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "INSERT INTO organisation (id, name, kind, created_ms) VALUES ('org_a', 'A', 'requestor', 0);"
      "INSERT INTO org_user (id, org_id, email, roles, created_ms) VALUES ('usr_a', 'org_a', 'a@a.example', "
      "1, 0);"
      "INSERT INTO api_key (id, user_id, secret_hash, created_ms) VALUES "
      "('key_a', 'usr_a', decode(repeat('00', 32), 'hex'), 0)");
  const auto refused = postgres::open_postgres_store(schema.url(), {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = postgres::open_postgres_store(schema.url()).value();
  const model::ApiKey key = store->requestors().api_key("key_a").value();
  EXPECT_FALSE(key.suspended.has_value());
  EXPECT_EQ(key.suspend_reason, "");
  EXPECT_FALSE(store->requestors().user("usr_a").value().tokens_suspended.has_value());
  auto work = store->begin().value();
  ASSERT_TRUE(work->abuse().open_case(abuse_case("abc_1", "key-1")).value());
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->abuse().abuse_case("abc_1").value(), abuse_case("abc_1", "key-1"));
}

}  // namespace
}  // namespace ssad::store
