#pragma once
// What the store contract tests share: the backends they run against (today SQLite; PostgreSQL joins by
// adding a factory to backends()) and a fixture holding a fresh store of the backend under test.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace ssad::store {

struct Backend {
  const char* name;
  std::function<std::unique_ptr<Store>(const ssad::testing::TempDir&)> open;
};

inline std::vector<Backend> backends() {
  return {{"sqlite", [](const ssad::testing::TempDir& dir) {
             return sqlite::open_sqlite_store(dir.file("store.db")).value();
           }}};
}

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) { return info.param.name; }
inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(dir_); }
  RegistrationReader& reader() { return store_->registrations(); }

  ssad::testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace ssad::store
