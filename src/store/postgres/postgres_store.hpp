#pragma once
// The PostgreSQL store (DESIGN.md §3.4): several stateless `ssad serve` nodes share one database. libpq,
// one connection per reader borrowed from a pool, one connection per unit of work; imports write through
// COPY. A unit of work's commit notifies every node (LISTEN/NOTIFY), so their caches refresh at once.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::store::postgres {

struct PostgresOptions {
  bool migrate = true;          // apply pending migrations on open
  std::size_t max_readers = 8;  // reader connections kept open
  // Each read (a lookup, a page of a search) is cancelled after this long (statement_timeout) and fails
  // with timed_out; 0 = no limit. Units of work (imports) have none.
  std::chrono::milliseconds read_budget{0};
  // Reads go here when set (a streaming replica); units of work always go to the primary.
  std::string replica_url;
};

/// Opens the PostgreSQL store at `url` (a libpq connection URI, postgresql://…). Errors: unavailable
/// when the server cannot be reached; conflict when the schema is newer than this binary, or older and
/// `migrate` is off.
[[nodiscard]] Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url,
                                                                 const PostgresOptions& options = {});

}  // namespace ssad::store::postgres
