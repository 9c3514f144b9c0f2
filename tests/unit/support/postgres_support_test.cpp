// The PostgreSQL test fixture itself: a real server is there, and each PostgresSchema is a place of
// its own on it.

#include <cstdlib>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "support/postgres.hpp"

namespace {

using ssad::testing::PostgresSchema;

// The first column of the first row `sql` returns on a new connection to `url`; nullopt for no row or
// NULL. Fails the test when the query fails.
std::optional<std::string> query_value(const std::string& url, const std::string& sql) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(url.c_str()), &PQfinish);
  EXPECT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), sql.c_str()), &PQclear);
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_TUPLES_OK)
      << sql << ": " << PQresultErrorMessage(result.get());
  if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0) != 0) return std::nullopt;
  return std::string(PQgetvalue(result.get(), 0, 0));
}

// Sets an environment variable for one test and puts the old value back.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value == nullptr) {
      ::unsetenv(name);
    } else {
      ::setenv(name, value, 1);
    }
  }
  ~ScopedEnvironment() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(PostgresSchemaTest, TheFixtureNamesAServer) {
  ASSERT_TRUE(PostgresSchema::available())
      << PostgresSchema::kUrlFileVariable << " must name the URL file of the ctest fixture `postgres`";
  const PostgresSchema schema;
  EXPECT_EQ(query_value(schema.admin_url(), "SELECT current_user"), "ssad");
  EXPECT_EQ(query_value(schema.admin_url(), "SELECT current_setting('server_version_num')::int / 10000"),
            "15");
}

TEST(PostgresSchemaTest, UrlPutsNewTablesIntoItsSchema) {
  const PostgresSchema schema;
  PostgresSchema::execute(schema.url(), "CREATE TABLE registrar (id integer PRIMARY KEY)");

  EXPECT_EQ(query_value(schema.url(), "SELECT current_schema()"), schema.name());
  EXPECT_EQ(query_value(schema.admin_url(),
                        "SELECT table_schema FROM information_schema.tables WHERE table_name = 'registrar' "
                        "AND table_schema = '" +
                            schema.name() + "'"),
            schema.name());
  EXPECT_EQ(query_value(schema.admin_url(), "SELECT to_regclass('public.registrar')::text"), std::nullopt);
}

TEST(PostgresSchemaTest, TwoSchemasDoNotSeeEachOthersTables) {
  const PostgresSchema first;
  const PostgresSchema second;
  ASSERT_NE(first.name(), second.name());

  PostgresSchema::execute(first.url(), "CREATE TABLE domain (name text)");
  PostgresSchema::execute(first.url(), "INSERT INTO domain VALUES ('example.test')");
  EXPECT_EQ(query_value(second.url(), "SELECT to_regclass('domain')::text"), std::nullopt);

  // The same name in the second schema is another table.
  PostgresSchema::execute(second.url(), "CREATE TABLE domain (name text)");
  EXPECT_EQ(query_value(first.url(), "SELECT count(*) FROM domain"), "1");
  EXPECT_EQ(query_value(second.url(), "SELECT count(*) FROM domain"), "0");
}

TEST(PostgresSchemaTest, DestructionDropsTheSchemaWithItsTables) {
  std::string admin_url;
  std::string name;
  {
    const PostgresSchema schema;
    admin_url = schema.admin_url();
    name = schema.name();
    PostgresSchema::execute(schema.url(), "CREATE TABLE contact (handle text)");
    ASSERT_EQ(query_value(admin_url, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + name + "'"),
              "1");
  }
  EXPECT_EQ(query_value(admin_url, "SELECT count(*) FROM pg_namespace WHERE nspname = '" + name + "'"), "0");
}

TEST(PostgresSchemaTest, WithoutTheFixtureTheConstructorThrowsInsteadOfSkipping) {
  const ScopedEnvironment unset(PostgresSchema::kUrlFileVariable, nullptr);
  EXPECT_FALSE(PostgresSchema::available());
  try {
    const PostgresSchema schema;
    ADD_FAILURE() << "a PostgresSchema was made without a server";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(PostgresSchema::kUrlFileVariable), std::string::npos) << e.what();
  }
}

}  // namespace
