#include "store/sqlite/sqlite.hpp"

#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace ssad::store::sqlite {
namespace {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const ErrorCode code = primary == SQLITE_CONSTRAINT  ? ErrorCode::conflict
                         : primary == SQLITE_MISUSE    ? ErrorCode::internal
                         : primary == SQLITE_INTERRUPT ? ErrorCode::timed_out
                                                       : ErrorCode::unavailable;
  return Error{code, std::string(what) + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc))};
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path, bool create) {
  if (create && path != ":memory:") {
    // The store holds personal data: a new file is the owner's alone. SQLite gives the -wal and -shm
    // files it creates beside it the database file's permissions.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  return open_with(path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), true);
}

Result<std::unique_ptr<Database>> Database::open_read_only(const std::string& path) {
  // The writer set the file's WAL mode, which persists; a reader only reads.
  return open_with(path, SQLITE_OPEN_READONLY, false);
}

Result<std::unique_ptr<Database>> Database::open_with(const std::string& path, int flags, bool configure) {
  // Memory statistics take a global mutex on every SQLite allocation (~5% of an import); we never
  // read them. Must precede sqlite3_initialize(), hence the first open.
  // URI file names off: "file:x.db" is a file of that name, so the 0600 pre-create in open() and
  // SQLite always mean the same file.
  static const bool configured = [] {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK &&
           sqlite3_config(SQLITE_CONFIG_URI, 0) == SQLITE_OK;
  }();
  (void)configured;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Error error{ErrorCode::unavailable, "cannot open database '" + path + "': " +
                                            (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc))};
    sqlite3_close(db);
    return std::unexpected(std::move(error));
  }
  std::unique_ptr<Database> database(new Database(db, path));
  sqlite3_busy_timeout(db, 10000);
  sqlite3_extended_result_codes(db, 1);
  if (!configure) return database;
  // WAL lets readers proceed during an import; synchronous=FULL makes each commit durable.
  if (auto ok = database->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                               "PRAGMA temp_store=MEMORY;");
      !ok) {
    return std::unexpected(with_context(ok.error(), "cannot configure database '" + path + "'"));
  }
  return database;
}

Database::~Database() { sqlite3_close_v2(db_); }

// SQLite calls this every thousand virtual-machine instructions (a few microseconds) while a statement runs;
// non-zero interrupts the statement (SQLITE_INTERRUPT). Cheap: one clock reading.
int Database::past_deadline(void* database) {
  const auto* self = static_cast<const Database*>(database);
  return self->clock_ != nullptr && self->clock_->monotonic() >= self->deadline_ ? 1 : 0;
}

void Database::set_deadline(const Clock& clock, Clock::Monotonic deadline) {
  if (clock_ == nullptr) sqlite3_progress_handler(db_, 1000, &Database::past_deadline, this);
  clock_ = &clock;
  deadline_ = deadline;
}

void Database::clear_deadline() {
  if (clock_ != nullptr) sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  clock_ = nullptr;
}

Result<void> Database::exec(std::string_view sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    const std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    Error error = sqlite_error(nullptr, rc, "SQL failed");
    error.message = "SQL failed: " + text;
    return std::unexpected(std::move(error));
  }
  return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                    &stmt, nullptr);
  if (rc != SQLITE_OK) {
    Error error = sqlite_error(db_, rc, "cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
    error.code = ErrorCode::internal;
    return std::unexpected(std::move(error));
  }
  return Statement(db_, stmt);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
int Database::changes() const { return sqlite3_changes(db_); }

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC: the caller's text outlives the step (see the header), so SQLite need not copy it.
  // A default-constructed view has a null data pointer, which SQLite would bind as NULL, not as ''.
  const char* data = text.data() != nullptr ? text.data() : "";
  sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  // A zero-length BLOB, not NULL, for empty bytes (SQLite binds a null pointer as NULL).
  if (bytes.empty()) {
    sqlite3_bind_zeroblob(stmt_, index, 0);
  } else {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  if (value) {
    sqlite3_bind_int64(stmt_, index, *value);
  } else {
    sqlite3_bind_null(stmt_, index);
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int Statement::parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }

Result<bool> Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error error = sqlite_error(db_, rc, "SQL step failed");
  sqlite3_reset(stmt_);
  return std::unexpected(std::move(error));
}

Result<void> Statement::run() {
  auto more = step();
  if (!more) return std::unexpected(more.error());
  while (*more) {
    more = step();
    if (!more) return std::unexpected(more.error());
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::text(int column) const {
  const auto* data = sqlite3_column_text(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {reinterpret_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::string_view Statement::blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Result<Transaction> Transaction::begin(Database& db) {
  if (auto ok = db.exec("BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  return Transaction(&db);
}

Transaction::~Transaction() {
  // A destructor cannot report; were the rollback to fail, SQLite rolls the transaction back when the
  // connection closes.
  if (db_ != nullptr) (void)db_->exec("ROLLBACK");  // NOLINT(bugprone-unused-return-value)
}

Result<void> Transaction::commit() {
  if (db_ == nullptr) return fail(ErrorCode::internal, "transaction already finished");
  auto ok = db_->exec("COMMIT");
  if (ok) db_ = nullptr;
  return ok;
}

}  // namespace ssad::store::sqlite
