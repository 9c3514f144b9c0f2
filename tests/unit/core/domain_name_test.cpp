#include "core/domain_name.hpp"

#include <gtest/gtest.h>

namespace ssad {
namespace {

TEST(DomainNameTest, LowerCasesAndDropsTrailingDot) {
  auto n = normalize_domain_name("ExAmple.COM.");
  ASSERT_TRUE(n.has_value()) << n.error().message;
  EXPECT_EQ(n->ldh, "example.com");
  EXPECT_FALSE(n->is_idn());
}

TEST(DomainNameTest, ULabelAndALabelGiveTheSameName) {
  auto from_u = normalize_domain_name("Bücher.example");
  auto from_a = normalize_domain_name("XN--BCHER-KVA.example");
  ASSERT_TRUE(from_u.has_value()) << from_u.error().message;
  ASSERT_TRUE(from_a.has_value()) << from_a.error().message;
  EXPECT_EQ(from_u->ldh, "xn--bcher-kva.example");
  EXPECT_EQ(from_u->unicode, "bücher.example");
  EXPECT_EQ(*from_u, *from_a);
}

TEST(DomainNameTest, Uts46MapsFullWidthAndSharpS) {
  // UTS 46 non-transitional: ß stays ß (IDNA2008), full-width letters map to ASCII.
  auto sharp = normalize_domain_name("straße.example");
  ASSERT_TRUE(sharp.has_value()) << sharp.error().message;
  EXPECT_EQ(sharp->ldh, "xn--strae-oqa.example");
  auto wide = normalize_domain_name("\xEF\xBD\x85xample.com");  // U+FF45 FULLWIDTH SMALL E
  ASSERT_TRUE(wide.has_value()) << wide.error().message;
  EXPECT_EQ(wide->ldh, "example.com");
}

TEST(DomainNameTest, RejectsMalformedNames) {
  for (const char* bad : {"", ".", "com", "a..b", "-a.com", "a-.com", "a_b.com", "ab--cd.com", "xn--zz.com",
                          "a b.com", "xn--bcher-KVA.example\xff"}) {
    auto n = normalize_domain_name(bad);
    EXPECT_FALSE(n.has_value()) << bad;
    if (!n) {
      EXPECT_EQ(n.error().code, ErrorCode::invalid_input);
    }
  }
  EXPECT_FALSE(normalize_domain_name(std::string(64, 'a') + ".com").has_value());
  EXPECT_FALSE(normalize_domain_name(std::string(250, 'a').insert(50, ".") + ".com").has_value());
}

TEST(DomainNameTest, RejectsANulByteThatWouldCutAUnicodeNameShort) {
  using namespace std::string_literals;
  for (const std::string& name : {"b\u00FCcher\0evil.test"s, "ex\0.t\u00E9st"s, "\0"s, "a.test\0"s}) {
    auto result = normalize_domain_name(name);
    ASSERT_FALSE(result.has_value()) << result->ldh;
    EXPECT_TRUE(result.error().message.ends_with(": holds a NUL byte")) << result.error().message;
  }
}

TEST(DomainNameTest, MixedLabelsAreRefusedWhenAsked) {
  EXPECT_TRUE(normalize_domain_name("xn--bcher-kva.bücher.example").has_value());
  auto mixed = normalize_domain_name("xn--bcher-kva.bücher.example", MixedLabels::reject);
  ASSERT_FALSE(mixed.has_value());
  EXPECT_NE(mixed.error().message.find("mixes"), std::string::npos);
}

TEST(DomainNameTest, TopLevelLabel) { EXPECT_EQ(top_level_label("a.b.example"), "example"); }

}  // namespace
}  // namespace ssad
