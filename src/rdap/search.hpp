#pragma once
// Inside rdap/: what domain and nameserver searches share — the page of names from the store, the
// cursor, and the RFC 8977/8982 metadata. Each search renders its own objects.

#include <functional>
#include <string>
#include <string_view>

#include "rdap/use_cases.hpp"

namespace ssad::rdap {

/// One search result as rendered.
struct Rendered {
  bool found = false;     // false: the object is gone since the search found its name (skipped)
  bool redacted = false;  // it carries a `redacted` member
};

/// Writes the full or brief object for `name` (a name the search found) as result number `index`. The
/// "id" field set is written by run_search itself, from the name alone.
using RenderResult =
    std::function<Result<Rendered>(json::JsonWriter& out, const std::string& name, std::size_t index,
                                   const Context& context, Answer& answer)>;

/// Runs `query` over the store and writes the page: `collection` is "domains" or "nameservers".
[[nodiscard]] Result<Answer> run_search(const Environment& env, const Search& query,
                                        std::string_view collection, const Location& location, Timestamp now,
                                        const RenderResult& render);

}  // namespace ssad::rdap
