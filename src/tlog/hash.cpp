#include "tlog/hash.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <openssl/evp.h>

namespace ssad::tlog {

namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// SHA-256 fetched from the default provider once, for the life of the process. With EVP_sha256() every
// EVP_DigestInit_ex fetches the implementation again (a lookup under a lock): half the time of hashing a
// leaf, and a sixth of `ssad audit verify`.
const EVP_MD* sha256_digest() {
  static EVP_MD* const digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return digest;
}

}  // namespace

Hash sha256(std::string_view bytes) {
  const std::string_view parts[] = {bytes};
  return sha256(parts);
}

Hash sha256(std::span<const std::string_view> parts) {
  // One context per call: EVP_MD_CTX is cheap next to the hashing of even a short leaf, and a context
  // shared between threads would need a lock.
  const std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
  Hash out{};
  unsigned int length = 0;
  const EVP_MD* digest = sha256_digest();
  if (!context || digest == nullptr || EVP_DigestInit_ex(context.get(), digest, nullptr) != 1) std::abort();
  for (const std::string_view part : parts) {
    if (EVP_DigestUpdate(context.get(), part.data(), part.size()) != 1) std::abort();
  }
  if (EVP_DigestFinal_ex(context.get(), out.data(), &length) != 1 || length != out.size()) std::abort();
  return out;
}

std::string base64(std::span<const std::uint8_t> bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

std::string base64(std::string_view bytes) {
  return base64(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

std::string base64(const Hash& hash) { return base64(std::span<const std::uint8_t>(hash)); }

std::optional<std::string> unbase64(std::string_view text) {
  // EVP_DecodeBlock skips leading and trailing white space and accepts some malformed input: check the
  // alphabet and the padding first, then decode, then drop the padding bytes it reports as zeros.
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (c == '=') {
      if (i + 2 < text.size()) return std::nullopt;
      ++padding;
    } else if (!alphabet || padding > 0) {
      return std::nullopt;
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  if (text.empty()) return out;
  const int written =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (written < 0 || static_cast<std::size_t>(written) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  // Canonical only: the bits the padding drops must be zero, so that one value has one encoding.
  if (base64(out) != text) return std::nullopt;
  return out;
}

std::optional<Hash> hash_from_base64(std::string_view text) {
  auto bytes = unbase64(text);
  if (!bytes || bytes->size() != Hash{}.size()) return std::nullopt;
  Hash out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::uint8_t byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xF]);
  }
  return out;
}

}  // namespace ssad::tlog
