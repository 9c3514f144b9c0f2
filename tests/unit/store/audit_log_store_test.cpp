// Contract tests for the audit log's storage (store/audit_log.hpp): every backend must pass them.

#include <thread>

#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/registration_fixtures.hpp"
#include "tlog/merkle.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;

AuditRecord record(int n, std::string action = "test.append") {
  AuditRecord r;
  r.time = at("2026-01-01T00:00:00Z") + std::chrono::seconds(n);
  r.actor_kind = n % 2 == 0 ? "operator" : "system";
  r.actor_id = "actor" + std::to_string(n % 3);
  r.action = std::move(action);
  r.object_kind = "domain";
  r.object_id = "d" + std::to_string(n % 5) + ".test";
  r.encoding = "entry " + std::to_string(n) + std::string(1, '\0') + "\xff binary";
  if (n % 4 == 0) r.values_salt = std::string(32, static_cast<char>(n));
  return r;
}

class AuditLogContract : public StoreContract {
 protected:
  AuditLogReader& log() { return store_->audit_log(); }

  // Appends entries [from, to) in one unit of work; returns the first sequence number.
  std::uint64_t append(int from, int to) {
    auto work = store_->begin_audit().value();
    for (int n = from; n < to; ++n) EXPECT_TRUE(work->audit_log().append(record(n)).has_value());
    EXPECT_TRUE(work->commit(at("2026-01-01T00:00:00Z")).has_value());
    return work->audit_log().first_appended().value_or(~0ULL);
  }

  std::vector<tlog::Hash> expected_leaves(int count) {
    std::vector<tlog::Hash> out;
    for (int n = 0; n < count; ++n) out.push_back(tlog::leaf_hash(record(n).encoding));
    return out;
  }
};

TEST_P(AuditLogContract, AnEmptyLogHasSizeZeroAndTheEmptyRoot) {
  EXPECT_EQ(log().head().value(), (AuditHead{0, tlog::empty_root()}));
  EXPECT_TRUE(log().leaf_hashes(0, 10).value().empty());
  EXPECT_FALSE(log().latest_checkpoint().value().has_value());
}

TEST_P(AuditLogContract, CommittedEntriesGetConsecutiveNumbersAndTheTreeGrowsAsRfc9162Says) {
  EXPECT_EQ(append(0, 3), 0U);
  EXPECT_EQ(append(3, 4), 3U);
  EXPECT_EQ(append(4, 21), 4U);
  const auto leaves = expected_leaves(21);
  EXPECT_EQ(log().head().value(), (AuditHead{21, tlog::root_of(leaves)}));
  EXPECT_EQ(log().leaf_hashes(0, 100).value(), leaves);
  EXPECT_EQ(log().leaf_hashes(5, 7).value(), std::vector<tlog::Hash>(leaves.begin() + 5, leaves.begin() + 7));
  const auto entries = log().entries(19, 30).value();
  ASSERT_EQ(entries.size(), 2U);
  AuditRecord expected = record(19);
  expected.seq = 19;
  expected.values_salt.clear();  // kept apart: entries() does not return it
  EXPECT_EQ(entries[0], expected);
}

TEST_P(AuditLogContract, StoredNodesGiveEveryProofAtEverySize) {
  append(0, 37);
  const auto leaves = expected_leaves(37);
  for (std::uint64_t size = 1; size <= 37; ++size) {
    const tlog::Hash root = tlog::root_of(std::span(leaves).first(size));
    for (std::uint64_t index = 0; index < size; index += 3) {
      const auto ranges = tlog::inclusion_ranges(index, size);
      const auto ids = tlog::nodes_for(ranges);
      const auto path = tlog::assemble(ranges, log().nodes(ids).value()).value();
      EXPECT_TRUE(tlog::verify_inclusion(leaves[index], index, size, path, root)) << index << "/" << size;
    }
    const auto ranges = tlog::consistency_ranges(1, size);
    const auto proof = tlog::assemble(ranges, log().nodes(tlog::nodes_for(ranges)).value()).value();
    EXPECT_TRUE(tlog::verify_consistency(1, size, leaves[0], root, proof)) << size;
  }
  // A node the tree does not have yet.
  const tlog::NodeId missing[] = {{6, 0}};
  EXPECT_EQ(log().nodes(missing).error().code, ErrorCode::not_found);
}

TEST_P(AuditLogContract, AUnitOfWorkReadsTheCommittedNodesAsReadersDo) {
  append(0, 11);
  const auto ranges = tlog::consistency_ranges(3, 11);
  const auto ids = tlog::nodes_for(ranges);
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->audit_log().lock_head().has_value());
  EXPECT_EQ(work->audit_log().nodes(ids).value(), log().nodes(ids).value());
  const tlog::NodeId missing[] = {{4, 0}};
  EXPECT_EQ(work->audit_log().nodes(missing).error().code, ErrorCode::not_found);
}

TEST_P(AuditLogContract, AnUncommittedAppendLeavesNoTrace) {
  append(0, 2);
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->audit_log().append(record(2)).has_value());
  }
  EXPECT_EQ(log().head().value().size, 2U);
  EXPECT_EQ(append(2, 3), 2U);
  EXPECT_EQ(log().head().value().root, tlog::root_of(expected_leaves(3)));
}

TEST_P(AuditLogContract, AppendsContinueAfterThoseOfAnotherStoreOnTheSameDatabase) {
  // Another process or node: its appends come between two of this store's units of work.
  auto other = GetParam().open(place_);
  EXPECT_EQ(append(0, 2), 0U);
  {
    auto work = other->begin_audit().value();
    ASSERT_TRUE(work->audit_log().append(record(2)).has_value());
    ASSERT_TRUE(work->commit(at("2026-01-01T00:00:00Z")).has_value());
  }
  EXPECT_EQ(append(3, 5), 3U);
  EXPECT_EQ(log().head().value(), (AuditHead{5, tlog::root_of(expected_leaves(5))}));
}

TEST_P(AuditLogContract, AnEntryCommitsWithTheChangeItRecords) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(
        work->registrar_directory().apply({.iana_id = 7, .name = "Seven"}, at("2026-01-01T00:00:00Z")));
    ASSERT_TRUE(work->audit_log().append(record(0, "registrar.set")).has_value());
  }  // rolled back: neither
  EXPECT_TRUE(store_->registrar_directory().entries().value().empty());
  EXPECT_EQ(log().head().value().size, 0U);
  auto work = store_->begin().value();
  ASSERT_TRUE(work->registrar_directory().apply({.iana_id = 7, .name = "Seven"}, at("2026-01-01T00:00:00Z")));
  ASSERT_TRUE(work->audit_log().append(record(0, "registrar.set")).has_value());
  ASSERT_TRUE(work->commit(at("2026-01-01T00:00:00Z")).has_value());
  EXPECT_EQ(store_->registrar_directory().entries().value().size(), 1U);
  EXPECT_EQ(log().entries(0, 1).value().at(0).action, "registrar.set");
}

TEST_P(AuditLogContract, AuditAppendsAloneAreNotAChangeOfRegistrationData) {
  append(0, 1);
  EXPECT_FALSE(store_->registrations().data_updated().value().has_value());
}

TEST_P(AuditLogContract, AnAuditOnlyUnitOfWorkCannotCommitRegistrationData) {
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->registrar_directory().apply({.iana_id = 7, .name = "Seven"}, at("2026-01-01T00:00:00Z")));
  EXPECT_EQ(work->commit(at("2026-01-01T00:00:00Z")).error().code, ErrorCode::internal);
  work.reset();
  EXPECT_TRUE(store_->registrar_directory().entries().value().empty());
}

TEST_P(AuditLogContract, FindFiltersByEveryMemberAndPagesBySequence) {
  append(0, 30);
  AuditFilter by_object;
  by_object.object_id = "d2.test";
  auto found = log().find(by_object, std::nullopt, 100).value();
  ASSERT_EQ(found.size(), 6U);  // 2, 7, 12, 17, 22, 27
  EXPECT_EQ(found[0].seq, 2U);
  EXPECT_EQ(found[5].seq, 27U);
  found = log().find(by_object, 12U, 2).value();
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].seq, 17U);
  AuditFilter combined;
  combined.actor_kind = "operator";
  combined.actor_id = "actor0";
  combined.from = at("2026-01-01T00:00:06Z");
  combined.to = at("2026-01-01T00:00:19Z");
  found = log().find(combined, std::nullopt, 100).value();  // even and divisible by 3: 6, 12, 18
  ASSERT_EQ(found.size(), 3U);
  EXPECT_EQ(found[2].seq, 18U);
  AuditFilter none;
  none.action = "no.such";
  EXPECT_TRUE(log().find(none, std::nullopt, 100).value().empty());
  EXPECT_EQ(log().find({}, std::nullopt, 1000).value().size(), 30U);
}

TEST_P(AuditLogContract, ScanReadsHeadCheckpointsAndEveryRowWithItsHashes) {
  append(0, 9);
  {
    auto work = store_->begin_audit().value();
    const AuditHead head = work->audit_log().lock_head().value();
    ASSERT_TRUE(
        work->audit_log().add_checkpoint({head.size, head.root, at("2026-01-02T00:00:00Z"), "note\n"}));
    ASSERT_TRUE(work->commit(at("2026-01-02T00:00:00Z")).has_value());
  }
  std::vector<AuditRow> rows;
  AuditScanStart start;
  ASSERT_TRUE(log()
                  .scan(
                      0,
                      [&](const AuditScanStart& s) -> Result<void> {
                        start = s;
                        return {};
                      },
                      [&](const AuditRow& row) -> Result<void> {
                        rows.push_back(row);
                        return {};
                      })
                  .has_value());
  EXPECT_EQ(start.size, 9U);
  ASSERT_EQ(start.checkpoints.size(), 1U);
  EXPECT_EQ(start.checkpoints[0].note, "note\n");
  ASSERT_EQ(rows.size(), 9U);
  tlog::Frontier frontier;
  for (const AuditRow& row : rows) {
    const auto completed =
        frontier.append(tlog::leaf_hash(record(static_cast<int>(row.record.seq)).encoding));
    EXPECT_EQ(row.leaf_hash, completed[0].second);
    ASSERT_EQ(row.nodes.size(), completed.size() - 1) << row.record.seq;
    for (std::size_t i = 1; i < completed.size(); ++i) EXPECT_EQ(row.nodes[i - 1], completed[i].second);
    EXPECT_EQ(row.record.values_salt, record(static_cast<int>(row.record.seq)).values_salt);
  }
  EXPECT_EQ(start.frontier, frontier.to_bytes());
}

TEST_P(AuditLogContract, CheckpointsAreKeptBySizeOncePerSize) {
  append(0, 3);
  auto add = [&](std::uint64_t size) {
    auto work = store_->begin_audit().value();
    const AuditHead head = work->audit_log().lock_head().value();
    auto added = work->audit_log().add_checkpoint(
        {size, head.root, at("2026-01-02T00:00:00Z"), "note " + std::to_string(size) + "\n"});
    if (added) {
      EXPECT_TRUE(work->commit(at("2026-01-02T00:00:00Z")).has_value());
    }
    return added;
  };
  ASSERT_TRUE(add(3).has_value());
  EXPECT_EQ(add(3).error().code, ErrorCode::conflict);
  ASSERT_TRUE(add(1).has_value());
  EXPECT_EQ(log().latest_checkpoint().value()->size, 3U);
  const auto all = log().checkpoints(std::nullopt, 10).value();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].size, 1U);
  EXPECT_EQ(log().checkpoints(1U, 10).value().size(), 1U);
}

TEST_P(AuditLogContract, AUnitThatLocksTheHeadMayNotAppendAndViceVersa) {
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->audit_log().append(record(0)).has_value());
  EXPECT_EQ(work->audit_log().lock_head().error().code, ErrorCode::internal);
  work.reset();
  auto locking = store_->begin_audit().value();
  ASSERT_TRUE(locking->audit_log().lock_head().has_value());
  EXPECT_EQ(locking->audit_log().append(record(0)).error().code, ErrorCode::internal);
}

TEST_P(AuditLogContract, ConcurrentAppendersGetOneSequenceWithoutGapsOrRepeats) {
  constexpr int kThreads = 4;
  constexpr int kEach = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto work = store_->begin_audit().value();
        ASSERT_TRUE(work->audit_log().append(record(t * kEach + i)).has_value());
        ASSERT_TRUE(work->commit(at("2026-01-01T00:00:00Z")).has_value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto entries = log().entries(0, 1000).value();
  ASSERT_EQ(entries.size(), std::size_t{kThreads * kEach});
  std::vector<tlog::Hash> leaves;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, i);
    leaves.push_back(tlog::leaf_hash(entries[i].encoding));
  }
  EXPECT_EQ(log().head().value().root, tlog::root_of(leaves));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogContract, ::testing::ValuesIn(backends()), backend_name);

}  // namespace
}  // namespace ssad::store
