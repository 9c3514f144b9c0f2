// The registrar directory's CSV import and `ssad registrar set`: IANA's registrar-ids file, the
// operator's abuse-contact file, and the errors an operator sees (file:line, nothing written).

#include "ingest/registrar_directory.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "support/fake_clock.hpp"
#include "support/registration_fixtures.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"
#include "tlog/hash.hpp"

namespace ssad::ingest {
namespace {

// A fresh store of each backend (tests/support/store_backends.hpp), and a directory for the CSV files.
class RegistrarDirectoryImportTest : public ::testing::TestWithParam<ssad::testing::Backend> {
 protected:
  void SetUp() override { store_ = GetParam().open(place_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_.file(name);
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  Result<DirectoryImportReport> import(const std::string& path) {
    return import_registrar_directory(*store_, path, clock_);
  }
  std::vector<store::RegistrarDirectoryEntry> entries() {
    return store_->registrar_directory().entries().value();
  }

  ssad::testing::TempDir dir_;  // the files to import
  ssad::testing::FakeClock clock_{ssad::testing::at("2026-03-01T00:00:00Z")};
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
};

// IANA's file as published: a header row, quoted names (with commas), CRLF line ends, reserved IDs
// without an RDAP base URL.
TEST_P(RegistrarDirectoryImportTest, ReadsIanasRegistrarIdsFile) {
  const std::string path = write("registrar-ids-1.csv",
                                 "ID,Registrar Name,Status,RDAP Base URL\r\n"
                                 "1,Reserved,Reserved,\r\n"
                                 "1234,\"Example Inc.\",Accredited,https://rdap.example.test/\r\n"
                                 "9999,\"Registrar X, Inc.\",Accredited,https://rdap.registrarx.test/\r\n");
  auto report = import(path);
  ASSERT_TRUE(report.has_value()) << report.error().message;
  EXPECT_EQ(report->rows, 3);
  EXPECT_EQ(report->columns, (std::vector<std::string>{"ID", "Registrar Name", "Status", "RDAP Base URL"}));
  const auto all = entries();
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[2].iana_id, 9999);
  EXPECT_EQ(all[2].name, "Registrar X, Inc.");
  EXPECT_EQ(all[2].status, "Accredited");
  EXPECT_EQ(all[2].rdap_base_url, "https://rdap.registrarx.test/");
  EXPECT_EQ(all[0].rdap_base_url, "");
}

// The operator's abuse-contact file after IANA's: each sets its own columns and keeps the other's.
TEST_P(RegistrarDirectoryImportTest, TheAbuseContactFileKeepsWhatIanasFileSet) {
  ASSERT_TRUE(import(write("iana.csv",
                           "ID,Registrar Name,Status,RDAP Base URL\n"
                           "1234,\"Example Inc.\",Accredited,https://rdap.example.test/\n"))
                  .has_value());
  auto report = import(write("abuse.csv",
                             "ID,Abuse Email,Abuse Phone,URL\n"
                             "1234,abuse@example.test,+1.7035555555,\n"
                             "9999,abuse@registrarx.test,,https://registrarx.test/\n"));
  ASSERT_TRUE(report.has_value()) << report.error().message;
  const auto all = entries();
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].name, "Example Inc.");
  EXPECT_EQ(all[0].rdap_base_url, "https://rdap.example.test/");
  EXPECT_EQ(all[0].abuse_email, "abuse@example.test");
  EXPECT_EQ(all[0].abuse_phone, "+1.7035555555");
  EXPECT_EQ(all[0].url, "");  // an empty cell changes nothing
  EXPECT_EQ(all[1].abuse_email, "abuse@registrarx.test");
  EXPECT_EQ(all[1].url, "https://registrarx.test/");

  // Importing IANA's file again (a newer copy) keeps the abuse contacts.
  ASSERT_TRUE(import(write("iana2.csv",
                           "ID,Registrar Name,Status,RDAP Base URL\n"
                           "1234,\"Example, Inc.\",Accredited,https://rdap2.example.test/\n"))
                  .has_value());
  EXPECT_EQ(entries()[0].abuse_email, "abuse@example.test");
  EXPECT_EQ(entries()[0].rdap_base_url, "https://rdap2.example.test/");
}

// A bad row is reported with its file and line, and nothing of the file is written, rows before it
// included.
TEST_P(RegistrarDirectoryImportTest, ABadRowNamesFileAndLineAndWritesNothing) {
  ASSERT_TRUE(import(write("first.csv", "ID,Abuse Email\n1234,abuse@example.test\n")).has_value());
  const auto before = entries();
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"ID,Abuse Email\n1234,new@example.test\n5,not-an-email\n",
       ":3: the abuse email must be an address like abuse@registrar.example"},
      {"ID,Abuse Phone\n1234,+1.7035555555\n5,555-1234\n",
       ":3: the abuse phone must be written +CC.NUMBER (RFC 5733 E.164a), like +1.7035555555"},
      {"ID,URL\n1234,https://ok.example/\n5,ftp://x.example/\n",
       ":3: the URL must be an http:// or https:// URL"},
      {"ID,Abuse Email\n1234,new@example.test\n1234,other@example.test\n",
       ":3: ID 1234 was already given on line 2"},
      {"ID,Abuse Email\n1234,new@example.test\nx12,a@b.example\n",
       ":3: an IANA Registrar ID is a positive whole number"},
      {"ID,Abuse Email\n1234,new@example.test\n5\n", ":3: expected 2 fields, found 1"},
      {"ID,Abuse Emial\n1234,new@example.test\n",
       ":1: unknown column 'Abuse Emial' (known: 'ID', "
       "'Registrar Name', 'Status', 'RDAP Base URL', 'URL', "
       "'Abuse Email', 'Abuse Phone')"},
      {"Abuse Email\nnew@example.test\n", ":1: the header row has no 'ID' column"},
      {"ID,URL,URL\n1,https://a.example/,https://b.example/\n", ":1: column 'URL' appears twice"},
      {"", ":1: the file is empty; the first row must name the columns"},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const std::string path = write("bad" + std::to_string(n++) + ".csv", c.text);
    auto result = import(path);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(result.error().message, path + c.message);
    EXPECT_EQ(entries(), before);
    EXPECT_EQ(store_->audit_log().head().value().size, 1U);  // the first import's entry only
  }
}

TEST_P(RegistrarDirectoryImportTest, ChangesAreAuditedByFieldNameAndFileHashNeverByValue) {
  const std::string text = "ID,Abuse Email,URL\n1234,abuse@example.test,https://r.example/\n";
  ASSERT_TRUE(
      import_registrar_directory(*store_, write("dir.csv", text), clock_, {"operator", "bob"}).has_value());
  ASSERT_TRUE(set_registrar_directory(*store_, {.iana_id = 1234, .abuse_phone = "+44.2071234567"}, clock_,
                                      {"operator", "carol"})
                  .has_value());
  const auto records = store_->audit_log().entries(0, 10).value();
  ASSERT_EQ(records.size(), 2U);
  const audit::Entry imported = audit::decode(records[0].encoding).value();
  EXPECT_EQ(imported.action, "registrar.import");
  EXPECT_EQ(imported.actor.id, "bob");
  EXPECT_EQ(imported.detail,
            (std::vector<std::pair<std::string, std::string>>{{"columns", "ID,Abuse Email,URL"},
                                                              {"file", "dir.csv"},
                                                              {"rows", "1"},
                                                              {"sha256", tlog::hex(tlog::sha256(text))}}));
  const audit::Entry set = audit::decode(records[1].encoding).value();
  EXPECT_EQ(set.action, "registrar.set");
  EXPECT_EQ(set.object, (audit::Object{"registrar", "1234"}));
  EXPECT_EQ(set.detail, (std::vector<std::pair<std::string, std::string>>{{"fields", "abuse_phone"}}));
  for (const auto& r : records) {
    EXPECT_EQ(r.encoding.find("abuse@example.test"), std::string::npos);
    EXPECT_EQ(r.encoding.find("2071234567"), std::string::npos);
  }
  // A refused change records nothing.
  EXPECT_FALSE(set_registrar_directory(*store_, {.iana_id = 1234, .abuse_email = "x"}, clock_).has_value());
  EXPECT_EQ(store_->audit_log().head().value().size, 2U);
}

TEST_P(RegistrarDirectoryImportTest, SetChecksItsValuesAndChangesOnlyWhatItNames) {
  ASSERT_TRUE(set_registrar_directory(
                  *store_, {.iana_id = 1234, .rdap_base_url = "https://rdap.example.test/"}, clock_)
                  .has_value());
  ASSERT_TRUE(set_registrar_directory(*store_, {.iana_id = 1234, .abuse_phone = "+44.2071234567"}, clock_)
                  .has_value());
  EXPECT_EQ(entries().at(0).rdap_base_url, "https://rdap.example.test/");
  EXPECT_EQ(entries().at(0).abuse_phone, "+44.2071234567");

  auto bad = set_registrar_directory(*store_, {.iana_id = 1234, .abuse_email = "abuse at example"}, clock_);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(bad.error().message.find("abuse at example"), std::string::npos);  // the value is not echoed
  EXPECT_EQ(
      set_registrar_directory(*store_, {.iana_id = -3, .url = "https://x.example/"}, clock_).error().code,
      ErrorCode::invalid_input);
  EXPECT_EQ(entries().at(0).abuse_email, "");
  // The imports' text rule: nothing that would break a WHOIS line or an RDAP client's display, and the
  // value is not echoed (a downloaded CSV may put escape bytes on the operator's terminal).
  for (const char* url : {"https://x.example/\xC2\x85next", "https://x.example/\xE2\x80\xA8",
                          "https://x.example/\xE2\x80\xAE"
                          "evil",
                          "https://x.example/\xFF", "https://\x1B[31m/"}) {
    auto refused = set_registrar_directory(*store_, {.iana_id = 1234, .url = url}, clock_);
    ASSERT_FALSE(refused.has_value()) << url;
    EXPECT_EQ(refused.error().message.find("x.example"), std::string::npos) << refused.error().message;
  }
  auto named =
      set_registrar_directory(*store_, {.iana_id = 1234, .name = "Registrar\xE2\x80\xA8Inc"}, clock_);
  ASSERT_FALSE(named.has_value());
  EXPECT_EQ(entries().at(0).url, "");
  EXPECT_EQ(parse_iana_id("1234").value(), 1234);
  EXPECT_FALSE(parse_iana_id("0").has_value());
  EXPECT_FALSE(parse_iana_id("12a").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistrarDirectoryImportTest,
                         ::testing::ValuesIn(ssad::testing::backends()), ssad::testing::backend_name);

}  // namespace
}  // namespace ssad::ingest
