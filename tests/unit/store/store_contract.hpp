#pragma once
// What the store contract tests share: the backends they run against (tests/support/store_backends.hpp)
// and a fixture holding a fresh store of the backend under test. Every repository's contract tests run on
// every backend (CONTRIBUTING.md).

#include <memory>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/store_backends.hpp"

namespace ssad::store {

using ssad::testing::Backend;
using ssad::testing::backend_name;
using ssad::testing::backends;
using ssad::testing::StorePlace;

class StoreContract : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(place_); }
  void TearDown() override { store_.reset(); }
  RegistrationReader& reader() { return store_->registrations(); }

  StorePlace place_;
  std::unique_ptr<Store> store_;
};

}  // namespace ssad::store
