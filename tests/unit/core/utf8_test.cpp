// The one UTF-8 decoder the RDAP query, the WHOIS access log and the imports share.

#include "core/utf8.hpp"

#include <gtest/gtest.h>

namespace ssad {
namespace {

TEST(Utf8Test, DecodesEachSequenceLengthAndAdvances) {
  const std::string_view text = "a\xC3\xBC\xE6\x97\xA5\xF0\x9F\x98\x80";  // a ü 日 😀
  std::size_t pos = 0;
  EXPECT_EQ(decode_utf8(text, pos), U'a');
  EXPECT_EQ(pos, 1U);
  EXPECT_EQ(decode_utf8(text, pos), U'\u00FC');
  EXPECT_EQ(decode_utf8(text, pos), U'\u65E5');
  EXPECT_EQ(decode_utf8(text, pos), U'\U0001F600');
  EXPECT_EQ(pos, text.size());
  EXPECT_TRUE(is_utf8(text));
  EXPECT_EQ(utf8_characters(text), 4U);
}

TEST(Utf8Test, RefusesWhatRfc3629Forbids) {
  for (const char* bad : {"\xC0\xAF",          // overlong '/'
                          "\xE0\x80\xAF",      // overlong, three bytes
                          "\xF0\x80\x80\xAF",  // overlong, four bytes
                          "\xED\xA0\x80",      // a surrogate
                          "\xF4\x90\x80\x80",  // above U+10FFFF
                          "\x80",              // a stray continuation byte
                          "\xC3",              // truncated
                          "\xE6\x97",          // truncated
                          "\xC3(",             // a continuation that is not one
                          "\xFF"}) {
    std::size_t pos = 0;
    EXPECT_FALSE(decode_utf8(bad, pos).has_value()) << bad;
    EXPECT_EQ(pos, 0U) << bad;
    EXPECT_FALSE(is_utf8(std::string("ok ") + bad)) << bad;
  }
}

}  // namespace
}  // namespace ssad
