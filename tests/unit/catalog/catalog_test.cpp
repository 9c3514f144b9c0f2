#include "catalog/catalog.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ssad::catalog {
namespace {

const Field& must_find(std::string_view key) {
  const Field* found = find_field(key);
  if (found == nullptr) {
    ADD_FAILURE() << "catalogue has no field " << key;
    static constexpr Field kNone{};
    return kNone;
  }
  return *found;
}

TEST(CatalogTest, KeysAreUniqueAndDotted) {
  std::set<std::string_view> seen;
  for (const Field& f : all_fields()) {
    EXPECT_TRUE(seen.insert(f.key).second) << "duplicate key " << f.key;
    const auto dot = f.key.find('.');
    ASSERT_NE(dot, std::string_view::npos) << f.key;
    EXPECT_EQ(f.key.find('.', dot + 1), std::string_view::npos) << f.key;
    EXPECT_TRUE(std::all_of(f.key.begin(), f.key.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '_' || c == '.';
    })) << f.key;
  }
  EXPECT_EQ(seen.size(), all_fields().size());
}

TEST(CatalogTest, HasTheRequiredPublicDomainAndRegistrarFields) {
  for (const std::string_view key :
       {"domain.name", "domain.handle", "domain.status", "domain.created", "domain.updated", "domain.expires",
        "domain.nameservers", "domain.dnssec", "registrar.name", "registrar.iana_id", "registrar.url",
        "registrar.whois_server", "registrar.abuse_email", "registrar.abuse_phone", "domain.reseller"}) {
    const Field* f = find_field(key);
    ASSERT_NE(f, nullptr) << key;
    EXPECT_EQ(f->role, Role::none) << key;
    EXPECT_FALSE(f->personal_data) << key;
    EXPECT_EQ(f->default_visibility, Visibility::public_always) << key;
  }
}

TEST(CatalogTest, EveryContactHasTheSameThirteenElements) {
  const std::vector<std::string_view> elements = {
      "handle",       "name",  "organization", "street", "city",    "state_province", "postal_code",
      "country_code", "phone", "phone_ext",    "fax",    "fax_ext", "email"};
  for (const Role role : {Role::registrant, Role::admin, Role::tech, Role::billing}) {
    const auto fields = fields_of_role(role);
    ASSERT_EQ(fields.size(), elements.size()) << to_string(role);
    for (std::size_t i = 0; i < elements.size(); ++i) {
      EXPECT_EQ(fields[i].key, std::string(to_string(role)) + "." + std::string(elements[i]));
      EXPECT_EQ(fields[i].role, role);
      EXPECT_EQ(fields[i].rdap.entity_role, rdap_role(role));
    }
  }
}

TEST(CatalogTest, DomainLevelFieldsHaveNoRoleBlock) { EXPECT_TRUE(fields_of_role(Role::none).empty()); }

struct ProfileRedaction {
  std::string_view key;
  std::string_view name;
  RedactionMethod method;
};

// The 2024 profile redaction table (spec rdap.md §6.1) plus "Registry Domain ID" (§6.1 "Status and
// handles") and the registrant fax, organization and handle names of §2.
constexpr ProfileRedaction kProfileTable[] = {
    {"domain.handle", "Registry Domain ID", RedactionMethod::removal},
    {"registrant.handle", "Registry Registrant ID", RedactionMethod::removal},
    {"registrant.name", "Registrant Name", RedactionMethod::empty_value},
    {"registrant.organization", "Registrant Organization", RedactionMethod::removal},
    {"registrant.street", "Registrant Street", RedactionMethod::empty_value},
    {"registrant.city", "Registrant City", RedactionMethod::empty_value},
    {"registrant.postal_code", "Registrant Postal Code", RedactionMethod::empty_value},
    {"registrant.phone", "Registrant Phone", RedactionMethod::removal},
    {"registrant.phone_ext", "Registrant Phone Ext", RedactionMethod::removal},
    {"registrant.fax", "Registrant Fax", RedactionMethod::removal},
    {"registrant.fax_ext", "Registrant Fax Ext", RedactionMethod::removal},
    {"registrant.email", "Registrant Email", RedactionMethod::removal},
    {"tech.handle", "Registry Tech ID", RedactionMethod::removal},
    {"tech.name", "Tech Name", RedactionMethod::empty_value},
    {"tech.phone", "Tech Phone", RedactionMethod::removal},
    {"tech.phone_ext", "Tech Phone Ext", RedactionMethod::removal},
    {"tech.email", "Tech Email", RedactionMethod::removal},
};

TEST(CatalogTest, ProfileFieldsHaveTheExactRegisteredNameAndMethod) {
  for (const ProfileRedaction& row : kProfileTable) {
    const Field& f = must_find(row.key);
    EXPECT_EQ(f.redacted_name, row.name) << row.key;
    EXPECT_TRUE(f.registered_name) << row.key;
    EXPECT_EQ(f.redaction_method, row.method) << row.key;
  }
}

TEST(CatalogTest, OnlyTheSeventeenProfileNamesAreSentAsRegistered) {
  std::set<std::string_view> expected;
  for (const ProfileRedaction& row : kProfileTable) {
    expected.insert(row.name);
  }
  std::set<std::string_view> registered;
  for (const Field& f : all_fields()) {
    if (f.registered_name) {
      EXPECT_TRUE(registered.insert(f.redacted_name).second) << f.redacted_name;
    }
  }
  EXPECT_EQ(registered, expected);
  EXPECT_EQ(registered.size(), 17U);
}

TEST(CatalogTest, PersonalRegistrantAndTechFieldsAreRedactedByDefault) {
  for (const Role role : {Role::registrant, Role::tech}) {
    for (const Field& f : fields_of_role(role)) {
      if (!f.personal_data) {
        continue;
      }
      EXPECT_NE(f.default_visibility, Visibility::public_always) << f.key;
      if (f.key != "registrant.organization") {
        EXPECT_EQ(f.default_visibility, Visibility::redacted_by_default) << f.key;
      }
    }
  }
}

TEST(CatalogTest, RegistrantKeepsOrganizationRegionAndCountryCodePublic) {
  EXPECT_EQ(must_find("registrant.organization").default_visibility, Visibility::public_unless_personal);
  EXPECT_TRUE(must_find("registrant.organization").personal_data);
  for (const std::string_view key : {"registrant.state_province", "registrant.country_code"}) {
    EXPECT_EQ(must_find(key).default_visibility, Visibility::public_always) << key;
    EXPECT_FALSE(must_find(key).personal_data) << key;
  }
}

TEST(CatalogTest, AdminTechAndBillingAreWithheldWhole) {
  for (const Role role : {Role::admin, Role::tech, Role::billing}) {
    for (const Field& f : fields_of_role(role)) {
      EXPECT_EQ(f.default_visibility, Visibility::redacted_by_default) << f.key;
    }
  }
}

TEST(CatalogTest, NoPublicAlwaysFieldIsPersonalData) {
  for (const Field& f : all_fields()) {
    if (f.default_visibility == Visibility::public_always) {
      EXPECT_FALSE(f.personal_data) << f.key;
    }
  }
}

TEST(CatalogTest, AdminAndBillingFieldsUseDescriptionsNamingTheContact) {
  EXPECT_EQ(must_find("admin.email").redacted_name, "Administrative Contact Email");
  EXPECT_FALSE(must_find("admin.email").registered_name);
  EXPECT_EQ(must_find("admin.handle").redacted_name, "Administrative Contact ID");
  EXPECT_EQ(must_find("billing.phone_ext").redacted_name, "Billing Contact Phone Ext");
  EXPECT_EQ(must_find("tech.fax").redacted_name, "Technical Contact Fax");
  EXPECT_FALSE(must_find("tech.fax").registered_name);
  for (const Role role : {Role::admin, Role::billing}) {
    for (const Field& f : fields_of_role(role)) {
      EXPECT_FALSE(f.registered_name) << f.key;
      EXPECT_TRUE(f.redacted_name.starts_with(contact_description(role))) << f.key;
    }
  }
}

TEST(CatalogTest, ContactDescriptionsMatchTheProfileExample) {
  EXPECT_EQ(contact_description(Role::admin), "Administrative Contact");
  EXPECT_EQ(contact_description(Role::tech), "Technical Contact");
  EXPECT_EQ(contact_description(Role::billing), "Billing Contact");
  EXPECT_EQ(contact_description(Role::none), "");
}

TEST(CatalogTest, MethodsFollowRfc9537PositionalRules) {
  for (const Field& f : all_fields()) {
    const bool positional = f.rdap.property == JcardProperty::fn ||
                            (f.rdap.property == JcardProperty::adr && f.rdap.adr_position > 0);
    EXPECT_EQ(f.redaction_method, positional ? RedactionMethod::empty_value : RedactionMethod::removal)
        << f.key;
  }
}

TEST(CatalogTest, WhoisKeysAreTheGtldKeys) {
  const std::map<std::string_view, std::string_view> expected = {
      {"domain.handle", "Registry Domain ID"},
      {"registrar.whois_server", "Registrar WHOIS Server"},
      {"registrar.abuse_email", "Registrar Abuse Contact Email"},
      {"registrar.abuse_phone", "Registrar Abuse Contact Phone"},
      {"domain.expires", "Registry Expiry Date"},
      {"registrant.handle", "Registry Registrant ID"},
      {"registrant.email", "Registrant Email"},
      {"registrant.state_province", "Registrant State/Province"},
      {"registrant.country_code", "Registrant Country"},
      {"admin.handle", "Registry Admin ID"},
      {"admin.phone_ext", "Admin Phone Ext"},
      {"tech.handle", "Registry Tech ID"},
      {"tech.fax_ext", "Tech Fax Ext"},
      {"domain.nameservers", "Name Server"},
      {"domain.dnssec", "DNSSEC"},
      {"domain.reseller", "Reseller"},
  };
  for (const auto& [key, whois] : expected) {
    EXPECT_EQ(must_find(key).whois_key, whois) << key;
  }
}

TEST(CatalogTest, BillingFieldsAreNotInWhois) {
  for (const Field& f : fields_of_role(Role::billing)) {
    EXPECT_TRUE(f.whois_key.empty()) << f.key;
  }
}

TEST(CatalogTest, CatalogueOrderIsTheGtldWhoisOrder) {
  // The keys of the registry sample in spec rdap.md §8, one per line, in order; "Reseller" is in
  // registrar output only.
  const std::vector<std::string_view> sample = {"Domain Name",
                                                "Registry Domain ID",
                                                "Registrar WHOIS Server",
                                                "Registrar URL",
                                                "Updated Date",
                                                "Creation Date",
                                                "Registry Expiry Date",
                                                "Registrar",
                                                "Registrar IANA ID",
                                                "Registrar Abuse Contact Email",
                                                "Registrar Abuse Contact Phone",
                                                "Domain Status",
                                                "Registry Registrant ID",
                                                "Registrant Name",
                                                "Registrant Organization",
                                                "Registrant Street",
                                                "Registrant City",
                                                "Registrant State/Province",
                                                "Registrant Postal Code",
                                                "Registrant Country",
                                                "Registrant Phone",
                                                "Registrant Phone Ext",
                                                "Registrant Fax",
                                                "Registrant Fax Ext",
                                                "Registrant Email",
                                                "Registry Admin ID",
                                                "Admin Name",
                                                "Admin Organization",
                                                "Admin Street",
                                                "Admin City",
                                                "Admin State/Province",
                                                "Admin Postal Code",
                                                "Admin Country",
                                                "Admin Phone",
                                                "Admin Phone Ext",
                                                "Admin Fax",
                                                "Admin Fax Ext",
                                                "Admin Email",
                                                "Registry Tech ID",
                                                "Tech Name",
                                                "Tech Organization",
                                                "Tech Street",
                                                "Tech City",
                                                "Tech State/Province",
                                                "Tech Postal Code",
                                                "Tech Country",
                                                "Tech Phone",
                                                "Tech Phone Ext",
                                                "Tech Fax",
                                                "Tech Fax Ext",
                                                "Tech Email",
                                                "Name Server",
                                                "DNSSEC"};
  std::vector<std::string_view> catalogue;
  for (const Field& f : all_fields()) {
    if (!f.whois_key.empty() && f.whois_key != "Reseller") {
      catalogue.push_back(f.whois_key);
    }
  }
  EXPECT_EQ(catalogue, sample);
}

TEST(CatalogTest, ResellerFollowsTheAbusePhoneAsInRegistrarOutput) {
  const auto all = all_fields();
  const auto reseller =
      std::find_if(all.begin(), all.end(), [](const Field& f) { return f.key == "domain.reseller"; });
  ASSERT_NE(reseller, all.end());
  ASSERT_NE(reseller, all.begin());
  EXPECT_EQ(std::prev(reseller)->key, "registrar.abuse_phone");
  EXPECT_EQ(std::next(reseller)->key, "domain.status");
}

TEST(CatalogTest, UnknownKeyIsNotFound) {
  EXPECT_EQ(find_field("registrant.shoe_size"), nullptr);
  EXPECT_EQ(find_field(""), nullptr);
  EXPECT_EQ(find_field("Registrant.Email"), nullptr);
}

TEST(CatalogTest, UnknownKeyLookupFailsWithInvalidInput) {
  const auto result = field("registrant.shoe_size");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(result.error().message, "unknown field key 'registrant.shoe_size'");
}

TEST(CatalogTest, KnownKeyLookupReturnsTheCatalogueEntry) {
  const auto result = field("tech.phone");
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ((*result)->key, "tech.phone");
  EXPECT_EQ(*result, find_field("tech.phone"));
  EXPECT_GE(*result, all_fields().data());
  EXPECT_LT(*result, all_fields().data() + all_fields().size());
}

TEST(CatalogTest, EveryFieldNamesWhatItHolds) {
  EXPECT_EQ(must_find("registrant.email").element, Element::email);
  EXPECT_EQ(must_find("tech.phone_ext").element, Element::phone_ext);
  EXPECT_EQ(must_find("registrar.abuse_email").element, Element::registrar_abuse_email);
  EXPECT_EQ(must_find("domain.dnssec").element, Element::domain_dnssec);
  for (const Role role : {Role::registrant, Role::admin, Role::tech, Role::billing}) {
    for (const Field& field : fields_of_role(role)) {
      EXPECT_EQ(find_field(role, field.element), &field) << field.key;
      EXPECT_EQ(std::string(to_string(role)) + "." + std::string(to_string(field.element)), field.key);
    }
  }
  EXPECT_EQ(find_field(Role::none, Element::email), nullptr);
  EXPECT_EQ(find_field(Role::registrant, Element::domain_name), nullptr);
  EXPECT_EQ(find_field(Role::none, Element::domain_reseller), &must_find("domain.reseller"));
}

TEST(CatalogTest, IndexesAreDenseCataloguePositions) {
  const auto fields = all_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) EXPECT_EQ(index_of(fields[i]), i);
}

TEST(CatalogTest, EnumNamesUseTheirWireSpelling) {
  EXPECT_EQ(to_string(RedactionMethod::removal), "removal");
  EXPECT_EQ(to_string(RedactionMethod::empty_value), "emptyValue");
  EXPECT_EQ(to_string(RedactionMethod::partial_value), "partialValue");
  EXPECT_EQ(to_string(RedactionMethod::replacement_value), "replacementValue");
  EXPECT_EQ(to_string(Visibility::public_unless_personal), "public_unless_personal");
  EXPECT_EQ(to_string(Role::tech), "tech");
  EXPECT_EQ(rdap_role(Role::admin), "administrative");
  EXPECT_EQ(rdap_role(Role::none), "");
}

}  // namespace
}  // namespace ssad::catalog
