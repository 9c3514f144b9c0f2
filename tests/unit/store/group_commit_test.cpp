// Group commit (store/group_commit.hpp) on both backends: every caller's change is durable when run()
// returns, concurrent changes share commits, and a change that fails leaves nothing of itself while the
// others of its batch still commit.

#include "store/group_commit.hpp"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/request_fixtures.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;

class GroupCommitTest : public StoreContract {};

TEST_P(GroupCommitTest, EveryChangeOfConcurrentCallersIsCommittedWhenRunReturns) {
  GroupCommit committer(*store_);
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  std::atomic<int> visible_after_return{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const std::string id = "req_t" + std::to_string(t) + "n" + std::to_string(i);
        const GroupCommit::Change add = [&](UnitOfWork& work) {
          return work.requests().add_request(testing::minimal_request(id), {});
        };
        ASSERT_TRUE(committer.run(add, at("2026-03-01T00:00:00Z")));
        // Durable and visible to every reader the moment run() returns.
        if (store_->requests().request(id)) ++visible_after_return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(visible_after_return.load(), kThreads * kEach);
  EXPECT_EQ(committer.changes(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_LE(committer.commits(), committer.changes());
  EXPECT_GE(committer.commits(), 1U);
}

TEST_P(GroupCommitTest, AFailedChangeLeavesNothingAndTheOthersOfItsBatchStillCommit) {
  GroupCommit committer(*store_);
  ASSERT_TRUE(committer.run(
      [&](UnitOfWork& work) {
        return work.requests().add_request(testing::minimal_request("req_taken"), {});
      },
      at("2026-03-01T00:00:00Z")));
  constexpr int kThreads = 6;
  std::vector<Result<void>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Thread 0 writes a request and then one whose id is taken: its change fails whole.
      const GroupCommit::Change change = [&, t](UnitOfWork& work) -> Result<void> {
        SSAD_CHECK(work.requests().add_request(testing::minimal_request("req_ok" + std::to_string(t)), {}));
        if (t == 0) return work.requests().add_request(testing::minimal_request("req_taken"), {});
        return {};
      };
      results[static_cast<std::size_t>(t)] = committer.run(change, at("2026-03-01T00:00:00Z"));
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, ErrorCode::conflict);
  EXPECT_EQ(store_->requests().request("req_ok0").error().code, ErrorCode::not_found);
  for (int t = 1; t < kThreads; ++t) {
    EXPECT_TRUE(results[static_cast<std::size_t>(t)]) << t;
    EXPECT_TRUE(store_->requests().request("req_ok" + std::to_string(t))) << t;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupCommitTest, ::testing::ValuesIn(backends()), backend_name);

}  // namespace
}  // namespace ssad::store
