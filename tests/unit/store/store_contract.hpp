#pragma once
// What the store contract tests share: the backends they run against (SQLite, and PostgreSQL on the ctest
// fixture's server: tests/support/postgres.hpp) and a fixture holding a fresh store of the backend under
// test. Every repository's contract tests run on every backend (CONTRIBUTING.md).

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "support/postgres.hpp"
#include "support/temp_dir.hpp"

namespace ssad::store {

/// Where a test's store lives: a temporary directory (SQLite's file) and, for PostgreSQL, a schema of
/// its own, dropped when the place goes.
struct StorePlace {
  ssad::testing::TempDir dir;
  std::unique_ptr<ssad::testing::PostgresSchema> schema;
};

struct Backend {
  const char* name;
  /// Opens a fresh store in `place` (the same place each call opens the same store).
  std::function<std::unique_ptr<Store>(StorePlace& place)> open;
};

inline std::vector<Backend> backends() {
  return {{"sqlite",
           [](StorePlace& place) { return sqlite::open_sqlite_store(place.dir.file("store.db")).value(); }},
          {"postgres", [](StorePlace& place) {
             if (!place.schema) place.schema = std::make_unique<ssad::testing::PostgresSchema>();
             return postgres::open_postgres_store(place.schema->url()).value();
           }}};
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(place_); }
  void TearDown() override { store_.reset(); }
  RegistrationReader& reader() { return store_->registrations(); }

  StorePlace place_;
  std::unique_ptr<Store> store_;
};

}  // namespace ssad::store
