// Contract tests for the requestor directory (store/requestor_directory.hpp): every backend must pass
// them (store_contract.hpp). Then what only one backend has: PostgreSQL's units of work from begin_audit()
// writing while an import holds the store, and both backends' upgrade of a database of the schema before.

#include "store/requestor_directory.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/embedded.hpp"
#include "store/postgres/postgres_store.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> postgres_migrations();
}

namespace ssad::store {
namespace {

using model::AccreditationStatus;
using model::OrganisationKind;
using testing::at;

model::Organisation organisation(std::string id, OrganisationKind kind = OrganisationKind::requestor) {
  return {std::move(id), "CERT Example", kind, "DE", at("2026-01-02T03:04:05.678Z")};
}

model::User user(std::string id, std::string org_id, std::string oidc_subject = "") {
  model::User u;
  u.id = std::move(id);
  u.org_id = std::move(org_id);
  u.email = "analyst@cert.example";
  if (!oidc_subject.empty()) {
    u.oidc_issuer = "https://login.cert.example/realms/ssad";
    u.oidc_subject = std::move(oidc_subject);
  }
  u.created = at("2026-01-03T00:00:00Z");
  return u;
}

model::Accreditation accreditation(std::string id, std::string org_id) {
  model::Accreditation a;
  a.id = std::move(id);
  a.org_id = std::move(org_id);
  a.group = "cert";
  a.authority = "FIRST";
  a.valid_from = at("2026-01-01T00:00:00Z");
  a.valid_until = at("2027-01-01T00:00:00Z");
  a.status_changed = at("2026-01-04T00:00:00Z");
  a.created = at("2026-01-04T00:00:00Z");
  return a;
}

model::ApiKey api_key(std::string id, std::string user_id) {
  model::ApiKey k;
  k.id = std::move(id);
  k.user_id = std::move(user_id);
  for (std::size_t i = 0; i < k.secret_hash.size(); ++i) k.secret_hash[i] = static_cast<std::uint8_t>(i * 37);
  k.created = at("2026-01-05T00:00:00Z");
  return k;
}

class RequestorDirectoryContract : public StoreContract {
 protected:
  RequestorReader& directory() { return store_->requestors(); }

  // Runs `write` in one unit of work from begin() and commits it.
  template <class Write>
  void committed(Write write) {
    auto work = store_->begin().value();
    write(work->requestors());
    const auto done = work->commit(at("2026-02-01T00:00:00Z"));
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  // One organisation with one user (with an OIDC identity), one accreditation and one key.
  void add_one_of_each() {
    committed([](RequestorWriter& w) {
      ASSERT_TRUE(w.add_organisation(organisation("org_a")).has_value());
      ASSERT_TRUE(w.add_user(user("usr_a", "org_a", "subject-a")).has_value());
      ASSERT_TRUE(w.add_accreditation(accreditation("acc_a", "org_a")).has_value());
      ASSERT_TRUE(w.add_api_key(api_key("key_a", "usr_a")).has_value());
    });
  }
};

void expect_error(const Result<void>& result, ErrorCode code, std::string_view names) {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(names), std::string::npos) << result.error().message;
  EXPECT_EQ(result.error().message.find("analyst@cert.example"), std::string::npos) << result.error().message;
}

template <class T>
std::vector<std::string> ids_of(const Result<std::vector<T>>& rows) {
  std::vector<std::string> ids;
  for (const auto& row : rows.value()) ids.push_back(row.id);
  return ids;
}

TEST_P(RequestorDirectoryContract, EveryKindReadsBackExactlyAsAddedWithOptionalFieldsSetAndUnset) {
  const model::Organisation staff = organisation("org_operator", OrganisationKind::operator_staff);
  model::Organisation plain = organisation("org_plain");
  plain.country.clear();
  plain.registrar_iana_id = 9'007'199'254'740'993;  // more than a double holds exactly

  model::User reviewer = user("usr_reviewer", "org_operator", "7f3c9a2e-5b1d-4f60-8e2a-1c9d0b7e4a11");
  reviewer.roles = model::kRoleReviewer | model::kRoleAuditor;
  reviewer.disabled = true;
  reviewer.tokens_suspended = at("2026-01-08T09:10:11.012Z");
  const model::User without_identity = user("usr_plain", "org_plain");

  model::Accreditation full = accreditation("acc_full", "org_plain");
  full.code_of_conduct_version = "2.1";
  full.code_of_conduct_accepted = at("2026-01-06T07:08:09.123Z");
  full.purposes = {"incident_response",
                   "",
                   "quote \" and backslash \\",
                   "tab\tnew line\ncontrol \x01",
                   "ünïcødé ✓",
                   "[\"not\", \"nested\"]",
                   "incident_response"};
  full.lawful_bases = {"6(1)(f)", "6(1)(c)"};
  full.status = AccreditationStatus::suspended;
  full.status_reason = "under review";
  full.status_changed = at("2026-01-07T00:00:00Z");
  const model::Accreditation bare = accreditation("acc_bare", "org_plain");

  model::ApiKey revoked = api_key("key_revoked", "usr_plain");
  revoked.secret_hash.fill(0xff);
  revoked.secret_hash[0] = 0;
  revoked.expires = at("2026-07-01T00:00:00Z");
  revoked.revoked = at("2026-03-01T00:00:00.001Z");
  revoked.revoke_reason = "leaked";
  revoked.suspended = at("2026-02-01T00:00:00.002Z");
  revoked.suspend_reason = "enumeration: 412 generated names";
  const model::ApiKey plain_key = api_key("key_plain", "usr_plain");

  committed([&](RequestorWriter& w) {
    for (const auto& o : {staff, plain}) ASSERT_TRUE(w.add_organisation(o).has_value());
    for (const auto& u : {reviewer, without_identity}) ASSERT_TRUE(w.add_user(u).has_value());
    for (const auto& a : {full, bare}) ASSERT_TRUE(w.add_accreditation(a).has_value());
    for (const auto& k : {revoked, plain_key}) ASSERT_TRUE(w.add_api_key(k).has_value());
  });

  EXPECT_EQ(directory().organisation("org_operator").value(), staff);
  EXPECT_EQ(directory().organisation("org_plain").value(), plain);
  EXPECT_EQ(directory().organisations({}).value(), (std::vector{staff, plain}));
  EXPECT_EQ(directory().user("usr_reviewer").value(), reviewer);
  EXPECT_EQ(directory().user("usr_plain").value(), without_identity);
  EXPECT_EQ(directory().user_by_oidc(reviewer.oidc_issuer, reviewer.oidc_subject).value(), reviewer);
  EXPECT_EQ(directory().accreditation("acc_full").value(), full);
  EXPECT_EQ(directory().accreditation("acc_bare").value(), bare);
  EXPECT_EQ(directory().api_key("key_revoked").value(), revoked);
  EXPECT_EQ(directory().api_key("key_plain").value(), plain_key);
  // The lists read the same values as the single reads.
  EXPECT_EQ(directory().accreditations("", {}).value(), (std::vector{bare, full}));
  EXPECT_EQ(directory().api_keys("", {}).value(), (std::vector{plain_key, revoked}));
}

TEST_P(RequestorDirectoryContract, UnknownIdsAndIdentitiesAreNotFound) {
  add_one_of_each();
  const auto code = [](const auto& result) {
    return result.has_value() ? std::string("found") : std::string(to_string(result.error().code));
  };
  EXPECT_EQ(code(directory().organisation("org_b")), "not_found");
  EXPECT_EQ(code(directory().user("usr_b")), "not_found");
  EXPECT_EQ(code(directory().accreditation("acc_b")), "not_found");
  EXPECT_EQ(code(directory().api_key("key_b")), "not_found");
  EXPECT_NE(directory().api_key("key_b").error().message.find("key_b"), std::string::npos);
  EXPECT_EQ(code(directory().user_by_oidc("https://login.cert.example/realms/ssad", "subject-b")),
            "not_found");
  EXPECT_EQ(code(directory().user_by_oidc("https://other.example/", "subject-a")), "not_found");

  // A user without an identity is not found by the empty one.
  committed([](RequestorWriter& w) { ASSERT_TRUE(w.add_user(user("usr_plain", "org_a")).has_value()); });
  EXPECT_EQ(code(directory().user_by_oidc("", "")), "not_found");
}

TEST_P(RequestorDirectoryContract, ADuplicateIdIsAConflictAndTheUnitOfWorkGoesOn) {
  add_one_of_each();
  auto work = store_->begin().value();
  RequestorWriter& w = work->requestors();
  model::Organisation renamed = organisation("org_a");
  renamed.name = "Another name";
  expect_error(w.add_organisation(renamed), ErrorCode::conflict, "org_a");
  expect_error(w.add_user(user("usr_a", "org_a")), ErrorCode::conflict, "usr_a");
  expect_error(w.add_accreditation(accreditation("acc_a", "org_a")), ErrorCode::conflict, "acc_a");
  expect_error(w.add_api_key(api_key("key_a", "usr_a")), ErrorCode::conflict, "key_a");
  // Added in this same unit of work, then again.
  ASSERT_TRUE(w.add_organisation(organisation("org_b")).has_value());
  expect_error(w.add_organisation(organisation("org_b")), ErrorCode::conflict, "org_b");
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());

  EXPECT_EQ(directory().organisation("org_a").value().name, "CERT Example");
  EXPECT_EQ(ids_of(directory().organisations({})), (std::vector<std::string>{"org_a", "org_b"}));
}

TEST_P(RequestorDirectoryContract, NoTwoUsersShareAnOpenIdConnectIdentityButManyHaveNoneOrOneEmail) {
  add_one_of_each();
  auto work = store_->begin().value();
  RequestorWriter& w = work->requestors();
  const auto taken = w.add_user(user("usr_b", "org_a", "subject-a"));
  expect_error(taken, ErrorCode::conflict, "usr_b");
  EXPECT_EQ(taken.error().message.find("subject-a"), std::string::npos) << taken.error().message;
  // The same subject at another issuer is another identity.
  model::User elsewhere = user("usr_c", "org_a", "subject-a");
  elsewhere.oidc_issuer = "https://accounts.other.example";
  EXPECT_TRUE(w.add_user(elsewhere).has_value());
  // Users without an identity, and with the same email, are many.
  EXPECT_TRUE(w.add_user(user("usr_d", "org_a")).has_value());
  EXPECT_TRUE(w.add_user(user("usr_e", "org_a")).has_value());
  // Half an identity is refused.
  model::User half = user("usr_f", "org_a");
  half.oidc_subject = "subject-f";
  expect_error(w.add_user(half), ErrorCode::invalid_input, "usr_f");
  half.oidc_subject.clear();
  half.oidc_issuer = "https://login.cert.example/realms/ssad";
  expect_error(w.add_user(half), ErrorCode::invalid_input, "usr_f");
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());

  EXPECT_EQ(ids_of(directory().users("org_a", {})),
            (std::vector<std::string>{"usr_a", "usr_c", "usr_d", "usr_e"}));
  EXPECT_EQ(directory().user_by_oidc("https://accounts.other.example", "subject-a").value().id, "usr_c");
  EXPECT_EQ(directory().user_by_oidc("https://login.cert.example/realms/ssad", "subject-a").value().id,
            "usr_a");
}

TEST_P(RequestorDirectoryContract, RowsOfAMissingOrganisationOrUserAreNotFound) {
  add_one_of_each();
  auto work = store_->begin().value();
  RequestorWriter& w = work->requestors();
  expect_error(w.add_user(user("usr_b", "org_missing")), ErrorCode::not_found, "org_missing");
  expect_error(w.add_accreditation(accreditation("acc_b", "org_missing")), ErrorCode::not_found,
               "org_missing");
  expect_error(w.add_api_key(api_key("key_b", "usr_missing")), ErrorCode::not_found, "usr_missing");
  // A taken id is named before a missing organisation.
  expect_error(w.add_user(user("usr_a", "org_missing")), ErrorCode::conflict, "usr_a");
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(ids_of(directory().users("", {})), (std::vector<std::string>{"usr_a"}));
  EXPECT_EQ(ids_of(directory().accreditations("", {})), (std::vector<std::string>{"acc_a"}));
  EXPECT_EQ(ids_of(directory().api_keys("", {})), (std::vector<std::string>{"key_a"}));
}

TEST_P(RequestorDirectoryContract, ListsPageInIdOrderAndFilterByTheirOwner) {
  // Added out of order, across two organisations and two users; ids compare byte-wise ("Z" < "_" < "a").
  committed([](RequestorWriter& w) {
    for (const char* id : {"org_b", "org_a", "org_c"})
      ASSERT_TRUE(w.add_organisation(organisation(id)).has_value());
    for (const auto& [id, org] : std::vector<std::pair<const char*, const char*>>{{"usr_5", "org_a"},
                                                                                  {"usr_1", "org_b"},
                                                                                  {"usr_3", "org_a"},
                                                                                  {"usr_2", "org_a"},
                                                                                  {"usr_4", "org_b"}}) {
      ASSERT_TRUE(w.add_user(user(id, org)).has_value());
    }
    for (const auto& [id, org] : std::vector<std::pair<const char*, const char*>>{
             {"acc_z", "org_b"}, {"acc_Z", "org_a"}, {"acc__", "org_a"}}) {
      ASSERT_TRUE(w.add_accreditation(accreditation(id, org)).has_value());
    }
    for (const auto& [id, owner] : std::vector<std::pair<const char*, const char*>>{
             {"key_3", "usr_2"}, {"key_1", "usr_1"}, {"key_2", "usr_2"}}) {
      ASSERT_TRUE(w.add_api_key(api_key(id, owner)).has_value());
    }
  });
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids_of(directory().organisations({})), (Ids{"org_a", "org_b", "org_c"}));
  EXPECT_EQ(ids_of(directory().organisations({.after = "org_a", .limit = 1})), (Ids{"org_b"}));
  EXPECT_EQ(ids_of(directory().organisations({.after = "org_c"})), Ids{});
  EXPECT_EQ(ids_of(directory().organisations({.limit = 0})), Ids{});

  EXPECT_EQ(ids_of(directory().users("", {.limit = 2})), (Ids{"usr_1", "usr_2"}));
  EXPECT_EQ(ids_of(directory().users("", {.after = "usr_2", .limit = 2})), (Ids{"usr_3", "usr_4"}));
  EXPECT_EQ(ids_of(directory().users("", {.after = "usr_4", .limit = 2})), (Ids{"usr_5"}));
  EXPECT_EQ(ids_of(directory().users("org_a", {.limit = 2})), (Ids{"usr_2", "usr_3"}));
  EXPECT_EQ(ids_of(directory().users("org_a", {.after = "usr_3", .limit = 2})), (Ids{"usr_5"}));
  EXPECT_EQ(ids_of(directory().users("org_b", {})), (Ids{"usr_1", "usr_4"}));
  EXPECT_EQ(ids_of(directory().users("org_c", {})), Ids{});
  EXPECT_EQ(ids_of(directory().users("org_missing", {})), Ids{});

  EXPECT_EQ(ids_of(directory().accreditations("", {})), (Ids{"acc_Z", "acc__", "acc_z"}));
  EXPECT_EQ(ids_of(directory().accreditations("org_a", {})), (Ids{"acc_Z", "acc__"}));
  EXPECT_EQ(ids_of(directory().accreditations("org_a", {.after = "acc_Z"})), (Ids{"acc__"}));
  EXPECT_EQ(ids_of(directory().accreditations("org_b", {})), (Ids{"acc_z"}));

  EXPECT_EQ(ids_of(directory().api_keys("", {.after = "key_1"})), (Ids{"key_2", "key_3"}));
  EXPECT_EQ(ids_of(directory().api_keys("usr_2", {})), (Ids{"key_2", "key_3"}));
  EXPECT_EQ(ids_of(directory().api_keys("usr_2", {.after = "key_2"})), (Ids{"key_3"}));
  EXPECT_EQ(ids_of(directory().api_keys("usr_3", {})), Ids{});
}

TEST_P(RequestorDirectoryContract, NoTwoOrganisationsAreOneRegistrarButManyAreNone) {
  committed([](RequestorWriter& w) {
    model::Organisation registrar = organisation("org_a");
    registrar.registrar_iana_id = 1234;
    ASSERT_TRUE(w.add_organisation(registrar).has_value());
    ASSERT_TRUE(w.add_organisation(organisation("org_b")).has_value());
    ASSERT_TRUE(w.add_organisation(organisation("org_c")).has_value());
  });
  auto work = store_->begin().value();
  RequestorWriter& w = work->requestors();
  model::Organisation impostor = organisation("org_d");
  impostor.registrar_iana_id = 1234;
  const auto taken = w.add_organisation(impostor);
  expect_error(taken, ErrorCode::conflict, "org_d");
  EXPECT_NE(taken.error().message.find("1234"), std::string::npos) << taken.error().message;
  expect_error(w.set_registrar("org_b", 1234), ErrorCode::conflict, "org_b");
  // A taken id is named as such, whatever the registrar.
  model::Organisation again = organisation("org_a");
  again.registrar_iana_id = 77;
  expect_error(w.add_organisation(again), ErrorCode::conflict, "exists already");
  // Not positive: refused before the database sees it.
  impostor.registrar_iana_id = 0;
  expect_error(w.add_organisation(impostor), ErrorCode::invalid_input, "org_d");
  expect_error(w.set_registrar("org_b", -5), ErrorCode::invalid_input, "org_b");
  expect_error(w.set_registrar("org_missing", 55), ErrorCode::not_found, "org_missing");
  expect_error(w.set_registrar("org_missing", std::nullopt), ErrorCode::not_found, "org_missing");
  // The registrar it is already, and another registrar.
  EXPECT_TRUE(w.set_registrar("org_a", 1234).has_value());
  EXPECT_TRUE(w.set_registrar("org_b", 5678).has_value());
  // Clearing a registrar frees its id in the same unit of work.
  EXPECT_TRUE(w.set_registrar("org_a", std::nullopt).has_value());
  EXPECT_TRUE(w.set_registrar("org_c", 1234).has_value());
  EXPECT_TRUE(w.set_registrar("org_a", std::nullopt).has_value());  // none, and none again
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());

  EXPECT_EQ(directory().organisation("org_a").value(), organisation("org_a"));
  model::Organisation b = organisation("org_b");
  b.registrar_iana_id = 5678;
  EXPECT_EQ(directory().organisation("org_b").value(), b);
  EXPECT_EQ(directory().organisation("org_c").value().registrar_iana_id, std::optional<std::int64_t>(1234));
  EXPECT_EQ(directory().organisation("org_d").error().code, ErrorCode::not_found);
}

TEST_P(RequestorDirectoryContract, UpdateUserSetsRolesAndDisabledAndNothingElse) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.update_user("usr_a", model::kRoleRequestor | model::kRoleAdministrator, true).has_value());
    expect_error(w.update_user("usr_missing", model::kRoleRequestor, false), ErrorCode::not_found,
                 "usr_missing");
  });
  model::User expected = user("usr_a", "org_a", "subject-a");
  expected.roles = model::kRoleRequestor | model::kRoleAdministrator;
  expected.disabled = true;
  EXPECT_EQ(directory().user("usr_a").value(), expected);

  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.update_user("usr_a", model::kRoleAuditor, false).has_value());
  });
  expected.roles = model::kRoleAuditor;
  expected.disabled = false;
  EXPECT_EQ(directory().user("usr_a").value(), expected);
}

TEST_P(RequestorDirectoryContract, ASuspensionRecordsItsReasonAndTimeAndTouchesNothingElse) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_accreditation_status("acc_a", AccreditationStatus::suspended, "complaint 17",
                                           at("2026-03-01T12:00:00.500Z"))
                    .has_value());
    expect_error(w.set_accreditation_status("acc_missing", AccreditationStatus::revoked, "",
                                            at("2026-03-01T00:00:00Z")),
                 ErrorCode::not_found, "acc_missing");
  });
  model::Accreditation expected = accreditation("acc_a", "org_a");
  expected.status = AccreditationStatus::suspended;
  expected.status_reason = "complaint 17";
  expected.status_changed = at("2026-03-01T12:00:00.500Z");
  EXPECT_EQ(directory().accreditation("acc_a").value(), expected);

  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_accreditation_status("acc_a", AccreditationStatus::active, "cleared",
                                           at("2026-03-02T00:00:00Z"))
                    .has_value());
  });
  EXPECT_EQ(directory().accreditation("acc_a").value().status, AccreditationStatus::active);
  EXPECT_EQ(directory().accreditation("acc_a").value().status_reason, "cleared");
}

TEST_P(RequestorDirectoryContract, AcceptingACodeOfConductRecordsItsVersionAndTime) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.accept_code_of_conduct("acc_a", "1.0", at("2026-03-01T00:00:00Z")).has_value());
    expect_error(w.accept_code_of_conduct("acc_missing", "1.0", at("2026-03-01T00:00:00Z")),
                 ErrorCode::not_found, "acc_missing");
  });
  model::Accreditation expected = accreditation("acc_a", "org_a");
  expected.code_of_conduct_version = "1.0";
  expected.code_of_conduct_accepted = at("2026-03-01T00:00:00Z");
  EXPECT_EQ(directory().accreditation("acc_a").value(), expected);

  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.accept_code_of_conduct("acc_a", "1.1", at("2026-04-01T00:00:00Z")).has_value());
  });
  expected.code_of_conduct_version = "1.1";
  expected.code_of_conduct_accepted = at("2026-04-01T00:00:00Z");
  EXPECT_EQ(directory().accreditation("acc_a").value(), expected);
}

TEST_P(RequestorDirectoryContract, AKeyStaysRevokedAsItWasFirstRevoked) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.revoke_api_key("key_a", "leaked", at("2026-03-01T00:00:00Z")).has_value());
    expect_error(w.revoke_api_key("key_missing", "", at("2026-03-01T00:00:00Z")), ErrorCode::not_found,
                 "key_missing");
  });
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.revoke_api_key("key_a", "rotated", at("2026-04-01T00:00:00Z")).has_value());
  });
  model::ApiKey expected = api_key("key_a", "usr_a");
  expected.revoked = at("2026-03-01T00:00:00Z");
  expected.revoke_reason = "leaked";
  EXPECT_EQ(directory().api_key("key_a").value(), expected);
}

TEST_P(RequestorDirectoryContract, AKeysSuspensionIsSetReplacedAndLiftedAndTouchesNothingElse) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_api_key_suspension("key_a", at("2026-03-01T10:00:00.500Z"), "case abc_1").has_value());
    expect_error(w.set_api_key_suspension("key_missing", at("2026-03-01T10:00:00Z"), "x"),
                 ErrorCode::not_found, "key_missing");
  });
  model::ApiKey expected = api_key("key_a", "usr_a");
  expected.suspended = at("2026-03-01T10:00:00.500Z");
  expected.suspend_reason = "case abc_1";
  EXPECT_EQ(directory().api_key("key_a").value(), expected);
  EXPECT_EQ(directory().api_keys("usr_a", {}).value(), std::vector{expected});

  // Suspended again: the new suspension replaces the old.
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_api_key_suspension("key_a", at("2026-03-02T00:00:00Z"), "case abc_2").has_value());
  });
  expected.suspended = at("2026-03-02T00:00:00Z");
  expected.suspend_reason = "case abc_2";
  EXPECT_EQ(directory().api_key("key_a").value(), expected);

  // Lifted: as before the suspension (a reason given with a lift is not kept).
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_api_key_suspension("key_a", std::nullopt, "cleared").has_value());
    expect_error(w.set_api_key_suspension("key_missing", std::nullopt, ""), ErrorCode::not_found,
                 "key_missing");
  });
  EXPECT_EQ(directory().api_key("key_a").value(), api_key("key_a", "usr_a"));

  // A revoked key may be suspended, and stays revoked when lifted.
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.revoke_api_key("key_a", "leaked", at("2026-03-03T00:00:00Z")).has_value());
    ASSERT_TRUE(w.set_api_key_suspension("key_a", at("2026-03-04T00:00:00Z"), "case abc_3").has_value());
    ASSERT_TRUE(w.set_api_key_suspension("key_a", std::nullopt, "").has_value());
  });
  EXPECT_EQ(directory().api_key("key_a").value().revoked, std::optional(at("2026-03-03T00:00:00Z")));
  EXPECT_FALSE(directory().api_key("key_a").value().suspended.has_value());
  // The user's tokens are another credential: untouched.
  EXPECT_FALSE(directory().user("usr_a").value().tokens_suspended.has_value());
}

TEST_P(RequestorDirectoryContract, AUsersTokensSuspensionIsSetAndLiftedAndTouchesNothingElse) {
  add_one_of_each();
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.set_tokens_suspension("usr_a", at("2026-03-01T10:00:00.250Z")).has_value());
    expect_error(w.set_tokens_suspension("usr_missing", at("2026-03-01T10:00:00Z")), ErrorCode::not_found,
                 "usr_missing");
  });
  model::User expected = user("usr_a", "org_a", "subject-a");
  expected.tokens_suspended = at("2026-03-01T10:00:00.250Z");
  EXPECT_EQ(directory().user("usr_a").value(), expected);
  EXPECT_EQ(directory().user_by_oidc(expected.oidc_issuer, expected.oidc_subject).value(), expected);
  EXPECT_EQ(directory().users("org_a", {}).value(), std::vector{expected});
  // The user's keys are other credentials: untouched.
  EXPECT_EQ(directory().api_key("key_a").value(), api_key("key_a", "usr_a"));
  // Updating roles keeps the suspension.
  committed([](RequestorWriter& w) {
    ASSERT_TRUE(w.update_user("usr_a", model::kRoleRequestor, false).has_value());
  });
  EXPECT_EQ(directory().user("usr_a").value(), expected);

  committed(
      [](RequestorWriter& w) { ASSERT_TRUE(w.set_tokens_suspension("usr_a", std::nullopt).has_value()); });
  EXPECT_EQ(directory().user("usr_a").value(), user("usr_a", "org_a", "subject-a"));
}

TEST_P(RequestorDirectoryContract, NothingIsVisibleBeforeCommitNorAfterARollback) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->requestors().add_organisation(organisation("org_a")).has_value());
    ASSERT_TRUE(work->requestors().add_user(user("usr_a", "org_a", "subject-a")).has_value());
    EXPECT_EQ(directory().organisation("org_a").error().code, ErrorCode::not_found);
    EXPECT_TRUE(directory().users("", {}).value().empty());
  }  // destroyed without commit
  EXPECT_EQ(directory().organisation("org_a").error().code, ErrorCode::not_found);
  EXPECT_EQ(directory().user_by_oidc("https://login.cert.example/realms/ssad", "subject-a").error().code,
            ErrorCode::not_found);

  add_one_of_each();
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->requestors().revoke_api_key("key_a", "leaked", at("2026-03-01T00:00:00Z")).has_value());
    EXPECT_FALSE(directory().api_key("key_a").value().revoked.has_value());
  }
  EXPECT_FALSE(directory().api_key("key_a").value().revoked.has_value());
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->requestors().set_registrar("org_a", 1234).has_value());
    EXPECT_FALSE(directory().organisation("org_a").value().registrar_iana_id.has_value());
  }
  EXPECT_FALSE(directory().organisation("org_a").value().registrar_iana_id.has_value());
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(
        work->requestors().set_api_key_suspension("key_a", at("2026-03-01T00:00:00Z"), "case").has_value());
    ASSERT_TRUE(work->requestors().set_tokens_suspension("usr_a", at("2026-03-01T00:00:00Z")).has_value());
    EXPECT_FALSE(directory().api_key("key_a").value().suspended.has_value());
  }
  EXPECT_FALSE(directory().api_key("key_a").value().suspended.has_value());
  EXPECT_FALSE(directory().user("usr_a").value().tokens_suspended.has_value());
}

TEST_P(RequestorDirectoryContract, WritingRequestorsIsNoChangeOfTheRegistrationData) {
  add_one_of_each();
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(RequestorDirectoryContract, AnAuditUnitOfWorkCommitsRequestorsWithItsAuditEntry) {
  add_one_of_each();
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->requestors()
                  .set_accreditation_status("acc_a", AccreditationStatus::suspended, "complaint",
                                            at("2026-03-01T00:00:00Z"))
                  .has_value());
  ASSERT_TRUE(
      work->requestors().revoke_api_key("key_a", "suspended", at("2026-03-01T00:00:00Z")).has_value());
  AuditRecord entry;
  entry.time = at("2026-03-01T00:00:00Z");
  entry.actor_kind = "operator";
  entry.actor_id = "usr_admin";
  entry.action = "accreditation.suspend";
  entry.object_kind = "accreditation";
  entry.object_id = "acc_a";
  entry.encoding = "suspend acc_a";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;

  EXPECT_EQ(directory().accreditation("acc_a").value().status, AccreditationStatus::suspended);
  EXPECT_EQ(directory().api_key("key_a").value().revoke_reason, "suspended");
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(RequestorDirectoryContract, WritesAfterCommitFail) {
  auto work = store_->begin().value();
  ASSERT_TRUE(work->requestors().add_organisation(organisation("org_a")).has_value());
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(work->requestors().add_organisation(organisation("org_b")).error().code, ErrorCode::internal);
  EXPECT_EQ(work->requestors().update_user("usr_a", 0, true).error().code, ErrorCode::internal);
  EXPECT_EQ(work->requestors().set_api_key_suspension("key_a", std::nullopt, "").error().code,
            ErrorCode::internal);
  EXPECT_EQ(work->requestors().set_tokens_suspension("usr_a", std::nullopt).error().code,
            ErrorCode::internal);
  EXPECT_EQ(work->requestors().set_registrar("org_a", 1234).error().code, ErrorCode::internal);
  EXPECT_EQ(directory().organisation("org_b").error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestorDirectoryContract, ::testing::ValuesIn(backends()), backend_name);

// An import holds the store's write lock from begin() to its commit (minutes, for a large deposit). A
// suspension or a revocation must not wait for it: units of work from begin_audit() take no lock but the
// audit head's, so this one commits while the import is still open (were it to wait for the write lock,
// its begin or commit would fail after the 10 s lock timeout instead).
TEST(RequestorDirectoryPostgresTest, AnAuditUnitOfWorkWritesRequestorsWhileAnImportHoldsTheStore) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto import = store->begin().value();
  ASSERT_TRUE(
      import->registrations().put_registrar(ssad::testing::sample_registrar("registrarI", 77)).has_value());

  auto work = store->begin_audit().value();
  ASSERT_TRUE(work->requestors().add_organisation(organisation("org_a")).has_value());
  ASSERT_TRUE(work->requestors().add_user(user("usr_a", "org_a", "subject-a")).has_value());
  AuditRecord entry;
  entry.time = at("2026-03-01T00:00:00Z");
  entry.actor_kind = "operator";
  entry.actor_id = "usr_admin";
  entry.action = "user.add";
  entry.object_kind = "user";
  entry.object_id = "usr_a";
  entry.encoding = "add usr_a";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T00:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(store->requestors().user("usr_a").value().org_id, "org_a");
  EXPECT_EQ(store->registrations().find_registrar("registrarI").error().code, ErrorCode::not_found);

  ASSERT_TRUE(import->commit(at("2026-03-02T00:00:00Z")).has_value());
  EXPECT_EQ(store->registrations().find_registrar("registrarI").value().iana_id, 77);
  EXPECT_EQ(store->registrations().data_updated().value(), at("2026-03-02T00:00:00Z"));
}

// A database made by the binary before the requestor directory (SQLite schema 5, PostgreSQL schema 3)
// upgrades when opened, keeping what it holds.
TEST(RequestorDirectoryMigrationTest, AnSqliteDatabaseOfTheSchemaBeforeUpgradesAndKeepsItsData) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    auto db = sqlite::Database::open(path, true).value();
    ASSERT_EQ(sqlite::schema_version(*db).value(), 0);
    for (const auto& file : embedded::sqlite_migrations()) {
      const std::string_view name = file.name;
      if (name >= "0006") continue;
      ASSERT_TRUE(db->exec(file.text).has_value()) << name;
      ASSERT_TRUE(db->exec("INSERT INTO schema_migration (version, name, applied_ms) VALUES (" +
                           std::string(name.substr(0, 4)) + ", '" + std::string(name) + "', 0)")
                      .has_value());
    }
    ASSERT_EQ(sqlite::schema_version(*db).value(), 5);
    ASSERT_TRUE(db->exec("INSERT INTO registrar_directory (iana_id, abuse_email, updated_ms) VALUES "
                         "(1234, 'abuse@registrar.example', 0)")
                    .has_value());
  }
  const auto refused = sqlite::open_sqlite_store(path, {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = sqlite::open_sqlite_store(path).value();
  EXPECT_EQ(store->registrar_directory().entries().value().at(0).abuse_email, "abuse@registrar.example");
  auto work = store->begin().value();
  ASSERT_TRUE(work->requestors().add_organisation(organisation("org_a")).has_value());
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requestors().organisation("org_a").value(), organisation("org_a"));
}

TEST(RequestorDirectoryMigrationTest, APostgresqlSchemaOfTheVersionBeforeUpgradesAndKeepsItsData) {
  const ssad::testing::PostgresSchema schema;
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_ms bigint NOT NULL)");
  for (const auto& file : embedded::postgres_migrations()) {
    const std::string_view name = file.name;
    if (name >= "0004") continue;
    ssad::testing::PostgresSchema::execute(schema.url(), std::string(file.text));
    ssad::testing::PostgresSchema::execute(schema.url(), "INSERT INTO schema_migration VALUES (" +
                                                             std::string(name.substr(0, 4)) + ", '" +
                                                             std::string(name) + "', 0)");
  }
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "INSERT INTO registrar_directory (iana_id, abuse_email, updated_ms) VALUES "
      "(1234, 'abuse@registrar.example', 0)");
  const auto refused = postgres::open_postgres_store(schema.url(), {.migrate = false});
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("ssad migrate"), std::string::npos);

  auto store = postgres::open_postgres_store(schema.url()).value();
  EXPECT_EQ(store->registrar_directory().entries().value().at(0).abuse_email, "abuse@registrar.example");
  auto work = store->begin().value();
  ASSERT_TRUE(work->requestors().add_organisation(organisation("org_a")).has_value());
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requestors().organisation("org_a").value(), organisation("org_a"));
}

// A database made by the binary before registrar organisations (issue 15: SQLite migration 0011,
// PostgreSQL 0009) upgrades when opened: its organisations are no registrar, and may become one.
TEST(RequestorDirectoryMigrationTest, AnSqliteDatabaseBeforeRegistrarOrganisationsUpgradesAndKeepsThem) {
  const ssad::testing::TempDir dir;
  const std::string path = dir.file("old.db");
  {
    auto db = sqlite::Database::open(path, true).value();
    ASSERT_EQ(sqlite::schema_version(*db).value(), 0);
    for (const auto& file : embedded::sqlite_migrations()) {
      const std::string_view name = file.name;
      if (name >= "0011") continue;
      ASSERT_TRUE(db->exec(file.text).has_value()) << name;
      ASSERT_TRUE(db->exec("INSERT INTO schema_migration (version, name, applied_ms) VALUES (" +
                           std::string(name.substr(0, 4)) + ", '" + std::string(name) + "', 0)")
                      .has_value());
    }
    ASSERT_TRUE(db->exec("INSERT INTO organisation (id, name, kind, country, created_ms) VALUES "
                         "('org_a', 'CERT Example', 'requestor', 'DE', " +
                         std::to_string(to_unix_ms(organisation("org_a").created)) + ")")
                    .has_value());
  }
  auto store = sqlite::open_sqlite_store(path).value();
  EXPECT_EQ(store->requestors().organisation("org_a").value(), organisation("org_a"));
  auto work = store->begin().value();
  ASSERT_TRUE(work->requestors().set_registrar("org_a", 1234).has_value());
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requestors().organisation("org_a").value().registrar_iana_id,
            std::optional<std::int64_t>(1234));
}

TEST(RequestorDirectoryMigrationTest, APostgresqlSchemaBeforeRegistrarOrganisationsUpgradesAndKeepsThem) {
  const ssad::testing::PostgresSchema schema;
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "CREATE TABLE schema_migration (version integer PRIMARY KEY, name text NOT NULL, "
      "applied_ms bigint NOT NULL)");
  for (const auto& file : embedded::postgres_migrations()) {
    const std::string_view name = file.name;
    if (name >= "0009") continue;
    ssad::testing::PostgresSchema::execute(schema.url(), std::string(file.text));
    ssad::testing::PostgresSchema::execute(schema.url(), "INSERT INTO schema_migration VALUES (" +
                                                             std::string(name.substr(0, 4)) + ", '" +
                                                             std::string(name) + "', 0)");
  }
  ssad::testing::PostgresSchema::execute(
      schema.url(),
      "INSERT INTO organisation (id, name, kind, country, created_ms) VALUES "
      "('org_a', 'CERT Example', 'requestor', 'DE', " +
          std::to_string(to_unix_ms(organisation("org_a").created)) + ")");
  auto store = postgres::open_postgres_store(schema.url()).value();
  EXPECT_EQ(store->requestors().organisation("org_a").value(), organisation("org_a"));
  auto work = store->begin().value();
  ASSERT_TRUE(work->requestors().set_registrar("org_a", 1234).has_value());
  ASSERT_TRUE(work->commit(at("2026-02-01T00:00:00Z")).has_value());
  EXPECT_EQ(store->requestors().organisation("org_a").value().registrar_iana_id,
            std::optional<std::int64_t>(1234));
}

}  // namespace
}  // namespace ssad::store
