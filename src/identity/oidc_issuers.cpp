#include "identity/oidc_issuers.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include "tlog/hash.hpp"

namespace ssad::identity {
namespace {

constexpr std::size_t kMaxJwksSize = std::size_t{1024} * 1024;

struct CurlFree {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlUrlFree {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlTextFree {
  void operator()(char* text) const { curl_free(text); }
};
using CurlText = std::unique_ptr<char, CurlTextFree>;

// A host a plain-http URL may name: the machine itself, where nobody on the network can change what
// the key set says (the tests' identity provider).
bool is_loopback_host(std::string host) {
  if (host == "localhost") return true;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24U) == 127U;
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// The scheme of a URL a key set may be fetched from: "https", or "http" to a loopback host.
Result<std::string> fetch_scheme(const std::string& url) {
  const std::unique_ptr<CURLU, CurlUrlFree> parsed(curl_url());
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return fail(ErrorCode::invalid_input, "'" + url + "' is not a URL");
  }
  char* scheme_text = nullptr;
  char* host_text = nullptr;
  (void)curl_url_get(parsed.get(), CURLUPART_SCHEME, &scheme_text, 0);
  const CurlText scheme(scheme_text);
  (void)curl_url_get(parsed.get(), CURLUPART_HOST, &host_text, 0);
  const CurlText host(host_text);
  if (!scheme || !host) return fail(ErrorCode::invalid_input, "'" + url + "' is not a URL");
  const std::string_view name(scheme.get());
  if (name == "https") return std::string(name);
  if (name == "http" && is_loopback_host(host.get())) return std::string(name);
  if (name == "http") {
    return fail(ErrorCode::invalid_input, "'" + url + "' must be https:// (http:// only to a loopback host)");
  }
  return fail(ErrorCode::invalid_input, "'" + url + "' must be an https:// URL");
}

struct Download {
  std::string body;
  bool too_large = false;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* download = static_cast<Download*>(user);
  const std::size_t length = size * count;
  if (download->body.size() + length > kMaxJwksSize) {
    download->too_large = true;
    return 0;  // stops the transfer
  }
  download->body.append(data, length);
  return length;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Result<std::string> read_jwks_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::unavailable, "cannot read '" + path + "'");
  std::string text;
  std::array<char, 65536> chunk{};
  while (in.read(chunk.data(), chunk.size()) || in.gcount() > 0) {
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxJwksSize)
      return fail(ErrorCode::invalid_input, "'" + path + "' is larger than 1 MiB");
  }
  if (in.bad()) return fail(ErrorCode::unavailable, "cannot read '" + path + "'");
  return text;
}

std::string describe(const IssuerSettings& settings) { return "OIDC issuer '" + settings.issuer + "'"; }

void log_left_out(const IssuerSettings& settings, const KeySet& keys) {
  for (const std::string& why : keys.left_out()) {
    spdlog::warn("oidc: {}: a key of its JWK Set is left out: {}", describe(settings), why);
  }
}

// The issuer's key set, from its file or its URL, or why not.
Result<KeySet> load_key_set(const IssuerSettings& settings, std::chrono::seconds timeout) {
  const bool from_file = !settings.jwks_file.empty();
  auto text = from_file ? read_jwks_file(settings.jwks_file) : fetch_jwks(settings.jwks_url, timeout);
  if (!text) return std::unexpected(text.error());
  auto keys = KeySet::parse(*text);
  if (!keys) {
    return fail(ErrorCode::invalid_input,
                (from_file ? settings.jwks_file : settings.jwks_url) + ": " + keys.error().message);
  }
  return keys;
}

std::unexpected<Error> untrusted() {
  return fail(ErrorCode::unauthenticated, "The bearer token's issuer is not trusted here.");
}

}  // namespace

Result<std::string> fetch_jwks(const std::string& url, std::chrono::seconds timeout) {
  SSAD_TRY(scheme, fetch_scheme(url));
  init_curl_once();
  const std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return fail(ErrorCode::unavailable, "cannot fetch " + url + ": libcurl did not start");
  Download download;
  std::array<char, CURL_ERROR_SIZE> detail{};
  const long timeout_ms = static_cast<long>(std::chrono::milliseconds(timeout).count());
  CURL* handle = curl.get();
  // Only the scheme checked above, no redirects (a redirect could leave https or loopback), certificates
  // verified, and over plain http to loopback never through a proxy the environment names.
  const bool set = curl_easy_setopt(handle, CURLOPT_URL, url.c_str()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, scheme.c_str()) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, timeout_ms) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_MAXFILESIZE_LARGE,
                                    static_cast<curl_off_t>(kMaxJwksSize)) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_USERAGENT, "OpenSSAD") == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, append_body) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_WRITEDATA, &download) == CURLE_OK &&
                   curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, detail.data()) == CURLE_OK &&
                   (scheme == "https" || curl_easy_setopt(handle, CURLOPT_PROXY, "") == CURLE_OK);
  if (!set) return fail(ErrorCode::unavailable, "cannot fetch " + url + ": libcurl refused an option");
  const CURLcode result = curl_easy_perform(handle);
  if (download.too_large || result == CURLE_FILESIZE_EXCEEDED) {
    return fail(ErrorCode::unavailable, "cannot fetch " + url + ": the answer is larger than 1 MiB");
  }
  if (result != CURLE_OK) {
    const std::string why = detail[0] != '\0' ? std::string(detail.data()) : curl_easy_strerror(result);
    return fail(ErrorCode::unavailable, "cannot fetch " + url + ": " + why);
  }
  long status = 0;
  (void)curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return fail(ErrorCode::unavailable, "cannot fetch " + url + ": HTTP status " + std::to_string(status));
  }
  return std::move(download.body);
}

struct TrustedIssuers::Issuer {
  explicit Issuer(IssuerSettings from) : settings(std::move(from)) {}

  [[nodiscard]] std::shared_ptr<const KeySet> current() {
    const std::lock_guard lock(mutex);
    return keys;
  }

  const IssuerSettings settings;
  std::mutex fetching;  // one fetch at a time; held across it, never with `mutex` held
  std::mutex mutex;     // guards what follows
  std::shared_ptr<const KeySet> keys;
  Clock::Monotonic last_attempt{};
  Clock::Monotonic last_success{};
};

// Verified tokens by the SHA-256 of the token, with two orders for eviction: by expiry (the expired go
// first) and by age (then the oldest).
struct TrustedIssuers::Cache {
  struct Entry {
    TokenClaims claims;
    std::size_t issuer = 0;
    std::optional<std::string> header_key_id;
    VerificationKey key;
    std::list<std::string>::iterator age;
    std::multimap<Timestamp, std::string>::iterator expiry;
  };

  void erase(std::unordered_map<std::string, Entry>::iterator found) {
    oldest_first.erase(found->second.age);
    by_expiry.erase(found->second.expiry);
    entries.erase(found);
  }

  std::mutex mutex;  // guards what follows
  std::unordered_map<std::string, Entry> entries;
  std::list<std::string> oldest_first;
  std::multimap<Timestamp, std::string> by_expiry;
};

TrustedIssuers::TrustedIssuers(std::vector<IssuerSettings> settings, IssuerOptions options,
                               const Clock& clock)
    : settings_(std::move(settings)), options_(options), clock_(clock), cache_(std::make_unique<Cache>()) {}

TrustedIssuers::~TrustedIssuers() = default;

Result<std::unique_ptr<TrustedIssuers>> TrustedIssuers::create(std::vector<IssuerSettings> issuers,
                                                               IssuerOptions options, const Clock& clock) {
  if (options.skew.count() < 0 || options.jwks_refresh.count() <= 0 || options.jwks_refetch_min.count() < 0 ||
      options.fetch_timeout.count() <= 0) {
    return fail(ErrorCode::invalid_input,
                "OIDC options: times must not be negative, fetch and refresh not zero");
  }
  std::set<std::string> seen;
  for (const IssuerSettings& settings : issuers) {
    const auto invalid = [&](const std::string& why) {
      return fail(ErrorCode::invalid_input, describe(settings) + ": " + why);
    };
    if (settings.issuer.empty())
      return fail(ErrorCode::invalid_input, "an OIDC issuer needs its issuer (iss)");
    if (!seen.insert(settings.issuer).second) return invalid("configured twice");
    if (settings.name.empty()) return invalid("needs a name");
    if (settings.audience.empty()) return invalid("needs an audience");
    if (settings.jwks_file.empty() == settings.jwks_url.empty()) {
      return invalid("needs exactly one of jwks_file and jwks_url");
    }
    if (!settings.jwks_url.empty()) {
      if (auto scheme = fetch_scheme(settings.jwks_url); !scheme) return invalid(scheme.error().message);
    }
  }

  std::unique_ptr<TrustedIssuers> trusted(new TrustedIssuers(std::move(issuers), options, clock));
  for (const IssuerSettings& settings : trusted->settings_) {
    auto issuer = std::make_unique<Issuer>(settings);
    auto keys = load_key_set(settings, options.fetch_timeout);
    if (!keys) return std::unexpected(with_context(keys.error(), describe(settings)));
    log_left_out(settings, *keys);
    if (keys->size() == 0) {
      return fail(ErrorCode::invalid_input,
                  describe(settings) + ": its JWK Set has no key this server can verify with");
    }
    issuer->keys = std::make_shared<const KeySet>(std::move(*keys));
    issuer->last_attempt = issuer->last_success = clock.monotonic();
    trusted->issuers_.push_back(std::move(issuer));
  }
  return trusted;
}

void TrustedIssuers::fetch_again(Issuer& issuer, Need need) {
  if (issuer.settings.jwks_url.empty()) return;
  // One fetch at a time, and nobody waits for it: a due refresh is left to the thread already fetching,
  // and a token with an unknown kid is answered with the keys there are (its client may try again). A
  // client could otherwise hold every worker for the fetch's timeout with tokens naming invented kids.
  const std::unique_lock fetching(issuer.fetching, std::try_to_lock);
  if (!fetching.owns_lock()) return;
  const Clock::Monotonic now = clock_.monotonic();
  {
    const std::lock_guard lock(issuer.mutex);
    if (now - issuer.last_attempt < options_.jwks_refetch_min) return;
    if (need == Need::refresh && now - issuer.last_success < options_.jwks_refresh) return;
    issuer.last_attempt = now;
  }
  ++jwks_fetches_;
  auto keys = load_key_set(issuer.settings, options_.fetch_timeout);
  if (!keys) {
    spdlog::warn("oidc: {}: keeping its keys: {}", describe(issuer.settings), keys.error().message);
    return;
  }
  log_left_out(issuer.settings, *keys);
  const std::lock_guard lock(issuer.mutex);
  issuer.keys = std::make_shared<const KeySet>(std::move(*keys));
  issuer.last_success = now;
}

std::optional<Result<TokenClaims>> TrustedIssuers::kept(const std::string& digest, Timestamp now) {
  Cache::Entry entry;
  {
    const std::lock_guard lock(cache_->mutex);
    const auto found = cache_->entries.find(digest);
    if (found == cache_->entries.end()) return std::nullopt;
    if (auto period = check_validity_period(found->second.claims, options_.skew, now); !period) {
      cache_->erase(found);
      return std::unexpected(period.error());
    }
    entry = found->second;
  }
  Issuer& issuer = *issuers_[entry.issuer];
  fetch_again(issuer, Need::refresh);
  const auto keys = issuer.current();
  const VerificationKey* key = keys->key_for(entry.header_key_id);
  if (key == nullptr || !key->is_same_key(entry.key)) {
    const std::lock_guard lock(cache_->mutex);
    if (const auto found = cache_->entries.find(digest); found != cache_->entries.end()) cache_->erase(found);
    return std::nullopt;  // its key is gone: verified again, against the keys there are now
  }
  return std::move(entry.claims);
}

Result<TokenClaims> TrustedIssuers::verify(std::string_view token) {
  const Timestamp now = clock_.now();
  std::string digest;
  if (options_.verified_cache > 0) {
    digest = tlog::bytes_of(tlog::sha256(token));
    if (auto claims = kept(digest, now)) return std::move(*claims);
  }

  SSAD_TRY(unverified, read_unverified(token));
  const auto found = std::find_if(
      issuers_.begin(), issuers_.end(),
      [&](const std::unique_ptr<Issuer>& issuer) { return issuer->settings.issuer == unverified.issuer; });
  if (found == issuers_.end()) return untrusted();
  Issuer& issuer = **found;
  fetch_again(issuer, Need::refresh);
  auto keys = issuer.current();
  if (keys->key_for(unverified.key_id) == nullptr) {
    fetch_again(issuer, Need::unknown_key);
    keys = issuer.current();
  }

  ++signature_checks_;
  const TokenCheck check{issuer.settings.issuer, issuer.settings.audience, options_.skew, now};
  SSAD_TRY(claims, verify_token(token, *keys, check));
  if (options_.verified_cache == 0) return std::move(claims);

  const VerificationKey* key = keys->key_for(unverified.key_id);
  const std::lock_guard lock(cache_->mutex);
  if (cache_->entries.contains(digest)) return std::move(claims);
  while (cache_->entries.size() >= options_.verified_cache && !cache_->by_expiry.empty() &&
         now > cache_->by_expiry.begin()->first + options_.skew) {
    cache_->erase(cache_->entries.find(cache_->by_expiry.begin()->second));
  }
  while (cache_->entries.size() >= options_.verified_cache) {
    cache_->erase(cache_->entries.find(cache_->oldest_first.front()));
  }
  cache_->oldest_first.push_back(digest);
  const auto expiry = cache_->by_expiry.emplace(claims.expires, digest);
  cache_->entries.emplace(
      digest, Cache::Entry{claims, static_cast<std::size_t>(found - issuers_.begin()), unverified.key_id,
                           *key, std::prev(cache_->oldest_first.end()), expiry});
  return std::move(claims);
}

}  // namespace ssad::identity
