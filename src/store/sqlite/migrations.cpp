#include "store/sqlite/migrations.hpp"

#include <charconv>
#include <string>

namespace ssad::store::sqlite {
namespace {

int version_of(std::string_view file_name) {
  int version = 0;
  std::from_chars(file_name.data(), file_name.data() + file_name.size(), version);
  return version;
}

}  // namespace

Result<int> schema_version(Database& db) {
  if (auto ok = db.exec(
          "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
          "applied_ms INTEGER NOT NULL)");
      !ok) {
    return std::unexpected(ok.error());
  }
  auto stmt = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migration");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt->integer(0));
}

Result<int> stored_schema_version(Database& db) {
  auto exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migration'");
  if (!exists) return std::unexpected(exists.error());
  auto found = exists->step();
  if (!found) return std::unexpected(found.error());
  if (!*found) return 0;
  auto stmt = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migration");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt->integer(0));
}

int latest_schema_version() {
  int latest = 0;
  for (const auto& file : embedded::sqlite_migrations()) latest = std::max(latest, version_of(file.name));
  return latest;
}

Result<int> migrate(Database& db) {
  auto current = schema_version(db);
  if (!current) return std::unexpected(current.error());
  if (*current > latest_schema_version()) {
    return fail(ErrorCode::conflict, "database '" + db.path() + "' has schema version " +
                                         std::to_string(*current) + ", newer than this binary's " +
                                         std::to_string(latest_schema_version()));
  }
  int applied = 0;
  for (const auto& file : embedded::sqlite_migrations()) {
    const int version = version_of(file.name);
    if (version <= *current) continue;
    auto txn = Transaction::begin(db);
    if (!txn) return std::unexpected(txn.error());
    if (auto ok = db.exec(file.text); !ok) {
      return std::unexpected(with_context(ok.error(), "migration " + std::string(file.name)));
    }
    auto record = db.prepare(
        "INSERT INTO schema_migration (version, name, applied_ms) VALUES (?, ?, "
        "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
    if (!record) return std::unexpected(record.error());
    record->bind(1, std::int64_t{version}).bind(2, file.name);
    if (auto ok = record->run(); !ok) return std::unexpected(ok.error());
    if (auto ok = txn->commit(); !ok) return std::unexpected(ok.error());
    ++applied;
  }
  return applied;
}

}  // namespace ssad::store::sqlite
