// Decision deadlines of disclosure requests over /v1 (issue 13 items 4–5; docs/requests.md "Deadlines") on
// a calendar the repository ships, calendars/be.toml (Europe/Brussels, Belgium's public holidays): the
// deadline in business days, the clock paused while a reviewer waits for the requestor's answer and moved
// by exactly the business time the pause took, and the approaching deadline and its breach each recorded
// once by the deadline watch — in the request, its history and the audit log.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "disclosure/calendar.hpp"
#include "unit/http/requests_fixture.hpp"

#ifndef SSAD_CALENDARS
#error "SSAD_CALENDARS must name the repository's calendars/ (tests/unit/CMakeLists.txt)"
#endif

namespace ssad::http {
namespace {

using ::testing::Contains;

class BelgianDeadlineTest : public RequestsApiTest {
 protected:
  disclosure::RequestSettings request_settings() override {
    disclosure::RequestSettings settings = RequestsApiTest::request_settings();
    auto calendar = disclosure::Calendar::load(SSAD_CALENDARS "/be.toml");
    EXPECT_TRUE(calendar.has_value()) << (calendar ? "" : calendar.error().message);
    settings.deadlines = disclosure::Deadlines(std::move(calendar).value(), disclosure::DeadlineSettings{});
    return settings;
  }

  std::size_t watch() {
    auto changed = requests_->watch_deadlines();
    EXPECT_TRUE(changed.has_value());
    return changed.value_or(0);
  }

  // How many times the history of `id` holds `event`, and its audit log `action`.
  std::size_t in_history(const std::string& id, const std::string& event) {
    const auto all = events(read(id, reviewer_));
    return static_cast<std::size_t>(std::ranges::count(all, event));
  }
  std::size_t in_log(const std::string& id, const std::string& action) {
    const auto all = actions(id);
    return static_cast<std::size_t>(std::ranges::count(all, action));
  }
};

TEST_F(BelgianDeadlineTest, AskingForInformationPausesTheClockAndMovesTheDeadlineByThePauseBusinessTime) {
  // Thursday 2 April 2026, 12:00 in Brussels: five business days are the rest of Thursday, Friday, then
  // Tuesday to Thursday (Easter Monday is a holiday) and half of Friday 10 April.
  clock_.set_wall(testing::at("2026-04-02T10:00:00Z"));
  const rapidjson::Document created = filed(a_, reviewed_filing());
  const std::string id = created["request"]["id"].GetString();
  EXPECT_EQ(text(created["request"]["deadline"], "due"), "2026-04-10T10:00:00Z");

  clock_.set_wall(testing::at("2026-04-02T11:00:00Z"));
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  // A reviewer who does not hold it may not ask; nor may one ask twice.
  const Account other = account(staff_org_, "rob@registry.example", model::kRoleReviewer);
  EXPECT_EQ(act(id, "information", other, R"({"question":"Which campaign is this?"})").status, 409U);
  EXPECT_EQ(act(id, "information", reviewer_, R"({"question":"?"})").status, 400U);

  // 16:00 in Brussels: four business hours used.
  clock_.set_wall(testing::at("2026-04-02T14:00:00Z"));
  const Response asked = act(id, "information", reviewer_,
                             R"({"question":"Which of your customers reported the page, and when?"})");
  ASSERT_EQ(asked.status, 200U) << asked.body;
  const rapidjson::Document paused = read(id, a_);
  EXPECT_EQ(text(paused, "status"), "awaiting_information");
  EXPECT_FALSE(paused["deadline"].HasMember("due"));
  EXPECT_EQ(text(paused["deadline"], "paused_since"), "2026-04-02T14:00:00Z");
  ASSERT_EQ(paused["messages"].Size(), 1U);
  EXPECT_TRUE(paused["messages"][0]["asks_information"].GetBool());
  EXPECT_EQ(text(paused["messages"][0]["author"], "kind"), "reviewer");
  EXPECT_EQ(events(paused).back(), "information_requested");
  EXPECT_EQ(act(id, "information", reviewer_, R"({"question":"And another thing?"})").status, 409U);
  // (The reviewer holding it could decide it now, without the answer: RequestSeedTest covers that.)

  // Paused, it is neither near nor breached, however long the requestor takes; a reviewer's message does
  // not start the clock again.
  clock_.set_wall(testing::at("2026-04-07T07:00:00Z"));
  EXPECT_EQ(watch(), 0U);
  ASSERT_EQ(act(id, "messages", reviewer_, R"({"body":"A reminder: we wait for your answer."})").status,
            200U);
  EXPECT_EQ(text(read(id, a_), "status"), "awaiting_information");

  // Tuesday 7 April, 10:00 in Brussels, the requestor answers: the pause took 8 hours of Thursday, all of
  // Friday and 10 hours of Tuesday (the weekend and Easter Monday are no business time) — 42 business
  // hours, by which the deadline moves: from Friday 10 April 12:00 to Tuesday 14 April 06:00.
  clock_.set_wall(testing::at("2026-04-07T08:00:00Z"));
  const Response answered =
      act(id, "messages", a_, R"({"body":"Three customers, on 1 April between 09:00 and 11:00."})");
  ASSERT_EQ(answered.status, 200U) << answered.body;
  const rapidjson::Document running = read(id, a_);
  EXPECT_EQ(text(running, "status"), "in_review");
  EXPECT_EQ(text(running["deadline"], "due"), "2026-04-14T04:00:00Z");
  EXPECT_FALSE(running["deadline"].HasMember("paused_since"));
  EXPECT_EQ(events(running),
            (std::vector<std::string>{"submitted", "queued", "claimed", "information_requested", "message",
                                      "information_provided"}));

  clock_.set_wall(testing::at("2026-04-13T12:00:00Z"));
  ASSERT_EQ(act(id, "decision", reviewer_, decision({{"registrant.email", "disclose"}})).status, 200U);
  const rapidjson::Document decided = read(id, reviewer_);
  EXPECT_EQ(text(decided, "status"), "decided");
  EXPECT_EQ(text(decided["deadline"], "due"), "2026-04-14T04:00:00Z");  // kept, to compare with
  EXPECT_FALSE(decided["deadline"].HasMember("breached"));
  EXPECT_EQ(actions(id),
            (std::vector<std::string>{"request.create", "request.claim", "request.information_requested",
                                      "request.message", "request.information_provided", "request.decide"}));
}

TEST_F(BelgianDeadlineTest, TheApproachingDeadlineAndItsBreachAreEachRecordedOnce) {
  // Monday 13 April 2026, 10:00 in Brussels, an urgent request: one business day, due Tuesday 10:00;
  // near once less than a quarter of it (6 hours) is left, from Tuesday 04:00.
  clock_.set_wall(testing::at("2026-04-13T08:00:00Z"));
  Filing urgent = reviewed_filing();
  urgent.priority = "P1";
  urgent.urgent = {
      {"critical_infrastructure", "The phishing page targets the operators of a regional power grid."}};
  const std::string id = file_id(a_, urgent);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(text(read(id, a_)["deadline"], "due"), "2026-04-14T08:00:00Z");

  clock_.set_wall(testing::at("2026-04-14T01:59:00Z"));
  EXPECT_EQ(watch(), 0U);
  clock_.set_wall(testing::at("2026-04-14T02:30:00Z"));
  EXPECT_EQ(watch(), 1U);
  EXPECT_EQ(watch(), 0U);
  const rapidjson::Document near = read(id, a_);
  EXPECT_EQ(text(near["deadline"], "warned"), "2026-04-14T02:30:00Z");
  EXPECT_FALSE(near["deadline"].HasMember("breached"));
  EXPECT_EQ(in_history(id, "deadline_near"), 1U);
  EXPECT_EQ(in_log(id, "request.deadline_near"), 1U);

  // Claimed meanwhile, it is still watched; due at 10:00 in Brussels, breached from then on.
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  clock_.set_wall(testing::at("2026-04-14T07:59:59Z"));
  EXPECT_EQ(watch(), 0U);
  clock_.set_wall(testing::at("2026-04-14T08:00:00Z"));
  EXPECT_EQ(watch(), 1U);
  EXPECT_EQ(watch(), 0U);
  clock_.advance(std::chrono::hours(30));
  EXPECT_EQ(watch(), 0U);
  const rapidjson::Document breached = read(id, a_);
  EXPECT_EQ(text(breached["deadline"], "warned"), "2026-04-14T02:30:00Z");
  EXPECT_EQ(text(breached["deadline"], "breached"), "2026-04-14T08:00:00Z");
  EXPECT_EQ(in_history(id, "deadline_near"), 1U);
  EXPECT_EQ(in_history(id, "deadline_breached"), 1U);
  EXPECT_EQ(in_log(id, "request.deadline_near"), 1U);
  EXPECT_EQ(in_log(id, "request.deadline_breached"), 1U);
  // Visible in lists: the requestor's own, and the queue by deadline.
  const rapidjson::Document mine = json(get("/v1/requests", a_.key));
  EXPECT_EQ(text(mine["items"][0]["deadline"], "breached"), "2026-04-14T08:00:00Z");
  const rapidjson::Document late =
      json(get("/v1/requests?status=pending,in_review&deadline_before=2026-04-14T08:00:01Z", reviewer_.key));
  ASSERT_EQ(late["items"].Size(), 1U);
  EXPECT_EQ(text(late["items"][0], "id"), id);
}

// docs/requests.md's worked example, over HTTP: an urgent request the Friday before Easter.
TEST_F(BelgianDeadlineTest, TheDocumentedExampleHolds) {
  clock_.set_wall(testing::at("2026-04-03T16:00:00Z"));  // Friday 18:00 in Brussels
  Filing urgent = reviewed_filing();
  urgent.priority = "P1";
  urgent.urgent = {{"threat_to_life", "The site lists the home address of a threatened journalist."}};
  const std::string id = file_id(a_, urgent);
  // Three calendar days (Monday 18:00) come before one business day (Tuesday 18:00, after Easter Monday).
  EXPECT_EQ(text(read(id, a_)["deadline"], "due"), "2026-04-06T16:00:00Z");
  clock_.set_wall(testing::at("2026-04-03T20:29:00Z"));
  EXPECT_EQ(watch(), 0U);
  ASSERT_EQ(act(id, "claim", reviewer_).status, 200U);
  clock_.set_wall(testing::at("2026-04-04T10:00:00Z"));  // Saturday 12:00
  ASSERT_EQ(act(id, "information", reviewer_, R"({"question":"Is the address current?"})").status, 200U);
  clock_.set_wall(testing::at("2026-04-04T14:00:00Z"));  // Saturday 16:00
  ASSERT_EQ(act(id, "messages", a_, R"({"body":"Yes, confirmed this morning."})").status, 200U);
  // The four hours' pause extends the calendar-day cap: Monday 22:00.
  EXPECT_EQ(text(read(id, a_)["deadline"], "due"), "2026-04-06T20:00:00Z");
  EXPECT_THAT(events(read(id, a_)), Contains("information_provided"));
}

}  // namespace
}  // namespace ssad::http
