// Opening the store a location names: which locations are PostgreSQL URLs, and how a location is shown.

#include "store/open/open_store.hpp"

#include <gtest/gtest.h>

namespace ssad::store {
namespace {

TEST(OpenStoreTest, TellsAPostgresqlUrlFromAFile) {
  EXPECT_TRUE(is_postgres_url("postgresql://ssad@db.example/ssad"));
  EXPECT_TRUE(is_postgres_url("postgres://db.example/ssad"));
  EXPECT_FALSE(is_postgres_url("/var/lib/ssad/ssad.db"));
  EXPECT_FALSE(is_postgres_url("postgresql.db"));
}

TEST(OpenStoreTest, APrintableLocationHidesThePasswordOfTheAuthority) {
  EXPECT_EQ(printable_location("postgresql://ssad:s3cret@db.example:5432/ssad"),
            "postgresql://ssad:***@db.example:5432/ssad");
  EXPECT_EQ(printable_location("postgres://ssad:p@ss:w0rd@db.example/ssad?sslmode=require"),
            "postgres://ssad:***@db.example/ssad?sslmode=require");
  EXPECT_EQ(printable_location("postgresql://ssad:s3cret@h1:5432,h2:5433/ssad"),
            "postgresql://ssad:***@h1:5432,h2:5433/ssad");
}

// The password parameter is hidden whatever the authority holds.
TEST(OpenStoreTest, APrintableLocationHidesThePasswordParameter) {
  EXPECT_EQ(printable_location("postgresql://ssad@db.example/ssad?password=s3cret"),
            "postgresql://ssad@db.example/ssad?password=***");
  EXPECT_EQ(
      printable_location("postgresql://db.example/ssad?sslmode=require&password=s3cret&connect_timeout=5"),
      "postgresql://db.example/ssad?sslmode=require&password=***&connect_timeout=5");
  EXPECT_EQ(printable_location("postgresql://ssad:one@db.example/ssad?password=two"),
            "postgresql://ssad:***@db.example/ssad?password=***");
  EXPECT_EQ(printable_location("postgresql://ssad@db.example/ssad?application_name=no_password=here"),
            "postgresql://ssad@db.example/ssad?application_name=no_password=here");
}

TEST(OpenStoreTest, APrintableLocationKeepsWhatHoldsNoPassword) {
  EXPECT_EQ(printable_location("postgresql://ssad@db.example/ssad?options=-csearch_path%3Dx"),
            "postgresql://ssad@db.example/ssad?options=-csearch_path%3Dx");
  EXPECT_EQ(printable_location("postgresql://db.example"), "postgresql://db.example");
  EXPECT_EQ(printable_location("/var/lib/ssad/pass:word@x.db"), "/var/lib/ssad/pass:word@x.db");
}

}  // namespace
}  // namespace ssad::store
