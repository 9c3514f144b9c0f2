#include "rdap/search.hpp"

#include <algorithm>
#include <vector>

#include "core/utf8.hpp"
#include "rdap/response.hpp"

namespace ssad::rdap {
namespace {

constexpr std::string_view kRdapJson = "application/rdap+json";

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

// What the search is, so that a cursor made for one search is refused by another.
std::string signature_of(const Search& query, std::string_view collection) {
  const store::NameSearch& search = query.search;
  return std::string(collection) + ' ' + std::to_string(static_cast<int>(search.kind)) + ' ' + search.value +
         ' ' + search.suffix + (query.exact ? " =" : "");
}

struct Page {
  bool counted = false;  // count=true on the first page: totalCount is written
  std::int64_t number = 1;
  bool more = false;
  std::string last_key;
  std::int64_t total = 0;
};

void write_paging(json::JsonWriter& out, const Environment& env, const Search& query,
                  std::string_view collection, const Context& context, const std::string& signature,
                  const Page& page, Timestamp now) {
  out.key("paging_metadata");
  out.begin_object();
  if (page.counted) {
    out.key("totalCount");
    out.integer(page.total);
  }
  if (page.more || page.number > 1) {
    out.key("pageSize");
    out.integer(static_cast<std::int64_t>(env.page_size));
    out.key("pageNumber");
    out.integer(page.number);
  }
  if (page.more) {
    std::string href(context.base_url);
    href.append(collection).append("?");
    // The next page repeats the search but not its count: counting every match again per page would
    // make paging cost what the whole result set costs.
    for (const auto& [name, value] : query.parameters) {
      if (name == "cursor" || name == "count") continue;
      href += percent_encode(name) + '=' + percent_encode(value) + '&';
    }
    href += "cursor=" + env.cursors.encode({signature, page.last_key, page.number + 1, {}}, now);
    out.key("links");
    out.begin_array();
    out.begin_object();
    out.member("value", context.query_url);
    out.member("rel", "next");
    out.member("href", href);
    out.member("type", kRdapJson);
    out.end_object();
    out.end_array();
  }
  out.end_object();
}

void write_sorting(json::JsonWriter& out, const Search& query, bool domains) {
  out.key("sorting_metadata");
  out.begin_object();
  if (query.sorted) out.member("currentSort", "name");
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

void write_subsetting(json::JsonWriter& out, const Search& query, bool domains) {
  out.key("subsetting_metadata");
  out.begin_object();
  out.member("currentFieldSet", query.field_set);
  out.key("availableFieldSets");
  out.begin_array();
  const std::string_view what = domains ? "domain" : "nameserver";
  for (const auto& [name, description] : {std::pair<std::string_view, std::string>{
                                              "id", std::string("The ") + std::string(what) + " names only."},
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

// The characters of the label the '*' stands in: "exam*" 4, "ns1.ex*" 2, "ns1.*" 0. What comes before that
// label narrows nothing when the suffix is read row by row ("ns1.*.example" reads every "ns1." name).
std::size_t wildcard_label_characters(std::string_view prefix) {
  const std::size_t dot = prefix.rfind('.');
  return utf8_characters(dot == std::string_view::npos ? prefix : prefix.substr(dot + 1));
}

bool is_wildcard(const Search& query) {
  using Kind = store::NameSearch::Kind;
  const Kind kind = query.search.kind;
  return !query.exact && (kind == Kind::domain_prefix || kind == Kind::domain_unicode_prefix ||
                          kind == Kind::host_prefix || kind == Kind::host_unicode_prefix);
}

}  // namespace

Result<Answer> run_search(const Environment& env, const Search& query, std::string_view collection,
                          const Location& location, Timestamp now, const RenderResult& render) {
  const bool domains = collection == "domains";
  const store::NameSearch& search = query.search;
  // "example.*" (a whole last label, no suffix) counts the label before the '*'; anything else the part
  // of the wildcard's own label before it ("ns1.*.example": none).
  const bool whole_label = search.suffix.empty() && search.value.ends_with('.');
  const std::string_view prefix_counted =
      whole_label ? std::string_view(search.value).substr(0, search.value.size() - 1) : search.value;
  if (is_wildcard(query) && wildcard_label_characters(prefix_counted) < env.min_search_prefix) {
    return fail(ErrorCode::unsupported, "A search pattern needs at least " +
                                            std::to_string(env.min_search_prefix) +
                                            " characters before the '*', in the label the '*' ends.");
  }
  const auto deadline = env.clock.monotonic() + env.query_budget;
  const auto over_budget = [&] { return env.query_budget.count() > 0 && env.clock.monotonic() >= deadline; };
  const std::string signature = signature_of(query, collection);
  std::optional<CursorState> cursor;
  if (!query.cursor.empty()) {
    cursor = env.cursors.decode(query.cursor, now);
    if (!cursor || cursor->search != signature) {
      return fail(ErrorCode::invalid_input, "The cursor is not valid for this search (it may have expired).");
    }
  }
  const Context context = env.context(location);

  // The names of this page, one more than a page to know whether another follows.
  std::vector<DomainName> found;
  Page page;
  page.number = cursor ? cursor->page : 1;
  page.counted = query.count && !cursor;
  if (query.exact) {
    if (!cursor) found.push_back({search.value, {}});
  } else {
    auto names = env.store.search(
        search, {.after = cursor ? cursor->after : std::string(), .limit = env.page_size + 1});
    if (!names) return std::unexpected(store_failure(names.error()));
    found = std::move(*names);
    if (page.counted) {
      if (over_budget()) return std::unexpected(query_timed_out());
      auto counted = env.store.count(search);
      if (!counted) return std::unexpected(store_failure(counted.error()));
      page.total = *counted;
    }
  }
  page.more = found.size() > env.page_size;
  if (page.more) found.resize(env.page_size);

  Answer answer;
  json::JsonWriter out;
  out.begin_object();
  out.key(domains ? "domainSearchResults" : "nameserverSearchResults");
  out.begin_array();
  bool redacted = false;
  std::size_t index = 0;
  for (const auto& name : found) {
    if (over_budget()) return std::unexpected(query_timed_out());
    // The next page starts after this name even when it is gone since the search.
    page.last_key = search.unicode_order() ? name.unicode : name.ldh;
    if (query.detail == Detail::id && !query.exact) {
      // Names only: written from the page of names, without loading a registration per result.
      write_id_result(out, domains ? "domain" : "nameserver", name, context);
      if (domains) {
        Served& served = answer.served.emplace_back();
        served.object = name.ldh;
        served.fields.insert(*catalog::find_field(catalog::Role::none, catalog::Element::domain_name));
      }
      ++index;
      continue;
    }
    SSAD_TRY(rendered, render(out, name.ldh, index, context, answer));
    if (!rendered.found) continue;
    redacted = redacted || rendered.redacted;
    ++index;
  }
  out.end_array();
  if (query.exact) page.total = static_cast<std::int64_t>(index);
  write_paging(out, env, query, collection, context, signature, page, now);
  write_sorting(out, query, domains);
  write_subsetting(out, query, domains);
  out.end_object();
  answer.body = top_level(out.view(), {kProfile, kGuide, "paging", "sorting", "subsetting"}, redacted,
                          context, domains);
  return answer;
}

}  // namespace ssad::rdap
