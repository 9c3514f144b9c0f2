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
// No search has a billion pages; the bound keeps the next page's number far from overflow.
constexpr std::int64_t kMaxPage = 1'000'000'000;
constexpr std::chrono::seconds kClockSkew{60};

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

CursorCodec::CursorCodec(std::chrono::seconds lifetime) : lifetime_(lifetime) {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1) {
    throw std::runtime_error("cannot draw a random key for paging cursors");
  }
}

CursorCodec::CursorCodec(std::string_view key, std::chrono::seconds lifetime) : lifetime_(lifetime) {
  const auto digest = mac({}, key);
  std::copy(digest.begin(), digest.end(), key_.begin());
}

// Payload: "<page>\n<issued, Unix ms>\n<search>\n<after>", then the MAC; all of it base64url.
std::string CursorCodec::encode(CursorState state, Timestamp now) const {
  state.issued = now;
  std::string payload = std::to_string(state.page);
  payload += '\n';
  payload += std::to_string(to_unix_ms(state.issued));
  payload += '\n';
  payload += state.search;
  payload += '\n';
  payload += state.after;
  const auto tag = mac(key_, payload);
  payload.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  return base64url(payload);
}

std::optional<CursorState> CursorCodec::decode(std::string_view cursor, Timestamp now) const {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return std::nullopt;
  auto bytes = unbase64url(cursor);
  if (!bytes || bytes->size() < kMacBytes) return std::nullopt;
  const std::string_view payload(bytes->data(), bytes->size() - kMacBytes);
  const auto expected = mac(key_, payload);
  if (CRYPTO_memcmp(expected.data(), bytes->data() + payload.size(), kMacBytes) != 0) return std::nullopt;
  // Fields up to the search are separated by '\n'; the last name may be anything.
  std::array<std::string_view, 3> head;
  std::string_view rest = payload;
  for (auto& field : head) {
    const std::size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return std::nullopt;
    field = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
  }
  CursorState state;
  std::int64_t issued_ms = 0;
  const auto number = [](std::string_view text, std::int64_t& value) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
  };
  if (!number(head[0], state.page) || state.page < 1 || state.page > kMaxPage ||
      !number(head[1], issued_ms)) {
    return std::nullopt;
  }
  state.issued = from_unix_ms(issued_ms);
  // Servers sharing the key may disagree on the time by a little: a cursor from slightly ahead is taken.
  if (state.issued > now + kClockSkew || now - state.issued > lifetime_) return std::nullopt;
  state.search.assign(head[2]);
  state.after.assign(rest);
  return state;
}

}  // namespace ssad::rdap
