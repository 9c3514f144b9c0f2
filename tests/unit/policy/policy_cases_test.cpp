// The decision engine's rules one by one, from data files (tests/data/policy/cases/*.toml): each file
// names a policy (the default, or a file beside the cases), a requestor and what it asks, a registration,
// and the expected outcome of the fields it lists — "disclose by RULE", "review by RULE" or
// "withhold REASON by RULE". tests/data/policy/README.md describes the format.

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "policy/decision.hpp"
#include "support/registration_fixtures.hpp"

namespace ssad::policy {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(SSAD_TEST_DATA_DIR) / "policy" / "cases";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> strings(const toml::table& table, std::string_view key) {
  std::vector<std::string> out;
  if (const auto* array = table[key].as_array()) {
    for (const auto& element : *array) out.push_back(element.value<std::string>().value());
  }
  return out;
}

model::Contact contact_from(const toml::table& table, const std::string& handle) {
  model::Contact contact = ssad::testing::sample_contact(handle, "Name " + handle, handle + "@mail.example");
  const std::string type = table["type"].value_or(std::string("natural"));
  contact.person_type = model::parse_person_type(type).value();
  contact.privacy_service = table["privacy_service"].value_or(std::string());
  for (const std::string& element : strings(table, "consent")) {
    if (element == "name") contact.consent |= model::kConsentName;
    if (element == "organization") contact.consent |= model::kConsentOrganization;
    if (element == "address") contact.consent |= model::kConsentAddress;
    if (element == "voice") contact.consent |= model::kConsentVoice;
    if (element == "fax") contact.consent |= model::kConsentFax;
    if (element == "email") contact.consent |= model::kConsentEmail;
  }
  return contact;
}

struct Case {
  std::string name;
  Settings settings;
  identity::Caller caller = identity::Caller::anonymous();
  Ask ask;
  model::Registration registration;
  std::map<std::string, std::string> expected;  // field key -> "disclose by RULE" …
};

Case load(const fs::path& path) {
  Case c;
  c.name = path.filename().string();
  const toml::table file = toml::parse(read_file(path), path.string());
  const std::string policy = file["policy"].value_or(std::string("default"));
  if (policy != "default") {
    auto rules = Rules::parse(read_file(path.parent_path() / policy), policy);
    if (!rules) throw std::runtime_error(rules.error().message);
    c.settings.rules = std::make_shared<const Rules>(std::move(*rules));
  }
  c.settings.role = file["operator"].value_or(std::string("registry")) == "registrar"
                        ? model::Operator::registrar
                        : model::Operator::registry;
  if (const auto* requestor = file["requestor"].as_table()) {
    identity::Requestor r;
    r.user.id = "usr_case";
    r.organisation.id = "org_case";
    if (requestor->contains("group")) {
      model::Accreditation accreditation;
      accreditation.id = "acc_case";
      accreditation.group = (*requestor)["group"].value<std::string>().value();
      accreditation.authority = (*requestor)["authority"].value_or(std::string("Test Authority"));
      accreditation.status =
          model::parse_accreditation_status((*requestor)["status"].value_or(std::string("active"))).value();
      accreditation.purposes = strings(*requestor, "purposes");
      accreditation.lawful_bases = strings(*requestor, "lawful_bases");
      r.accreditation = accreditation;
    }
    c.caller = identity::Caller::requestor(std::move(r), (*requestor)["purpose"].value_or(std::string()));
  }
  if (const auto* ask = file["ask"].as_table()) {
    if (auto basis = (*ask)["lawful_basis"].value<std::string>())
      c.ask.lawful_basis = parse_lawful_basis(*basis).value();
    if (auto priority = (*ask)["priority"].value<std::string>())
      c.ask.priority = parse_priority(*priority).value();
    c.ask.abuse_type = (*ask)["abuse_type"].value_or(std::string());
    if (ask->contains("requested")) {
      catalog::FieldSet requested;
      for (const std::string& key : strings(*ask, "requested"))
        requested.insert(*catalog::field(key).value());
      c.ask.requested = requested;
    }
  }
  c.registration.domain = ssad::testing::sample_domain("case.test", "DCASE-TEST");
  c.registration.registrar = ssad::testing::sample_registrar();
  if (const auto* contacts = file["registration"].as_table()) {
    for (const auto& [role, value] : *contacts) {
      const model::ContactRole contact_role = model::parse_contact_role(role.str()).value();
      c.registration.contacts.emplace_back(contact_role,
                                           contact_from(*value.as_table(), std::string(role.str()) + "1"));
    }
  }
  for (const auto& [key, value] : *file["expect"].as_table()) {
    c.expected[std::string(key.str())] = value.value<std::string>().value();
  }
  return c;
}

std::string outcome_of(const FieldDecision& d) {
  switch (d.disposition) {
    case Disposition::disclose:
      return "disclose by " + std::string(d.rule);
    case Disposition::review:
      return "review by " + std::string(d.rule);
    case Disposition::withhold:
      return "withhold " + std::string(to_string(d.reason)) +
             (d.rule.empty() ? "" : " by " + std::string(d.rule));
  }
  return "";
}

TEST(PolicyCasesTest, EveryCaseFileDecidesItsFieldsAsExpected) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCases)) {
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 10U) << "the case files are missing from " << kCases;
  for (const fs::path& path : files) {
    const Case c = load(path);
    ASSERT_FALSE(c.expected.empty()) << c.name << " expects nothing";
    const Decision decision = decide(c.caller, c.registration, c.settings, c.ask);
    const Explanation explanation = explain(c.caller, c.registration, c.settings, c.ask);
    for (const auto& [key, expected] : c.expected) {
      const catalog::Field* field = catalog::find_field(key);
      ASSERT_NE(field, nullptr) << c.name << ": unknown field " << key;
      EXPECT_EQ(outcome_of(decision[*field]), expected) << c.name << ": " << key;
      // explain() decides exactly as decide() does, and its trace ends with the deciding rule.
      EXPECT_EQ(outcome_of(explanation.decision[*field]), expected) << c.name << ": " << key << " (explain)";
      const auto& trace = explanation.traces[catalog::index_of(*field)];
      ASSERT_FALSE(trace.empty()) << c.name << ": " << key;
      EXPECT_EQ(trace.back().rule, std::string(decision[*field].rule)) << c.name << ": " << key;
    }
  }
}

}  // namespace
}  // namespace ssad::policy
