// Contract tests for disclosure requests (store/request_store.hpp): every backend must pass them
// (store_contract.hpp). Then what only one backend has: PostgreSQL's units of work from begin_audit()
// writing requests while an import holds the store, two units of work racing for one request, and both
// backends' upgrade of a database of the schema before.

#include "store/request_store.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/embedded.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/request_document.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "support/request_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> postgres_migrations();
}

namespace ssad::model {
// A failing comparison shows the requests as their documents.
void PrintTo(const DisclosureRequest& request, std::ostream* out) {
  *out << store::request_document::encode(request);
}
}  // namespace ssad::model

namespace ssad::store {
namespace {

using model::DisclosureRequest;
using model::FieldState;
using model::RequestStatus;
using testing::at;
using testing::full_attachments;
using testing::full_request;
using testing::minimal_request;
using testing::reviewer;
using Ids = std::vector<std::string>;
using Order = RequestFilter::Order;
using Attachments = std::vector<std::optional<model::Attachment>>;

// `r` as the store gives it back after `saves` saves (add_request stores version 1).
DisclosureRequest stored(DisclosureRequest r, std::uint64_t version = 1) {
  r.version = version;
  return r;
}

Ids ids_of(const std::vector<DisclosureRequest>& requests) {
  Ids ids;
  for (const auto& r : requests) ids.push_back(r.id);
  return ids;
}

void expect_error(const auto& result, ErrorCode code, std::string_view names) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(names), std::string::npos) << result.error().message;
}

class RequestStoreContract : public StoreContract {
 protected:
  RequestReader& requests() { return store_->requests(); }

  // Runs `write` in one unit of work from begin() and commits it.
  template <class Write>
  void committed(Write write) {
    auto work = store_->begin().value();
    write(work->requests());
    const auto done = work->commit(at("2026-04-01T00:00:00Z"));
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  void add(const std::vector<DisclosureRequest>& all) {
    committed([&](RequestWriter& w) {
      for (const auto& r : all) {
        const auto added = w.add_request(r, Attachments(r.evidence.size()));
        ASSERT_TRUE(added.has_value()) << r.id << ": " << added.error().message;
      }
    });
  }

  Ids list(const RequestFilter& filter, std::size_t limit = 100) {
    return ids_of(requests().requests(filter, {.after = "", .limit = limit}).value());
  }

  // Every request `filter` selects, read `page_size` at a time, each page after the last one's cursor.
  Ids all_pages(const RequestFilter& filter, std::size_t page_size) {
    Ids ids;
    Page page{.after = "", .limit = page_size};
    for (int pages = 0; pages < 100; ++pages) {
      const auto found = requests().requests(filter, page).value();
      for (const auto& r : found) ids.push_back(r.id);
      if (found.size() < page_size) return ids;
      page.after = cursor_of(found.back(), filter.order);
    }
    ADD_FAILURE() << "more than 100 pages";
    return ids;
  }
};

TEST_P(RequestStoreContract, AFullyPopulatedAndAMinimalRequestReadBackExactlyAsAdded) {
  const DisclosureRequest full = full_request("req_full");
  const DisclosureRequest minimal = minimal_request("req_minimal");
  committed([&](RequestWriter& w) {
    ASSERT_TRUE(w.add_request(full, full_attachments()).has_value());
    ASSERT_TRUE(w.add_request(minimal, Attachments{}).has_value());
  });
  EXPECT_EQ(requests().request("req_full").value(), stored(full));
  EXPECT_EQ(requests().request("req_minimal").value(), stored(minimal));
  // Lists and reads for update read the same values.
  EXPECT_EQ(requests().requests({}, {}).value(), (std::vector{stored(minimal), stored(full)}));
  auto work = store_->begin().value();
  EXPECT_EQ(work->requests().request_for_update("req_full").value(), stored(full));
}

TEST_P(RequestStoreContract, UnknownIdsAreNotFound) {
  add({minimal_request("req_a")});
  expect_error(requests().request("req_b"), ErrorCode::not_found, "req_b");
  auto work = store_->begin().value();
  expect_error(work->requests().request_for_update("req_b"), ErrorCode::not_found, "req_b");
  expect_error(work->requests().save_request(stored(minimal_request("req_b"))), ErrorCode::not_found,
               "req_b");
}

TEST_P(RequestStoreContract, ADuplicateIdIsAConflictAndTheUnitOfWorkGoesOn) {
  add({minimal_request("req_a")});
  auto work = store_->begin().value();
  RequestWriter& w = work->requests();
  DisclosureRequest again = minimal_request("req_a");
  again.domain = "other.example";
  expect_error(w.add_request(again, Attachments{}), ErrorCode::conflict, "req_a");
  ASSERT_TRUE(w.add_request(minimal_request("req_b"), Attachments{}).has_value());
  expect_error(w.add_request(minimal_request("req_b"), Attachments{}), ErrorCode::conflict, "req_b");
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());

  EXPECT_EQ(requests().request("req_a").value().domain, "example.com");
  EXPECT_EQ(list({}), (Ids{"req_b", "req_a"}));
}

TEST_P(RequestStoreContract, ANewRequestHasVersionZeroAndOneAttachmentEntryPerItemOfEvidence) {
  auto work = store_->begin().value();
  RequestWriter& w = work->requests();
  DisclosureRequest versioned = minimal_request("req_versioned");
  versioned.version = 3;
  expect_error(w.add_request(versioned, Attachments{}), ErrorCode::invalid_input, "req_versioned");

  const DisclosureRequest full = full_request("req_full");
  expect_error(w.add_request(full, {}), ErrorCode::invalid_input, "req_full");
  Attachments missing = full_attachments();
  missing[2].reset();
  expect_error(w.add_request(full, missing), ErrorCode::invalid_input, "evidence 2");
  Attachments extra = full_attachments();
  extra[1] = model::Attachment{"text/plain", "x"};
  expect_error(w.add_request(full, extra), ErrorCode::invalid_input, "evidence 1");
  Attachments other_type = full_attachments();
  other_type[0]->media_type = "text/html";
  expect_error(w.add_request(full, other_type), ErrorCode::invalid_input, "evidence 0");
  Attachments other_size = full_attachments();
  other_size[2]->bytes += "!";
  expect_error(w.add_request(full, other_size), ErrorCode::invalid_input, "evidence 2");
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  EXPECT_EQ(requests().count({}).value(), 0U);
}

TEST_P(RequestStoreContract, AttachmentsReadBackByItemAndAnItemWithoutOneIsNotFound) {
  committed(
      [](RequestWriter& w) { ASSERT_TRUE(w.add_request(full_request("req_full"), full_attachments())); });
  const Attachments expected = full_attachments();
  EXPECT_EQ(requests().attachment("req_full", 0).value(), *expected[0]);
  EXPECT_EQ(requests().attachment("req_full", 2).value(), *expected[2]);
  expect_error(requests().attachment("req_full", 1), ErrorCode::not_found, "req_full");
  expect_error(requests().attachment("req_full", 3), ErrorCode::not_found, "req_full");
  expect_error(requests().attachment("req_missing", 0), ErrorCode::not_found, "req_missing");

  // A save leaves them as they were.
  committed([](RequestWriter& w) {
    DisclosureRequest r = w.request_for_update("req_full").value();
    r.evidence.clear();
    ASSERT_TRUE(w.save_request(r).has_value());
  });
  EXPECT_EQ(requests().attachment("req_full", 0).value(), *expected[0]);
}

// Eight requests that differ in every member a filter names.
class RequestFilterContract : public RequestStoreContract {
 protected:
  void SetUp() override {
    RequestStoreContract::SetUp();
    auto make = [](const char* id, const char* org, const char* user, RequestStatus status,
                   const char* created) {
      DisclosureRequest r = minimal_request(id);
      r.org_id = org;
      r.user_id = user;
      r.status = status;
      r.created = at(created);
      return r;
    };
    DisclosureRequest a = make("req_a", "org_1", "usr_1", RequestStatus::pending, "2026-03-01T00:00:00Z");
    a.clock.deadline = at("2026-03-10T00:00:00Z");
    DisclosureRequest b = make("req_b", "org_1", "usr_2", RequestStatus::in_review, "2026-03-02T00:00:00Z");
    b.reviewer_id = "usr_rev1";
    b.domain = "other.example";
    b.clock.deadline = at("2026-03-05T00:00:00Z");
    DisclosureRequest c =
        make("req_c", "org_2", "usr_3", RequestStatus::awaiting_information, "2026-03-03T00:00:00Z");
    c.reviewer_id = "usr_rev2";
    c.purpose = "law_enforcement";
    c.priority = "P1";
    c.clock.deadline = at("2026-03-04T00:00:00Z");
    // Decided with a disclosed field, due for destruction on 1 April, not confirmed: overdue after then.
    DisclosureRequest d = make("req_d", "org_2", "usr_3", RequestStatus::decided, "2026-03-04T00:00:00Z");
    d.reviewer_id = "usr_rev1";
    d.fields[0].state = FieldState::disclosed;
    d.retention_due = at("2026-04-01T00:00:00Z");
    // The same, but the requestor confirmed the destruction.
    DisclosureRequest e = make("req_e", "org_1", "usr_1", RequestStatus::decided, "2026-03-05T00:00:00Z");
    e.fields[0].state = FieldState::disclosed;
    e.retention_due = at("2026-03-20T00:00:00Z");
    e.destruction_confirmed = at("2026-03-19T00:00:00Z");
    // Refused: nothing disclosed, so nothing to destroy whatever its retention says.
    DisclosureRequest f = make("req_f", "org_1", "usr_2", RequestStatus::decided, "2026-03-06T00:00:00Z");
    f.fields[0].state = FieldState::refused;
    f.retention_due = at("2026-03-20T00:00:00Z");
    DisclosureRequest g = make("req_g", "org_3", "usr_4", RequestStatus::cancelled, "2026-03-07T00:00:00Z");
    g.purpose = "law_enforcement";
    // Overdue since 15 March.
    DisclosureRequest h = make("req_h", "org_1", "usr_1", RequestStatus::decided, "2026-03-08T00:00:00Z");
    h.fields.push_back({.key = "registrant.name", .why = "to name", .state = FieldState::disclosed});
    h.retention_due = at("2026-03-15T00:00:00Z");
    h.priority = "P1";
    add({a, b, c, d, e, f, g, h});
  }

  // The filter's list, and its count, which must agree.
  Ids selected(RequestFilter filter) {
    const Ids ids = list(filter);
    EXPECT_EQ(requests().count(filter).value(), ids.size());
    filter.order = Order::deadline_first;
    EXPECT_EQ(requests().count(filter).value(), ids.size());
    return ids;
  }
};

TEST_P(RequestFilterContract, EachMemberOfAFilterSelectsAlone) {
  EXPECT_EQ(selected({}), (Ids{"req_h", "req_g", "req_f", "req_e", "req_d", "req_c", "req_b", "req_a"}));
  EXPECT_EQ(selected({.org_id = "org_1"}), (Ids{"req_h", "req_f", "req_e", "req_b", "req_a"}));
  EXPECT_EQ(selected({.org_id = "org_missing"}), Ids{});
  EXPECT_EQ(selected({.user_id = "usr_3"}), (Ids{"req_d", "req_c"}));
  EXPECT_EQ(selected({.reviewer_id = "usr_rev1"}), (Ids{"req_d", "req_b"}));
  EXPECT_EQ(selected({.statuses = {RequestStatus::decided}}), (Ids{"req_h", "req_f", "req_e", "req_d"}));
  EXPECT_EQ(selected({.statuses = {RequestStatus::pending, RequestStatus::in_review,
                                   RequestStatus::awaiting_information}}),
            (Ids{"req_c", "req_b", "req_a"}));
  EXPECT_EQ(selected({.domain = "other.example"}), (Ids{"req_b"}));
  EXPECT_EQ(selected({.purpose = "law_enforcement"}), (Ids{"req_g", "req_c"}));
  EXPECT_EQ(selected({.priority = "P1"}), (Ids{"req_h", "req_c"}));
  EXPECT_EQ(selected({.created_from = at("2026-03-07T00:00:00Z")}), (Ids{"req_h", "req_g"}));
  EXPECT_EQ(selected({.created_before = at("2026-03-02T00:00:00Z")}), (Ids{"req_a"}));
  EXPECT_EQ(selected({.deadline_before = at("2026-03-05T00:00:00Z")}), (Ids{"req_c"}));
  EXPECT_EQ(selected({.deadline_before = at("2026-03-05T00:00:00.001Z")}), (Ids{"req_c", "req_b"}));
  EXPECT_EQ(selected({.retention_overdue_at = at("2026-03-15T00:00:00Z")}), Ids{});
  EXPECT_EQ(selected({.retention_overdue_at = at("2026-03-15T00:00:00.001Z")}), (Ids{"req_h"}));
  EXPECT_EQ(selected({.retention_overdue_at = at("2026-06-01T00:00:00Z")}), (Ids{"req_h", "req_d"}));
}

TEST_P(RequestFilterContract, EveryConditionOfAFilterMustHold) {
  EXPECT_EQ(selected({.org_id = "org_1", .user_id = "usr_1"}), (Ids{"req_h", "req_e", "req_a"}));
  EXPECT_EQ(selected({.org_id = "org_1", .user_id = "usr_3"}), Ids{});
  EXPECT_EQ(selected({.org_id = "org_2", .reviewer_id = "usr_rev1", .statuses = {RequestStatus::decided}}),
            (Ids{"req_d"}));
  EXPECT_EQ(selected({.statuses = {RequestStatus::decided}, .priority = "P1"}), (Ids{"req_h"}));
  EXPECT_EQ(selected({.purpose = "law_enforcement",
                      .created_from = at("2026-03-01T00:00:00Z"),
                      .created_before = at("2026-03-07T00:00:00Z")}),
            (Ids{"req_c"}));
  EXPECT_EQ(selected({.org_id = "org_1",
                      .user_id = "usr_1",
                      .statuses = {RequestStatus::decided, RequestStatus::pending},
                      .domain = "example.com",
                      .purpose = "cybersecurity",
                      .priority = "P1",
                      .created_from = at("2026-03-08T00:00:00Z"),
                      .created_before = at("2026-03-09T00:00:00Z"),
                      .retention_overdue_at = at("2026-04-01T00:00:00Z")}),
            (Ids{"req_h"}));
  EXPECT_EQ(
      selected({.org_id = "org_1", .domain = "other.example", .deadline_before = at("2026-03-06T00:00:00Z")}),
      (Ids{"req_b"}));
  // The review queue: open requests, soonest deadline first, those without one last.
  EXPECT_EQ(list({.statuses = {RequestStatus::pending, RequestStatus::in_review,
                               RequestStatus::awaiting_information},
                  .order = Order::deadline_first}),
            (Ids{"req_c", "req_b", "req_a"}));
  EXPECT_EQ(list({.org_id = "org_1", .order = Order::deadline_first}),
            (Ids{"req_b", "req_a", "req_e", "req_f", "req_h"}));
}

// Requests created in the same millisecond and due at the same deadline, and some without a deadline:
// paged one to four at a time, each order gives every request once, in its order.
TEST_P(RequestStoreContract, BothOrdersPageAcrossSeveralPagesThroughTiesAndMissingDeadlines) {
  struct Row {
    const char* id;
    const char* created;
    std::optional<const char*> deadline;
  };
  const std::vector<Row> rows = {
      {"req_1", "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z"},
      {"req_2", "2026-03-02T00:00:00Z", std::nullopt},
      {"req_3", "2026-03-02T00:00:00Z", "2026-03-08T00:00:00Z"},
      {"req_4", "2026-03-02T00:00:00Z", "2026-03-10T00:00:00Z"},
      {"req_5", "2026-03-03T00:00:00Z", std::nullopt},
      {"req_6", "2026-03-01T00:00:00Z", "2026-03-10T00:00:00Z"},
      {"req_7", "2026-03-04T00:00:00Z", std::nullopt},
      {"req_8", "2026-02-28T00:00:00Z", "2026-03-08T00:00:00Z"},
      {"req_9", "2026-03-02T00:00:00Z", "2026-03-07T00:00:00Z"},
      {"req_A", "2026-03-02T00:00:00Z", "2026-03-10T00:00:00Z"},  // "A" < "_" < "a": byte order
      {"req_a", "2026-03-02T00:00:00Z", std::nullopt},
  };
  std::vector<DisclosureRequest> all;
  for (const Row& row : rows) {
    DisclosureRequest r = minimal_request(row.id);
    r.created = at(row.created);
    if (row.deadline) r.clock.deadline = at(*row.deadline);
    all.push_back(r);
  }
  add(all);
  const Ids newest = {"req_7", "req_5", "req_a", "req_A", "req_9", "req_4",
                      "req_3", "req_2", "req_6", "req_1", "req_8"};
  const Ids soonest = {"req_9", "req_3", "req_8", "req_1", "req_4", "req_6",
                       "req_A", "req_2", "req_5", "req_7", "req_a"};
  for (std::size_t size = 1; size <= 4; ++size) {
    EXPECT_EQ(all_pages({.order = Order::newest_first}, size), newest) << size;
    EXPECT_EQ(all_pages({.order = Order::deadline_first}, size), soonest) << size;
  }
  // With a filter, from a cursor.
  const RequestFilter march_2 = {.created_from = at("2026-03-02T00:00:00Z"),
                                 .created_before = at("2026-03-03T00:00:00Z"),
                                 .order = Order::deadline_first};
  EXPECT_EQ(all_pages(march_2, 2), (Ids{"req_9", "req_3", "req_4", "req_A", "req_2", "req_a"}));
  const auto first = requests().requests(march_2, {.after = "", .limit = 5}).value();
  EXPECT_EQ(ids_of(requests().requests(march_2, {.after = cursor_of(first.back(), march_2.order)}).value()),
            (Ids{"req_a"}));
  EXPECT_TRUE(requests().requests({}, {.after = "", .limit = 0}).value().empty());
}

TEST_P(RequestStoreContract, ACursorNotMadeForTheListsOrderIsInvalidInput) {
  add({minimal_request("req_a"), minimal_request("req_b")});
  const DisclosureRequest a = requests().request("req_a").value();
  const std::string newest = cursor_of(a, Order::newest_first);
  const std::string soonest = cursor_of(a, Order::deadline_first);
  EXPECT_TRUE(requests().requests({.order = Order::newest_first}, {.after = newest}).has_value());
  EXPECT_TRUE(requests().requests({.order = Order::deadline_first}, {.after = soonest}).has_value());
  expect_error(requests().requests({.order = Order::deadline_first}, {.after = newest}),
               ErrorCode::invalid_input, "cursor");
  expect_error(requests().requests({.order = Order::newest_first}, {.after = soonest}),
               ErrorCode::invalid_input, "cursor");
  for (const char* bad :
       {"req_a", "n", "n.", "n.1", "n.1.", "n.x.req_a", "n.-.req_a", "n.1x.req_a", "x.1.req_a", "d..req_a",
        "d.--.req_a", "n. 1.req_a", "n.99999999999999999999.req_a"}) {
    expect_error(requests().requests({}, {.after = bad}), ErrorCode::invalid_input, "cursor");
    expect_error(requests().requests({.order = Order::deadline_first}, {.after = bad}),
                 ErrorCode::invalid_input, "cursor");
  }
}

TEST_P(RequestStoreContract, ForEachVisitsEveryRequestOfTheFilterInOrderAcrossPagesAndStopsWhenAsked) {
  // More than for_each reads per page, so that it reads several.
  std::vector<DisclosureRequest> all;
  Ids newest;
  for (int i = 0; i < 230; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "req_%03d", i);
    DisclosureRequest r = minimal_request(id);
    r.created = at("2026-03-01T00:00:00Z") + std::chrono::minutes(i / 3);  // three to a minute
    r.org_id = i % 2 == 0 ? "org_even" : "org_odd";
    all.push_back(r);
    if (i % 2 == 0) newest.insert(newest.begin(), id);
  }
  add(all);

  Ids visited;
  ASSERT_TRUE(requests()
                  .for_each({.org_id = "org_even"},
                            [&](const DisclosureRequest& r) {
                              visited.push_back(r.id);
                              return true;
                            })
                  .has_value());
  EXPECT_EQ(visited, newest);
  EXPECT_EQ(requests().count({.org_id = "org_even"}).value(), 115U);

  visited.clear();
  ASSERT_TRUE(requests()
                  .for_each({},
                            [&](const DisclosureRequest& r) {
                              visited.push_back(r.id);
                              return visited.size() < 150;
                            })
                  .has_value());
  ASSERT_EQ(visited.size(), 150U);
  EXPECT_EQ(visited.front(), "req_229");
  EXPECT_EQ(visited.back(), "req_080");

  // The store is free while the caller works: a unit of work begins and commits inside the visit.
  int seen = 0;
  ASSERT_TRUE(requests()
                  .for_each({.org_id = "org_odd"},
                            [&](const DisclosureRequest&) {
                              if (++seen == 1) add({minimal_request("req_new")});
                              return true;
                            })
                  .has_value());
  EXPECT_EQ(seen, 115);
  EXPECT_EQ(requests().count({}).value(), 231U);
}

TEST_P(RequestStoreContract, ASaveIncrementsTheVersionAndAStaleSaveIsAConflict) {
  add({minimal_request("req_a")});
  const DisclosureRequest read = requests().request("req_a").value();
  ASSERT_EQ(read.version, 1U);

  DisclosureRequest claimed = read;
  claimed.status = RequestStatus::in_review;
  claimed.reviewer_id = "usr_rev1";
  committed([&](RequestWriter& w) { ASSERT_TRUE(w.save_request(claimed).has_value()); });
  EXPECT_EQ(requests().request("req_a").value(), stored(claimed, 2));

  // Someone who read version 1 saves after that: refused, and the stored request is unchanged.
  DisclosureRequest cancelled = read;
  cancelled.status = RequestStatus::cancelled;
  auto work = store_->begin().value();
  expect_error(work->requests().save_request(cancelled), ErrorCode::conflict, "req_a");
  // The unit of work goes on.
  ASSERT_TRUE(work->requests().save_request(stored(claimed, 2)).has_value());
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  EXPECT_EQ(requests().request("req_a").value(), stored(claimed, 3));
}

TEST_P(RequestStoreContract, ARequestReadForUpdateIsSavedInTheSameUnitOfWorkAndItsListsFollow) {
  DisclosureRequest request = minimal_request("req_a");
  request.clock.deadline = at("2026-03-10T00:00:00Z");
  add({request});
  auto work = store_->begin().value();
  DisclosureRequest r = work->requests().request_for_update("req_a").value();
  r.status = RequestStatus::decided;
  r.reviewer_id = "usr_rev1";
  r.fields[0].state = FieldState::disclosed;
  r.retention_due = at("2026-04-01T00:00:00Z");
  r.clock.deadline.reset();
  r.history.push_back(
      {at("2026-03-05T00:00:00Z"), reviewer("usr_rev1"), "field_decided", RequestStatus::decided, ""});
  ASSERT_TRUE(work->requests().save_request(r).has_value());
  // Read again within the unit of work: its own save, at the next version.
  EXPECT_EQ(work->requests().request_for_update("req_a").value(), stored(r, 2));
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());

  EXPECT_EQ(requests().request("req_a").value(), stored(r, 2));
  EXPECT_EQ(list({.statuses = {RequestStatus::pending}}), Ids{});
  EXPECT_EQ(list({.reviewer_id = "usr_rev1", .statuses = {RequestStatus::decided}}), (Ids{"req_a"}));
  EXPECT_EQ(list({.deadline_before = at("2026-12-01T00:00:00Z")}), Ids{});
  EXPECT_EQ(list({.retention_overdue_at = at("2026-04-02T00:00:00Z")}), (Ids{"req_a"}));

  // The requestor confirms the destruction: no longer overdue.
  committed([](RequestWriter& w) {
    DisclosureRequest confirmed = w.request_for_update("req_a").value();
    confirmed.destruction_confirmed = at("2026-04-02T00:00:00Z");
    ASSERT_TRUE(w.save_request(confirmed).has_value());
  });
  EXPECT_EQ(list({.retention_overdue_at = at("2026-04-03T00:00:00Z")}), Ids{});
  EXPECT_EQ(requests().request("req_a").value().version, 3U);
}

TEST_P(RequestStoreContract, NothingIsVisibleBeforeCommitNorAfterARollback) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->requests().add_request(full_request("req_a"), full_attachments()).has_value());
    EXPECT_EQ(requests().request("req_a").error().code, ErrorCode::not_found);
    EXPECT_EQ(requests().count({}).value(), 0U);
  }  // destroyed without commit
  EXPECT_EQ(requests().request("req_a").error().code, ErrorCode::not_found);
  EXPECT_EQ(requests().attachment("req_a", 0).error().code, ErrorCode::not_found);

  add({minimal_request("req_b")});
  {
    auto work = store_->begin_audit().value();
    DisclosureRequest r = work->requests().request_for_update("req_b").value();
    r.status = RequestStatus::cancelled;
    ASSERT_TRUE(work->requests().save_request(r).has_value());
    EXPECT_EQ(requests().request("req_b").value(), stored(minimal_request("req_b")));
  }
  EXPECT_EQ(requests().request("req_b").value(), stored(minimal_request("req_b")));
  // The same id may be added again after a rollback.
  committed([](RequestWriter& w) { ASSERT_TRUE(w.add_request(full_request("req_a"), full_attachments())); });
  EXPECT_EQ(requests().request("req_a").value(), stored(full_request("req_a")));
}

TEST_P(RequestStoreContract, AnAuditUnitOfWorkCommitsRequestsWithItsAuditEntryAndNoChangeOfTheData) {
  add({minimal_request("req_a")});
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->requests().add_request(minimal_request("req_b"), Attachments{}).has_value());
  DisclosureRequest r = work->requests().request_for_update("req_a").value();
  r.status = RequestStatus::in_review;
  ASSERT_TRUE(work->requests().save_request(r).has_value());
  AuditRecord entry;
  entry.time = at("2026-03-01T00:00:00Z");
  entry.actor_kind = "reviewer";
  entry.actor_id = "usr_rev1";
  entry.action = "request.claim";
  entry.object_kind = "request";
  entry.object_id = "req_a";
  entry.encoding = "claim req_a";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;

  EXPECT_EQ(requests().request("req_a").value().status, RequestStatus::in_review);
  EXPECT_EQ(requests().request("req_b").value().version, 1U);
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(RequestStoreContract, WritesAfterCommitFail) {
  auto work = store_->begin().value();
  ASSERT_TRUE(work->requests().add_request(minimal_request("req_a"), Attachments{}).has_value());
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  EXPECT_EQ(work->requests().add_request(minimal_request("req_b"), Attachments{}).error().code,
            ErrorCode::internal);
  EXPECT_EQ(work->requests().request_for_update("req_a").error().code, ErrorCode::internal);
  EXPECT_EQ(work->requests().save_request(stored(minimal_request("req_a"))).error().code,
            ErrorCode::internal);
  EXPECT_EQ(requests().request("req_b").error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestStoreContract, ::testing::ValuesIn(backends()), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, RequestFilterContract, ::testing::ValuesIn(backends()), backend_name);

// A request changed behind the store's back (or by a newer binary) is refused, naming it, not misread.
TEST(RequestStoreSqliteTest, ADocumentChangedBehindTheStoresBackIsAnInternalErrorNamingTheRequest) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("store.db");
  auto store = sqlite::open_sqlite_store(path).value();
  auto work = store->begin().value();
  ASSERT_TRUE(work->requests().add_request(minimal_request("req_a"), Attachments{}).has_value());
  ASSERT_TRUE(work->requests().add_request(minimal_request("req_b"), Attachments{}).has_value());
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  {
    auto db = sqlite::Database::open(path, false).value();
    ASSERT_TRUE(
        db->exec("UPDATE disclosure_request SET document = json_set(document, '$.v', 2) WHERE id = 'req_a'"));
    ASSERT_TRUE(
        db->exec("UPDATE disclosure_request SET document = json_remove(document, '$.fields[0].state') "
                 "WHERE id = 'req_b'"));
  }
  expect_error(store->requests().request("req_a"), ErrorCode::internal, "req_a");
  EXPECT_NE(store->requests().request("req_a").error().message.find("version 2"), std::string::npos);
  expect_error(store->requests().request("req_b"), ErrorCode::internal, "fields[0].state");
  expect_error(store->requests().requests({}, {}), ErrorCode::internal, "req_b");
}

// An import holds the store's write lock from begin() to its commit (minutes, for a large deposit). A
// reviewer's decision must not wait for it: a unit of work from begin_audit() takes no lock but the audit
// head's and the rows' it changes, so this one commits while the import is still open.
TEST(RequestStorePostgresTest, AnAuditUnitOfWorkWritesRequestsWhileAnImportHoldsTheStore) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  {
    auto work = store->begin().value();
    ASSERT_TRUE(work->requests().add_request(minimal_request("req_a"), Attachments{}).has_value());
    ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  }
  auto import = store->begin().value();
  ASSERT_TRUE(
      import->registrations().put_registrar(ssad::testing::sample_registrar("registrarI", 77)).has_value());

  auto work = store->begin_audit().value();
  ASSERT_TRUE(work->requests().add_request(full_request("req_b"), full_attachments()).has_value());
  DisclosureRequest r = work->requests().request_for_update("req_a").value();
  r.status = RequestStatus::in_review;
  ASSERT_TRUE(work->requests().save_request(r).has_value());
  AuditRecord entry;
  entry.time = at("2026-03-01T00:00:00Z");
  entry.actor_kind = "reviewer";
  entry.actor_id = "usr_rev1";
  entry.action = "request.claim";
  entry.object_kind = "request";
  entry.object_id = "req_a";
  entry.encoding = "claim req_a";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(store->requests().request("req_a").value().status, RequestStatus::in_review);
  EXPECT_EQ(store->requests().request("req_b").value(), stored(full_request("req_b")));
  EXPECT_EQ(store->registrations().find_registrar("registrarI").error().code, ErrorCode::not_found);

  ASSERT_TRUE(import->commit(at("2026-03-02T00:00:00Z")).has_value());
  EXPECT_EQ(store->registrations().find_registrar("registrarI").value().iana_id, 77);
}

// Two reviewers (on two nodes, say) claim one request at once: the second's read for update waits for the
// first's unit of work to end, then reads what it saved, so that its own save builds on it rather than
// failing or overwriting it.
TEST(RequestStorePostgresTest, TwoUnitsOfWorkReadingOneRequestForUpdateTakeTurns) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  {
    auto work = store->begin().value();
    ASSERT_TRUE(work->requests().add_request(minimal_request("req_a"), Attachments{}).has_value());
    ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  }
  auto first = store->begin_audit().value();
  DisclosureRequest mine = first->requests().request_for_update("req_a").value();
  ASSERT_EQ(mine.version, 1U);

  std::optional<Result<DisclosureRequest>> second_read;
  std::atomic<bool> second_has_read = false;
  Result<void> second_saved;
  std::thread second([&] {
    auto work = store->begin_audit().value();
    second_read = work->requests().request_for_update("req_a");
    second_has_read = true;
    if (!second_read->has_value()) return;
    DisclosureRequest theirs = **second_read;
    theirs.messages.push_back({at("2026-03-02T00:00:00Z"), reviewer("usr_rev2"), "second", false});
    second_saved = work->requests().save_request(theirs);
    if (second_saved) second_saved = work->commit(at("2026-03-02T00:00:00Z"));
  });
  // Until the second waits for the first's row lock (a lock on the table's row it holds while it waits for
  // the first's transaction): asked of the server, not timed.
  const std::string waiting =
      "SELECT count(*) FROM pg_locks t JOIN pg_locks w ON w.pid = t.pid AND NOT w.granted "
      "WHERE t.locktype = 'tuple' AND t.relation = 'disclosure_request'::regclass";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  bool waits = false;
  while (!waits && std::chrono::steady_clock::now() < give_up) {
    waits = ssad::testing::PostgresSchema::query_value(schema.url(), waiting) == "1";
  }
  EXPECT_TRUE(waits) << "the second unit of work never waited for the first";
  EXPECT_FALSE(second_has_read);  // still waiting

  mine.status = RequestStatus::in_review;
  mine.reviewer_id = "usr_rev1";
  ASSERT_TRUE(first->requests().save_request(mine).has_value());
  ASSERT_TRUE(first->commit(at("2026-03-01T12:00:00Z")).has_value());
  second.join();

  ASSERT_TRUE(second_read.has_value());
  ASSERT_TRUE(second_read->has_value()) << (*second_read).error().message;
  EXPECT_EQ(**second_read, stored(mine, 2));
  ASSERT_TRUE(second_saved.has_value()) << second_saved.error().message;
  const DisclosureRequest now = store->requests().request("req_a").value();
  EXPECT_EQ(now.version, 3U);
  EXPECT_EQ(now.reviewer_id, "usr_rev1");
  ASSERT_EQ(now.messages.size(), 1U);
  EXPECT_EQ(now.messages[0].body, "second");
}

// A database made by the binary before requests (SQLite schema 6, PostgreSQL schema 4) upgrades when
// opened, keeping what it holds.
TEST(RequestStoreMigrationTest, AnSqliteDatabaseOfTheSchemaBeforeUpgradesAndKeepsItsData) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    auto db = sqlite::Database::open(path, true).value();
    ASSERT_EQ(sqlite::schema_version(*db).value(), 0);
    for (const auto& file : embedded::sqlite_migrations()) {
      const std::string_view name = file.name;
      if (name >= "0007") continue;
      ASSERT_TRUE(db->exec(file.text).has_value()) << name;
      ASSERT_TRUE(db->exec("INSERT INTO schema_migration (version, name, applied_ms) VALUES (" +
                           std::string(name.substr(0, 4)) + ", '" + std::string(name) + "', 0)")
                      .has_value());
    }
    ASSERT_EQ(sqlite::schema_version(*db).value(), 6);
    ASSERT_TRUE(db->exec("INSERT INTO organisation (id, name, kind, created_ms) VALUES "
                         "('org_cert', 'CERT Example', 'requestor', 0)")
                    .has_value());
  }
  const auto refused = sqlite::open_sqlite_store(path, {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = sqlite::open_sqlite_store(path).value();
  EXPECT_EQ(store->requestors().organisation("org_cert").value().name, "CERT Example");
  auto work = store->begin().value();
  ASSERT_TRUE(work->requests().add_request(full_request("req_a"), full_attachments()).has_value());
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requests().request("req_a").value(), stored(full_request("req_a")));
}

TEST(RequestStoreMigrationTest, APostgresqlSchemaOfTheVersionBeforeUpgradesAndKeepsItsData) {
  const ssad::testing::PostgresSchema schema;
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_ms bigint NOT NULL)");
  for (const auto& file : embedded::postgres_migrations()) {
    const std::string_view name = file.name;
    if (name >= "0005") continue;
    ssad::testing::PostgresSchema::execute(schema.url(), std::string(file.text));
    ssad::testing::PostgresSchema::execute(schema.url(), "INSERT INTO schema_migration VALUES (" +
                                                             std::string(name.substr(0, 4)) + ", '" +
                                                             std::string(name) + "', 0)");
  }
  ssad::testing::PostgresSchema::execute(schema.url(),
                                         "INSERT INTO organisation (id, name, kind, created_ms) VALUES "
                                         "('org_cert', 'CERT Example', 'requestor', 0)");
  const auto refused = postgres::open_postgres_store(schema.url(), {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = postgres::open_postgres_store(schema.url()).value();
  EXPECT_EQ(store->requestors().organisation("org_cert").value().name, "CERT Example");
  auto work = store->begin().value();
  ASSERT_TRUE(work->requests().add_request(full_request("req_a"), full_attachments()).has_value());
  ASSERT_TRUE(work->commit(at("2026-04-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requests().request("req_a").value(), stored(full_request("req_a")));
}

}  // namespace
}  // namespace ssad::store
