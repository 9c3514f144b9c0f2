#pragma once
// What the SMTP and webhook senders share (internal to notify/): libcurl started once per process, its
// handles freed by their owners, and the parts of a URL a sender checks before it connects.

#include <memory>
#include <string>

#include <curl/curl.h>

#include "core/error.hpp"

namespace ssad::notify::transfer {

/// curl_global_init, once per process (it is not thread-safe itself).
void init_curl_once();

struct CurlFree {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlListFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Curl = std::unique_ptr<CURL, CurlFree>;
using CurlList = std::unique_ptr<curl_slist, CurlListFree>;

/// The parts of a URL a sender checks. `host` is without the brackets of an IPv6 address; `authority`
/// ("host:port", "[::1]:8080") is what messages name, never the path or query (which may hold a token).
struct UrlParts {
  std::string scheme;  // lower case
  std::string host;
  std::string authority;
  bool has_credentials = false;  // user or password in the URL
};

/// Parses `url` with libcurl's parser. Errors: invalid_input ("… is not a URL"; the URL is not repeated,
/// as it may hold a secret).
[[nodiscard]] Result<UrlParts> url_parts(const std::string& url, std::string_view what);

/// Appends to `list` (a curl_slist); false when libcurl could not.
[[nodiscard]] bool append(CurlList& list, const std::string& line);

}  // namespace ssad::notify::transfer
