#include "ingest/jsonl_import.hpp"

#include <filesystem>
#include <fstream>
#include <tuple>

#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "support/fake_clock.hpp"
#include "support/registration_fixtures.hpp"
#include "support/search_names.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"

namespace ssad::ingest {
namespace {

using ssad::testing::at;
using ssad::testing::Backend;

// What tests/data/jsonl/registry.jsonl holds, as the store gives it back.
model::Registrar expected_reg1() {
  model::Registrar r;
  r.handle = "reg1";
  r.name = "Example Registrar, Inc.";
  r.iana_id = 1234;
  r.status = "ok";
  r.address.street[0] = "123 Example Dr.";
  r.address.street[1] = "Suite 100";
  r.address.city = "Dulles";
  r.address.state_province = "VA";
  r.address.postal_code = "20166-6503";
  r.address.country_code = "US";
  r.voice = "+1.7035555555";
  r.voice_ext = "1234";
  r.fax = "+1.7035555556";
  r.email = "info@registrar.example";
  r.url = "https://registrar.example";
  r.whois_server = "whois.registrar.example";
  r.rdap_base_url = "https://rdap.registrar.example/";
  r.abuse_email = "abuse@registrar.example";
  r.abuse_phone = "+1.7035555557";
  r.created = at("2005-04-23T11:49:00Z");
  r.updated = at("2020-01-02T03:04:05.678Z");
  return r;
}

model::Contact expected_c1() {
  model::Contact c;
  c.handle = "C1";
  c.roid = "C1-TEST";
  c.person_type = model::PersonType::natural;
  c.consent = model::kConsentEmail;
  model::PostalInfo p;
  p.type = "int";
  p.name = "Jane Doe";
  p.address.street[0] = "1 Main St.";
  p.address.city = "Reston";
  p.address.state_province = "VA";
  p.address.postal_code = "20190";
  p.address.country_code = "US";
  c.postal.push_back(p);
  p.type = "loc";
  p.name = "Jäne Dœ";
  p.address.state_province.clear();
  p.address.postal_code.clear();
  c.postal.push_back(p);
  c.voice = "+1.7035550001";
  c.email = "jane@example.test";
  c.registrar = "reg1";
  c.statuses = {{"ok", ""}};
  c.created = at("2009-04-03T22:00:00Z");
  return c;
}

model::Contact expected_c2() {
  model::Contact c;
  c.handle = "C2";
  c.roid = "C2-TEST";
  c.person_type = model::PersonType::legal;
  c.consent = model::kConsentName | model::kConsentOrganization | model::kConsentAddress |
              model::kConsentVoice | model::kConsentEmail;
  model::PostalInfo p;
  p.name = "Hostmaster";
  p.organization = "Example Inc.";
  p.address.street[0] = "123 Example Dr.";
  p.address.street[1] = "Suite 100";
  p.address.street[2] = "Building 2";
  p.address.city = "Dulles";
  p.address.state_province = "VA";
  p.address.postal_code = "20166";
  p.address.country_code = "US";
  c.postal.push_back(p);
  c.voice = "+1.7035550002";
  c.voice_ext = "42";
  c.fax = "+1.7035550003";
  c.email = "hostmaster@example.test";
  c.registrar = "reg1";
  c.statuses = {{"clientDeleteProhibited", "locked"}};
  c.created = at("2008-01-01T00:00:00Z");
  c.updated = at("2010-06-30T10:00:00Z");
  return c;
}

model::Host expected_ns1() {
  model::Host h;
  h.name = normalize_domain_name("ns1.example.test").value();
  h.roid = "H1-TEST";
  h.ipv4 = {"192.0.2.1", "192.0.2.2"};
  h.ipv6 = {"2001:db8::1"};
  h.registrar = "reg1";
  h.statuses = {{"linked", ""}};
  h.created = at("2009-04-03T22:00:00Z");
  return h;
}

model::Host expected_ns_other() {
  model::Host h;
  h.name = normalize_domain_name("ns.other.test").value();
  h.roid = "H2-TEST";
  return h;
}

model::Domain expected_example() {
  model::Domain d;
  d.name = normalize_domain_name("example.test").value();
  d.roid = "D1-TEST";
  d.registrar = "reg1";
  d.reseller = "Example Reseller";
  d.statuses = {{"clientTransferProhibited", ""}, {"serverHold", "court order"}};
  d.contacts = {{model::ContactRole::registrant, "C1"},
                {model::ContactRole::admin, "C2"},
                {model::ContactRole::tech, "C2"},
                {model::ContactRole::billing, "C1"}};
  d.nameservers = {"ns.other.test", "ns1.example.test"};
  d.max_sig_life = 604800;
  d.ds = {{12345, 13, 2, "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE2F0F5E0B6B8E3F5D3C4A2B1E"}};
  d.keys = {{257, 3, 13,
             "AwEAAbOFAxl+Lkt0UMglZizKEcMD8+3I5xjNqcE0gxv3E0gw5hW4lrwq0wJRHMmw8Wq3pzx7y4uwJcGv1ACwKoT+QQ=="}};
  d.created = at("2009-04-03T22:00:00Z");
  d.updated = at("2009-12-03T09:05:00Z");
  d.expires = at("2030-04-03T22:00:00Z");
  d.transferred = at("2012-03-09T23:59:59Z");
  return d;
}

// Everything a registration holds, for comparing a store before and after.
void expect_same(const model::Registration& actual, const model::Registration& expected) {
  EXPECT_EQ(actual.domain, expected.domain);
  EXPECT_EQ(actual.registrar, expected.registrar);
  EXPECT_EQ(actual.contacts, expected.contacts);
  EXPECT_EQ(actual.nameservers, expected.nameservers);
}

// A fresh store of one backend, and a directory for the files a test writes; every test runs on every
// backend (tests/support/store_backends.hpp).
class JsonlImportFixture : public ::testing::Test {
 protected:
  void open(const Backend& backend) { store_ = backend.open(place_); }

  static std::string registry() { return std::string(SSAD_TEST_DATA_DIR) + "/jsonl/registry.jsonl"; }

  Result<ImportReport> import(const std::string& path) { return import_jsonl(*store_, path, clock_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.file(name), std::ios::binary) << text;
    return dir_.file(name);
  }

  ssad::testing::TempDir dir_;                                                     // the files to import
  ssad::testing::FakeClock clock_{parse_rfc3339("2024-06-01T12:00:00Z").value()};  // stamps imports
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
};

class JsonlImportTest : public JsonlImportFixture, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override { open(GetParam()); }
};

TEST_P(JsonlImportTest, ImportsRegistrarsAndDomainsWithTheirContactsHostsAndKeys) {
  auto report = import(registry());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->type, "JSONL");
  EXPECT_TRUE(report->deposit_id.starts_with("jsonl-")) << report->deposit_id;
  EXPECT_EQ(report->rows, (std::map<std::string, std::int64_t>{{"domain", 3}, {"registrar", 2}}));
  EXPECT_EQ(report->counts, (store::StoreCounts{2, 3, 2, 3}));
  EXPECT_EQ(store_->registrations().data_updated().value(), clock_.now());

  EXPECT_EQ(store_->registrations().find_registrar("reg1").value(), expected_reg1());
  auto example = store_->registrations().find_registration("example.test").value();
  EXPECT_EQ(example.domain, expected_example());
  EXPECT_EQ(example.registrar, expected_reg1());
  using model::ContactRole;
  EXPECT_EQ(example.contacts,
            (std::vector<std::pair<ContactRole, model::Contact>>{{ContactRole::registrant, expected_c1()},
                                                                 {ContactRole::admin, expected_c2()},
                                                                 {ContactRole::tech, expected_c2()},
                                                                 {ContactRole::billing, expected_c1()}}));
  EXPECT_EQ(example.nameservers, (std::vector<model::Host>{expected_ns_other(), expected_ns1()}));

  auto idn = store_->registrations().find_registration("xn--bcher-kva.test").value();
  EXPECT_EQ(idn.domain.name.unicode, "bücher.test");
  EXPECT_EQ(idn.domain.idn_table, "de");
  EXPECT_EQ(idn.domain.statuses, (std::vector<model::Status>{{"ok", ""}}));
  EXPECT_EQ(idn.domain.contacts,
            (std::vector<model::DomainContact>{{ContactRole::registrant, "C1"}, {ContactRole::tech, "C2"}}));
  EXPECT_EQ(idn.nameservers, (std::vector<model::Host>{expected_ns_other(), expected_ns1()}));
  EXPECT_EQ(format_rfc3339(*idn.domain.expires), "2030-05-05T05:05:05Z");

  auto other = store_->registrations().find_registration("other.test").value();
  EXPECT_EQ(other.registrar.name, "Second Registrar");
  EXPECT_EQ(other.domain.contacts,
            (std::vector<model::DomainContact>{
                {ContactRole::registrant, "C3"}, {ContactRole::tech, "C2"}, {ContactRole::tech, "C3"}}));
  EXPECT_EQ(other.contacts.at(0).second.roid, "C3-TEST");
  EXPECT_TRUE(other.nameservers.empty());
  EXPECT_EQ(ssad::testing::ldh_names(
                store_->registrations()
                    .search({store::NameSearch::Kind::domain_by_nameserver, "ns.other.test", ""}, {})
                    .value()),
            (std::vector<std::string>{"example.test", "xn--bcher-kva.test"}));
}

TEST_P(JsonlImportTest, ImportingTheSameFileTwiceChangesNothing) {
  auto first = import(registry());
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const auto before = store_->registrations().find_registration("example.test").value();
  const auto idn_before = store_->registrations().find_registration("xn--bcher-kva.test").value();

  const auto updated = store_->registrations().data_updated().value();
  auto second = import(registry());
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->already_imported);
  EXPECT_EQ(second->deposit_id, first->deposit_id);
  EXPECT_EQ(second->counts, first->counts);
  EXPECT_EQ(store_->registrations().data_updated().value(),
            updated);  // not even the "last update" time moves
  expect_same(store_->registrations().find_registration("example.test").value(), before);
  expect_same(store_->registrations().find_registration("xn--bcher-kva.test").value(), idn_before);
  // Audited once, with the file's hash: the second import changed nothing and recorded nothing.
  const auto records = store_->audit_log().entries(0, 10).value();
  ASSERT_EQ(records.size(), 1U);
  const audit::Entry entry = audit::decode(records[0].encoding).value();
  EXPECT_EQ(entry.action, "import.jsonl");
  EXPECT_EQ(entry.object, (audit::Object{"deposit", first->deposit_id}));
  EXPECT_EQ(first->audit_entry, 0U);
  EXPECT_FALSE(second->audit_entry.has_value());
  const std::string expected_file = "registry.jsonl=";
  bool listed = false;
  for (const auto& [key, value] : entry.detail)
    listed = listed || (key == "files" && value.starts_with(expected_file));
  EXPECT_TRUE(listed);
}

TEST_P(JsonlImportTest, ALaterFileMayReferToStoredContactsAndHosts) {
  ASSERT_TRUE(import(registry()).has_value());
  const std::string file =
      write("more.jsonl",
            "{\"domain\": {\"name\": \"more.test\", \"roid\": \"D4-TEST\", \"registrar\": "
            "\"reg2\", \"contacts\": {\"registrant\": \"C3\", \"admin\": \"C1\"}, "
            "\"nameservers\": [\"ns1.example.test\"]}}\r\n");
  auto report = import(file);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->counts, (store::StoreCounts{2, 3, 2, 4}));
  auto more = store_->registrations().find_registration("more.test").value();
  EXPECT_EQ(more.contacts.at(1).second, expected_c1());
  EXPECT_EQ(more.nameservers, std::vector<model::Host>{expected_ns1()});
}

TEST_P(JsonlImportTest, AFileWithoutRecordsChangesNothing) {
  ASSERT_TRUE(import(registry()).has_value());
  const auto counts = store_->registrations().counts().value();
  auto report = import(write("empty.jsonl", "# nothing yet\n\n   \n"));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->rows, (std::map<std::string, std::int64_t>{{"domain", 0}, {"registrar", 0}}));
  EXPECT_EQ(report->counts, counts);
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);  // the first file's entry only
}

TEST_P(JsonlImportTest, AMissingFileIsInvalidInput) {
  auto result = import(dir_.file("absent.jsonl"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(result.error().message, "missing file '" + dir_.file("absent.jsonl") + "'");
}

// A bad file: lines that change the store (they must be rolled back), then the bad lines, the first of
// which is line 5.
struct BadInput {
  const char* name;
  std::string lines;
  std::string message;
};

void PrintTo(const BadInput& input, std::ostream* out) { *out << input.name; }

const std::string kChanges =
    "# changes that the bad line must roll back\n"
    "{\"registrar\": {\"handle\": \"reg1\", \"name\": \"Renamed Registrar\"}}\n"
    "\n"
    "{\"domain\": {\"name\": \"new.test\", \"roid\": \"D9-TEST\", \"registrar\": \"reg1\", \"status\": "
    "[\"ok\"], "
    "\"contacts\": {\"registrant\": {\"handle\": \"C9\", \"roid\": \"C9-TEST\", \"email\": \"a@new.test\"}}, "
    "\"nameservers\": [{\"name\": \"ns9.new.test\", \"roid\": \"H9-TEST\", \"ipv4\": [\"192.0.2.9\"]}]}}\n";

std::string domain_line(const std::string& members) {
  return "{\"domain\": {\"name\": \"bad.test\", \"roid\": \"D10-TEST\", \"registrar\": \"reg1\"" + members +
         "}}\n";
}

TEST_P(JsonlImportTest, TheChangesBeforeEachBadLineApplyOnTheirOwn) {
  // Without the bad line, the lines of the bad-input tests below do change the store, so that those
  // tests show a rollback rather than lines that were never applied.
  ASSERT_TRUE(import(registry()).has_value());
  auto report = import(write("changes.jsonl", kChanges));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(store_->registrations().find_registrar("reg1").value().name, "Renamed Registrar");
  EXPECT_EQ(store_->registrations().find_registration("new.test").value().nameservers.at(0).ipv4,
            std::vector<std::string>{"192.0.2.9"});
  EXPECT_EQ(report->counts, (store::StoreCounts{2, 4, 3, 4}));
}

TEST_P(JsonlImportTest, DeeplyNestedJsonIsRefusedWithoutExhaustingTheStack) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  auto result = import(write("deep.jsonl", "{\"domain\": {\"name\": " + deep + "}}\n"));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "deep.jsonl line 1: domain.name: expected a string, found an array");
}

INSTANTIATE_TEST_SUITE_P(Backends, JsonlImportTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

class JsonlBadInputTest : public JsonlImportFixture,
                          public ::testing::WithParamInterface<std::tuple<Backend, BadInput>> {
 protected:
  void SetUp() override { open(std::get<Backend>(GetParam())); }
  static const BadInput& input() { return std::get<BadInput>(GetParam()); }
};

TEST_P(JsonlBadInputTest, FailsWithFileLineAndReasonAndLeavesTheStoreAsItWas) {
  ASSERT_TRUE(import(registry()).has_value());
  const auto counts = store_->registrations().counts().value();
  const auto updated = store_->registrations().data_updated().value();
  const auto example = store_->registrations().find_registration("example.test").value();

  auto result = import(write("bad.jsonl", kChanges + input().lines));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(result.error().message, input().message);
  EXPECT_EQ(store_->registrations().counts().value(), counts);
  EXPECT_EQ(store_->registrations().data_updated().value(), updated);
  expect_same(store_->registrations().find_registration("example.test").value(), example);
  EXPECT_EQ(store_->registrations().find_registration("new.test").error().code, ErrorCode::not_found);
}

INSTANTIATE_TEST_SUITE_P(
    Jsonl, JsonlBadInputTest,
    ::testing::Combine(
        ::testing::ValuesIn(ssad::testing::backends()),
        ::testing::Values(
            BadInput{"BadJson", "{\"domain\": {\"name\": \"bad.test\",}}\n",
                     "bad.jsonl line 5: invalid JSON at offset 31: Missing a name for object member."},
            BadInput{"TrailingJson", "{\"registrar\": {\"handle\": \"r\", \"name\": \"R\"}} {}\n",
                     "bad.jsonl line 5: invalid JSON at offset 44: The document root must not be followed by "
                     "other values."},
            BadInput{"NotAnObject", "[1, 2]\n", "bad.jsonl line 5: expected an object, found an array"},
            BadInput{"UnknownKind", "{\"domian\": {}}\n",
                     "bad.jsonl line 5: unknown member 'domian' (a line holds \"registrar\" or \"domain\")"},
            BadInput{
                "TwoKinds", "{\"registrar\": {}, \"domain\": {}}\n",
                "bad.jsonl line 5: a line holds one member, \"registrar\" or \"domain\"; this one holds 2"},
            BadInput{"UnknownMember", domain_line(", \"expiry\": \"2030-01-01T00:00:00Z\""),
                     "bad.jsonl line 5: domain: unknown member 'expiry'"},
            BadInput{
                "UnknownNestedMember",
                domain_line(", \"contacts\": {\"registrant\": {\"handle\": \"C10\", \"roid\": \"C10-TEST\", "
                            "\"postal\": [{\"town\": \"Reston\"}]}}"),
                "bad.jsonl line 5: domain.contacts.registrant.postal[0]: unknown member 'town'"},
            BadInput{"RepeatedMember", domain_line(", \"roid\": \"D11-TEST\""),
                     "bad.jsonl line 5: domain: member 'roid' appears twice"},
            BadInput{"MissingMember", "{\"domain\": {\"name\": \"bad.test\", \"registrar\": \"reg1\"}}\n",
                     "bad.jsonl line 5: domain: member 'roid' is required"},
            BadInput{"WrongType", domain_line(", \"status\": \"ok\""),
                     "bad.jsonl line 5: domain.status: expected an array, found a string"},
            BadInput{
                "WrongNumber", domain_line(", \"secureDNS\": {\"dsData\": [{\"keyTag\": 70000}]}"),
                "bad.jsonl line 5: domain.secureDNS.dsData[0].keyTag: must be an integer from 0 to 65535"},
            BadInput{
                "BadDate", domain_line(", \"expires\": \"2030-02-30T00:00:00Z\""),
                "bad.jsonl line 5: domain.expires: bad RFC 3339 date-time '2030-02-30T00:00:00Z': no such "
                "date"},
            BadInput{
                "BadDomainName",
                "{\"domain\": {\"name\": \"bad..test\", \"roid\": \"D10-TEST\", \"registrar\": \"reg1\"}}\n",
                "bad.jsonl line 5: domain.name: invalid domain name 'bad..test': empty label"},
            BadInput{
                "UnknownRegistrar",
                "{\"domain\": {\"name\": \"bad.test\", \"roid\": \"D10-TEST\", \"registrar\": \"regQ\"}}\n",
                "bad.jsonl line 5: unknown registrar 'regQ'"},
            BadInput{"UnknownContact", domain_line(", \"contacts\": {\"registrant\": \"C404\"}"),
                     "bad.jsonl line 5: unknown contact 'C404'"},
            BadInput{
                "BadContactRole", domain_line(", \"contacts\": {\"owner\": \"C1\"}"),
                "bad.jsonl line 5: domain.contacts: unknown contact type 'owner' (registrant, admin, tech or "
                "billing)"},
            BadInput{
                "DuplicateDomain",
                "{\"domain\": {\"name\": \"NEW.test\", \"roid\": \"D9-TEST\", \"registrar\": \"reg1\"}}\n",
                "bad.jsonl line 5: duplicate domain 'new.test' (first on line 4)"},
            BadInput{"DuplicateRegistrar",
                     "{\"registrar\": {\"handle\": \"reg1\", \"name\": \"Renamed Registrar\"}}\n",
                     "bad.jsonl line 5: duplicate registrar 'reg1' (first on line 2)"},
            BadInput{
                "ContactRedefinedDifferently",
                domain_line(", \"contacts\": {\"registrant\": {\"handle\": \"C9\", \"roid\": \"C9-TEST\", "
                            "\"email\": \"b@new.test\"}}"),
                "bad.jsonl line 5: domain.contacts.registrant: contact 'C9' differs from its definition on "
                "line 4"},
            BadInput{
                "HostRedefinedDifferently",
                domain_line(", \"nameservers\": [{\"name\": \"ns9.new.test\", \"roid\": \"H9-TEST\"}]"),
                "bad.jsonl line 5: domain.nameservers[0]: host 'ns9.new.test' differs from its definition on "
                "line 4"},
            BadInput{"HostWithoutRoid", domain_line(", \"nameservers\": [{\"name\": \"ns10.new.test\"}]"),
                     "bad.jsonl line 5: domain.nameservers[0]: member 'roid' is required"},
            BadInput{"BadStatus", domain_line(", \"status\": [\"ok\", \"clientHeld\"]"),
                     "bad.jsonl line 5: domain.status[1]: unknown EPP status 'clientHeld'"},
            BadInput{"BadIpAddress",
                     domain_line(", \"nameservers\": [{\"name\": \"ns10.new.test\", \"roid\": \"H10-TEST\", "
                                 "\"ipv4\": [\"192.0.2.300\"]}]"),
                     "bad.jsonl line 5: domain.nameservers[0].ipv4[0]: invalid IP address '192.0.2.300'"},
            BadInput{
                "AddressOfTheWrongVersion",
                domain_line(", \"nameservers\": [{\"name\": \"ns10.new.test\", \"roid\": \"H10-TEST\", "
                            "\"ipv4\": [\"2001:db8::10\"]}]"),
                "bad.jsonl line 5: domain.nameservers[0].ipv4[0]: '2001:db8::10' is not an IPv4 address"},
            BadInput{"BadConsent",
                     domain_line(", \"contacts\": {\"tech\": [{\"handle\": \"C10\", \"roid\": \"C10-TEST\", "
                                 "\"consent\": [\"phone\"]}]}"),
                     "bad.jsonl line 5: domain.contacts.tech[0].consent[0]: unknown element 'phone' (name, "
                     "organization, address, voice, fax or email)"},
            BadInput{"BadDigest",
                     domain_line(", \"secureDNS\": {\"dsData\": [{\"keyTag\": 1, \"algorithm\": 13, "
                                 "\"digestType\": 2, \"digest\": \"XYZ\"}]}"),
                     "bad.jsonl line 5: domain.secureDNS.dsData[0].digest: is not hexadecimal"},
            BadInput{
                "LineBreakInAContactName",
                domain_line(
                    ", \"contacts\": {\"registrant\": {\"handle\": \"C10\", \"roid\": \"C10-TEST\", "
                    "\"postal\": [{\"type\": \"loc\", \"name\": \"Eve\\r\\nRegistrant Email: x@y.test\"}]}}"),
                "bad.jsonl line 5: domain.contacts.registrant.postal[0].name: holds the control character "
                "U+000D"},
            BadInput{
                "TabInAStreet",
                domain_line(
                    ", \"contacts\": {\"tech\": [\"C1\", {\"handle\": \"C10\", \"roid\": \"C10-TEST\", "
                    "\"postal\": [{\"type\": \"loc\", \"street\": [\"1 Main St.\", \"a\\tb\"]}]}]}"),
                "bad.jsonl line 5: domain.contacts.tech[1].postal[0].street[1]: holds the control character "
                "U+0009"},
            BadInput{"NulInAnEmail", domain_line(", \"reseller\": \"a\\u0000b\""),
                     "bad.jsonl line 5: domain.reseller: holds the control character U+0000"},
            BadInput{"NextLineInAnEmail",
                     domain_line(", \"contacts\": {\"admin\": {\"handle\": \"C10\", \"roid\": \"C10-TEST\", "
                                 "\"email\": \"a\\u0085@b.test\"}}"),
                     "bad.jsonl line 5: domain.contacts.admin.email: holds the control character U+0085"},
            BadInput{"LineSeparatorAsUtf8", domain_line(", \"reseller\": \"a\xE2\x80\xA8z\""),
                     "bad.jsonl line 5: domain.reseller: holds the line separator U+2028"},
            BadInput{
                "RightToLeftOverride", domain_line(", \"idnTable\": \"\\u202Eabc\""),
                "bad.jsonl line 5: domain.idnTable: holds the bidirectional formatting character U+202E"},
            BadInput{"LoneLowSurrogate", domain_line(", \"reseller\": \"\\uDC00\""),
                     "bad.jsonl line 5: domain.reseller: is not UTF-8"},
            BadInput{"ControlInAMemberName", domain_line(", \"x\\u0007\": 1"),
                     "bad.jsonl line 5: domain: a member name holds the control character U+0007"},
            BadInput{"ControlInATopLevelMemberName", "{\"\\n\": {}}\n",
                     "bad.jsonl line 5: a member name holds the control character U+000A"},
            BadInput{
                "TheFirstBadLineWins",
                domain_line(", \"status\": [\"clientHeld\"]") + "{\"domian\": {}}\n" + "not JSON at all\n",
                "bad.jsonl line 5: domain.status[0]: unknown EPP status 'clientHeld'"})),
    [](const ::testing::TestParamInfo<std::tuple<Backend, BadInput>>& param) {
      return std::string(std::get<Backend>(param.param).name) + "_" + std::get<BadInput>(param.param).name;
    });

}  // namespace
}  // namespace ssad::ingest
