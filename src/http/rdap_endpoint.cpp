#include "http/rdap_endpoint.hpp"

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <utility>
#include <variant>

#include "http/error_mapping.hpp"
#include "identity/caller.hpp"
#include "json/json_writer.hpp"

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

// A request that proves (or claims) who is asking. Its answer may one day depend on who that is, so no
// shared cache, ours or one on the way, may keep it or give it someone else's.
bool carries_credentials(const Request& request) {
  return request.header("authorization").has_value() || request.header("cookie").has_value();
}

// The canonical request of a lookup, the one thing its rendering depends on besides the data: the object
// type and its normalised name (lower-case A-labels) or handle. Empty for what is not a lookup.
std::string lookup_key(const rdap::Request& request) {
  if (const auto* domain = std::get_if<rdap::DomainLookup>(&request)) return "domain/" + domain->name.ldh;
  if (const auto* host = std::get_if<rdap::NameserverLookup>(&request)) return "nameserver/" + host->name.ldh;
  if (const auto* entity = std::get_if<rdap::EntityLookup>(&request)) {
    // A digit handle names a registrar by IANA ID, or else a contact of that exact handle: "1", "01" and
    // "0001" may be one registrar or three contacts. Only the plain spelling is cached, so that leading
    // zeros cannot multiply entries (the others are answered, not kept).
    const std::string& handle = entity->handle;
    const bool digits = !handle.empty() && std::all_of(handle.begin(), handle.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
    if (digits && handle.size() > 1 && handle.front() == '0') return {};
    return "entity/" + handle;
  }
  return {};
}

// 32 random hex digits: no stored value can contain them by design, so every place they appear in a
// rendered body is a place the renderer wrote the query URL.
std::string random_marker() {
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::random_device random;
  std::string marker;
  for (int i = 0; i < 32; ++i) marker += kHex[random() % kHex.size()];
  return marker;
}

// `text` as the inside of a JSON string, as the renderer would have written it.
std::string json_string_content(std::string_view text) {
  json::JsonWriter writer(text.size() + 16);
  writer.string(text);
  const std::string_view quoted = writer.view();
  return std::string(quoted.substr(1, quoted.size() - 2));
}

// The body rendered with `marker` for the query URL, as a body without it and the offsets it was at.
cache::CachedResponse cut_at_marker(std::string_view body, std::string_view marker) {
  cache::CachedResponse cut;
  cut.body.reserve(body.size());
  for (std::size_t at = body.find(marker); at != std::string_view::npos; at = body.find(marker)) {
    cut.body.append(body.substr(0, at));
    cut.splices.push_back(cut.body.size());
    body.remove_prefix(at + marker.size());
  }
  cut.body.append(body);
  return cut;
}

// A cached body with `query_url` written at each of its splices.
std::string splice(const cache::CachedResponse& cached, std::string_view query_url) {
  const std::string url = json_string_content(query_url);
  std::string body;
  body.reserve(cached.body.size() + cached.splices.size() * url.size());
  std::size_t from = 0;
  for (const std::size_t at : cached.splices) {
    body.append(cached.body, from, at - from);
    body.append(url);
    from = at;
  }
  body.append(cached.body, from);
  return body;
}

}  // namespace

RdapEndpoint::RdapEndpoint(const rdap::Service& service, cache::DataVersion& data_version, const Clock& clock,
                           RdapEndpointOptions options)
    : service_(service),
      data_version_(data_version),
      clock_(clock),
      base_url_(std::move(options.base_url)),
      query_url_marker_(random_marker()),
      // Without a configured base URL the links follow the client's Host: nothing to share.
      caching_(!base_url_.empty() && options.cache_bytes > 0),
      cache_(caching_ ? options.cache_bytes : 0),
      authenticator_(options.authenticator),
      issuers_(std::move(options.issuers)),
      monitor_(options.monitor) {
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
  Observed observed;
  std::optional<Response> answered = answer(request, false, &observed);  // not quick: always an answer
  Response response =
      answered ? std::move(*answered) : error_response(request.path, Error{ErrorCode::internal, "no answer"});
  if (carries_credentials(request)) {
    response.headers.emplace_back("Cache-Control", "private, no-store");
    response.headers.emplace_back("Vary", "Authorization");
  }
  record_use(monitor_, request, observed, response.status);
  return response;
}

std::optional<Response> RdapEndpoint::quick(const Request& request) {
  // With credentials the whole answer waits for handle(), which adds the headers they need.
  if (carries_credentials(request)) return std::nullopt;
  return answer(request, true, nullptr);
}

std::optional<Response> RdapEndpoint::answer(const Request& request, bool quick, Observed* observed) {
  if (request.method != "GET") {
    Response refused = error_response(request.path, Error{ErrorCode::method_not_allowed,
                                                          "RDAP answers GET and HEAD only (RFC 7480 §4.1)."});
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  // Who is asking, first: a requestor's malformed queries count against it too (abuse monitoring). A
  // request with credentials never reaches the quick path (see quick()).
  std::optional<identity::Authenticated> user;
  if (authenticator_ != nullptr && carries_credentials(request)) {
    if (quick) return std::nullopt;
    auto who = authenticator_->authenticate(request.header("authorization"));
    if (!who) return error_response(request.path, who.error());
    user = std::move(*who);
    if (user) {
      if (observed != nullptr) observed->asked_by(*user);
      if (auto refused = refuse_if_throttled(monitor_, request, *user)) return refused;
    }
  }
  if (!request.body.empty()) {
    return error_response(request.path, Error{ErrorCode::invalid_input, "An RDAP query carries no body."});
  }
  const std::string_view path =
      request.path == "/rdap" ? std::string_view() : std::string_view(request.path).substr(kPrefix.size());
  auto parsed = rdap::parse_request(path, request.query);
  if (!parsed) return error_response(request.path, parsed.error());
  rdap::Query query{std::move(*parsed), location_of(request)};
  if (observed != nullptr) {
    if (const auto* domain = std::get_if<rdap::DomainLookup>(&query.request)) {
      observed->domain = domain->name.ldh;
    } else if (const auto* nameserver = std::get_if<rdap::NameserverLookup>(&query.request)) {
      observed->domain = nameserver->name.ldh;
    } else if (const auto* entity = std::get_if<rdap::EntityLookup>(&query.request)) {
      observed->domain = entity->handle;  // a sweep of handles is a sweep too
    } else if (std::holds_alternative<rdap::DomainSearch>(query.request) ||
               std::holds_alternative<rdap::NameserverSearch>(query.request)) {
      observed->kind = abuse::Use::Kind::search;
    }
  }
  auto authorisation = rdap::parse_authorisation(request.query);
  if (!authorisation) return error_response(request.path, authorisation.error());
  if (authorisation->dnt) {
    return error_response(request.path,
                          Error{ErrorCode::forbidden,
                                "This server logs every disclosure: farv1_dnt=true cannot be honoured "
                                "(dntSupported is false, RFC 9560 §4.2.2)."});
  }
  if (!authorisation->issuer.empty() &&
      std::find(issuers_.begin(), issuers_.end(), authorisation->issuer) == issuers_.end()) {
    return error_response(request.path,
                          Error{ErrorCode::invalid_input,
                                "farv1_iss names an identity provider this server does not accept "
                                "(RFC 9560 §4.2.3; /help lists them)."});
  }

  identity::Caller caller = identity::Caller::anonymous();
  policy::Ask ask;
  if (user) {
    // farv1_iss names the provider of the token (RFC 9560 §6): one naming another is an error.
    if (!authorisation->issuer.empty() && user->credential == identity::CredentialKind::oidc_token &&
        user->token_issuer != authorisation->issuer) {
      return error_response(request.path, Error{ErrorCode::invalid_input,
                                                "farv1_iss names another identity provider than the token's "
                                                "(RFC 9560 §6)."});
    }
    auto as = identity::caller_for(*user, authorisation->purpose, service_.policy().policy());
    if (!as) {
      // A purpose outside the accreditation (or the token's) is what the purposes detector counts.
      if (observed != nullptr) observed->purpose_refused = as.error().code == ErrorCode::forbidden;
      return error_response(request.path, as.error());
    }
    caller = std::move(*as);
    if (const identity::Requestor* asking = caller.requestor(); observed != nullptr && asking != nullptr) {
      if (const std::optional<model::Accreditation>& under = asking->accreditation; under.has_value()) {
        observed->accreditation_id = under->id;
        observed->group = under->group;
      }
    }
    ask.abuse_type = authorisation->abuse_type;
  }

  // Lookups are cached whole for the anonymous caller only, whose rendering is the same for everyone; a
  // request with credentials is kept out even when it is answered as the public.
  std::string key;
  if (caching_ && caller.is_anonymous() && !carries_credentials(request)) key = lookup_key(query.request);
  if (key.empty()) {
    if (quick) return std::nullopt;
    auto answer = service_.answer(query, caller, clock_.now(), ask);
    if (!answer) return error_response(request.path, answer.error());
    // A search page is as many lookups as the registrations it returns (abuse monitoring).
    if (observed != nullptr && observed->kind == abuse::Use::Kind::search) {
      for (const rdap::Served& served : answer->served) observed->results.push_back(served.object);
    }
    return rdap_response(200, std::move(answer->body));
  }
  // The quick path never reads the store: when the data version is due for a check, a worker does it.
  std::optional<cache::Version> known = quick ? data_version_.known() : data_version_.current();
  if (!known) return std::nullopt;
  const cache::Version version = *known;
  if (auto cached = cache_.find(key, version.generation)) {
    return rdap_response(cached->status, splice(*cached, query.location.query_url));
  }
  if (quick) return std::nullopt;
  // Rendered with a marker where the query URL goes, so that the cached body serves every client.
  const std::string query_url = std::exchange(query.location.query_url, query_url_marker_);
  auto answer = service_.answer(query, caller, clock_.now());
  if (!answer) return error_response(request.path, answer.error());
  auto cached = std::make_shared<const cache::CachedResponse>(cut_at_marker(answer->body, query_url_marker_));
  std::string body = splice(*cached, query_url);
  cache_.insert(std::move(key), std::move(cached), version.generation);
  return rdap_response(200, std::move(body));
}

}  // namespace ssad::http
