#include "whois/access_log.hpp"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace ssad::whois {
namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(WhoisAccessLogTest, WritesOneJsonObjectPerQuery) {
  AccessRecord record;
  record.time = from_unix_ms(1700000000123);
  record.remote = "192.0.2.7";
  record.query = "example.com";
  record.status = QueryStatus::ok;
  record.bytes = 317;
  record.duration = std::chrono::microseconds(1234);

  EXPECT_EQ(format_access_log_line(record),
            R"({"time":"2023-11-14T22:13:20.123Z","remote":"192.0.2.7","query":"example.com",)"
            R"("status":"ok","bytes":317,"duration_ms":1.234})");
}

TEST(WhoisAccessLogTest, NamesEveryStatusAsTheLogWritesIt) {
  EXPECT_EQ(to_string(QueryStatus::ok), "ok");
  EXPECT_EQ(to_string(QueryStatus::too_long), "too_long");
  EXPECT_EQ(to_string(QueryStatus::invalid), "invalid");
  EXPECT_EQ(to_string(QueryStatus::timeout), "timeout");
  EXPECT_EQ(to_string(QueryStatus::error), "error");
  EXPECT_EQ(to_string(QueryStatus::closed), "closed");
}

TEST(WhoisAccessLogTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_string("a\"b\\c"), R"(a\"b\\c)");
  EXPECT_EQ(json_string(std::string_view("x\0y", 3)), R"(x\u0000y)");
  EXPECT_EQ(json_string("\t\r\n\x1b\x7f"), R"(\u0009\u000d\u000a\u001b\u007f)");
}

TEST(WhoisAccessLogTest, KeepsWellFormedUtf8AndReplacesEveryMalformedByte) {
  EXPECT_EQ(json_string("b\xC3\xBC"
                        "cher.example"),
            "b\xC3\xBC"
            "cher.example");
  EXPECT_EQ(json_string("\xE4\xBE\x8B.\xF0\x9F\x98\x80"), "\xE4\xBE\x8B.\xF0\x9F\x98\x80");
  EXPECT_EQ(json_string("a\xC3"), R"(a\ufffd)");                              // cut short
  EXPECT_EQ(json_string("\xC0\xAF"), R"(\ufffd\ufffd)");                      // overlong
  EXPECT_EQ(json_string("\xED\xA0\x80"), R"(\ufffd\ufffd\ufffd)");            // a surrogate
  EXPECT_EQ(json_string("\xF4\x90\x80\x80"), R"(\ufffd\ufffd\ufffd\ufffd)");  // above U+10FFFF
  EXPECT_EQ(json_string("\xE4\xBEx"), R"(\ufffd\ufffdx)");                    // bad continuation
  EXPECT_EQ(json_string("\xFF"), R"(\ufffd)");
}

}  // namespace
}  // namespace ssad::whois
