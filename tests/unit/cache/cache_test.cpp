// The response cache and the data-change tracker that empties it, on a real SQLite store and the fake
// clock.

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "cache/abuse_contact_gaps.hpp"
#include "cache/data_version.hpp"
#include "cache/registration_cache.hpp"
#include "cache/response_cache.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/registration_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace ssad::cache {
namespace {

std::shared_ptr<const CachedResponse> entry(char c) {
  return std::make_shared<const CachedResponse>(CachedResponse{200, std::string(700, c)});
}

TEST(ResponseCacheTest, EvictsTheLeastRecentlyUsedBeyondItsBudget) {
  ResponseCache cache(3000, 1);
  cache.insert("a", entry('a'), 1);
  cache.insert("b", entry('b'), 1);
  cache.insert("c", entry('c'), 1);
  ASSERT_NE(cache.find("a", 1), nullptr);  // a is now the most recent
  cache.insert("d", entry('d'), 1);        // evicts b
  EXPECT_EQ(cache.find("b", 1), nullptr);
  EXPECT_NE(cache.find("a", 1), nullptr);
  EXPECT_NE(cache.find("d", 1), nullptr);
  EXPECT_LE(cache.size_bytes(), 3000U);
  ResponseCache off(0);
  off.insert("a", entry('a'), 1);
  EXPECT_EQ(off.find("a", 1), nullptr);
}

TEST(ResponseCacheTest, ANewGenerationEmptiesItAndAnOlderOneIsNeverKept) {
  ResponseCache cache(1 << 20);
  cache.insert("a", entry('a'), 1);
  ASSERT_NE(cache.find("a", 1), nullptr);
  EXPECT_EQ(cache.find("a", 2), nullptr);  // the data changed: everything from before is gone
  EXPECT_EQ(cache.size_bytes(), 0U);
  cache.insert("stale", entry('s'), 1);  // rendered from data read before the change
  EXPECT_EQ(cache.find("stale", 2), nullptr);
  cache.insert("fresh", entry('f'), 2);
  EXPECT_NE(cache.find("fresh", 2), nullptr);
  EXPECT_EQ(cache.find("fresh", 1), nullptr);  // a reader holding an older generation does not see it
}

class DataVersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::open_sqlite_store(dir_.file("v.db")).value();
    auto work = store_->begin().value();
    auto* w = &work->registrations();
    ASSERT_TRUE(w->put_registrar(ssad::testing::sample_registrar()).has_value());
    ASSERT_TRUE(work->commit(ssad::testing::at("2026-01-02T03:04:05Z")).has_value());
  }
  void change(const char* when) {
    auto work = store_->begin().value();
    auto* w = &work->registrations();
    ASSERT_TRUE(w->put_registrar(ssad::testing::sample_registrar()).has_value());
    ASSERT_TRUE(work->commit(ssad::testing::at(when)).has_value());
  }
  ssad::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_;
};

TEST_F(DataVersionTest, SeesAChangeOnceItsIntervalHasPassed) {
  DataVersion version(store_->registrations(), clock_, std::chrono::seconds(1));
  const Version first = version.current();
  EXPECT_EQ(first.updated, ssad::testing::at("2026-01-02T03:04:05Z"));
  EXPECT_GE(first.generation, 1U);
  change("2026-02-01T00:00:00Z");
  clock_.advance(std::chrono::milliseconds(999));
  EXPECT_EQ(version.current().generation, first.generation);  // not asked yet
  clock_.advance(std::chrono::milliseconds(1));
  const Version second = version.current();
  EXPECT_EQ(second.updated, ssad::testing::at("2026-02-01T00:00:00Z"));
  EXPECT_GT(second.generation, first.generation);
  clock_.advance(std::chrono::seconds(5));
  EXPECT_EQ(version.current().generation, second.generation);  // no change, same generation
}

// Store::watch_changes announces a commit made elsewhere (another node, an import): the next read sees
// it at once instead of after the interval.
TEST_F(DataVersionTest, AnAnnouncedChangeIsSeenWithoutWaitingForTheInterval) {
  DataVersion version(store_->registrations(), clock_, std::chrono::seconds(1));
  const Version first = version.current();
  change("2026-02-01T00:00:00Z");
  EXPECT_EQ(version.current().generation, first.generation);  // not yet asked again
  ASSERT_TRUE(version.known().has_value());
  version.invalidate();
  EXPECT_FALSE(version.known().has_value());  // the quick paths now hand over to a worker
  const Version seen = version.current();
  EXPECT_GT(seen.generation, first.generation);
  EXPECT_EQ(seen.updated, ssad::testing::at("2026-02-01T00:00:00Z"));
  EXPECT_TRUE(version.known().has_value());  // and the interval starts again
}

TEST_F(DataVersionTest, AWallClockJumpDoesNotDelayOrHurryTheCheck) {
  DataVersion version(store_->registrations(), clock_, std::chrono::seconds(1));
  const Version first = version.current();
  change("2026-02-01T00:00:00Z");
  clock_.set_wall(ssad::testing::at("2020-01-01T00:00:00Z"));  // set back by an operator
  clock_.advance(std::chrono::seconds(1));
  EXPECT_GT(version.current().generation, first.generation);
}

// /readyz's list of registrars without an abuse contact is read from the store when the data changed, not
// per call: an operator's fix shows once DataVersion has seen it, and until then the list stays as read.
TEST_F(DataVersionTest, TheRegistrarsWithoutAnAbuseContactAreReadAgainWhenTheDataChanged) {
  {
    auto work = store_->begin().value();
    model::Registrar bare = ssad::testing::sample_registrar();
    bare.abuse_email.clear();
    bare.abuse_phone.clear();
    ASSERT_TRUE(work->registrations().put_registrar(bare).has_value());
    ASSERT_TRUE(work->commit(ssad::testing::at("2026-01-03T00:00:00Z")).has_value());
  }
  DataVersion version(store_->registrations(), clock_, std::chrono::seconds(1));
  AbuseContactGaps gaps(store_->registrar_directory(), version);
  auto first = gaps.current().value();
  ASSERT_EQ(first->size(), 1U);
  EXPECT_EQ((*first)[0].iana_id, 1234);
  EXPECT_EQ(gaps.current().value(), first);  // the same list, not read again

  {
    auto work = store_->begin().value();
    ASSERT_TRUE(
        work->registrar_directory()
            .apply(
                {.iana_id = 1234, .abuse_email = "abuse@registrar.example", .abuse_phone = "+1.7035555556"},
                clock_.now())
            .has_value());
    ASSERT_TRUE(work->commit(ssad::testing::at("2026-01-04T00:00:00Z")).has_value());
  }
  EXPECT_EQ(gaps.current().value()->size(), 1U);  // DataVersion has not looked yet
  clock_.advance(std::chrono::seconds(1));
  EXPECT_TRUE(gaps.current().value()->empty());
}

}  // namespace
}  // namespace ssad::cache

namespace ssad::cache {
namespace {

std::shared_ptr<const model::Registration> registration_named(const char* name) {
  auto r = std::make_shared<model::Registration>();
  r->domain.name = normalize_domain_name(name).value();
  r->contacts.emplace_back(model::ContactRole::registrant, model::Contact{});
  return r;
}

TEST(RegistrationCacheTest, KeepsRegistrationsUntilTheDataChanges) {
  RegistrationCache cache(1 << 20);
  cache.insert("a.test", registration_named("a.test"), 1);
  ASSERT_NE(cache.find("a.test", 1), nullptr);
  EXPECT_EQ(cache.find("a.test", 1)->domain.name.ldh, "a.test");
  EXPECT_EQ(cache.find("b.test", 1), nullptr);
  // A newer generation empties it; one read before it is not kept.
  EXPECT_EQ(cache.find("a.test", 2), nullptr);
  cache.insert("a.test", registration_named("a.test"), 1);
  EXPECT_EQ(cache.find("a.test", 2), nullptr);
  RegistrationCache off(0);
  off.insert("a.test", registration_named("a.test"), 1);
  EXPECT_EQ(off.find("a.test", 1), nullptr);
}

TEST(RegistrationCacheTest, StaysWithinItsBytes) {
  const std::size_t each = approximate_bytes(*registration_named("x0.test"));
  EXPECT_GT(each, sizeof(model::Registration));
  RegistrationCache cache(16 * 20 * (each + 200));  // 16 shards, room for about 20 each
  for (int i = 0; i < 2000; ++i) {
    const std::string name = "x" + std::to_string(i) + ".test";
    cache.insert(name, registration_named(name.c_str()), 1);
  }
  EXPECT_LE(cache.size_bytes(), 16 * 20 * (each + 200));
  EXPECT_GT(cache.entries(), 100U);
  EXPECT_LT(cache.entries(), 2000U);
}

}  // namespace
}  // namespace ssad::cache
