// Credentials and the requestor directory's use cases (issue 12 items 1–4), on both store backends:
// API keys (format, constant-time check, revoked, expired, forged, misdirected), the authenticator (every
// check reads the directory afresh: a change stops a credential on the very next request), caller_for
// (which accreditation a purpose is asked under, and the 403s that say which), and the directory's
// audited changes.

#include "identity/authenticator.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "audit/log.hpp"
#include "identity/credentials.hpp"
#include "identity/directory.hpp"
#include "support/fake_clock.hpp"
#include "support/store_backends.hpp"

namespace ssad::identity {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const audit::Actor kConsole{"operator", "test-console"};

Timestamp at(const char* text) { return parse_rfc3339(text).value(); }

TEST(CredentialsTest, IdsAreRandomAndPrefixed) {
  const std::string a = new_id("org");
  const std::string b = new_id("org");
  EXPECT_NE(a, b);
  EXPECT_TRUE(is_id(a, "org"));
  EXPECT_FALSE(is_id(a, "usr"));
  EXPECT_FALSE(is_id("org_ABCDEFGHIJKLMNOP", "org"));  // upper case is not base32 as we write it
  EXPECT_FALSE(is_id("org_abc", "org"));
}

TEST(CredentialsTest, AKeyCarriesItsIdAndOnlyItsSecretsHashIsKept) {
  const NewApiKey made = make_api_key("usr_x", at("2026-01-01T00:00:00Z"), std::nullopt);
  EXPECT_THAT(made.key, ::testing::StartsWith("ssad_" + made.record.id + "_"));
  EXPECT_EQ(made.key.size(), 5 + 20 + 1 + 64U);
  const auto presented = parse_api_key(made.key);
  ASSERT_TRUE(presented.has_value());
  EXPECT_EQ(presented->id, made.record.id);
  EXPECT_TRUE(same_secret(presented->secret_hash, made.record.secret_hash));
  // The stored hash is not the secret: the key's hex does not contain it.
  std::string hash_hex;
  for (const auto byte : made.record.secret_hash) {
    static constexpr char kHex[] = "0123456789abcdef";
    hash_hex += kHex[byte >> 4U];
    hash_hex += kHex[byte & 15U];
  }
  EXPECT_THAT(made.key, Not(HasSubstr(hash_hex)));
}

TEST(CredentialsTest, MalformedKeysAreNotKeys) {
  const NewApiKey made = make_api_key("usr_x", at("2026-01-01T00:00:00Z"), std::nullopt);
  EXPECT_FALSE(parse_api_key(made.key.substr(0, made.key.size() - 1)).has_value());  // short
  EXPECT_FALSE(parse_api_key(made.key + "0").has_value());                           // long
  std::string upper = made.key;
  upper.back() = 'G';  // not hex
  EXPECT_FALSE(parse_api_key(upper).has_value());
  EXPECT_FALSE(parse_api_key("ssad_key_aaaaaaaaaaaaaaaa").has_value());
  EXPECT_FALSE(parse_api_key("").has_value());
  // A forged secret parses, and does not match.
  std::string forged = made.key;
  forged.back() = forged.back() == '0' ? '1' : '0';
  const auto presented = parse_api_key(forged);
  ASSERT_TRUE(presented.has_value());
  EXPECT_FALSE(same_secret(presented->secret_hash, made.record.secret_hash));
}

class AuthenticatorTest : public ::testing::TestWithParam<ssad::testing::Backend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open(place_);
    directory_ = std::make_unique<Directory>(*store_, policy::Rules::builtin(), clock_);
    authenticator_ = std::make_unique<Authenticator>(store_->requestors(), clock_);
    org_ =
        directory_
            ->add_organisation(kConsole, {"Example Networks", model::OrganisationKind::requestor, "NL"}, "")
            .value();
    user_ = directory_->add_user(kConsole, {org_.id, "noc@example.net", "", "", 0}, "").value();
    accreditation_ = directory_
                         ->add_accreditation(kConsole,
                                             {org_.id,
                                              "network_operator",
                                              "FIRST",
                                              std::nullopt,
                                              at("2027-01-01T00:00:00Z"),
                                              "2026-1",
                                              {},
                                              {}},
                                             "vetted")
                         .value();
    key_ = directory_->create_key(kConsole, user_.id, at("2026-06-01T00:00:00Z"), "").value();
  }

  Result<std::optional<Authenticated>> with(const std::string& credential) {
    return authenticator_->authenticate("Bearer " + credential);
  }
  Result<Caller> caller(const std::string& credential, std::string_view purpose) {
    auto who = with(credential);
    if (!who) return std::unexpected(who.error());
    return caller_for(**who, purpose, policy::Rules::builtin());
  }

  ssad::testing::FakeClock clock_;
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Authenticator> authenticator_;
  model::Organisation org_;
  model::User user_;
  model::Accreditation accreditation_;
  NewApiKey key_;
};

TEST_P(AuthenticatorTest, NoCredentialsIsThePublic) {
  auto who = authenticator_->authenticate(std::nullopt);
  ASSERT_TRUE(who.has_value());
  EXPECT_FALSE(who->has_value());
}

TEST_P(AuthenticatorTest, AValidKeyIsItsUserWithTheOrganisationsAccreditations) {
  auto who = with(key_.key);
  ASSERT_TRUE(who.has_value()) << who.error().message;
  ASSERT_TRUE(who->has_value());
  EXPECT_EQ((*who)->user.id, user_.id);
  EXPECT_EQ((*who)->organisation.id, org_.id);
  ASSERT_EQ((*who)->accreditations.size(), 1U);
  EXPECT_EQ((*who)->credential_id, key_.record.id);
  // The scheme is case-insensitive (RFC 6750 via RFC 7235).
  EXPECT_TRUE(authenticator_->authenticate("bearer " + key_.key).has_value());
}

TEST_P(AuthenticatorTest, ForgedUnknownAndMalformedKeysReadAlike) {
  std::string forged = key_.key;
  forged.back() = forged.back() == '0' ? '1' : '0';
  const NewApiKey unknown = make_api_key(user_.id, clock_.now(), std::nullopt);  // never stored
  for (const std::string& credential : {forged, unknown.key, std::string("ssad_key_short")}) {
    auto who = with(credential);
    ASSERT_FALSE(who.has_value()) << credential;
    EXPECT_EQ(who.error().code, ErrorCode::unauthenticated);
    EXPECT_EQ(who.error().message, "The API key is not valid.");
  }
  auto basic = authenticator_->authenticate("Basic dXNlcjpwYXNz");
  ASSERT_FALSE(basic.has_value());
  EXPECT_EQ(basic.error().code, ErrorCode::unauthenticated);
}

TEST_P(AuthenticatorTest, ARevokedKeyFailsOnTheVeryNextRequest) {
  ASSERT_TRUE(with(key_.key).has_value());
  ASSERT_TRUE(directory_->revoke_key(kConsole, key_.record.id, "laptop lost").has_value());
  auto who = with(key_.key);
  ASSERT_FALSE(who.has_value());
  EXPECT_EQ(who.error().code, ErrorCode::unauthenticated);
  EXPECT_THAT(who.error().message, HasSubstr("revoked"));
  // Revoking twice is refused, and changes nothing.
  EXPECT_EQ(directory_->revoke_key(kConsole, key_.record.id, "again").error().code, ErrorCode::conflict);
}

TEST_P(AuthenticatorTest, AnExpiredKeyFails) {
  clock_.set_wall(at("2026-06-01T00:00:00Z"));
  auto who = with(key_.key);
  ASSERT_FALSE(who.has_value());
  EXPECT_THAT(who.error().message, HasSubstr("expired"));
}

TEST_P(AuthenticatorTest, AKeyOfAnotherUserIsThatUsersNotThisOnes) {
  const model::User other =
      directory_->add_user(kConsole, {org_.id, "soc@example.net", "", "", 0}, "").value();
  const NewApiKey other_key = directory_->create_key(kConsole, other.id, std::nullopt, "").value();
  EXPECT_EQ((*with(other_key.key))->user.id, other.id);
  EXPECT_EQ((*with(key_.key))->user.id, user_.id);
}

TEST_P(AuthenticatorTest, ACallerStatingAPermittedPurposeAsksUnderItsAccreditation) {
  auto as = caller(key_.key, "technicalIssueResolution");
  ASSERT_TRUE(as.has_value()) << as.error().message;
  ASSERT_NE(as->requestor(), nullptr);
  EXPECT_EQ(as->requestor()->accreditation->id, accreditation_.id);
  EXPECT_EQ(as->purpose(), "technicalIssueResolution");
  // Without a purpose: the public's answer (RFC 9560 §4.2.1).
  EXPECT_TRUE(caller(key_.key, "")->is_anonymous());
}

TEST_P(AuthenticatorTest, PurposesOutsideTheAccreditationOrUnknownAreRefused) {
  auto outside = caller(key_.key, "legalActions");
  ASSERT_FALSE(outside.has_value());
  EXPECT_EQ(outside.error().code, ErrorCode::forbidden);
  EXPECT_THAT(outside.error().message, HasSubstr("not permitted by the organisation's accreditation"));
  auto unknown = caller(key_.key, "madeUpPurpose");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code, ErrorCode::forbidden);
  auto malformed = caller(key_.key, "not-a-purpose");
  ASSERT_FALSE(malformed.has_value());
  EXPECT_EQ(malformed.error().code, ErrorCode::invalid_input);
}

TEST_P(AuthenticatorTest, SuspendedRevokedAndExpiredAccreditationsSayWhichOnTheNextRequest) {
  ASSERT_TRUE(directory_
                  ->change_accreditation(kConsole, accreditation_.id, AccreditationChange::suspend,
                                         "complaint under review")
                  .has_value());
  for (const std::string_view purpose : {"technicalIssueResolution", ""}) {
    auto suspended = caller(key_.key, purpose);
    ASSERT_FALSE(suspended.has_value());
    EXPECT_EQ(suspended.error().code, ErrorCode::forbidden);
    EXPECT_THAT(suspended.error().message, HasSubstr("suspended"));
    EXPECT_THAT(suspended.error().message, Not(HasSubstr("complaint")));  // the reason stays the operator's
  }
  ASSERT_TRUE(
      directory_->change_accreditation(kConsole, accreditation_.id, AccreditationChange::reinstate, "cleared")
          .has_value());
  EXPECT_TRUE(caller(key_.key, "technicalIssueResolution").has_value());
  ASSERT_TRUE(
      directory_->change_accreditation(kConsole, accreditation_.id, AccreditationChange::revoke, "misuse")
          .has_value());
  EXPECT_THAT(caller(key_.key, "technicalIssueResolution").error().message, HasSubstr("revoked"));
  // Revoked is final.
  EXPECT_EQ(directory_->change_accreditation(kConsole, accreditation_.id, AccreditationChange::reinstate, "x")
                .error()
                .code,
            ErrorCode::conflict);

  const model::Accreditation later =
      directory_
          ->add_accreditation(
              kConsole, {org_.id, "cert", "FIRST", std::nullopt, at("2026-03-01T00:00:00Z"), "", {}, {}}, "")
          .value();
  EXPECT_EQ(caller(key_.key, "technicalIssueResolution")->requestor()->accreditation->id, later.id);
  clock_.set_wall(at("2026-03-01T00:00:00Z"));
  EXPECT_THAT(caller(key_.key, "technicalIssueResolution").error().message, HasSubstr("expired"));
}

TEST_P(AuthenticatorTest, AnOrganisationNeverAccreditedGetsThePublicsAnswer) {
  const model::Organisation fresh =
      directory_->add_organisation(kConsole, {"Fresh Ltd", model::OrganisationKind::requestor, ""}, "")
          .value();
  const model::User someone =
      directory_->add_user(kConsole, {fresh.id, "a@fresh.example", "", "", 0}, "").value();
  const NewApiKey key = directory_->create_key(kConsole, someone.id, std::nullopt, "").value();
  auto as = caller(key.key, "technicalIssueResolution");
  ASSERT_TRUE(as.has_value());
  EXPECT_TRUE(as->is_anonymous());
}

TEST_P(AuthenticatorTest, TokensMapToTheUserOfTheirIssuerAndSubject) {
  const model::User mapped =
      directory_->add_user(kConsole, {org_.id, "sso@example.net", "https://idp.example", "sub-42", 0}, "")
          .value();
  int checks = 0;
  const Authenticator with_tokens(
      store_->requestors(), clock_, [&](std::string_view token) -> Result<VerifiedToken> {
        ++checks;
        if (token == "good")
          return VerifiedToken{"https://idp.example", "sub-42", std::vector<std::string>{"legalActions"},
                               false};
        if (token == "stranger") return VerifiedToken{"https://idp.example", "sub-7", std::nullopt, false};
        return fail(ErrorCode::unauthenticated, "The bearer token has expired.");
      });
  auto who = with_tokens.authenticate("Bearer good");
  ASSERT_TRUE(who.has_value()) << who.error().message;
  EXPECT_EQ((*who)->user.id, mapped.id);
  EXPECT_EQ((*who)->credential, CredentialKind::oidc_token);
  // The accreditation permits technicalIssueResolution, the token only legalActions: refused (RFC 9560).
  auto narrowed = caller_for(**who, "technicalIssueResolution", policy::Rules::builtin());
  ASSERT_FALSE(narrowed.has_value());
  EXPECT_THAT(narrowed.error().message, HasSubstr("rdap_allowed_purposes"));
  auto stranger = with_tokens.authenticate("Bearer stranger");
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().code, ErrorCode::forbidden);
  auto expired = with_tokens.authenticate("Bearer old");
  ASSERT_FALSE(expired.has_value());
  EXPECT_EQ(expired.error().code, ErrorCode::unauthenticated);
  // Without a token verifier, tokens are refused.
  EXPECT_EQ(authenticator_->authenticate("Bearer good").error().code, ErrorCode::unauthenticated);
  EXPECT_EQ(checks, 3);
}

TEST_P(AuthenticatorTest, ADisabledUserOrAStaffUserAsRequestorIsRefused) {
  const model::Organisation staff =
      directory_
          ->add_organisation(kConsole, {"Registry Operator", model::OrganisationKind::operator_staff, ""}, "")
          .value();
  const model::User admin =
      directory_
          ->add_user(kConsole, {staff.id, "admin@registry.example", "", "", model::kRoleAdministrator}, "")
          .value();
  const NewApiKey admin_key = directory_->create_key(kConsole, admin.id, std::nullopt, "").value();
  EXPECT_EQ(caller(admin_key.key, "technicalIssueResolution").error().code, ErrorCode::forbidden);
  EXPECT_EQ(directory_->set_user_disabled(kConsole, user_.id, true, "").error().code,
            ErrorCode::invalid_input);
  ASSERT_TRUE(directory_->set_user_disabled(kConsole, user_.id, true, "left the company").has_value());
  auto disabled = with(key_.key);
  ASSERT_FALSE(disabled.has_value());
  EXPECT_EQ(disabled.error().code, ErrorCode::forbidden);
  EXPECT_EQ(directory_->set_user_disabled(kConsole, user_.id, true, "again").error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(directory_->set_user_disabled(kConsole, user_.id, false, "returned").has_value());
  EXPECT_TRUE(with(key_.key).has_value());
  const auto head = store_->audit_log().head().value();
  const auto last = store_->audit_log().entries(head.size - 2, head.size).value();
  EXPECT_EQ(last[0].action, "requestor.user.disable");
  EXPECT_EQ(last[1].action, "requestor.user.enable");
}

TEST_P(AuthenticatorTest, EveryChangeIsAuditedWithWhoAndWhyAndNoEmail) {
  auto entries = store_->audit_log().entries(0, 100);
  ASSERT_TRUE(entries.has_value());
  std::vector<std::string> actions;
  for (const store::AuditRecord& record : *entries) {
    actions.push_back(record.action);
    EXPECT_EQ(record.actor_kind, "operator");
    EXPECT_EQ(record.actor_id, "test-console");
    EXPECT_THAT(record.encoding, Not(HasSubstr("noc@example.net")));
  }
  EXPECT_THAT(actions, ::testing::ElementsAre("requestor.organisation.add", "requestor.user.add",
                                              "requestor.accreditation.add", "requestor.key.create"));
  const audit::Entry accreditation = audit::decode((*entries)[2].encoding).value();
  EXPECT_EQ(accreditation.object.id, accreditation_.id);
  EXPECT_THAT(accreditation.detail,
              ::testing::Contains(std::pair<std::string, std::string>("reason", "vetted")));
  EXPECT_THAT(accreditation.detail,
              ::testing::Contains(std::pair<std::string, std::string>("group", "network_operator")));
  // A key's audit entry names the key's id, never the key.
  EXPECT_THAT((*entries)[3].encoding, Not(HasSubstr(key_.key.substr(26))));
}

// Issue 15: which organisation is which registrar, for its users to issue registrant sessions.
TEST_P(AuthenticatorTest, AnOrganisationBecomesARegistrarIsAuditedAndNoOtherCanBeThatRegistrar) {
  NewOrganisation registrar{"Example Registrar", model::OrganisationKind::requestor, "US", 9999};
  const model::Organisation made =
      directory_->add_organisation(kConsole, registrar, "contract 2026-7").value();
  EXPECT_EQ(made.registrar_iana_id, std::optional<std::int64_t>(9999));
  EXPECT_EQ(store_->requestors().organisation(made.id).value(), made);

  // No second organisation is registrar 9999, neither when added nor when changed; nothing is logged.
  const auto count = [&] { return store_->audit_log().head().value().size; };
  const auto before = count();
  registrar.name = "Impostor";
  const auto twice = directory_->add_organisation(kConsole, registrar, "");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_THAT(twice.error().message, HasSubstr("9999"));
  EXPECT_EQ(directory_->set_registrar(kConsole, org_.id, 9999, "mistake").error().code, ErrorCode::conflict);
  EXPECT_EQ(directory_->set_registrar(kConsole, made.id, 9999, "again").error().code, ErrorCode::conflict);
  EXPECT_EQ(count(), before);

  // The organisation of a key's user says which registrar it is, from the next request on.
  const auto callers_registrar = [&]() -> std::optional<std::int64_t> {
    auto who = with(key_.key);
    if (!who.has_value() || !who->has_value()) {
      ADD_FAILURE() << "the key does not authenticate";
      return -1;
    }
    return (*who)->organisation.registrar_iana_id;
  };
  EXPECT_EQ(callers_registrar(), std::nullopt);
  const model::Organisation now_registrar =
      directory_->set_registrar(kConsole, org_.id, 1234, "they are registrar 1234").value();
  EXPECT_EQ(now_registrar.registrar_iana_id, std::optional<std::int64_t>(1234));
  EXPECT_EQ(callers_registrar(), std::optional<std::int64_t>(1234));
  // Cleared, its IANA ID is free for another.
  ASSERT_TRUE(directory_->set_registrar(kConsole, made.id, std::nullopt, "contract ended").has_value());
  EXPECT_FALSE(store_->requestors().organisation(made.id).value().registrar_iana_id.has_value());
  ASSERT_TRUE(directory_->set_registrar(kConsole, org_.id, 9999, "renumbered").has_value());
  EXPECT_EQ(callers_registrar(), std::optional<std::int64_t>(9999));

  // Each change is audited with who, why, and the IANA IDs before and after.
  const auto head = store_->audit_log().head().value();
  const auto records = store_->audit_log().entries(head.size - 3, head.size).value();
  std::vector<audit::Entry> entries;
  entries.reserve(records.size());
  for (const store::AuditRecord& record : records) entries.push_back(audit::decode(record.encoding).value());
  using Detail = std::pair<std::string, std::string>;
  const audit::Entry added =
      audit::decode(store_->audit_log().entries(before - 1, before).value()[0].encoding).value();
  EXPECT_EQ(added.action, "requestor.organisation.add");
  EXPECT_THAT(added.detail, ::testing::Contains(Detail("registrar_iana_id", "9999")));
  EXPECT_EQ(entries[0].action, "requestor.organisation.set_registrar");
  EXPECT_EQ(entries[0].actor, kConsole);
  EXPECT_EQ(entries[0].object, (audit::Object{"organisation", org_.id}));
  EXPECT_THAT(entries[0].detail, ::testing::Contains(Detail("reason", "they are registrar 1234")));
  EXPECT_THAT(entries[0].detail, ::testing::Contains(Detail("registrar_iana_id_before", "none")));
  EXPECT_THAT(entries[0].detail, ::testing::Contains(Detail("registrar_iana_id_after", "1234")));
  EXPECT_THAT(entries[1].detail, ::testing::Contains(Detail("registrar_iana_id_before", "9999")));
  EXPECT_THAT(entries[1].detail, ::testing::Contains(Detail("registrar_iana_id_after", "none")));
  EXPECT_THAT(entries[2].detail, ::testing::Contains(Detail("registrar_iana_id_before", "1234")));
  EXPECT_THAT(entries[2].detail, ::testing::Contains(Detail("registrar_iana_id_after", "9999")));
}

TEST_P(AuthenticatorTest, ARegistrarIdThatIsNotPositiveOrAChangeWithoutAReasonChangesNothing) {
  const auto count = [&] { return store_->audit_log().head().value().size; };
  const auto before = count();
  for (const std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}}) {
    const auto added = directory_->add_organisation(
        kConsole, {"Example Registrar", model::OrganisationKind::requestor, "", bad}, "");
    ASSERT_FALSE(added.has_value());
    EXPECT_EQ(added.error().code, ErrorCode::invalid_input);
    EXPECT_THAT(added.error().message, HasSubstr("registrar_iana_id"));
    EXPECT_EQ(directory_->set_registrar(kConsole, org_.id, bad, "typo").error().code,
              ErrorCode::invalid_input);
  }
  EXPECT_EQ(directory_->set_registrar(kConsole, org_.id, 1234, "").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(directory_->set_registrar(kConsole, "org_nonexistent00000", 1234, "x").error().code,
            ErrorCode::not_found);
  // It is no registrar already.
  EXPECT_EQ(directory_->set_registrar(kConsole, org_.id, std::nullopt, "x").error().code,
            ErrorCode::conflict);
  EXPECT_EQ(count(), before);
  EXPECT_FALSE(store_->requestors().organisation(org_.id).value().registrar_iana_id.has_value());
}

TEST_P(AuthenticatorTest, BadInputChangesNothing) {
  const auto count = [&] { return store_->audit_log().head().value().size; };
  const auto before = count();
  EXPECT_EQ(directory_->add_user(kConsole, {org_.id, "not an email", "", "", 0}, "").error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(
      directory_->add_user(kConsole, {org_.id, "a@b.example", "https://idp.example", "", 0}, "").error().code,
      ErrorCode::invalid_input);
  EXPECT_EQ(
      directory_->add_user(kConsole, {"org_nonexistent00000", "a@b.example", "", "", 0}, "").error().code,
      ErrorCode::not_found);
  EXPECT_EQ(directory_->add_user(kConsole, {org_.id, "a@b.example", "", "", model::kRoleAdministrator}, "")
                .error()
                .code,
            ErrorCode::invalid_input);
  EXPECT_EQ(directory_
                ->add_accreditation(
                    kConsole,
                    {org_.id, "astronauts", "X", std::nullopt, at("2027-01-01T00:00:00Z"), "", {}, {}}, "")
                .error()
                .code,
            ErrorCode::invalid_input);
  EXPECT_EQ(
      directory_
          ->add_accreditation(
              kConsole,
              {org_.id, "cert", "X", at("2026-05-01T00:00:00Z"), at("2026-04-01T00:00:00Z"), "", {}, {}}, "")
          .error()
          .code,
      ErrorCode::invalid_input);
  EXPECT_EQ(directory_->change_accreditation(kConsole, accreditation_.id, AccreditationChange::suspend, "")
                .error()
                .code,
            ErrorCode::invalid_input);  // a suspension needs its reason
  EXPECT_EQ(directory_->create_key(kConsole, user_.id, at("2025-01-01T00:00:00Z"), "").error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(
      directory_->add_organisation(kConsole, {"Line\nbreak", model::OrganisationKind::requestor, ""}, "")
          .error()
          .code,
      ErrorCode::invalid_input);
  EXPECT_EQ(count(), before);
}

// The requestor directory of the store, counting the reads a credential check makes.
class CountingDirectory final : public store::RequestorReader {
 public:
  explicit CountingDirectory(store::RequestorReader& directory) : directory_(directory) {}

  Result<model::Organisation> organisation(const std::string& id) override {
    ++reads;
    return directory_.organisation(id);
  }
  Result<std::vector<model::Organisation>> organisations(const store::Page& page) override {
    ++reads;
    return directory_.organisations(page);
  }
  Result<model::User> user(const std::string& id) override {
    ++reads;
    return directory_.user(id);
  }
  Result<model::User> user_by_oidc(const std::string& issuer, const std::string& subject) override {
    ++reads;
    return directory_.user_by_oidc(issuer, subject);
  }
  Result<std::vector<model::User>> users(const std::string& org_id, const store::Page& page) override {
    ++reads;
    return directory_.users(org_id, page);
  }
  Result<model::Accreditation> accreditation(const std::string& id) override {
    ++reads;
    return directory_.accreditation(id);
  }
  Result<std::vector<model::Accreditation>> accreditations(const std::string& org_id,
                                                           const store::Page& page) override {
    ++reads;
    return directory_.accreditations(org_id, page);
  }
  Result<model::ApiKey> api_key(const std::string& id) override {
    ++reads;
    return directory_.api_key(id);
  }
  Result<std::vector<model::ApiKey>> api_keys(const std::string& user_id, const store::Page& page) override {
    ++reads;
    return directory_.api_keys(user_id, page);
  }

  int reads = 0;

 private:
  store::RequestorReader& directory_;
};

class CredentialSuspensionTest : public AuthenticatorTest {
 protected:
  void SetUp() override {
    AuthenticatorTest::SetUp();
    sso_ =
        directory_->add_user(kConsole, {org_.id, "sso@example.net", "https://idp.example", "sub-42", 0}, "")
            .value();
    sso_key_ = directory_->create_key(kConsole, sso_.id, std::nullopt, "").value();
    counting_ = std::make_unique<CountingDirectory>(store_->requestors());
    tokens_ = std::make_unique<Authenticator>(
        *counting_, clock_, [](std::string_view token) -> Result<VerifiedToken> {
          if (token == "sso-token")
            return VerifiedToken{"https://idp.example", "sub-42", std::nullopt, false};
          return fail(ErrorCode::unauthenticated, "The bearer token is not valid.");
        });
  }

  // What the one authenticator (reading through counting_) says of `credential`.
  Result<std::optional<Authenticated>> as(const std::string& credential) {
    return tokens_->authenticate("Bearer " + credential);
  }

  // Suspends (or, with nullopt, lifts) through the store, as the abuse monitor or an administrator will.
  void key_suspension(const std::string& key_id, std::optional<Timestamp> since) {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->requestors()
                    .set_api_key_suspension(key_id, since, "case abc_1: 412 generated names")
                    .has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }
  void tokens_suspension(const std::string& user_id, std::optional<Timestamp> since) {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->requestors().set_tokens_suspension(user_id, since).has_value());
    ASSERT_TRUE(work->commit(clock_.now()).has_value());
  }

  static void expect_suspended(const Result<std::optional<Authenticated>>& who) {
    ASSERT_FALSE(who.has_value());
    EXPECT_EQ(who.error().code, ErrorCode::forbidden);
    EXPECT_THAT(who.error().message, HasSubstr("suspended"));
    EXPECT_THAT(who.error().message, HasSubstr("lift"));
    EXPECT_THAT(who.error().message, Not(HasSubstr("abc_1")));  // the reason stays the operator's
  }

  model::User sso_;
  NewApiKey sso_key_;
  std::unique_ptr<CountingDirectory> counting_;
  std::unique_ptr<Authenticator> tokens_;
};

TEST_P(CredentialSuspensionTest, ASuspendedKeyIsRefusedWith403OnTheNextRequestUntilTheSuspensionIsLifted) {
  const NewApiKey second = directory_->create_key(kConsole, user_.id, std::nullopt, "").value();
  ASSERT_TRUE(as(key_.key).has_value());
  key_suspension(key_.record.id, clock_.now());
  expect_suspended(as(key_.key));
  // Only that key: the same user's other key still works.
  EXPECT_EQ((*as(second.key))->user.id, user_.id);
  key_suspension(key_.record.id, std::nullopt);
  const auto lifted = as(key_.key);
  ASSERT_TRUE(lifted.has_value()) << lifted.error().message;
  EXPECT_EQ((*lifted)->user.id, user_.id);
}

TEST_P(CredentialSuspensionTest, ATokenOfAUserWhoseTokensAreSuspendedIsRefusedAndItsKeysStillWork) {
  ASSERT_TRUE(as("sso-token").has_value());
  tokens_suspension(sso_.id, clock_.now());
  expect_suspended(as("sso-token"));
  const auto key = as(sso_key_.key);
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ((*key)->user.id, sso_.id);
  tokens_suspension(sso_.id, std::nullopt);
  const auto lifted = as("sso-token");
  ASSERT_TRUE(lifted.has_value()) << lifted.error().message;
  EXPECT_EQ((*lifted)->credential, CredentialKind::oidc_token);
}

TEST_P(CredentialSuspensionTest, ASuspendedKeyLeavesItsUsersTokensWorking) {
  key_suspension(sso_key_.record.id, clock_.now());
  expect_suspended(as(sso_key_.key));
  const auto token = as("sso-token");
  ASSERT_TRUE(token.has_value()) << token.error().message;
  EXPECT_EQ((*token)->user.id, sso_.id);
}

TEST_P(CredentialSuspensionTest, ADisabledUserWhoseTokensAreSuspendedIsToldItIsDisabled) {
  tokens_suspension(sso_.id, clock_.now());
  ASSERT_TRUE(directory_->set_user_disabled(kConsole, sso_.id, true, "left").has_value());
  const auto who = as("sso-token");
  ASSERT_FALSE(who.has_value());
  EXPECT_EQ(who.error().code, ErrorCode::forbidden);
  EXPECT_THAT(who.error().message, HasSubstr("disabled"));
}

// The suspension is on the rows every check reads anyway: a check reads no more than before, and a
// suspended credential is refused after the one read that finds it.
TEST_P(CredentialSuspensionTest, ASuspensionCostsTheCheckNoReadOfItsOwn) {
  const auto reads_of = [&](const std::string& credential) {
    counting_->reads = 0;
    (void)as(credential);
    return counting_->reads;
  };
  EXPECT_EQ(reads_of(sso_key_.key), 4);  // the key, its user, the organisation, its accreditations
  EXPECT_EQ(reads_of("sso-token"), 3);   // the user, the organisation, its accreditations
  key_suspension(sso_key_.record.id, clock_.now());
  tokens_suspension(sso_.id, clock_.now());
  EXPECT_EQ(reads_of(sso_key_.key), 1);
  EXPECT_EQ(reads_of("sso-token"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CredentialSuspensionTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

INSTANTIATE_TEST_SUITE_P(Backends, AuthenticatorTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

}  // namespace
}  // namespace ssad::identity
