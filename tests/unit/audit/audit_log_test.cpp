// The audit log end to end on every backend: recording, group commit, checkpoints, proofs, export, and
// verification against an operator who edits, deletes, inserts, reorders or rewrites what is stored.

#include <algorithm>
#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "audit/checkpoints.hpp"
#include "audit/entry.hpp"
#include "audit/entry_json.hpp"
#include "audit/export.hpp"
#include "audit/log.hpp"
#include "audit/proofs.hpp"
#include "audit/verify.hpp"
#include "support/fake_clock.hpp"
#include "support/store_backends.hpp"

namespace ssad::audit {
namespace {

using ssad::testing::Backend;
using ssad::testing::StorePlace;

Timestamp at(const char* text) { return parse_rfc3339(text).value(); }

tlog::SigningKey test_key(std::string_view name = "audit.test/log") {
  std::array<std::uint8_t, 32> seed{};
  for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(i * 7 + name.size());
  return tlog::signing_key_from_seed(name, seed).value();
}

Entry entry(int n, Timestamp time) {
  Entry e;
  e.time = time;
  e.actor = {n % 2 == 0 ? "operator" : "system", "actor" + std::to_string(n % 3)};
  e.action = n % 4 == 0 ? "registrar.set" : "import.escrow";
  e.object = {"registrar", std::to_string(1000 + n % 5)};
  e.detail = {{"n", std::to_string(n)}};
  return e;
}

class AuditLogTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(place_);
    clock_.set_wall(at("2026-03-01T00:00:00Z"));
  }

  store::AuditLogReader& log() { return store_->audit_log(); }

  // Appends entries [from, to) through the one call, each in a unit of work of its own.
  void append(int from, int to) {
    for (int n = from; n < to; ++n) {
      auto work = store_->begin_audit().value();
      ASSERT_TRUE(record(*work, entry(n, clock_.now())).has_value());
      ASSERT_TRUE(work->commit(clock_.now()).has_value());
    }
  }

  Checkpointer signer(std::string_view name = "audit.test/log") {
    return {*store_, test_key(name), clock_, std::chrono::seconds(60)};
  }

  VerifyReport verify_log(std::vector<std::string> held = {}) {
    VerifyOptions options;
    options.key = tlog::verifier_of(test_key());
    options.held_checkpoints = std::move(held);
    return verify(log(), options).value();
  }

  // 12 entries with checkpoints at 5 and 12: the log the tampering tests start from.
  std::string standard_log() {
    append(0, 5);
    EXPECT_EQ(signer().sign_now().value().size, 5U);
    append(5, 12);
    auto held = signer().sign_now().value();
    EXPECT_EQ(held.size, 12U);
    EXPECT_FALSE(verify_log().problem.has_value());
    return held.note;
  }

  // SQL run as the operator, past the store: the append-only triggers dropped first.
  void raw(const std::string& sql) {
    if (GetParam().is("sqlite")) {
      sqlite3* db = nullptr;
      ASSERT_EQ(sqlite3_open(place_.dir.file("store.db").c_str(), &db), SQLITE_OK);
      char* error = nullptr;
      const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
      const std::string message = error != nullptr ? error : "";
      sqlite3_free(error);
      sqlite3_close(db);
      ASSERT_EQ(rc, SQLITE_OK) << message;
    } else {
      ssad::testing::PostgresSchema::execute(place_.schema->url(), sql);
    }
  }
  void drop_triggers() {
    if (std::exchange(triggers_dropped_, true)) return;
    if (GetParam().is("sqlite")) {
      raw("DROP TRIGGER audit_entry_no_update; DROP TRIGGER audit_entry_no_delete; "
          "DROP TRIGGER audit_checkpoint_no_update; DROP TRIGGER audit_checkpoint_no_delete");
    } else {
      raw("DROP TRIGGER audit_entry_append_only ON audit_entry");
      raw("DROP TRIGGER audit_checkpoint_append_only ON audit_checkpoint");
    }
  }
  std::string blob(std::string_view bytes) {
    const std::string hex =
        tlog::hex(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    return GetParam().is("sqlite") ? "x'" + hex + "'" : "'\\x" + hex + "'::bytea";
  }
  static std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

  // Every stored record, in order.
  std::vector<store::AuditRecord> records() {
    std::vector<store::AuditRecord> out;
    EXPECT_TRUE(log()
                    .scan(
                        0, [](const store::AuditScanStart&) -> Result<void> { return {}; },
                        [&](const store::AuditRow& row) -> Result<void> {
                          out.push_back(row.record);
                          return {};
                        })
                    .has_value());
    return out;
  }

  // An operator who knows the format rewrites the log as `records`, with every leaf hash, tree node and
  // the head recomputed to match: only the signed checkpoints can give this away.
  void rewrite(const std::vector<store::AuditRecord>& rewritten) {
    drop_triggers();
    raw("DELETE FROM audit_values_salt");
    raw("DELETE FROM audit_entry");
    tlog::Frontier frontier;
    for (std::size_t seq = 0; seq < rewritten.size(); ++seq) {
      const store::AuditRecord& r = rewritten[seq];
      const auto completed = frontier.append(tlog::leaf_hash(r.encoding));
      std::string nodes;
      for (std::size_t i = 1; i < completed.size(); ++i) nodes += tlog::bytes_of(completed[i].second);
      raw("INSERT INTO audit_entry (seq, time_ms, actor_kind, actor_id, action, object_kind, object_id, "
          "encoding, "
          "leaf_hash, nodes) VALUES (" +
          std::to_string(seq) + ", " + std::to_string(to_unix_ms(r.time)) + ", " + quoted(r.actor_kind) +
          ", " + quoted(r.actor_id) + ", " + quoted(r.action) + ", " + quoted(r.object_kind) + ", " +
          quoted(r.object_id) + ", " + blob(r.encoding) + ", " + blob(tlog::bytes_of(completed[0].second)) +
          ", " + blob(nodes) + ")");
    }
    raw("UPDATE audit_head SET size = " + std::to_string(rewritten.size()) +
        ", frontier = " + blob(frontier.to_bytes()) + " WHERE id = 1");
  }

  // A stored record re-made from an edited entry, its copies of fields updated too.
  static store::AuditRecord edited(const store::AuditRecord& original,
                                   const std::function<void(Entry&)>& edit) {
    Entry e = decode(original.encoding).value();
    edit(e);
    store::AuditRecord out = original;
    out.encoding = encode(e).value();
    out.actor_kind = e.actor.kind;
    out.actor_id = e.actor.id;
    out.action = e.action;
    out.object_kind = e.object.kind;
    out.object_id = e.object.id;
    out.time = e.time;
    return out;
  }

  StorePlace place_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_;
  bool triggers_dropped_ = false;
};

TEST_P(AuditLogTest, ARecordCommitsToTheServedValuesWithASaltKeptOutOfTheEntry) {
  const std::vector<ServedValue> served = {{"tech.email", "tech@example.test"},
                                           {"registrant.email", "jane@example.test"}};
  const auto made = make_record(entry(0, clock_.now()), served).value();
  ASSERT_EQ(made.values_salt.size(), 32U);
  const Entry decoded = decode(made.encoding).value();
  EXPECT_EQ(decoded.fields, (std::vector<std::string>{"registrant.email", "tech.email"}));
  EXPECT_EQ(decoded.values_commitment, commit_values(served, made.values_salt));
  // The values themselves are nowhere in what is stored.
  EXPECT_EQ(made.encoding.find("jane@example.test"), std::string::npos);
  EXPECT_EQ(made.encoding.find("tech@example.test"), std::string::npos);
  // The same act recorded twice gives two leaves nobody can link or guess: a fresh nonce and salt.
  const auto again = make_record(entry(0, clock_.now()), served).value();
  EXPECT_NE(again.encoding, made.encoding);
  EXPECT_NE(again.values_salt, made.values_salt);
  EXPECT_NE(decode(again.encoding).value().values_commitment, decoded.values_commitment);
}

TEST_P(AuditLogTest, AnInvalidEntryIsRefusedAndNothingIsAppended) {
  Entry bad = entry(0, clock_.now());
  bad.detail = {{"note", "line one\nline two"}};
  auto work = store_->begin_audit().value();
  EXPECT_EQ(record(*work, bad).error().code, ErrorCode::invalid_input);
  ASSERT_TRUE(work->commit(clock_.now()).has_value());
  EXPECT_EQ(log().head().value().size, 0U);
}

TEST_P(AuditLogTest, ConcurrentAppendsThroughOneAppenderGetOneSequenceAndTheLogVerifies) {
  Appender appender(*store_);
  constexpr int kThreads = 8;
  constexpr int kEach = 40;
  std::vector<std::vector<std::uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        seqs[static_cast<std::size_t>(t)].push_back(
            appender.append(entry(t * kEach + i, clock_.now())).value());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::uint64_t> all;
  for (const auto& list : seqs) {
    EXPECT_TRUE(std::is_sorted(list.begin(), list.end()));  // a writer's entries keep its order
    all.insert(all.end(), list.begin(), list.end());
  }
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), std::size_t{kThreads * kEach});
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
  const VerifyReport report = verify_log();
  EXPECT_FALSE(report.problem.has_value()) << *report.problem;
  EXPECT_EQ(report.entries, std::uint64_t{kThreads * kEach});
  EXPECT_EQ(report.root, log().head().value().root);
}

// The store under test, except that its first audit unit of work throws, as only a bug or an exhausted
// memory would make it.
class ThrowingOnce final : public store::Store {
 public:
  explicit ThrowingOnce(store::Store& store) : store_(store) {}
  store::RegistrationReader& registrations() override { return store_.registrations(); }
  store::RegistrarDirectoryReader& registrar_directory() override { return store_.registrar_directory(); }
  store::AuditLogReader& audit_log() override { return store_.audit_log(); }
  store::RequestorReader& requestors() override { return store_.requestors(); }
  store::Outbox& outbox() override { return store_.outbox(); }
  store::RequestReader& requests() override { return store_.requests(); }
  store::AbuseReader& abuse() override { return store_.abuse(); }
  store::SubjectReader& subjects() override { return store_.subjects(); }
  Result<std::unique_ptr<store::UnitOfWork>> begin() override { return store_.begin(); }
  Result<std::unique_ptr<store::UnitOfWork>> begin_audit() override {
    if (!thrown_.exchange(true)) throw std::runtime_error("unexpected");
    return store_.begin_audit();
  }

 private:
  store::Store& store_;
  std::atomic<bool> thrown_ = false;
};

TEST_P(AuditLogTest, AnAppenderWhoseWriteThrewStillAppendsForTheNextCaller) {
  // On the heap, and left there if the next caller never returns, so that a failing test ends.
  auto throwing = std::make_unique<ThrowingOnce>(*store_);
  auto appender = std::make_unique<Appender>(*throwing);
  EXPECT_THROW((void)appender->append(entry(0, clock_.now())), std::runtime_error);
  auto answer = std::make_shared<std::promise<Result<std::uint64_t>>>();
  auto next = answer->get_future();
  std::thread caller([appender = appender.get(), answer, e = entry(1, clock_.now())] {
    answer->set_value(appender->append(e));
  });
  if (next.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    caller.detach();
    (void)appender.release();  // NOLINT(bugprone-unused-return-value): the caller waits in it forever
    (void)throwing.release();  // NOLINT(bugprone-unused-return-value)
    FAIL() << "the next caller waits forever for a writer that threw";
  }
  caller.join();
  EXPECT_EQ(next.get().value(), 0U);
  EXPECT_FALSE(verify_log().problem.has_value());
}

TEST_P(AuditLogTest, CheckpointsAreSignedOncePerIntervalAndOnlyWhenTheLogGrew) {
  Checkpointer checkpointer = signer();
  EXPECT_FALSE(checkpointer.sign_if_due().value().has_value());  // nothing to sign
  append(0, 3);
  const auto first = checkpointer.sign_if_due().value();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->size, 3U);
  EXPECT_EQ(first->root, log().head().value().root);
  const auto text = tlog::open_note(first->note, tlog::verifier_of(test_key())).value();
  const tlog::Checkpoint parsed = tlog::parse_checkpoint(text).value();
  EXPECT_EQ(parsed.origin, "audit.test/log");
  EXPECT_EQ(parsed.size, 3U);
  EXPECT_EQ(parsed.root, first->root);
  EXPECT_EQ(log().latest_checkpoint().value(), first);

  EXPECT_FALSE(checkpointer.sign_if_due().value().has_value());  // not grown
  append(3, 4);
  clock_.advance(std::chrono::seconds(59));
  EXPECT_FALSE(checkpointer.sign_if_due().value().has_value());  // grown, but within the interval
  clock_.advance(std::chrono::seconds(1));
  EXPECT_EQ(checkpointer.sign_if_due().value().value().size, 4U);
  append(4, 5);
  EXPECT_EQ(checkpointer.sign_now().value().size, 5U);  // on demand: the interval does not apply
  EXPECT_EQ(checkpointer.sign_now().value().size, 5U);  // not grown: the newest is returned
  EXPECT_EQ(log().checkpoints(std::nullopt, 10).value().size(), 3U);
  EXPECT_EQ(verify_log().checkpoints, 3U);
}

TEST_P(AuditLogTest, NoCheckpointIsSignedOverATreeThatDoesNotExtendTheLastOne) {
  append(0, 6);
  ASSERT_TRUE(signer().sign_now().has_value());
  append(6, 7);
  drop_triggers();
  // The stored right edge no longer gives the tree the entries give.
  tlog::Frontier other;
  for (int i = 0; i < 7; ++i) other.append(tlog::leaf_hash("other " + std::to_string(i)));
  raw("UPDATE audit_head SET frontier = " + blob(other.to_bytes()) + " WHERE id = 1");
  const auto refused = signer().sign_now();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::internal);
  EXPECT_EQ(log().latest_checkpoint().value()->size, 6U);
}

TEST_P(AuditLogTest, ARunningCheckpointerNeverSignsOverItsOwnCheckpointWhenItsRowsAreGone) {
  Checkpointer checkpointer = signer();  // one process, as serve's
  append(0, 5);
  ASSERT_EQ(checkpointer.sign_now().value().size, 5U);
  append(5, 12);
  ASSERT_EQ(checkpointer.sign_now().value().size, 12U);
  // The operator rewrites entry 10 with every hash recomputed, and deletes every checkpoint.
  auto rows = records();
  rows[10] = edited(rows[10], [](Entry& e) { e.actor.id = "someone-else"; });
  rewrite(rows);
  raw("DELETE FROM audit_checkpoint");
  append(12, 13);
  const auto refused = checkpointer.sign_now();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::internal);
  EXPECT_FALSE(log().latest_checkpoint().value().has_value());
  // Cut below what it signed, with the checkpoint of 5 put back: named even when nothing is due.
  rows.resize(9);
  rewrite(rows);
  raw("INSERT INTO audit_checkpoint (size, root, signed_ms, note) VALUES (5, " +
      blob(tlog::bytes_of(root_at(log(), 5, 9).value())) + ", 0, " +
      quoted(tlog::sign_note(tlog::checkpoint_text({"audit.test/log", 5, root_at(log(), 5, 9).value()}),
                             test_key())
                 .value()) +
      ")");
  EXPECT_EQ(checkpointer.sign_if_due().error().message,
            "the audit log's tree of 9 entries is not the one this process signed at size 12, nor an "
            "extension of it");
  EXPECT_EQ(log().latest_checkpoint().value()->size, 5U);
  // Another process has no memory of it: only a held checkpoint catches that (see below).
  EXPECT_EQ(signer().sign_now().value().size, 9U);
}

TEST_P(AuditLogTest, ProofsAndLeavesRefuseWhatIsOutsideTheTree) {
  append(0, 10);
  EXPECT_EQ(inclusion_proof(log(), 10, 10, 10).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(inclusion_proof(log(), 0, 11, 10).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(consistency_proof(log(), 0, 5, 10).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(consistency_proof(log(), 6, 5, 10).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(consistency_proof(log(), 5, 11, 10).error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(consistency_proof(log(), 10, 10, 10).value().empty());
  EXPECT_EQ(leaf_hashes(log(), 5, 4).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(leaf_hashes(log(), 10, 12).error().code, ErrorCode::not_found);
  EXPECT_EQ(leaf_hashes(log(), 8, 1'000'000).value().size(), 2U);  // up to the last entry
  const tlog::Hash root = root_at(log(), 7, 10).value();
  const auto path = inclusion_proof(log(), 3, 7, 10).value();
  EXPECT_TRUE(tlog::verify_inclusion(leaf_hashes(log(), 3, 3).value()[0], 3, 7, path, root));
}

TEST_P(AuditLogTest, AnUntouchedLogVerifiesWithItsHeldCheckpoints) {
  const std::string held = standard_log();
  const VerifyReport report = verify_log({held});
  EXPECT_FALSE(report.problem.has_value()) << *report.problem;
  EXPECT_EQ(report.entries, 12U);
  EXPECT_EQ(report.checkpoints, 2U);
  EXPECT_EQ(report.held, 1U);
}

TEST_P(AuditLogTest, ARangeIsVerifiedFromTheStoredTreeBeforeIt) {
  const std::string held = standard_log();  // checkpoints at 5 and 12
  VerifyOptions options;
  options.key = tlog::verifier_of(test_key());
  options.held_checkpoints = {held};
  options.from = 7;
  VerifyReport report = verify(log(), options).value();
  EXPECT_FALSE(report.problem.has_value()) << *report.problem;
  EXPECT_EQ(report.entries, 5U);  // 7..11
  EXPECT_EQ(report.root, log().head().value().root);
  // An entry in the range is checked; one before it is taken on trust from the stored tree.
  drop_triggers();
  auto bytes = records()[3].encoding;
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  raw("UPDATE audit_entry SET encoding = " + blob(bytes) + " WHERE seq = 3");
  EXPECT_FALSE(verify(log(), options).value().problem.has_value());
  EXPECT_TRUE(verify_log().problem.value().starts_with("entry 3: "));
  bytes = records()[9].encoding;
  bytes.back() = static_cast<char>(bytes.back() ^ 1);
  raw("UPDATE audit_entry SET encoding = " + blob(bytes) + " WHERE seq = 9");
  EXPECT_TRUE(verify(log(), options).value().problem.value().starts_with("entry 9: "));
  options.from = 99;
  EXPECT_EQ(verify(log(), options).value().problem.value(), "the log has fewer than 99 entries");
}

TEST_P(AuditLogTest, TheLogRefusesUpdatesAndDeletesWithoutItsTriggersDropped) {
  standard_log();
  auto try_sql = [&](const std::string& sql) {
    if (GetParam().is("sqlite")) {
      sqlite3* db = nullptr;
      sqlite3_open(place_.dir.file("store.db").c_str(), &db);
      const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
      sqlite3_close(db);
      return rc == SQLITE_OK;
    }
    try {
      ssad::testing::PostgresSchema::execute(place_.schema->url(), sql);
      return true;
    } catch (const std::exception&) {
      return false;
    }
  };
  EXPECT_FALSE(try_sql("UPDATE audit_entry SET actor_id = 'x' WHERE seq = 1"));
  EXPECT_FALSE(try_sql("DELETE FROM audit_entry WHERE seq = 11"));
  EXPECT_FALSE(try_sql("DELETE FROM audit_checkpoint"));
  EXPECT_FALSE(verify_log().problem.has_value());
}

TEST_P(AuditLogTest, VerificationNamesAnEntryWhoseBytesWereEdited) {
  standard_log();
  drop_triggers();
  auto record = records()[4];
  record.encoding.back() = static_cast<char>(record.encoding.back() ^ 1);
  raw("UPDATE audit_entry SET encoding = " + blob(record.encoding) + " WHERE seq = 4");
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->starts_with("entry 4: ")) << *problem;
}

TEST_P(AuditLogTest, VerificationNamesAnEntryWhoseSearchCopiesWereEdited) {
  standard_log();
  drop_triggers();
  raw("UPDATE audit_entry SET object_id = '9999' WHERE seq = 7");
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "entry 7: the copies of its fields kept for searching differ from the entry");
}

TEST_P(AuditLogTest, VerificationNamesSearchCopiesStoredAsAnotherTypeThatFiltersDoNotMatch) {
  if (GetParam().is("postgres")) GTEST_SKIP() << "a PostgreSQL column holds values of its own type only";
  standard_log();
  store::AuditFilter by_actor;  // entry 4's actor
  by_actor.actor_kind = "operator";
  by_actor.actor_id = "actor1";
  auto write = [](std::string_view) {};
  const std::uint64_t listed = export_entries(log(), by_actor, ExportFormat::jsonl, write).value();
  drop_triggers();
  // SQLite keeps any value in any column: the id as a BLOB reads back as the same bytes, so the copy
  // looked right, but no filter on the text matches it any more.
  raw("UPDATE audit_entry SET actor_id = CAST(actor_id AS BLOB) WHERE seq = 4");
  EXPECT_EQ(export_entries(log(), by_actor, ExportFormat::jsonl, write).value(), listed - 1);
  EXPECT_EQ(verify_log().problem.value_or("the log verifies"),
            "entry 4: the copies of its fields kept for searching are not stored as text and integers, "
            "so filters do not match them");
  raw("UPDATE audit_entry SET actor_id = CAST(actor_id AS TEXT), time_ms = CAST(time_ms AS TEXT) || 'x' "
      "WHERE seq = 4");
  EXPECT_EQ(verify_log().problem.value_or("the log verifies"),
            "entry 4: the copies of its fields kept for searching are not stored as text and integers, "
            "so filters do not match them");
}

TEST_P(AuditLogTest, VerificationNamesTheFirstCheckpointAfterAnEditWithEveryHashRecomputed) {
  standard_log();
  auto rows = records();
  rows[3] = edited(rows[3], [](Entry& e) { e.object.id = "4242"; });
  rewrite(rows);
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(
      problem->starts_with("checkpoint of size 5: its root is not the root of the log's first 5 entries"))
      << *problem;
}

TEST_P(AuditLogTest, VerificationNamesAMissingEntry) {
  standard_log();
  drop_triggers();
  raw("DELETE FROM audit_entry WHERE seq = 6");
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "entry 6 is missing (the next stored is 7)");
}

TEST_P(AuditLogTest, VerificationCatchesAnEntryStoredTwiceWhereverTheScanReadsIt) {
  if (GetParam().is("sqlite")) GTEST_SKIP() << "SQLite's seq is the rowid, which cannot repeat";
  // 10,000 entries: PostgreSQL's scan read them in pages of that many, each starting after the last
  // seq of the one before, so a copy of the last row of a page was never read.
  {
    auto work = store_->begin_audit().value();
    for (int n = 0; n < 10'000; ++n) ASSERT_TRUE(record(*work, entry(n, clock_.now())).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  ASSERT_FALSE(verify_log().problem.has_value());
  drop_triggers();
  raw("ALTER TABLE audit_entry DROP CONSTRAINT audit_entry_pkey CASCADE");
  raw("INSERT INTO audit_entry SELECT * FROM audit_entry WHERE seq = 9999");
  EXPECT_EQ(leaf_hashes(log(), 9999, 9999).value().size(), 2U);  // readers see it twice
  EXPECT_EQ(verify_log().problem.value_or("the log verifies"), "entry 9999 is stored twice");
}

TEST_P(AuditLogTest, VerificationCatchesAnInsertedEntryWithEveryHashRecomputed) {
  standard_log();
  auto rows = records();
  rows.insert(rows.begin() + 8, make_record(entry(99, clock_.now())).value());
  rewrite(rows);
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->starts_with("checkpoint of size 12: its root is not the root")) << *problem;
}

TEST_P(AuditLogTest, VerificationCatchesReorderedEntriesWithEveryHashRecomputed) {
  standard_log();
  auto rows = records();
  std::swap(rows[1], rows[2]);
  rewrite(rows);
  const auto problem = verify_log().problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->starts_with("checkpoint of size 5: its root is not the root")) << *problem;
}

TEST_P(AuditLogTest, VerificationNamesEditedTreeNodesAndAnEditedHead) {
  standard_log();
  drop_triggers();
  raw("UPDATE audit_entry SET nodes = " + blob(std::string(32, 'x')) + " WHERE seq = 1");
  EXPECT_EQ(verify_log().problem.value(),
            "entry 1: the tree nodes stored with it are not the ones the entries give");
  raw("UPDATE audit_entry SET nodes = " +
      blob(tlog::bytes_of(
          tlog::node_hash(tlog::leaf_hash(records()[0].encoding), tlog::leaf_hash(records()[1].encoding)))) +
      " WHERE seq = 1");
  EXPECT_FALSE(verify_log().problem.has_value());
  raw("UPDATE audit_head SET size = 11 WHERE id = 1");
  EXPECT_TRUE(verify_log().problem.value().starts_with("the stored head (11 entries)"));
}

TEST_P(AuditLogTest, VerificationNamesARewrittenCheckpoint) {
  standard_log();
  drop_triggers();
  // The stored root changed to match an edited log: the signed note still states the old one.
  raw("UPDATE audit_checkpoint SET root = " + blob(std::string(32, 'r')) + " WHERE size = 5");
  EXPECT_EQ(verify_log().problem.value(),
            "checkpoint of size 5: its signed note states size 5, not the size or root stored with it");
  // A note rewritten without the key: its signature does not verify.
  const std::string note = signer().sign_now().value().note;  // the newest, of size 12
  std::string forged = note;
  forged.replace(forged.find("\n12\n"), 4, "\n11\n");
  raw("DELETE FROM audit_checkpoint WHERE size = 5");
  raw("UPDATE audit_checkpoint SET note = " + quoted(forged) + " WHERE size = 12");
  const auto problem = verify_log().problem.value();
  EXPECT_TRUE(problem.starts_with("checkpoint of size 12: its signature does not verify")) << problem;
}

TEST_P(AuditLogTest, OnlyAHeldCheckpointCatchesACutLogWhoseCheckpointsWereRemovedToo) {
  const std::string held = standard_log();
  auto rows = records();
  rows.resize(9);
  rewrite(rows);
  raw("DELETE FROM audit_checkpoint WHERE size > 9");
  EXPECT_FALSE(verify_log().problem.has_value());  // consistent with itself
  const auto problem = verify_log({held}).problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(*problem, "held checkpoint 1 (size 12): the log has only 9 entries: entries were removed");
}

TEST_P(AuditLogTest, OnlyAHeldCheckpointCatchesALogRewrittenAndSignedAgainWithTheOperatorsKey) {
  const std::string held = standard_log();
  auto rows = records();
  rows[10] = edited(rows[10], [](Entry& e) { e.actor.id = "someone-else"; });
  rewrite(rows);
  raw("DELETE FROM audit_checkpoint");
  ASSERT_EQ(signer().sign_now().value().size, 12U);
  EXPECT_FALSE(verify_log().problem.has_value());
  const auto problem = verify_log({held}).problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->starts_with("held checkpoint 1 (size 12): its root is not the root")) << *problem;
}

TEST_P(AuditLogTest, AHeldCheckpointOfAnotherKeyOrOriginIsNamed) {
  standard_log();
  const tlog::SigningKey stranger = test_key("other.test/log");
  const store::AuditHead head = log().head().value();
  const std::string foreign =
      tlog::sign_note(tlog::checkpoint_text({stranger.name, head.size, head.root}), stranger).value();
  const auto problem = verify_log({foreign}).problem;
  ASSERT_TRUE(problem.has_value());
  EXPECT_TRUE(problem->starts_with("held checkpoint 1: its signature does not verify")) << *problem;
}

TEST_P(AuditLogTest, NoCheckpointIsSignedOverANewestCheckpointTheKeyDidNotSign) {
  standard_log();  // signed checkpoints of 5 and 12 entries
  // An operator rewrites entry 3 with every hash recomputed, adds a 13th entry and stores a checkpoint of
  // the rewritten tree: an INSERT, which the append-only triggers allow, with a note nobody signed.
  auto rows = records();
  rows[3] = edited(rows[3], [](Entry& e) { e.object.id = "4242"; });
  rows.push_back(make_record(entry(12, clock_.now())).value());
  rewrite(rows);
  const tlog::Hash rewritten = log().head().value().root;
  raw("INSERT INTO audit_checkpoint (size, root, signed_ms, note) VALUES (13, " +
      blob(tlog::bytes_of(rewritten)) + ", 0, 'not signed')");
  append(13, 14);
  // Signing now would put the key under a tree that contradicts its checkpoints of 5 and 12 entries.
  const auto refused = signer().sign_now();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::internal);
  EXPECT_TRUE(refused.error().message.starts_with(
      "the audit log's newest checkpoint (size 13) is not signed by this key"))
      << refused.error().message;
  EXPECT_FALSE(signer().sign_if_due().has_value());
  EXPECT_EQ(log().latest_checkpoint().value()->size, 13U);
  // A row that states another root than its genuine note is refused too.
  raw("DELETE FROM audit_checkpoint WHERE size = 13");
  raw("UPDATE audit_checkpoint SET root = " + blob(tlog::bytes_of(rewritten)) + " WHERE size = 12");
  EXPECT_TRUE(signer().sign_now().error().message.ends_with(
      "its signed note does not state the origin, size and root stored with it (run `ssad audit verify`)"));
}

TEST_P(AuditLogTest, ExportFiltersOnWhatTheEntriesSayAndWritesEveryFormat) {
  append(0, 20);
  store::AuditFilter filter;
  filter.object_kind = "registrar";
  filter.object_id = "1002";
  std::string out;
  auto write = [&](std::string_view line) { out += line; };
  EXPECT_EQ(export_entries(log(), filter, ExportFormat::jsonl, write).value(), 4U);  // 2, 7, 12, 17
  EXPECT_NE(out.find("\"seq\":7,"), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 4);
  out.clear();
  store::AuditFilter actions;
  actions.action = "registrar.set";
  actions.actor_kind = "operator";
  EXPECT_EQ(export_entries(log(), actions, ExportFormat::csv, write).value(), 5U);  // 0, 4, 8, 12, 16
  EXPECT_TRUE(out.starts_with(kCsvHeader));
  // A copy kept for searching that lies does not make an entry match.
  drop_triggers();
  raw("UPDATE audit_entry SET object_id = '1002' WHERE seq = 3");
  out.clear();
  EXPECT_EQ(export_entries(log(), filter, ExportFormat::jsonl, write).value(), 4U);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

}  // namespace
}  // namespace ssad::audit
