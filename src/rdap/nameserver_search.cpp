// Use case: a nameserver search (RFC 9082 §3.2.2) by name pattern or address. Hosts hold no personal
// data.

#include "rdap/search.hpp"

namespace ssad::rdap {

Result<Answer> search_nameservers(const Environment& env, const NameserverSearch& query,
                                  const Location& location, Timestamp now) {
  return run_search(env, query, "nameservers", location, now,
                    [&](json::JsonWriter& out, const std::string& name, std::size_t /*index*/,
                        const Context& context, Answer& /*answer*/) -> Result<Rendered> {
                      auto host = env.store.find_host(name);
                      if (!host) {
                        if (host.error().code == ErrorCode::not_found) return Rendered{};
                        return std::unexpected(store_failure(host.error()));
                      }
                      write_nameserver(out, *host, context, query.detail, true);
                      return Rendered{.found = true, .redacted = false};
                    });
}

}  // namespace ssad::rdap
