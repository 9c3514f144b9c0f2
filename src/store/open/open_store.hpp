#pragma once
// Opens the store a location names: a file path (the embedded SQLite store) or a postgresql:// URL
// (PostgreSQL, shared by several nodes). The one place that chooses a backend; `ssad` and the tests that
// run on both call it.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::store {

struct OpenOptions {
  bool create = true;   // SQLite: create the file when missing (PostgreSQL's database must exist)
  bool migrate = true;  // apply pending migrations; off: refuse a schema that is not the current one
  std::size_t max_readers = 8;
  std::chrono::milliseconds read_budget{0};  // each read is stopped after this long (0: no limit)
  const Clock* clock = nullptr;              // SQLite's read budget; nullptr = the system clock
  std::string replica_url;                   // PostgreSQL only: serve reads from this replica
};

/// True for a PostgreSQL connection URI (postgresql:// or postgres://).
[[nodiscard]] bool is_postgres_url(std::string_view location);

/// The location as it may be shown in a log or a message: a URL's password is replaced by "***".
[[nodiscard]] std::string printable_location(std::string_view location);

/// Opens the store at `location`. Errors: not_found when `create` is off and the SQLite file does not
/// exist; unavailable when it cannot be opened or the server cannot be reached; conflict when the schema
/// is newer than this binary, or older and `migrate` is off; invalid_input for a replica with SQLite.
[[nodiscard]] Result<std::unique_ptr<Store>> open_store(const std::string& location,
                                                        const OpenOptions& options);

}  // namespace ssad::store
