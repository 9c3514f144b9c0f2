// Contract tests for the unit of work: every backend must pass them (store_contract.hpp).

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/registration_fixtures.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;
using testing::sample_contact;
using testing::sample_domain;
using testing::sample_registrar;

class UnitOfWorkContract : public StoreContract {
 protected:
  // Puts one registrar, two contacts and a domain using them.
  static void put_example(RegistrationWriter& w, const char* domain) {
    ASSERT_TRUE(w.put_registrar(sample_registrar()).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("registrant1", "Jane Doe", "jane@example.test")).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("tech1", "Tom Tech", "tech@example.test")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain(domain, "D1-TEST")).has_value());
  }

  // Stores the example in a unit of work committed at `when`.
  void load_example(Timestamp when) {
    auto work = store_->begin().value();
    put_example(work->registrations(), "example.test");
    ASSERT_TRUE(work->commit(when).has_value());
  }
};

TEST_P(UnitOfWorkContract, CommitMakesEveryChangeVisibleToReadersAtOnce) {
  auto work = store_->begin().value();
  put_example(work->registrations(), "example.test");
  EXPECT_EQ(reader().find_registration("example.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().counts().value(), StoreCounts{});
  EXPECT_FALSE(reader().data_updated().value().has_value());

  ASSERT_TRUE(work->commit(at("2024-01-01T00:00:00Z")).has_value());
  EXPECT_EQ(reader().find_registration("example.test").value().contacts.size(), 2U);
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 2, 0, 1}));
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-01T00:00:00Z"));
}

TEST_P(UnitOfWorkContract, DestroyingItUncommittedLeavesDataAndChangeTimeAsTheyWere) {
  load_example(at("2024-01-01T00:00:00Z"));
  const model::Domain before = reader().find_registration("example.test").value().domain;
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_domain(sample_domain("new.test", "D2-TEST")).has_value());
    ASSERT_TRUE(w.delete_domain("example.test").has_value());
    auto renamed = sample_registrar();
    renamed.name = "Renamed Registrar";
    ASSERT_TRUE(w.put_registrar(renamed).has_value());
  }  // destroyed without commit
  EXPECT_EQ(reader().find_registration("example.test").value().domain, before);
  EXPECT_EQ(reader().find_registration("new.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().find_registrar("registrarX").value().name, sample_registrar().name);
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 2, 0, 1}));
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-01T00:00:00Z"));
}

TEST_P(UnitOfWorkContract, CommittingWithoutRegistrationWritesKeepsTheChangeTime) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->commit(at("2024-01-01T00:00:00Z")).has_value());
  }
  EXPECT_FALSE(reader().data_updated().value().has_value());

  load_example(at("2024-01-02T00:00:00Z"));
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->commit(at("2024-01-03T00:00:00Z")).has_value());
  }
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-02T00:00:00Z"));
}

TEST_P(UnitOfWorkContract, IsFinishedOnceCommitted) {
  auto work = store_->begin().value();
  put_example(work->registrations(), "example.test");
  ASSERT_TRUE(work->commit(at("2024-01-01T00:00:00Z")).has_value());

  auto late = work->registrations().put_domain(sample_domain("late.test", "D2-TEST"));
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::internal);
  EXPECT_EQ(work->commit(at("2024-01-02T00:00:00Z")).error().code, ErrorCode::internal);
  work.reset();
  EXPECT_EQ(reader().find_registration("late.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-01T00:00:00Z"));
}

TEST_P(UnitOfWorkContract, TheNextUnitOfWorkBeginsOnceTheLastIsFinished) {
  load_example(at("2024-01-01T00:00:00Z"));
  {
    auto rolled_back = store_->begin().value();
  }
  auto work = store_->begin();
  ASSERT_TRUE(work.has_value()) << work.error().message;
  ASSERT_TRUE((*work)->registrations().delete_domain("example.test").has_value());
  ASSERT_TRUE((*work)->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().counts().value().domains, 0);
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-02T00:00:00Z"));
}

INSTANTIATE_TEST_SUITE_P(Backends, UnitOfWorkContract, ::testing::ValuesIn(backends()), backend_name);

}  // namespace
}  // namespace ssad::store
