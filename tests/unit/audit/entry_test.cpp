// The canonical encoding of audit entries (audit/entry.hpp): the golden vectors of tests/data/audit/,
// every rule validate() and decode() enforce, both round trips over many generated entries, and the
// salted commitment to the values served.

#include "audit/entry.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "core/time.hpp"
#include "unit/audit/vectors.hpp"

namespace ssad::audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace vectors;

// The format of entry.hpp written again without validate(), for bytes encode() would refuse to make.
std::string raw_encode(const Entry& e, std::uint8_t version = kEncodingVersion) {
  std::string out;
  const auto put = [&](std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
      out.push_back(static_cast<char>((value >> (8U * unsigned(i))) & 0xFFU));
  };
  const auto str = [&](std::string_view s, int bytes) {
    put(s.size(), bytes);
    out.append(s);
  };
  put(version, 1);
  for (const std::uint8_t b : e.nonce) put(b, 1);
  put(static_cast<std::uint64_t>(to_unix_ms(e.time)), 8);
  str(e.actor.kind, 1);
  str(e.actor.id, 2);
  str(e.action, 1);
  str(e.object.kind, 1);
  str(e.object.id, 2);
  str(e.purpose, 1);
  str(e.lawful_basis, 1);
  put(e.fields.size(), 2);
  for (const auto& f : e.fields) str(f, 1);
  put(e.values_commitment ? 32 : 0, 1);
  if (e.values_commitment) out.append(tlog::bytes_of(*e.values_commitment));
  put(e.detail.size(), 2);
  for (const auto& [k, v] : e.detail) {
    str(k, 1);
    str(v, 2);
  }
  return out;
}

// --- The golden vectors -------------------------------------------------------------------------

TEST(AuditEntryTest, EncodesTheRegistrarSetVectorByteForByte) {
  const auto bytes = encode(registrar_set());
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  EXPECT_EQ(hex_of(*bytes), hex_of(read_hex("entry-v1-registrar-set.hex")));
  EXPECT_EQ(bytes->size(), 110U);
}

TEST(AuditEntryTest, EncodesTheDomainDiscloseVectorByteForByte) {
  const Entry e = domain_disclose();
  EXPECT_EQ(tlog::hex(e.values_commitment.value_or(tlog::Hash{})),
            "53e84379bf216b59f936f50e0ece6f8fa704a55e011e869bf124ee0735d1996d");
  const auto bytes = encode(e);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  EXPECT_EQ(hex_of(*bytes), hex_of(read_hex("entry-v1-domain-disclose.hex")));
  EXPECT_EQ(bytes->size(), 181U);
}

TEST(AuditEntryTest, DecodesTheVectorsToEveryMember) {
  const auto a = decode(read_hex("entry-v1-registrar-set.hex"));
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(to_unix_ms(a->time), 1772443815250);
  EXPECT_EQ(a->actor, (Actor{"operator", "alice"}));
  EXPECT_EQ(a->action, "registrar.set");
  EXPECT_EQ(a->object, (Object{"registrar", "1234"}));
  EXPECT_EQ(a->purpose, "");
  EXPECT_EQ(a->lawful_basis, "");
  EXPECT_TRUE(a->fields.empty());
  EXPECT_FALSE(a->values_commitment.has_value());
  EXPECT_EQ(a->detail,
            (std::vector<std::pair<std::string, std::string>>{{"fields", "abuse_email"}, {"source", "cli"}}));
  EXPECT_EQ(tlog::hex(a->nonce), "8f3c2a91d04b6e17a5c9f0e2b3d84c61");
  EXPECT_EQ(*a, registrar_set());

  const auto b = decode(read_hex("entry-v1-domain-disclose.hex"));
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_EQ(to_unix_ms(b->time), 1772460300000);
  EXPECT_EQ(b->purpose, "network_attack");
  EXPECT_EQ(b->lawful_basis, "6(1)(f)");
  EXPECT_EQ(b->fields, (std::vector<std::string>{"registrant.email", "tech.email"}));
  ASSERT_TRUE(b->values_commitment.has_value());
  EXPECT_EQ(tlog::hex(b->values_commitment.value_or(tlog::Hash{})),
            "53e84379bf216b59f936f50e0ece6f8fa704a55e011e869bf124ee0735d1996d");
  EXPECT_EQ(*b, domain_disclose());
}

TEST(AuditEntryTest, TheVectorsFieldKeysAreInTheCatalogue) {
  EXPECT_NE(catalog::find_field("registrant.email"), nullptr);
  EXPECT_NE(catalog::find_field("tech.email"), nullptr);
}

// --- validate() ----------------------------------------------------------------------------------

struct Rule {
  const char* what;
  void (*spoil)(Entry&);
  const char* member;  // the start of the message after "audit entry: "
};

constexpr Rule kRules[] = {
    {"time before year 0", [](Entry& e) { e.time = from_unix_ms(kMinTimeMs - 1); }, "time "},
    {"time after year 9999", [](Entry& e) { e.time = from_unix_ms(kMaxTimeMs + 1); }, "time "},
    {"zero nonce", [](Entry& e) { e.nonce = {}; }, "nonce "},
    {"unknown actor kind", [](Entry& e) { e.actor.kind = "robot"; }, "actor.kind "},
    {"empty actor kind", [](Entry& e) { e.actor.kind.clear(); }, "actor.kind "},
    {"actor kind in capitals", [](Entry& e) { e.actor.kind = "Operator"; }, "actor.kind "},
    {"long actor id", [](Entry& e) { e.actor.id = std::string(kMaxIdBytes + 1, 'a'); }, "actor.id "},
    {"control in actor id", [](Entry& e) { e.actor.id = "ali\nce"; }, "actor.id "},
    {"bad UTF-8 in actor id", [](Entry& e) { e.actor.id = "ali\xc3"; }, "actor.id "},
    {"empty action", [](Entry& e) { e.action.clear(); }, "action "},
    {"capital in action", [](Entry& e) { e.action = "Registrar.set"; }, "action "},
    {"empty action segment", [](Entry& e) { e.action = "registrar..set"; }, "action "},
    {"trailing dot in action", [](Entry& e) { e.action = "registrar."; }, "action "},
    {"digit starting a segment", [](Entry& e) { e.action = "registrar.1set"; }, "action "},
    {"dash in action", [](Entry& e) { e.action = "registrar-set"; }, "action "},
    {"long action", [](Entry& e) { e.action = std::string(kMaxActionBytes + 1, 'a'); }, "action "},
    {"unknown object kind", [](Entry& e) { e.object.kind = "planet"; }, "object.kind "},
    {"long object id", [](Entry& e) { e.object.id = std::string(kMaxIdBytes + 1, 'a'); }, "object.id "},
    {"DEL in object id", [](Entry& e) { e.object.id = "12\x7f"; }, "object.id "},
    {"C1 control in object id", [](Entry& e) { e.object.id = "12\xc2\x85"; }, "object.id "},
    {"line separator in object id", [](Entry& e) { e.object.id = "12\xe2\x80\xa8"; }, "object.id "},
    {"bidi override in object id", [](Entry& e) { e.object.id = "12\xe2\x80\xae"; }, "object.id "},
    {"overlong UTF-8 in object id", [](Entry& e) { e.object.id = "\xc0\xaf"; }, "object.id "},
    {"space in purpose", [](Entry& e) { e.purpose = "network attack"; }, "purpose "},
    {"purpose starting with a dash", [](Entry& e) { e.purpose = "-x"; }, "purpose "},
    {"formula in purpose", [](Entry& e) { e.purpose = "=1+1"; }, "purpose "},
    {"non-ASCII purpose", [](Entry& e) { e.purpose = "r\xc3\xa9seau"; }, "purpose "},
    {"long purpose", [](Entry& e) { e.purpose = std::string(kMaxTokenBytes + 1, 'a'); }, "purpose "},
    {"space in lawful basis", [](Entry& e) { e.lawful_basis = "6(1) (f)"; }, "lawful_basis "},
    {"long lawful basis", [](Entry& e) { e.lawful_basis = std::string(kMaxTokenBytes + 1, '6'); },
     "lawful_basis "},
    {"unknown field key", [](Entry& e) { e.fields = {"registrant.email", "registrant.shoe_size"}; },
     "fields[1] "},
    {"unsorted fields", [](Entry& e) { e.fields = {"tech.email", "registrant.email"}; }, "fields[1] "},
    {"duplicate field", [](Entry& e) { e.fields = {"tech.email", "tech.email"}; }, "fields[1] "},
    {"commitment without fields",
     [](Entry& e) {
       e.fields.clear();
       e.values_commitment = tlog::Hash{};
     },
     "values_commitment "},
    {"too many detail pairs",
     [](Entry& e) {
       e.detail.clear();
       for (std::size_t i = 0; i <= kMaxDetailPairs; ++i)
         e.detail.emplace_back("k" + std::to_string(1000 + i), "v");
     },
     "detail "},
    {"empty detail key", [](Entry& e) { e.detail = {{"", "v"}}; }, "detail[0].key "},
    {"detail key with a capital", [](Entry& e) { e.detail = {{"Source", "v"}}; }, "detail[0].key "},
    {"detail key starting with a digit", [](Entry& e) { e.detail = {{"1a", "v"}}; }, "detail[0].key "},
    {"detail key with a dash", [](Entry& e) { e.detail = {{"a-b", "v"}}; }, "detail[0].key "},
    {"long detail key", [](Entry& e) { e.detail = {{std::string(kMaxDetailKeyBytes + 1, 'a'), "v"}}; },
     "detail[0].key "},
    {"unsorted detail", [](Entry& e) { e.detail = {{"source", "cli"}, {"fields", "x"}}; }, "detail[1].key "},
    {"duplicate detail key", [](Entry& e) { e.detail = {{"source", "cli"}, {"source", "api"}}; },
     "detail[1].key "},
    {"long detail value", [](Entry& e) { e.detail = {{"a", std::string(kMaxDetailValueBytes + 1, 'v')}}; },
     "detail[0].value "},
    {"tab in detail value", [](Entry& e) { e.detail = {{"a", "x\ty"}}; }, "detail[0].value "},
    {"bad UTF-8 in detail value", [](Entry& e) { e.detail = {{"a", "x"}, {"b", "\xed\xa0\x80"}}; },
     "detail[1].value "},
};

TEST(AuditEntryValidateTest, RefusesEachBrokenRuleNamingTheMember) {
  for (const Rule& rule : kRules) {
    Entry e = domain_disclose();
    rule.spoil(e);
    const auto checked = validate(e);
    ASSERT_FALSE(checked.has_value()) << rule.what;
    EXPECT_EQ(checked.error().code, ErrorCode::invalid_input) << rule.what;
    EXPECT_THAT(checked.error().message, ::testing::StartsWith(std::string("audit entry: ") + rule.member))
        << rule.what;
    EXPECT_FALSE(encode(e).has_value()) << rule.what;
    // decode() refuses the same entry's bytes, with the same message.
    const auto decoded = decode(raw_encode(e));
    ASSERT_FALSE(decoded.has_value()) << rule.what;
    EXPECT_EQ(decoded.error().message, checked.error().message) << rule.what;
  }
}

TEST(AuditEntryValidateTest, NeverRepeatsTheValueInItsMessage) {
  Entry e = registrar_set();
  e.actor.id = "secret-person\x01";
  EXPECT_THAT(validate(e).error().message, Not(HasSubstr("secret")));
  e = registrar_set();
  e.detail = {{"z", "secret"}, {"a", "secret"}};
  EXPECT_THAT(validate(e).error().message, Not(HasSubstr("secret")));
  e = registrar_set();
  e.fields = {"secret.field"};
  EXPECT_THAT(validate(e).error().message, Not(HasSubstr("secret")));
  e = registrar_set();
  e.purpose = "secret purpose";
  EXPECT_THAT(validate(e).error().message, Not(HasSubstr("secret")));
}

TEST(AuditEntryValidateTest, AcceptsTheLimitsThemselves) {
  Entry e = domain_disclose();
  e.time = from_unix_ms(kMinTimeMs);
  e.actor.id = std::string(kMaxIdBytes, 'a');
  e.object.id = std::string(kMaxIdBytes - 2, 'b') + "\xc3\xbc";  // UTF-8 counted in bytes
  e.action = std::string(kMaxActionBytes, 'a');
  e.purpose = std::string(kMaxTokenBytes, 'p');
  e.lawful_basis = "Art.6(1)(f):GDPR/EU-2016_679";
  e.detail.clear();
  for (std::size_t i = 0; i < kMaxDetailPairs; ++i) {
    e.detail.emplace_back("k" + std::to_string(1000 + i), std::string(kMaxDetailValueBytes, 'v'));
  }
  e.detail.back().first = std::string(kMaxDetailKeyBytes, 'z');
  EXPECT_TRUE(validate(e).has_value()) << validate(e).error().message;
  e.time = from_unix_ms(kMaxTimeMs);
  const auto bytes = encode(e);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_EQ(decode(*bytes).value(), e);
}

TEST(AuditEntryValidateTest, AcceptsEveryKindOfTheListsAndEmptyIds) {
  for (const std::string_view kind : kActorKinds) {
    Entry e = registrar_set();
    e.actor = {std::string(kind), ""};
    EXPECT_TRUE(validate(e).has_value()) << kind;
  }
  for (const std::string_view kind : kObjectKinds) {
    Entry e = registrar_set();
    e.object = {std::string(kind), ""};
    EXPECT_TRUE(validate(e).has_value()) << kind;
  }
}

TEST(AuditEntryValidateTest, AcceptsRightToLeftMarksAndOtherLanguages) {
  Entry e = registrar_set();
  e.object.id =
      "\xd9\x85\xd8\xab\xd8\xa7\xd9\x84.\xe2\x80\x8f\xd8\xa7\xd8\xae\xd8\xaa\xd8\xa8\xd8\xa7\xd8\xb1";
  e.detail = {{"note", "日本語"}};
  EXPECT_TRUE(validate(e).has_value());
}

// --- normalised() --------------------------------------------------------------------------------

TEST(AuditEntryNormalisedTest, SortsAndDeduplicatesFieldsAndSortsDetail) {
  Entry e = domain_disclose();
  e.fields = {"tech.email", "registrant.email", "tech.email"};
  e.detail = {{"source", "cli"}, {"channel", "rdap"}};
  const Entry n = normalised(e);
  EXPECT_EQ(n.fields, (std::vector<std::string>{"registrant.email", "tech.email"}));
  EXPECT_EQ(n.detail,
            (std::vector<std::pair<std::string, std::string>>{{"channel", "rdap"}, {"source", "cli"}}));
  EXPECT_TRUE(validate(n).has_value());
}

TEST(AuditEntryNormalisedTest, KeepsDuplicateDetailKeysInOrderForValidateToRefuse) {
  Entry e = registrar_set();
  e.detail = {{"source", "first"}, {"fields", "x"}, {"source", "second"}};
  const Entry n = normalised(e);
  EXPECT_EQ(n.detail, (std::vector<std::pair<std::string, std::string>>{
                          {"fields", "x"}, {"source", "first"}, {"source", "second"}}));
  EXPECT_FALSE(validate(n).has_value());
}

// --- decode() ------------------------------------------------------------------------------------

TEST(AuditEntryDecodeTest, RefusesEveryTruncation) {
  for (const char* name : {"entry-v1-registrar-set.hex", "entry-v1-domain-disclose.hex"}) {
    const std::string bytes = read_hex(name);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      const auto decoded = decode(std::string_view(bytes).substr(0, n));
      ASSERT_FALSE(decoded.has_value()) << name << " cut to " << n;
      EXPECT_EQ(decoded.error().code, ErrorCode::invalid_input);
    }
  }
}

TEST(AuditEntryDecodeTest, RefusesATrailingByte) {
  const std::string bytes = read_hex("entry-v1-registrar-set.hex");
  const auto decoded = decode(bytes + '\0');
  ASSERT_FALSE(decoded.has_value());
  EXPECT_THAT(decoded.error().message, HasSubstr("after the last member"));
}

TEST(AuditEntryDecodeTest, RefusesOtherVersions) {
  for (const int version : {0, 2, 255}) {
    const auto decoded = decode(raw_encode(registrar_set(), static_cast<std::uint8_t>(version)));
    ASSERT_FALSE(decoded.has_value()) << version;
    EXPECT_EQ(decoded.error().message, "audit entry: version is not 1");
  }
}

TEST(AuditEntryDecodeTest, RefusesACommitmentLengthOtherThanZeroOr32) {
  std::string bytes = read_hex("entry-v1-domain-disclose.hex");
  // The commitment length byte follows the field keys: 0x20 at offset 132.
  const std::size_t at = 132;
  ASSERT_EQ(bytes[at], '\x20');
  for (const char length : {'\x05', '\x1f', '\x21', '\xff'}) {
    bytes[at] = length;
    const auto decoded = decode(bytes);
    ASSERT_FALSE(decoded.has_value()) << int(length);
    EXPECT_THAT(decoded.error().message, HasSubstr("values_commitment"));
  }
}

TEST(AuditEntryDecodeTest, RefusesUnsortedFieldsAndDuplicateDetailKeys) {
  Entry e = domain_disclose();
  e.fields = {"tech.email", "registrant.email"};
  EXPECT_THAT(decode(raw_encode(e)).error().message, HasSubstr("fields[1]"));
  e = registrar_set();
  e.detail = {{"source", "a"}, {"source", "a"}};
  EXPECT_THAT(decode(raw_encode(e)).error().message, HasSubstr("detail[1].key"));
}

TEST(AuditEntryDecodeTest, RefusesBadUtf8AndControlCharacters) {
  Entry e = registrar_set();
  e.actor.id = "al\xffice";
  EXPECT_EQ(decode(raw_encode(e)).error().message, "audit entry: actor.id is not UTF-8");
  e = registrar_set();
  e.detail = {{"source", "c\rli"}};
  EXPECT_EQ(decode(raw_encode(e)).error().message,
            "audit entry: detail[0].value holds the control character U+000D");
}

TEST(AuditEntryDecodeTest, RefusesAHugeDetailCountBeforeReadingPairs) {
  std::string bytes = read_hex("entry-v1-registrar-set.hex");
  // The detail count is the 2 bytes after the commitment length, 8 + 13 bytes before the end.
  const std::size_t at = bytes.size() - (7 + 13 + 7 + 5) - 2;
  ASSERT_EQ(bytes.substr(at, 2), std::string("\x00\x02", 2));
  bytes[at] = '\xff';
  EXPECT_EQ(decode(bytes).error().message, "audit entry: detail has more than 64 pairs");
}

TEST(AuditEntryDecodeTest, ReadsNegativeTimesAsTwosComplement) {
  Entry e = registrar_set();
  e.time = from_unix_ms(-1);
  const std::string bytes = encode(e).value();
  EXPECT_EQ(bytes.substr(17, 8), std::string(8, '\xff'));
  EXPECT_EQ(decode(bytes).value(), e);
}

// --- Both round trips ----------------------------------------------------------------------------

// Entries over every member's range, from a fixed seed so that a failure repeats.
class EntryMaker {
 public:
  explicit EntryMaker(std::uint64_t seed) : random_(seed) {}

  Entry make() {
    Entry e;
    e.time = from_unix_ms(pick(0, 3) == 0 ? number(kMinTimeMs, kMaxTimeMs)
                                          : number(1'600'000'000'000, 1'900'000'000'000));
    e.actor = {std::string(kActorKinds[pick(0, kActorKinds.size() - 1)]), text(pick(0, 3) == 0 ? 300 : 20)};
    e.action = action();
    e.object = {std::string(kObjectKinds[pick(0, kObjectKinds.size() - 1)]),
                text(pick(0, 3) == 0 ? 1000 : 30)};
    if (pick(0, 1) == 1) e.purpose = token();
    if (pick(0, 1) == 1) e.lawful_basis = token();
    const auto all = catalog::all_fields();
    for (const auto& f : all) {
      if (pick(0, 7) == 0) e.fields.emplace_back(f.key);
    }
    if (!e.fields.empty() && pick(0, 1) == 1) {
      tlog::Hash h{};
      for (auto& b : h) b = static_cast<std::uint8_t>(pick(0, 255));
      e.values_commitment = h;
    }
    const std::size_t pairs = pick(0, 3) == 0 ? pick(0, kMaxDetailPairs) : pick(0, 4);
    for (std::size_t i = 0; i < pairs; ++i)
      e.detail.emplace_back(detail_key(), text(pick(0, 9) == 0 ? 4000 : 40));
    for (auto& b : e.nonce) b = static_cast<std::uint8_t>(pick(0, 255));
    e.nonce[pick(0, 15)] |= 1U;
    e = normalised(std::move(e));
    // Drop the duplicate detail keys normalised() keeps for validate() to refuse.
    e.detail.erase(std::unique(e.detail.begin(), e.detail.end(),
                               [](const auto& a, const auto& b) { return a.first == b.first; }),
                   e.detail.end());
    return e;
  }

  std::size_t pick(std::size_t low, std::size_t high) {
    return std::uniform_int_distribution<std::size_t>(low, high)(random_);
  }

 private:
  std::int64_t number(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random_);
  }

  // Up to `max_bytes` of text: ASCII, Latin, CJK and astral characters, none refused.
  std::string text(std::size_t max_bytes) {
    static constexpr const char* kPieces[] = {"a",
                                              "Z",
                                              "0",
                                              " ",
                                              "-",
                                              "=",
                                              "+",
                                              "@",
                                              "'",
                                              "\"",
                                              ",",
                                              ";",
                                              "%",
                                              "\xc3\xbc",
                                              "\xe6\x97\xa5",
                                              "\xf0\x9f\x98\x80",
                                              "\xe2\x80\x8f"};
    std::string out;
    const std::size_t target = pick(0, max_bytes);
    while (true) {
      const std::string piece = kPieces[pick(0, std::size(kPieces) - 1)];
      if (out.size() + piece.size() > target) return out;
      out += piece;
    }
  }

  std::string word(std::string_view first, std::string_view rest, std::size_t max) {
    std::string out(1, first[pick(0, first.size() - 1)]);
    const std::size_t n = pick(0, max - 1);
    for (std::size_t i = 0; i < n; ++i) out.push_back(rest[pick(0, rest.size() - 1)]);
    return out;
  }

  std::string action() {
    std::string out = word("abcxyz", "abz09_", 10);
    const std::size_t segments = pick(0, 3);
    for (std::size_t i = 0; i < segments; ++i) out += "." + word("abcxyz", "abz09_", 10);
    return out;
  }

  std::string token() { return word("aZ09", "aZ09_().:/-", pick(0, 3) == 0 ? 64 : 12); }
  std::string detail_key() { return word("abcdefgh", "abz09_.", pick(0, 3) == 0 ? 64 : 6); }

  std::mt19937_64 random_;
};

TEST(AuditEntryRoundTripTest, DecodeOfEncodeGivesTheEntryBack) {
  EntryMaker maker(20260302);
  for (int i = 0; i < 2000; ++i) {
    const Entry e = maker.make();
    const auto bytes = encode(e);
    ASSERT_TRUE(bytes.has_value()) << "entry " << i << ": " << bytes.error().message;
    const auto back = decode(*bytes);
    ASSERT_TRUE(back.has_value()) << "entry " << i << ": " << back.error().message;
    ASSERT_EQ(*back, e) << "entry " << i;
  }
}

TEST(AuditEntryRoundTripTest, EncodeOfDecodeGivesTheBytesBackForEveryAcceptedMutation) {
  // Mutations of valid encodings: a byte changed, inserted or removed. Most are refused; every one that
  // is accepted must be the one encoding of the entry it decodes to.
  EntryMaker maker(11);
  int accepted = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string bytes = encode(maker.make()).value();
    const std::size_t at = maker.pick(0, bytes.size() - 1);
    switch (maker.pick(0, 2)) {
      case 0:
        bytes[at] = static_cast<char>(maker.pick(0, 255));
        break;
      case 1:
        bytes.insert(at, 1, static_cast<char>(maker.pick(0, 255)));
        break;
      default:
        bytes.erase(at, 1);
    }
    const auto decoded = decode(bytes);
    if (!decoded) continue;
    ++accepted;
    const auto again = encode(*decoded);
    ASSERT_TRUE(again.has_value()) << "mutation " << i << ": " << again.error().message;
    ASSERT_EQ(*again, bytes) << "mutation " << i;
  }
  EXPECT_GT(accepted, 100);  // the loop checked something
}

// --- commit_values() and randomness ----------------------------------------------------------------

TEST(AuditCommitValuesTest, DoesNotDependOnTheOrderOfThePairs) {
  const std::vector<std::pair<std::string, std::string>> a = {{"tech.email", "t@x"},
                                                              {"registrant.email", "r@x"}};
  const std::vector<std::pair<std::string, std::string>> b = {{"registrant.email", "r@x"},
                                                              {"tech.email", "t@x"}};
  EXPECT_EQ(commit_values(a, "salt"), commit_values(b, "salt"));
}

TEST(AuditCommitValuesTest, ChangesWithTheSaltAndWithEveryValue) {
  const std::vector<std::pair<std::string, std::string>> a = {{"registrant.email", "r@x"}};
  const std::vector<std::pair<std::string, std::string>> b = {{"registrant.email", "r@y"}};
  EXPECT_NE(commit_values(a, "salt1"), commit_values(a, "salt2"));
  EXPECT_NE(commit_values(a, "salt1"), commit_values(b, "salt1"));
}

TEST(AuditCommitValuesTest, LengthPrefixesKeepBoundariesApart) {
  const std::vector<std::pair<std::string, std::string>> one = {{"a", "bc"}};
  const std::vector<std::pair<std::string, std::string>> two = {{"a", "b"}, {"c", ""}};
  EXPECT_NE(commit_values(one, "s"), commit_values(two, "s"));
}

TEST(AuditCommitValuesTest, IsHmacSha256OfTheListedPairs) {
  // Python: hmac.new(b"key", b"\x01a\x00\x00\x00\x02bc", hashlib.sha256).hexdigest()
  const std::vector<std::pair<std::string, std::string>> pairs = {{"a", "bc"}};
  EXPECT_EQ(tlog::hex(commit_values(pairs, "key")),
            "9d491f7e3620b3fbe126fa5a5a2345a311846de95ac06ce0e4a156cbdae8e0eb");
  // No pairs: the HMAC of the empty message.
  EXPECT_EQ(tlog::hex(commit_values({}, "Jefe")),
            "923598ca6d64af2a5dba79dcd021a8a0fe5c5f557519adaaf0ad532d4506dd30");
}

TEST(AuditRandomTest, GivesFreshBytesOfTheLengthAsked) {
  EXPECT_EQ(random_bytes(0).size(), 0U);
  EXPECT_EQ(random_bytes(32).size(), 32U);
  EXPECT_NE(random_bytes(32), random_bytes(32));
  EXPECT_NE(random_nonce(), random_nonce());
  EXPECT_NE(random_nonce(), (std::array<std::uint8_t, 16>{}));
}

}  // namespace
}  // namespace ssad::audit
