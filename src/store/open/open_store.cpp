#include "store/open/open_store.hpp"

#include <filesystem>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace ssad::store {

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string printable_location(std::string_view location) {
  if (!is_postgres_url(location)) return std::string(location);
  std::string out(location);
  // scheme://user:password@host/... : the password lies between the first ':' after the scheme and the
  // last '@' of the authority.
  const std::size_t start = out.find("://") + 3;
  const std::size_t authority_end = out.find_first_of("/?", start);
  const std::string_view authority = std::string_view(out).substr(start, authority_end - start);
  const std::size_t at = authority.rfind('@');
  const std::size_t colon = authority.find(':');
  if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
    out.replace(start + colon + 1, at - colon - 1, "***");
  }
  // A password can also come as a query parameter, whatever the authority holds.
  for (std::size_t p = out.find('?'); p != std::string::npos; p = out.find('&', p)) {
    ++p;
    if (out.compare(p, 9, "password=") != 0) continue;
    const std::size_t value = p + 9;
    const std::size_t end = out.find('&', value);
    out.replace(value, end == std::string::npos ? std::string::npos : end - value, "***");
  }
  return out;
}

Result<std::unique_ptr<Store>> open_store(const std::string& location, const OpenOptions& options) {
  if (is_postgres_url(location)) {
    return postgres::open_postgres_store(location, {.migrate = options.migrate,
                                                    .max_readers = options.max_readers,
                                                    .read_budget = options.read_budget,
                                                    .replica_url = options.replica_url});
  }
  if (!options.replica_url.empty()) {
    return fail(ErrorCode::invalid_input, "a read replica (store.replica_url) needs a PostgreSQL store");
  }
  std::error_code ec;
  if (!options.create && !std::filesystem::exists(location, ec)) {
    return fail(ErrorCode::not_found, "database '" + location +
                                          "' does not exist: create it with `ssad migrate`, `ssad import` or "
                                          "`ssad demo`");
  }
  return sqlite::open_sqlite_store(location, {.create = options.create,
                                              .migrate = options.migrate,
                                              .max_readers = options.max_readers,
                                              .read_budget = options.read_budget,
                                              .clock = options.clock});
}

}  // namespace ssad::store
