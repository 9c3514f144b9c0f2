#pragma once
// What the SQLite store's repositories share (internal to store/sqlite/): a connection with its prepared
// statements, and the pool of reader connections.

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace ssad::store::sqlite {

// A connection with its prepared statements, so each SQL text is prepared once per connection.
class Connection {
 public:
  explicit Connection(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Database& db() { return *db_; }

  /// The prepared statement for `sql`, reset and ready to bind. `sql` must be a string literal.
  Result<Statement*> statement(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
      auto prepared = db_->prepare(sql);
      if (!prepared) return std::unexpected(prepared.error());
      it = statements_.emplace(sql, std::move(*prepared)).first;
    }
    it->second.reset();
    return &it->second;
  }

  /// The prepared statement for `sql`, a text built at run time (a list's filter), reset and ready to
  /// bind. The last kBuiltStatements texts stay prepared.
  Result<Statement*> built_statement(const std::string& sql) {
    auto it = built_.find(sql);
    if (it == built_.end()) {
      auto prepared = db_->prepare(sql);
      if (!prepared) return std::unexpected(prepared.error());
      if (built_.size() >= kBuiltStatements) built_.clear();
      it = built_.emplace(sql, std::move(*prepared)).first;
    }
    it->second.reset();
    return &it->second;
  }

  /// Resets every statement, ending the read transaction a half-read SELECT holds open (in WAL mode an
  /// open read transaction pins its snapshot, so later commits would stay invisible to it).
  void reset_all() {
    for (auto& [sql, stmt] : statements_) stmt.reset();
    for (auto& [sql, stmt] : built_) stmt.reset();
  }

 private:
  static constexpr std::size_t kBuiltStatements = 64;
  std::unique_ptr<Database> db_;
  std::unordered_map<const char*, Statement> statements_;
  std::unordered_map<std::string, Statement> built_;
};

// The reader connections, shared by every repository's reader: a call borrows one and hands it back.
class ReaderPool {
 public:
  ReaderPool(std::string path, const SqliteOptions& options)
      : path_(std::move(path)),
        options_(options),
        clock_(options.clock != nullptr ? *options.clock : system_) {}

  /// Applies the reader settings to `db` and keeps it as an idle reader connection.
  Result<void> add(std::unique_ptr<Database> db) {
    SSAD_TRY(conn, reader(std::move(db)));
    put_back(std::move(conn));
    return {};
  }

  // Runs `f` on a borrowed reader connection.
  template <class F>
  auto with_connection(F&& f) -> decltype(f(std::declval<Connection&>())) {
    std::unique_ptr<Connection> conn;
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        conn = std::move(idle_.back());
        idle_.pop_back();
      }
    }
    if (!conn) {
      auto db = Database::open_read_only(path_);
      if (!db) return std::unexpected(db.error());
      auto opened = reader(std::move(*db));
      if (!opened) return std::unexpected(opened.error());
      conn = std::move(*opened);
    }
    if (options_.read_budget.count() > 0) {
      conn->db().set_deadline(clock_, clock_.monotonic() + options_.read_budget);
    }
    auto result = f(*conn);
    put_back(std::move(conn));
    return result;
  }

 private:
  Result<std::unique_ptr<Connection>> reader(std::unique_ptr<Database> db) const {
    SSAD_CHECK(db->exec("PRAGMA mmap_size = " + std::to_string(options_.reader_mmap_mib << 20) +
                        "; PRAGMA temp_store = MEMORY"));
    return std::make_unique<Connection>(std::move(db));
  }

  void put_back(std::unique_ptr<Connection> conn) {
    conn->reset_all();
    const std::lock_guard lock(mutex_);
    if (idle_.size() < options_.max_readers) idle_.push_back(std::move(conn));
  }

  std::string path_;
  SqliteOptions options_;
  SystemClock system_;
  const Clock& clock_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace ssad::store::sqlite
