#include "rdap/service.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/domain_name.hpp"
#include "policy/visibility.hpp"
#include "rdap/cursor.hpp"
#include "rdap/data_version.hpp"
#include "rdap/json_writer.hpp"
#include "rdap/rate_limiter.hpp"
#include "rdap/request.hpp"
#include "rdap/response_cache.hpp"

namespace ssad::rdap {
namespace {

constexpr std::string_view kPrefix = "/rdap/";
constexpr std::string_view kContentType = "application/rdap+json";

// What a response says it conforms to (RFC 9083 §4.1: only the extensions used in building it).
constexpr std::string_view kLevel0 = "rdap_level_0";
constexpr std::string_view kProfile = "icann_rdap_response_profile_1";
constexpr std::string_view kGuide = "icann_rdap_technical_implementation_guide_1";

struct Reply {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

std::string_view reason_of(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 501:
      return "Not Implemented";
    default:
      return "Internal Server Error";
  }
}

// RFC 9083 §6 error body; the 2024 profile wants rdapConformance in it and errorCode == status. The
// description is ours alone: it never repeats the request or a store message (which may name a contact).
Reply error(unsigned status, std::string_view description) {
  JsonWriter out;
  out.begin_object();
  out.key("rdapConformance");
  out.begin_array();
  out.string(kLevel0);
  out.end_array();
  out.key("errorCode");
  out.integer(status);
  out.member("title", reason_of(status));
  out.key("description");
  out.begin_array();
  out.string(description);
  out.end_array();
  out.end_object();
  return {status, std::string(out.view()), {}};
}

// Percent-encodes a query value for a link we build (RFC 3986 unreserved characters stay; '*' too).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '*') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xFU];
    }
  }
  return out;
}

void write_notice(JsonWriter& out, std::string_view title, std::string_view description,
                  std::string_view value, std::string_view rel, std::string_view href,
                  std::string_view type) {
  out.begin_object();
  out.member("title", title);
  out.key("description");
  out.begin_array();
  out.string(description);
  out.end_array();
  out.key("links");
  out.begin_array();
  out.begin_object();
  out.member("value", value);
  out.member("rel", rel);
  out.member("href", href);
  out.member("type", type);
  out.end_object();
  out.end_array();
  out.end_object();
}

// The 2024 profile's notices (spec rdap.md §6.1), as array items; each link's value is the queried URL.
void write_profile_notices(JsonWriter& out, const Context& context, bool domain) {
  write_notice(out, "Terms of Service",
               "Access to this registration data is subject to the terms of service at the linked page.",
               context.query_url, "terms-of-service", context.settings->terms_of_service_url, "text/html");
  if (domain) {
    write_notice(out, "Status Codes",
                 "For more information on domain status codes, please visit https://icann.org/epp",
                 context.query_url, "glossary", "https://icann.org/epp", "text/html");
    write_notice(out, "RDDS Inaccuracy Complaint Form",
                 "URL of the ICANN RDDS Inaccuracy Complaint Form: https://icann.org/wicf", context.query_url,
                 "help", "https://icann.org/wicf", "text/html");
  }
}

void write_notices(JsonWriter& out, const Context& context, bool domain) {
  out.key("notices");
  out.begin_array();
  write_profile_notices(out, context, domain);
  out.end_array();
}

// The topmost object: rdapConformance and notices, then the members of `object` (a rendered "{...}").
std::string top_level(std::string_view object, std::initializer_list<std::string_view> conformance,
                      bool redacted, const Context& context, bool domain_notices) {
  JsonWriter out;
  out.begin_object();
  out.key("rdapConformance");
  out.begin_array();
  out.string(kLevel0);
  for (const auto token : conformance) out.string(token);
  if (redacted) out.string("redacted");
  out.end_array();
  write_notices(out, context, domain_notices);
  out.end_object();
  std::string body(out.view());
  body.pop_back();  // '}'
  if (object.size() > 2) {
    body += ',';
    body.append(object.substr(1));
  } else {
    body += '}';
  }
  return body;
}

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

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

// What one search asks for, read from the query (RFC 8977 and RFC 8982 parameters included).
struct SearchRequest {
  store::NameSearch search;
  bool exact = false;  // no wildcard: at most one result, found by lookup
  Detail detail = Detail::full;
  std::string field_set = "full";
  bool count = false;
  bool sorted = false;  // a sort parameter was given
  std::optional<CursorState> cursor;
};

}  // namespace

http::Response error_response(unsigned status, std::string_view detail) {
  Reply reply = error(status, detail.empty() ? reason_of(status) : detail);
  http::Response response;
  response.status = reply.status;
  response.headers = {{"Content-Type", std::string(kContentType)}, {"Access-Control-Allow-Origin", "*"}};
  response.body = std::move(reply.body);
  return response;
}

bool is_rdap_path(std::string_view path) { return path == "/rdap" || path.starts_with(kPrefix); }

struct Service::Impl {
  Impl(store::RegistrationReader& reader, Settings rdap_settings, ServiceOptions service_options)
      : store(reader),
        settings(std::move(rdap_settings)),
        options(service_options),
        cache(service_options.cache_bytes),
        limiter(service_options.rate_limit_per_second, service_options.rate_limit_burst),
        cursors(service_options.cursor_key.empty() ? CursorCodec()
                                                   : CursorCodec(service_options.cursor_key)) {
    if (!settings.base_url.empty() && settings.base_url.back() != '/') settings.base_url += '/';
    if (options.page_size == 0) options.page_size = 1;
  }

  store::RegistrationReader& store;
  Settings settings;
  ServiceOptions options;
  ResponseCache cache;
  RateLimiter limiter;
  CursorCodec cursors;

  // The store's last data change, read at most every options.generation_check; a change empties the cache.
  DataVersion data_version{store, options.generation_check, [this] { cache.clear(); }};

  std::optional<Timestamp> current_generation() { return data_version.current(); }

  Context context_for(const http::Request& request) {
    Context context;
    context.settings = &settings;
    if (!settings.base_url.empty()) {
      context.base_url = settings.base_url;
    } else {
      // Without a configured public URL: the scheme and Host the client used (a Host that is not plain
      // printable ASCII is not trusted into the response).
      std::string_view host = request.header("host").value_or("localhost");
      if (host.empty() ||
          !std::all_of(host.begin(), host.end(), [](char c) { return c > ' ' && c < 0x7f; })) {
        host = "localhost";
      }
      context.base_url = (request.secure ? "https://" : "http://") + std::string(host) + std::string(kPrefix);
    }
    const std::string_view rest =
        std::string_view(request.target)
            .substr(
                std::min(request.target.size(), request.path == "/rdap" ? std::size_t{5} : kPrefix.size()));
    context.query_url = context.base_url + std::string(rest);
    context.database_updated = current_generation();
    return context;
  }

  Reply store_failure(const Error& failure) {
    // The message may name a contact: log the code only (DESIGN.md §4 invariant 1).
    spdlog::error("rdap: store error ({})", to_string(failure.code));
    return error(500, "The registration data could not be read. Please try again later.");
  }

  Reply lookup_domain(const std::string& text, const Context& context) {
    auto name = normalize_domain_name(text, MixedLabels::reject);
    if (!name) return error(400, "The domain name is not valid (RFC 9082 §3.1.3).");
    auto registration = store.find_registration(name->ldh);
    if (!registration) {
      if (registration.error().code == ErrorCode::not_found)
        return error(404, "The domain name is not registered here.");
      return store_failure(registration.error());
    }
    const policy::FieldSet shown = policy::public_fields(*registration);
    JsonWriter out;
    const bool redacted = write_domain(out, *registration, shown, context, Detail::full, "$");
    return {200, top_level(out.view(), {kProfile, kGuide}, redacted, context, true), {}};
  }

  Reply lookup_nameserver(const std::string& text, const Context& context) {
    auto name = normalize_domain_name(text, MixedLabels::reject);
    if (!name) return error(400, "The nameserver name is not valid (RFC 9082 §3.1.4).");
    auto host = store.find_host(name->ldh);
    if (!host) {
      if (host.error().code == ErrorCode::not_found)
        return error(404, "The nameserver is not registered here.");
      return store_failure(host.error());
    }
    JsonWriter out;
    write_nameserver(out, *host, context, Detail::full, true);
    return {200, top_level(out.view(), {kProfile, kGuide}, false, context, false), {}};
  }

  Reply lookup_entity(const std::string& handle, const Context& context) {
    if (all_digits(handle)) {
      std::int64_t iana_id = 0;
      std::from_chars(handle.data(), handle.data() + handle.size(), iana_id);
      auto registrar = store.find_registrar_by_iana_id(iana_id);
      if (registrar) {
        JsonWriter out;
        write_registrar(out, *registrar, context, true);
        return {200, top_level(out.view(), {kProfile, kGuide}, false, context, false), {}};
      }
      if (registrar.error().code != ErrorCode::not_found) return store_failure(registrar.error());
    }
    auto contact = store.find_contact(handle);
    if (!contact && contact.error().code != ErrorCode::not_found) return store_failure(contact.error());
    if (contact) {
      // A contact is seen as the registrant it would be; when even its handle is withheld from the
      // public, the answer is the one for a handle that does not exist (existence is not confirmed).
      model::Registration as_registrant;
      as_registrant.contacts.emplace_back(model::ContactRole::registrant, *contact);
      const policy::FieldSet shown = policy::public_fields(as_registrant);
      if (shown.contains("registrant.handle")) {
        JsonWriter out;
        const bool redacted = write_contact_entity(out, *contact, shown, context);
        return {200, top_level(out.view(), {kProfile, kGuide}, redacted, context, false), {}};
      }
    }
    return error(404, "No entity with this handle is published here.");
  }

  Reply help(const Context& context) {
    JsonWriter out;
    out.begin_object();
    out.key("rdapConformance");
    out.begin_array();
    for (const auto token :
         {kLevel0, kProfile, kGuide, std::string_view("redacted"), std::string_view("paging"),
          std::string_view("sorting"), std::string_view("subsetting")}) {
      out.string(token);
    }
    out.end_array();
    out.key("notices");
    out.begin_array();
    write_profile_notices(out, context, false);
    out.begin_object();
    out.member("title", "About this service");
    out.key("description");
    out.begin_array();
    out.string("Lookups: domain/<name>, nameserver/<name>, entity/<IANA registrar ID>.");
    out.string(
        "Searches: domains?name=<pattern>, domains?nsLdhName=<name>, domains?nsIp=<address>, "
        "nameservers?name=<pattern>, nameservers?ip=<address>. A pattern may end a label's prefix "
        "with '*' (exam*.example). Paging with cursor and count (RFC 8977), field sets id, brief and "
        "full (RFC 8982).");
    out.string("Personal data is redacted (RFC 9537). Entity searches are not offered to anonymous clients.");
    out.end_array();
    out.end_object();
    out.end_array();
    out.end_object();
    return {200, std::string(out.view()), {}};
  }

  // Reads the search parameters shared by /domains and /nameservers. nullopt with `refusal` set on error.
  static std::optional<SearchRequest> search_request(const QueryParameters& query, Reply& refusal) {
    SearchRequest request;
    if (const auto* field_set = find_parameter(query, "fieldSet")) {
      if (*field_set == "id") {
        request.detail = Detail::id;
      } else if (*field_set == "brief") {
        request.detail = Detail::brief;
      } else if (*field_set != "full") {
        refusal = error(400, "Unknown fieldSet: the field sets are id, brief and full (RFC 8982).");
        return std::nullopt;
      }
      request.field_set = *field_set;
    }
    if (const auto* count = find_parameter(query, "count")) {
      if (!truthy(*count) && !falsy(*count)) {
        refusal = error(400, "count must be true, yes, 1, false, no or 0 (RFC 8977 §2.1).");
        return std::nullopt;
      }
      request.count = truthy(*count);
    }
    if (const auto* sort = find_parameter(query, "sort")) {
      if (*sort != "name" && *sort != "name:a") {
        refusal = error(400, "Unsupported sort: results can be sorted by name, ascending (sort=name).");
        return std::nullopt;
      }
      request.sorted = true;
    }
    return request;
  }

  Reply search(std::string_view collection, const QueryParameters& query, const Context& context) {
    const bool domains = collection == "domains";
    Reply refusal;
    auto request = search_request(query, refusal);
    if (!request) return refusal;
    using Kind = store::NameSearch::Kind;

    // Exactly one search parameter (RFC 9082 §3.2).
    const std::vector<std::string_view> names =
        domains ? std::vector<std::string_view>{"name", "nsLdhName", "nsIp"}
                : std::vector<std::string_view>{"name", "ip"};
    const std::string* value = nullptr;
    std::string_view given;
    for (const auto& [key, v] : query) {
      if (std::find(names.begin(), names.end(), key) == names.end()) continue;
      if (value != nullptr) return error(400, "A search takes exactly one search parameter (RFC 9082 §3.2).");
      value = &v;
      given = key;
    }
    if (value == nullptr) return error(400, "A search takes exactly one search parameter (RFC 9082 §3.2).");

    store::NameSearch& search = request->search;
    if (given == "nsIp" || given == "ip") {
      auto address = model::canonical_ip_address(*value);
      if (!address) return error(400, "The IP address is not valid.");
      search.kind = domains ? Kind::domain_by_nameserver_ip : Kind::host_by_address;
      search.value = address->first;
    } else {
      auto pattern = parse_name_pattern(*value, given == "name");
      if (!pattern) return error(pattern.error().status, pattern.error().reason);
      if (!pattern->wildcard) {
        request->exact = given == "name";
        search.kind = given == "nsLdhName" ? Kind::domain_by_nameserver
                      : domains            ? Kind::domain_prefix
                                           : Kind::host_prefix;
        search.value = pattern->name;
      } else {
        search.kind = pattern->unicode ? (domains ? Kind::domain_unicode_prefix : Kind::host_unicode_prefix)
                                       : (domains ? Kind::domain_prefix : Kind::host_prefix);
        search.value = pattern->prefix;
        search.suffix = pattern->suffix;
      }
    }
    const std::string signature = std::string(collection) + ' ' +
                                  std::to_string(static_cast<int>(search.kind)) + ' ' + search.value + ' ' +
                                  search.suffix + (request->exact ? " =" : "");
    if (const auto* cursor = find_parameter(query, "cursor")) {
      request->cursor = cursors.decode(*cursor);
      if (!request->cursor || request->cursor->search != signature) {
        return error(400, "The cursor is not valid for this search (it may have expired).");
      }
    }

    // The names of this page, one more than a page to know whether another follows.
    std::vector<std::string> found;
    const std::int64_t page_number = request->cursor ? request->cursor->page : 1;
    std::int64_t total = 0;
    if (request->exact) {
      if (!request->cursor) found.push_back(search.value);
      total = 1;
    } else {
      auto page = store.search(search, {.after = request->cursor ? request->cursor->after : std::string(),
                                        .limit = options.page_size + 1});
      if (!page) return store_failure(page.error());
      found = std::move(*page);
      if (request->count) {
        auto counted = store.count(search);
        if (!counted) return store_failure(counted.error());
        total = *counted;
      }
    }
    const bool more = found.size() > options.page_size;
    if (more) found.resize(options.page_size);

    JsonWriter out;
    out.begin_object();
    out.key(domains ? "domainSearchResults" : "nameserverSearchResults");
    out.begin_array();
    bool redacted = false;
    std::size_t index = 0;
    std::string last_key;
    for (const auto& name : found) {
      if (domains) {
        // The next page starts after this name even when it is gone since the search (A-label order; a
        // U-label-ordered page takes the key from the object below).
        if (!search.unicode_order()) last_key = name;
        auto registration = store.find_registration(name);
        if (!registration) {
          if (registration.error().code == ErrorCode::not_found) continue;  // gone since the search
          return store_failure(registration.error());
        }
        last_key = search.unicode_order() ? registration->domain.name.unicode : registration->domain.name.ldh;
        const policy::FieldSet shown = policy::public_fields(*registration);
        const std::string path = "$.domainSearchResults[" + std::to_string(index) + "]";
        redacted = write_domain(out, *registration, shown, context, request->detail, path) || redacted;
      } else {
        if (!search.unicode_order()) last_key = name;
        auto host = store.find_host(name);
        if (!host) {
          if (host.error().code == ErrorCode::not_found) continue;
          return store_failure(host.error());
        }
        last_key = search.unicode_order() ? host->name.unicode : host->name.ldh;
        write_nameserver(out, *host, context, request->detail, true);
      }
      ++index;
    }
    out.end_array();
    if (request->exact) total = static_cast<std::int64_t>(index);
    write_paging(out, *request, query, collection, context, signature, page_number, more, last_key, total);
    write_sorting(out, *request, domains);
    write_subsetting(out, *request, domains);
    out.end_object();
    return {200,
            top_level(out.view(), {kProfile, kGuide, "paging", "sorting", "subsetting"}, redacted, context,
                      domains),
            {}};
  }

  void write_paging(JsonWriter& out, const SearchRequest& request, const QueryParameters& query,
                    std::string_view collection, const Context& context, const std::string& signature,
                    std::int64_t page_number, bool more, const std::string& last_key, std::int64_t total) {
    out.key("paging_metadata");
    out.begin_object();
    if (request.count) {
      out.key("totalCount");
      out.integer(total);
    }
    if (more || page_number > 1) {
      out.key("pageSize");
      out.integer(static_cast<std::int64_t>(options.page_size));
      out.key("pageNumber");
      out.integer(page_number);
    }
    if (more) {
      std::string href = context.base_url + std::string(collection) + '?';
      for (const auto& [name, value] : query) {
        if (name == "cursor") continue;
        href += percent_encode(name) + '=' + percent_encode(value) + '&';
      }
      href += "cursor=" + cursors.encode({signature, last_key, page_number + 1});
      out.key("links");
      out.begin_array();
      out.begin_object();
      out.member("value", context.query_url);
      out.member("rel", "next");
      out.member("href", href);
      out.member("type", kContentType);
      out.end_object();
      out.end_array();
    }
    out.end_object();
  }

  static void write_sorting(JsonWriter& out, const SearchRequest& request, bool domains) {
    out.key("sorting_metadata");
    out.begin_object();
    if (request.sorted) out.member("currentSort", "name");
    out.key("availableSorts");
    out.begin_array();
    out.begin_object();
    out.member("property", "name");
    out.key("default");
    out.boolean(true);
    out.member("jsonPath",
               domains ? "$.domainSearchResults[*].ldhName" : "$.nameserverSearchResults[*].ldhName");
    out.end_object();
    out.end_array();
    out.end_object();
  }

  static void write_subsetting(JsonWriter& out, const SearchRequest& request, bool domains) {
    out.key("subsetting_metadata");
    out.begin_object();
    out.member("currentFieldSet", request.field_set);
    out.key("availableFieldSets");
    out.begin_array();
    const std::string_view what = domains ? "domain" : "nameserver";
    for (const auto& [name, description] :
         {std::pair<std::string_view, std::string>{"id",
                                                   std::string("The ") + std::string(what) + " names only."},
          {"brief", "Names, handle, status, events and self link."},
          {"full", "Everything the caller may see."}}) {
      out.begin_object();
      out.member("name", name);
      out.key("default");
      out.boolean(name == "full");
      out.member("description", description);
      out.end_object();
    }
    out.end_array();
    out.end_object();
  }

  Reply route(const http::Request& request, const Context& context) {
    const std::string_view path =
        request.path == "/rdap" ? std::string_view() : std::string_view(request.path).substr(kPrefix.size());
    auto segments = split_path(path);
    if (!segments) return error(400, "The path is not valid percent-encoded UTF-8 (RFC 9082 §6.1).");
    auto query = parse_query(request.query);
    if (!query) return error(400, "The query is not valid percent-encoded UTF-8 (RFC 9082 §6.1).");
    const std::string& head = segments->front();
    const std::size_t n = segments->size();

    if (n == 2 && head == "domain") return lookup_domain((*segments)[1], context);
    if (n == 2 && head == "nameserver") return lookup_nameserver((*segments)[1], context);
    if (n == 2 && head == "entity") return lookup_entity((*segments)[1], context);
    if (n == 1 && head == "help") return help(context);
    if (n == 1 && (head == "domains" || head == "nameservers")) return search(head, *query, context);
    if (n == 1 && head == "entities") {
      if (find_parameter(*query, "fn") == nullptr && find_parameter(*query, "handle") == nullptr) {
        return error(400, "An entity search takes fn or handle (RFC 9082 §3.2.3).");
      }
      return error(403, "Entity searches match personal data and are not offered to anonymous clients.");
    }
    if (n >= 2 && (head == "domains" || head == "nameservers" || head == "entities") &&
        (*segments)[1] == "reverse_search") {
      return error(501, "Reverse search (RFC 9536) is not offered.");
    }
    if (head == "ip" || head == "autnum" || head == "ips" || head == "autnums") {
      return error(501, "This server holds domain registration data only: no IP or autnum objects.");
    }
    return error(400, "Not an RDAP query this server knows (RFC 9082).");
  }

  http::Response respond(Reply reply) {
    http::Response response;
    response.status = reply.status;
    response.headers.reserve(2 + reply.headers.size());
    response.headers.emplace_back("Content-Type", kContentType);
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    for (auto& header : reply.headers) response.headers.push_back(std::move(header));
    response.body = std::move(reply.body);
    return response;
  }

  http::Response handle(const http::Request& request) {
    if (request.method != "GET") {
      Reply reply = error(405, "RDAP answers GET and HEAD only (RFC 7480 §4.1).");
      reply.headers.emplace_back("Allow", "GET, HEAD");
      return respond(std::move(reply));
    }
    if (!limiter.allow(request.remote_address)) {
      Reply reply = error(429, "Too many queries from this address; please slow down.");
      reply.headers.emplace_back("Retry-After", "1");
      return respond(std::move(reply));
    }
    // Lookups are cached whole; the key holds the scheme and Host when URLs are built from them. Every
    // caller is anonymous today, so one rendering fits all: authorised requests (a later issue) must
    // bypass this cache or key it by their FieldSet.
    const bool cacheable = request.path.starts_with("/rdap/domain/") ||
                           request.path.starts_with("/rdap/nameserver/") ||
                           request.path.starts_with("/rdap/entity/");
    std::string key;
    if (cacheable) {
      current_generation();
      key = request.target;
      if (settings.base_url.empty()) {
        key += request.secure ? "\nhttps\n" : "\nhttp\n";
        key += request.header("host").value_or("");
      }
      if (auto cached = cache.find(key)) return respond({cached->status, cached->body, {}});
    }
    const std::uint64_t epoch = cache.epoch();  // before the data is read (see ResponseCache::insert)
    const Context context = context_for(request);
    Reply reply = route(request, context);
    if (cacheable && reply.status == 200) {
      cache.insert(std::move(key),
                   std::make_shared<const CachedResponse>(CachedResponse{reply.status, reply.body}), epoch);
    }
    return respond(std::move(reply));
  }
};

Service::Service(store::RegistrationReader& store, Settings settings, ServiceOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(settings), options)) {}

Service::~Service() = default;

http::Response Service::handle(const http::Request& request) { return impl_->handle(request); }

}  // namespace ssad::rdap
