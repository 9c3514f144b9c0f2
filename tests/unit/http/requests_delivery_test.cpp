// Delivery of what a disclosure request approved (issue 13 items 6–7; DESIGN.md §3.3): GET
// /v1/requests/{id}/disclosure reads the approved fields live from the registration as it is now — no
// copy is kept —, only while the disclosure is valid (not after its retention ends, its destruction is
// confirmed, or the accreditation it was filed under stops being in force), and every read is recorded in
// the audit log with the fields served and a commitment to their values, never the values.

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/http/requests_fixture.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class RequestDeliveryTest : public RequestsApiTest {
 protected:
  // Gives natural.test's registrant a new name and email, as an import would.
  void change_registrant(const std::string& name, const std::string& email) {
    model::Contact changed = testing::person("nat1", name, model::PersonType::natural);
    changed.email = email;
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrations().put_contact(changed).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }

  Response disclosure(const std::string& id, const Account& who) {
    return get("/v1/requests/" + id + "/disclosure", who.key);
  }

  std::vector<Logged> reads(const std::string& id) {
    std::vector<Logged> out;
    for (Logged& l : logged(id)) {
      if (l.entry.action == "request.read") out.push_back(std::move(l));
    }
    return out;
  }

  // A request decided at once for the registrant's name and email, kept 10 days.
  std::string approved() {
    Filing filing;
    filing.fields = {"registrant.name", "registrant.email"};
    filing.retention_days = 10;
    return file_id(a_, filing);
  }
};

TEST_F(RequestDeliveryTest, TheDisclosureIsReadLiveFromTheRegistrationAsItIsNow) {
  Filing filing;
  filing.fields = {"registrant.name", "registrant.email", "registrant.phone"};
  filing.retention_days = 10;
  const std::string id = file_id(a_, filing);
  const Response first = disclosure(id, a_);
  ASSERT_EQ(first.status, 200U) << first.body;
  const rapidjson::Document doc = json(first);
  EXPECT_EQ(text(doc, "request"), id);
  EXPECT_EQ(text(doc, "valid_until"), "2026-03-11T00:00:00Z");
  EXPECT_EQ(text(doc["rdap"], "ldhName"), "natural.test");
  expect_served(first.body, {"registrant.name", "registrant.email", "registrant.phone"});
  EXPECT_TRUE(redacted(doc["rdap"]).contains("Registrant Street"));

  // The registrant changes its phone: the next read serves the new value, and only that.
  clock_.advance(std::chrono::hours(26));
  model::Contact changed = store_->registrations().find_contact("nat1").value();
  const std::string old_phone = changed.voice;
  changed.voice = "+1.7035550199";
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrations().put_contact(changed).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  const Response second = disclosure(id, a2_);  // any user of the organisation
  ASSERT_EQ(second.status, 200U) << second.body;
  EXPECT_THAT(second.body, HasSubstr("+1.7035550199"));
  EXPECT_THAT(second.body, Not(HasSubstr(old_phone)));
  EXPECT_THAT(second.body, HasSubstr("nat1@mail.example"));
  EXPECT_THAT(second.body, Not(HasSubstr("nat1 Main Street")));

  // Each read is recorded with who read, the fields and a commitment to exactly the values it served;
  // the request itself holds none of them.
  const auto logged_reads = reads(id);
  ASSERT_EQ(logged_reads.size(), 2U);
  EXPECT_EQ(logged_reads[0].entry.actor.id, a_.user);
  EXPECT_EQ(logged_reads[1].entry.actor.id, a2_.user);
  EXPECT_EQ(logged_reads[1].entry.time, clock_.now());
  EXPECT_EQ(logged_reads[0].detail("accreditation"), a_acc_);
  EXPECT_EQ(logged_reads[0].detail("domain"), "natural.test");
  expect_commitment(logged_reads[0], {{"registrant.email", "nat1@mail.example"},
                                      {"registrant.name", "Nadia Natural"},
                                      {"registrant.phone", old_phone}});
  expect_commitment(logged_reads[1], {{"registrant.email", "nat1@mail.example"},
                                      {"registrant.name", "Nadia Natural"},
                                      {"registrant.phone", "+1.7035550199"}});
  for (const Logged& l : logged_reads) {
    EXPECT_THAT(l.record.encoding, Not(HasSubstr("+1.7035550199")));
    EXPECT_THAT(l.record.encoding, Not(HasSubstr("nat1@mail.example")));
  }
  const Response request = get("/v1/requests/" + id, a_.key);
  EXPECT_THAT(request.body, Not(HasSubstr("+1.7035550199")));
  expect_no_values(request.body);
}

// The registrant contact is rewritten with another name and email (ICANN's Change of Registrant, often
// made under the same handle): another data subject, whom nobody weighed the disclosure for — nothing of
// it is served, as the data subject's own view (issue 15) does not show the disclosure either.
TEST_F(RequestDeliveryTest, AContactRewrittenForAnotherPersonIsNotServed) {
  const std::string id = approved();
  ASSERT_EQ(disclosure(id, a_).status, 200U);
  change_registrant("Nadia Newname", "nadia@new.example");
  const Response after = disclosure(id, a_);
  EXPECT_THAT(after.body, Not(HasSubstr("nadia@new.example")));
  EXPECT_THAT(after.body, Not(HasSubstr("Nadia Newname")));
  EXPECT_THAT(after.body, Not(HasSubstr("nat1@mail.example")));
}

// The domain changes hands: another contact now holds the registrant role. The approval was about the
// registrant when the request was filed; the new one is another data subject nobody weighed it for, and
// none of its data is served.
TEST_F(RequestDeliveryTest, ANewRegistrantIsAnotherDataSubjectAndIsNotServed) {
  const std::string id = approved();
  ASSERT_EQ(disclosure(id, a_).status, 200U);
  {
    model::Contact newcomer = testing::person("nat9", "Otto Other", model::PersonType::natural);
    newcomer.email = "otto@other.example";
    model::Domain domain = store_->registrations().find_registration("natural.test").value().domain;
    for (auto& [role, handle] : domain.contacts) {
      if (role == model::ContactRole::registrant) handle = "nat9";
    }
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrations().put_contact(newcomer).has_value());
    ASSERT_TRUE(work->registrations().put_domain(domain).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  const Response after = disclosure(id, a_);
  ASSERT_EQ(after.status, 200U) << after.body;
  EXPECT_THAT(after.body, Not(HasSubstr("otto@other.example")));
  EXPECT_THAT(after.body, Not(HasSubstr("Otto Other")));
  EXPECT_THAT(after.body, Not(HasSubstr("nat1@mail.example")));
  const rapidjson::Document doc = json(after);
  EXPECT_TRUE(redacted(doc["rdap"]).contains("Registrant Email"));
  const auto logged_reads = reads(id);
  ASSERT_EQ(logged_reads.size(), 2U);
  EXPECT_TRUE(logged_reads[1].entry.fields.empty());
}

// Seed 001: a CERT investigating phishing gets the registrant's address at once; both street lines are
// served and committed to.
TEST_F(RequestDeliveryTest, EveryValueOfAFieldIsServedAndCommittedTo) {
  Filing filing = reviewed_filing();
  filing.fields = {"registrant.street", "registrant.city"};
  const Response created = file(b_, filing);
  ASSERT_EQ(created.status, 201U) << created.body;
  const std::string id = json(created)["request"]["id"].GetString();
  EXPECT_EQ(text(json(created)["request"], "outcome"), "approved");
  EXPECT_THAT(created.body, HasSubstr("Suite nat1"));
  expect_served(created.body, {"registrant.street", "registrant.city"});
  const Response read = disclosure(id, b_);
  ASSERT_EQ(read.status, 200U);
  EXPECT_THAT(read.body, HasSubstr("Suite nat1"));
  const auto entries = logged(id);
  ASSERT_EQ(entries.size(), 2U);
  for (const Logged& l : entries) {
    expect_commitment(l, {{"registrant.city", "nat1ville"},
                          {"registrant.street", "nat1 Main Street"},
                          {"registrant.street", "Suite nat1"}});
  }
}

TEST_F(RequestDeliveryTest, TheDisclosureMayNotBeReadOnceTheRetentionEnds) {
  const std::string id = approved();
  clock_.set_wall(testing::at("2026-03-10T23:59:59.999Z"));
  EXPECT_EQ(disclosure(id, a_).status, 200U);
  clock_.set_wall(testing::at("2026-03-11T00:00:00Z"));
  const Response ended = disclosure(id, a_);
  EXPECT_EQ(ended.status, 403U);
  EXPECT_THAT(detail(ended), HasSubstr("retention of this disclosure has ended"));
  expect_no_values(ended.body);
  EXPECT_EQ(reads(id).size(), 1U);  // a refused read serves nothing and records nothing
}

// Seed 000 p: kept until the incident ends plus what the requestor asked, at most what the rule allows.
TEST_F(RequestDeliveryTest, ARetentionAfterTheIncidentCountsFromItsEnd) {
  Filing filing;
  filing.retention_days = 5;
  filing.incident_end = "2026-03-20T00:00:00Z";
  const rapidjson::Document created = filed(a_, filing);
  const std::string id = created["request"]["id"].GetString();
  EXPECT_EQ(text(created["request"]["retention"], "incident_end"), "2026-03-20T00:00:00Z");
  EXPECT_EQ(text(created["request"]["retention"], "due"), "2026-03-25T00:00:00Z");
  clock_.set_wall(testing::at("2026-03-24T00:00:00Z"));
  EXPECT_EQ(disclosure(id, a_).status, 200U);
  clock_.set_wall(testing::at("2026-03-25T00:00:00Z"));
  EXPECT_EQ(disclosure(id, a_).status, 403U);
}

TEST_F(RequestDeliveryTest, TheDisclosureMayNotBeReadOnceDestructionIsConfirmed) {
  const std::string id = approved();
  ASSERT_EQ(disclosure(id, a_).status, 200U);
  ASSERT_EQ(act(id, "destruction", a_, R"({"statement":"Removed from our ticket."})").status, 200U);
  const Response closed = disclosure(id, a_);
  EXPECT_EQ(closed.status, 403U);
  EXPECT_THAT(detail(closed), HasSubstr("confirmed the destruction"));
  expect_no_values(closed.body);
  EXPECT_EQ(reads(id).size(), 1U);
}

TEST_F(RequestDeliveryTest, TheDisclosureMayNotBeReadWhileItsAccreditationIsNotInForce) {
  const std::string id = approved();
  ASSERT_EQ(disclosure(id, a_).status, 200U);
  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/suspend", admin_.key, R"({"reason":"complaint"})").status,
            200U);
  const Response suspended = disclosure(id, a_);
  EXPECT_EQ(suspended.status, 403U);
  EXPECT_THAT(detail(suspended), HasSubstr("no longer in force"));
  expect_no_values(suspended.body);
  // Reinstated before the retention ends, it may be read again; revoked, never.
  ASSERT_EQ(
      post("/v1/accreditations/" + a_acc_ + "/reinstate", admin_.key, R"({"reason":"unfounded"})").status,
      200U);
  EXPECT_EQ(disclosure(id, a_).status, 200U);
  ASSERT_EQ(post("/v1/accreditations/" + a_acc_ + "/revoke", admin_.key, R"({"reason":"left"})").status,
            200U);
  EXPECT_EQ(disclosure(id, a_).status, 403U);
  EXPECT_EQ(reads(id).size(), 2U);
}

TEST_F(RequestDeliveryTest, OnlyTheRequestorsOrganisationReadsTheDisclosure) {
  const std::string id = approved();
  for (const Account* staff : {&admin_, &reviewer_, &auditor_}) {
    const Response refused = disclosure(id, *staff);
    EXPECT_EQ(refused.status, 403U) << staff->email;
    expect_no_values(refused.body);
  }
  EXPECT_EQ(disclosure(id, b_).status, 404U);
  EXPECT_EQ(disclosure("req_aaaaaaaaaaaaaaaa", a_).status, 404U);
  EXPECT_EQ(reads(id).size(), 0U);
}

TEST_F(RequestDeliveryTest, ADomainNoLongerRegisteredHasNothingToRead) {
  const std::string id = approved();
  auto work = store_->begin().value();
  ASSERT_TRUE(work->registrations().delete_domain("natural.test").has_value());
  ASSERT_TRUE(work->commit(clock_.now()).has_value());
  const Response gone = disclosure(id, a_);
  EXPECT_EQ(gone.status, 404U);
  EXPECT_THAT(detail(gone), HasSubstr("no longer registered"));
  EXPECT_EQ(get("/v1/requests/" + id, a_.key).status, 200U);  // the request itself remains
}

}  // namespace
}  // namespace ssad::http
