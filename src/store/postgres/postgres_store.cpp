#include "store/postgres/postgres_store.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include <poll.h>

#include "core/embedded.hpp"
#include "store/postgres/postgres_abuse.hpp"
#include "store/postgres/postgres_audit_log.hpp"
#include "store/postgres/postgres_outbox.hpp"
#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/postgres_requestors.hpp"
#include "store/postgres/postgres_requests.hpp"
#include "store/postgres/postgres_subject.hpp"
#include "store/postgres/postgres_writes.hpp"
#include "store/postgres/pq.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> postgres_migrations();
}

namespace ssad::store::postgres {
namespace {

// Advisory locks: one unit of work at a time across every node (as SQLite's one writer), and one
// migration at a time, per schema (several OpenSSAD stores may share a server, each in a schema of its
// own: they do not wait for each other).
constexpr const char* kWriteLock =
    "SELECT pg_advisory_xact_lock(hashtext('ssad write ' || current_schema()))";
constexpr const char* kMigrationLock =
    "SELECT pg_advisory_xact_lock(hashtext('ssad migrate ' || current_schema()))";
// The channel a commit notifies and every node of the same store listens on: one per schema, named by
// its hash (an identifier of hex digits: no quoting, under PostgreSQL's 63 bytes).
constexpr const char* kChannelName = "SELECT 'ssad_' || md5(current_schema())";
constexpr const char* kNotify = "SELECT pg_notify('ssad_' || md5(current_schema()), '')";

int version_of(std::string_view file_name) {
  int version = 0;
  std::from_chars(file_name.data(), file_name.data() + file_name.size(), version);
  return version;
}

int latest_schema_version() {
  int latest = 0;
  for (const auto& file : embedded::postgres_migrations()) latest = std::max(latest, version_of(file.name));
  return latest;
}

// The highest migration applied; 0 when none (no schema_migration table in the search path).
Result<int> schema_version(Connection& conn) {
  SSAD_TRY(exists, conn.exec("SELECT to_regclass('schema_migration') IS NOT NULL"));
  if (!exists.boolean(0, 0)) return 0;
  SSAD_TRY(rows, conn.exec("SELECT coalesce(max(version), 0) FROM schema_migration"));
  return static_cast<int>(rows.integer(0, 0));
}

// Applies every migration newer than the database's, all in one transaction (PostgreSQL's DDL is
// transactional: a failed migration leaves nothing behind), holding a lock so that two nodes starting at
// once migrate once.
Result<void> migrate(Connection& conn) {
  SSAD_CHECK(conn.exec("BEGIN"));
  auto applied = [&]() -> Result<void> {
    SSAD_CHECK(conn.exec(kMigrationLock));
    SSAD_CHECK(
        conn.exec("CREATE TABLE IF NOT EXISTS schema_migration (version integer PRIMARY KEY, name text NOT "
                  "NULL, applied_ms bigint NOT NULL)"));
    SSAD_TRY(current, schema_version(conn));
    if (current > latest_schema_version()) {
      return fail(ErrorCode::conflict, "the database has schema version " + std::to_string(current) +
                                           ", newer than this binary's " +
                                           std::to_string(latest_schema_version()));
    }
    for (const auto& file : embedded::postgres_migrations()) {
      const int version = version_of(file.name);
      if (version <= current) continue;
      if (auto ok = conn.exec(file.text); !ok) {
        return std::unexpected(with_context(ok.error(), "migration " + std::string(file.name)));
      }
      SSAD_CHECK(
          conn.query("INSERT INTO schema_migration (version, name, applied_ms) VALUES ($1::integer, $2, "
                     "(extract(epoch FROM clock_timestamp()) * 1000)::bigint)",
                     {std::int64_t{version}, std::string_view(file.name)}));
    }
    return {};
  }();
  if (!applied) {
    // The error above is the one to report.
    (void)conn.exec("ROLLBACK");  // NOLINT(bugprone-unused-return-value)
    return applied;
  }
  SSAD_CHECK(conn.exec("COMMIT"));
  return {};
}

Result<void> check_version(Connection& conn) {
  SSAD_TRY(version, schema_version(conn));
  if (version > latest_schema_version()) {
    return fail(ErrorCode::conflict, "the database has schema version " + std::to_string(version) +
                                         ", newer than this binary's " +
                                         std::to_string(latest_schema_version()));
  }
  if (version < latest_schema_version()) {
    return fail(ErrorCode::conflict, "the database needs migrating (schema " + std::to_string(version) +
                                         " < " + std::to_string(latest_schema_version()) +
                                         "): run `ssad migrate`");
  }
  return {};
}

// What a unit of work's commit promises (store.hpp): its changes, its audit entries above all, are on
// disk when commit returns. With synchronous_commit off (a server or role default set for speed, as the
// tests' server has) PostgreSQL answers COMMIT before its WAL is flushed, and a power loss would take back
// entries already acknowledged; so the writer connections raise it to on. Every other value (local,
// remote_write, remote_apply) already waits for the local flush and is kept: remote_apply is how an
// operator makes replicas current on return (docs/deployment.md). The server's fsync is the operator's.
constexpr const char* kWriterSettings =
    "SELECT set_config('synchronous_commit', 'on', false) WHERE current_setting('synchronous_commit') = "
    "'off'";

// Connections for units of work, kept between them: connecting costs a server process each time, which
// group-committed audit appends would otherwise pay per batch.
class WriterPool {
 public:
  explicit WriterPool(std::string url) : url_(std::move(url)) {}

  Result<std::unique_ptr<Connection>> borrow() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
    }
    return Connection::open(url_, kWriterSettings);
  }
  /// Keeps a connection whose transaction ended cleanly (committed or rolled back).
  void put_back(std::unique_ptr<Connection> conn) {
    if (!conn->healthy()) return;
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(conn));
  }

 private:
  static constexpr std::size_t kMaxIdle = 4;
  std::string url_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// One unit of work: a transaction on its own connection. One that may write registration data holds the
// write lock from its start; an audit-only one takes no lock but the audit head's, at commit (and the row
// locks of the requestor directory's rows and the requests it changes or reads for update, as any unit of
// work does).
class PostgresUnitOfWork final : public UnitOfWork {
 public:
  PostgresUnitOfWork(std::unique_ptr<Connection> conn, WriterPool& pool, bool audit_only)
      : conn_(std::move(conn)),
        pool_(pool),
        audit_only_(audit_only),
        registrations_(make_registration_writer(*conn_)),
        directory_(make_registrar_directory_writer(*conn_)),
        audit_(*conn_),
        requestors_(make_requestor_writer(*conn_)),
        outbox_(make_outbox_writer(*conn_)),
        requests_(make_request_writer(*conn_)),
        abuse_(make_abuse_writer(*conn_)),
        subjects_(make_subject_writer(*conn_)) {}

  ~PostgresUnitOfWork() override {
    // Uncommitted: everything is rolled back (closing the connection would do it too).
    bool clean = committed_;
    if (!committed_ && conn_->healthy()) clean = conn_->exec("ROLLBACK").has_value();
    // The writers hold the connection: they go first.
    registrations_.reset();
    directory_.reset();
    requestors_.reset();
    outbox_.reset();
    requests_.reset();
    abuse_.reset();
    subjects_.reset();
    if (clean) pool_.put_back(std::move(conn_));
  }
  PostgresUnitOfWork(const PostgresUnitOfWork&) = delete;
  PostgresUnitOfWork& operator=(const PostgresUnitOfWork&) = delete;

  RegistrationWriter& registrations() override { return *registrations_; }
  RegistrarDirectoryWriter& registrar_directory() override { return *directory_; }
  AuditLogWriter& audit_log() override { return audit_; }
  RequestorWriter& requestors() override { return *requestors_; }
  OutboxWriter& outbox() override { return *outbox_; }
  RequestWriter& requests() override { return *requests_; }
  AbuseWriter& abuse() override { return *abuse_; }
  SubjectWriter& subjects() override { return *subjects_; }

  Result<void> commit(Timestamp now) override {
    if (committed_) return fail(ErrorCode::internal, "the unit of work has already committed");
    const bool data_written = registrations_->written() || directory_->written();
    if (audit_only_ && data_written) {
      return fail(ErrorCode::internal,
                  "an audit-only unit of work wrote registration data: nothing committed");
    }
    SSAD_CHECK(registrations_->flush());
    // The registrar directory changes what lookups return, so it counts as a change of the registration
    // data; the requestor directory and the requests do not (nothing caches them: every credential check
    // and every request's page reads them). The
    // notification is sent when (and only if) the transaction commits.
    if (data_written) {
      SSAD_CHECK(
          conn_->query("INSERT INTO store_meta (key, value) VALUES ('data_updated_ms', $1) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                       {std::to_string(to_unix_ms(now))}));
      SSAD_CHECK(conn_->exec(kNotify));
    }
    // Last: the audit head stays locked only from here to the COMMIT.
    SSAD_CHECK(audit_.flush());
    auto done = conn_->exec("COMMIT");
    if (!done) {
      // A COMMIT whose answer is lost may or may not have happened; either way this unit is over.
      return fail(ErrorCode::unavailable, "the changes could not be committed: " + done.error().message);
    }
    if (done->command() != "COMMIT") {
      // PostgreSQL answers ROLLBACK to the COMMIT of a transaction an error had aborted.
      return fail(ErrorCode::unavailable, "the changes could not be committed: the transaction had failed");
    }
    committed_ = true;
    registrations_->finish();
    directory_->finish();
    audit_.finish();
    requestors_->finish();
    outbox_->finish();
    requests_->finish();
    abuse_->finish();
    subjects_->finish();
    return {};
  }

 private:
  std::unique_ptr<Connection> conn_;
  WriterPool& pool_;
  bool audit_only_;
  std::unique_ptr<BufferedRegistrationWriter> registrations_;
  std::unique_ptr<DirectoryWriter> directory_;
  PostgresAuditLogWriter audit_;
  std::unique_ptr<requestor_rows::UnitWriter> requestors_;
  std::unique_ptr<outbox_rows::UnitWriter> outbox_;
  std::unique_ptr<request_rows::UnitWriter> requests_;
  std::unique_ptr<abuse_rows::UnitWriter> abuse_;
  std::unique_ptr<subject_rows::UnitWriter> subjects_;
  bool committed_ = false;
};

// Listens for the commits of every node (NOTIFY on the store's channel) on a connection of its own and calls
// the watcher for each. When the connection is lost it connects again (every second) and calls the watcher
// once connected, since a notification may have been missed meanwhile. With reads on a replica, the
// watcher is called once the replica has replayed the commit (see wait_for_replica).
class ChangeListener {
 public:
  ChangeListener(std::string url, std::string replica_url, std::function<void()> changed)
      : url_(std::move(url)),
        replica_url_(std::move(replica_url)),
        changed_(std::move(changed)),
        thread_([this] { run(); }) {}
  ~ChangeListener() {
    stop_ = true;
    thread_.join();
  }
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

 private:
  void run() {
    bool first = true;
    while (!stop_) {
      auto conn = Connection::open(url_);
      auto channel = conn ? (*conn)->exec(kChannelName) : Result<Rows>(std::unexpected(conn.error()));
      if (!conn || !channel || !(*conn)->exec("LISTEN " + std::string(channel->text(0, 0)))) {
        wait_ms(1000);
        continue;
      }
      if (!first) changed_();
      first = false;
      while (!stop_ && (*conn)->healthy()) {
        pollfd fd{PQsocket((*conn)->handle()), POLLIN, 0};
        // A short timeout so that the destructor's stop is seen soon.
        if (::poll(&fd, 1, 200) <= 0) continue;
        if (PQconsumeInput((*conn)->handle()) != 1) break;
        // Notifications that arrive while waiting for the replica wait in libpq's queue, not on the
        // socket: they are taken here too, before polling again.
        while (take_notifications(**conn)) {
          wait_for_replica(**conn);
          changed_();
        }
      }
    }
  }
  static bool take_notifications(Connection& conn) {
    bool notified = false;
    while (PGnotify* notify = PQnotifies(conn.handle())) {
      notified = true;
      PQfreemem(notify);
    }
    return notified;
  }
  // A commit is announced by the primary before a streaming replica has replayed it. A watcher called
  // then would read the old data from the replica and keep it until its next check (DataVersion: a
  // second later), so this waits until the replica has replayed the primary's WAL as it stood after the
  // announcement, asking every 10 ms, for up to 5 s (then the watcher is called anyway). The insert
  // position, not the write position: with synchronous_commit off the commit record may not be written
  // yet when the notification arrives.
  void wait_for_replica(Connection& primary) {
    if (replica_url_.empty()) return;
    auto position = primary.exec("SELECT pg_current_wal_insert_lsn()");
    if (!position || position->empty()) return;
    const std::string lsn(position->text(0, 0));
    for (int waited = 0; waited < 5000 && !stop_; waited += 10) {
      if (!replica_) {
        if (auto opened = Connection::open(replica_url_)) replica_ = std::move(*opened);
      }
      if (replica_) {
        // NULL when the replica URL names a server that is not replaying (a primary): nothing to wait for.
        auto replayed =
            replica_->query("SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, true)", {lsn});
        if (replayed && replayed->boolean(0, 0)) return;
        if (!replica_->healthy()) replica_.reset();
      }
      ::poll(nullptr, 0, 10);
    }
  }
  void wait_ms(int ms) {
    for (int waited = 0; waited < ms && !stop_; waited += 100) ::poll(nullptr, 0, 100);
  }

  std::string url_;
  std::string replica_url_;
  std::unique_ptr<Connection> replica_;  // on the listener's thread only
  std::function<void()> changed_;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: starts once the rest is ready
};

class PostgresStore final : public Store {
 public:
  PostgresStore(std::string url, const PostgresOptions& options)
      : url_(std::move(url)),
        options_(options),
        pool_(options.replica_url.empty() ? url_ : options.replica_url, reader_settings(options),
              options.max_readers),
        writers_(url_),
        // Credential checks read the primary even when lookups read a replica: a suspension or a revoked
        // key must stop working on the very next request, not after the replica's lag. So do requests: a
        // requestor reads its request right after filing it.
        primary_readers_(
            options.replica_url.empty()
                ? nullptr
                : std::make_unique<ReaderPool>(url_, reader_settings(options), options.max_readers)),
        registrations_(make_registration_reader(pool_)),
        directory_(make_registrar_directory_reader(pool_)),
        audit_(make_audit_log_reader(pool_)),
        requestors_(make_requestor_reader(primary_readers_ ? *primary_readers_ : pool_)),
        // The outbox's claims and outcomes write, and its lists must show them at once: the primary.
        outbox_pool_(url_, kWriterSettings, kOutboxConnections),
        outbox_(make_outbox(outbox_pool_)),
        requests_(make_request_reader(primary_readers_ ? *primary_readers_ : pool_)),
        // Usage rows other nodes wrote seconds ago, and cases just opened: the primary too.
        abuse_(make_abuse_reader(primary_readers_ ? *primary_readers_ : pool_)),
        // A registrant reads its session and its designation right after writing them: the primary.
        subjects_(make_subject_reader(primary_readers_ ? *primary_readers_ : pool_)) {}

  Result<void> init() {
    SSAD_TRY(conn, Connection::open(url_));
    // Names and text are UTF-8 throughout (byte order is code point order): a database in another
    // encoding would change what is stored and how it sorts.
    SSAD_TRY(encoding, conn->exec("SHOW server_encoding"));
    if (encoding.text(0, 0) != "UTF8") {
      return fail(ErrorCode::invalid_input, "the PostgreSQL database must use the UTF8 encoding, not " +
                                                std::string(encoding.text(0, 0)) +
                                                " (createdb --encoding=UTF8 --template=template0)");
    }
    if (options_.migrate) SSAD_CHECK(migrate(*conn));
    SSAD_CHECK(check_version(*conn));
    return pool_.warm_up();
  }

  RegistrationReader& registrations() override { return *registrations_; }
  RegistrarDirectoryReader& registrar_directory() override { return *directory_; }
  AuditLogReader& audit_log() override { return *audit_; }
  RequestorReader& requestors() override { return *requestors_; }
  Outbox& outbox() override { return *outbox_; }
  RequestReader& requests() override { return *requests_; }
  AbuseReader& abuse() override { return *abuse_; }
  SubjectReader& subjects() override { return *subjects_; }

  Result<std::unique_ptr<UnitOfWork>> begin() override {
    SSAD_TRY(conn, writers_.borrow());
    SSAD_CHECK(conn->exec("BEGIN"));
    // As SQLite's busy timeout: wait up to 10 s for another unit of work (on any node) to finish.
    SSAD_CHECK(conn->exec("SET LOCAL lock_timeout = '10s'"));
    if (auto locked = conn->exec(kWriteLock); !locked) {
      (void)conn->exec("ROLLBACK");  // NOLINT(bugprone-unused-return-value): the lock's error is the one
      return fail(ErrorCode::unavailable,
                  "another import or change holds the store: " + locked.error().message);
    }
    // The audit head's lock waits as long as the write lock would.
    return std::unique_ptr<UnitOfWork>(
        std::make_unique<PostgresUnitOfWork>(std::move(conn), writers_, false));
  }

  Result<std::unique_ptr<UnitOfWork>> begin_audit() override {
    SSAD_TRY(conn, writers_.borrow());
    // One round trip, not two: a group commit of audit::Appender pays each.
    SSAD_CHECK(conn->exec("BEGIN; SET LOCAL lock_timeout = '10s'"));
    return std::unique_ptr<UnitOfWork>(std::make_unique<PostgresUnitOfWork>(std::move(conn), writers_, true));
  }

  void watch_changes(std::function<void()> changed) override {
    listener_.reset();  // joins its thread: no call to the old watcher after this
    if (changed) listener_ = std::make_unique<ChangeListener>(url_, options_.replica_url, std::move(changed));
  }

 private:
  // Reader connections: every lookup's statements read one snapshot (REPEATABLE READ), never write, and
  // stop after the read budget.
  static std::string reader_settings(const PostgresOptions& options) {
    std::string settings =
        "SET default_transaction_isolation = 'repeatable read'; SET default_transaction_read_only = on";
    if (options.read_budget.count() > 0) {
      settings += "; SET statement_timeout = " + std::to_string(options.read_budget.count());
    }
    return settings;
  }

  std::string url_;
  PostgresOptions options_;
  ReaderPool pool_;
  WriterPool writers_;
  std::unique_ptr<ReaderPool> primary_readers_;  // with a replica: the requestor directory's, requests',
                                                 // abuse records' and the registrant's side's reads
  std::unique_ptr<RegistrationReader> registrations_;
  std::unique_ptr<RegistrarDirectoryReader> directory_;
  std::unique_ptr<AuditLogReader> audit_;
  std::unique_ptr<RequestorReader> requestors_;
  static constexpr std::size_t kOutboxConnections = 2;  // kept idle: one sender per node, and a list
  ReaderPool outbox_pool_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<RequestReader> requests_;
  std::unique_ptr<AbuseReader> abuse_;
  std::unique_ptr<SubjectReader> subjects_;
  std::unique_ptr<ChangeListener> listener_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const PostgresOptions& options) {
  auto store = std::make_unique<PostgresStore>(url, options);
  SSAD_CHECK(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ssad::store::postgres
