// The contact relay's web form in RDAP (rdap.contact_url from subject.contact_url): a registrant email
// withheld from the caller gives way to a jCard `contact-uri` (RFC 8605), redacted by replacementValue
// with a prePath to the email property and a replacementPath to the form (RFC 9537 §3.4, the 2024 gTLD
// profile). Every path is evaluated against the response it points into.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "cache/data_version.hpp"
#include "catalog/catalog.hpp"
#include "json_path.hpp"
#include "rdap/redaction.hpp"
#include "rdap/render.hpp"
#include "rdap/service.hpp"
#include "rdap_fixture.hpp"
#include "support/fake_clock.hpp"

namespace ssad::rdap {
namespace {

using ssad::testing::select;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kForm = "https://relay.example/contact?domain={domain}&from=rdap";

rapidjson::Document parse(std::string_view text) {
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

// The one `redacted` entry named `name` in `object`; null when there is none (or several: a failure).
const rapidjson::Value* entry_named(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* found = nullptr;
  if (!object.HasMember("redacted")) return nullptr;
  for (const rapidjson::Value& entry : object["redacted"].GetArray()) {
    const rapidjson::Value& n = entry["name"];
    const rapidjson::Value& text = n.HasMember("type") ? n["type"] : n["description"];
    if (name != text.GetString()) continue;
    EXPECT_EQ(found, nullptr) << "two entries named " << name;
    found = &entry;
  }
  return found;
}

// The jCard properties called `name` of the entity whose first role is `role`.
std::vector<const rapidjson::Value*> properties(const rapidjson::Value& object, std::string_view role,
                                                std::string_view name) {
  std::vector<const rapidjson::Value*> found;
  for (const rapidjson::Value& entity : object["entities"].GetArray()) {
    if (role != entity["roles"][0].GetString()) continue;
    for (const rapidjson::Value& property : entity["vcardArray"][1].GetArray()) {
      if (name == property[0].GetString()) found.push_back(&property);
    }
  }
  return found;
}

std::string string_of(const rapidjson::Value* value) {
  return value != nullptr && value->IsString() ? value->GetString() : "";
}

class RdapContactUriTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = ssad::testing::open_rdap_fixture(dir_); }

  model::Registration registration(std::string_view name) {
    auto found = store_->registrations().find_registration(name);
    EXPECT_TRUE(found.has_value());
    return found.value_or(model::Registration{});
  }

  // One domain object as `decision` shows it, with the form `contact_url` ("" for none) and `object_path`.
  std::string render(const model::Registration& registration, const policy::Decision& decision,
                     std::string_view contact_url, std::string_view object_path = "$") {
    Settings settings;
    settings.contact_url = contact_url;
    Context context;
    context.settings = &settings;
    context.base_url = "https://rdap.example/rdap/";
    context.query_url = "https://rdap.example/rdap/domain/x";
    json::JsonWriter out;
    catalog::FieldSet served;
    write_domain(out, registration, decision, context, Detail::full, object_path, served);
    return std::string(out.view());
  }

  policy::Decision anonymous(const model::Registration& registration) {
    return policy::decide(identity::Caller::anonymous(), registration, {});
  }

  ssad::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  const catalog::Field* email_ = catalog::find_field("registrant.email");
};

TEST_F(RdapContactUriTest, AWithheldRegistrantEmailGivesWayToTheRelaysForm) {
  const model::Registration natural = registration("natural.test");
  const policy::Decision decision = anonymous(natural);
  ASSERT_FALSE(decision.discloses(*email_));
  const std::string body = render(natural, decision, kForm);
  EXPECT_THAT(body, Not(HasSubstr("nat1@mail.example")));
  const rapidjson::Document doc = parse(body);

  // The registrant's vCard carries the form for this domain and no email.
  EXPECT_TRUE(properties(doc, "registrant", "email").empty());
  const auto forms = properties(doc, "registrant", "contact-uri");
  ASSERT_EQ(forms.size(), 1U);
  EXPECT_EQ(*forms[0], parse(R"(["contact-uri", {}, "uri",
                                 "https://relay.example/contact?domain=natural.test&from=rdap"])"));

  // Its redaction: replacementValue, the email property gone (prePath), the form in its place.
  const rapidjson::Value* entry = entry_named(doc, "Registrant Email");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(string_of(&(*entry)["method"]), "replacementValue");
  EXPECT_EQ(string_of(&(*entry)["pathLang"]), "jsonpath");
  EXPECT_FALSE(entry->HasMember("postPath"));
  ASSERT_TRUE(entry->HasMember("prePath") && entry->HasMember("replacementPath"));
  const std::string pre = (*entry)["prePath"].GetString();
  const std::string replacement = (*entry)["replacementPath"].GetString();
  EXPECT_EQ(pre, "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='email')]");
  EXPECT_EQ(replacement, "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='contact-uri')]");
  EXPECT_TRUE(select(doc, pre).empty());
  const auto replaced = select(doc, replacement);
  ASSERT_EQ(replaced.size(), 1U);
  EXPECT_EQ(replaced[0], forms[0]);

  // The prePath names the email property of the response the caller would get with the email shown.
  policy::Decision shown = decision;
  shown.set(*email_, {policy::Disposition::disclose, policy::Reason::none});
  const rapidjson::Document unredacted = parse(render(natural, shown, kForm));
  const auto email = select(unredacted, pre);
  ASSERT_EQ(email.size(), 1U);
  EXPECT_EQ(string_of(&(*email[0])[3]), "nat1@mail.example");
  EXPECT_TRUE(select(unredacted, replacement).empty());
}

TEST_F(RdapContactUriTest, OnlyTheRegistrantGetsTheForm) {
  // legal.test: the person at a legal person is personal data, in either role.
  const model::Registration legal = registration("legal.test");
  const rapidjson::Document doc = parse(render(legal, anonymous(legal), kForm));
  EXPECT_EQ(properties(doc, "registrant", "contact-uri").size(), 1U);
  EXPECT_EQ(string_of(&(*entry_named(doc, "Registrant Email"))["method"]), "replacementValue");
  // The relay reaches the registrant or its agent: the technical contact's email is simply removed.
  EXPECT_TRUE(properties(doc, "technical", "contact-uri").empty());
  EXPECT_TRUE(properties(doc, "technical", "email").empty());
  const rapidjson::Value* tech = entry_named(doc, "Tech Email");
  ASSERT_NE(tech, nullptr);
  EXPECT_EQ(string_of(&(*tech)["method"]), "removal");
  EXPECT_FALSE(tech->HasMember("replacementPath"));
  EXPECT_TRUE(select(doc, string_of(&(*tech)["prePath"])).empty());
}

TEST_F(RdapContactUriTest, TheFormNamesTheDomainByItsALabelsWhereverTheTemplateSaysSo) {
  const model::Registration idn = registration("xn--bcher-kva.test");
  const rapidjson::Document doc =
      parse(render(idn, anonymous(idn), "https://relay.example/{domain}/form?d={domain}"));
  const auto forms = properties(doc, "registrant", "contact-uri");
  ASSERT_EQ(forms.size(), 1U);
  EXPECT_EQ(string_of(&(*forms[0])[3]), "https://relay.example/xn--bcher-kva.test/form?d=xn--bcher-kva.test");
}

TEST_F(RdapContactUriTest, InASearchResultThePathsStartAtTheResult) {
  const model::Registration natural = registration("natural.test");
  const std::string object = render(natural, anonymous(natural), kForm, "$.domainSearchResults[1]");
  const rapidjson::Document doc = parse(R"({"domainSearchResults":[{},)" + object + "]}");
  const rapidjson::Value* entry = entry_named(doc["domainSearchResults"][1], "Registrant Email");
  ASSERT_NE(entry, nullptr);
  const std::string pre = string_of(&(*entry)["prePath"]);
  const std::string replacement = string_of(&(*entry)["replacementPath"]);
  EXPECT_EQ(pre, redaction_path(*email_, "$.domainSearchResults[1]"));
  EXPECT_TRUE(select(doc, pre).empty());
  const auto replaced = select(doc, replacement);
  ASSERT_EQ(replaced.size(), 1U);
  EXPECT_EQ(string_of(&(*replaced[0])[3]), "https://relay.example/contact?domain=natural.test&from=rdap");
}

TEST_F(RdapContactUriTest, AnEmailTheCallerMaySeeIsShownWithoutTheForm) {
  // consent.test's registrant consented to publish its email.
  const model::Registration consent = registration("consent.test");
  const rapidjson::Document consented = parse(render(consent, anonymous(consent), kForm));
  EXPECT_EQ(properties(consented, "registrant", "email").size(), 1U);
  EXPECT_TRUE(properties(consented, "registrant", "contact-uri").empty());
  EXPECT_EQ(entry_named(consented, "Registrant Email"), nullptr);

  // A caller the policy discloses the email to.
  const model::Registration natural = registration("natural.test");
  policy::Decision disclosed = anonymous(natural);
  disclosed.set(*email_, {policy::Disposition::disclose, policy::Reason::none});
  const rapidjson::Document doc = parse(render(natural, disclosed, kForm));
  EXPECT_EQ(properties(doc, "registrant", "email").size(), 1U);
  EXPECT_TRUE(properties(doc, "registrant", "contact-uri").empty());
  EXPECT_EQ(entry_named(doc, "Registrant Email"), nullptr);
}

TEST_F(RdapContactUriTest, WithoutAFormTheEmailIsRemovedAsBefore) {
  const model::Registration natural = registration("natural.test");
  const std::string body = render(natural, anonymous(natural), "");
  EXPECT_THAT(body, Not(HasSubstr("contact-uri")));
  EXPECT_THAT(body, Not(HasSubstr("replacement")));
  const rapidjson::Document doc = parse(body);
  const rapidjson::Value* entry = entry_named(doc, "Registrant Email");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(string_of(&(*entry)["method"]), "removal");
  EXPECT_EQ(string_of(&(*entry)["prePath"]), redaction_path(*email_));
}

// Through the use cases: a domain lookup carries the form; a contact looked up by handle has no single
// domain to name, so its withheld email is removed as before.
TEST_F(RdapContactUriTest, DomainLookupsCarryTheFormAndEntityLookupsDoNot) {
  ssad::testing::FakeClock clock;
  cache::DataVersion version(store_->registrations(), clock, std::chrono::seconds(1));
  Settings settings;
  settings.contact_url = kForm;
  const Service service(store_->registrations(), version, settings, policy::Settings{});
  auto ask = [&](std::string_view path) {
    return service.answer(
        {parse_request(path, "").value(), {"https://rdap.example/rdap/", "https://rdap.example/rdap/x"}},
        identity::Caller::anonymous(), clock.now());
  };
  const auto domain = ask("domain/natural.test");
  ASSERT_TRUE(domain.has_value()) << domain.error().message;
  EXPECT_THAT(
      domain->body,
      HasSubstr(R"(["contact-uri",{},"uri","https://relay.example/contact?domain=natural.test&from=rdap"])"));
  EXPECT_FALSE(domain->served[0].fields.contains("registrant.email"));

  const auto entity = ask("entity/leg1");
  ASSERT_TRUE(entity.has_value()) << entity.error().message;
  EXPECT_THAT(entity->body, Not(HasSubstr("contact-uri")));
  EXPECT_THAT(
      entity->body,
      HasSubstr(R"({"name":{"type":"Registrant Email"},"prePath":"$.vcardArray[1][?(@[0]=='email')]")"));
}

}  // namespace
}  // namespace ssad::rdap
