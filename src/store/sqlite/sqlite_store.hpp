#pragma once
// The embedded SQLite store: one database file in WAL mode, a pool of reader connections and one unit of
// work (one write transaction on its own connection) at a time.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::store::sqlite {

struct SqliteOptions {
  bool create = true;                   // create the file when missing
  bool migrate = true;                  // apply pending migrations on open
  std::size_t max_readers = 8;          // reader connections kept open
  std::int64_t import_cache_mib = 256;  // page cache of a unit of work's connection (large imports)
  // Readers map up to this much of the file (PRAGMA mmap_size): a random lookup then reads pages from the
  // OS page cache without a pread() each, several times faster on a store larger than SQLite's cache.
  std::int64_t reader_mmap_mib = 4096;
  // Each read (a lookup, a page of a search) is interrupted after this long and fails with timed_out, so
  // that no query holds a thread for long; 0 = no limit. Units of work (imports) have none.
  std::chrono::milliseconds read_budget{0};
  const Clock* clock = nullptr;  // measures read_budget; nullptr = the system clock
};

/// Opens the SQLite store at `path`. Readers use read-only connections; with `migrate` off nothing is
/// written at open either. Errors: unavailable when the file cannot be opened; conflict when its schema is
/// newer than this binary, or older and `migrate` is off.
[[nodiscard]] Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                               const SqliteOptions& options = {});

}  // namespace ssad::store::sqlite
