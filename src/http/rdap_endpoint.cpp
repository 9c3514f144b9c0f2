#include "http/rdap_endpoint.hpp"

#include <algorithm>
#include <memory>

#include "http/error_mapping.hpp"
#include "identity/caller.hpp"

namespace ssad::http {
namespace {

constexpr std::string_view kPrefix = "/rdap/";
constexpr std::string_view kContentType = "application/rdap+json";

Response rdap_response(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.headers = {{"Content-Type", std::string(kContentType)}, {"Access-Control-Allow-Origin", "*"}};
  response.body = std::move(body);
  return response;
}

// Lookups name one object: their rendering is kept whole.
bool is_lookup(std::string_view path) {
  return path.starts_with("/rdap/domain/") || path.starts_with("/rdap/nameserver/") ||
         path.starts_with("/rdap/entity/");
}

}  // namespace

RdapEndpoint::RdapEndpoint(const rdap::Service& service, cache::DataVersion& data_version,
                           abuse::RateLimiter& limiter, const Clock& clock, RdapEndpointOptions options)
    : service_(service),
      data_version_(data_version),
      limiter_(limiter),
      clock_(clock),
      base_url_(std::move(options.base_url)),
      cache_(options.cache_bytes) {
  if (!base_url_.empty() && base_url_.back() != '/') base_url_ += '/';
}

rdap::Location RdapEndpoint::location_of(const Request& request) const {
  rdap::Location location;
  if (!base_url_.empty()) {
    location.base_url = base_url_;
  } else {
    // Without a configured public URL: the scheme and Host the client used (a Host that is not plain
    // printable ASCII is not trusted into the response).
    std::string_view host = request.header("host").value_or("localhost");
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
      host = "localhost";
    }
    location.base_url = (request.secure ? "https://" : "http://") + std::string(host) + std::string(kPrefix);
  }
  const std::size_t skip =
      std::min(request.target.size(), request.path == "/rdap" ? std::size_t{5} : kPrefix.size());
  location.query_url = location.base_url + request.target.substr(skip);
  return location;
}

Response RdapEndpoint::handle(const Request& request) {
  if (request.method != "GET") {
    Response refused = error_response(request.path, Error{ErrorCode::method_not_allowed,
                                                          "RDAP answers GET and HEAD only (RFC 7480 §4.1)."});
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  if (!request.body.empty()) {
    return error_response(request.path, Error{ErrorCode::invalid_input, "An RDAP query carries no body."});
  }
  if (const abuse::Admission admission = limiter_.admit(request.remote_address); !admission.allowed) {
    Response refused = error_response(
        request.path,
        Error{ErrorCode::too_many_requests, "Too many queries from this address; please slow down."});
    refused.headers.emplace_back("Retry-After", std::to_string(admission.retry_after.count()));
    return refused;
  }
  // Lookups are cached whole, keyed by the target (and the scheme and Host when links are built from
  // them): for the anonymous caller only, whose rendering is the same for everyone. (Every caller is
  // anonymous until the identity issue authenticates requests here.)
  const identity::Caller caller = identity::Caller::anonymous();
  const bool cacheable = caller.is_anonymous() && is_lookup(request.path);
  std::string key;
  const cache::Version version = data_version_.current();
  if (cacheable) {
    key = request.target;
    if (base_url_.empty()) {
      key += request.secure ? "\nhttps\n" : "\nhttp\n";
      key += request.header("host").value_or("");
    }
    if (auto cached = cache_.find(key, version.generation))
      return rdap_response(cached->status, cached->body);
  }
  const std::string_view path =
      request.path == "/rdap" ? std::string_view() : std::string_view(request.path).substr(kPrefix.size());
  auto parsed = rdap::parse_request(path, request.query);
  if (!parsed) return error_response(request.path, parsed.error());
  const rdap::Query query{std::move(*parsed), location_of(request)};
  auto answer = service_.answer(query, caller, clock_.now());
  if (!answer) return error_response(request.path, answer.error());
  if (cacheable) {
    cache_.insert(std::move(key),
                  std::make_shared<const cache::CachedResponse>(cache::CachedResponse{200, answer->body}),
                  version.generation);
  }
  return rdap_response(200, std::move(answer->body));
}

}  // namespace ssad::http
