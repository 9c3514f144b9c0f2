#include "identity/credentials.hpp"

#include <algorithm>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

namespace ssad::identity {
namespace {

constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";  // RFC 4648, lower case
constexpr std::string_view kHex = "0123456789abcdef";
constexpr std::size_t kIdChars = 16;
constexpr std::size_t kSecretBytes = 32;
constexpr std::string_view kKeyPrefix = "ssad_";

void random_fill(unsigned char* out, std::size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("the random generator failed");
}

std::array<std::uint8_t, 32> sha256(const unsigned char* bytes, std::size_t n) {
  std::array<std::uint8_t, 32> hash{};
  SHA256(bytes, n, hash.data());
  return hash;
}

int hex_value(char c) {
  const std::size_t at = kHex.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::string new_id(std::string_view prefix) {
  std::array<unsigned char, 10> random{};  // 80 bits: 16 base32 characters
  random_fill(random.data(), random.size());
  std::string id(prefix);
  id += '_';
  std::uint64_t buffer = 0;
  int bits = 0;
  for (const unsigned char byte : random) {
    buffer = (buffer << 8U) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += kBase32[(buffer >> static_cast<unsigned>(bits)) & 31U];
    }
  }
  return id;
}

bool is_id(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + 1 + kIdChars || !text.starts_with(prefix) ||
      text[prefix.size()] != '_') {
    return false;
  }
  const std::string_view tail = text.substr(prefix.size() + 1);
  return std::all_of(tail.begin(), tail.end(),
                     [](char c) { return kBase32.find(c) != std::string_view::npos; });
}

SecretCredential make_secret_credential(std::string_view kind) {
  SecretCredential made;
  made.id = new_id(kind);
  std::array<unsigned char, kSecretBytes> secret{};
  random_fill(secret.data(), secret.size());
  made.secret_hash = sha256(secret.data(), secret.size());
  made.text = std::string(kKeyPrefix) + made.id + "_";
  for (const unsigned char byte : secret) {
    made.text += kHex[byte >> 4U];
    made.text += kHex[byte & 15U];
  }
  OPENSSL_cleanse(secret.data(), secret.size());
  return made;
}

NewApiKey make_api_key(std::string user_id, Timestamp now, std::optional<Timestamp> expires) {
  SecretCredential credential = make_secret_credential("key");
  NewApiKey made;
  made.record.id = std::move(credential.id);
  made.record.user_id = std::move(user_id);
  made.record.created = now;
  made.record.expires = expires;
  made.record.secret_hash = credential.secret_hash;
  made.key = std::move(credential.text);
  return made;
}

bool looks_like_api_key(std::string_view text) { return text.starts_with(std::string(kKeyPrefix) + "key_"); }

std::optional<PresentedKey> parse_secret_credential(std::string_view text, std::string_view kind) {
  // ssad_ + KIND_XXXXXXXXXXXXXXXX + _ + 64 hex
  const std::size_t id_length = kind.size() + 1 + kIdChars;
  if (text.size() != kKeyPrefix.size() + id_length + 1 + 2 * kSecretBytes || !text.starts_with(kKeyPrefix)) {
    return std::nullopt;
  }
  PresentedKey presented;
  presented.id = std::string(text.substr(kKeyPrefix.size(), id_length));
  if (!is_id(presented.id, kind) || text[kKeyPrefix.size() + id_length] != '_') return std::nullopt;
  const std::string_view hex = text.substr(kKeyPrefix.size() + id_length + 1);
  std::array<unsigned char, kSecretBytes> secret{};
  for (std::size_t i = 0; i < kSecretBytes; ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    secret[i] = static_cast<unsigned char>((high << 4) | low);
  }
  presented.secret_hash = sha256(secret.data(), secret.size());
  OPENSSL_cleanse(secret.data(), secret.size());
  return presented;
}

std::optional<PresentedKey> parse_api_key(std::string_view key) {
  return parse_secret_credential(key, "key");
}

bool same_secret(const std::array<std::uint8_t, 32>& a, const std::array<std::uint8_t, 32>& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace ssad::identity
