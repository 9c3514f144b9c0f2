// The libpq layer (store/postgres/pq.hpp): what a parameter sends is exactly its text.

#include "store/postgres/pq.hpp"

#include <array>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "support/postgres.hpp"

namespace ssad::store::postgres {
namespace {

// A CSV field read in place: a slice of the file's text, followed by the rest of the line.
constexpr std::string_view kLine = "Hns1_example_test-TEST\n\tnext field";
constexpr std::string_view kField = kLine.substr(0, 22);

TEST(PqTest, AStringViewParameterSendsItsOwnCharactersOnly) {
  const ssad::testing::PostgresSchema schema;
  auto conn = Connection::open(schema.url()).value();
  const auto rows = conn->query("SELECT $1::text", {Param(kField)}).value();
  EXPECT_EQ(rows.text(0, 0), kField);
}

TEST(PqTest, AStringViewParameterOfAPipelineSendsItsOwnCharactersOnly) {
  const ssad::testing::PostgresSchema schema;
  auto conn = Connection::open(schema.url()).value();
  const std::array<Query, 1> queries{Query{"SELECT $1::text", {Param(kField)}}};
  const auto results = conn->pipeline(queries).value();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results[0].text(0, 0), kField);
}

TEST(PqTest, AnEmptyStringViewIsTheEmptyStringNotNull) {
  const ssad::testing::PostgresSchema schema;
  auto conn = Connection::open(schema.url()).value();
  const auto rows =
      conn->query("SELECT $1::text IS NULL, $1::text = ''", {Param(std::string_view())}).value();
  EXPECT_FALSE(rows.boolean(0, 0));
  EXPECT_TRUE(rows.boolean(0, 1));
}

}  // namespace
}  // namespace ssad::store::postgres
