#include "tlog/note.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/utf8.hpp"

namespace ssad::tlog {

namespace {

constexpr std::uint8_t kEd25519 = 0x01;  // the signature type byte of c2sp.org/signed-note
constexpr std::size_t kSignatureSize = 64;
constexpr std::size_t kMaxSignatures = 100;
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space
constexpr std::string_view kSigningKeyPrefix = "PRIVATE+KEY+";

using Bytes32 = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, kSignatureSize>;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextFree>;

// Wipes a secret held in a local when it goes out of scope, however the function returns.
template <class Buffer>
class Wiped {
 public:
  explicit Wiped(Buffer& buffer) : buffer_(buffer) {}
  ~Wiped() { OPENSSL_cleanse(buffer_.data(), buffer_.size()); }
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;

 private:
  Buffer& buffer_;
};

// Go's unicode.IsSpace, which golang.org/x/mod/sumdb/note uses for "Unicode spaces": the White_Space
// property of Unicode.
bool is_unicode_space(char32_t c) {
  switch (c) {
    case U'\t':
    case U'\n':
    case U'\v':
    case U'\f':
    case U'\r':
    case U' ':
    case U'\u0085':
    case U'\u00A0':
    case U'\u1680':
    case U'\u2028':
    case U'\u2029':
    case U'\u202F':
    case U'\u205F':
    case U'\u3000':
      return true;
    default:
      return c >= U'\u2000' && c <= U'\u200A';
  }
}

// Unicode's control characters (general category Cc): C0, DEL and C1.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// The signed-note spec's rule for a key name (non-empty, no Unicode space, no '+'); key names we make
// or read in keys are also free of control characters. A signature line's name is read with the spec's
// rule alone, so that every note the spec allows is read: the note as a whole already has no C0
// control, and a name with DEL or C1 in it cannot be a key we know.
bool is_name(std::string_view name, bool allow_controls) {
  if (name.empty()) return false;
  std::size_t pos = 0;
  while (pos < name.size()) {
    const auto c = decode_utf8(name, pos);
    if (!c || *c == U'+' || is_unicode_space(*c) || (!allow_controls && is_control(*c))) return false;
  }
  return true;
}

// The first place where `text` breaks the rules every note follows: valid UTF-8, and no control
// character below U+0020 other than '\n'.
Result<void> check_characters(std::string_view text, std::string_view what) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t at = pos;
    const auto c = decode_utf8(text, pos);
    if (!c) return fail(ErrorCode::invalid_input, fmt::format("{}: byte {} is not valid UTF-8", what, at));
    if (*c < 0x20 && *c != U'\n') {
      return fail(ErrorCode::invalid_input,
                  fmt::format("{}: control character U+{:04X} at byte {}{}", what, static_cast<unsigned>(*c),
                              at, *c == U'\r' ? " (lines end in a bare newline, not CR LF)" : ""));
    }
  }
  return {};
}

std::string hex_id(std::uint32_t id) { return fmt::format("{:08x}", id); }

std::string key_label(std::string_view name, std::uint32_t id) {
  return fmt::format("{}+{}", name, hex_id(id));
}

// Exactly 8 hex digits (either case, as Go's strconv.ParseUint reads them).
std::optional<std::uint32_t> parse_hex_id(std::string_view text) {
  if (text.size() != 8) return std::nullopt;
  std::uint32_t id = 0;
  for (const char c : text) {
    std::uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<std::uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<std::uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<std::uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    id = (id << 4U) | digit;
  }
  return id;
}

// Splits `text` at its first '+': what is before, and what is after (empty when there is none), as Go's
// chop does. Names cannot hold '+' and hex digits do not, so the base64 after the last field may.
std::pair<std::string_view, std::string_view> chop(std::string_view text) {
  const std::size_t plus = text.find('+');
  if (plus == std::string_view::npos) return {text, {}};
  return {text.substr(0, plus), text.substr(plus + 1)};
}

std::string_view without_trailing_newline(std::string_view text) {
  if (text.ends_with('\n')) text.remove_suffix(1);
  return text;
}

std::optional<Bytes32> public_key_from_seed(std::span<const std::uint8_t, 32> seed) {
  const Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  Bytes32 out{};
  std::size_t size = out.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), out.data(), &size) != 1 || size != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<Signature> ed25519_sign(std::span<const std::uint8_t, 32> seed, std::string_view message) {
  const Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  const DigestContext context(EVP_MD_CTX_new());
  Signature out{};
  std::size_t size = out.size();
  // Ed25519 hashes the message itself (PureEdDSA): no digest is named, and the message goes in whole.
  if (!key || !context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), out.data(), &size, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      size != out.size()) {
    return std::nullopt;
  }
  return out;
}

bool ed25519_verify(const Bytes32& public_key, std::string_view message, std::string_view signature) {
  const Pkey key(
      EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
  const DigestContext context(EVP_MD_CTX_new());
  return key && context && EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

// base64(0x01 || key), the key data of both key forms.
std::string key_data(const Bytes32& key) {
  std::array<std::uint8_t, 33> bytes{};
  const Wiped wiped(bytes);
  bytes[0] = kEd25519;
  std::copy(key.begin(), key.end(), bytes.begin() + 1);
  return base64(std::span<const std::uint8_t>(bytes));
}

// The fields both key forms share after their prefix: name, key id, and the 32 bytes after the type
// byte.
struct KeyFields {
  std::string_view name;
  std::uint32_t key_id = 0;
  Bytes32 key{};
};

// Reads "<name>+<key id>+<base64(0x01 || key)>". `what` starts each message; `quote` says whether a
// message may quote the text (not for a secret).
Result<KeyFields> parse_key_fields(std::string_view text, std::string_view what, bool quote) {
  const auto [name, rest] = chop(text);
  const auto [id_text, data] = chop(rest);
  KeyFields fields;
  fields.name = name;
  if (!is_key_name(name)) {
    const std::string shown = quote ? fmt::format("\"{}\"", name) : std::string("the name");
    return fail(ErrorCode::invalid_input,
                fmt::format("{}: {} is not a key name (non-empty UTF-8 without spaces, '+' or controls)",
                            what, shown));
  }
  const auto id = parse_hex_id(id_text);
  if (!id) return fail(ErrorCode::invalid_input, fmt::format("{}: the key id is not 8 hex digits", what));
  fields.key_id = *id;
  if (data.empty()) {
    return fail(ErrorCode::invalid_input, fmt::format("{}: no key data after the key id", what));
  }
  auto bytes = unbase64(data);
  if (!bytes) {
    return fail(ErrorCode::invalid_input, fmt::format("{}: the key data is not canonical base64", what));
  }
  const Wiped wiped(*bytes);
  if (bytes->empty()) return fail(ErrorCode::invalid_input, fmt::format("{}: the key data is empty", what));
  if (static_cast<std::uint8_t>((*bytes)[0]) != kEd25519) {
    return fail(ErrorCode::invalid_input,
                fmt::format("{}: signature type 0x{:02x} is not Ed25519 (0x01)", what,
                            static_cast<unsigned>(static_cast<std::uint8_t>((*bytes)[0]))));
  }
  if (bytes->size() != 1 + fields.key.size()) {
    return fail(ErrorCode::invalid_input, fmt::format("{}: the Ed25519 key is {} bytes, not {}", what,
                                                      bytes->size() - 1, fields.key.size()));
  }
  std::copy(bytes->begin() + 1, bytes->end(), fields.key.begin());
  return fields;
}

std::unexpected<Error> bad_key_name() {
  return fail(ErrorCode::invalid_input,
              "key name: not a key name (non-empty UTF-8 without spaces, '+' or controls)");
}

Result<SigningKey> make_signing_key(std::string_view name, std::span<const std::uint8_t, 32> seed) {
  if (!is_key_name(name)) return bad_key_name();
  const auto public_key = public_key_from_seed(seed);
  if (!public_key) return fail(ErrorCode::internal, "OpenSSL could not make an Ed25519 key from a seed");
  SigningKey key;
  key.name = std::string(name);
  std::copy(seed.begin(), seed.end(), key.seed.begin());
  key.public_key = *public_key;
  key.key_id = key_id(key.name, key.public_key);
  return key;
}

struct SignatureLine {
  std::string_view name;
  std::uint32_t key_id = 0;
  std::string signature;  // the bytes after the key id
};

// "— <name> <base64(key id || signature)>", without its newline; `number` counts from 1 for messages.
Result<SignatureLine> parse_signature_line(std::string_view line, std::size_t number) {
  const auto bad = [number](std::string_view why) {
    return fail(ErrorCode::invalid_input, fmt::format("note: signature line {} {}", number, why));
  };
  if (!line.starts_with(kSignaturePrefix)) return bad("does not start with an em dash (U+2014) and a space");
  line.remove_prefix(kSignaturePrefix.size());
  const std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return bad("has no space between the key name and the signature");
  SignatureLine out;
  out.name = line.substr(0, space);
  if (!is_name(out.name, /*allow_controls=*/true))
    return bad("has a key name that is empty or holds '+' or a space");
  const std::string_view encoded = line.substr(space + 1);
  if (encoded.empty()) return bad("has no signature after the key name");
  auto bytes = unbase64(encoded);
  if (!bytes) return bad("has a signature that is not canonical base64");
  if (bytes->size() < 5) return bad("has a signature shorter than a key id and one byte");
  for (std::size_t i = 0; i < 4; ++i)
    out.key_id = (out.key_id << 8U) | static_cast<std::uint8_t>((*bytes)[i]);
  out.signature = bytes->substr(4);
  return out;
}

}  // namespace

bool is_key_name(std::string_view name) { return is_name(name, /*allow_controls=*/false); }

std::uint32_t key_id(std::string_view name, std::span<const std::uint8_t, 32> public_key) {
  const char type = static_cast<char>(kEd25519);
  const std::string_view parts[] = {
      name, "\n", std::string_view(&type, 1),
      std::string_view(reinterpret_cast<const char*>(public_key.data()), public_key.size())};
  const Hash hash = sha256(parts);
  return (std::uint32_t{hash[0]} << 24U) | (std::uint32_t{hash[1]} << 16U) | (std::uint32_t{hash[2]} << 8U) |
         std::uint32_t{hash[3]};
}

Result<SigningKey> generate_signing_key(std::string_view name) {
  if (!is_key_name(name)) return bad_key_name();
  Bytes32 seed{};
  const Wiped wiped(seed);
  if (RAND_bytes(seed.data(), static_cast<int>(seed.size())) != 1) {
    return fail(ErrorCode::unavailable, "no randomness for a new Ed25519 key (OpenSSL RAND_bytes failed)");
  }
  return make_signing_key(name, seed);
}

Result<SigningKey> signing_key_from_seed(std::string_view name, std::span<const std::uint8_t, 32> seed) {
  return make_signing_key(name, seed);
}

std::string format_signing_key(const SigningKey& key) {
  return fmt::format("{}{}+{}+{}", kSigningKeyPrefix, key.name, hex_id(key.key_id), key_data(key.seed));
}

Result<SigningKey> parse_signing_key(std::string_view text) {
  text = without_trailing_newline(text);
  if (!text.starts_with(kSigningKeyPrefix)) {
    return fail(ErrorCode::invalid_input, "signing key: does not start with PRIVATE+KEY+");
  }
  SSAD_TRY(fields, parse_key_fields(text.substr(kSigningKeyPrefix.size()), "signing key", /*quote=*/false));
  const Wiped wiped(fields.key);
  SSAD_TRY(key, make_signing_key(fields.name, fields.key));
  // The key id names the public key, which only the seed gives: a mismatch is a damaged key or a key id
  // written for another name.
  if (key.key_id != fields.key_id) {
    OPENSSL_cleanse(key.seed.data(), key.seed.size());
    return fail(ErrorCode::invalid_input, "signing key: the key id does not match the name and the key");
  }
  SigningKey out = key;  // a copy, so that the one in key_result can be wiped
  OPENSSL_cleanse(key.seed.data(), key.seed.size());
  return out;
}

std::string format_verifier_key(const VerifierKey& key) {
  return fmt::format("{}+{}+{}", key.name, hex_id(key.key_id), key_data(key.public_key));
}

Result<VerifierKey> parse_verifier_key(std::string_view text) {
  text = without_trailing_newline(text);
  SSAD_TRY(fields, parse_key_fields(text, "verifier key", /*quote=*/true));
  const std::uint32_t expected = key_id(fields.name, fields.key);
  if (expected != fields.key_id) {
    return fail(ErrorCode::invalid_input,
                fmt::format("verifier key: key id {} does not match the name and the key (they give {})",
                            hex_id(fields.key_id), hex_id(expected)));
  }
  return VerifierKey{std::string(fields.name), fields.key_id, fields.key};
}

VerifierKey verifier_of(const SigningKey& key) { return VerifierKey{key.name, key.key_id, key.public_key}; }

bool is_note_text(std::string_view text) {
  return text.ends_with('\n') && check_characters(text, "").has_value();
}

Result<std::string> sign_note(std::string_view text, const SigningKey& key) {
  SSAD_CHECK(check_characters(text, "note text"));
  if (!text.ends_with('\n')) return fail(ErrorCode::invalid_input, "note text: does not end in a newline");
  if (!is_key_name(key.name))
    return fail(ErrorCode::invalid_input, "signing key: the name is not a key name");
  if (public_key_from_seed(key.seed) != key.public_key) {
    return fail(ErrorCode::invalid_input, "signing key: the public key does not follow from the seed");
  }
  if (key_id(key.name, key.public_key) != key.key_id) {
    return fail(ErrorCode::invalid_input, "signing key: the key id does not match the name and the key");
  }
  const auto signature = ed25519_sign(key.seed, text);
  if (!signature) return fail(ErrorCode::internal, "OpenSSL could not make an Ed25519 signature");
  std::array<std::uint8_t, 4 + kSignatureSize> bytes{};
  for (std::size_t i = 0; i < 4; ++i) bytes[i] = static_cast<std::uint8_t>(key.key_id >> (24U - 8U * i));
  std::copy(signature->begin(), signature->end(), bytes.begin() + 4);
  std::string note(text);
  note += '\n';
  note += kSignaturePrefix;
  note += key.name;
  note += ' ';
  note += base64(std::span<const std::uint8_t>(bytes));
  note += '\n';
  return note;
}

Result<std::string> open_note(std::string_view note, const VerifierKey& key) {
  SSAD_CHECK(check_characters(note, "note"));
  // The text ends at the last blank line: the text may hold blank lines, the signatures cannot.
  const std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) {
    return fail(ErrorCode::invalid_input, "note: no blank line between the text and the signatures");
  }
  const std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty())
    return fail(ErrorCode::invalid_input, "note: no signature line after the blank line");
  if (!signatures.ends_with('\n')) {
    return fail(ErrorCode::invalid_input, "note: the last signature line does not end in a newline");
  }
  const std::string label = key_label(key.name, key.key_id);
  bool verified = false;
  std::size_t count = 0;
  while (!signatures.empty()) {
    const std::size_t end = signatures.find('\n');
    const std::string_view line = signatures.substr(0, end);
    signatures.remove_prefix(end + 1);
    if (++count > kMaxSignatures) {
      return fail(ErrorCode::invalid_input, fmt::format("note: more than {} signatures", kMaxSignatures));
    }
    SSAD_TRY(parsed, parse_signature_line(line, count));
    // c2sp.org/signed-note: a key is known by its name and key id together; a line that shares only one
    // of them with `key` is another key's, and is ignored.
    if (parsed.name != key.name || parsed.key_id != key.key_id) continue;
    // Every line by the known key is checked, a repeated one too (Go's note.Open checks only the first).
    if (parsed.signature.size() != kSignatureSize) {
      return fail(ErrorCode::forbidden, fmt::format("note: signature line {} by key {} is {} bytes, not {}",
                                                    count, label, parsed.signature.size(), kSignatureSize));
    }
    if (!ed25519_verify(key.public_key, text, parsed.signature)) {
      return fail(ErrorCode::forbidden,
                  fmt::format("note: signature line {} by key {} does not verify", count, label));
    }
    verified = true;
  }
  if (!verified)
    return fail(ErrorCode::forbidden, fmt::format("note: no verifying signature by key {}", label));
  return std::string(text);
}

std::string checkpoint_text(const Checkpoint& checkpoint) {
  return fmt::format("{}\n{}\n{}\n", checkpoint.origin, checkpoint.size, base64(checkpoint.root));
}

Result<Checkpoint> parse_checkpoint(std::string_view text) {
  SSAD_CHECK(check_characters(text, "checkpoint"));
  if (!text.ends_with('\n')) return fail(ErrorCode::invalid_input, "checkpoint: does not end in a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const std::size_t end = rest.find('\n');
    lines.push_back(rest.substr(0, end));
    rest.remove_prefix(end + 1);
  }
  if (lines.size() < 3) {
    return fail(
        ErrorCode::invalid_input,
        fmt::format("checkpoint: {} line(s), not at least 3 (origin, tree size, root hash)", lines.size()));
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty())
      return fail(ErrorCode::invalid_input, fmt::format("checkpoint: line {} is empty", i + 1));
  }
  Checkpoint out;
  out.origin = std::string(lines[0]);
  const std::string_view size = lines[1];
  if (!std::ranges::all_of(size, [](char c) { return c >= '0' && c <= '9'; })) {
    return fail(ErrorCode::invalid_input, "checkpoint: line 2 (tree size) is not a decimal number");
  }
  if (size.size() > 1 && size[0] == '0') {
    return fail(ErrorCode::invalid_input, "checkpoint: line 2 (tree size) has a leading zero");
  }
  for (const char c : size) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (out.size > (UINT64_MAX - digit) / 10) {
      return fail(ErrorCode::invalid_input, "checkpoint: line 2 (tree size) is above 2^64 - 1");
    }
    out.size = out.size * 10 + digit;
  }
  const auto root = hash_from_base64(lines[2]);
  if (!root) {
    return fail(ErrorCode::invalid_input,
                "checkpoint: line 3 (root hash) is not the canonical base64 of 32 bytes");
  }
  out.root = *root;
  return out;
}

}  // namespace ssad::tlog
