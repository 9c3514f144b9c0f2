// Base64 and SHA-256 as checkpoints, notes and proofs write them (tlog/hash.hpp): one encoding per value,
// so that a signed text cannot be re-encoded into another that still verifies.

#include "tlog/hash.hpp"

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ssad::tlog {
namespace {

TEST(Base64Test, EncodesTheRfc4648TestVectors) {
  // RFC 4648 §10.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64(std::string_view(plain)), encoded);
    EXPECT_EQ(unbase64(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64Test, EveryByteStringRoundTrips) {
  std::string bytes;
  for (int i = 0; i < 70; ++i) {
    EXPECT_EQ(unbase64(base64(bytes)), std::optional<std::string>(bytes)) << i;
    bytes.push_back(static_cast<char>((i * 157 + 13) % 256));
  }
  const std::string all = [] {
    std::string out;
    for (int c = 0; c < 256; ++c) out.push_back(static_cast<char>(c));
    return out;
  }();
  EXPECT_EQ(unbase64(base64(all)), all);
}

TEST(Base64Test, OnlyTheCanonicalEncodingIsRead) {
  for (const char* bad : {
           "Zg",           // padding missing
           "Zg=",          // padding short
           "Zg===",        // padding long
           "Zh==",         // a bit the padding drops is set: "f" is Zg==
           "Zm9=",         // same, one '=' ("fo" is Zm8=)
           "Zg==Zg==",     // padding before the end
           "Z===",         // one character is not a byte
           "====",         // padding only
           "=Zg=",         // padding first
           " Zg==",        // white space before
           "Zg== ",        // after
           "Zg==\n",       // a newline after
           "Zm9v\nYg==",   // a line break inside
           "Zm 9v",        // a space inside
           "Zm9v\r\n",     // CR LF
           "Zm-_",         // the URL-safe alphabet (RFC 4648 §5)
           "Zm9v!",        // a character of no alphabet
           "Zm9\xC3\xA9",  // a non-ASCII letter
       }) {
    EXPECT_FALSE(unbase64(bad).has_value()) << bad;
  }
  EXPECT_FALSE(unbase64(std::string_view("Zm\0v", 4)).has_value());
}

TEST(Base64Test, AHashIsTheBase64OfExactly32Bytes) {
  const Hash hash = sha256("");
  EXPECT_EQ(hex(hash), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(base64(hash), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(hash_from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), hash);
  EXPECT_FALSE(hash_from_base64(base64(std::string(31, 'x'))).has_value());
  EXPECT_FALSE(hash_from_base64(base64(std::string(33, 'x'))).has_value());
  EXPECT_FALSE(hash_from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=").has_value());  // trailing bit
  EXPECT_FALSE(hash_from_base64("").has_value());
}

TEST(Sha256Test, PartsHashAsTheirConcatenation) {
  const std::string_view parts[] = {"ab", "", "c"};
  EXPECT_EQ(sha256(parts), sha256("abc"));
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace ssad::tlog
