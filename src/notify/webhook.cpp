#include "notify/webhook.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "config/config.hpp"
#include "notify/transfer.hpp"
#include "tlog/hash.hpp"

namespace ssad::notify {
namespace {

constexpr std::string_view kKeyPrefix = "whsec_";
constexpr std::size_t kMaxHeaderValue = 256;

// Parses a JSON text for its first value's type only: an object, or not JSON at all.
struct ObjectCheck : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ObjectCheck> {
  int depth = 0;
  bool object = false;
  bool StartObject() {
    if (depth++ == 0) object = true;
    return true;
  }
  bool EndObject(rapidjson::SizeType /*members*/) {
    --depth;
    return true;
  }
  bool StartArray() {
    ++depth;
    return true;
  }
  bool EndArray(rapidjson::SizeType /*elements*/) {
    --depth;
    return true;
  }
};

bool is_json_object(std::string_view text) {
  ObjectCheck handler;
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::Reader reader;
  const auto parsed = reader.Parse < rapidjson::kParseValidateEncodingFlag |
                      rapidjson::kParseIterativeFlag > (stream, handler);
  return !parsed.IsError() && handler.object;
}

// A value a header can carry as it is: printable ASCII, no spaces.
bool is_header_token(std::string_view value) {
  return !value.empty() && value.size() <= kMaxHeaderValue &&
         std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::size_t ignore_output(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) {
  return size * count;
}

}  // namespace

std::string webhook_key(std::string_view secret) {
  if (secret.starts_with(kKeyPrefix)) {
    if (auto key = tlog::unbase64(secret.substr(kKeyPrefix.size())); key && !key->empty()) return *key;
  }
  return std::string(secret);
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()),  // NOLINT(*-reinterpret-cast)
       content.size(), mac.data(), &length);
  return "v1," + tlog::base64(std::span<const std::uint8_t>(mac.data(), length));
}

Result<void> post_webhook(const WebhookSettings& settings, const std::string& id, const std::string& type,
                          const std::string& json_body, Timestamp now) {
  SSAD_TRY(receiver, transfer::url_parts(settings.url, "the webhook's URL"));
  if (receiver.scheme != "https" && !(receiver.scheme == "http" && config::is_loopback(receiver.host))) {
    return fail(ErrorCode::invalid_input,
                "the webhook's URL must be https:// (http:// only to localhost, 127.0.0.0/8 or ::1)");
  }
  if (settings.secret.empty())
    return fail(ErrorCode::invalid_input, "the webhook has no secret to sign with");
  if (!is_header_token(id)) return fail(ErrorCode::invalid_input, "a webhook id must be printable ASCII");
  if (type.empty() || type.find_first_of("\r\n") != std::string::npos) {
    return fail(ErrorCode::invalid_input, "a webhook's event type must be one line of text");
  }
  if (!is_json_object(json_body)) {
    return fail(ErrorCode::invalid_input,
                "the body of webhook call " + type + " is not a JSON object in UTF-8");
  }
  const std::string& body = json_body;
  const std::int64_t timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::string where = "webhook receiver " + receiver.authority + " (" + type + ")";

  transfer::init_curl_once();
  const transfer::Curl curl(curl_easy_init());
  if (!curl) return fail(ErrorCode::unavailable, where + ": libcurl did not start");
  transfer::CurlList headers;
  const bool listed =
      transfer::append(headers, "Content-Type: application/json") &&
      transfer::append(headers, "webhook-id: " + id) &&
      transfer::append(headers, "webhook-timestamp: " + std::to_string(timestamp)) &&
      transfer::append(headers, "webhook-signature: " +
                                    webhook_signature(webhook_key(settings.secret), id, timestamp, body)) &&
      transfer::append(headers, "Expect:");  // no 100-continue round trip
  if (!listed) return fail(ErrorCode::unavailable, where + ": out of memory");
  std::array<char, CURL_ERROR_SIZE> detail{};
  const long timeout_ms = static_cast<long>(std::chrono::milliseconds(settings.timeout).count());
  CURL* handle = curl.get();
  // Only the URL's scheme, no redirects (one could lead off https or loopback, and a receiver that moved
  // is reconfigured, not followed), certificates verified, and over plain http to loopback never through a
  // proxy the environment names.
  const bool set = curl_easy_setopt(handle, CURLOPT_URL, settings.url.c_str()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, receiver.scheme.c_str()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_USERAGENT, "OpenSSAD") == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                                    static_cast<curl_off_t>(body.size())) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, ignore_output) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, detail.data()) == CURLE_OK &&
                   (receiver.scheme == "https" || curl_easy_setopt(handle, CURLOPT_PROXY, "") == CURLE_OK);
  if (!set) return fail(ErrorCode::unavailable, where + ": libcurl refused an option");
  const CURLcode result = curl_easy_perform(handle);
  if (result != CURLE_OK) {
    const std::string why = detail[0] != '\0' ? std::string(detail.data()) : curl_easy_strerror(result);
    return fail(ErrorCode::unavailable, where + ": " + why);
  }
  long status = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return fail(ErrorCode::unavailable,
                where + " answered HTTP " + std::to_string(status) +
                    (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
  }
  return {};
}

}  // namespace ssad::notify
