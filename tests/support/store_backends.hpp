#pragma once
// The store backends a test runs against: SQLite, and PostgreSQL on the ctest fixture's server
// (tests/support/postgres.hpp). A test that must hold on every backend is value-parameterized over them:
//
//   class ImportTest : public ::testing::TestWithParam<ssad::testing::Backend> {
//     void SetUp() override { store_ = GetParam().open(place_); }
//     ssad::testing::StorePlace place_;
//     std::unique_ptr<ssad::store::Store> store_;
//   };
//   INSTANTIATE_TEST_SUITE_P(Backends, ImportTest, ::testing::ValuesIn(ssad::testing::backends()),
//                            ssad::testing::backend_name);
//
// Its binary links ssad_store_sqlite and ssad_store_postgres and is registered with
// ssad_add_gtest(... POSTGRES ...), so that the PostgreSQL instances find the fixture's server.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace ssad::testing {

/// Where a test's store lives: a temporary directory (SQLite's file) and, for PostgreSQL, a schema of
/// its own, dropped when the place goes.
struct StorePlace {
  TempDir dir;
  std::unique_ptr<PostgresSchema> schema;
};

struct Backend {
  const char* name;
  /// Opens a fresh store in `place` (the same place each call opens the same store).
  std::function<std::unique_ptr<store::Store>(StorePlace& place)> open;

  [[nodiscard]] bool is(std::string_view backend) const { return name == backend; }
};

inline std::vector<Backend> backends() {
  return {{"sqlite",
           [](StorePlace& place) {
             return store::sqlite::open_sqlite_store(place.dir.file("store.db")).value();
           }},
          {"postgres", [](StorePlace& place) {
             if (!place.schema) place.schema = std::make_unique<PostgresSchema>();
             return store::postgres::open_postgres_store(place.schema->url()).value();
           }}};
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

}  // namespace ssad::testing
