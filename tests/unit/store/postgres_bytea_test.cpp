// The text form of bytea that the PostgreSQL store's audit log sends and reads back
// (store/postgres/postgres_audit_log.hpp: bytea_param, bytea_of).

#include <string>

#include <gtest/gtest.h>

#include "store/postgres/postgres_audit_log.hpp"
#include "store/postgres/pq.hpp"
#include "support/postgres.hpp"

namespace ssad::store::postgres {
namespace {

TEST(PostgresByteaTest, EveryByteValueComesBackFromTheServerAsSent) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  const ssad::testing::PostgresSchema schema;
  auto conn = Connection::open(schema.url()).value();
  const auto rows = conn->query("SELECT $1::bytea", {bytea_param(bytes)}).value();
  EXPECT_EQ(bytea_of(rows.text(0, 0)), bytes);
}

TEST(PostgresByteaTest, ReadsEitherCaseAndNothingButTheHexForm) {
  EXPECT_EQ(bytea_of("\\x"), std::string());
  EXPECT_EQ(bytea_of("\\x00fF7a"), std::string("\x00\xff\x7a", 3));
  EXPECT_EQ(bytea_of(""), std::nullopt);
  EXPECT_EQ(bytea_of("00ff"), std::nullopt);        // no \x
  EXPECT_EQ(bytea_of("\\x0"), std::nullopt);        // half a byte
  EXPECT_EQ(bytea_of("\\x0g"), std::nullopt);       // not a hex digit
  EXPECT_EQ(bytea_of("\\x 0"), std::nullopt);       // nor a space
  EXPECT_EQ(bytea_of("\\000\\377"), std::nullopt);  // the escape form
}

}  // namespace
}  // namespace ssad::store::postgres
