#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements and transactions whose
// failures come back as ssad::Result. Hand-written because the C API is all Debian ships for C++ and
// the wrapper needed here is small; it keeps `sqlite3_*` calls out of the repositories.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::store::sqlite {

class Statement;

/// One SQLite connection. Not thread-safe: use one per thread.
class Database {
 public:
  /// Opens (creating when asked) the database file and applies the connection settings: WAL, foreign
  /// keys, a busy timeout. A file it creates is readable and writable by its owner only (0600), and so are
  /// the -wal and -shm files SQLite creates beside it. Errors: unavailable with SQLite's message.
  [[nodiscard]] static Result<std::unique_ptr<Database>> open(const std::string& path, bool create);
  /// Opens an existing database for reading only (SQLITE_OPEN_READONLY): the connection cannot change
  /// the file, whatever SQL it runs. Errors: unavailable.
  [[nodiscard]] static Result<std::unique_ptr<Database>> open_read_only(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs one or more statements without results (DDL, PRAGMA, BEGIN). Errors: unavailable/conflict.
  [[nodiscard]] Result<void> exec(std::string_view sql);
  /// Prepares a statement. Errors: internal (a bad statement is a bug).
  [[nodiscard]] Result<Statement> prepare(std::string_view sql);
  [[nodiscard]] std::int64_t last_insert_rowid() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] sqlite3* handle() const { return db_; }

  /// Interrupts any statement still running at `deadline` by `clock`: its step fails with timed_out.
  /// The clock must outlive the connection or the next set_deadline().
  void set_deadline(const Clock& clock, Clock::Monotonic deadline);
  /// No deadline from now on.
  void clear_deadline();
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  static Result<std::unique_ptr<Database>> open_with(const std::string& path, int flags, bool configure);
  static int past_deadline(void* database);
  sqlite3* db_;
  std::string path_;
  const Clock* clock_ = nullptr;
  Clock::Monotonic deadline_{};
};

/// A prepared statement; bind with 1-based indexes, step, read columns with 0-based indexes.
/// Bound text is not copied: it must stay alive and unchanged until the statement is reset or rebound.
class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::optional<std::int64_t> value);
  Statement& bind_null(int index);
  /// Binds bytes as a BLOB (not copied either).
  Statement& bind_blob(int index, std::string_view bytes);
  /// The largest parameter index in the statement (?N).
  [[nodiscard]] int parameter_count() const;

  /// Advances: true when a row is ready, false when done. Errors: conflict for constraint
  /// violations (duplicate keys, broken references), unavailable otherwise.
  [[nodiscard]] Result<bool> step();
  /// Steps to completion, expecting no rows.
  [[nodiscard]] Result<void> run();
  /// Resets for re-execution and clears bindings.
  void reset();

  [[nodiscard]] std::string_view text(int column) const;
  /// A BLOB column's bytes (valid until the next step or reset).
  [[nodiscard]] std::string_view blob(int column) const;
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

/// BEGIN IMMEDIATE on construction; rolls back on destruction unless commit() succeeded.
class Transaction {
 public:
  [[nodiscard]] static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();
  [[nodiscard]] Result<void> commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

/// Every row `stmt` returns, each read by `read` (a Statement to a Result of a value): the repositories'
/// lists.
template <class Read>
auto all_rows(Statement& stmt, Read read) -> Result<std::vector<typename decltype(read(stmt))::value_type>> {
  std::vector<typename decltype(read(stmt))::value_type> out;
  for (;;) {
    SSAD_TRY(more, stmt.step());
    if (!more) return out;
    SSAD_TRY(value, read(stmt));
    out.push_back(std::move(value));
  }
}

}  // namespace ssad::store::sqlite
