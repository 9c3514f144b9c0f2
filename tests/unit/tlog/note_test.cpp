// Signed notes, their keys and checkpoints (tlog/note.hpp), against the published examples of Go's
// golang.org/x/mod/sumdb/note and c2sp.org, and against every way a note can be forged or malformed.

#include "tlog/note.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace ssad::tlog {
namespace {

// golang.org/x/mod/sumdb/note's package documentation and tests: a signer key, the verifier keys of it
// and of a second signer, a text, and each key's signature line for it.
constexpr std::string_view kPeterSigner =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kPeterVerifier =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kEnochVerifier = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterLine =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochLine =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// RFC 8032 §7.1, TEST 1: an Ed25519 seed and its public key.
constexpr std::array<std::uint8_t, 32> kRfc8032Seed = {
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
constexpr std::array<std::uint8_t, 32> kRfc8032Public = {
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a};

std::string peter_note() { return std::string(kText) + "\n" + std::string(kPeterLine); }

SigningKey peter_key() {
  auto key = parse_signing_key(kPeterSigner);
  EXPECT_TRUE(key.has_value()) << key.error().message;
  return key ? *key : SigningKey{};
}

SigningKey key_for(std::string_view name) {
  auto key = generate_signing_key(name);
  EXPECT_TRUE(key.has_value()) << key.error().message;
  return key ? *key : SigningKey{};
}

// The signature line of a note signed once: what follows its blank line.
std::string signature_line_of(const std::string& note) { return note.substr(note.rfind("\n\n") + 2); }

// `line` with the bytes its base64 carries changed by `edit`, encoded again.
template <class Edit>
std::string with_signature_bytes(std::string_view line, Edit edit) {
  const std::size_t space = line.rfind(' ');
  std::string bytes = unbase64(line.substr(space + 1, line.size() - space - 2)).value_or("");
  EXPECT_FALSE(bytes.empty()) << line;
  edit(bytes);
  return std::string(line.substr(0, space + 1)) + base64(bytes) + "\n";
}

void expect_error(const Result<std::string>& result, ErrorCode code, std::string_view words) {
  ASSERT_FALSE(result.has_value()) << *result;
  EXPECT_EQ(result.error().code, code) << result.error().message;
  EXPECT_NE(result.error().message.find(words), std::string::npos) << result.error().message;
}

TEST(NoteKeyTest, KeyIdIsTheStartOfSha256OfNameNewlineTypeAndPublicKey) {
  // Computed apart from this code: python3 -c 'import hashlib; print(hashlib.sha256(b"example.com/log42\n"
  // + b"\x01" + bytes.fromhex("d75a9801...511a")).hexdigest()[:8])'.
  EXPECT_EQ(key_id("example.com/log42", kRfc8032Public), 0x1cc9492aU);
  EXPECT_EQ(key_id("PeterNeumann", kRfc8032Public), 0xf312613bU);
}

TEST(NoteKeyTest, ASeedGivesTheRfc8032PublicKey) {
  const auto key = signing_key_from_seed("example.com/log42", kRfc8032Seed);
  ASSERT_TRUE(key.has_value()) << key.error().message;
  EXPECT_EQ(key->public_key, kRfc8032Public);
  EXPECT_EQ(key->key_id, 0x1cc9492aU);
  EXPECT_EQ(format_signing_key(*key),
            "PRIVATE+KEY+example.com/log42+1cc9492a+AZ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g");
  EXPECT_EQ(format_verifier_key(verifier_of(*key)),
            "example.com/log42+1cc9492a+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea");
}

TEST(NoteKeyTest, ReadsGoDocumentationKeysAndWritesThemBackUnchanged) {
  const SigningKey key = peter_key();
  EXPECT_EQ(key.name, "PeterNeumann");
  EXPECT_EQ(key.key_id, 0xc74f20a3U);
  EXPECT_EQ(format_signing_key(key), kPeterSigner);
  EXPECT_EQ(format_verifier_key(verifier_of(key)), kPeterVerifier);
  const auto verifier = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(verifier.has_value()) << verifier.error().message;
  EXPECT_EQ(verifier->public_key, key.public_key);
  EXPECT_EQ(format_verifier_key(*verifier), kPeterVerifier);
}

TEST(NoteKeyTest, GeneratedKeysRoundTripThroughTheirTextForms) {
  const SigningKey key = key_for("audit.example/log");
  const std::string text = format_signing_key(key);
  EXPECT_TRUE(text.starts_with("PRIVATE+KEY+audit.example/log+")) << text;
  EXPECT_EQ(text.size(), std::string("PRIVATE+KEY+audit.example/log+").size() + 8 + 1 + 44);
  const auto parsed = parse_signing_key(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->seed, key.seed);
  EXPECT_EQ(parsed->public_key, key.public_key);
  EXPECT_EQ(parsed->key_id, key.key_id);
  const auto verifier = parse_verifier_key(format_verifier_key(verifier_of(key)));
  ASSERT_TRUE(verifier.has_value()) << verifier.error().message;
  EXPECT_EQ(verifier->name, key.name);
  EXPECT_EQ(verifier->key_id, key.key_id);
  EXPECT_EQ(verifier->public_key, key.public_key);
  EXPECT_NE(key_for("audit.example/log").seed, key.seed);
}

TEST(NoteKeyTest, KeysMayEndInOneNewlineAndNothingElse) {
  EXPECT_TRUE(parse_signing_key(std::string(kPeterSigner) + "\n").has_value());
  EXPECT_TRUE(parse_verifier_key(std::string(kPeterVerifier) + "\n").has_value());
  for (const char* tail : {"\n\n", "\r\n", " ", "\t", "=", "A"}) {
    EXPECT_FALSE(parse_signing_key(std::string(kPeterSigner) + tail).has_value()) << tail;
    EXPECT_FALSE(parse_verifier_key(std::string(kPeterVerifier) + tail).has_value()) << tail;
  }
  EXPECT_FALSE(parse_verifier_key(" " + std::string(kPeterVerifier)).has_value());
}

TEST(NoteKeyTest, KeyNamesHaveNoSpacePlusOrControlCharacter) {
  for (const char* good :
       {"example.com/log42", "PeterNeumann", "\xE6\x97\xA5\xE6\x9C\xAC", "a=b", "\xE2\x80\x94"}) {
    EXPECT_TRUE(is_key_name(good)) << good;
    EXPECT_TRUE(generate_signing_key(good).has_value()) << good;
  }
  for (const char* bad :
       {"", "a b", "a+b", "+", "a\tb", "a\nb", "a\x01z", "a\x7Fz", "a\xC2\x85z" /* U+0085 */,
        "a\xC2\xA0z" /* U+00A0 */, "a\xC2\x9Bz" /* U+009B */, "a\xE2\x80\x83z" /* U+2003 */,
        "a\xE3\x80\x80z" /* U+3000 */, "a\xE2\x80\xA8z" /* U+2028 */, "\xFF", "a\xC3"}) {
    EXPECT_FALSE(is_key_name(bad)) << bad;
    const auto key = generate_signing_key(bad);
    ASSERT_FALSE(key.has_value()) << bad;
    EXPECT_EQ(key.error().code, ErrorCode::invalid_input);
  }
}

TEST(NoteKeyTest, VerifierKeyErrorsSayWhatIsWrong) {
  const struct {
    std::string text;
    std::string words;
  } cases[] = {
      {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"},
      {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
      {"PeterNeumann+c74f20aZ+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
      {"PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
      {"PeterNeumann+c74f20a3", "no key data"},
      {"PeterNeumann+c74f20a3+", "no key data"},
      {"PeterNeumann", "8 hex digits"},
      {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "not a key name"},
      {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "not a key name"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n\n", "base64"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegw xbzhKqiBfsVkmqq/LDE4izWy10TW", "base64"},
      {"PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "base64"},
      {"PeterNeumann+c74f20a3+Alpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "signature type 0x02"},
      {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "29 bytes"},
  };
  for (const auto& c : cases) {
    const auto key = parse_verifier_key(c.text);
    ASSERT_FALSE(key.has_value()) << c.text;
    EXPECT_EQ(key.error().code, ErrorCode::invalid_input) << c.text;
    EXPECT_NE(key.error().message.find(c.words), std::string::npos) << c.text << ": " << key.error().message;
  }
  const auto upper = parse_verifier_key("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_TRUE(upper.has_value()) << upper.error().message;  // as Go's strconv.ParseUint reads the id
  EXPECT_EQ(format_verifier_key(*upper), kPeterVerifier);
}

TEST(NoteKeyTest, SigningKeyErrorsNeverQuoteTheKey) {
  const std::string data = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
  const std::string bad_keys[] = {
      "PRIVATE+KEY+PeterNeumann+c74f20a4+" + data,                     // another key id
      "PRIVATE+KEY+PeterNeumannX+c74f20a3+" + data,                    // another name
      "PRIVATE+KEY+PeterNeumann+c74f20a3+" + data.substr(0, 43),       // base64 cut short
      "PRIVATE+KEY+PeterNeumann+c74f20a3+" + data.substr(0, 40),       // 29 bytes
      "PRIVATE+KEY+PeterNeumann+c74f20a3+" + data + "\n\n",            // two newlines
      "PRIVATE+KEY+PeterNeumann+c74f20a3+" + data.substr(0, 20) + "!", /* garbage */
      "PRIVATE+KEY+PeterNeumann+c74f20a3+AA" + data.substr(2),         // signature type 0x00
      "PRIVATE+KEY+Peter Neumann+c74f20a3+" + data,                    // a bad name
      "PRIVATE+KEY+PeterNeumann+c74f20Z3+" + data,                     // a bad key id
      "PRIVATE+KEYS+PeterNeumann+c74f20a3+" + data,                    // another prefix
      "private+key+PeterNeumann+c74f20a3+" + data,
      "PeterNeumann+c74f20a3+" + data,  // a signing key's data in a verifier key's form
  };
  for (const std::string& text : bad_keys) {
    const auto key = parse_signing_key(text);
    ASSERT_FALSE(key.has_value()) << text;
    const std::string& message = key.error().message;
    EXPECT_EQ(key.error().code, ErrorCode::invalid_input) << message;
    for (std::size_t i = 0; i + 6 <= data.size(); ++i) {
      ASSERT_EQ(message.find(data.substr(i, 6)), std::string::npos) << message;
    }
    EXPECT_EQ(message.find("c74f"), std::string::npos) << message;
    EXPECT_EQ(message.find("Neumann"), std::string::npos) << message;
  }
}

TEST(NoteTest, SignsTheGoDocumentationExampleByteForByte) {
  const auto note = sign_note(kText, peter_key());
  ASSERT_TRUE(note.has_value()) << note.error().message;
  EXPECT_EQ(*note, peter_note());
}

TEST(NoteTest, OpensTheGoDocumentationNotesWithEitherKey) {
  const auto peter = parse_verifier_key(kPeterVerifier);
  const auto enoch = parse_verifier_key(kEnochVerifier);
  ASSERT_TRUE(peter.has_value() && enoch.has_value());
  const std::string twice = std::string(kText) + "\n" + std::string(kPeterLine) + std::string(kEnochLine);
  for (const auto& key : {*peter, *enoch}) {
    const auto text = open_note(twice, key);
    ASSERT_TRUE(text.has_value()) << text.error().message;
    EXPECT_EQ(*text, kText);
  }
  expect_error(open_note(peter_note(), *enoch), ErrorCode::forbidden,
               "no verifying signature by key EnochRoot+af0cfe78");
}

TEST(NoteTest, SignedNotesRoundTripWithBlankLinesInTheText) {
  const SigningKey key = key_for("audit.example/log");
  for (const std::string text :
       {"one line\n", "\n", "a\n\nb\n", "a\n\n\n", "\xE6\x97\xA5\xE6\x9C\xAC \xE2\x80\x94 ok\n",
        "x\n\n\xE2\x80\x94 foo AAAA\n"}) {
    const auto note = sign_note(text, key);
    ASSERT_TRUE(note.has_value()) << note.error().message;
    EXPECT_TRUE(note->starts_with(text + "\n\xE2\x80\x94 audit.example/log "));
    EXPECT_EQ(note->size(), text.size() + 1 + 4 + key.name.size() + 1 + 92 + 1);
    const auto opened = open_note(*note, verifier_of(key));
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    EXPECT_EQ(*opened, text);
  }
}

TEST(NoteTest, AForgedSignatureFailsWhateverBitIsFlipped) {
  const SigningKey key = key_for("audit.example/log");
  const auto note = sign_note("tree 5\n", key);
  ASSERT_TRUE(note.has_value());
  const std::string line = signature_line_of(*note);
  for (std::size_t bit = std::size_t{4} * 8; bit < std::size_t{4 + 64} * 8; bit += 13) {
    const std::string forged = with_signature_bytes(line, [bit](std::string& bytes) {
      bytes[bit / 8] = static_cast<char>(static_cast<unsigned char>(bytes[bit / 8]) ^ (1U << (bit % 8)));
    });
    expect_error(open_note("tree 5\n\n" + forged, verifier_of(key)), ErrorCode::forbidden,
                 "signature line 1 by key audit.example/log+");
  }
  // A bit of the key id: the line is then another key's, and the note has none by this key.
  const std::string other_id = with_signature_bytes(line, [](std::string& bytes) { bytes[0] ^= 1; });
  expect_error(open_note("tree 5\n\n" + other_id, verifier_of(key)), ErrorCode::forbidden,
               "no verifying signature by key audit.example/log+");
}

TEST(NoteTest, AnotherKeyWithTheSameNameDoesNotOpenIt) {
  const SigningKey key = key_for("audit.example/log");
  const SigningKey other = key_for("audit.example/log");
  const auto note = sign_note("tree 5\n", key);
  ASSERT_TRUE(note.has_value());
  const auto opened = open_note(*note, verifier_of(other));
  expect_error(opened, ErrorCode::forbidden, "no verifying signature by key audit.example/log+");
  EXPECT_NE(opened.error().message.find(format_verifier_key(verifier_of(other)).substr(18, 8)),
            std::string::npos);
}

TEST(NoteTest, TheSameKeyIdUnderAnotherNameIsAnotherKey) {
  const SigningKey key = key_for("audit.example/log");
  const auto note = sign_note("tree 5\n", key);
  ASSERT_TRUE(note.has_value());
  VerifierKey renamed = verifier_of(key);
  renamed.name = "audit.example/other";
  expect_error(open_note(*note, renamed), ErrorCode::forbidden,
               "no verifying signature by key audit.example/other+");
}

TEST(NoteTest, AKnownNameAndKeyIdWithAnotherPublicKeyFailsToVerify) {
  // c2sp.org/signed-note: key ids are short; a colliding key is caught by the signature, not the id.
  const SigningKey key = key_for("audit.example/log");
  const auto note = sign_note("tree 5\n", key);
  ASSERT_TRUE(note.has_value());
  VerifierKey impostor = verifier_of(key);
  impostor.public_key = key_for("audit.example/log").public_key;
  expect_error(open_note(*note, impostor), ErrorCode::forbidden, "does not verify");
}

TEST(NoteTest, EditingTheTextAfterSigningBreaksTheSignature) {
  const SigningKey key = key_for("audit.example/log");
  const auto note = sign_note("example.com/log\n5\nroot\n", key);
  ASSERT_TRUE(note.has_value());
  std::string edited = *note;
  edited[16] = '6';
  expect_error(open_note(edited, verifier_of(key)), ErrorCode::forbidden, "does not verify");
  expect_error(open_note("x" + *note, verifier_of(key)), ErrorCode::forbidden, "does not verify");
  // A blank line added before the signatures moves it into the text.
  const std::size_t split = note->rfind("\n\n");
  expect_error(open_note(note->substr(0, split) + "\n\n" + note->substr(split), verifier_of(key)),
               ErrorCode::forbidden, "does not verify");
}

TEST(NoteTest, SignaturesOfUnknownKeysAreIgnored) {
  const SigningKey key = key_for("audit.example/log");
  const SigningKey witness = key_for("witness.example/w1");
  const std::string text = "tree 5\n";
  const auto mine = sign_note(text, key);
  const auto theirs = sign_note(text, witness);
  ASSERT_TRUE(mine.has_value() && theirs.has_value());
  // A longer signature of a type we do not know (say, a timestamped cosignature), and a bad one.
  const std::string unknown_type =
      "\xE2\x80\x94 witness.example/w2 " + base64(std::string(4 + 72, '\x07')) + "\n";
  const std::string unknown_forged = with_signature_bytes(signature_line_of(*theirs), [](std::string& bytes) {
    bytes[4] ^= 1;
    bytes[1] ^= 1;
  });
  const std::string note =
      text + "\n" + unknown_type + signature_line_of(*theirs) + unknown_forged + signature_line_of(*mine);
  const auto opened = open_note(note, verifier_of(key));
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  EXPECT_EQ(*opened, text);
  EXPECT_TRUE(open_note(note, verifier_of(witness)).has_value());
}

TEST(NoteTest, EverySignatureByTheKnownKeyMustVerifyEvenARepeatedOne) {
  // Go's note.Open checks only the first line by a known key and skips repeats; c2sp.org/signed-note
  // says a known key's signature MUST be verified, so a forged repeat fails here.
  const std::string twice = peter_note() + std::string(kPeterLine);
  const auto peter = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(peter.has_value());
  EXPECT_TRUE(open_note(twice, *peter).has_value());
  const std::string forged = with_signature_bytes(kPeterLine, [](std::string& bytes) { bytes[10] ^= 4; });
  expect_error(open_note(peter_note() + forged, *peter), ErrorCode::forbidden,
               "signature line 2 by key PeterNeumann+c74f20a3 does not verify");
}

TEST(NoteTest, AKnownKeysSignatureOfAnotherLengthFails) {
  const auto peter = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(peter.has_value());
  const std::string shortened =
      with_signature_bytes(kPeterLine, [](std::string& bytes) { bytes.resize(bytes.size() - 1); });
  expect_error(open_note(std::string(kText) + "\n" + shortened, *peter), ErrorCode::forbidden,
               "63 bytes, not 64");
}

TEST(NoteTest, MalformedNotesAreInvalidInputSayingWhy) {
  const auto peter = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(peter.has_value());
  const std::string text(kText);
  const std::string line(kPeterLine);
  const std::string sig = line.substr(line.rfind(' ') + 1, line.size() - line.rfind(' ') - 2);
  const struct {
    std::string note;
    std::string words;
  } cases[] = {
      {text, "no blank line"},
      {text + line, "no blank line"},
      {text + "\n", "no signature line"},
      {text + "\n" + line.substr(0, line.size() - 1), "does not end in a newline"},
      {"\x01" + text + "\n" + line, "control character U+0001 at byte 0"},
      {"\xFF" + text + "\n" + line, "byte 0 is not valid UTF-8"},
      {text + "\n" + "\xE2\x80\x94 Bad Name " + sig + "\n", "signature line 1"},
      {text + "\n" + line + "Unexpected line.\n", "signature line 2 does not start with an em dash"},
      {text + "\n" + "- PeterNeumann " + sig + "\n", "em dash"},
      {text + "\n" + "\xE2\x80\x94PeterNeumann " + sig + "\n", "em dash"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann\n", "no space"},
      {text + "\n" + "\xE2\x80\x94  " + sig + "\n", "key name"},
      {text + "\n" + "\xE2\x80\x94 Peter+Neumann " + sig + "\n", "key name"},
      {text + "\n" + "\xE2\x80\x94 Peter\xC2\xA0Neumann " + sig + "\n", "key name"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann \n", "no signature after the key name"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann " + sig + " \n", "base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann  " + sig + "\n", "base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann !" + sig.substr(1) + "\n", "base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann " + sig.substr(0, sig.size() - 1) + "\n", "base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann " + sig.substr(0, sig.size() - 2) + "B=\n", "base64"},
      {text + "\n" + "\xE2\x80\x94 PeterNeumann " + base64(std::string_view("\xc7\x4f\x20\xa3", 4)) + "\n",
       "shorter than a key id and one byte"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.note);
    expect_error(open_note(c.note, *peter), ErrorCode::invalid_input, c.words);
  }
}

TEST(NoteTest, CrLfLineEndingsAreRefused) {
  const auto peter = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(peter.has_value());
  std::string crlf;
  for (const char c : peter_note()) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  expect_error(open_note(crlf, *peter), ErrorCode::invalid_input, "CR LF");
  expect_error(sign_note("tree 5\r\n", peter_key()), ErrorCode::invalid_input, "U+000D");
}

TEST(NoteTest, AtMostOneHundredSignatures) {
  const auto peter = parse_verifier_key(kPeterVerifier);
  ASSERT_TRUE(peter.has_value());
  std::string note = peter_note();
  for (int i = 1; i < 100; ++i) note += kEnochLine;
  EXPECT_TRUE(open_note(note, *peter).has_value());
  expect_error(open_note(note + std::string(kEnochLine), *peter), ErrorCode::invalid_input,
               "more than 100 signatures");
}

TEST(NoteTest, SignRefusesWhatCannotBeANoteText) {
  const SigningKey key = key_for("audit.example/log");
  expect_error(sign_note("", key), ErrorCode::invalid_input, "does not end in a newline");
  expect_error(sign_note("no newline", key), ErrorCode::invalid_input, "does not end in a newline");
  expect_error(sign_note("tab\there\n", key), ErrorCode::invalid_input, "U+0009 at byte 3");
  expect_error(sign_note(std::string_view("nul\0\n", 5), key), ErrorCode::invalid_input, "U+0000 at byte 3");
  expect_error(sign_note("bad \xC0\xAF\n", key), ErrorCode::invalid_input, "byte 4 is not valid UTF-8");
  EXPECT_TRUE(is_note_text("ok\x7F\n"));  // DEL is not below U+0020
  EXPECT_FALSE(is_note_text("ok"));
  EXPECT_FALSE(is_note_text("o\rk\n"));
}

TEST(NoteTest, SignRefusesAnInconsistentKey) {
  const SigningKey key = key_for("audit.example/log");
  SigningKey renamed = key;
  renamed.name = "audit.example/other";
  expect_error(sign_note("t\n", renamed), ErrorCode::invalid_input, "key id does not match");
  SigningKey bad_name = key;
  bad_name.name = "audit example";
  expect_error(sign_note("t\n", bad_name), ErrorCode::invalid_input, "not a key name");
  SigningKey other_public = key;
  other_public.public_key[0] ^= 1;
  expect_error(sign_note("t\n", other_public), ErrorCode::invalid_input, "does not follow from the seed");
}

TEST(CheckpointTest, RoundTripsThroughItsText) {
  const Checkpoint checkpoint{"example.com/log42", 20852163, sha256("root")};
  const std::string text = checkpoint_text(checkpoint);
  EXPECT_EQ(text, "example.com/log42\n20852163\n" + base64(sha256("root")) + "\n");
  const auto parsed = parse_checkpoint(text);
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->origin, checkpoint.origin);
  EXPECT_EQ(parsed->size, checkpoint.size);
  EXPECT_EQ(parsed->root, checkpoint.root);
  const auto empty = parse_checkpoint(checkpoint_text(Checkpoint{"o", 0, Hash{}}));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->size, 0U);
}

TEST(CheckpointTest, ReadsTheSpecificationsExampleAndIgnoresExtensionLines) {
  const std::string example =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  for (const std::string& text : {example, example + "extension one\n\xE2\x80\x94 two\n"}) {
    const auto parsed = parse_checkpoint(text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(parsed->origin, "example.com/behind-the-sofa");
    EXPECT_EQ(parsed->size, 20852163U);
    EXPECT_EQ(base64(parsed->root), "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  }
}

TEST(CheckpointTest, TheLargestSizeIsTwoToTheSixtyFourMinusOne) {
  const std::string root = base64(Hash{});
  const auto largest = parse_checkpoint("o\n18446744073709551615\n" + root + "\n");
  ASSERT_TRUE(largest.has_value()) << largest.error().message;
  EXPECT_EQ(largest->size, UINT64_MAX);
  EXPECT_FALSE(parse_checkpoint("o\n18446744073709551616\n" + root + "\n").has_value());
  EXPECT_FALSE(parse_checkpoint("o\n99999999999999999999\n" + root + "\n").has_value());
}

TEST(CheckpointTest, MalformedCheckpointsSayWhichLine) {
  const std::string root = base64(sha256("root"));
  const struct {
    std::string text;
    std::string words;
  } cases[] = {
      {"o\n5\n" + root, "does not end in a newline"},
      {"o\n5\n", "2 line(s)"},
      {"", "does not end in a newline"},
      {"\n5\n" + root + "\n", "line 1 is empty"},
      {"o\n\n" + root + "\n", "line 2 is empty"},
      {"o\n5\n" + root + "\n\n", "line 4 is empty"},
      {"o\n5\n" + root + "\next\n\nmore\n", "line 5 is empty"},
      {"o\n05\n" + root + "\n", "leading zero"},
      {"o\n00\n" + root + "\n", "leading zero"},
      {"o\n+5\n" + root + "\n", "not a decimal number"},
      {"o\n-1\n" + root + "\n", "not a decimal number"},
      {"o\n 5\n" + root + "\n", "not a decimal number"},
      {"o\n0x5\n" + root + "\n", "not a decimal number"},
      {"o\n5\n" + root.substr(0, 43) + "\n", "line 3"},
      {"o\n5\n" + base64(std::string(31, 'x')) + "\n", "line 3"},
      {"o\n5\n" + base64(std::string(33, 'x')) + "\n", "line 3"},
      {"o\r\n5\r\n" + root + "\r\n", "CR LF"},
      {"o\xFF\n5\n" + root + "\n", "not valid UTF-8"},
  };
  for (const auto& c : cases) {
    const auto parsed = parse_checkpoint(c.text);
    ASSERT_FALSE(parsed.has_value()) << c.text;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_input);
    EXPECT_NE(parsed.error().message.find(c.words), std::string::npos)
        << c.text << ": " << parsed.error().message;
  }
}

TEST(CheckpointTest, ASignedCheckpointOpensAndParses) {
  const SigningKey key = key_for("example.com/log42");
  const Checkpoint checkpoint{"example.com/log42", 7, sha256("seven")};
  const auto note = sign_note(checkpoint_text(checkpoint), key);
  ASSERT_TRUE(note.has_value());
  const auto text = open_note(*note, verifier_of(key));
  ASSERT_TRUE(text.has_value());
  const auto parsed = parse_checkpoint(*text);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->root, checkpoint.root);
}

}  // namespace
}  // namespace ssad::tlog
