// The audit log with several nodes (issue 11, item 9): two stores open on one PostgreSQL schema are two
// `ssad serve` nodes. Both append at once to one sequence and one tree, checkpoints are signed once per
// interval whichever node signs, and an import on one node does not hold up audit appends. Also, on
// every backend: a checkpointer refuses to sign a tree that does not extend its latest checkpoint.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "audit/checkpoints.hpp"
#include "audit/entry.hpp"
#include "audit/log.hpp"
#include "audit/verify.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/sqlite.hpp"
#include "support/fake_clock.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "support/store_backends.hpp"
#include "tlog/merkle.hpp"
#include "tlog/note.hpp"

namespace ssad::audit {
namespace {

using ssad::testing::at;
using ssad::testing::PostgresSchema;

tlog::SigningKey test_key() {
  std::array<std::uint8_t, 32> seed{};
  seed.fill(7);
  return tlog::signing_key_from_seed("audit.test/nodes", seed).value();
}

Entry marked(const std::string& marker, const char* action = "test.append") {
  Entry entry;
  entry.time = at("2026-01-01T00:00:00Z");
  entry.actor = {"system", "test"};
  entry.action = action;
  entry.object = {"store", ""};
  entry.detail = {{"marker", marker}};
  return entry;
}

std::string marker_of(const store::AuditRecord& record) {
  const Entry entry = decode(record.encoding).value();
  return entry.detail.empty() ? std::string() : entry.detail.front().second;
}

// Verifies the log as `ssad audit verify` does, with the test key; the report.
VerifyReport verified(store::Store& node) {
  VerifyOptions options;
  options.key = tlog::verifier_of(test_key());
  return verify(node.audit_log(), options).value();
}

// Two nodes on one schema, each with its own Appender, as two `ssad serve` processes have.
class TwoNodes : public ::testing::Test {
 protected:
  // Appends from `threads` threads per node, `each` entries per thread, all threads released at
  // once. Every append must succeed; returns what each acknowledged: seq -> marker.
  std::map<std::uint64_t, std::string> append_at_once(int threads, int each) {
    std::latch start(std::ptrdiff_t{2} * threads);
    std::mutex mutex;
    std::map<std::uint64_t, std::string> acked;
    std::vector<std::thread> writers;
    for (int node = 0; node < 2; ++node) {
      for (int t = 0; t < threads; ++t) {
        writers.emplace_back([&, node, t] {
          Appender& appender = node == 0 ? appender_a_ : appender_b_;
          start.arrive_and_wait();
          for (int i = 0; i < each; ++i) {
            const std::string marker = "n" + std::to_string(node) + "-t" + std::to_string(t) + "-" +
                                       std::to_string(i) + "-" + std::to_string(round_);
            const auto seq = appender.append(marked(marker));
            ASSERT_TRUE(seq.has_value()) << seq.error().message;
            const std::lock_guard lock(mutex);
            EXPECT_TRUE(acked.emplace(*seq, marker).second) << "seq " << *seq << " acknowledged twice";
          }
        });
      }
    }
    for (auto& writer : writers) writer.join();
    ++round_;
    return acked;
  }

  PostgresSchema schema_;
  std::unique_ptr<store::Store> a_ = store::postgres::open_postgres_store(schema_.url()).value();
  std::unique_ptr<store::Store> b_ = store::postgres::open_postgres_store(schema_.url()).value();
  Appender appender_a_{*a_};
  Appender appender_b_{*b_};
  int round_ = 0;
};

TEST_F(TwoNodes, AppendingAtOnceGivesOneSequenceAndOneTreeThatVerify) {
  constexpr int kThreads = 4;
  constexpr int kEach = 200;
  constexpr std::uint64_t kTotal = std::uint64_t{2} * kThreads * kEach;
  const auto acked = append_at_once(kThreads, kEach);
  ASSERT_EQ(acked.size(), kTotal);

  const auto entries = a_->audit_log().entries(0, kTotal + 1).value();
  ASSERT_EQ(entries.size(), kTotal);
  std::set<std::string> markers;
  std::vector<tlog::Hash> leaves;
  for (std::uint64_t i = 0; i < kTotal; ++i) {
    EXPECT_EQ(entries[i].seq, i);
    const std::string marker = marker_of(entries[i]);
    EXPECT_TRUE(markers.insert(marker).second) << marker << " is in the log twice";
    // The entry the store numbered i is the one whose append was acknowledged with i.
    EXPECT_EQ(marker, acked.at(i)) << "entry " << i;
    leaves.push_back(tlog::leaf_hash(entries[i].encoding));
  }
  EXPECT_EQ(markers.size(), kTotal);
  // One tree: both nodes read the same head, whose root is the tree of every entry in order.
  const store::AuditHead head = a_->audit_log().head().value();
  EXPECT_EQ(head, (store::AuditHead{kTotal, tlog::root_of(leaves)}));
  EXPECT_EQ(b_->audit_log().head().value(), head);

  for (store::Store* node : {a_.get(), b_.get()}) {
    const VerifyReport report = verified(*node);
    EXPECT_FALSE(report.problem.has_value()) << report.problem.value_or("");
    EXPECT_EQ(report.entries, kTotal);
    EXPECT_EQ(report.root, head.root);
  }
}

// Calls sign_if_due from `callers` threads per node, `times` each, all released at once; returns how
// many checkpoints were signed (every call must succeed).
int sign_at_once(Checkpointer& a, Checkpointer& b, int callers = 4, int times = 3) {
  std::latch start(std::ptrdiff_t{2} * callers);
  std::atomic<int> signed_count{0};
  std::vector<std::thread> signers;
  for (int node = 0; node < 2; ++node) {
    for (int c = 0; c < callers; ++c) {
      signers.emplace_back([&, node] {
        Checkpointer& signer = node == 0 ? a : b;
        start.arrive_and_wait();
        for (int i = 0; i < times; ++i) {
          const auto made = signer.sign_if_due();
          ASSERT_TRUE(made.has_value()) << made.error().message;
          if (*made) ++signed_count;
        }
      });
    }
  }
  for (auto& signer : signers) signer.join();
  return signed_count.load();
}

TEST_F(TwoNodes, CheckpointsAreSignedOncePerIntervalWhicheverNodeSigns) {
  ASSERT_EQ(append_at_once(2, 50).size(), 200U);
  ssad::testing::FakeClock clock;  // one instant for both nodes
  Checkpointer signer_a(*a_, test_key(), clock, std::chrono::seconds(60));
  Checkpointer signer_b(*b_, test_key(), clock, std::chrono::seconds(60));

  // Due (there is none yet): eight callers on two nodes at the same instant sign one.
  EXPECT_EQ(sign_at_once(signer_a, signer_b), 1);
  auto checkpoints = a_->audit_log().checkpoints(std::nullopt, 10).value();
  ASSERT_EQ(checkpoints.size(), 1U);
  EXPECT_EQ(checkpoints[0].size, 200U);
  EXPECT_EQ(checkpoints[0].signed_at, clock.now());

  // 30 s later the log has grown, but the interval has not passed: none.
  clock.advance(std::chrono::seconds(30));
  ASSERT_EQ(append_at_once(1, 5).size(), 10U);
  EXPECT_EQ(sign_at_once(signer_a, signer_b), 0);
  EXPECT_EQ(a_->audit_log().checkpoints(std::nullopt, 10).value().size(), 1U);

  // 60 s after the first: exactly one more, of the tree as it stands.
  clock.advance(std::chrono::seconds(30));
  EXPECT_EQ(sign_at_once(signer_a, signer_b), 1);
  checkpoints = a_->audit_log().checkpoints(std::nullopt, 10).value();
  ASSERT_EQ(checkpoints.size(), 2U);
  EXPECT_EQ(checkpoints[1].size, 210U);
  EXPECT_EQ(checkpoints[1].signed_at, clock.now());

  // Both nodes serve that one, signed by the key over the tree's size and root.
  const auto latest_a = a_->audit_log().latest_checkpoint().value();
  const auto latest_b = b_->audit_log().latest_checkpoint().value();
  EXPECT_EQ(latest_a, std::optional(checkpoints[1]));
  EXPECT_EQ(latest_b, std::optional(checkpoints[1]));
  const std::string text = tlog::open_note(checkpoints[1].note, tlog::verifier_of(test_key())).value();
  const tlog::Checkpoint signed_checkpoint = tlog::parse_checkpoint(text).value();
  EXPECT_EQ(signed_checkpoint.size, 210U);
  EXPECT_EQ(signed_checkpoint.root, a_->audit_log().head().value().root);

  const VerifyReport report = verified(*b_);
  EXPECT_FALSE(report.problem.has_value()) << report.problem.value_or("");
  EXPECT_EQ(report.entries, 210U);
  EXPECT_EQ(report.checkpoints, 2U);
}

// An import holds the store's write lock from begin() to its commit (minutes, for a large deposit).
// Audit appends (a disclosure, a view) must not wait for it: units of work from begin_audit() take no
// lock but the audit head's, and only at their commit. The import's own entry is numbered when it
// commits, after the append that committed first.
TEST_F(TwoNodes, AnAuditAppendCompletesWhileAnImportHoldsTheStore) {
  std::latch import_open(1);
  std::latch appended(1);
  std::thread import([&] {
    auto work = a_->begin();
    if (!work) {
      ADD_FAILURE() << work.error().message;
      import_open.count_down();
      return;
    }
    EXPECT_TRUE((*work)->registrations().put_registrar(ssad::testing::sample_registrar("registrarI", 77)));
    EXPECT_TRUE(record(**work, marked("import", "test.import")));
    import_open.count_down();
    appended.wait();  // the import stays open until the appends have returned
    EXPECT_TRUE((*work)->commit(at("2026-01-01T00:00:00Z")));
  });
  import_open.wait();
  for (Appender* appender : {&appender_a_, &appender_b_}) {
    const auto seq = appender->append(marked("during the import"));
    EXPECT_TRUE(seq.has_value()) << seq.error().message;
  }
  appended.count_down();
  import.join();

  const auto entries = a_->audit_log().entries(0, 10).value();
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(marker_of(entries[0]), "during the import");
  EXPECT_EQ(marker_of(entries[1]), "during the import");
  EXPECT_EQ(marker_of(entries[2]), "import");
  EXPECT_EQ(b_->registrations().find_registrar("registrarI").value().iana_id, 77);
  EXPECT_FALSE(verified(*a_).problem.has_value());
}

// On every backend: a checkpointer never signs a tree that does not extend its latest checkpoint.
class ACheckpointer : public ::testing::TestWithParam<ssad::testing::Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(place_); }

  // Runs SQL on the store's database behind its back, as an intruder with the database's password
  // would: PostgreSQL through a connection of the test's, SQLite through a connection to the file.
  void tamper(const std::string& sql) {
    if (GetParam().is("postgres")) {
      PostgresSchema::execute(place_.schema->url(), sql);
    } else {
      auto db = store::sqlite::Database::open(place_.dir.file("store.db"), false).value();
      ASSERT_TRUE(db->exec(sql).has_value());
    }
  }
  void drop_append_only_trigger() {
    tamper(GetParam().is("postgres") ? "DROP TRIGGER audit_entry_append_only ON audit_entry"
                                     : "DROP TRIGGER audit_entry_no_update");
  }
  // Neither on the interval nor on demand does `signer` sign, or hand out an old checkpoint as current;
  // the one stored checkpoint stays the only one.
  void expect_refusal(Checkpointer& signer) {
    const auto due = signer.sign_if_due();
    ASSERT_FALSE(due.has_value());
    EXPECT_EQ(due.error().code, ErrorCode::internal);
    const auto now = signer.sign_now();
    ASSERT_FALSE(now.has_value()) << "handed out the checkpoint of size " << now->size;
    EXPECT_EQ(now.error().code, ErrorCode::internal);
    EXPECT_EQ(stored_checkpoints().size(), 1U);
  }

  std::vector<store::AuditCheckpoint> stored_checkpoints() {
    return store_->audit_log().checkpoints(std::nullopt, 10).value();
  }

  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_;
};

TEST_P(ACheckpointer, RefusesToSignATreeWhoseEntriesWereChangedUnderItsLatestCheckpoint) {
  Appender appender(*store_);
  Checkpointer signer(*store_, test_key(), clock_, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(appender.append(marked("e" + std::to_string(i))).has_value());
  ASSERT_EQ(signer.sign_now().value().size, 3U);
  ASSERT_TRUE(appender.append(marked("e3")).has_value());
  // Entry 2's leaf hash, which the proof from 3 to 4 entries uses (RFC 9162 §2.1.4.1: [2, 3, 0..1]).
  drop_append_only_trigger();
  tamper(GetParam().is("postgres") ? "UPDATE audit_entry SET leaf_hash = sha256(leaf_hash) WHERE seq = 2"
                                   : "UPDATE audit_entry SET leaf_hash = zeroblob(32) WHERE seq = 2");
  clock_.advance(std::chrono::seconds(60));

  const auto due = signer.sign_if_due();
  ASSERT_FALSE(due.has_value());
  EXPECT_EQ(due.error().code, ErrorCode::internal);
  EXPECT_NE(due.error().message.find("does not extend its checkpoint of size 3"), std::string::npos)
      << due.error().message;
  const auto now = signer.sign_now();
  ASSERT_FALSE(now.has_value());
  EXPECT_EQ(now.error().code, ErrorCode::internal);
  const auto stored = stored_checkpoints();
  ASSERT_EQ(stored.size(), 1U);
  EXPECT_EQ(stored[0].size, 3U);
}

// A tree that has not grown since the latest checkpoint must still be the one it signed: rewound to
// fewer entries (rows deleted and the head set back), the checkpointer neither says "nothing due" nor
// hands out the checkpoint of a tree that is gone.
TEST_P(ACheckpointer, RefusesATreeRewoundBelowItsLatestCheckpoint) {
  Appender appender(*store_);
  Checkpointer signer(*store_, test_key(), clock_, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(appender.append(marked("e" + std::to_string(i))).has_value());
  ASSERT_EQ(signer.sign_now().value().size, 3U);
  // The head of the tree of 2 entries: its right edge is the one node over entries 0 and 1, kept in
  // entry 1's row.
  tamper(GetParam().is("postgres")
             ? "UPDATE audit_head SET size = 2, frontier = (SELECT substring(nodes FROM 1 FOR 32) FROM "
               "audit_entry WHERE seq = 1)"
             : "UPDATE audit_head SET size = 2, frontier = (SELECT substr(nodes, 1, 32) FROM audit_entry "
               "WHERE seq = 1)");
  ASSERT_EQ(store_->audit_log().head().value().size, 2U);
  clock_.advance(std::chrono::seconds(60));

  expect_refusal(signer);
}

// The same size with another root (the stored right edge replaced) is not the tree that was signed.
TEST_P(ACheckpointer, RefusesATreeOfTheSameSizeWithAnotherRoot) {
  Appender appender(*store_);
  Checkpointer signer(*store_, test_key(), clock_, std::chrono::seconds(60));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(appender.append(marked("e" + std::to_string(i))).has_value());
  const store::AuditCheckpoint first = signer.sign_now().value();
  // Two hashes, as the right edge of 3 entries has (over 0..1, and 2), neither of them right.
  tamper(GetParam().is("postgres") ? "UPDATE audit_head SET frontier = sha256('a') || sha256('b')"
                                   : "UPDATE audit_head SET frontier = zeroblob(64)");
  ASSERT_NE(store_->audit_log().head().value().root, first.root);
  clock_.advance(std::chrono::seconds(60));

  expect_refusal(signer);
}

INSTANTIATE_TEST_SUITE_P(Backends, ACheckpointer, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

}  // namespace
}  // namespace ssad::audit
