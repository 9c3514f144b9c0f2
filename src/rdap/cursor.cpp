#include "rdap/cursor.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace ssad::rdap {
namespace {

constexpr std::size_t kMacBytes = 16;  // HMAC-SHA-256 cut to 128 bits: ample against forgery
constexpr std::size_t kMaxCursorLength = 2048;

std::array<unsigned char, kMacBytes> mac(const std::array<unsigned char, 32>& key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> full{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), full.data(), &length);
  std::array<unsigned char, kMacBytes> out{};
  std::copy_n(full.begin(), kMacBytes, out.begin());
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  std::replace(out.begin(), out.end(), '+', '-');
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  std::string in(text);
  for (char& c : in) {
    if (c == '-') {
      c = '+';
    } else if (c == '_') {
      c = '/';
    } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return std::nullopt;
    }
  }
  const std::size_t padding = (4 - in.size() % 4) % 4;
  if (padding == 3) return std::nullopt;
  in.append(padding, '=');
  std::string out(3 * in.size() / 4 + 1, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - padding);  // DecodeBlock counts the padding as zero bytes
  return out;
}

}  // namespace

CursorCodec::CursorCodec() {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
    throw std::runtime_error("cannot draw a random key for paging cursors");
  }
}

CursorCodec::CursorCodec(std::string_view key) {
  const auto digest = mac({}, key);
  std::copy(digest.begin(), digest.end(), key_.begin());
}

// Payload: "<page>\n<search>\n<after>", then the MAC; all of it base64url.
std::string CursorCodec::encode(const CursorState& state) const {
  std::string payload = std::to_string(state.page);
  payload += '\n';
  payload += state.search;
  payload += '\n';
  payload += state.after;
  const auto tag = mac(key_, payload);
  payload.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  return base64url(payload);
}

std::optional<CursorState> CursorCodec::decode(std::string_view cursor) const {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return std::nullopt;
  auto bytes = unbase64url(cursor);
  if (!bytes || bytes->size() < kMacBytes) return std::nullopt;
  const std::string_view payload(bytes->data(), bytes->size() - kMacBytes);
  const auto expected = mac(key_, payload);
  if (CRYPTO_memcmp(expected.data(), bytes->data() + payload.size(), kMacBytes) != 0) return std::nullopt;
  const std::size_t first = payload.find('\n');
  const std::size_t second = first == std::string_view::npos ? first : payload.find('\n', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  CursorState state;
  const auto [end, ec] = std::from_chars(payload.data(), payload.data() + first, state.page);
  if (ec != std::errc() || end != payload.data() + first || state.page < 1) return std::nullopt;
  state.search.assign(payload.substr(first + 1, second - first - 1));
  state.after.assign(payload.substr(second + 1));
  return state;
}

}  // namespace ssad::rdap
