// RFC 9537 paths of catalogue fields (rdap/redaction.hpp), checked against the 2024 profile's real-world
// example and RFC 9537 §5.2.

#include "rdap/redaction.hpp"

#include <map>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace ssad::rdap {
namespace {

using catalog::Field;
using catalog::JcardProperty;
using catalog::RedactionMethod;
using catalog::TelType;

const Field& must_find(std::string_view key) {
  const Field* found = catalog::find_field(key);
  if (found == nullptr) {
    ADD_FAILURE() << "catalogue has no field " << key;
    static constexpr Field kNone{};
    return kNone;
  }
  return *found;
}

constexpr std::string_view kRegistrantVcard = "$.entities[?(@.roles[0]=='registrant')].vcardArray[1]";

TEST(RedactionPathTest, RegistrantEmailIsRemovedWithRegisteredName) {
  const Field& email = must_find("registrant.email");
  EXPECT_EQ(email.redacted_name, "Registrant Email");
  EXPECT_TRUE(email.registered_name);
  EXPECT_EQ(email.redaction_method, RedactionMethod::removal);
  EXPECT_EQ(path_kind(email.redaction_method), PathKind::pre_path);
  EXPECT_EQ(redaction_path(email), std::string(kRegistrantVcard) + "[?(@[0]=='email')]");
}

TEST(RedactionPathTest, PathsMatchTheProfileRealWorldExample) {
  const std::string vcard(kRegistrantVcard);
  const std::map<std::string_view, std::string> expected = {
      {"domain.handle", "$.handle"},
      {"registrant.handle", "$.entities[?(@.roles[0]=='registrant')].handle"},
      {"registrant.name", "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='fn')][3]"},
      {"registrant.street", vcard + "[?(@[0]=='adr')][3][:3]"},
      {"registrant.city", vcard + "[?(@[0]=='adr')][3][3]"},
      {"registrant.postal_code", vcard + "[?(@[0]=='adr')][3][5]"},
      {"registrant.phone", "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[1].type=='voice')]"},
      {"registrant.fax", "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[1].type=='fax')]"},
      {"registrant.email", "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='email')]"},
  };
  for (const auto& [key, path] : expected) {
    EXPECT_EQ(redaction_path(must_find(key)), path) << key;
  }
}

TEST(RedactionPathTest, RemovedFieldsUsePrePathAndEmptiedFieldsPostPath) {
  EXPECT_EQ(path_kind(must_find("registrant.handle").redaction_method), PathKind::pre_path);
  EXPECT_EQ(path_kind(must_find("registrant.name").redaction_method), PathKind::post_path);
  EXPECT_EQ(path_kind(RedactionMethod::partial_value), PathKind::post_path);
  EXPECT_EQ(path_kind(RedactionMethod::replacement_value), PathKind::post_path);
}

TEST(RedactionPathTest, OrganizationIsRemovedAsAWholeProperty) {
  const Field& org = must_find("registrant.organization");
  EXPECT_EQ(org.redaction_method, RedactionMethod::removal);
  EXPECT_EQ(redaction_path(org), std::string(kRegistrantVcard) + "[?(@[0]=='org')]");
}

TEST(RedactionPathTest, PhoneExtensionSharesThePhonesTelProperty) {
  const Field& phone = must_find("registrant.phone");
  const Field& ext = must_find("registrant.phone_ext");
  EXPECT_EQ(ext.rdap.property, JcardProperty::tel);
  EXPECT_EQ(ext.rdap.tel_type, TelType::voice);
  EXPECT_TRUE(ext.rdap.tel_extension);
  EXPECT_FALSE(phone.rdap.tel_extension);
  EXPECT_EQ(redaction_path(ext), redaction_path(phone));
  EXPECT_EQ(redaction_path(must_find("tech.fax_ext")), redaction_path(must_find("tech.fax")));
}

TEST(RedactionPathTest, OnlyExtensionsShareTheirRedactionPath) {
  std::map<std::string, std::string_view> owner;
  for (const Field& f : catalog::all_fields()) {
    if (f.rdap.tel_extension) {
      continue;
    }
    const auto [it, inserted] = owner.emplace(redaction_path(f), f.key);
    EXPECT_TRUE(inserted) << f.key << " and " << it->second << " share " << it->first;
  }
}

TEST(RedactionPathTest, SearchResultPrefixReplacesTheRoot) {
  EXPECT_EQ(redaction_path(must_find("domain.handle"), "$.domainSearchResults[0]"),
            "$.domainSearchResults[0].handle");
  EXPECT_EQ(redaction_path(must_find("registrant.email"), "$.domainSearchResults[0]"),
            "$.domainSearchResults[0].entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='email')]");
  EXPECT_EQ(
      redaction_path(must_find("registrant.city"), "$.domainSearchResults[2]"),
      "$.domainSearchResults[2].entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='adr')][3][3]");
}

TEST(RedactionPathTest, EmailReplacementPointsAtTheValue) {
  // RFC 9537 §3: an anonymised email is replacementValue with postPath ...[?(@[0]=='email')][3].
  EXPECT_EQ(redaction_path(must_find("tech.email"), RedactionMethod::replacement_value),
            "$.entities[?(@.roles[0]=='technical')].vcardArray[1][?(@[0]=='email')][3]");
}

TEST(RedactionPathTest, AContactUriReplacingAnEmailIsAPropertyOfTheSameEntity) {
  // RFC 9537 §3.4 and the 2024 profile: the replacementPath of an email given way to a web form.
  EXPECT_EQ(contact_uri_path(must_find("registrant.email")),
            std::string(kRegistrantVcard) + "[?(@[0]=='contact-uri')]");
  EXPECT_EQ(
      contact_uri_path(must_find("registrant.email"), "$.domainSearchResults[2]"),
      "$.domainSearchResults[2].entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='contact-uri')]");
  EXPECT_EQ(contact_uri_path(must_find("registrant.email"), "$", true),
            "$.vcardArray[1][?(@[0]=='contact-uri')]");
}

TEST(RedactionPathTest, OtherContactsAreSelectedByTheirRdapRole) {
  EXPECT_EQ(redaction_path(must_find("tech.handle")), "$.entities[?(@.roles[0]=='technical')].handle");
  EXPECT_EQ(redaction_path(must_find("tech.name")),
            "$.entities[?(@.roles[0]=='technical')].vcardArray[1][?(@[0]=='fn')][3]");
  EXPECT_EQ(redaction_path(must_find("admin.phone")),
            "$.entities[?(@.roles[0]=='administrative')].vcardArray[1][?(@[1].type=='voice')]");
  EXPECT_EQ(redaction_path(must_find("billing.state_province")),
            "$.entities[?(@.roles[0]=='billing')].vcardArray[1][?(@[0]=='adr')][3][4]");
}

TEST(RedactionPathTest, DomainAndRegistrarLocationsAddressTheirMembers) {
  EXPECT_EQ(redaction_path(must_find("domain.created")), "$.events[?(@.eventAction=='registration')]");
  EXPECT_EQ(redaction_path(must_find("domain.updated")), "$.events[?(@.eventAction=='last changed')]");
  EXPECT_EQ(redaction_path(must_find("registrar.whois_server")), "$.port43");
  EXPECT_EQ(redaction_path(must_find("registrar.abuse_email")),
            "$.entities[?(@.roles[0]=='registrar')].entities[?(@.roles[0]=='abuse')].vcardArray[1][?(@[0]=='"
            "email')]");
  EXPECT_EQ(redaction_path(must_find("registrar.iana_id")),
            "$.entities[?(@.roles[0]=='registrar')].publicIds[?(@.type=='IANA Registrar ID')]");
  EXPECT_EQ(redaction_path(must_find("registrant.country_code")),
            std::string(kRegistrantVcard) + "[?(@[0]=='adr')][1].cc");
}

}  // namespace
}  // namespace ssad::rdap
