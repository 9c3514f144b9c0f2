// Opening the store a location names: which locations are PostgreSQL URLs, and how a location is shown.

#include "store/open/open_store.hpp"

#include <string>
#include <utility>

#include <gtest/gtest.h>

namespace ssad::store {
namespace {

TEST(OpenStoreTest, TellsAPostgresqlUrlFromAFile) {
  EXPECT_TRUE(is_postgres_url("postgresql://ssad@db.example/ssad"));
  EXPECT_TRUE(is_postgres_url("postgres://db.example/ssad"));
  EXPECT_FALSE(is_postgres_url("/var/lib/ssad/ssad.db"));
  EXPECT_FALSE(is_postgres_url("postgresql.db"));
}

// A location is shown as what libpq reads from it (user, host, port, database), never with a password,
// however the URL spells one.
TEST(OpenStoreTest, APrintableLocationNeverShowsAPassword) {
  const std::pair<const char*, const char*> cases[] = {
      {"postgresql://ssad:s3cret@db.example:5432/ssad", "postgresql://ssad@db.example:5432/ssad"},
      {"postgres://ssad:s3cret@db.example/ssad?sslmode=require", "postgresql://ssad@db.example/ssad"},
      {"postgresql://ssad@db.example/ssad?password=s3cret", "postgresql://ssad@db.example/ssad"},
      {"postgresql://ssad:one@db.example/ssad?password=two&connect_timeout=5",
       "postgresql://ssad@db.example/ssad"},
      // libpq ends the user part at the first '@' and reads '?' inside a password as part of it.
      {"postgresql://ssad:sec?ret@127.0.0.1:5432/ssad", "postgresql://ssad@127.0.0.1:5432/ssad"},
      {"postgresql://ssad:s3cr%40t@db.example/ssad", "postgresql://ssad@db.example/ssad"},
      {"postgresql://ssad@db.example/ssad?options=-csearch_path%3Dx", "postgresql://ssad@db.example/ssad"},
      {"postgresql://db.example", "postgresql://db.example"},
  };
  for (const auto& [location, shown] : cases) EXPECT_EQ(printable_location(location), shown) << location;
  // libpq cannot read it, so nothing of it is shown.
  EXPECT_EQ(printable_location("postgresql://ssad:s3cr%zzet@db.example/ssad"),
            "postgresql://(a URL that cannot be parsed)");
  EXPECT_EQ(printable_location("/var/lib/ssad/pass:word@x.db"), "/var/lib/ssad/pass:word@x.db");
}

// libpq's connection errors quote pieces of the URL; what reaches the operator never holds the password.
TEST(OpenStoreTest, AFailedConnectionNeverShowsThePassword) {
  for (const char* url :
       {"postgresql://ssad:Pw0rd-x@127.0.0.1:1/ssad?connect_timeout=2",
        "postgresql://ssad:Pw0rd-x/y@127.0.0.1:1/ssad", "postgresql://ssad:Pw0rd-x@[::1/ssad",
        "postgresql://ssad:Pw0rd%zz-x@127.0.0.1:1/ssad",
        "postgresql://ssad@127.0.0.1:1/ssad?password=Pw0rd-x&connect_timeout=2"}) {
    auto opened = open_store(url, {});
    ASSERT_FALSE(opened.has_value()) << url;
    EXPECT_EQ(opened.error().message.find("Pw0rd"), std::string::npos) << opened.error().message;
  }
}

// A libpq key=value string is refused rather than taken for the name of a new SQLite file.
TEST(OpenStoreTest, AKeyValueConnectionStringIsRefused) {
  auto opened = open_store("host=db.example dbname=ssad", {});
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace ssad::store
