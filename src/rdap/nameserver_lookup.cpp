// Use case: a nameserver lookup (RFC 9082 §3.1.4). Hosts hold no personal data.

#include "rdap/response.hpp"
#include "rdap/use_cases.hpp"

namespace ssad::rdap {

Result<Answer> lookup_nameserver(const Environment& env, const NameserverLookup& query,
                                 const Location& location) {
  const Context context = env.context(location);
  auto host = env.store.find_host(query.name.ldh);
  if (!host) {
    if (host.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "The nameserver is not registered here.");
    }
    return std::unexpected(store_failure(host.error()));
  }
  json::JsonWriter out;
  write_nameserver(out, *host, context, Detail::full, true);
  Answer answer;
  answer.body = top_level(out.view(), {kProfile, kGuide}, false, context, false);
  return answer;
}

}  // namespace ssad::rdap
