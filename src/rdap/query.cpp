#include "rdap/query.hpp"

#include <algorithm>
#include <vector>

#include "model/registration.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::rdap {
namespace {

using Kind = store::NameSearch::Kind;

// Splits "a/b/c" into decoded segments; nullopt when one is malformed.
std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> segments;
  while (true) {
    const std::size_t slash = path.find('/');
    auto segment = percent_decode(path.substr(0, slash));
    if (!segment) return std::nullopt;
    segments.push_back(std::move(*segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool truthy(std::string_view value) { return value == "true" || value == "yes" || value == "1"; }
bool falsy(std::string_view value) { return value == "false" || value == "no" || value == "0"; }

// The paging and field-set parameters shared by /domains and /nameservers (RFC 8977, RFC 8982).
Result<void> read_search_options(const QueryParameters& query, Search& search) {
  if (const auto* field_set = find_parameter(query, "fieldSet")) {
    if (*field_set == "id") {
      search.detail = Detail::id;
    } else if (*field_set == "brief") {
      search.detail = Detail::brief;
    } else if (*field_set != "full") {
      return fail(ErrorCode::invalid_input,
                  "Unknown fieldSet: the field sets are id, brief and full (RFC 8982).");
    }
    search.field_set = *field_set;
  }
  if (const auto* count = find_parameter(query, "count")) {
    if (!truthy(*count) && !falsy(*count)) {
      return fail(ErrorCode::invalid_input, "count must be true, yes, 1, false, no or 0 (RFC 8977 §2.1).");
    }
    search.count = truthy(*count);
  }
  if (const auto* sort = find_parameter(query, "sort")) {
    if (*sort != "name" && *sort != "name:a") {
      return fail(ErrorCode::invalid_input,
                  "Unsupported sort: results can be sorted by name, ascending (sort=name).");
    }
    search.sorted = true;
  }
  if (const auto* cursor = find_parameter(query, "cursor")) search.cursor = *cursor;
  search.parameters = query;
  return {};
}

// The one search parameter of /domains (name, nsLdhName, nsIp) or /nameservers (name, ip).
Result<void> read_search_target(const QueryParameters& query, bool domains, Search& search) {
  const std::vector<std::string_view> names = domains
                                                  ? std::vector<std::string_view>{"name", "nsLdhName", "nsIp"}
                                                  : std::vector<std::string_view>{"name", "ip"};
  const std::string* value = nullptr;
  std::string_view given;
  for (const auto& [key, v] : query) {
    if (std::find(names.begin(), names.end(), key) == names.end()) continue;
    if (value != nullptr) {
      return fail(ErrorCode::invalid_input, "A search takes exactly one search parameter (RFC 9082 §3.2).");
    }
    value = &v;
    given = key;
  }
  if (value == nullptr) {
    return fail(ErrorCode::invalid_input, "A search takes exactly one search parameter (RFC 9082 §3.2).");
  }
  store::NameSearch& target = search.search;
  if (given == "nsIp" || given == "ip") {
    auto address = model::canonical_ip_address(*value);
    if (!address) return fail(ErrorCode::invalid_input, "The IP address is not valid.");
    target.kind = domains ? Kind::domain_by_nameserver_ip : Kind::host_by_address;
    target.value = address->first;
    return {};
  }
  auto pattern = parse_name_pattern(*value, given == "name");
  if (!pattern) {
    return fail(pattern.error().status == 422 ? ErrorCode::unsupported : ErrorCode::invalid_input,
                pattern.error().reason);
  }
  if (!pattern->wildcard) {
    search.exact = given == "name";
    target.kind = given == "nsLdhName" ? Kind::domain_by_nameserver
                  : domains            ? Kind::domain_prefix
                                       : Kind::host_prefix;
    target.value = pattern->name;
    return {};
  }
  target.kind = pattern->unicode ? (domains ? Kind::domain_unicode_prefix : Kind::host_unicode_prefix)
                                 : (domains ? Kind::domain_prefix : Kind::host_prefix);
  target.value = pattern->prefix;
  target.suffix = pattern->suffix;
  return {};
}

template <class SearchType>
Result<Request> read_search(const QueryParameters& query, bool domains) {
  SearchType search;
  SSAD_CHECK(read_search_options(query, search));
  SSAD_CHECK(read_search_target(query, domains, search));
  return Request(std::move(search));
}

}  // namespace

Result<Authorisation> parse_authorisation(std::string_view query_text) {
  auto query = parse_query(query_text);
  if (!query)
    return fail(ErrorCode::invalid_input, "The query is not valid percent-encoded UTF-8 (RFC 9082 §6.1).");
  Authorisation out;
  const auto once = [&](std::string_view name) -> Result<const std::string*> {
    const std::string* found = nullptr;
    for (const auto& [key, value] : *query) {
      if (key != name) continue;
      if (found != nullptr) return fail(ErrorCode::invalid_input, std::string(name) + " is given twice.");
      found = &value;
    }
    return found;
  };
  SSAD_TRY(purpose, once("farv1_qp"));
  if (purpose != nullptr) out.purpose = *purpose;
  SSAD_TRY(dnt, once("farv1_dnt"));
  if (dnt != nullptr) {
    if (*dnt != "true" && *dnt != "false") {
      return fail(ErrorCode::invalid_input, "farv1_dnt is true or false (RFC 9560 §4.2.2).");
    }
    out.dnt = *dnt == "true";
  }
  SSAD_TRY(issuer, once("farv1_iss"));
  if (issuer != nullptr) out.issuer = *issuer;
  SSAD_TRY(abuse, once("ssad_abuse_type"));
  if (abuse != nullptr) {
    if (!policy::is_abuse_type(*abuse)) {
      return fail(ErrorCode::invalid_input,
                  "ssad_abuse_type is not an abuse type this server knows (/help).");
    }
    out.abuse_type = *abuse;
  }
  return out;
}

Result<Request> parse_request(std::string_view path, std::string_view query_text) {
  auto segments = split_path(path);
  if (!segments)
    return fail(ErrorCode::invalid_input, "The path is not valid percent-encoded UTF-8 (RFC 9082 §6.1).");
  auto query = parse_query(query_text);
  if (!query)
    return fail(ErrorCode::invalid_input, "The query is not valid percent-encoded UTF-8 (RFC 9082 §6.1).");
  const std::string& head = segments->front();
  const std::size_t n = segments->size();

  if (n == 2 && (head == "domain" || head == "nameserver")) {
    auto name = normalize_domain_name((*segments)[1], MixedLabels::reject);
    if (head == "domain") {
      if (!name) return fail(ErrorCode::invalid_input, "The domain name is not valid (RFC 9082 §3.1.3).");
      return Request(DomainLookup{std::move(*name)});
    }
    if (!name) return fail(ErrorCode::invalid_input, "The nameserver name is not valid (RFC 9082 §3.1.4).");
    return Request(NameserverLookup{std::move(*name)});
  }
  if (n == 2 && head == "entity") return Request(EntityLookup{std::move((*segments)[1])});
  if (n == 1 && head == "help") return Request(Help{});
  if (n == 1 && head == "domains") return read_search<DomainSearch>(*query, true);
  if (n == 1 && head == "nameservers") return read_search<NameserverSearch>(*query, false);
  if (n == 1 && head == "entities") {
    if (find_parameter(*query, "fn") == nullptr && find_parameter(*query, "handle") == nullptr) {
      return fail(ErrorCode::invalid_input, "An entity search takes fn or handle (RFC 9082 §3.2.3).");
    }
    return fail(ErrorCode::forbidden,
                "Entity searches match personal data and are not offered to anonymous clients.");
  }
  if (n >= 2 && (head == "domains" || head == "nameservers" || head == "entities") &&
      (*segments)[1] == "reverse_search") {
    return fail(ErrorCode::not_implemented, "Reverse search (RFC 9536) is not offered.");
  }
  if (head == "ip" || head == "autnum" || head == "ips" || head == "autnums") {
    return fail(ErrorCode::not_implemented,
                "This server holds domain registration data only: no IP or autnum objects.");
  }
  return fail(ErrorCode::invalid_input, "Not an RDAP query this server knows (RFC 9082).");
}

}  // namespace ssad::rdap
