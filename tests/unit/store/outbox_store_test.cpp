// Contract tests for the notification outbox (store/notification_outbox.hpp): every backend must pass them
// (store_contract.hpp). Then what several senders need: two stores on one database (two nodes) claiming
// at once never claim one notification twice, on both backends; and on PostgreSQL, an audit unit of work
// enqueues while an import holds the store.

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/notification_outbox.hpp"
#include "store/postgres/postgres_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using std::chrono::minutes;
using testing::at;

Notification notification(std::string id, std::string dedupe_key, const char* due = "2026-03-01T00:00:00Z",
                          std::string request_id = "req_1") {
  Notification n;
  n.id = std::move(id);
  n.dedupe_key = std::move(dedupe_key);
  n.channel = NotificationChannel::email;
  n.destination = "analyst@cert.example";
  n.subject = "Request req_1: more information needed";
  n.body = "Your request req_1 needs more information.\nSee the portal.";
  n.request_id = std::move(request_id);
  n.created = at("2026-03-01T00:00:00Z");
  n.due = at(due);
  return n;
}

Notification webhook(std::string id, std::string dedupe_key) {
  Notification n = notification(std::move(id), std::move(dedupe_key));
  n.channel = NotificationChannel::webhook;
  n.destination = "https://hooks.operator.example/ssad";
  n.subject = "request.decided";
  n.body = R"({"type":"request.decided","request":"req_1"})";
  return n;
}

std::vector<std::string> ids_of(const std::vector<Notification>& list) {
  std::vector<std::string> ids;
  for (const auto& n : list) ids.push_back(n.id);
  return ids;
}

class OutboxContract : public StoreContract {
 protected:
  Outbox& outbox() { return store_->outbox(); }

  // Enqueues `list` in one unit of work from begin() and commits it: whether each was added.
  std::vector<bool> enqueued(const std::vector<Notification>& list) {
    auto work = store_->begin().value();
    std::vector<bool> added;
    for (const auto& n : list) {
      const auto result = work->outbox().enqueue(n);
      EXPECT_TRUE(result.has_value()) << n.id << ": " << result.error().message;
      added.push_back(result.value_or(false));
    }
    const auto done = work->commit(at("2026-03-01T00:00:00Z"));
    EXPECT_TRUE(done.has_value()) << done.error().message;
    return added;
  }

  std::vector<Notification> everything() { return outbox().list("", Page{"", 1000}).value(); }
};

TEST_P(OutboxContract, ANotificationReadsBackExactlyAsEnqueued) {
  Notification email = notification("ntf_a", "req_1/rfi/analyst@cert.example");
  email.body = "Grüße — line one\r\n.line starting with a dot\n";
  Notification hook = webhook("ntf_b", "req_1/decided/webhook");
  hook.request_id = "";
  hook.created = at("2026-03-01T00:00:01.234Z");
  EXPECT_EQ(enqueued({email, hook}), (std::vector<bool>{true, true}));
  EXPECT_EQ(everything(), (std::vector<Notification>{email, hook}));
  EXPECT_EQ(outbox().counts().value().waiting, 2U);
}

TEST_P(OutboxContract, ASecondNotificationWithTheSameDedupeKeyIsNotAdded) {
  EXPECT_EQ(enqueued({notification("ntf_a", "deadline/req_1/reviewer")}), std::vector<bool>{true});
  // Another node announcing the same deadline later: nothing is added, and that is no error.
  Notification again = notification("ntf_b", "deadline/req_1/reviewer");
  again.subject = "another text";
  EXPECT_EQ(enqueued({again}), std::vector<bool>{false});
  // The very same notification again: not added either.
  EXPECT_EQ(enqueued({notification("ntf_a", "deadline/req_1/reviewer")}), std::vector<bool>{false});
  const auto all = everything();
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].id, "ntf_a");
  EXPECT_EQ(all[0].subject, "Request req_1: more information needed");
}

TEST_P(OutboxContract, AnIdTakenByAnotherNotificationIsAConflictAndTheUnitOfWorkGoesOn) {
  EXPECT_EQ(enqueued({notification("ntf_a", "key-1")}), std::vector<bool>{true});
  auto work = store_->begin().value();
  const auto taken = work->outbox().enqueue(notification("ntf_a", "key-2"));
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, ErrorCode::conflict);
  EXPECT_EQ(work->outbox().enqueue(notification("ntf_b", "key-2")).value(), true);
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_EQ(ids_of(everything()), (std::vector<std::string>{"ntf_a", "ntf_b"}));
}

TEST_P(OutboxContract, ANotificationWithoutIdDedupeKeyOrDestinationIsRefused) {
  auto work = store_->begin().value();
  Notification no_id = notification("", "key-1");
  Notification no_key = notification("ntf_a", "");
  Notification nowhere = notification("ntf_b", "key-2");
  nowhere.destination.clear();
  for (const auto& n : {no_id, no_key, nowhere}) {
    const auto refused = work->outbox().enqueue(n);
    ASSERT_FALSE(refused.has_value()) << n.id;
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  }
}

TEST_P(OutboxContract, NothingIsVisibleBeforeCommitNorAfterARollback) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->outbox().enqueue(notification("ntf_a", "key-1")).value());
    EXPECT_TRUE(everything().empty());
    // A claim here would wait for this unit of work on SQLite (one writer): PostgreSQL's does not, and
    // sees nothing.
    if (GetParam().is("postgres")) {
      EXPECT_TRUE(outbox().claim(at("2026-03-02T00:00:00Z"), minutes(2), 10).value().empty());
    }
  }  // rolled back
  EXPECT_TRUE(everything().empty());
  const auto counts = outbox().counts().value();
  EXPECT_EQ(counts.waiting + counts.given_up + counts.delivered, 0U);
  // The rolled back key is free again.
  EXPECT_EQ(enqueued({notification("ntf_b", "key-1")}), std::vector<bool>{true});
}

TEST_P(OutboxContract, AnAuditUnitOfWorkEnqueuesWithItsAuditEntryAndNeitherChangesTheRegistrationData) {
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->outbox().enqueue(notification("ntf_a", "key-1")).value());
  AuditRecord entry;
  entry.time = at("2026-03-01T00:00:00Z");
  entry.actor_kind = "requestor";
  entry.actor_id = "usr_a";
  entry.action = "request.submit";
  entry.object_kind = "request";
  entry.object_id = "req_1";
  entry.encoding = "submit req_1";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(ids_of(everything()), std::vector<std::string>{"ntf_a"});
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(OutboxContract, EnqueuesAfterCommitFail) {
  auto work = store_->begin().value();
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  EXPECT_EQ(work->outbox().enqueue(notification("ntf_a", "key-1")).error().code, ErrorCode::internal);
  EXPECT_TRUE(everything().empty());
}

TEST_P(OutboxContract, AClaimTakesTheDueOnesOldestFirstUpToItsLimitAndLeasesThem) {
  enqueued({notification("ntf_c", "k-c", "2026-03-01T00:00:02Z"),
            notification("ntf_b", "k-b", "2026-03-01T00:00:01Z"),
            notification("ntf_a", "k-a", "2026-03-01T00:00:01Z"),
            notification("ntf_d", "k-d", "2026-03-01T00:10:00Z")});
  const Timestamp now = at("2026-03-01T00:05:00Z");
  const auto first = outbox().claim(now, minutes(2), 2).value();
  // Oldest due first, then by id; ntf_d is not due yet.
  ASSERT_EQ(ids_of(first), (std::vector<std::string>{"ntf_a", "ntf_b"}));
  for (const auto& n : first) {
    EXPECT_EQ(n.due, now + minutes(2));
    EXPECT_EQ(n.attempts, 1U);
  }
  EXPECT_EQ(ids_of(outbox().claim(now, minutes(2), 10).value()), std::vector<std::string>{"ntf_c"});
  // Everything due is leased now: nothing more until a lease ends or ntf_d falls due.
  EXPECT_TRUE(outbox().claim(now, minutes(2), 10).value().empty());
  EXPECT_TRUE(
      outbox().claim(now + minutes(2) - std::chrono::milliseconds(1), minutes(2), 10).value().empty());
  // The leases ran out (their sender died): claimed again, the attempt counted.
  const auto again = outbox().claim(now + minutes(2), minutes(2), 10).value();
  EXPECT_EQ(ids_of(again), (std::vector<std::string>{"ntf_a", "ntf_b", "ntf_c"}));
  EXPECT_EQ(again[0].attempts, 2U);
  EXPECT_EQ(outbox().counts().value().waiting, 4U);
  EXPECT_TRUE(outbox().claim(now, minutes(2), 0).value().empty());
}

TEST_P(OutboxContract, ADeliveredNotificationIsNeverClaimedAgain) {
  enqueued({notification("ntf_a", "k-a"), notification("ntf_b", "k-b")});
  const Timestamp now = at("2026-03-01T00:00:00Z");
  ASSERT_EQ(outbox().claim(now, minutes(2), 10).value().size(), 2U);
  ASSERT_TRUE(outbox().delivered("ntf_a", now + std::chrono::seconds(1)).has_value());
  EXPECT_EQ(ids_of(outbox().claim(now + minutes(5), minutes(2), 10).value()),
            std::vector<std::string>{"ntf_b"});
  const auto a = everything()[0];
  EXPECT_EQ(a.delivered, std::optional(now + std::chrono::seconds(1)));
  EXPECT_FALSE(a.given_up.has_value());
  const auto counts = outbox().counts().value();
  EXPECT_EQ(counts.delivered, 1U);
  EXPECT_EQ(counts.waiting, 1U);
  EXPECT_EQ(counts.given_up, 0U);
  EXPECT_EQ(outbox().delivered("ntf_x", now).error().code, ErrorCode::not_found);
}

TEST_P(OutboxContract, AFailedAttemptIsRetriedAtItsTimeAndAGivenUpOneNever) {
  enqueued({notification("ntf_a", "k-a"), notification("ntf_b", "k-b")});
  const Timestamp now = at("2026-03-01T00:00:00Z");
  ASSERT_EQ(outbox().claim(now, minutes(2), 10).value().size(), 2U);
  ASSERT_TRUE(
      outbox().failed("ntf_a", now, "SMTP 451: try later", now + std::chrono::seconds(30)).has_value());
  ASSERT_TRUE(outbox().failed("ntf_b", now, "SMTP 550: no such user", std::nullopt).has_value());

  const auto all = everything();
  EXPECT_EQ(all[0].due, now + std::chrono::seconds(30));
  EXPECT_EQ(all[0].last_error, "SMTP 451: try later");
  EXPECT_FALSE(all[0].given_up.has_value());
  EXPECT_EQ(all[1].given_up, std::optional(now));
  EXPECT_EQ(all[1].last_error, "SMTP 550: no such user");

  EXPECT_TRUE(outbox().claim(now + std::chrono::seconds(29), minutes(2), 10).value().empty());
  const auto retried = outbox().claim(now + std::chrono::seconds(30), minutes(2), 10).value();
  ASSERT_EQ(ids_of(retried), std::vector<std::string>{"ntf_a"});
  EXPECT_EQ(retried[0].attempts, 2U);
  EXPECT_EQ(retried[0].last_error, "SMTP 451: try later");
  EXPECT_TRUE(outbox().claim(at("2027-01-01T00:00:00Z"), minutes(2), 10).value().size() == 1U);  // ntf_a

  const auto counts = outbox().counts().value();
  EXPECT_EQ(counts.waiting, 1U);
  EXPECT_EQ(counts.given_up, 1U);
  EXPECT_EQ(outbox().failed("ntf_x", now, "x", std::nullopt).error().code, ErrorCode::not_found);
}

TEST_P(OutboxContract, ALateFailureDoesNotUndoADelivery) {
  enqueued({notification("ntf_a", "k-a")});
  const Timestamp now = at("2026-03-01T00:00:00Z");
  ASSERT_EQ(outbox().claim(now, minutes(2), 10).value().size(), 1U);
  // Its lease ran out; another sender claimed and delivered it; then the first reports its failure.
  ASSERT_EQ(outbox().claim(now + minutes(2), minutes(2), 10).value().size(), 1U);
  ASSERT_TRUE(outbox().delivered("ntf_a", now + minutes(3)).has_value());
  ASSERT_TRUE(outbox().failed("ntf_a", now + minutes(4), "timed out", std::nullopt).has_value());
  const auto a = everything()[0];
  EXPECT_EQ(a.delivered, std::optional(now + minutes(3)));
  EXPECT_FALSE(a.given_up.has_value());
  EXPECT_EQ(outbox().counts().value().delivered, 1U);
  EXPECT_EQ(outbox().counts().value().given_up, 0U);
}

TEST_P(OutboxContract, ListsPageInCreationOrderAndFilterByRequest) {
  std::vector<Notification> list;
  // Created in an order their ids do not follow; two at the same instant go by id.
  const char* created[] = {"2026-03-01T00:00:03Z", "2026-03-01T00:00:01Z", "2026-03-01T00:00:02Z",
                           "2026-03-01T00:00:01Z", "2026-03-01T00:00:04Z"};
  for (int i = 0; i < 5; ++i) {
    Notification n = notification("ntf_" + std::to_string(i), "k" + std::to_string(i), "2026-03-01T00:00:00Z",
                                  i % 2 == 0 ? "req_even" : "req_odd");
    n.created = at(created[i]);
    list.push_back(n);
  }
  enqueued(list);
  EXPECT_EQ(ids_of(everything()), (std::vector<std::string>{"ntf_1", "ntf_3", "ntf_2", "ntf_0", "ntf_4"}));
  const auto first = outbox().list("", Page{"", 2}).value();
  EXPECT_EQ(ids_of(first), (std::vector<std::string>{"ntf_1", "ntf_3"}));
  const auto second = outbox().list("", Page{first.back().id, 2}).value();
  EXPECT_EQ(ids_of(second), (std::vector<std::string>{"ntf_2", "ntf_0"}));
  EXPECT_EQ(ids_of(outbox().list("", Page{second.back().id, 2}).value()), std::vector<std::string>{"ntf_4"});
  EXPECT_TRUE(outbox().list("", Page{"ntf_4", 2}).value().empty());

  EXPECT_EQ(ids_of(outbox().list("req_even", Page{"", 10}).value()),
            (std::vector<std::string>{"ntf_2", "ntf_0", "ntf_4"}));
  const auto even = outbox().list("req_even", Page{"", 1}).value();
  EXPECT_EQ(ids_of(outbox().list("req_even", Page{even.back().id, 10}).value()),
            (std::vector<std::string>{"ntf_0", "ntf_4"}));
  EXPECT_EQ(ids_of(outbox().list("req_odd", Page{"", 10}).value()),
            (std::vector<std::string>{"ntf_1", "ntf_3"}));
  EXPECT_TRUE(outbox().list("req_none", Page{"", 10}).value().empty());
}

// Two nodes (two stores on one database) and several senders on each claim at once: every notification
// is claimed exactly once.
TEST_P(OutboxContract, SendersOnTwoNodesNeverClaimTheSameNotification) {
  constexpr int kNotifications = 200;
  std::vector<Notification> list;
  for (int i = 0; i < kNotifications; ++i) {
    list.push_back(notification("ntf_" + std::to_string(1000 + i), "k" + std::to_string(i)));
  }
  enqueued(list);
  auto other = GetParam().open(place_);
  std::mutex mutex;
  std::vector<std::string> claimed;
  std::vector<std::string> errors;
  std::vector<std::thread> senders;
  for (int s = 0; s < 4; ++s) {
    Outbox& outbox = s % 2 == 0 ? store_->outbox() : other->outbox();
    senders.emplace_back([&] {
      for (;;) {
        auto batch = outbox.claim(at("2026-03-01T00:00:00Z"), minutes(2), 7);
        const std::lock_guard lock(mutex);
        if (!batch) {
          errors.push_back(batch.error().message);
          return;
        }
        if (batch->empty()) return;
        for (const auto& n : *batch) claimed.push_back(n.id);
      }
    });
  }
  for (auto& sender : senders) sender.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(claimed.size(), std::size_t{kNotifications});
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), std::size_t{kNotifications});
  for (const auto& n : everything()) EXPECT_EQ(n.attempts, 1U) << n.id;
}

TEST_P(OutboxContract, AUnitOfWorkThatRolledBackLeavesItsKeyToTheNextAndOneThatCommittedKeepsIt) {
  // Two nodes announce one event: the first commits, the second's enqueue is then no addition.
  auto other = GetParam().open(place_);
  {
    auto first = store_->begin_audit().value();
    ASSERT_TRUE(first->outbox().enqueue(notification("ntf_a", "deadline/req_1")).value());
    ASSERT_TRUE(first->commit(at("2026-03-01T00:00:00Z")).has_value());
  }
  {
    auto second = other->begin_audit().value();
    EXPECT_FALSE(second->outbox().enqueue(notification("ntf_b", "deadline/req_1")).value());
    ASSERT_TRUE(second->commit(at("2026-03-01T00:00:00Z")).has_value());
  }
  EXPECT_EQ(ids_of(everything()), std::vector<std::string>{"ntf_a"});
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxContract, ::testing::ValuesIn(backends()), backend_name);

// An import holds the store's write lock from begin() to its commit. Notifications enqueued by an audit unit
// of work (a request's change) do not wait for it.
TEST(OutboxPostgresTest, AnAuditUnitOfWorkEnqueuesWhileAnImportHoldsTheStore) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto import = store->begin().value();
  ASSERT_TRUE(
      import->registrations().put_registrar(ssad::testing::sample_registrar("registrarI", 77)).has_value());
  auto work = store->begin_audit().value();
  ASSERT_TRUE(work->outbox().enqueue(notification("ntf_a", "key-1")).value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(store->outbox().list("", Page{}).value().size(), 1U);
  ASSERT_TRUE(import->commit(at("2026-03-02T00:00:00Z")).has_value());
}

// On PostgreSQL a dedupe key another unit of work holds uncommitted waits for it: when that one rolls
// back, the waiting enqueue adds its notification.
TEST(OutboxPostgresTest, AnEnqueueWaitingForARolledBackKeyAddsItsNotification) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto first = store->begin_audit().value();
  ASSERT_TRUE(first->outbox().enqueue(notification("ntf_a", "key-1")).value());
  Result<bool> added = false;
  std::thread second([&] {
    auto work = store->begin_audit().value();
    added = work->outbox().enqueue(notification("ntf_b", "key-1"));
    if (added) (void)work->commit(at("2026-03-01T00:00:00Z"));
  });
  // The second enqueue is waiting for the first's row lock once the server says so (a bounded poll: no
  // event announces a lock wait).
  bool waiting = false;
  for (int i = 0; i < 1000 && !waiting; ++i) {
    waiting = ssad::testing::PostgresSchema::query_value(
                  schema.admin_url(),
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE "
                  "'INSERT INTO notification%'") != "0";
  }
  EXPECT_TRUE(waiting);
  first.reset();  // rolled back
  second.join();
  ASSERT_TRUE(added.has_value()) << added.error().message;
  EXPECT_TRUE(*added);
  EXPECT_EQ(ids_of(store->outbox().list("", Page{}).value()), std::vector<std::string>{"ntf_b"});
}

}  // namespace
}  // namespace ssad::store
