#include "notify/transfer.hpp"

#include <mutex>

namespace ssad::notify::transfer {
namespace {

struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlTextFree {
  void operator()(char* text) const { curl_free(text); }
};
using CurlText = std::unique_ptr<char, CurlTextFree>;

// One part of a parsed URL, or "" when it has none.
std::string part(CURLU* url, CURLUPart which) {
  char* text = nullptr;
  if (curl_url_get(url, which, &text, 0) != CURLUE_OK) return {};
  const CurlText owned(text);
  return owned ? std::string(owned.get()) : std::string();
}

}  // namespace

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<UrlParts> url_parts(const std::string& url, std::string_view what) {
  const std::unique_ptr<CURLU, CurlUrlFree> parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return fail(ErrorCode::invalid_input, std::string(what) + " is not a URL");
  }
  UrlParts parts;
  parts.scheme = part(parsed.get(), CURLUPART_SCHEME);
  parts.host = part(parsed.get(), CURLUPART_HOST);
  if (parts.scheme.empty() || parts.host.empty()) {
    return fail(ErrorCode::invalid_input, std::string(what) + " is not a URL");
  }
  parts.authority = parts.host;
  if (const std::string port = part(parsed.get(), CURLUPART_PORT); !port.empty()) {
    parts.authority += ":" + port;
  }
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  parts.has_credentials =
      !part(parsed.get(), CURLUPART_USER).empty() || !part(parsed.get(), CURLUPART_PASSWORD).empty();
  return parts;
}

bool append(CurlList& list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown == nullptr) return false;
  (void)list.release();  // NOLINT(bugprone-unused-return-value): `grown` is the same list, extended
  list.reset(grown);
  return true;
}

}  // namespace ssad::notify::transfer
