// The JSON and CSV forms of audit entries (audit/entry_json.hpp): the golden files of tests/data/audit/,
// the spreadsheet formula guard, RFC 4180 quoting, the percent-encoding of detail and the time format.

#include "audit/entry_json.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/entry.hpp"
#include "core/time.hpp"
#include "unit/audit/vectors.hpp"

namespace ssad::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace vectors;

TEST(AuditEntryJsonTest, WritesTheVectorsAsInTheGoldenFile) {
  const std::vector<std::string> expected = read_lines("entries-v1.jsonl", "\n");
  ASSERT_EQ(expected.size(), 2U);
  std::uint64_t seq = 7;
  for (const Entry& e : {registrar_set(), domain_disclose()}) {
    json::JsonWriter out;
    write_json(out, e, seq, encode(e).value());
    EXPECT_EQ(std::string(out.view()) + "\n", expected[seq - 7]);
    ++seq;
  }
}

TEST(AuditEntryCsvTest, WritesTheVectorsAsInTheGoldenFile) {
  std::string out(kCsvHeader);
  write_csv_row(out, registrar_set(), 7, encode(registrar_set()).value());
  write_csv_row(out, domain_disclose(), 8, encode(domain_disclose()).value());
  EXPECT_EQ(out, read_file(kDataDir + "entries-v1.csv"));
}

std::vector<std::string> csv_cells(const Entry& e) {
  std::string row;
  write_csv_row(row, e, 1, "x");
  EXPECT_TRUE(row.ends_with("\r\n"));
  row.resize(row.size() - 2);
  // Split at commas outside quotes (RFC 4180), keeping the quotes.
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (const char c : row) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      cells.emplace_back();
    } else {
      cells.back().push_back(c);
    }
  }
  return cells;
}

TEST(AuditEntryCsvTest, PutsAnApostropheBeforeCellsASpreadsheetWouldRunAsFormulas) {
  for (const char* id : {"=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "'quoted"}) {
    Entry e = registrar_set();
    e.actor.id = id;
    const auto cells = csv_cells(e);
    ASSERT_EQ(cells.size(), 13U) << id;
    std::string expected = std::string("'") + id;
    if (expected.find('"') != std::string::npos) {
      std::string quoted = "\"";
      for (const char c : expected) {
        if (c == '"') quoted.push_back('"');
        quoted.push_back(c);
      }
      expected = quoted + "\"";
    }
    EXPECT_EQ(cells[3], expected) << id;
  }
  Entry e = registrar_set();
  e.actor.id = "a=b-c";  // only the first character counts
  EXPECT_EQ(csv_cells(e)[3], "a=b-c");
}

TEST(AuditEntryCsvTest, GuardsABase64CellThatStartsWithPlus) {
  std::string row;
  write_csv_row(row, registrar_set(), 1, std::string("\xf8\x00\x00", 3));  // base64 "+AAA"
  EXPECT_TRUE(row.ends_with(",'+AAA\r\n")) << row;
}

TEST(AuditEntryCsvTest, QuotesCellsWithCommasAndQuotesAsRfc4180Says) {
  Entry e = registrar_set();
  e.object.id = "a,b";
  e.actor.id = "say \"hi\"";
  const auto cells = csv_cells(e);
  EXPECT_EQ(cells[3], "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cells[6], "\"a,b\"");
}

TEST(AuditEntryCsvTest, PercentEncodesTheSeparatorsInsideDetailValues) {
  Entry e = registrar_set();
  e.detail = {{"a.b", "x%y;z=w,v"}, {"c", ""}, {"d", "100% sure"}};
  const auto cells = csv_cells(e);
  EXPECT_EQ(cells[11], "a.b=x%25y%3Bz%3Dw%2Cv;c=;d=100%25 sure");
}

TEST(AuditEntryCsvTest, WritesEmptyCellsForNoPurposeFieldsOrCommitment) {
  const auto cells = csv_cells(registrar_set());
  EXPECT_EQ(cells[7], "");
  EXPECT_EQ(cells[8], "");
  EXPECT_EQ(cells[9], "");
  EXPECT_EQ(cells[10], "");
}

TEST(AuditEntryJsonTest, LeavesOutEmptyPurposeLawfulBasisAndCommitmentButKeepsEmptyLists) {
  Entry e = registrar_set();
  e.detail.clear();
  json::JsonWriter out;
  write_json(out, e, 0, "");
  const std::string text(out.view());
  EXPECT_THAT(text, Not(HasSubstr("purpose")));
  EXPECT_THAT(text, Not(HasSubstr("lawful_basis")));
  EXPECT_THAT(text, Not(HasSubstr("values_commitment")));
  EXPECT_THAT(text, HasSubstr("\"fields\":[]"));
  EXPECT_THAT(text, HasSubstr("\"detail\":{}"));
  EXPECT_THAT(text, HasSubstr("\"encoding\":\"\""));
}

TEST(AuditEntryJsonTest, EscapesQuotesAndWritesUnicodeAsIs) {
  Entry e = registrar_set();
  e.object.id = "\"b\\r\" ü";
  json::JsonWriter out;
  write_json(out, e, 1, "");
  EXPECT_THAT(std::string(out.view()), HasSubstr(R"("id":"\"b\\r\" ü")"));
}

TEST(AuditEntryTimeTest, AlwaysWritesThreeFractionDigits) {
  EXPECT_EQ(format_time(parse_rfc3339("2026-03-02T14:05:00Z").value()), "2026-03-02T14:05:00.000Z");
  EXPECT_EQ(format_time(parse_rfc3339("2026-03-02T14:05:00.07Z").value()), "2026-03-02T14:05:00.070Z");
  EXPECT_EQ(format_time(from_unix_ms(kMinTimeMs)), "0000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_time(from_unix_ms(kMaxTimeMs)), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_time(from_unix_ms(-1)), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace ssad::audit
