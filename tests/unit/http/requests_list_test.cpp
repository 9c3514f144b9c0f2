// Listing disclosure requests over /v1 (issue 13 item 1): GET /v1/requests with its filters (status,
// domain, purpose, priority, user, creation period, deadline), newest first or the review queue by
// deadline, pages joined by an opaque cursor, and a 400 for a cursor, limit or filter it cannot read.

#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::UnorderedElementsAre;

class RequestListTest : public RequestsApiTest {
 protected:
  // Organisation A's five requests, one a minute from Monday 2 March 2026 09:00 UTC:
  //   decided_[0]  natural.test  P3  decided at once   (technicalIssueResolution)
  //   pending_[0]  legal.test    P3  pending, due Monday 9 March 09:01
  //   pending_[1]  natural.test  P1  pending, due Tuesday 3 March 09:02
  //   pending_[2]  natural.test  P2  pending, due Wednesday 4 March 09:03
  //   decided_[1]  exam1.test    P3  decided at once   (technicalIssueResolution)
  void SetUp() override {
    RequestsApiTest::SetUp();
    clock_.set_wall(testing::at("2026-03-02T09:00:00Z"));
    Filing automated;
    automated.retention_days = 1;
    decided_.push_back(file_id(a_, automated));
    clock_.advance(std::chrono::minutes(1));
    Filing reviewed = reviewed_filing();
    reviewed.domain = "legal.test";
    pending_.push_back(file_id(a_, reviewed));
    clock_.advance(std::chrono::minutes(1));
    reviewed.domain = "natural.test";
    reviewed.priority = "P1";
    reviewed.urgent = {{"child_exploitation", "The site distributes child sexual abuse material."}};
    pending_.push_back(file_id(a_, reviewed));
    clock_.advance(std::chrono::minutes(1));
    reviewed.priority = "P2";
    reviewed.urgent.reset();
    pending_.push_back(file_id(a_, reviewed));
    clock_.advance(std::chrono::minutes(1));
    automated.domain = "exam1.test";
    decided_.push_back(file_id(a_, automated));
    clock_.advance(std::chrono::minutes(1));
  }

  // The ids of one page, and its `next` ("" when absent).
  std::pair<std::vector<std::string>, std::string> page(const std::string& query, const Account& who) {
    const Response response = get("/v1/requests" + query, who.key);
    EXPECT_EQ(response.status, 200U) << query << ": " << response.body;
    const rapidjson::Document list = json(response);
    std::vector<std::string> ids;
    if (!list.IsObject()) return {ids, ""};
    for (const auto& item : list["items"].GetArray()) ids.emplace_back(item["id"].GetString());
    return {ids, text(list, "next")};
  }
  std::vector<std::string> ids(const std::string& query, const Account& who) {
    return page(query, who).first;
  }

  // Every id of a list, page by page of `limit`; fails on a page that repeats one.
  std::vector<std::string> all_pages(std::string query, const Account& who, std::size_t limit) {
    std::vector<std::string> out;
    std::string after;
    for (int pages = 0; pages < 20; ++pages) {
      const std::string sep = query.empty() ? "?" : "&";
      auto [items, next] = page(
          query + sep + "limit=" + std::to_string(limit) + (after.empty() ? "" : "&after=" + after), who);
      EXPECT_LE(items.size(), limit);
      out.insert(out.end(), items.begin(), items.end());
      if (next.empty()) break;
      after = next;
    }
    EXPECT_EQ(std::set<std::string>(out.begin(), out.end()).size(), out.size()) << "a page repeated an item";
    return out;
  }

  std::vector<std::string> decided_, pending_;
};

TEST_F(RequestListTest, PagesFollowOneAnotherByTheirCursorNewestFirst) {
  const auto [first, next] = page("?limit=2", a_);
  EXPECT_EQ(first, (std::vector<std::string>{decided_[1], pending_[2]}));
  ASSERT_FALSE(next.empty());
  const auto [second, after_second] = page("?limit=2&after=" + next, a_);
  EXPECT_EQ(second, (std::vector<std::string>{pending_[1], pending_[0]}));
  const auto [third, end] = page("?limit=2&after=" + after_second, a_);
  EXPECT_EQ(third, (std::vector<std::string>{decided_[0]}));
  EXPECT_EQ(end, "");
  EXPECT_EQ(all_pages("", a_, 1),
            (std::vector<std::string>{decided_[1], pending_[2], pending_[1], pending_[0], decided_[0]}));
  EXPECT_EQ(all_pages("", reviewer_, 3), all_pages("", a_, 5));
}

TEST_F(RequestListTest, FiltersSelectByStatusDomainPurposePriorityUserAndPeriod) {
  EXPECT_EQ(ids("?status=pending", a_), (std::vector<std::string>{pending_[2], pending_[1], pending_[0]}));
  EXPECT_EQ(ids("?status=decided", a_), (std::vector<std::string>{decided_[1], decided_[0]}));
  EXPECT_EQ(ids("?status=pending,decided", a_).size(), 5U);
  EXPECT_EQ(ids("?status=cancelled", a_).size(), 0U);
  EXPECT_EQ(ids("?domain=natural.test", a_),
            (std::vector<std::string>{pending_[2], pending_[1], decided_[0]}));
  EXPECT_EQ(ids("?domain=legal.test&status=pending", a_), (std::vector<std::string>{pending_[0]}));
  EXPECT_EQ(ids("?priority=P1", a_), (std::vector<std::string>{pending_[1]}));
  EXPECT_EQ(ids("?priority=P2", reviewer_), (std::vector<std::string>{pending_[2]}));
  EXPECT_EQ(ids("?purpose=technicalIssueResolution", a_),
            (std::vector<std::string>{decided_[1], decided_[0]}));
  EXPECT_EQ(ids("?created_from=2026-03-02T09:01:00Z&created_before=2026-03-02T09:03:00Z", a_),
            (std::vector<std::string>{pending_[1], pending_[0]}));
  EXPECT_EQ(ids("?deadline_before=2026-03-04T00:00:00Z", reviewer_), (std::vector<std::string>{pending_[1]}));
  const std::string other = file_id(a2_, Filing{});
  EXPECT_EQ(ids("?user=" + a2_.user, a_), (std::vector<std::string>{other}));
  EXPECT_EQ(ids("?user=" + a_.user, reviewer_).size(), 5U);
  ASSERT_EQ(act(pending_[0], "claim", reviewer_).status, 200U);
  EXPECT_EQ(ids("?reviewer=" + reviewer_.user, reviewer_), (std::vector<std::string>{pending_[0]}));
  EXPECT_EQ(ids("?status=in_review", a_), (std::vector<std::string>{pending_[0]}));
}

TEST_F(RequestListTest, TheQueueByDeadlinePutsTheSoonestFirstAndThoseWithoutOneLast) {
  EXPECT_EQ(ids("?status=pending&order=deadline", reviewer_),
            (std::vector<std::string>{pending_[1], pending_[2], pending_[0]}));
  const std::vector<std::string> everything = all_pages("?order=deadline", reviewer_, 2);
  ASSERT_EQ(everything.size(), 5U);
  EXPECT_EQ(std::vector<std::string>(everything.begin(), everything.begin() + 3),
            (std::vector<std::string>{pending_[1], pending_[2], pending_[0]}));
  EXPECT_THAT(std::vector<std::string>(everything.begin() + 3, everything.end()),
              UnorderedElementsAre(decided_[0], decided_[1]));
  // Deciding one takes it off the pending queue.
  ASSERT_EQ(act(pending_[1], "claim", reviewer_).status, 200U);
  ASSERT_EQ(act(pending_[1], "decision", reviewer_, decision({{"registrant.email", "disclose"}})).status,
            200U);
  EXPECT_EQ(ids("?status=pending,in_review,awaiting_information&order=deadline", reviewer_),
            (std::vector<std::string>{pending_[2], pending_[0]}));
}

TEST_F(RequestListTest, WhatTheListCannotReadIsRefused) {
  const std::string deadline_cursor = page("?order=deadline&limit=1", reviewer_).second;
  ASSERT_FALSE(deadline_cursor.empty());
  for (const std::string& query : std::vector<std::string>{
           "?after=garbage", "?after=" + deadline_cursor, "?limit=0", "?limit=1001", "?limit=two",
           "?limit=-1", "?status=open", "?status=pending,sent", "?order=oldest", "?created_from=yesterday",
           "?deadline_before=2026-03-04", "?created_before=%zz"}) {
    const Response refused = get("/v1/requests" + query, a_.key);
    EXPECT_EQ(refused.status, 400U) << query << ": " << refused.body;
  }
  EXPECT_EQ(get("/v1/requests?limit=1000", a_.key).status, 200U);
  EXPECT_EQ(get("/v1/retention/overdue?after=garbage", admin_.key).status, 400U);
}

TEST_F(RequestListTest, OverdueRetentionPagesToo) {
  clock_.set_wall(testing::at("2026-03-04T00:00:00Z"));  // both automated answers were kept for a day
  std::vector<std::string> overdue;
  std::string after;
  for (int pages = 0; pages < 5; ++pages) {
    const Response response =
        get("/v1/retention/overdue?limit=1" + (after.empty() ? "" : "&after=" + after), auditor_.key);
    ASSERT_EQ(response.status, 200U) << response.body;
    const rapidjson::Document list = json(response);
    for (const auto& item : list["items"].GetArray()) overdue.emplace_back(item["id"].GetString());
    after = text(list, "next");
    if (after.empty()) break;
  }
  EXPECT_THAT(overdue, UnorderedElementsAre(decided_[0], decided_[1]));
  // What counts against the accreditation: both, on every page.
  const rapidjson::Document first = json(get("/v1/retention/overdue?limit=1", auditor_.key));
  ASSERT_TRUE(first.HasMember("by_accreditation"));
  ASSERT_EQ(first["by_accreditation"].MemberCount(), 1U);
  EXPECT_EQ(first["by_accreditation"].MemberBegin()->value.GetInt(), 2);
  // A requestor may not list them.
  EXPECT_EQ(get("/v1/retention/overdue", a_.key).status, 403U);
}

// Transparency statistics over /v1 (issue 13 item 11): the month beside the cumulative figure, as JSON
// and as CSV; requestors and staff may read them, nobody without credentials.
TEST_F(RequestListTest, StatisticsShowThePeriodBesideTheCumulativeFigures) {
  const Response march = get("/v1/stats?month=2026-03", auditor_.key);
  ASSERT_EQ(march.status, 200U) << march.body;
  const rapidjson::Document report = json(march);
  const auto figure = [&](std::string_view name, std::string_view column) -> double {
    for (const auto& metric : report["metrics"].GetArray()) {
      if (metric["name"].GetString() == name && metric["labels"].MemberCount() == 0) {
        return metric[std::string(column).c_str()].IsNull() ? -1
                                                            : metric[std::string(column).c_str()].GetDouble();
      }
    }
    ADD_FAILURE() << name;
    return -1;
  };
  EXPECT_EQ(figure("requests_received", "period"), 5);
  EXPECT_EQ(figure("requests_received", "cumulative"), 5);
  EXPECT_EQ(figure("requests_open", "period"), 3);
  // February holds none of them; its cumulative column counts what was created before its end: none.
  const rapidjson::Document february = json(get("/v1/stats?month=2026-02", a_.key));
  for (const auto& metric : february["metrics"].GetArray()) {
    if (std::string_view(metric["name"].GetString()) == "requests_received") {
      EXPECT_EQ(metric["period"].GetDouble(), 0);
      EXPECT_EQ(metric["cumulative"].GetDouble(), 0);
    }
  }
  const Response csv = get("/v1/stats?month=2026-03&format=csv", a_.key);
  ASSERT_EQ(csv.status, 200U);
  EXPECT_EQ(csv.header("content-type").value_or(""), "text/csv; charset=utf-8; header=present");
  EXPECT_TRUE(csv.body.starts_with("metric,labels,period,cumulative\r\nrequests_received,,5,5\r\n"))
      << csv.body;
  EXPECT_EQ(get("/v1/stats?month=2026-13", a_.key).status, 400U);
  EXPECT_EQ(get("/v1/stats?format=xml", a_.key).status, 400U);
  EXPECT_EQ(get("/v1/stats?from=2026-03-05T00:00:00Z&until=2026-03-01T00:00:00Z", a_.key).status, 400U);
  EXPECT_EQ(get("/v1/stats", "").status, 401U);
}

}  // namespace
}  // namespace ssad::http
