#include "ingest/escrow_import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <tuple>

#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "ingest/checksum.hpp"
#include "ingest/csv.hpp"
#include "ingest/escrow_deposit.hpp"
#include "ingest/registrar_directory.hpp"
#include "support/fake_clock.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"
#include "tlog/hash.hpp"

namespace ssad::ingest {
namespace {

namespace fs = std::filesystem;
using ssad::testing::Backend;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// The deposits of RFC 9022's examples in a directory of the test's own (the tests rewrite them), and a
// fresh store of one backend; every test runs on every backend (tests/support/store_backends.hpp).
class EscrowImportFixture : public ::testing::Test {
 protected:
  void open(const Backend& backend) {
    for (const char* name : {"rfc9022-full", "rfc9022-diff"}) {
      fs::copy(fs::path(SSAD_TEST_DATA_DIR) / "escrow" / name, dir_.path() / name);
    }
    store_ = backend.open(place_);
  }

  std::string full() const { return dir_.file("rfc9022-full/deposit.xml"); }
  std::string diff() const { return dir_.file("rfc9022-diff/deposit.xml"); }

  Result<ImportReport> import(const std::string& xml, EscrowImportOptions options = {}) {
    return import_escrow(*store_, xml, clock_, options);
  }

  // Rewrites one CSV file of a deposit and updates its checksum in the XML, as a producer would.
  void rewrite(const char* deposit, const char* file, const std::function<std::string(std::string)>& edit) {
    const fs::path csv = dir_.path() / deposit / file;
    const fs::path xml = dir_.path() / deposit / "deposit.xml";
    const std::string before = slurp(csv);
    const std::string after = edit(before);
    spit(csv, after);
    std::string text = slurp(xml);
    const auto pos = text.find("cksum=\"" + crc32_hex(before) + "\"");
    ASSERT_NE(pos, std::string::npos);
    text.replace(pos + 7, 8, crc32_hex(after));
    spit(xml, text);
  }

  void expect_failure_leaves_store_alone(const std::string& xml, const std::string& expected_message) {
    ASSERT_TRUE(import(full()).has_value());
    const auto counts_before = store_->registrations().counts().value();
    const auto domain_before = store_->registrations().find_registration("domain2.test").value().domain;
    auto result = import(xml, {.ignore_sequence = true});
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().message, expected_message);
    EXPECT_EQ(store_->registrations().counts().value(), counts_before);
    EXPECT_EQ(store_->registrations().find_registration("domain2.test").value().domain, domain_before);
    EXPECT_EQ(store_->registrations().last_deposit().value()->id, "20101017001");
    EXPECT_EQ(store_->audit_log().head().value().size, 1U);  // the first import's entry only
  }

  // The audit log's entries, decoded.
  std::vector<audit::Entry> audit_entries() {
    std::vector<audit::Entry> out;
    const auto records = store_->audit_log().entries(0, 100).value();  // kept: the loop reads it
    for (const auto& r : records) out.push_back(audit::decode(r.encoding).value());
    return out;
  }

  ssad::testing::TempDir dir_;                                                     // the deposits
  ssad::testing::FakeClock clock_{parse_rfc3339("2024-06-01T12:00:00Z").value()};  // stamps imports
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
};

class EscrowImportTest : public EscrowImportFixture, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override { open(GetParam()); }
};

TEST_P(EscrowImportTest, ImportsTheRfc9022FullExample) {
  auto report = import(full());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_FALSE(report->already_imported);
  EXPECT_EQ(report->counts, (store::StoreCounts{3, 3, 2, 4}));
  EXPECT_EQ(report->rows.at("domain"), 4);
  EXPECT_EQ(report->rows.at("domainContacts"), 12);

  auto d1 = store_->registrations().find_registration("domain1.test").value();
  EXPECT_EQ(d1.domain.roid, "Ddomain2-TEST");
  EXPECT_EQ(d1.registrar.iana_id, 9999);
  EXPECT_EQ(format_rfc3339(*d1.domain.created), "2009-04-03T22:00:00Z");
  EXPECT_EQ(format_rfc3339(*d1.domain.expires), "2015-04-03T22:00:00Z");
  ASSERT_EQ(d1.contacts.size(), 4U);  // registrant, admin, tech, billing
  EXPECT_EQ(d1.contacts[0].second.handle, "registrantid");
  EXPECT_EQ(d1.contacts[1].second.postal.at(0).name, "John Doe");
  EXPECT_EQ(d1.contacts[1].second.postal.at(0).address.street[1], "Suite 100");
  EXPECT_EQ(d1.domain.statuses.size(), 2U);
  EXPECT_EQ(d1.domain.statuses[0].description, "Disallow delete");
  ASSERT_EQ(d1.nameservers.size(), 1U);
  EXPECT_EQ(d1.nameservers[0].ipv6, std::vector<std::string>{"1080::8:800:200c:417a"});
  EXPECT_EQ(d1.domain.ds.size(), 2U);
  EXPECT_EQ(d1.domain.keys.size(), 2U);
  EXPECT_EQ(d1.domain.max_sig_life, 604800);

  auto d2 = store_->registrations().find_registration("domain2.test").value();
  EXPECT_EQ(format_rfc3339(*d2.domain.transferred), "2012-03-09T23:59:59Z");
  EXPECT_EQ(d2.domain.statuses, (std::vector<model::Status>{{"clientUpdateProhibited", "Disallow update"},
                                                            {"pendingDelete", ""},
                                                            {"redemptionPeriod", ""}}));
  EXPECT_EQ(d2.nameservers.at(0).name.ldh, "ns1.example.test2");

  auto idn = store_->registrations().find_registration("xn--bcher-kva.test").value();
  EXPECT_EQ(idn.domain.name.unicode, "bücher.test");
  EXPECT_EQ(idn.domain.idn_table, "LANG-1");

  // contactDisclose: sh8013 withholds (flag 0); mycontactid consents to publish its name.
  EXPECT_EQ(store_->registrations().find_contact("sh8013").value().consent, 0U);
  EXPECT_EQ(store_->registrations().find_contact("mycontactid").value().consent,
            unsigned{model::kConsentName});
  EXPECT_FALSE(report->notes.empty());  // idnLanguage, NNDN and contactTransfer are not stored
}

// Everything RFC 9022's registrar CSV says about a registrar is kept (issue 9, item 1).
TEST_P(EscrowImportTest, KeepsEverythingTheDepositSaysAboutARegistrar) {
  ASSERT_TRUE(import(full()).has_value());
  model::Registrar expected;
  expected.handle = "EXAMPLE";
  expected.name = "Example Inc.";
  expected.iana_id = 1234;
  expected.status = "ok";
  expected.address.street[0] = "123 Example Dr.";
  expected.address.street[1] = "Suite 100";
  expected.address.city = "Dulles";
  expected.address.state_province = "VA";
  expected.address.postal_code = "20166-6503";
  expected.address.country_code = "US";
  expected.voice = "+1.7035555555";
  expected.voice_ext = "1234";
  expected.fax = "+1.7035555556";
  expected.email = "jdoe@example.test";
  expected.url = "http://www.example.test";
  expected.whois_server = "http://whois.example.test";
  expected.created = parse_rfc3339("2005-04-23T11:49:00.0Z").value();
  expected.updated = parse_rfc3339("2009-02-17T17:51:00.0Z").value();
  EXPECT_EQ(store_->registrations().find_registrar("EXAMPLE").value(), expected);
}

// The operator's registrar directory is not the deposit's: a later FULL deposit, which replaces every
// registrar it carries, keeps it.
TEST_P(EscrowImportTest, AReimportKeepsTheRegistrarDirectory) {
  ASSERT_TRUE(import(full()).has_value());
  ASSERT_TRUE(set_registrar_directory(*store_,
                                      {.iana_id = 1234,
                                       .rdap_base_url = "https://rdap.example.test/",
                                       .abuse_email = "abuse@example.test",
                                       .abuse_phone = "+1.7035555500"},
                                      clock_)
                  .has_value());
  const fs::path xml = dir_.path() / "rfc9022-full" / "deposit.xml";
  std::string text = slurp(xml);
  const std::string old_id = "id=\"20101017001\"";
  const auto pos = text.find(old_id);
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, old_id.size(), "id=\"20101024001\"");
  spit(xml, text);
  auto next = import(full());
  ASSERT_TRUE(next.has_value()) << next.error().message;
  ASSERT_FALSE(next->already_imported);

  const model::Registrar merged = store_->registrations().find_registrar("EXAMPLE").value();
  EXPECT_EQ(merged.abuse_email, "abuse@example.test");
  EXPECT_EQ(merged.abuse_phone, "+1.7035555500");
  EXPECT_EQ(merged.rdap_base_url, "https://rdap.example.test/");
  EXPECT_EQ(merged.url, "http://www.example.test");
}

TEST_P(EscrowImportTest, AnImportIsAuditedWithItsDepositRowsAndFileHashesInItsOwnTransaction) {
  auto report = import(full(), {.actor = {"operator", "alice"}});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->audit_entry, 0U);
  const auto entries = audit_entries();
  ASSERT_EQ(entries.size(), 1U);
  const audit::Entry& e = entries[0];
  EXPECT_EQ(e.actor, (audit::Actor{"operator", "alice"}));
  EXPECT_EQ(e.action, "import.escrow");
  EXPECT_EQ(e.object, (audit::Object{"deposit", "20101017001"}));
  EXPECT_EQ(e.time, clock_.now());
  auto detail = [&](std::string_view key) {
    for (const auto& [k, v] : e.detail) {
      if (k == key) return v;
    }
    return std::string("(none)");
  };
  EXPECT_EQ(detail("type"), "FULL");
  EXPECT_NE(detail("rows").find("domain=4"), std::string::npos) << detail("rows");
  const std::string csv = slurp(dir_.path() / "rfc9022-full" / "domain-YYYYMMDD.csv");
  EXPECT_NE(detail("files").find("domain-YYYYMMDD.csv=" + tlog::hex(tlog::sha256(csv))), std::string::npos)
      << detail("files");
  EXPECT_NE(detail("files").find("deposit.xml="), std::string::npos);
  EXPECT_EQ(detail("files_sha256"), tlog::hex(tlog::sha256(detail("files"))));
  // The same deposit again changes nothing, so it records nothing; a DIFF records its own entry.
  ASSERT_TRUE(import(full()).has_value());
  EXPECT_EQ(audit_entries().size(), 1U);
  ASSERT_TRUE(import(diff()).has_value());
  ASSERT_EQ(audit_entries().size(), 2U);
  EXPECT_EQ(audit_entries()[1].object.id, "20101018001");
}

TEST_P(EscrowImportTest, ImportingTheSameDepositTwiceChangesNothing) {
  ASSERT_TRUE(import(full()).has_value());
  const auto updated = store_->registrations().data_updated().value();
  const auto before = store_->registrations().find_registration("domain1.test").value().domain;
  auto again = import(full());
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(store_->registrations().data_updated().value(), updated);
  EXPECT_EQ(store_->registrations().find_registration("domain1.test").value().domain, before);
  EXPECT_EQ(store_->registrations().counts().value(), (store::StoreCounts{3, 3, 2, 4}));
}

TEST_P(EscrowImportTest, AppliesADiffAfterItsPredecessor) {
  ASSERT_TRUE(import(full()).has_value());
  auto report = import(diff());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(store_->registrations().find_registration("domain1.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(store_->registrations().find_host("ns1.domain1.test").error().code, ErrorCode::not_found);
  auto d2 = store_->registrations().find_registration("domain2.test").value();
  EXPECT_EQ(d2.registrar.handle, "clientY");
  EXPECT_EQ(d2.domain.statuses, (std::vector<model::Status>{{"clientTransferProhibited", ""}}));
  ASSERT_EQ(d2.contacts.size(), 2U);  // cascade replace: only the DIFF's contacts remain
  EXPECT_TRUE(d2.nameservers.empty());
  EXPECT_TRUE(store_->registrations().find_registration("domain3.test").has_value());
  EXPECT_EQ(report->counts.domains, 4);
}

TEST_P(EscrowImportTest, RefusesADiffOutOfSequence) {
  auto result = import(diff());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::conflict);
  EXPECT_NE(result.error().message.find("follows '20101017001'"), std::string::npos)
      << result.error().message;
}

TEST_P(EscrowImportTest, WrongChecksumAbortsTheImport) {
  {
    const fs::path csv = dir_.path() / "rfc9022-diff" / "domain-YYYYMMDD.csv";
    spit(csv, slurp(csv) + "domain9.test,D9-TEST,,,sh8013,registrarX,,,,,,,2030-01-01T00:00:00Z\n");
  }
  expect_failure_leaves_store_alone(
      diff(), "domain-YYYYMMDD.csv: CRC32 checksum is " +
                  crc32_hex(slurp(dir_.path() / "rfc9022-diff" / "domain-YYYYMMDD.csv")) +
                  ", the deposit says " + [&] {
                    const std::string xml = slurp(dir_.path() / "rfc9022-diff" / "deposit.xml");
                    const auto at = xml.find("cksum=\"", xml.find("csvDomain:contents"));
                    return xml.substr(at + 7, 8);
                  }());
}

TEST_P(EscrowImportTest, MissingFileAbortsTheImport) {
  fs::remove(dir_.path() / "rfc9022-diff" / "domainStatuses-YYYYMMDD.csv");
  expect_failure_leaves_store_alone(diff(),
                                    "csv 'domainStatuses': missing file 'domainStatuses-YYYYMMDD.csv'");
}

TEST_P(EscrowImportTest, WrongColumnCountNamesFileAndLine) {
  rewrite("rfc9022-diff", "domainContacts-YYYYMMDD.csv",
          [](std::string s) { return s + "domain3.test,sh8013\n"; });
  expect_failure_leaves_store_alone(diff(), "domainContacts-YYYYMMDD.csv line 3: expected 3 fields, found 2");
}

TEST_P(EscrowImportTest, BadDateNamesFileAndLine) {
  rewrite("rfc9022-diff", "domain-YYYYMMDD.csv", [](std::string s) {
    return s.replace(s.find("2011-10-17T10:00:00.0Z"), 22, "2011-02-30T10:00:00.0Z");
  });
  expect_failure_leaves_store_alone(
      diff(), "domain-YYYYMMDD.csv line 2: bad RFC 3339 date-time '2011-02-30T10:00:00.0Z': no such date");
}

TEST_P(EscrowImportTest, UnknownRegistrarNamesFileAndLine) {
  rewrite("rfc9022-diff", "domain-YYYYMMDD.csv", [](std::string s) {
    return s.replace(s.find("domain3.test,Ddomain3-TEST,,,sh8013,registrarX"), 46,
                     "domain3.test,Ddomain3-TEST,,,sh8013,registrarQ");
  });
  expect_failure_leaves_store_alone(diff(), "domain-YYYYMMDD.csv line 2: unknown registrar 'registrarQ'");
}

TEST_P(EscrowImportTest, DuplicateKeyNamesFileAndLine) {
  rewrite("rfc9022-diff", "domain-YYYYMMDD.csv",
          [](std::string s) { return s + s.substr(0, s.find('\n') + 1); });
  expect_failure_leaves_store_alone(diff(), "domain-YYYYMMDD.csv line 3: duplicate domain 'domain2.test'");
}

TEST_P(EscrowImportTest, ADomainOutsideTheTldIsRefused) {
  rewrite("rfc9022-diff", "domain-YYYYMMDD.csv",
          [](std::string s) { return s.replace(s.find("domain3.test,"), 13, "domain3.example,"); });
  expect_failure_leaves_store_alone(
      diff(), "domain-YYYYMMDD.csv line 2: domain 'domain3.example' is not under the deposit's TLD 'test'");
}

TEST_P(EscrowImportTest, AQuotedLineBreakThatWouldForgeAWhoisLineIsRefused) {
  rewrite("rfc9022-diff", "domain-YYYYMMDD.csv", [](std::string s) {
    return s.replace(s.find("Ddomain3-TEST"), 13, "\"Ddomain3-TEST\r\nRegistrant Email: x@forged.test\"");
  });
  expect_failure_leaves_store_alone(
      diff(), "domain-YYYYMMDD.csv line 2: field fRoid holds the control character U+000D");
}

// A contact's personal data with a character no text value may hold: the full deposit is refused with
// the file, line and column, the message does not repeat the value, and nothing is stored.
struct BadText {
  const char* name;
  std::string replacement;  // for "Rita Registrant", the name of the contact on line 3
  std::string problem;
};

void PrintTo(const BadText& input, std::ostream* out) { *out << input.name; }

class EscrowBadTextTest : public EscrowImportFixture,
                          public ::testing::WithParamInterface<std::tuple<Backend, BadText>> {
 protected:
  void SetUp() override { open(std::get<Backend>(GetParam())); }
  static const BadText& input() { return std::get<BadText>(GetParam()); }
};

TEST_P(EscrowBadTextTest, IsRefusedWithFileLineAndColumnAndNothingIsStored) {
  rewrite("rfc9022-full", "contactPostal-YYYYMMDD.csv",
          [](std::string s) { return s.replace(s.find("Rita Registrant"), 15, input().replacement); });
  auto result = import(full());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(result.error().message, "contactPostal-YYYYMMDD.csv line 3: field fName " + input().problem);
  EXPECT_EQ(store_->registrations().counts().value(), (store::StoreCounts{}));
  EXPECT_FALSE(store_->registrations().last_deposit().value().has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Escrow, EscrowBadTextTest,
    ::testing::Combine(
        ::testing::ValuesIn(ssad::testing::backends()),
        ::testing::Values(
            BadText{"Tab", "Rita\tRegistrant", "holds the control character U+0009"},
            BadText{"Nul", std::string("Rita\0Registrant", 15), "holds the control character U+0000"},
            BadText{"Del", "Rita\x7FRegistrant", "holds the control character U+007F"},
            BadText{"NextLine", "Rita\xC2\x85Registrant", "holds the control character U+0085"},
            BadText{"LineSeparator", "Rita\xE2\x80\xA8Registrant", "holds the line separator U+2028"},
            BadText{"ParagraphSeparator", "Rita\xE2\x80\xA9Registrant", "holds the line separator U+2029"},
            BadText{"RightToLeftOverride", "Rita\xE2\x80\xAERegistrant",
                    "holds the bidirectional formatting character U+202E"},
            BadText{"FirstStrongIsolate", "Rita\xE2\x81\xA8Registrant",
                    "holds the bidirectional formatting character U+2068"},
            BadText{"Latin1", "Rita R\xE9gistrant", "is not UTF-8"},
            BadText{"Overlong", "Rita\xC0\x8ARegistrant", "is not UTF-8"},
            BadText{"Surrogate", "Rita\xED\xA0\x80Registrant", "is not UTF-8"},
            BadText{"Truncated", "Rita Registran\xE2\x80", "is not UTF-8"})),
    [](const ::testing::TestParamInfo<std::tuple<Backend, BadText>>& param) {
      return std::string(std::get<Backend>(param.param).name) + "_" + std::get<BadText>(param.param).name;
    });

TEST_P(EscrowImportTest, RightToLeftTextAndItsMarksAreStored) {
  const std::string name = "\xD7\xA8\xD7\x99\xD7\x98\xD7\x94\xE2\x80\x8F (Rita) \xE2\x80\x8E\xD8\x9C";
  rewrite("rfc9022-full", "contactPostal-YYYYMMDD.csv",
          [&](std::string s) { return s.replace(s.find("Rita Registrant"), 15, name); });
  auto report = import(full());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(store_->registrations().find_contact("registrantid").value().postal.at(0).name, name);
}

TEST_P(EscrowImportTest, AFullDepositWhoseHeaderCountDisagreesIsRefused) {
  std::string xml = slurp(full());
  xml.replace(xml.find("      4\n"), 8, "      5\n");
  spit(full(), xml);
  auto result = import(full());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message, "deposit header counts 5 domain objects but its files hold 4");
  EXPECT_EQ(store_->registrations().counts().value(), (store::StoreCounts{}));
}

TEST_P(EscrowImportTest, NotADepositIsRefused) {
  spit(full(), "<html/>");
  auto result = import(full());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message,
            "deposit.xml: the document is not an <rde:deposit> (urn:ietf:params:xml:ns:rde-1.0)");
  spit(full(), "<rde:deposit");
  EXPECT_NE(import(full()).error().message.find("not well-formed XML"), std::string::npos);
}

// Drops every line of a CSV file that starts with one of `prefixes`.
std::function<std::string(std::string)> without_lines(std::vector<std::string> prefixes) {
  return [prefixes = std::move(prefixes)](const std::string& text) {
    std::istringstream in(text);
    std::string kept;
    for (std::string line; std::getline(in, line);) {
      if (std::ranges::none_of(prefixes, [&](const std::string& p) { return line.starts_with(p); })) {
        kept += line + "\n";
      }
    }
    return kept;
  };
}

// Replaces the first `from` in a deposit's XML (which has no checksum of its own).
void edit_xml(const fs::path& xml, const std::string& from, const std::string& to) {
  std::string text = slurp(xml);
  const auto at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  spit(xml, text.replace(at, from.size(), to));
}

// An INCR deposit is applied like a DIFF, but follows the last FULL (RFC 9022 §3): not a DIFF or INCR.
TEST_P(EscrowImportTest, AppliesAnIncrAfterTheFullItNamesAndNotAfterAnotherIncr) {
  fs::copy(dir_.path() / "rfc9022-diff", dir_.path() / "incr");
  edit_xml(dir_.path() / "incr" / "deposit.xml", R"(type="DIFF")", R"(type="INCR")");
  edit_xml(dir_.path() / "incr" / "deposit.xml", R"(id="20101018001")", R"(id="20101018009")");
  ASSERT_TRUE(import(full()).has_value());
  auto report = import(dir_.file("incr/deposit.xml"));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->type, "INCR");
  EXPECT_EQ(store_->registrations().find_registration("domain1.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(store_->registrations().find_registration("domain2.test").value().registrar.handle, "clientY");
  EXPECT_EQ(store_->registrations().last_deposit().value()->id, "20101018009");

  // A second INCR that names the first as its predecessor is out of sequence.
  fs::copy(dir_.path() / "incr", dir_.path() / "incr2");
  edit_xml(dir_.path() / "incr2" / "deposit.xml", R"(id="20101018009" prevId="20101017001")",
           R"(id="20101019009" prevId="20101018009")");
  const auto refused = import(dir_.file("incr2/deposit.xml"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message,
            "INCR deposit '20101019009' follows '20101018009', but the store's last deposit is '20101018009' "
            "(use --ignore-sequence to apply it anyway)");
}

// A FULL deposit replaces the one before it: domains it no longer holds are gone, with the hosts and
// contacts nothing uses any more; the domains it holds take its values.
TEST_P(EscrowImportTest, AFullDepositReplacesTheFullBeforeIt) {
  ASSERT_TRUE(import(full()).has_value());
  fs::copy(dir_.path() / "rfc9022-full", dir_.path() / "full2");
  for (const char* file :
       {"domain-YYYYMMDD.csv", "domainContacts-YYYYMMDD.csv", "domainStatuses-YYYYMMDD.csv",
        "domainTransfer-YYYYMMDD.csv", "dnssec-ds-YYYYMMDD.csv", "dnssec-key-YYYYMMDD.csv",
        "domainNameServers-name-YYYYMMDD.csv", "host-YYYYMMDD.csv", "hostAddresses-YYYYMMDD.csv",
        "hostStatuses-YYYYMMDD.csv"}) {
    rewrite("full2", file, without_lines({"domain1.test,", "ns1.domain1.test,", "Hns1_example_test-TEST,"}));
  }
  rewrite("full2", "domain-YYYYMMDD.csv", [](std::string s) {
    const auto at = s.find("2015-04-03T22:00:00.0Z", s.find("domain2.test,"));
    return s.replace(at, 22, "2031-01-01T00:00:00.0Z");
  });
  const fs::path xml = dir_.path() / "full2" / "deposit.xml";
  edit_xml(xml, R"(id="20101017001")", R"(id="20101024001")");
  edit_xml(xml, "csvDomain-1.0\">\n      4\n", "csvDomain-1.0\">\n      3\n");
  edit_xml(xml, "csvHost-1.0\">\n      2\n", "csvHost-1.0\">\n      1\n");

  auto report = import(xml.string());
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->counts, (store::StoreCounts{3, 3, 1, 3}));
  EXPECT_EQ(store_->registrations().find_registration("domain1.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(store_->registrations().find_host("ns1.domain1.test").error().code, ErrorCode::not_found);
  const auto d2 = store_->registrations().find_registration("domain2.test").value();
  EXPECT_EQ(format_rfc3339(*d2.domain.expires), "2031-01-01T00:00:00Z");
  EXPECT_TRUE(store_->registrations().find_registration("xn--caf-dma.test").has_value());
  EXPECT_EQ(store_->registrations().last_deposit().value()->id, "20101024001");
}

// Deleting a host a domain still names is refused with the file and line of the delete, and nothing of
// the deposit stays applied (its domain delete, which ran first, included).
TEST_P(EscrowImportTest, ADiffDeletingAHostStillInUseIsRefusedAndRolledBack) {
  rewrite("rfc9022-diff", "host-delete-YYYYMMDD.csv",
          [](const std::string&) { return "Hns1_example_test-TEST\nHns1_example_test2-TEST\n"; });
  expect_failure_leaves_store_alone(diff(),
                                    "host-delete-YYYYMMDD.csv line 2: host ROID 'Hns1_example_test2-TEST' is "
                                    "still a nameserver of a domain");
  EXPECT_TRUE(store_->registrations().find_registration("domain1.test").has_value());
  EXPECT_TRUE(store_->registrations().find_host("ns1.domain1.test").has_value());
}

TEST_P(EscrowImportTest, ADepositIdAlreadyImportedWithOtherContentIsRefused) {
  ASSERT_TRUE(import(full()).has_value());
  const auto updated = store_->registrations().data_updated().value();
  // The same id, but a file of other content (and so another checksum in the XML).
  rewrite("rfc9022-full", "domain-YYYYMMDD.csv", without_lines({"domain1.test,"}));
  const auto refused = import(full());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_EQ(refused.error().message, "deposit '20101017001' was already imported with different content");
  EXPECT_TRUE(store_->registrations().find_registration("domain1.test").has_value());
  EXPECT_EQ(store_->registrations().data_updated().value(), updated);
}

// --ignore-sequence applies a DIFF whose predecessor is not the store's last deposit.
TEST_P(EscrowImportTest, IgnoreSequenceAppliesADiffOutOfSequence) {
  ASSERT_TRUE(import(full()).has_value());
  edit_xml(diff(), R"(prevId="20101017001")", R"(prevId="20101016001")");
  const auto refused = import(diff());
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);
  EXPECT_TRUE(store_->registrations().find_registration("domain1.test").has_value());
  auto report = import(diff(), {.ignore_sequence = true});
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(store_->registrations().find_registration("domain1.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(store_->registrations().last_deposit().value()->id, "20101018001");
}

INSTANTIATE_TEST_SUITE_P(Backends, EscrowImportTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

// The CSV reader and the checksum read files, not a store: they run once.
TEST(CsvReaderTest, HandlesQuotesEscapesAndLineNumbers) {
  CsvReader reader("a,\"b, c\",\"say \"\"hi\"\"\"\r\n\nx,,\"multi\nline\"\ny,z,w", ',');
  std::vector<std::string_view> f;
  ASSERT_TRUE(reader.next(f).value());
  EXPECT_EQ(f, (std::vector<std::string_view>{"a", "b, c", "say \"hi\""}));
  EXPECT_EQ(reader.line(), 1U);
  ASSERT_TRUE(reader.next(f).value());
  EXPECT_EQ(f, (std::vector<std::string_view>{"x", "", "multi\nline"}));
  EXPECT_EQ(reader.line(), 3U);
  ASSERT_TRUE(reader.next(f).value());
  EXPECT_EQ(reader.line(), 5U);
  EXPECT_FALSE(reader.next(f).value());
}

TEST(CsvReaderTest, RejectsUnterminatedQuotes) {
  CsvReader reader("a,\"open\n", ',');
  std::vector<std::string_view> f;
  EXPECT_FALSE(reader.next(f).has_value());
}

TEST(CsvReaderTest, KeepsEveryEscapedFieldOfARecord) {
  // Each field with an escaped quote is copied; copying the fifth must not move the first four.
  CsvReader reader("\"a\"\"\",\"b\"\"\",\"c\"\"\",\"d\"\"\",\"e\"\"\"\n", ',');
  std::vector<std::string_view> f;
  ASSERT_TRUE(reader.next(f).value());
  EXPECT_EQ(f, (std::vector<std::string_view>{"a\"", "b\"", "c\"", "d\"", "e\""}));
}

TEST(CsvReaderTest, RefusesACarriageReturnWithoutALineFeed) {
  for (const std::string_view text : {"a,b\rc,d\n", "a,\"b\"\rc\n", "a\n\r\nb\n\rc\n"}) {
    CsvReader reader(text, ',');
    std::vector<std::string_view> f;
    Result<bool> more = true;
    while (more && *more) more = reader.next(f);
    ASSERT_FALSE(more.has_value()) << text;
    EXPECT_NE(more.error().message.find("carriage return not followed by a line feed"), std::string::npos);
  }
}

TEST(ChecksumTest, Crc32IsZlibsAndUpperCaseHex) {
  EXPECT_EQ(crc32_hex("123456789"), "CBF43926");  // the CRC-32 check value
  EXPECT_EQ(crc32_hex(""), "00000000");
}

}  // namespace
}  // namespace ssad::ingest
