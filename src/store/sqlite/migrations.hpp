#pragma once
// Numbered schema migrations for SQLite (schema/sqlite/NNNN_name.sql, compiled into the binary).

#include <span>

#include "core/embedded.hpp"
#include "core/error.hpp"
#include "store/sqlite/sqlite.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> sqlite_migrations();
}

namespace ssad::store::sqlite {

/// The highest migration version applied to the database (0 for a new database).
[[nodiscard]] Result<int> schema_version(Database& db);
/// The same without writing anything (for a read-only connection): 0 when no migration table exists.
[[nodiscard]] Result<int> stored_schema_version(Database& db);
/// The highest version this binary knows.
[[nodiscard]] int latest_schema_version();
/// Applies every migration newer than the database's version, each in its own transaction, and records
/// it in `schema_migration`. Returns how many were applied. Errors: conflict when the database is
/// newer than this binary; unavailable/internal when a migration fails (that migration is rolled back).
[[nodiscard]] Result<int> migrate(Database& db);

}  // namespace ssad::store::sqlite
