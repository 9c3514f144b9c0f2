#include "store/open/open_store.hpp"

#include <filesystem>

#include <libpq-fe.h>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace ssad::store {

bool is_postgres_url(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string printable_location(std::string_view location) {
  if (!is_postgres_url(location)) return std::string(location);
  // Rebuilt from what libpq reads (user, host, port, database), so that no spelling of a password — in
  // the user part, as a parameter, with characters libpq reads differently than a URL parser — is shown.
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(location).c_str(), &error);
  if (options == nullptr) {
    PQfreemem(error);
    return "postgresql://(a URL that cannot be parsed)";
  }
  std::string user, host, port, dbname;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    const std::string_view key = o->keyword;
    const std::string value = o->val != nullptr ? o->val : "";
    if (key == "user") user = value;
    if (key == "host" || (key == "hostaddr" && host.empty())) host = value;
    if (key == "port") port = value;
    if (key == "dbname") dbname = value;
  }
  PQconninfoFree(options);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host;
  if (!port.empty()) out += ":" + port;
  if (!dbname.empty()) out += "/" + dbname;
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
  if (location.find("dbname=") != std::string::npos || location.find("host=") != std::string::npos) {
    // A libpq key=value string would otherwise become the name of a new SQLite file.
    return fail(ErrorCode::invalid_input,
                "store.path takes a file name or a postgresql:// URL, not a key=value "
                "connection string");
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
