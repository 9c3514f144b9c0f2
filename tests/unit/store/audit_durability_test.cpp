// What an acknowledged audit entry's survival of a power loss rests on (issue 11, item 8): the settings
// the store's units of work commit with. A crash of the process (tests/integration/audit_crash_e2e.sh)
// cannot show that a commit waited for the disk; these settings are what makes it wait.
//
// Each test puts a trigger on audit_entry that copies the settings in force into a table of its own, so
// that what is read is the setting of the very transaction that appends, on the store's own connection
// (from begin() and from begin_audit()), not of a connection the test opened.

#include <string>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace ssad::store {
namespace {

using ssad::testing::at;
using ssad::testing::PostgresSchema;

AuditRecord sample_entry(int n) {
  AuditRecord r;
  r.time = at("2026-01-01T00:00:00Z");
  r.actor_kind = "system";
  r.action = "test.append";
  r.object_kind = "store";
  r.encoding = "entry " + std::to_string(n);
  return r;
}

// Appends one entry through a unit of work from begin_audit() (what audit::Appender uses) and one
// through a unit of work from begin() (what audit::record joins a change in).
void append_through_both_kinds_of_unit(Store& store) {
  auto audit_only = store.begin_audit().value();
  ASSERT_TRUE(audit_only->audit_log().append(sample_entry(0)).has_value());
  ASSERT_TRUE(audit_only->commit(at("2026-01-01T00:00:00Z")).has_value());
  auto work = store.begin().value();
  ASSERT_TRUE(work->audit_log().append(sample_entry(1)).has_value());
  ASSERT_TRUE(work->commit(at("2026-01-01T00:00:00Z")).has_value());
}

// SQLite: synchronous=FULL in WAL mode syncs the WAL at every commit (NORMAL would not: a power loss
// could take back the last commits).
TEST(AuditDurabilityTest, SqliteUnitsOfWorkCommitInWalModeWithSynchronousFull) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = sqlite::open_sqlite_store(path).value();
  {
    auto db = sqlite::Database::open(path, false).value();
    ASSERT_TRUE(db->exec("CREATE TABLE durability_probe (synchronous INTEGER, journal_mode TEXT); "
                         "CREATE TRIGGER durability_probe AFTER INSERT ON audit_entry BEGIN "
                         "INSERT INTO durability_probe SELECT (SELECT synchronous FROM pragma_synchronous), "
                         "(SELECT journal_mode FROM pragma_journal_mode); END")
                    .has_value());
  }
  append_through_both_kinds_of_unit(*store);
  auto db = sqlite::Database::open_read_only(path).value();
  auto probe = db->prepare("SELECT synchronous, journal_mode FROM durability_probe").value();
  int rows = 0;
  while (probe.step().value()) {
    ++rows;
    EXPECT_EQ(probe.integer(0), 2) << "PRAGMA synchronous: 2 is FULL";
    EXPECT_EQ(probe.text(1), "wal");
  }
  EXPECT_EQ(rows, 2);
}

// PostgreSQL on the fixture's server probes the settings the same way.
class PostgresDurability {
 public:
  PostgresDurability() {
    PostgresSchema::execute(schema.url(),
                            "CREATE TABLE durability_probe (synchronous_commit text, fsync text)");
    PostgresSchema::execute(schema.url(),
                            "CREATE FUNCTION durability_probe() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            "INSERT INTO durability_probe VALUES (current_setting('synchronous_commit'), "
                            "current_setting('fsync')); RETURN NULL; END $$");
  }
  // From now on, each statement that appends records its transaction's settings. Called once the store
  // is open: opening it creates audit_entry.
  void watch() {
    PostgresSchema::execute(schema.url(),
                            "CREATE TRIGGER durability_probe AFTER INSERT ON audit_entry FOR EACH STATEMENT "
                            "EXECUTE FUNCTION durability_probe()");
  }
  // What was recorded: "synchronous_commit/fsync" per appending statement, joined by ','.
  std::string seen() {
    return PostgresSchema::query_value(
        schema.url(), "SELECT string_agg(synchronous_commit || '/' || fsync, ',') FROM durability_probe");
  }
  // The server's own fsync (the tests' server runs without it, for speed: pg_server.sh).
  std::string server_fsync() { return PostgresSchema::query_value(schema.url(), "SHOW fsync"); }

  PostgresSchema schema;
};

// The fixture's server runs with synchronous_commit = off (and fsync = off): there COMMIT returns before
// the WAL is flushed. The store's writer connections raise synchronous_commit to on, so that an entry is
// flushed before the commit that appends it returns, whatever the server's or the role's default. (With
// fsync off the flush itself is a no-op: that is the server's setting, which no client can change.)
TEST(AuditDurabilityTest, PostgresUnitsOfWorkCommitWithSynchronousCommitOnEvenWhenTheServerSaysOff) {
  PostgresDurability probe;
  const std::string fsync = probe.server_fsync();
  // The store's sessions start from a default of off, whatever the server's own default.
  auto store = postgres::open_postgres_store(probe.schema.url() + "%20-csynchronous_commit%3Doff").value();
  probe.watch();
  append_through_both_kinds_of_unit(*store);
  EXPECT_EQ(probe.seen(), "on/" + fsync + ",on/" + fsync);
}

// A stronger setting (remote_apply: replicas are current when a commit returns) is kept, not lowered.
TEST(AuditDurabilityTest, PostgresUnitsOfWorkKeepAStrongerSynchronousCommit) {
  PostgresDurability probe;
  const std::string fsync = probe.server_fsync();
  auto store =
      postgres::open_postgres_store(probe.schema.url() + "%20-csynchronous_commit%3Dremote_apply").value();
  probe.watch();
  append_through_both_kinds_of_unit(*store);
  EXPECT_EQ(probe.seen(), "remote_apply/" + fsync + ",remote_apply/" + fsync);
}

}  // namespace
}  // namespace ssad::store
