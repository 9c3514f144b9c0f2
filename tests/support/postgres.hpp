#pragma once
// A PostgreSQL schema of its own for one test, on the server of the ctest fixture `postgres`
// (tests/support/pg_server.sh; register the test binary with ssad_add_gtest(... POSTGRES)).
//
// The fixture writes the server's URL to a file and names that file in SSAD_TEST_POSTGRES_URL_FILE.
// Tests on PostgreSQL are not optional: without that variable (or with an unreadable file, or no
// server) the constructor throws, and the test fails with the reason.
//
//   ssad::testing::PostgresSchema schema;   // CREATE SCHEMA t_<pid>_<n>_<random>
//   PQconnectdb(schema.url().c_str());       // every object it makes lands in that schema
//                                            // DROP SCHEMA ... CASCADE when `schema` goes

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

#include <libpq-fe.h>
#include <unistd.h>

namespace ssad::testing {

class PostgresSchema {
 public:
  static constexpr const char* kUrlFileVariable = "SSAD_TEST_POSTGRES_URL_FILE";

  /// Creates a fresh schema. Throws std::runtime_error when there is no server to use.
  PostgresSchema() : admin_url_(read_admin_url()), name_(unique_name()) {
    execute(admin_url_, "CREATE SCHEMA " + name_);
    url_ = admin_url_ + (admin_url_.find('?') == std::string::npos ? "?" : "&") +
           "options=" + percent_encode("-csearch_path=" + name_);
  }

  /// Drops the schema with everything in it; a failure is only reported (the server drops nothing
  /// it should keep, and a destructor must not throw).
  ~PostgresSchema() {
    try {
      execute(admin_url_, "DROP SCHEMA IF EXISTS " + name_ + " CASCADE");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "PostgresSchema: %s\n", e.what());
    }
  }

  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;

  /// True when the fixture's URL file is named and holds a URL (the server is not asked).
  [[nodiscard]] static bool available() {
    const char* file = std::getenv(kUrlFileVariable);
    if (file == nullptr || *file == '\0') return false;
    std::ifstream in(file);
    std::string url;
    return static_cast<bool>(std::getline(in, url)) && !url.empty();
  }

  /// The connection URL whose sessions have this schema, and only it, as search_path.
  [[nodiscard]] const std::string& url() const { return url_; }
  /// The server's URL, without the schema (the database `postgres`, user `ssad`).
  [[nodiscard]] const std::string& admin_url() const { return admin_url_; }
  /// The schema's name: lower-case letters, digits and '_', so it needs no quoting.
  [[nodiscard]] const std::string& name() const { return name_; }

  /// Runs one statement that returns no rows on a new connection to `url`; throws with the server's
  /// message when it fails.
  static void execute(const std::string& url, const std::string& sql) { (void)query_value(url, sql); }

  /// Runs one statement on a new connection to `url` and returns the first column of its first row ("" when
  /// it returns none); throws with the server's message when it fails.
  static std::string query_value(const std::string& url, const std::string& sql) {
    const Connection connection = connect(url);
    const Result result(PQexec(connection.get(), sql.c_str()), &PQclear);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error("`" + sql + "` failed: " + PQresultErrorMessage(result.get()));
    }
    if (status != PGRES_TUPLES_OK || PQntuples(result.get()) == 0) return {};
    return PQgetvalue(result.get(), 0, 0);
  }

 private:
  using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
  using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

  static Connection connect(const std::string& url) {
    Connection connection(PQconnectdb(url.c_str()), &PQfinish);
    if (connection == nullptr || PQstatus(connection.get()) != CONNECTION_OK) {
      throw std::runtime_error("cannot connect to the test PostgreSQL server at " + url + ": " +
                               (connection ? PQerrorMessage(connection.get()) : "out of memory"));
    }
    // Notices ("drop cascades to 18 other objects" and its list) would bury a failing test's output.
    PQsetNoticeProcessor(connection.get(), [](void*, const char*) {}, nullptr);
    return connection;
  }

  static std::string read_admin_url() {
    const char* file = std::getenv(kUrlFileVariable);
    if (file == nullptr || *file == '\0') {
      throw std::runtime_error(std::string(kUrlFileVariable) +
                               " is not set: this test needs the PostgreSQL server of the ctest fixture "
                               "`postgres` (run it with ctest, or start tests/support/pg_server.sh and set "
                               "the variable to its DIR/url)");
    }
    std::ifstream in(file);
    std::string url;
    if (!std::getline(in, url) || url.empty()) {
      throw std::runtime_error(std::string(kUrlFileVariable) + " names " + file +
                               ", which holds no URL: did the fixture test postgres_start fail?");
    }
    return url;
  }

  // Unique across the processes ctest runs at once (pid), the objects of one process (counter) and
  // runs whose pid repeats while a schema of an interrupted run is left behind (random).
  static std::string unique_name() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    return "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(random());
  }

  // libpq decodes %XX in URI parameter values, and rejects a second '=' in one: every byte but the
  // unreserved ones of RFC 3986 is encoded.
  static std::string percent_encode(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
          c == '-' || c == '_' || c == '.' || c == '~') {
        out += c;
      } else {
        out += '%';
        out += kHex[byte >> 4U];
        out += kHex[byte & 0xFU];
      }
    }
    return out;
  }

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace ssad::testing
