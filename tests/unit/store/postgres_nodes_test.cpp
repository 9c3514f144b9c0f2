// What the PostgreSQL store adds for several nodes: two stores on one database (two `ssad serve` nodes)
// see each other's commits, are told of them at once (LISTEN/NOTIFY), and write one at a time.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"

namespace ssad::store::postgres {
namespace {

using ssad::testing::at;
using ssad::testing::sample_registrar;

// Counts the announcements a store makes; a test waits for one on a condition variable (an event, not a
// sleep), with a deadline so that a missing announcement fails instead of hanging.
class Announcements {
 public:
  void announce() {
    const std::lock_guard lock(mutex_);
    ++count_;
    changed_.notify_all();
  }
  bool wait_for(int count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return count_ >= count; });
  }
  int count() {
    const std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int count_ = 0;
};

Result<void> put_registrar(Store& store, const char* handle, std::int64_t iana_id, const char* when) {
  SSAD_TRY(work, store.begin());
  SSAD_CHECK(work->registrations().put_registrar(sample_registrar(handle, iana_id)));
  return work->commit(at(when));
}

TEST(PostgresNodesTest, ACommitOnOneNodeIsAnnouncedToTheOtherAndVisibleThere) {
  ssad::testing::PostgresSchema schema;
  Announcements heard;  // before the stores: it must outlive b's listener thread
  auto a = open_postgres_store(schema.url()).value();
  auto b = open_postgres_store(schema.url()).value();
  b->watch_changes([&] { heard.announce(); });
  // The listener connects in the background; a commit before it listens is not announced, so commit
  // until one is heard (each commit is a real change).
  int commits = 0;
  while (heard.count() == 0 && commits < 50) {
    ASSERT_TRUE(put_registrar(*a, "registrarX", 1000 + commits, "2026-01-01T00:00:00Z").has_value());
    ++commits;
    if (heard.wait_for(1)) break;
  }
  ASSERT_GE(heard.count(), 1) << "no announcement after " << commits << " commits";
  const int before = heard.count();
  ASSERT_TRUE(put_registrar(*a, "registrarY", 5678, "2026-02-01T00:00:00Z").has_value());
  EXPECT_TRUE(heard.wait_for(before + 1));
  EXPECT_EQ(b->registrations().find_registrar("registrarY").value().iana_id, 5678);
  EXPECT_EQ(b->registrations().data_updated().value(), at("2026-02-01T00:00:00Z"));
}

TEST(PostgresNodesTest, ARolledBackUnitOfWorkIsNeitherVisibleNorAnnounced) {
  ssad::testing::PostgresSchema schema;
  auto a = open_postgres_store(schema.url()).value();
  auto b = open_postgres_store(schema.url()).value();
  {
    auto work = a->begin().value();
    ASSERT_TRUE(work->registrations().put_registrar(sample_registrar("registrarZ", 42)).has_value());
  }  // dropped uncommitted
  EXPECT_EQ(b->registrations().find_registrar("registrarZ").error().code, ErrorCode::not_found);
  EXPECT_FALSE(b->registrations().data_updated().value().has_value());
}

// One unit of work at a time across nodes (as SQLite's one writer): a second one waits for the first.
// True once some session waits for an advisory lock (asked up to 10,000 times).
bool a_waiter_shows(const std::string& url) {
  for (int i = 0; i < 10000; ++i) {
    if (ssad::testing::PostgresSchema::query_value(
            url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") != "0") {
      return true;
    }
  }
  return false;
}

TEST(PostgresNodesTest, UnitsOfWorkOnTwoNodesTakeTurns) {
  ssad::testing::PostgresSchema schema;
  auto a = open_postgres_store(schema.url()).value();
  auto b = open_postgres_store(schema.url()).value();
  auto first = a->begin().value();
  ASSERT_TRUE(first->registrations().put_registrar(sample_registrar("registrarA", 1)).has_value());
  std::mutex mutex;
  bool second_began = false;
  std::thread other([&] {
    auto second = b->begin();
    ASSERT_TRUE(second.has_value()) << second.error().message;
    // The first has committed by now: the second sees its registrar and may replace it.
    EXPECT_TRUE((*second)->registrations().put_registrar(sample_registrar("registrarA", 2)).has_value());
    EXPECT_TRUE((*second)->commit(at("2026-03-01T00:00:00Z")).has_value());
    const std::lock_guard lock(mutex);
    second_began = true;
  });
  // The second waits for the lock the first holds: seen in pg_locks (asked again until it shows).
  ASSERT_TRUE(a_waiter_shows(schema.admin_url()));
  {
    const std::lock_guard lock(mutex);
    EXPECT_FALSE(second_began);
  }
  ASSERT_TRUE(first->commit(at("2026-02-01T00:00:00Z")).has_value());
  other.join();
  EXPECT_EQ(a->registrations().find_registrar("registrarA").value().iana_id, 2);
}

// Two stores in two schemas of one server are independent: one's unit of work does not wait for the
// other's (with one lock for the whole server it would, and fail after 10 s).
TEST(PostgresNodesTest, StoresInTwoSchemasDoNotWaitForEachOther) {
  ssad::testing::PostgresSchema first_schema, second_schema;
  auto first = open_postgres_store(first_schema.url()).value();
  auto second = open_postgres_store(second_schema.url()).value();
  auto held = first->begin().value();  // holds the first store's write lock
  ASSERT_TRUE(held->registrations().put_registrar(sample_registrar("registrarH", 1)).has_value());
  auto other = put_registrar(*second, "registrarS", 2, "2026-01-01T00:00:00Z");
  ASSERT_TRUE(other.has_value()) << other.error().message;
  ASSERT_TRUE(held->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(first->registrations().find_registrar("registrarS").error().code, ErrorCode::not_found);
  EXPECT_EQ(second->registrations().find_registrar("registrarS").value().iana_id, 2);
}

TEST(PostgresNodesTest, AStoreWithAnOlderSchemaIsRefusedWithoutMigrating) {
  ssad::testing::PostgresSchema schema;
  auto refused = open_postgres_store(schema.url(), {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);
  ASSERT_TRUE(open_postgres_store(schema.url()).has_value());
  EXPECT_TRUE(open_postgres_store(schema.url(), {.migrate = false}).has_value());
}

// Cuts every connection whose application_name is `name` (as a server restart would).
void cut_connections(const std::string& admin_url, const std::string& name) {
  ssad::testing::PostgresSchema::execute(
      admin_url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + name + "'");
}

// After a restart of the server every pooled connection is dead; a read notices, connects anew and reads
// again, instead of failing once per pooled connection. The change listener connects again too, and
// announces a change (one may have been missed while it was away).
TEST(PostgresNodesTest, CutConnectionsAreReplacedWithoutAFailedReadAndTheListenerComesBack) {
  ssad::testing::PostgresSchema schema;
  const std::string name = "cut_" + schema.name();
  Announcements heard;  // before the store: it must outlive the listener thread
  auto store = open_postgres_store(schema.url() + "&application_name=" + name).value();
  ASSERT_TRUE(put_registrar(*store, "registrarC", 7, "2026-01-01T00:00:00Z").has_value());
  ASSERT_TRUE(store->registrations().find_registrar("registrarC").has_value());  // a pooled connection
  store->watch_changes([&] { heard.announce(); });
  // Wait until the listener is connected: its session shows in pg_stat_activity.
  bool listening = false;
  for (int i = 0; i < 10000 && !listening; ++i) {
    listening = ssad::testing::PostgresSchema::query_value(
                    schema.admin_url(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" +
                                            name + "' AND query LIKE 'LISTEN%'") != "0";
  }
  ASSERT_TRUE(listening);
  cut_connections(schema.admin_url(), name);
  auto again = store->registrations().find_registrar("registrarC");
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->iana_id, 7);
  EXPECT_TRUE(heard.wait_for(1));  // reconnected, and said so
}

TEST(PostgresNodesTest, AnUnreachableServerIsUnavailable) {
  auto refused = open_postgres_store("postgresql://ssad@127.0.0.1:1/ssad?connect_timeout=2");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace ssad::store::postgres
