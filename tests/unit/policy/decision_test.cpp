// The anonymous public's decision (DESIGN.md §3.2, §4 invariant 1): what is disclosed, what is withheld
// and why, which contacts are left out, and which rules decided.

#include "policy/decision.hpp"

#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy/values.hpp"
#include "support/registration_fixtures.hpp"

namespace ssad::policy {
namespace {

using catalog::Role;
using model::ContactRole;
using model::PersonType;

const catalog::Field& field(std::string_view key) { return *catalog::find_field(key); }

model::Contact contact(const char* handle, PersonType type, unsigned consent = 0) {
  model::Contact c = ssad::testing::sample_contact(handle, std::string("Name of ") + handle,
                                                   std::string(handle) + "@mail.example");
  c.person_type = type;
  c.consent = consent;
  return c;
}

model::Registration registration(std::vector<std::pair<ContactRole, model::Contact>> contacts) {
  model::Registration r;
  r.domain = ssad::testing::sample_domain("example.test", "D1-TEST");
  r.registrar = ssad::testing::sample_registrar();
  r.contacts = std::move(contacts);
  return r;
}

Decision anonymous(const model::Registration& r, model::Operator role = model::Operator::registry) {
  return decide(identity::Caller::anonymous(), r, Settings{role});
}

TEST(DecisionTest, WithholdsEveryPersonalFieldOfANaturalPersonAsPersonalData) {
  const Decision d =
      anonymous(registration({{ContactRole::registrant, contact("nat", PersonType::natural)}}));
  for (const char* key :
       {"registrant.handle", "registrant.name", "registrant.organization", "registrant.street",
        "registrant.city", "registrant.postal_code", "registrant.phone", "registrant.phone_ext",
        "registrant.fax", "registrant.fax_ext", "registrant.email"}) {
    EXPECT_EQ(d[field(key)].disposition, Disposition::withhold) << key;
    EXPECT_EQ(d[field(key)].reason, Reason::personal_data) << key;
    EXPECT_EQ(d[field(key)].rule, rule::kPersonalData) << key;
  }
  EXPECT_TRUE(d.discloses(field("registrant.state_province")));
  EXPECT_TRUE(d.discloses(field("registrant.country_code")));
  EXPECT_EQ(d[field("registrant.country_code")].rule, rule::kPublicElement);
  EXPECT_TRUE(d.discloses(field("domain.name")));
  EXPECT_TRUE(d.discloses(field("registrar.abuse_email")));
}

TEST(DecisionTest, AnUnknownPersonTypeIsWithheldLikeANaturalPerson) {
  const Decision d =
      anonymous(registration({{ContactRole::registrant, contact("unk", PersonType::unknown)}}));
  EXPECT_FALSE(d.discloses(field("registrant.name")));
  EXPECT_FALSE(d.discloses(field("registrant.email")));
  EXPECT_EQ(d[field("registrant.email")].reason, Reason::personal_data);
}

// A legal person's organisation-level data is not personal data; the person at a legal person (name,
// email, phone, fax) is, unless that person consented or the operator's switch publishes it.
TEST(DecisionTest, DisclosesALegalPersonsOrganisationLevelDataButNotThePersonAtIt) {
  const auto r = registration({{ContactRole::registrant, contact("leg", PersonType::legal)}});
  const Decision d = anonymous(r);
  for (const char* key : {"registrant.handle", "registrant.organization", "registrant.street",
                          "registrant.city", "registrant.postal_code"}) {
    EXPECT_TRUE(d.discloses(field(key))) << key;
    EXPECT_EQ(d[field(key)].rule, rule::kLegalPerson) << key;
  }
  for (const char* key : {"registrant.name", "registrant.email", "registrant.phone", "registrant.phone_ext",
                          "registrant.fax", "registrant.fax_ext"}) {
    EXPECT_FALSE(d.discloses(field(key))) << key;
    EXPECT_EQ(d[field(key)].reason, Reason::personal_data) << key;
  }

  auto published = std::make_shared<Rules>(
      *Rules::parse("version = 1\n[settings]\npublish_legal_person_contacts = true\n", "t"));
  const Decision with_switch =
      decide(identity::Caller::anonymous(), r, Settings{model::Operator::registry, published});
  EXPECT_TRUE(with_switch.discloses(field("registrant.email")));
  EXPECT_EQ(with_switch[field("registrant.email")].rule, rule::kLegalPersonContacts);
  EXPECT_EQ(with_switch[field("registrant.organization")].rule, rule::kLegalPerson);

  const Decision consented = anonymous(
      registration({{ContactRole::registrant, contact("leg", PersonType::legal, model::kConsentEmail)}}));
  EXPECT_EQ(consented[field("registrant.email")].rule, rule::kConsent);
  EXPECT_FALSE(consented.discloses(field("registrant.phone")));
}

TEST(DecisionTest, ConsentDisclosesExactlyTheConsentedElements) {
  const Decision d = anonymous(
      registration({{ContactRole::registrant,
                     contact("con", PersonType::natural, model::kConsentName | model::kConsentEmail)}}));
  EXPECT_TRUE(d.discloses(field("registrant.name")));
  EXPECT_TRUE(d.discloses(field("registrant.email")));
  EXPECT_EQ(d[field("registrant.email")].rule, rule::kConsent);
  EXPECT_FALSE(d.discloses(field("registrant.phone")));
  EXPECT_FALSE(d.discloses(field("registrant.street")));
  EXPECT_FALSE(d.discloses(field("registrant.handle")));  // a handle has no consent element
}

// A role held by several contacts shows a field only when every one of them may show it: one legal tech
// contact beside a natural one must not publish the natural person's data.
TEST(DecisionTest, ARoleWithSeveralContactsShowsAFieldOnlyIfAllMay) {
  const Decision mixed = anonymous(registration({{ContactRole::registrant, contact("leg", PersonType::legal)},
                                                 {ContactRole::tech, contact("leg", PersonType::legal)},
                                                 {ContactRole::tech, contact("nat", PersonType::natural)}}));
  for (const catalog::Field& f : catalog::fields_of_role(Role::tech)) {
    EXPECT_FALSE(mixed.discloses(f)) << f.key;
  }
  EXPECT_TRUE(mixed.omits_contact(Role::tech));
  const Decision both_legal = anonymous(registration({{ContactRole::tech, contact("a", PersonType::legal)},
                                                      {ContactRole::tech, contact("b", PersonType::legal)}}));
  EXPECT_TRUE(both_legal.discloses(field("tech.organization")));
  EXPECT_FALSE(both_legal.discloses(field("tech.email")));
  EXPECT_FALSE(both_legal.omits_contact(Role::tech));
}

TEST(DecisionTest, LeavesOutOtherContactsThePublicSeesNothingOfButNeverTheRegistrant) {
  const Decision d = anonymous(registration({{ContactRole::registrant, contact("nat", PersonType::natural)},
                                             {ContactRole::admin, contact("adm", PersonType::natural)},
                                             {ContactRole::tech, contact("leg", PersonType::legal)}}));
  EXPECT_FALSE(d.omits_contact(Role::registrant));
  EXPECT_TRUE(d.omits_contact(Role::admin));
  EXPECT_FALSE(d.omits_contact(Role::tech));
  EXPECT_TRUE(d.omits_contact(Role::billing));
}

TEST(DecisionTest, ARoleNobodyHoldsIsCoveredByNoRule) {
  const Decision d = anonymous(registration({{ContactRole::registrant, contact("leg", PersonType::legal)}}));
  EXPECT_FALSE(d.discloses(field("billing.email")));
  EXPECT_EQ(d[field("billing.email")].reason, Reason::no_policy);
  EXPECT_EQ(d[field("billing.email")].rule, rule::kNone);
}

TEST(DecisionTest, ARegistryPointsWithheldEmailsToTheRegistrarAndARegistrarDoesNot) {
  const auto r = registration({{ContactRole::registrant, contact("nat", PersonType::natural)}});
  EXPECT_EQ(anonymous(r, model::Operator::registry)[field("registrant.email")].notice, Notice::ask_registrar);
  EXPECT_EQ(anonymous(r, model::Operator::registry)[field("registrant.name")].notice, Notice::redacted);
  EXPECT_EQ(anonymous(r, model::Operator::registrar)[field("registrant.email")].notice, Notice::redacted);
}

TEST(DecisionTest, NamesEveryRuleThatDecidedOnce) {
  const Decision d = anonymous(registration({{ContactRole::registrant, contact("nat", PersonType::natural)},
                                             {ContactRole::tech, contact("leg", PersonType::legal)}}));
  EXPECT_THAT(d.rules(),
              ::testing::UnorderedElementsAre(rule::kPublicElement, rule::kPersonalData, rule::kLegalPerson));
  EXPECT_EQ(d.disclosed().contains("tech.street"), true);
  EXPECT_EQ(d.disclosed().contains("tech.email"), false);
  EXPECT_EQ(d.disclosed().contains("registrant.email"), false);
}

TEST(DecisionTest, NothingIsDisclosedByOmission) {
  const Decision empty;
  for (const catalog::Field& f : catalog::all_fields()) {
    EXPECT_FALSE(empty.discloses(f)) << f.key;
    EXPECT_EQ(empty[f].reason, Reason::no_policy);
  }
}

TEST(ContactValueTest, ReadsEachElementOfAContact) {
  model::Contact c = contact("nat", PersonType::natural);
  c.postal[0].address.street[0].clear();
  EXPECT_EQ(contact_value(catalog::Element::street, c), "Suite 100");  // the first line that is there
  EXPECT_EQ(contact_value(catalog::Element::email, c), "nat@mail.example");
  EXPECT_EQ(contact_value(catalog::Element::phone_ext, c), "1234");
  EXPECT_EQ(contact_value(catalog::Element::country_code, c), "US");
  EXPECT_EQ(contact_value(catalog::Element::domain_name, c), "");
  c.postal.clear();
  EXPECT_EQ(contact_value(catalog::Element::name, c), "");
  EXPECT_EQ(contact_value(catalog::Element::handle, c), "nat");
}

TEST(ReasonTest, EveryReasonHasASpellingAndADescription) {
  for (const Reason r : {Reason::personal_data, Reason::no_policy, Reason::pending_review}) {
    EXPECT_FALSE(to_string(r).empty());
    EXPECT_FALSE(describe(r).empty());
  }
}

}  // namespace
}  // namespace ssad::policy
