#pragma once
// An RDAP query as the use cases take it (RFC 9082): what is asked (a lookup, a search with its RFC 8977
// and RFC 8982 parameters, /help) and where the client asked it (the URLs the response's links are built
// from). parse_request() reads it from a path and a query string, refusing bad input with the error the
// client is owed; it knows no HTTP beyond those two strings.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/domain_name.hpp"
#include "core/error.hpp"
#include "rdap/render.hpp"
#include "rdap/request.hpp"
#include "store/registration_store.hpp"

namespace ssad::rdap {

/// Where the client asked.
struct Location {
  std::string base_url;   // the public URL of /rdap/, ending in '/'
  std::string query_url;  // the URL the client asked for (the `value` of every link)
};

struct DomainLookup {
  DomainName name;
};
struct NameserverLookup {
  DomainName name;
};
/// A registrar by IANA ID (all digits) or a contact by handle.
struct EntityLookup {
  std::string handle;
};
struct Help {};

/// A domain or nameserver search (RFC 9082 §3.2) with its paging and field set.
struct Search {
  store::NameSearch search;
  bool exact = false;  // no wildcard in a name search: at most one result, found by lookup
  Detail detail = Detail::full;
  std::string field_set = "full";
  bool count = false;
  bool sorted = false;         // a sort parameter was given
  std::string cursor;          // as sent; empty: the first page
  QueryParameters parameters;  // as sent, for the next page's link
};
struct DomainSearch : Search {};
struct NameserverSearch : Search {};

using Request =
    std::variant<DomainLookup, NameserverLookup, EntityLookup, DomainSearch, NameserverSearch, Help>;

struct Query {
  Request request;
  Location location;
};

/// What a query says about the requestor's authorisation (RFC 9560 §4.2), and the kind of abuse it
/// investigates (this server's extension parameter ssad_abuse_type, docs/requestors.md).
struct Authorisation {
  std::string purpose;     // farv1_qp; empty when absent
  bool dnt = false;        // farv1_dnt=true
  std::string issuer;      // farv1_iss; empty when absent
  std::string abuse_type;  // ssad_abuse_type; empty when absent
};

/// Reads the authorisation parameters of a query string. Errors: invalid_input for a farv1_dnt other than
/// true or false, an unknown abuse type, or a parameter given twice.
[[nodiscard]] Result<Authorisation> parse_authorisation(std::string_view query);

/// Reads an RDAP request from the path after "/rdap/" ("domain/example.com"; "" for "/rdap" itself) and
/// the query string, both still percent-encoded. Errors (messages never repeat the input):
/// invalid_input for what is not a valid RDAP query (RFC 9082; bad percent-encoding or UTF-8, bad names,
/// unknown paths, several search parameters, bad fieldSet, count or sort); unsupported for a partial
/// match this server does not offer (422, RFC 9082 §4.1); forbidden for entity searches;
/// not_implemented for reverse search, ip and autnum.
[[nodiscard]] Result<Request> parse_request(std::string_view path, std::string_view query);

}  // namespace ssad::rdap
